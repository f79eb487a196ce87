package comments_test

import (
	"errors"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestBlocklist(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.EmailLimit = -1 })
		trusted := "trusted@example.com"
		e.approved(trusted, "تعليق مقبول", 0)

		add := func(kind comments.BlockKind, v string, eff comments.BlockEffect) *comments.BlockRule {
			t.Helper()
			r, err := e.svc.AddBlock(ctx, kind, v, eff)
			if err != nil {
				t.Fatalf("add %s %q: %v", kind, v, err)
			}
			return r
		}
		word := add(comments.BlockWord, "  Casino ", comments.EffectSpam)
		if word.Value != "casino" {
			t.Fatalf("stored word %q", word.Value)
		}
		add(comments.BlockEmail, "Watched@Example.com", comments.EffectHold)
		add(comments.BlockDomain, "@spam.example", comments.EffectSpam)
		add(comments.BlockIP, "192.0.2.0/24", comments.EffectSpam)
		add(comments.BlockWord, "مراهنات", comments.EffectHold)

		// A word in the text, any case, even from a trusted address.
		c := e.comment(trusted, "Best CASINO in town", 0)
		if c.Status != comments.Spam || !strings.Contains(c.Reason, "casino") {
			t.Fatalf("word: %s (%s)", c.Status, c.Reason)
		}
		// An Arabic word holds.
		if c := e.comment(trusted, "موقع مراهنات جديد", 0); c.Status != comments.Pending || !strings.Contains(c.Reason, "blocklist") {
			t.Fatalf("Arabic word: %s (%s)", c.Status, c.Reason)
		}
		// A watched address is held, trusted or not.
		e.approved("watched@example.com", "قبل المراقبة", 0)
		if c := e.comment("watched@example.com", "بعد المراقبة", 0); c.Status != comments.Pending {
			t.Fatalf("watched address: %s", c.Status)
		}
		// A domain, in the address (subdomains too) or the website.
		if c := e.comment("bot@mail.spam.example", "مرحبا", 0); c.Status != comments.Spam {
			t.Fatalf("domain in the address: %s", c.Status)
		}
		in := e.input(e.post, "زائر", trusted, "موقعي")
		in.URL = "https://www.spam.example/landing"
		if c := e.create(in); c.Status != comments.Spam {
			t.Fatalf("domain in the website: %s", c.Status)
		}
		// A network.
		in = e.input(e.post, "زائر", trusted, "من الشبكة")
		in.IP = "192.0.2.200"
		if c := e.create(in); c.Status != comments.Spam {
			t.Fatalf("blocked network: %s", c.Status)
		}
		// Nothing matches: the usual rules.
		if c := e.comment(trusted, "تعليق عادي", 0); c.Status != comments.Approved {
			t.Fatalf("no match: %s (%s)", c.Status, c.Reason)
		}

		rules, err := e.svc.Blocklist(ctx)
		if err != nil || len(rules) != 5 {
			t.Fatalf("blocklist: %+v %v", rules, err)
		}
		// Adding again changes the effect, not the count.
		if r := add(comments.BlockWord, "casino", comments.EffectHold); r.ID != word.ID || r.Effect != comments.EffectHold {
			t.Fatalf("re-add: %+v", r)
		}
		if err := e.svc.RemoveBlock(ctx, word.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.RemoveBlock(ctx, word.ID), comments.ErrNotFound)
		if c := e.comment(trusted, "casino night, again", 0); c.Status != comments.Approved {
			t.Fatalf("after removing the word: %s", c.Status)
		}

		for _, bad := range []struct {
			kind comments.BlockKind
			v    string
			eff  comments.BlockEffect
		}{
			{comments.BlockWord, "x", ""}, {comments.BlockEmail, "not an address", ""}, {comments.BlockDomain, "localhost", ""},
			{comments.BlockIP, "300.1.2.3", ""}, {comments.BlockKind("name"), "x", ""}, {comments.BlockWord, "ok word", "delete"},
		} {
			_, err := e.svc.AddBlock(ctx, bad.kind, bad.v, bad.eff)
			var ie *comments.InvalidError
			if !errors.As(err, &ie) {
				t.Errorf("AddBlock(%s, %q, %q) = %v, want *InvalidError", bad.kind, bad.v, bad.eff, err)
			}
		}
	})
}
