package newsletter

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// The life of a delivery row:
//
//	pending ──claim──▶ claimed ──checkpoint──▶ sent
//	   ▲                  │ └──5xx, or 4xx × MaxAttempts──▶ failed
//	   └──release/reset───┘ └──unsubscribed meanwhile, cancel──▶ skipped
//
// claimed_by holds the claiming engine's token, NODE:INSTANCE. Every change
// out of 'claimed' is conditional on that token, so a row taken back from a
// node thought dead (its claim went stale) can no longer be checkpointed by
// that node: the fence that keeps two nodes from both delivering it.

// errLostClaim: the row is no longer claimed by this engine (taken back as
// stale, or the send was cancelled); whatever was under way for it must stop.
var errLostClaim = errors.New("newsletter: the delivery is no longer claimed by this node")

// claimSQL takes up to n pending rows of a send, lowest member ids first,
// in one statement (arguments: token, time, send, send, n). SQLite
// serializes writers, and runs IN (subquery) once.
//
// On PostgreSQL the subquery skips rows another node is locking at the same
// moment (SKIP LOCKED) rather than waiting and then finding them taken, so
// two nodes claim disjoint batches at once. It is wrapped in ARRAY(…) to
// run once, as an InitPlan: as IN (…), on a table without statistics yet,
// the planner chose a nested loop running it again for every pending row
// (a first claim among 20,000 took 87 s). The outer statement leaves out
// status = 'pending' (the locked rows are pending, and stay so until this
// commits) so that it looks the rows up by primary key instead of filtering
// every pending row against the array.
var claimSQL = map[store.Dialect]string{
	store.SQLite: `UPDATE deliveries SET status = 'claimed', claimed_by = ?, claimed_at = ?
		WHERE send_id = ? AND status = 'pending' AND member_id IN (
			SELECT member_id FROM deliveries WHERE send_id = ? AND status = 'pending' ORDER BY member_id LIMIT ?)
		RETURNING member_id`,
	store.Postgres: `UPDATE deliveries SET status = 'claimed', claimed_by = ?, claimed_at = ?
		WHERE send_id = ? AND member_id = ANY(ARRAY(
			SELECT member_id FROM deliveries WHERE send_id = ? AND status = 'pending' ORDER BY member_id LIMIT ?
			FOR UPDATE SKIP LOCKED))
		RETURNING member_id`,
}

// claim takes a batch for this engine (see claimSQL).
func (e *Engine) claim(ctx context.Context, sendID int64, n int) ([]int64, error) {
	var ids []int64
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		ids = ids[:0]
		rows, err := tx.Query(ctx, claimSQL[e.db.Dialect()], e.token, e.clock(), sendID, sendID, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// recipients loads the claimed members. Those who are no longer active, or
// no longer subscribed to the newsletter, come back in gone: their rows are
// skipped, since an unsubscribe must hold even for a send already under way.
func (e *Engine) recipients(ctx context.Context, newsletterID int64, ids []int64) (ok []Member, gone []int64, err error) {
	args := []any{newsletterID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := e.db.Query(ctx, `SELECT m.id, m.email, m.name, m.lang FROM members m
		JOIN member_newsletters mn ON mn.member_id = m.id AND mn.newsletter_id = ?
		WHERE m.status = 'active' AND m.id IN (`+marks(len(ids))+`) ORDER BY m.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	found := make(map[int64]bool, len(ids))
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.Lang); err != nil {
			return nil, nil, err
		}
		found[m.ID] = true
		ok = append(ok, m)
	}
	for _, id := range ids {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	return ok, gone, rows.Err()
}

func (e *Engine) markSkipped(ctx context.Context, sendID int64, ids []int64, why string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{why, sendID, e.token}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := e.db.Exec(ctx, `UPDATE deliveries SET status = 'skipped', error = ?
		WHERE send_id = ? AND status = 'claimed' AND claimed_by = ? AND member_id IN (`+marks(len(ids))+`)`, args...)
	return err
}

// markSentSQL checkpoints a row (arguments: time, send, member, token).
const markSentSQL = `UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, error = ''
	WHERE send_id = ? AND member_id = ? AND status = 'claimed' AND claimed_by = ?`

// markSent records a row as sent. It fails with errLostClaim if the row is
// no longer this engine's. On SQLite, the statement of every delivery is
// prepared once on the write connection: parsing it each time cost about a
// tenth of a delivery.
func (e *Engine) markSent(ctx context.Context, sendID, memberID int64) error {
	args := []any{e.clock(), sendID, memberID, e.token}
	if e.db.Dialect() == store.SQLite {
		e.markOnce.Do(func() { e.markStmt, _ = e.db.SQL().PrepareContext(context.WithoutCancel(ctx), markSentSQL) })
		if e.markStmt != nil {
			return oneRow(e.markStmt.ExecContext(ctx, args...))
		}
	}
	return oneRow(e.db.Exec(ctx, markSentSQL, args...))
}

// unmarkSent undoes a checkpoint after the server refused the message at
// the final dot: it was not delivered, and the row is claimed again.
func (e *Engine) unmarkSent(ctx context.Context, sendID, memberID int64, why string) error {
	res, err := e.db.Exec(ctx, `UPDATE deliveries SET status = 'claimed', sent_at = NULL, error = ?
		WHERE send_id = ? AND member_id = ? AND status = 'sent' AND claimed_by = ?`,
		clip(why), sendID, memberID, e.token)
	return oneRow(res, err)
}

// noteFailure records a failed attempt on a claimed row and returns how many
// attempts the row has had. With final the row fails for good, and with
// bounce the member is marked bounced too (a 5xx refusal of the address).
func (e *Engine) noteFailure(ctx context.Context, sendID, memberID int64, why string, final, bounce bool) (int, error) {
	var attempts int
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE deliveries SET attempts = attempts + 1, error = ?
			WHERE send_id = ? AND member_id = ? AND status = 'claimed' AND claimed_by = ?
			RETURNING attempts`, clip(why), sendID, memberID, e.token).Scan(&attempts)
		if errors.Is(err, store.ErrNotFound) {
			return errLostClaim
		}
		if err != nil {
			return err
		}
		if attempts >= e.opt.MaxAttempts {
			final = true
		}
		if !final {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE deliveries SET status = 'failed' WHERE send_id = ? AND member_id = ?",
			sendID, memberID); err != nil {
			return err
		}
		if bounce {
			_, err = tx.Exec(ctx, "UPDATE members SET status = 'bounced', updated_at = ? WHERE id = ? AND status = 'active'",
				e.clock(), memberID)
		}
		return err
	})
	return attempts, err
}

// release hands back the rows this engine claimed and did not finish (on
// pause, cancel of the context, or the end of a job's time slice).
func (e *Engine) release(ctx context.Context, sendID int64) error {
	_, err := e.db.Exec(ctx, `UPDATE deliveries SET status = 'pending', claimed_by = ''
		WHERE send_id = ? AND status = 'claimed' AND claimed_by = ?`, sendID, e.token)
	return err
}

// resetClaims runs when an engine starts on a send. Rows claimed by this
// node under any instance token belong to a process of this node that is
// gone (the engine runs a send once at a time): they go back to pending at
// once. Rows claimed by another node longer ago than StaleAfter belong to a
// node presumed dead: they go back too. Rows already 'sent' never do.
func (e *Engine) resetClaims(ctx context.Context, sendID int64) (int64, error) {
	prefix := e.opt.NodeID + ":"
	res, err := e.db.Exec(ctx, `UPDATE deliveries SET status = 'pending', claimed_by = ''
		WHERE send_id = ? AND status = 'claimed' AND claimed_by <> ?
		AND (substr(claimed_by, 1, ?) = ? OR claimed_at < ?)`,
		sendID, e.token, utf8.RuneCountInString(prefix), prefix, e.clock().Add(-e.opt.StaleAfter))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// resetStale takes back only other nodes' stale claims (while a send runs).
func (e *Engine) resetStale(ctx context.Context, sendID int64) error {
	_, err := e.db.Exec(ctx, `UPDATE deliveries SET status = 'pending', claimed_by = ''
		WHERE send_id = ? AND status = 'claimed' AND claimed_at < ?`, sendID, e.clock().Add(-e.opt.StaleAfter))
	return err
}

// unfinished counts the rows not yet in a final state.
func (e *Engine) unfinished(ctx context.Context, sendID int64) (int, error) {
	var n int
	err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM deliveries WHERE send_id = ? AND status IN ('pending', 'claimed')", sendID).Scan(&n)
	return n, err
}

// finish marks the send done once no row is left to deliver. Several nodes
// may try; the condition makes it happen once.
func (e *Engine) finish(ctx context.Context, sendID int64) (bool, error) {
	res, err := e.db.Exec(ctx, `UPDATE sends SET status = 'done', finished_at = ?
		WHERE id = ? AND status = 'sending' AND NOT EXISTS (
			SELECT 1 FROM deliveries WHERE send_id = ? AND status IN ('pending', 'claimed'))`,
		e.clock(), sendID, sendID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func oneRow(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errLostClaim
	}
	return nil
}

// clip keeps stored error texts short and on one line.
func clip(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")
	if len(s) > 500 {
		s = s[:500]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}
