package comments_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestHeldThenApprovedThenTrusted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := e.comment("lina@example.com", "أول تعليق لي", 0)
		if first.Status != comments.Pending || !strings.Contains(first.Reason, "first comment") {
			t.Fatalf("first comment: %s (%q), want pending as a first comment", first.Status, first.Reason)
		}
		if l, _ := e.svc.List(ctx, e.post, comments.Oldest); len(l) != 0 {
			t.Fatalf("a held comment is listed: %+v", l)
		}
		// Held again while the first waits: still unknown.
		if c := e.comment("lina@example.com", "تعليق ثان قبل الموافقة", 0); c.Status != comments.Pending {
			t.Fatalf("second before approval: %s", c.Status)
		}
		if _, err := e.svc.ModerateOne(ctx, comments.ActApprove, first.ID); err != nil {
			t.Fatal(err)
		}
		l, err := e.svc.List(ctx, e.post, comments.Oldest)
		if err != nil || len(l) != 1 || l[0].ID != first.ID {
			t.Fatalf("list after approval: %v %v", ids(l), err)
		}
		// Trusted now, whatever the letter case of the address.
		in := e.input(e.post, "Lina", "LINA@Example.COM", "بعد الموافقة")
		c := e.create(in)
		if c.Status != comments.Approved || c.AuthorEmail != "lina@example.com" {
			t.Fatalf("trusted comment: %s %q", c.Status, c.AuthorEmail)
		}
		// Another address is still unknown.
		if c := e.comment("sami@example.com", "مرحبا", 0); c.Status != comments.Pending {
			t.Fatalf("unknown address: %s", c.Status)
		}
	})
}

func TestTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.approved("a@example.com", "نص", 0)
		do := func(act comments.Action, id int64, want comments.Status) {
			t.Helper()
			got, err := e.svc.ModerateOne(ctx, act, id)
			if err != nil {
				t.Fatalf("%s: %v", act, err)
			}
			if got.Status != want {
				t.Fatalf("%s: status %s, want %s", act, got.Status, want)
			}
		}
		refuse := func(act comments.Action, id int64) {
			t.Helper()
			before := e.status(id)
			_, err := e.svc.ModerateOne(ctx, act, id)
			wantErr(t, err, comments.ErrTransition)
			e.wantStatus(id, before)
		}
		refuse(comments.ActApprove, c.ID) // already approved
		refuse(comments.ActRestore, c.ID) // not in the trash
		refuse(comments.ActUnspam, c.ID)
		refuse(comments.ActDelete, c.ID) // only spam and trash are deleted
		do(comments.ActUnapprove, c.ID, comments.Pending)
		do(comments.ActApprove, c.ID, comments.Approved)
		do(comments.ActSpam, c.ID, comments.Spam)
		refuse(comments.ActApprove, c.ID)
		do(comments.ActUnspam, c.ID, comments.Pending)

		// Trash remembers where the comment was, for each starting status.
		for _, from := range []comments.Status{comments.Pending, comments.Approved, comments.Spam} {
			switch from {
			case comments.Approved:
				do(comments.ActApprove, c.ID, comments.Approved)
			case comments.Spam:
				do(comments.ActSpam, c.ID, comments.Spam)
			}
			do(comments.ActTrash, c.ID, comments.Trash)
			got, _ := e.svc.Get(ctx, c.ID)
			if got.PrevStatus != from {
				t.Fatalf("trashed from %s: PrevStatus %q", from, got.PrevStatus)
			}
			refuse(comments.ActTrash, c.ID)
			do(comments.ActRestore, c.ID, from)
		}
		do(comments.ActTrash, c.ID, comments.Trash)
		do(comments.ActSpam, c.ID, comments.Spam) // spam straight from the trash

		_, err := e.svc.Moderate(ctx, comments.Action("publish"), c.ID)
		wantErr(t, err, comments.ErrInvalid)
		_, err = e.svc.ModerateOne(ctx, comments.ActApprove, 999999)
		wantErr(t, err, comments.ErrNotFound)
	})
}

func TestBulkModeration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var held []int64
		for i, addr := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			held = append(held, e.comment(addr, "تعليق "+string(rune('أ'+i)), 0).ID)
		}
		ok := e.approved("d@example.com", "موافق عليه", 0).ID
		res, err := e.svc.Moderate(ctx, comments.ActApprove, append(append(held, ok, 424242), held[0])...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Changed, held) || !slices.Equal(res.Skipped, []int64{ok}) || !slices.Equal(res.Missing, []int64{424242}) {
			t.Fatalf("bulk approve: %+v", res)
		}
		for _, id := range held {
			e.wantStatus(id, comments.Approved)
		}
		all := append(held, ok)
		if res, err = e.svc.Moderate(ctx, comments.ActTrash, all...); err != nil || len(res.Changed) != 4 {
			t.Fatalf("bulk trash: %+v %v", res, err)
		}
		counts, err := e.svc.StatusCounts(ctx, 0)
		if err != nil || counts[comments.Trash] != 4 || counts[comments.Approved] != 0 || counts[comments.Pending] != 0 {
			t.Fatalf("counts after trash: %v %v", counts, err)
		}
		if res, err = e.svc.Moderate(ctx, comments.ActRestore, all...); err != nil || len(res.Changed) != 4 {
			t.Fatalf("bulk restore: %+v %v", res, err)
		}
		for _, id := range all {
			e.wantStatus(id, comments.Approved)
		}
		if res, err = e.svc.Moderate(ctx, comments.ActSpam, held...); err != nil || len(res.Changed) != 3 {
			t.Fatalf("bulk spam: %+v %v", res, err)
		}
		if res, err = e.svc.Moderate(ctx, comments.ActDelete, all...); err != nil ||
			!slices.Equal(res.Changed, held) || !slices.Equal(res.Skipped, []int64{ok}) {
			t.Fatalf("bulk delete: %+v %v", res, err)
		}
		if n := e.count("1 = 1"); n != 1 {
			t.Fatalf("%d comments left, want 1", n)
		}
	})
}

func TestDeleteKeepsReplies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		root := e.approved("a@example.com", "جذر", 0)
		mid := e.approved("b@example.com", "وسط", root.ID)
		leaf := e.approved("c@example.com", "ورقة", mid.ID)
		deeper := e.approved("d@example.com", "أعمق", leaf.ID)
		if _, err := e.svc.Moderate(ctx, comments.ActTrash, mid.ID); err != nil {
			t.Fatal(err)
		}
		// While mid is in the trash, its replies show under root.
		l, _ := e.svc.List(ctx, e.post, comments.Oldest)
		if len(l) != 3 || l[1].ID != leaf.ID || l[1].ParentID != root.ID || l[1].Depth != 1 || l[2].Depth != 2 {
			t.Fatalf("list with a trashed middle: %+v", l)
		}
		if _, err := e.svc.ModerateOne(ctx, comments.ActDelete, mid.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Get(ctx, leaf.ID)
		if err != nil || got.ParentID != root.ID || got.Depth != 1 {
			t.Fatalf("leaf after delete: parent %d depth %d %v", got.ParentID, got.Depth, err)
		}
		if got, _ := e.svc.Get(ctx, deeper.ID); got.Depth != 2 || got.ParentID != leaf.ID {
			t.Fatalf("deeper after delete: parent %d depth %d", got.ParentID, got.Depth)
		}
		_, err = e.svc.Get(ctx, mid.ID)
		wantErr(t, err, comments.ErrNotFound)
	})
}

func TestEditAndStaffReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.newUser("desk@example.com", staff.Editor)
		c := e.comment("reader@example.com", "نص **قديم**", 0)
		c.Notify = true
		if _, err := db.Exec(ctx, "UPDATE comments SET notify = ? WHERE id = ?", true, c.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.advance(time.Minute)
		ed, err := e.svc.Edit(ctx, c.ID, comments.Edit{Name: "قارئة", URL: "example.org/me", Body: "نص *جديد*"})
		if err != nil {
			t.Fatal(err)
		}
		if ed.AuthorName != "قارئة" || ed.AuthorURL != "https://example.org/me" || !strings.Contains(string(ed.BodyHTML), "<em>جديد</em>") ||
			strings.Contains(string(ed.BodyHTML), "قديم") || ed.Status != comments.Pending {
			t.Fatalf("edited: %+v", ed)
		}
		_, err = e.svc.Edit(ctx, c.ID, comments.Edit{Name: "x", URL: "javascript:alert(1)", Body: "y"})
		var ie *comments.InvalidError
		if !errors.As(err, &ie) || ie.Field != "url" {
			t.Fatalf("bad URL in an edit: %v", err)
		}
		_, err = e.svc.Edit(ctx, 999999, comments.Edit{Name: "x", Body: "y"})
		wantErr(t, err, comments.ErrNotFound)

		// A moderator's answer to a held comment approves it.
		e.mail.take()
		r, err := e.svc.Reply(ctx, editor, c.ID, "شكرًا على **ملاحظتك**")
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != comments.Approved || r.ParentID != c.ID || r.Depth != 1 || r.UserID != editor || r.AuthorEmail != "desk@example.com" {
			t.Fatalf("staff reply: %+v", r)
		}
		e.wantStatus(c.ID, comments.Approved)
		l, _ := e.svc.List(ctx, e.post, comments.Oldest)
		if len(l) != 2 || l[1].ID != r.ID || !l[1].Staff || l[0].Staff || !l[0].Edited || l[1].Edited {
			t.Fatalf("list: %+v", l)
		}
		if ms := e.mail.take(); len(ms) != 1 || ms[0].To[0].Address != "reader@example.com" {
			t.Fatalf("want one reply notice to the reader, got %d", len(ms))
		}
		// Closed comments do not stop the newsroom.
		if err := e.svc.SetOpen(ctx, e.post, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Reply(ctx, editor, c.ID, "متابعة"); err != nil {
			t.Fatalf("reply on a closed post: %v", err)
		}
		// Spam cannot be answered.
		if _, err := e.svc.ModerateOne(ctx, comments.ActSpam, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Reply(ctx, editor, c.ID, "رد")
		wantErr(t, err, comments.ErrInvalid)
		_, err = e.svc.Reply(ctx, 999999, r.ID, "رد")
		wantErr(t, err, comments.ErrInvalid)
	})
}

func TestPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		oldSpam := e.comment("a@example.com", "قديم", 0)
		oldTrash := e.comment("b@example.com", "قديم في السلة", 0)
		if _, err := e.svc.Moderate(ctx, comments.ActSpam, oldSpam.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Moderate(ctx, comments.ActTrash, oldTrash.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.advance(20 * 24 * time.Hour)
		newSpam := e.comment("c@example.com", "جديد", 0)
		if _, err := e.svc.Moderate(ctx, comments.ActSpam, newSpam.ID); err != nil {
			t.Fatal(err)
		}
		held := e.comment("d@example.com", "محجوز", 0)
		n, err := e.svc.Purge(ctx, 15*24*time.Hour, 30*24*time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		_, err = e.svc.Get(ctx, oldSpam.ID)
		wantErr(t, err, comments.ErrNotFound)
		e.wantStatus(oldTrash.ID, comments.Trash) // 20 days: not yet
		e.wantStatus(newSpam.ID, comments.Spam)
		e.wantStatus(held.ID, comments.Pending)
		e.clock.advance(11 * 24 * time.Hour)
		if n, err := e.svc.Purge(ctx, 0, 30*24*time.Hour); err != nil || n != 1 {
			t.Fatalf("purge trash: %d %v", n, err)
		}
		e.wantStatus(newSpam.ID, comments.Spam) // spamAge 0: left alone

		// Age counts from the move to the trash, not from the writing: an
		// old comment trashed today can still be restored tomorrow.
		old := e.comment("e@example.com", "تعليق قديم سيُحذف اليوم", 0)
		e.clock.advance(60 * 24 * time.Hour)
		if _, err := e.svc.Moderate(ctx, comments.ActTrash, old.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.advance(24 * time.Hour)
		if n, err := e.svc.Purge(ctx, 15*24*time.Hour, 30*24*time.Hour); err != nil || n != 1 { // newSpam goes, old stays
			t.Fatalf("purge after a recent trash: %d %v", n, err)
		}
		e.wantStatus(old.ID, comments.Trash)
	})
}

func TestChangeNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var mu sync.Mutex
		var topics []string
		db.Subscribe(func(topic string) {
			mu.Lock()
			defer mu.Unlock()
			topics = append(topics, topic)
		})
		got := func() int {
			mu.Lock()
			defer mu.Unlock()
			n := 0
			for _, tp := range topics {
				if tp == comments.Topic {
					n++
				}
			}
			topics = nil
			return n
		}
		held := e.comment("new@example.com", "أول تعليق", 0)
		if n := got(); n != 0 {
			t.Fatalf("a held comment sent %d notices: readers see nothing new", n)
		}
		if _, err := e.svc.Moderate(ctx, comments.ActApprove, held.ID); err != nil {
			t.Fatal(err)
		}
		if n := got(); n != 1 {
			t.Fatalf("approving sent %d notices, want 1", n)
		}
		if err := e.svc.SetOpen(ctx, e.post, false); err != nil {
			t.Fatal(err)
		}
		if n := got(); n != 1 {
			t.Fatalf("closing comments sent %d notices, want 1", n)
		}
	})
}
