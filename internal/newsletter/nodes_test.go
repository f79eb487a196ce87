package newsletter

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestStaleClaims: a restarted node takes its own dead claims back at once;
// another node's claims only once they are older than StaleAfter.
func TestStaleClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 30)
		sk := startSink(t, false, nil)
		tr := NewSMTP(sk.config(), nil)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		// Rows 1–10: an earlier process of node-a; 11–20: node-b, alive;
		// 21–25: node-c, silent for an hour; 26: already sent by node-c.
		mustExec(t, db, `UPDATE deliveries SET status = 'claimed', claimed_by = 'node-a:00000000', claimed_at = ? WHERE member_id <= 10`, now)
		mustExec(t, db, `UPDATE deliveries SET status = 'claimed', claimed_by = 'node-b:11111111', claimed_at = ? WHERE member_id BETWEEN 11 AND 20`, now)
		mustExec(t, db, `UPDATE deliveries SET status = 'claimed', claimed_by = 'node-c:22222222', claimed_at = ? WHERE member_id BETWEEN 21 AND 25`, now.Add(-time.Hour))
		mustExec(t, db, `UPDATE deliveries SET status = 'sent', claimed_by = 'node-c:22222222', claimed_at = ?, sent_at = ? WHERE member_id = 26`, now.Add(-time.Hour), now.Add(-time.Hour))
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		got := sk.counts()
		var want []string
		for i, a := range s.emails {
			if id := i + 1; id <= 10 || id > 20 && id != 26 {
				want = append(want, a)
			}
		}
		checkExactlyOnce(t, got, want)
		if st, _ := e.Progress(ctx, send.ID); st.Status != StatusSending || st.Pending != 10 {
			t.Errorf("node-b's live claims should still be pending: %+v", st)
		}
		// node-b dies: its claims go stale, and the next run takes them.
		mustExec(t, db, `UPDATE deliveries SET claimed_at = ? WHERE status = 'claimed'`, now.Add(-time.Hour))
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sk.counts(), append(want, s.emails[10:20]...))
		if st, _ := e.Progress(ctx, send.ID); st.Status != StatusDone {
			t.Errorf("progress = %+v", st)
		}
	})
}

// TestTwoNodes runs two engines with their own database handles on one
// database, working the same send at the same time.
func TestTwoNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 600)
		sk := startSink(t, false, nil)
		db2, err := store.Open(ctx, db.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		ta, tb := NewSMTP(sk.config(), nil), NewSMTP(sk.config(), nil)
		defer ta.Close()
		defer tb.Close()
		a, b := newEngine(t, db, ta, "node-a"), newEngine(t, db2, tb, "node-b")
		send, err := a.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, e := range []*Engine{a, b} {
			wg.Go(func() { errs[i] = e.RunSend(ctx, send.ID) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sk.counts(), s.emails)
		st, _ := a.Progress(ctx, send.ID)
		if st.Status != StatusDone || st.Sent != 600 {
			t.Errorf("progress = %+v", st)
		}
		na := count(t, db, "SELECT COUNT(*) FROM deliveries WHERE claimed_by LIKE 'node-a:%'")
		nb := count(t, db, "SELECT COUNT(*) FROM deliveries WHERE claimed_by LIKE 'node-b:%'")
		t.Logf("node-a delivered %d, node-b %d", na, nb)
		if na+nb != 600 {
			t.Errorf("claims: node-a %d + node-b %d != 600", na, nb)
		}
	})
}

func TestBounceAndRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 20)
		sk := startSink(t, false, func(sk *sink) {
			sk.onRcpt = func(to string, n int) error {
				switch {
				case to == email(3): // no such mailbox
					return errNoUser
				case to == email(5) && n == 1: // greylisted once
					return errTemp
				case to == email(7): // never accepts
					return errTemp
				}
				return nil
			}
		})
		tr := NewSMTP(sk.config(), nil)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		var want []string
		for i, a := range s.emails {
			if i+1 != 3 && i+1 != 7 {
				want = append(want, a)
			}
		}
		checkExactlyOnce(t, sk.counts(), want)
		for _, c := range []struct {
			member            int
			delivery, mstatus string
			attempts          int
		}{
			{3, "failed", "bounced", 1},
			{5, "sent", "active", 2},
			{7, "failed", "active", 3},
			{1, "sent", "active", 1},
		} {
			var ds, ms, errText string
			var attempts int
			if err := db.QueryRow(ctx, `SELECT d.status, d.attempts, d.error, m.status FROM deliveries d
				JOIN members m ON m.id = d.member_id WHERE d.send_id = ? AND m.email = ?`, send.ID, email(c.member)).Scan(&ds, &attempts, &errText, &ms); err != nil {
				t.Fatal(err)
			}
			if ds != c.delivery || ms != c.mstatus || attempts != c.attempts {
				t.Errorf("%s: delivery %s after %d attempts (%q), member %s; want %s after %d, member %s",
					email(c.member), ds, attempts, errText, ms, c.delivery, c.attempts, c.mstatus)
			}
		}
		st, _ := e.Progress(ctx, send.ID)
		if st.Sent != 18 || st.Failed != 2 || st.Pending != 0 || st.Status != StatusDone {
			t.Errorf("progress = %+v", st)
		}
	})
}
