package search

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{t: time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)} }

// find searches text publicly (or with drafts) and returns the IDs found.
func find(t *testing.T, x *Index, text string, f Filter) []int64 {
	t.Helper()
	res, err := x.SearchText(context.Background(), text, f)
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.PostID)
	}
	return ids
}

func mustSync(t *testing.T, x *Index) int {
	t.Helper()
	n, err := x.Sync(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return n
}

// TestIndexFollowsContent: publish, edit, unpublish, schedule and delete are
// all reflected; unpublish and delete at once, the others after a pass.
func TestIndexFollowsContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		cs := content.New(db, clk.now)
		x := New(db, clk.now)

		draft, err := cs.CreatePost(ctx, content.PostInput{Title: "مسودة عن الكرملين", BodyMD: "نص عن محادثات واشنطن.", Lang: "ar"})
		if err != nil {
			t.Fatal(err)
		}
		if n := mustSync(t, x); n != 1 {
			t.Errorf("first pass indexed %d posts, want 1", n)
		}
		if got := find(t, x, "الكرملين", Filter{}); len(got) != 0 {
			t.Errorf("a draft is found publicly: %v", got)
		}
		if got := find(t, x, "الكرملين", Filter{Drafts: true}); !slices.Equal(got, []int64{draft.ID}) {
			t.Errorf("admin search found %v, want the draft %d", got, draft.ID)
		}

		in := content.PostInput{Title: "يعلق الكرملين على محادثات", BodyMD: "التقى كيريل ديمترييف مع مسؤولي البيت الأبيض.",
			Status: content.Published, Lang: "ar", TagNames: []string{"روسيا"}}
		in.BaseVersion = draft.Version
		p, err := cs.UpdatePost(ctx, draft.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if n := mustSync(t, x); n != 1 {
			t.Errorf("pass after publishing indexed %d posts, want 1", n)
		}
		if n := mustSync(t, x); n != 0 {
			t.Errorf("a pass with nothing new indexed %d posts", n)
		}
		for _, q := range []string{"الكرملين", "ديمترييف", "روسيا", "البيت الأبيض"} {
			if got := find(t, x, q, Filter{}); !slices.Equal(got, []int64{p.ID}) {
				t.Errorf("after publishing, %q found %v, want %d", q, got, p.ID)
			}
		}

		// Edit: the new words are found, the old ones no longer.
		in.BodyMD, in.BaseVersion = "زيارة إلى موسكو.", p.Version
		in.TagNames = nil
		if p, err = cs.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		mustSync(t, x)
		if got := find(t, x, "موسكو", Filter{}); !slices.Equal(got, []int64{p.ID}) {
			t.Errorf("after editing, موسكو found %v", got)
		}
		if got := find(t, x, "ديمترييف", Filter{}); len(got) != 0 {
			t.Errorf("after editing, a removed word still finds %v", got)
		}

		// Unpublish: hidden at once, before any pass.
		in.Status, in.BaseVersion = content.Draft, p.Version
		if p, err = cs.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := find(t, x, "موسكو", Filter{}); len(got) != 0 {
			t.Errorf("an unpublished post is found: %v", got)
		}

		// Scheduled: found once its time has come and the job published it.
		in.Status, in.PublishedAt, in.BaseVersion = content.Scheduled, clk.t.Add(time.Hour), p.Version
		if p, err = cs.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		mustSync(t, x)
		if got := find(t, x, "موسكو", Filter{}); len(got) != 0 {
			t.Errorf("a scheduled post is found before its time: %v", got)
		}
		clk.t = clk.t.Add(2 * time.Hour)
		if ok, err := cs.PublishDue(ctx, p.ID, nil); err != nil || !ok {
			t.Fatalf("publish due: %v %v", ok, err)
		}
		mustSync(t, x)
		if got := find(t, x, "موسكو", Filter{}); !slices.Equal(got, []int64{p.ID}) {
			t.Errorf("after its time, the scheduled post found %v", got)
		}

		// Delete: gone at once, and its index rows with it.
		if err := cs.DeletePost(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if got := find(t, x, "موسكو", Filter{Drafts: true}); len(got) != 0 {
			t.Errorf("a deleted post is found: %v", got)
		}
		var rows int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM search_docs").Scan(&rows); err != nil || rows != 0 {
			t.Errorf("search_docs holds %d rows after the delete (%v)", rows, err)
		}
		if db.Dialect() == store.SQLite {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'موسك'").Scan(&n); err != nil || n != 0 {
				t.Errorf("the FTS index still matches the deleted post: %d (%v)", n, err)
			}
			if _, err := db.Exec(ctx, "INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
				t.Errorf("FTS integrity check: %v", err)
			}
		}
	})
}

// TestFollow: the index follows content change notices by itself.
func TestFollow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cs := content.New(db, time.Now)
		x := New(db, time.Now)
		done := make(chan struct{})
		go func() { x.Follow(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); close(done) }()
		p, err := cs.CreatePost(ctx, content.PostInput{Title: "افتتاح محطة للطاقة الشمسية", Status: content.Published, Lang: "ar"})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			got := find(t, x, "الشمسية", Filter{})
			if slices.Equal(got, []int64{p.ID}) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the index did not follow the new post: found %v", got)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
	})
}

// TestReindex rebuilds the index from scratch and after an analyzer change.
func TestReindex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cs := content.New(db, time.Now)
		for _, title := range []string{"محادثات في موسكو", "Talks in Moscow", "زيارة إلى واشنطن"} {
			if _, err := cs.CreatePost(ctx, content.PostInput{Title: title, Status: content.Published}); err != nil {
				t.Fatal(err)
			}
		}
		x := New(db, time.Now)
		var calls, last int
		if err := x.Reindex(ctx, func(done, total int) { calls++; last = done; _ = total }); err != nil {
			t.Fatal(err)
		}
		if calls == 0 || last != 3 {
			t.Errorf("progress called %d times, last %d, want a last call with 3", calls, last)
		}
		if got := find(t, x, "talk", Filter{}); len(got) != 1 {
			t.Errorf("after reindex, talk found %v", got)
		}
		// An older analyzer's rows are redone by the next pass.
		if _, err := db.Exec(ctx, "UPDATE search_docs SET analyzer = 0, title_terms = 'stale'"); err != nil {
			t.Fatal(err)
		}
		if n := mustSync(t, x); n != 3 {
			t.Errorf("pass after an analyzer change indexed %d, want 3", n)
		}
		if err := x.Reindex(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got := find(t, x, "موسكو", Filter{}); len(got) != 1 {
			t.Errorf("after a second reindex, موسكو found %v", got)
		}
	})
}

func TestBadQueryIsNotAStoreError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := New(db, time.Now)
		_, err := x.SearchText(context.Background(), "في من على", Filter{})
		var qe *QueryError
		if !errors.Is(err, ErrBadQuery) || !errors.As(err, &qe) || qe.Reason == "" {
			t.Errorf("stopwords only: err = %v, want ErrBadQuery with a reason", err)
		}
	})
}
