package newsletter

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/jobs"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestJobs runs sends through the real job queue: CreateSend enqueues the
// newsletter.send job in its transaction, the worker works the send in
// short slices (snoozing between them), and Resume enqueues it again.
func TestJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seedPost(t, db, 60, true)
		sk := startSink(t, false, nil)
		cfg := sk.config()
		cfg.Rate = 300 // 60 messages take 0.2 s: more than one slice
		tr := NewSMTP(cfg, nil)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		workers := river.NewWorkers()
		river.AddWorker(workers, &SendWorker{Engine: e, Slice: 150 * time.Millisecond})
		river.AddWorker(workers, &SweepWorker{Engine: e})
		q, err := jobs.Open(ctx, db, jobs.Options{Workers: workers, Log: testLog()})
		if err != nil {
			t.Fatal(err)
		}
		e.SetQueue(q)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = q.Stop(sctx)
		}()
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, 60*time.Second, func() bool {
			st, err := e.Progress(ctx, send.ID)
			return err == nil && st.Status == StatusDone
		})
		checkExactlyOnce(t, sk.counts(), s.emails)

		// Pause a digest midway; Resume enqueues it again.
		mustExec(t, db, "UPDATE members SET frequency = 'daily'")
		digest, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, Kind: KindDigest})
		if err != nil {
			t.Fatal(err)
		}
		before := sk.total.Load()
		waitFor(t, 30*time.Second, func() bool { return sk.total.Load() >= before+20 })
		if err := e.Pause(ctx, digest.ID); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if err := e.Resume(ctx, digest.ID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 60*time.Second, func() bool {
			st, err := e.Progress(ctx, digest.ID)
			return err == nil && st.Status == StatusDone
		})
		if got := sk.total.Load() - before; got != 60 {
			t.Errorf("the digest reached %d messages, want 60", got)
		}
	})
}

// TestRecoverAndSweep: a restarted node takes back its dead process's
// claims at once; the sweep finds sends nobody has touched for StaleAfter.
func TestRecoverAndSweep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 10)
		e := newEngine(t, db, nil, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		mustExec(t, db, "UPDATE deliveries SET status = 'claimed', claimed_by = 'node-a:dead', claimed_at = ? WHERE member_id <= 3", old)
		mustExec(t, db, "UPDATE deliveries SET status = 'claimed', claimed_by = 'node-b:live', claimed_at = ? WHERE member_id BETWEEN 4 AND 5", old)
		ids, err := e.Recover(ctx)
		if err != nil || len(ids) != 1 || ids[0] != send.ID {
			t.Fatalf("Recover = %v, %v", ids, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM deliveries WHERE status = 'claimed'"); n != 2 {
			t.Errorf("%d rows claimed after Recover, want node-b's 2", n)
		}
		if ids, err := e.Unattended(ctx); err != nil || len(ids) != 0 {
			t.Errorf("a send created just now is not unattended: %v %v", ids, err)
		}
		mustExec(t, db, "UPDATE sends SET created_at = ?", old)
		if ids, err := e.Unattended(ctx); err != nil || len(ids) != 1 {
			t.Errorf("Unattended = %v, %v", ids, err)
		}
		mustExec(t, db, "UPDATE deliveries SET claimed_at = ? WHERE member_id = 4", time.Now().UTC().Truncate(time.Second))
		if ids, err := e.Unattended(ctx); err != nil || len(ids) != 0 {
			t.Errorf("a send with a fresh claim is attended: %v, %v", ids, err)
		}
	})
}
