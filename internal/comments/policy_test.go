package comments_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// livePolicy is a Policy an editor changes while the service runs.
type livePolicy struct {
	mu    sync.Mutex
	p     comments.Policy
	calls int
}

func (l *livePolicy) get(context.Context) comments.Policy {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	return l.p
}

func (l *livePolicy) set(f func(*comments.Policy)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.p)
}

// spamEverything is a Checker that calls every comment spam and counts
// what it is told.
type spamEverything struct {
	mu           sync.Mutex
	checks, spam int
}

func (c *spamEverything) Check(context.Context, *comments.Submission) (comments.Verdict, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checks++
	return comments.IsSpam, nil
}

func (c *spamEverything) SubmitSpam(context.Context, *comments.Submission) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spam++
	return nil
}

func (c *spamEverything) SubmitHam(context.Context, *comments.Submission) error { return nil }

// TestPolicyHook: with Options.Policy set, each call takes the rules in
// force at that moment, and the static fields are ignored.
func TestPolicyHook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		live := &livePolicy{}
		e := newEnv(t, db, func(o *comments.Options) {
			o.HoldAll = true // ignored: the hook decides
			o.EmailLimit = -1
			o.Policy = live.get
		})
		if p := e.svc.Policy(ctx); p.MaxDepth != 5 || p.MaxLinks != 2 || p.HoldAll || p.Checker != nil {
			t.Fatalf("zero policy, normalized: %+v", p)
		}
		a := e.approved("a@example.com", "أول تعليق", 0)
		if c := e.comment("a@example.com", "ثان بلا انتظار", 0); c.Status != comments.Approved {
			t.Fatalf("trusted under the zero policy: %s (%s)", c.Status, c.Reason)
		}

		// Hold everything: the very next comment waits.
		live.set(func(p *comments.Policy) { p.HoldAll = true })
		c := e.comment("a@example.com", "بعد تغيير الإعداد", 0)
		if c.Status != comments.Pending || !strings.Contains(c.Reason, "every comment is held") {
			t.Fatalf("hold all: %s (%s)", c.Status, c.Reason)
		}
		live.set(func(p *comments.Policy) { p.HoldAll = false })

		// Links: a negative limit holds any link, as in Options.
		live.set(func(p *comments.Policy) { p.MaxLinks = -1 })
		if c := e.comment("a@example.com", "رابط https://a.example", 0); c.Status != comments.Pending {
			t.Fatalf("one link, none allowed: %s (%s)", c.Status, c.Reason)
		}
		live.set(func(p *comments.Policy) { p.MaxLinks = 3 })
		if c := e.comment("a@example.com", "https://a.example https://b.example https://c.example", 0); c.Status != comments.Approved {
			t.Fatalf("three links, three allowed: %s (%s)", c.Status, c.Reason)
		}

		// Depth: flat threads from now on, for new replies and for the list.
		b := e.approved("b@example.com", "رد متداخل", a.ID)
		if b.Depth != 1 {
			t.Fatalf("nested reply at depth %d", b.Depth)
		}
		live.set(func(p *comments.Policy) { p.MaxDepth = 1 })
		flat := e.approved("c@example.com", "رد مسطح", a.ID)
		if flat.Depth != 0 || flat.ParentID != 0 || flat.ReplyToID != a.ID {
			t.Fatalf("flat reply: depth %d parent %d reply-to %d", flat.Depth, flat.ParentID, flat.ReplyToID)
		}
		list, err := e.svc.List(ctx, e.post, comments.Oldest)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list {
			if p.Depth != 0 {
				t.Fatalf("comment %d listed at depth %d under a flat policy", p.ID, p.Depth)
			}
		}
		// A staff reply from the admin follows it too.
		r, err := e.svc.Reply(ctx, e.newUser("desk@example.com", "editor"), b.ID, "رد التحرير")
		if err != nil || r.Depth != 0 {
			t.Fatalf("staff reply under a flat policy: %+v %v", r, err)
		}

		// Closing by age applies at once, and lifting it reopens.
		old := e.newPost("خبر قديم", 20*24*time.Hour)
		if open, _, _ := e.svc.Open(ctx, old); !open {
			t.Fatal("closed with no age limit")
		}
		live.set(func(p *comments.Policy) { p.CloseAfterDays = 14 })
		if open, why, _ := e.svc.Open(ctx, old); open || why != comments.ReasonAged {
			t.Fatalf("after the limit: %v %q", open, why)
		}
		_, err = e.svc.Create(ctx, e.input(old, "س", "s@example.com", "متأخر"))
		wantErr(t, err, comments.ErrClosed)
		live.set(func(p *comments.Policy) { p.CloseAfterDays = 0 })
		if open, _, _ := e.svc.Open(ctx, old); !open {
			t.Fatal("still closed once the limit is lifted")
		}

		// The Checker comes from the policy: judged on Create, told on Moderate.
		checker := &spamEverything{}
		live.set(func(p *comments.Policy) { p.Checker = checker })
		if c := e.comment("a@example.com", "يراه الفاحص", 0); c.Status != comments.Spam {
			t.Fatalf("policy checker: %s (%s)", c.Status, c.Reason)
		}
		if _, err := e.svc.Moderate(ctx, comments.ActSpam, a.ID, b.ID, flat.ID); err != nil {
			t.Fatal(err)
		}
		checker.mu.Lock()
		checks, spam := checker.checks, checker.spam
		checker.mu.Unlock()
		if checks != 1 || spam != 3 {
			t.Fatalf("checker: %d checks, %d spam reports", checks, spam)
		}
		live.set(func(p *comments.Policy) { p.Checker = nil })
		if c := e.comment("a@example.com", "بلا فاحص", 0); c.Status == comments.Spam {
			t.Fatalf("the removed checker still judged: %s", c.Reason)
		}

		// One read of the policy per call, so a comment is never judged
		// by two policies.
		live.mu.Lock()
		live.calls = 0
		live.mu.Unlock()
		e.comment("a@example.com", "قراءة واحدة", 0)
		live.mu.Lock()
		calls := live.calls
		live.mu.Unlock()
		if calls != 1 {
			t.Fatalf("Create read the policy %d times", calls)
		}
	})
}

// TestStaticPolicy: without the hook, Policy reports the options, with
// their defaults.
func TestStaticPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.MaxDepth = 3; o.MaxLinks = -5; o.CloseAfterDays = 7; o.HoldAll = true })
		if p := e.svc.Policy(ctx); p.MaxDepth != 3 || p.MaxLinks != -1 || p.CloseAfterDays != 7 || !p.HoldAll {
			t.Fatalf("static policy: %+v", p)
		}
		if p := newEnv(t, db).svc.Policy(ctx); p.MaxDepth != 5 || p.MaxLinks != 2 || p.CloseAfterDays != 0 || p.HoldAll {
			t.Fatalf("default policy: %+v", p)
		}
	})
}
