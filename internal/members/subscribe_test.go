package members_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestSubscribeConfirmDoubleOptIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: " Reader@Example.COM ", Name: "سلمى\r\nBcc: x@y.com",
			Source: "footer", IP: "203.0.113.5"})
		if err != nil {
			t.Fatal(err)
		}
		m := must(e.svc.ByEmail(ctx, "reader@example.com"))(t)
		if m.Status != members.Pending || m.Name != "سلمى Bcc: x@y.com" || m.Source != "footer" || m.Lang != "ar" ||
			!m.ConfirmedAt.IsZero() || len(m.Newsletters) != 1 || m.Newsletters[0].Slug != "news" {
			t.Fatalf("pending member: %+v", m)
		}
		if rs := must(e.svc.ActiveRecipients(ctx, m.Newsletters[0].ID, 0, 10))(t); len(rs) != 0 {
			t.Fatalf("a pending member is a recipient: %+v", rs)
		}

		msg := e.oneMail()
		if msg.To != "reader@example.com" || msg.Subject != "أكّد اشتراكك في صحيفة الغد" {
			t.Fatalf("to %q subject %q", msg.To, msg.Subject)
		}
		if msg.Header.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(msg.Header.Get("From"), "news@news.example.com") {
			t.Fatalf("headers: %v", msg.Header)
		}
		for _, want := range []string{"reader@example.com", "النشرة", "48 ساعة", "صحيفة الغد"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, msg.Text)
			}
		}
		for _, want := range []string{`<html lang="ar" dir="rtl">`, `<body dir="rtl"`, `text-align:right`, "أكّد اشتراكي",
			"<bdi>reader@example.com</bdi>"} {
			if !strings.Contains(msg.HTML, want) {
				t.Errorf("HTML lacks %q:\n%s", want, msg.HTML)
			}
		}
		tok := msg.token(t, members.ConfirmPath)

		e.clock.advance(47 * time.Hour)
		m = must(e.svc.Confirm(ctx, tok))(t)
		if m.Status != members.Active || !m.ConfirmedAt.Equal(e.clock.now()) {
			t.Fatalf("confirmed member: %+v", m)
		}
		rs := must(e.svc.ActiveRecipients(ctx, m.Newsletters[0].ID, 0, 10))(t)
		if len(rs) != 1 || rs[0].ID != m.ID {
			t.Fatalf("recipients: %+v", rs)
		}
		_, err = e.svc.Confirm(ctx, tok)
		wantErr(t, err, members.ErrBadToken) // single use
		e.noMail()
	})
}

func TestConfirmationLinkExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "late@example.com", Lang: "en-GB"}); err != nil {
			t.Fatal(err)
		}
		msg := e.oneMail()
		if msg.Subject != "Confirm your subscription to صحيفة الغد" || !strings.Contains(msg.HTML, `<html lang="en" dir="ltr">`) ||
			!strings.Contains(msg.Text, "48 hours") {
			t.Fatalf("English mail: %q\n%s", msg.Subject, msg.HTML)
		}
		tok := msg.token(t, members.ConfirmPath)
		e.clock.advance(members.ConfirmTTL)
		_, err := e.svc.Confirm(ctx, tok)
		wantErr(t, err, members.ErrBadToken)
		for _, bad := range []string{"", "short", strings.Repeat("A", 43), tok + "x", strings.ToUpper(tok)} {
			_, err := e.svc.Confirm(ctx, bad)
			wantErr(t, err, members.ErrBadToken)
		}
		if m := must(e.svc.ByEmail(ctx, "late@example.com"))(t); m.Status != members.Pending || m.Lang != "en" {
			t.Fatalf("member: %+v", m)
		}
		// Asking again gives a fresh link that works.
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "late@example.com", Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		if m := must(e.svc.Confirm(ctx, e.oneMail().token(t, members.ConfirmPath)))(t); m.Status != members.Active {
			t.Fatalf("member: %+v", m)
		}
	})
}

func TestSubscribeExistingMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Active: the newsletter is added at once and a notice with a
		// sign-in link goes out instead of a confirmation.
		a := e.subscribe("active@example.com")
		digest := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "الملخص اليومي", Slug: "daily"}))(t)
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "active@example.com", NewsletterSlugs: []string{"daily"}}); err != nil {
			t.Fatal(err)
		}
		msg := e.oneMail()
		if msg.Subject != "أنت مشترك في صحيفة الغد" || !strings.Contains(msg.Text, "الملخص اليومي") {
			t.Fatalf("notice %q:\n%s", msg.Subject, msg.Text)
		}
		if strings.Contains(msg.Text, members.ConfirmPath) {
			t.Fatal("an active member was sent a confirmation")
		}
		msg.token(t, members.SignInPath)
		if got := must(e.svc.Get(ctx, a.ID))(t); got.Status != members.Active || len(got.Newsletters) != 2 {
			t.Fatalf("active member: %+v", got)
		}

		// Unsubscribed: a new confirmation; they stay unsubscribed until they use it.
		u := e.subscribe("left@example.com")
		if err := e.svc.Unsubscribe(ctx, u.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "left@example.com", NewsletterSlugs: []string{"daily"}}); err != nil {
			t.Fatal(err)
		}
		tok := e.oneMail().token(t, members.ConfirmPath)
		if got := must(e.svc.Get(ctx, u.ID))(t); got.Status != members.Unsubscribed {
			t.Fatalf("resubscribed before confirming: %+v", got)
		}
		if rs := must(e.svc.ActiveRecipients(ctx, digest.ID, 0, 10))(t); len(rs) != 1 {
			t.Fatalf("digest recipients: %+v", rs)
		}
		got := must(e.svc.Confirm(ctx, tok))(t)
		if got.Status != members.Active || len(got.Newsletters) != 1 || got.Newsletters[0].ID != digest.ID || got.UnsubscribedAt.IsZero() {
			t.Fatalf("resubscribed: %+v", got)
		}

		// Bounced and complained: refused, nothing written, nothing sent.
		for _, st := range []members.Status{members.Bounced, members.Complained} {
			addr := string(st) + "@example.com"
			m := e.subscribe(addr)
			if err := e.svc.SetStatus(ctx, m.ID, st); err != nil {
				t.Fatal(err)
			}
			err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: addr, NewsletterSlugs: []string{"daily"}})
			wantErr(t, err, members.ErrSuppressed)
			e.noMail()
			if got := must(e.svc.Get(ctx, m.ID))(t); got.Status != st || len(got.Newsletters) != 2 {
				t.Fatalf("%s member changed: %+v", st, got)
			}
		}
	})
}

func TestSubscribeRefusesBadInputAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		for _, addr := range []string{"user@localhost", "a@b", "user@[127.0.0.1]", "مستخدم@example.com", "Ali <ali@example.com>", ""} {
			err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: addr})
			var ae *members.AddressError
			if !errors.As(err, &ae) {
				t.Errorf("%q: %v", addr, err)
			}
		}
		err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "ok@example.com", NewsletterSlugs: []string{"news", "no-such"}})
		wantErr(t, err, members.ErrUnknownNewsletter)
		if !strings.Contains(err.Error(), `"no-such"`) {
			t.Fatalf("error does not name the slug: %v", err)
		}
		e.noMail()
		if _, total, err := e.svc.List(ctx, members.Filter{}); err != nil || total != 0 {
			t.Fatalf("members written: %d %v", total, err)
		}
		wantErr(t, e.svc.Subscribe(ctx, members.SubscribeInput{Email: "ok@example.com", NewsletterSlugs: []string{"news"}}), nil)
	})
}

func TestSubscribeBurstFromOneIPIsThrottled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for i := range 5 {
			if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "r" + string(rune('a'+i)) + "@example.com", IP: "198.51.100.7"}); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
			e.clock.advance(time.Minute)
		}
		err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "rf@example.com", IP: "198.51.100.7"})
		var te *members.ThrottledError
		if !errors.As(err, &te) || !errors.Is(err, members.ErrThrottled) {
			t.Fatalf("sixth request: %v", err)
		}
		if te.RetryAfter != 5*time.Minute {
			t.Fatalf("retry after %v, want 5m (the first request leaves the window)", te.RetryAfter)
		}
		// Bad addresses count too: a bot spraying garbage is slowed as well.
		err = e.svc.Subscribe(ctx, members.SubscribeInput{Email: "garbage", IP: "198.51.100.7"})
		wantErr(t, err, members.ErrThrottled)
		// Another client is not affected; one IPv6 /64 is one client, and
		// a port is not part of the client's address.
		for i := range 5 {
			ip := "2001:db8:1:2::" + string(rune('a'+i))
			if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "v" + string(rune('a'+i)) + "@example.com", IP: ip}); err != nil {
				t.Fatalf("IPv6 request %d: %v", i+1, err)
			}
		}
		err = e.svc.Subscribe(ctx, members.SubscribeInput{Email: "vf@example.com", IP: "[2001:db8:1:2:ffff::9]:443"})
		wantErr(t, err, members.ErrThrottled)
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "vg@example.com", IP: "2001:db8:1:3::1"}); err != nil {
			t.Fatalf("the next /64: %v", err)
		}
		if _, total, _ := e.svc.List(ctx, members.Filter{}); total != 11 {
			t.Fatalf("%d members", total)
		}
		if n := len(e.takeMail()); n != 11 {
			t.Fatalf("%d mails", n)
		}
		e.clock.advance(5 * time.Minute)
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "rf@example.com", IP: "198.51.100.7"}); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestConfirmationMailsPerAddressAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var toks []string
		for i := range 3 {
			ip := "192.0.2." + string(rune('1'+i)) // a new client each time: the address limit is what holds
			if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "victim@example.com", IP: ip}); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
			toks = append(toks, e.oneMail().token(t, members.ConfirmPath))
			e.clock.advance(10 * time.Minute)
		}
		err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "victim@example.com", IP: "192.0.2.9"})
		var te *members.ThrottledError
		if !errors.As(err, &te) || te.RetryAfter != 30*time.Minute {
			t.Fatalf("fourth request: %v", err)
		}
		e.noMail()
		// Using a link does not buy another mail within the hour.
		must(e.svc.Confirm(ctx, toks[0]))(t)
		wantErr(t, e.svc.SendSignInLink(ctx, "victim@example.com", ""), members.ErrThrottled)
		e.clock.advance(30 * time.Minute)
		if err := e.svc.SendSignInLink(ctx, "victim@example.com", ""); err != nil {
			t.Fatal(err)
		}
		e.oneMail().token(t, members.SignInPath)
		// The older confirmation links stay valid until they expire.
		must(e.svc.Confirm(ctx, toks[2]))(t)
	})
}
