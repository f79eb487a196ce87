package newsletter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"nashra.dev/nashra/internal/store"
)

// checkpoint marks a claimed row 'sent' and has the final dot written, with
// as little time as possible between the two: a process killed in between
// skips that member (see deliver.go). dot is called only once the row is
// certain to commit, or already committed.
//
// Measured: with a plain autocommit UPDATE before the dot, a SIGKILL of a
// PostgreSQL node at 20,000 recipients skipped 4 members. The server
// commits an UPDATE it has received even if the client dies while waiting
// for the answer, so the window was the whole round trip with its WAL
// flush, a millisecond or more, and on average throughput × window members
// sit in it. Here, on PostgreSQL, the UPDATE runs in an explicit
// transaction (fence checked, row locked), then COMMIT is written to the
// server and the dot to the SMTP server right after, before either answer
// is read: the window is the few microseconds between two write calls.
// On SQLite the commit happens in this process, and the dot is written as
// soon as it returns.
func (e *Engine) checkpoint(ctx context.Context, sendID, memberID int64, dot func() error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if e.db.Dialect() != store.Postgres {
		if err := e.markSent(ctx, sendID, memberID); err != nil {
			return err
		}
		_ = dot() // the SMTP side reports a failed write
		return nil
	}
	conn, err := e.db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	dotted := false
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("newsletter: unexpected PostgreSQL driver connection %T", dc)
		}
		c := sc.Conn()
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		b.Queue(e.db.Rebind(markSentSQL), e.clock(), sendID, memberID, e.token)
		res := c.SendBatch(ctx, b)
		_, err := res.Exec()
		var n int64
		if err == nil {
			tag, uerr := res.Exec()
			err, n = uerr, tag.RowsAffected()
		}
		if cerr := res.Close(); err == nil {
			err = cerr
		}
		if err == nil && n != 1 {
			err = errLostClaim
		}
		if err != nil {
			_, _ = c.PgConn().Exec(ctx, "ROLLBACK").ReadAll()
			return err
		}
		commit := c.PgConn().Exec(ctx, "COMMIT") // written and flushed; the answer is read below
		dotted = true
		_ = dot()
		_, err = commit.ReadAll()
		return err
	})
	if err == nil || !dotted {
		return err
	}
	// The dot is out but the commit failed (the connection broke, most
	// likely): the row is still ours and 'claimed', or it did commit.
	// Record it again; failing that, the member may get it twice later.
	if err2 := e.markSent(ctx, sendID, memberID); err2 != nil && !errors.Is(err2, errLostClaim) {
		e.log.Error("newsletter: delivered but not recorded: may be delivered again", "send_id", sendID, "member_id", memberID, "err", errors.Join(err, err2))
	}
	return nil
}
