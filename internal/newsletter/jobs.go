package newsletter

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/store"
)

// SendArgs is the job that works one send: inserted with the send (and on
// Resume), so the send outlives the request and the process that made it.
type SendArgs struct {
	SendID int64 `json:"send_id"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "newsletter.send" }

// SendWorker works SendArgs. A large send is worked in slices of at most
// Slice (4 minutes by default, under the queue's 5-minute job timeout):
// at the end of a slice the job snoozes and is picked up again at once, by
// this node or another, which keeps every job short and lets a stopping
// node hand the send over without losing an attempt.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Engine *Engine
	Slice  time.Duration
}

// Work runs the send for a slice.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	slice := w.Slice
	if slice <= 0 {
		slice = 4 * time.Minute
	}
	sctx, cancel := context.WithTimeout(ctx, slice)
	defer cancel()
	err := w.Engine.RunSend(sctx, job.Args.SendID)
	switch {
	case errors.Is(err, ErrNotFound):
		return river.JobCancel(err) // the send was deleted
	case err != nil && sctx.Err() != nil:
		// The slice is over or the queue is stopping: carry on later.
		return river.JobSnooze(0)
	}
	return err
}

// SweepArgs is the periodic safety net for sends nobody is working: their
// job was lost (a restored backup), or the node working them died and its
// job is still marked running. It enqueues a SendArgs for every send that
// is 'sending' and has had no claim for StaleAfter.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "newsletter.resume_sweep" }

// SweepWorker works SweepArgs; it needs the engine's queue (SetQueue).
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Engine *Engine
}

// Work makes the sends published posts wait for, and enqueues the
// unattended sends.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	if err := w.Engine.SendDueEmails(ctx); err != nil {
		return err
	}
	ids, err := w.Engine.Unattended(ctx)
	if err != nil || w.Engine.queue == nil {
		return err
	}
	for _, id := range ids {
		w.Engine.log.Info("newsletter: resuming an unattended send", "send_id", id)
		if err := w.Engine.db.WithTx(ctx, func(tx *store.Tx) error { return w.Engine.enqueue(ctx, tx, id) }); err != nil {
			return err
		}
	}
	return nil
}

// Unattended lists the sends in 'sending' that no node has claimed a row of
// for StaleAfter (nor were created in that time).
func (e *Engine) Unattended(ctx context.Context) ([]int64, error) {
	cutoff := e.clock().Add(-e.opt.StaleAfter)
	return store.Int64s(e.db.Query(ctx, `SELECT s.id FROM sends s WHERE s.status = 'sending' AND s.created_at < ?
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.send_id = s.id AND d.claimed_at >= ?)
		ORDER BY s.id`, cutoff, cutoff))
}

// PeriodicSweep is the sweep's schedule for internal/app: every minute, and
// once when the queue starts (so a restarted node resumes at once).
func PeriodicSweep() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// Timeout: a slice ends itself; the queue's own timeout must not cut it.
func (w *SendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return -1 }

// Recover is for a node's start: rows that an earlier process of this node
// had claimed (it crashed or was killed mid-send) go back to pending at
// once, and the sends they belong to are enqueued again (with a queue), so
// the restart resumes them without waiting for the claims to go stale.
func (e *Engine) Recover(ctx context.Context) ([]int64, error) {
	prefix := e.opt.NodeID + ":"
	var ids []int64
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		ids = ids[:0]
		rows, err := tx.Query(ctx, `UPDATE deliveries SET status = 'pending', claimed_by = ''
			WHERE status = 'claimed' AND claimed_by <> ? AND substr(claimed_by, 1, ?) = ?
			RETURNING send_id`, e.token, utf8.RuneCountInString(prefix), prefix)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if err := e.enqueue(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if len(ids) > 0 {
		e.log.Info("newsletter: took back this node's unfinished claims", "sends", ids)
	}
	return ids, err
}
