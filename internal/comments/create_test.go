package comments_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestInputValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range []struct {
			name, email, url, body string
			field, code            string
		}{
			{"", "a@example.com", "", "نص", "name", "required"},
			{" \n\t ", "a@example.com", "", "نص", "name", "required"},
			{strings.Repeat("ن", 101), "a@example.com", "", "نص", "name", "too-long"},
			{"سامي", "", "", "نص", "email", "required"},
			{"سامي", "not-an-address", "", "نص", "email", "bad-email"},
			{"سامي", "Sami <s@example.com>", "", "نص", "email", "bad-email"},
			{"سامي", "s@localhost", "", "نص", "email", "bad-email"},
			{"سامي", "s@example.com", "javascript:alert(1)", "نص", "url", "bad-url"},
			{"سامي", "s@example.com", "data:text/html,x", "نص", "url", "bad-url"},
			{"سامي", "s@example.com", "ftp://example.com", "نص", "url", "bad-url"},
			{"سامي", "s@example.com", "https://user:pw@example.com", "نص", "url", "bad-url"},
			{"سامي", "s@example.com", "https://example.com/" + strings.Repeat("a", 200), "نص", "url", "too-long"},
			{"سامي", "s@example.com", "", "  \n ", "body", "required"},
			{"سامي", "s@example.com", "", strings.Repeat("ب", 5001), "body", "too-long"},
		} {
			in := e.input(e.post, c.name, c.email, c.body)
			in.URL = c.url
			_, err := e.svc.Create(ctx, in)
			var ie *comments.InvalidError
			if !errors.As(err, &ie) || !errors.Is(err, comments.ErrInvalid) || ie.Field != c.field || ie.Code != c.code {
				t.Errorf("%+v: got %v, want invalid %s (%s)", c, err, c.field, c.code)
			}
		}
		if n := e.count("1 = 1"); n != 0 {
			t.Fatalf("%d comments stored from bad input", n)
		}
		// What is accepted is cleaned.
		in := e.input(e.post, "  سامي \u202e  الحداد\n", "  Sami@Example.COM ", "\r\nنص\r\nثان\r\n")
		in.URL = "Example.com/sami"
		c := e.create(in)
		if c.AuthorName != "سامي الحداد" || c.AuthorEmail != "sami@example.com" || c.AuthorURL != "https://example.com/sami" || c.Body != "نص\nثان" {
			t.Fatalf("cleaned: %q %q %q %q", c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body)
		}
	})
}

func TestHoneypotAndFormToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := e.input(e.post, "بوت", "bot@example.com", "spam")
		in.Honeypot = "http://spam.example"
		_, err := e.svc.Create(ctx, in)
		wantErr(t, err, comments.ErrRejected)

		// Too fast: the form was served a second ago.
		tok := e.svc.FormToken(e.post)
		e.clock.advance(time.Second)
		fast := comments.Input{PostID: e.post, Name: "سريع", Email: "fast@example.com", Body: "سريع جدًا", Token: tok}
		_, err = e.svc.Create(ctx, fast)
		wantErr(t, err, comments.ErrTooFast)
		// The same form a moment later goes through, once.
		e.clock.advance(3 * time.Second)
		if _, err := e.svc.Create(ctx, fast); err != nil {
			t.Fatalf("the same form after waiting: %v", err)
		}
		fast.Body = "نص آخر من النموذج نفسه"
		_, err = e.svc.Create(ctx, fast)
		wantErr(t, err, comments.ErrDuplicate)

		other := e.newPost("خبر آخر", time.Hour)
		bad := func(tok string, post int64) {
			t.Helper()
			_, err := e.svc.Create(ctx, comments.Input{PostID: post, Name: "س", Email: "s@example.com", Body: "نص", Token: tok})
			wantErr(t, err, comments.ErrBadToken)
		}
		good := e.svc.FormToken(e.post)
		e.clock.advance(10 * time.Second)
		bad("", e.post)
		bad("garbage", e.post)
		bad(good, other) // another post's form
		b := []byte(good)
		b[5] ^= 1
		bad(string(b), e.post) // tampered
		old := e.svc.FormToken(e.post)
		e.clock.advance(25 * time.Hour)
		bad(old, e.post) // expired
		if n := e.count("1 = 1"); n != 1 {
			t.Fatalf("%d comments stored, want 1", n)
		}
		// A token from a service with another secret is forged.
		opt := comments.Options{Secret: []byte("another secret, 32 bytes long!!!"), Now: e.clock.now}
		otherSvc, err := comments.New(db, nil, opt)
		if err != nil {
			t.Fatal(err)
		}
		forged := otherSvc.FormToken(e.post)
		e.clock.advance(10 * time.Second)
		bad(forged, e.post)
		_, err = comments.New(db, nil, comments.Options{Secret: []byte("short")})
		if err == nil {
			t.Fatal("a short secret was accepted")
		}
	})
}

func TestRateLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) {
			o.IPLimit, o.IPWindow = 3, 10*time.Minute
			o.EmailLimit, o.EmailWindow = 2, time.Hour
		})
		// Per IP: three comments, then a wait.
		for i := range 4 {
			in := e.input(e.post, "زائر", "visitor"+string(rune('a'+i))+"@example.com", "تعليق رقم "+string(rune('1'+i)))
			in.IP = "203.0.113.9"
			_, err := e.svc.Create(ctx, in)
			if i < 3 && err != nil {
				t.Fatalf("comment %d from the IP: %v", i+1, err)
			}
			if i == 3 {
				var rl *comments.RateLimitError
				if !errors.As(err, &rl) || !errors.Is(err, comments.ErrRateLimited) || rl.RetryAfter <= 0 || rl.RetryAfter > 10*time.Minute {
					t.Fatalf("fourth from the IP: %v", err)
				}
			}
		}
		e.clock.advance(10 * time.Minute)
		in := e.input(e.post, "زائر", "visitor-late@example.com", "بعد الانتظار")
		in.IP = "203.0.113.9"
		if _, err := e.svc.Create(ctx, in); err != nil {
			t.Fatalf("after the window: %v", err)
		}

		// Per address, whatever the IP: two an hour.
		e.create(e.input(e.post, "ريم", "reem@example.com", "واحد"))
		e.create(e.input(e.post, "ريم", "reem@example.com", "اثنان"))
		_, err := e.svc.Create(ctx, e.input(e.post, "ريم", "REEM@example.com", "ثلاثة"))
		var rl *comments.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > time.Hour {
			t.Fatalf("third from the address: %v", err)
		}
		e.clock.advance(time.Hour)
		if _, err := e.svc.Create(ctx, e.input(e.post, "ريم", "reem@example.com", "ثلاثة")); err != nil {
			t.Fatalf("after the hour: %v", err)
		}
	})
}

func TestDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := e.comment("dup@example.com", "رأيي في الخبر", 0)
		_, err := e.svc.Create(ctx, e.input(e.post, "آخر", "DUP@example.com", "رأيي في الخبر"))
		wantErr(t, err, comments.ErrDuplicate)
		// Another address, or another post, may say the same.
		e.comment("other@example.com", "رأيي في الخبر", 0)
		e.create(e.input(e.newPost("خبر ثان", time.Hour), "س", "dup@example.com", "رأيي في الخبر"))
		// Once the first is in the trash, it may be said again.
		if _, err := e.svc.ModerateOne(ctx, comments.ActTrash, first.ID); err != nil {
			t.Fatal(err)
		}
		e.comment("dup@example.com", "رأيي في الخبر", 0)
		if n := e.count("post_id = ?", e.post); n != 3 {
			t.Fatalf("%d comments on the post, want 3", n)
		}
	})
}

func TestLinkLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.approved("links@example.com", "أول", 0) // trusted from now on
		two := e.comment("links@example.com", "انظر https://a.example و [ب](https://b.example)", 0)
		if two.Status != comments.Approved {
			t.Fatalf("two links: %s (%s)", two.Status, two.Reason)
		}
		three := e.comment("links@example.com", "https://a.example https://b.example www.c.example", 0)
		if three.Status != comments.Pending || !strings.Contains(three.Reason, "3 links") {
			t.Fatalf("three links: %s (%s)", three.Status, three.Reason)
		}
		// A negative limit holds any link.
		strict := newEnv(t, db, func(o *comments.Options) { o.MaxLinks = -1 })
		strict.approved("s@example.com", "بلا روابط", 0)
		if c := strict.comment("s@example.com", "رابط https://a.example", 0); c.Status != comments.Pending {
			t.Fatalf("one link with no links allowed: %s", c.Status)
		}
	})
}

func TestThreadDepth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.MaxDepth = 3 })
		a := e.approved("a@example.com", "مستوى أول", 0)
		b := e.approved("b@example.com", "مستوى ثان", a.ID)
		c := e.approved("c@example.com", "مستوى ثالث", b.ID)
		if b.Depth != 1 || b.ParentID != a.ID || c.Depth != 2 || c.ParentID != b.ID {
			t.Fatalf("depths: b %d/%d c %d/%d", b.Depth, b.ParentID, c.Depth, c.ParentID)
		}
		// A reply to the deepest level goes up under c's parent.
		d := e.approved("d@example.com", "رد على الثالث", c.ID)
		if d.Depth != 2 || d.ParentID != b.ID || d.ReplyToID != c.ID {
			t.Fatalf("capped reply: depth %d parent %d reply-to %d", d.Depth, d.ParentID, d.ReplyToID)
		}
		l, _ := e.svc.List(ctx, e.post, comments.Oldest)
		want := []int64{a.ID, b.ID, c.ID, d.ID}
		if got := ids(l); len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Fatalf("order %v, want %v", got, want)
		}
		// Flat threads: every reply at the top.
		flat := newEnv(t, db, func(o *comments.Options) { o.MaxDepth = 1 })
		root := flat.approved("r@example.com", "أصل", 0)
		if r := flat.approved("s@example.com", "رد", root.ID); r.Depth != 0 || r.ParentID != 0 || r.ReplyToID != root.ID {
			t.Fatalf("flat reply: %+v", r)
		}
		// Replies only to shown comments on the same post.
		held := e.comment("new@example.com", "محجوز", 0)
		for _, parent := range []int64{held.ID, 999999, root.ID} {
			in := e.input(e.post, "س", "x@example.com", "رد على غير المعروض")
			in.ParentID = parent
			_, err := e.svc.Create(ctx, in)
			var ie *comments.InvalidError
			if !errors.As(err, &ie) || ie.Field != "parent" {
				t.Fatalf("reply to %d: %v", parent, err)
			}
		}
	})
}

func TestAccountsAndStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		member := e.newMember("member@example.com", "عضوة")
		in := e.input(e.post, "اسم مزيف", "fake@example.com", "تعليق عضوة")
		in.MemberID = member
		c := e.create(in)
		if c.AuthorName != "عضوة" || c.AuthorEmail != "member@example.com" || c.MemberID != member || c.Status != comments.Pending {
			t.Fatalf("member comment: %+v", c)
		}
		nameless := e.newMember("nameless@example.com", "")
		in = e.input(e.post, "من النموذج", "fake@example.com", "بلا اسم")
		in.MemberID = nameless
		if c := e.create(in); c.AuthorName != "من النموذج" || c.AuthorEmail != "nameless@example.com" {
			t.Fatalf("nameless member: %q %q", c.AuthorName, c.AuthorEmail)
		}
		author := e.newUser("writer@example.com", staff.Author)
		in = e.input(e.post, "", "", "تعليق من المحررة")
		in.UserID = author
		c = e.create(in)
		if c.Status != comments.Approved || c.AuthorEmail != "writer@example.com" || c.UserID != author {
			t.Fatalf("staff comment: %+v", c)
		}
		in = e.input(e.post, "", "", "حساب غير موجود")
		in.MemberID = 999999
		_, err := e.svc.Create(ctx, in)
		wantErr(t, err, comments.ErrInvalid)
	})
}

func TestOpenAndClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.CloseAfterDays = 14 })
		post := e.newPost("خبر قديم نسبيًا", 13*24*time.Hour)
		open, why, err := e.svc.Open(ctx, post)
		if !open || why != comments.ReasonNone || err != nil {
			t.Fatalf("13 days old: %v %q %v", open, why, err)
		}
		e.clock.advance(24 * time.Hour)
		in := e.input(post, "س", "s@example.com", "بعد الإغلاق")
		open, why, _ = e.svc.Open(ctx, post)
		if open || why != comments.ReasonAged {
			t.Fatalf("14 days old: %v %q", open, why)
		}
		_, err = e.svc.Create(ctx, in)
		wantErr(t, err, comments.ErrClosed)
		// Opening by hand does not beat the age.
		if err := e.svc.SetOpen(ctx, post, true); err != nil {
			t.Fatal(err)
		}
		if open, _, _ := e.svc.Open(ctx, post); open {
			t.Fatal("reopened past the age")
		}

		// The editor's switch.
		if err := e.svc.SetOpen(ctx, e.post, false); err != nil {
			t.Fatal(err)
		}
		if open, why, _ := e.svc.Open(ctx, e.post); open || why != comments.ReasonClosed {
			t.Fatalf("closed by the editor: %v %q", open, why)
		}
		_, err = e.svc.Create(ctx, e.input(e.post, "س", "s@example.com", "مغلق"))
		wantErr(t, err, comments.ErrClosed)
		if err := e.svc.SetOpen(ctx, e.post, true); err != nil {
			t.Fatal(err)
		}
		e.create(e.input(e.post, "س", "s@example.com", "مفتوح من جديد"))

		draft := e.newPost("مسودة", 0)
		if open, why, _ := e.svc.Open(ctx, draft); open || why != comments.ReasonUnpublished {
			t.Fatalf("draft: %v %q", open, why)
		}
		_, _, err = e.svc.Open(ctx, 999999)
		wantErr(t, err, comments.ErrNotFound)
		wantErr(t, e.svc.SetOpen(ctx, 999999, false), comments.ErrNotFound)
		_, err = e.svc.Create(ctx, e.input(999999, "س", "s@example.com", "لا خبر"))
		wantErr(t, err, comments.ErrNotFound)
	})
}
