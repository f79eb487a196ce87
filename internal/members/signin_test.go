package members_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestMagicLinkSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")

		if err := e.svc.SendSignInLink(ctx, "READER@example.com", "203.0.113.9"); err != nil {
			t.Fatal(err)
		}
		msg := e.oneMail()
		if msg.To != "reader@example.com" || msg.Subject != "رابط الدخول إلى صحيفة الغد" || !strings.Contains(msg.Text, "15 دقيقة") {
			t.Fatalf("%s %q\n%s", msg.To, msg.Subject, msg.Text)
		}
		tok := msg.token(t, members.SignInPath)
		session, got, err := e.svc.SignIn(ctx, tok)
		if err != nil || got.ID != m.ID || session == "" || session == tok {
			t.Fatalf("sign in: %q %+v %v", session, got, err)
		}
		_, _, err = e.svc.SignIn(ctx, tok)
		wantErr(t, err, members.ErrBadToken) // single use

		who, err := e.svc.SessionMember(ctx, session)
		if err != nil || who.ID != m.ID || who.Email != "reader@example.com" {
			t.Fatalf("session member: %+v %v", who, err)
		}
		if err := e.svc.EndSession(ctx, session); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SessionMember(ctx, session)
		wantErr(t, err, members.ErrNoSession)
		if err := e.svc.EndSession(ctx, session); err != nil {
			t.Fatalf("ending twice: %v", err)
		}
		for _, bad := range []string{"", "x", tok} {
			_, err := e.svc.SessionMember(ctx, bad)
			wantErr(t, err, members.ErrNoSession)
		}
	})
}

func TestSignInLinkExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.subscribe("reader@example.com")
		if err := e.svc.SendSignInLink(ctx, "reader@example.com", ""); err != nil {
			t.Fatal(err)
		}
		tok := e.oneMail().token(t, members.SignInPath)
		e.clock.advance(members.SignInTTL)
		_, _, err := e.svc.SignIn(ctx, tok)
		wantErr(t, err, members.ErrBadToken)
		_, _, err = e.svc.SignIn(ctx, "not a token")
		wantErr(t, err, members.ErrBadToken)
		// A confirmation link is not a sign-in link, nor the other way round.
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "new@example.com"}); err != nil {
			t.Fatal(err)
		}
		confirm := e.oneMail().token(t, members.ConfirmPath)
		_, _, err = e.svc.SignIn(ctx, confirm)
		wantErr(t, err, members.ErrBadToken)
		if err := e.svc.SendSignInLink(ctx, "reader@example.com", ""); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Confirm(ctx, e.oneMail().token(t, members.SignInPath))
		wantErr(t, err, members.ErrBadToken)
	})
}

func TestSignInLinkAnswersAlikeForEveryone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Unknown: nil, and nothing sent.
		if err := e.svc.SendSignInLink(ctx, "nobody@example.com", "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		e.noMail()
		// Pending: a new confirmation, which is what they still owe.
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "pending@example.com", Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		e.takeMail()
		if err := e.svc.SendSignInLink(ctx, "pending@example.com", "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		msg := e.oneMail()
		if !strings.HasPrefix(msg.Subject, "Confirm your subscription") {
			t.Fatalf("subject %q", msg.Subject)
		}
		must(e.svc.Confirm(ctx, msg.token(t, members.ConfirmPath)))(t)
		// Bounced: ErrSuppressed for the log, nothing sent.
		b := e.subscribe("bounced@example.com")
		if err := e.svc.MarkBounced(ctx, "Bounced@Example.com"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.SendSignInLink(ctx, "bounced@example.com", ""), members.ErrSuppressed)
		e.noMail()
		if got := must(e.svc.Get(ctx, b.ID))(t); got.Status != members.Bounced {
			t.Fatalf("status %s", got.Status)
		}
		// Unsubscribed members may still sign in.
		u := e.subscribe("left@example.com")
		if err := e.svc.Unsubscribe(ctx, u.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SendSignInLink(ctx, "left@example.com", ""); err != nil {
			t.Fatal(err)
		}
		if _, got, err := e.svc.SignIn(ctx, e.oneMail().token(t, members.SignInPath)); err != nil || got.ID != u.ID {
			t.Fatalf("%+v %v", got, err)
		}
		// Malformed addresses get a clear error.
		wantErr(t, e.svc.SendSignInLink(ctx, "user@localhost", ""), members.ErrInvalidEmail)
	})
}

func TestSignInRequestsAreThrottledPerIP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for i := range 5 {
			if err := e.svc.SendSignInLink(ctx, "x"+string(rune('a'+i))+"@example.com", "198.51.100.20"); err != nil {
				t.Fatal(err)
			}
		}
		wantErr(t, e.svc.SendSignInLink(ctx, "xf@example.com", "198.51.100.20"), members.ErrThrottled)
		// Subscribing has its own allowance.
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "xf@example.com", IP: "198.51.100.20"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSessionsSlideAndTouchAtMostOncePerMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")
		session := must(e.svc.StartSession(ctx, m.ID))(t)
		start := e.clock.now()
		lastSeen := func() time.Time {
			var ts time.Time
			if err := db.QueryRow(ctx, "SELECT last_seen_at FROM member_sessions WHERE member_id = ?", m.ID).Scan(&ts); err != nil {
				t.Fatal(err)
			}
			return ts.UTC()
		}
		e.clock.advance(30 * time.Second)
		must(e.svc.SessionMember(ctx, session))(t)
		if got := lastSeen(); !got.Equal(start) {
			t.Fatalf("last seen written within the minute: %v", got)
		}
		e.clock.advance(31 * time.Second)
		must(e.svc.SessionMember(ctx, session))(t)
		if got := lastSeen(); !got.Equal(start.Add(61 * time.Second)) {
			t.Fatalf("last seen %v", got)
		}
		// Sliding: each visit within 30 days keeps the session.
		for range 3 {
			e.clock.advance(members.SessionTTL - time.Hour)
			must(e.svc.SessionMember(ctx, session))(t)
		}
		e.clock.advance(members.SessionTTL)
		_, err := e.svc.SessionMember(ctx, session)
		wantErr(t, err, members.ErrNoSession)
		// The spent confirmation link and the expired session.
		if n := must(e.svc.Prune(ctx))(t); n != 2 {
			t.Fatalf("pruned %d", n)
		}
		_, err = e.svc.StartSession(ctx, 9999)
		wantErr(t, err, members.ErrNotFound)
	})
}

func TestEndAllSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")
		a := must(e.svc.StartSession(ctx, m.ID))(t)
		b := must(e.svc.StartSession(ctx, m.ID))(t)
		if err := e.svc.EndAllSessions(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{a, b} {
			_, err := e.svc.SessionMember(ctx, s)
			wantErr(t, err, members.ErrNoSession)
		}
	})
}

func TestLinksAreSingleUseUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.subscribe("reader@example.com")
		if err := e.svc.SendSignInLink(ctx, "reader@example.com", ""); err != nil {
			t.Fatal(err)
		}
		tok := e.oneMail().token(t, members.SignInPath)
		const n = 8
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.svc.SignIn(ctx, tok)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, members.ErrBadToken):
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d sign-ins with one link", ok)
		}

		// Racing requests for one new address make one member.
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "race@example.com"}); err != nil && !errors.Is(err, members.ErrThrottled) {
					t.Errorf("subscribe: %v", err)
				}
			}()
		}
		wg.Wait()
		if _, total, _ := e.svc.List(ctx, members.Filter{Query: "race@"}); total != 1 {
			t.Fatalf("%d members for one address", total)
		}
		if got := len(e.takeMail()); got != 3 {
			t.Fatalf("%d confirmation mails, want the address limit of 3", got)
		}
	})
}
