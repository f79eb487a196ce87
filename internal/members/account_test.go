package members_test

import (
	"errors"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestSetNewslettersAndUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		news := must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		daily := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "الملخص", Slug: "daily"}))(t)
		m := e.subscribe("reader@example.com")
		if len(m.Newsletters) != 2 || m.Frequency != members.Every {
			t.Fatalf("subscribed: %+v", m)
		}

		if err := e.svc.SetNewsletters(ctx, m.ID, []string{"daily"}, "weekly"); err != nil {
			t.Fatal(err)
		}
		got := must(e.svc.Get(ctx, m.ID))(t)
		if len(got.Newsletters) != 1 || got.Newsletters[0].ID != daily.ID || got.Frequency != members.Weekly {
			t.Fatalf("after choosing: %+v", got)
		}
		wantErr(t, e.svc.SetNewsletters(ctx, m.ID, []string{"daily"}, "hourly"), members.ErrInvalid)
		wantErr(t, e.svc.SetNewsletters(ctx, m.ID, []string{"nope"}, ""), members.ErrUnknownNewsletter)
		wantErr(t, e.svc.SetNewsletters(ctx, 999, nil, ""), members.ErrNotFound)
		if got := must(e.svc.Get(ctx, m.ID))(t); len(got.Newsletters) != 1 || got.Frequency != members.Weekly {
			t.Fatalf("a refused change changed something: %+v", got)
		}

		// None chosen: unsubscribed; some again: active without a new confirmation.
		if err := e.svc.SetNewsletters(ctx, m.ID, nil, ""); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); got.Status != members.Unsubscribed || got.UnsubscribedAt.IsZero() {
			t.Fatalf("after choosing none: %+v", got)
		}
		if err := e.svc.SetNewsletters(ctx, m.ID, []string{"news", "daily"}, "daily"); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); got.Status != members.Active || len(got.Newsletters) != 2 || got.Frequency != members.Daily {
			t.Fatalf("after choosing again: %+v", got)
		}
		e.noMail()

		// One-click unsubscribe from one newsletter, twice; then the last one.
		for range 2 {
			if err := e.svc.Unsubscribe(ctx, m.ID, news.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); got.Status != members.Active || len(got.Newsletters) != 1 {
			t.Fatalf("after leaving one: %+v", got)
		}
		if rs := must(e.svc.ActiveRecipients(ctx, news.ID, 0, 10))(t); len(rs) != 0 {
			t.Fatalf("still a recipient: %+v", rs)
		}
		if err := e.svc.Unsubscribe(ctx, m.ID, daily.ID); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); got.Status != members.Unsubscribed || len(got.Newsletters) != 0 {
			t.Fatalf("after leaving the last: %+v", got)
		}
		wantErr(t, e.svc.Unsubscribe(ctx, 999, 0), members.ErrNotFound)

		// Suppressed members cannot choose newsletters until the admin clears them.
		if err := e.svc.SetStatus(ctx, m.ID, members.Complained); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.SetNewsletters(ctx, m.ID, []string{"news"}, ""), members.ErrSuppressed)
		if err := e.svc.Unsubscribe(ctx, m.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); got.Status != members.Complained {
			t.Fatalf("a complaint became %s", got.Status)
		}
	})
}

func TestEmailChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("old@example.com")
		other := e.subscribe("other@example.com")
		if err := e.svc.SendSignInLink(ctx, "old@example.com", ""); err != nil {
			t.Fatal(err)
		}
		oldSignIn := e.oneMail().token(t, members.SignInPath)

		wantErr(t, e.svc.RequestEmailChange(ctx, m.ID, "Other@Example.com"), members.ErrEmailTaken)
		wantErr(t, e.svc.RequestEmailChange(ctx, m.ID, "OLD@example.com"), members.ErrInvalid)
		wantErr(t, e.svc.RequestEmailChange(ctx, m.ID, "new@localhost"), members.ErrInvalidEmail)
		wantErr(t, e.svc.RequestEmailChange(ctx, 999, "x@example.com"), members.ErrNotFound)
		e.noMail()

		if err := e.svc.RequestEmailChange(ctx, m.ID, "New@Example.com"); err != nil {
			t.Fatal(err)
		}
		msg := e.oneMail()
		if msg.To != "new@example.com" || !strings.Contains(msg.Text, "new@example.com") || !strings.Contains(msg.Subject, "عنوانك الجديد") {
			t.Fatalf("to %s %q\n%s", msg.To, msg.Subject, msg.Text)
		}
		tok := msg.token(t, members.EmailPath)
		if got := must(e.svc.Get(ctx, m.ID))(t); got.Email != "old@example.com" {
			t.Fatalf("changed before confirming: %s", got.Email)
		}

		got := must(e.svc.ConfirmEmailChange(ctx, tok))(t)
		if got.Email != "new@example.com" || got.Status != members.Active || len(got.Newsletters) != 1 {
			t.Fatalf("changed: %+v", got)
		}
		notice := e.oneMail()
		if notice.To != "old@example.com" || !strings.Contains(notice.Text, "new@example.com") {
			t.Fatalf("notice to the old address: %s\n%s", notice.To, notice.Text)
		}
		_, err := e.svc.ConfirmEmailChange(ctx, tok)
		wantErr(t, err, members.ErrBadToken)
		// A link mailed to the old address no longer signs in.
		_, _, err = e.svc.SignIn(ctx, oldSignIn)
		wantErr(t, err, members.ErrBadToken)
		if _, err := e.svc.ByEmail(ctx, "old@example.com"); !errors.Is(err, members.ErrNotFound) {
			t.Fatalf("old address still found: %v", err)
		}

		// An address taken between the request and the confirmation.
		if err := e.svc.RequestEmailChange(ctx, other.ID, "third@example.com"); err != nil {
			t.Fatal(err)
		}
		tok = e.oneMail().token(t, members.EmailPath)
		e.subscribe("third@example.com")
		_, err = e.svc.ConfirmEmailChange(ctx, tok)
		wantErr(t, err, members.ErrEmailTaken)
		if got := must(e.svc.Get(ctx, other.ID))(t); got.Email != "other@example.com" {
			t.Fatalf("email %s", got.Email)
		}
	})
}

func TestEmailChangeRequestsAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")
		for i := range 3 {
			if err := e.svc.RequestEmailChange(ctx, m.ID, "n"+string(rune('a'+i))+"@example.com"); err != nil {
				t.Fatal(err)
			}
		}
		wantErr(t, e.svc.RequestEmailChange(ctx, m.ID, "nd@example.com"), members.ErrThrottled)
		if n := len(e.takeMail()); n != 3 {
			t.Fatalf("%d mails", n)
		}
	})
}
