package newsletter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"nashra.dev/nashra/internal/content"
)

// errStopped ends a run because the send was paused or cancelled.
var errStopped = errors.New("newsletter: send paused or cancelled")

// run is one engine working one send.
type run struct {
	e      *Engine
	send   *Send
	letter *letter
}

// RunSend works send id until no pending recipient is left, the send is
// paused or cancelled (it returns nil then), or ctx ends (it returns ctx's
// error). It can run on any number of nodes at once for the same send:
// each claims its own batches. It returns without waiting for rows other
// live nodes still hold; the last node to finish marks the send done.
//
// On entry it takes back rows claimed by an earlier process of this node
// (a crash or a kill) and rows whose claim by another node went stale; on
// exit it hands back the rows it claimed and did not finish. One engine
// works a send once at a time: a second call while one runs returns nil.
func (e *Engine) RunSend(ctx context.Context, id int64) error {
	if !e.enter(id) {
		return nil
	}
	defer e.leave(id)
	s, err := e.Send(ctx, id)
	if err != nil || s.Status != StatusSending {
		return err
	}
	if _, err := e.db.Exec(ctx, "UPDATE sends SET started_at = ? WHERE id = ? AND started_at IS NULL", e.clock(), id); err != nil {
		return err
	}
	if n, err := e.resetClaims(ctx, id); err != nil {
		return err
	} else if n > 0 {
		e.log.Info("newsletter: took back unfinished claims", "send_id", id, "rows", n)
	}
	l, err := e.prepare(ctx, s)
	if err != nil {
		return err
	}
	if l == nil { // the post is gone: nothing can be sent any more
		e.log.Error("newsletter: the post of a send was deleted; cancelling the send", "send_id", id)
		return e.Cancel(ctx, id)
	}
	r := &run{e: e, send: s, letter: l}
	for {
		if err := r.pass(ctx); err != nil {
			if errors.Is(err, errStopped) {
				return nil
			}
			return err
		}
		// No pending row is left. Rows held by a node presumed dead come
		// back now; then the send is done if nothing else remains.
		if err := e.resetStale(ctx, id); err != nil {
			return err
		}
		left, err := e.unfinished(ctx, id)
		if err != nil {
			return err
		}
		if left == 0 {
			if done, err := e.finish(ctx, id); err != nil || !done {
				return err
			}
			st, _ := e.Progress(ctx, id)
			e.log.Info("newsletter: send done", "send_id", id, "sent", st.Sent, "failed", st.Failed, "skipped", st.Skipped)
			return nil
		}
		var pending int
		if err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM deliveries WHERE send_id = ? AND status = 'pending'", id).Scan(&pending); err != nil || pending == 0 {
			return err // the rest is in other live nodes' hands
		}
	}
}

// pass claims and delivers batches until none is pending. Claiming and
// delivering overlap: the next batch is claimed while the workers deliver
// the last one, and no more than two batches are claimed and unsent at once.
func (r *run) pass(ctx context.Context) error {
	e, id := r.e, r.send.ID
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.watch(rctx, cancel) }()
	work := make(chan Member, e.opt.BatchSize)
	var workers sync.WaitGroup
	for range e.opt.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for m := range work {
				if rctx.Err() == nil {
					r.deliver(rctx, m)
				}
			}
		}()
	}
	var perr error
	for rctx.Err() == nil {
		ids, err := e.claim(rctx, id, e.opt.BatchSize)
		if err != nil || len(ids) == 0 {
			perr = err
			break
		}
		ok, gone, err := e.recipients(rctx, r.send.NewsletterID, ids)
		if err == nil {
			err = e.markSkipped(rctx, id, gone, "no longer subscribed")
		}
		if err != nil {
			perr = err
			break
		}
		for _, m := range ok {
			select {
			case work <- m:
			case <-rctx.Done():
			}
		}
	}
	close(work)
	workers.Wait()
	cancel(nil)
	wg.Wait()
	// Whatever is still claimed by this engine was not delivered: hand it
	// back, even if ctx has ended (the next run would anyway, but another
	// node can have it now).
	bg, stop := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer stop()
	if err := e.release(bg, id); err != nil {
		e.log.Error("newsletter: cannot release claims", "send_id", id, "err", err)
	}
	switch cause := context.Cause(rctx); {
	case ctx.Err() != nil:
		return ctx.Err()
	case perr != nil && !errors.Is(perr, context.Canceled):
		return perr
	case errors.Is(cause, errStopped):
		return errStopped
	}
	return nil
}

// watch stops the run when the send leaves 'sending' (pause, cancel), checking
// every PollInterval.
func (r *run) watch(ctx context.Context, stop context.CancelCauseFunc) {
	t := time.NewTicker(r.e.opt.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var st string
		err := r.e.db.QueryRow(ctx, "SELECT status FROM sends WHERE id = ?", r.send.ID).Scan(&st)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			r.e.log.Warn("newsletter: cannot read a send's status", "send_id", r.send.ID, "err", err)
			continue
		}
		if Status(st) != StatusSending {
			r.e.log.Info("newsletter: send stopped", "send_id", r.send.ID, "status", st)
			stop(errStopped)
			return
		}
	}
}

// prepare renders the send's letter once; nil when its post is gone.
func (e *Engine) prepare(ctx context.Context, s *Send) (*letter, error) {
	nl, err := e.newsletter(ctx, s.NewsletterID)
	if err != nil {
		return nil, err
	}
	var posts []content.Post
	switch s.Kind {
	case KindPost:
		if s.PostID == 0 {
			return nil, nil
		}
		p, err := e.opt.Posts.PostByID(ctx, s.PostID)
		if errors.Is(err, content.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		posts = []content.Post{*p}
	case KindDigest:
		if posts, err = e.digestPosts(ctx, nl, s.PeriodFrom, s.PeriodTo); err != nil {
			return nil, err
		}
		if len(posts) == 0 {
			return nil, nil
		}
	default:
		return nil, fmt.Errorf("%w: send %d has kind %q", ErrInvalid, s.ID, s.Kind)
	}
	return e.letter(nl, s.Subject, posts, s.Kind == KindPost)
}

func (e *Engine) enter(id int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running[id] {
		return false
	}
	e.running[id] = true
	return true
}

func (e *Engine) leave(id int64) {
	e.mu.Lock()
	delete(e.running, id)
	e.mu.Unlock()
}
