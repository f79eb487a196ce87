package content_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

type fixture struct {
	cs             *content.Service
	author         int64
	world, mideast int64
	now            time.Time
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)
	cs := content.New(db, func() time.Time { return now })
	u, err := staff.New(db, func() time.Time { return now }).Create(ctx, staff.NewUser{Email: "desk@example.com", Name: "فريق التحرير", Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	world, err := cs.CreateCategory(ctx, content.CategoryInput{Name: "أخبار العالم"})
	if err != nil {
		t.Fatal(err)
	}
	me, err := cs.CreateCategory(ctx, content.CategoryInput{Name: "الشرق الأوسط", ParentID: world.ID})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{cs: cs, author: u.ID, world: world.ID, mideast: me.ID, now: now}
}

func (f *fixture) post(t *testing.T, in content.PostInput) *content.Post {
	t.Helper()
	if in.Status == "" {
		in.Status = content.Published
	}
	if in.AuthorIDs == nil {
		in.AuthorIDs = []int64{f.author}
	}
	p, err := f.cs.CreatePost(context.Background(), in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Title, err)
	}
	return p
}

func TestSlugs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		p := f.post(t, content.PostInput{Title: "يعلق الكرملين على محادثات Washing’s Envoy"})
		if p.Slug != "يعلق-الكرملين-على-محادثات-washings-envoy" {
			t.Errorf("slug = %q", p.Slug)
		}
		dup := f.post(t, content.PostInput{Title: "يعلق الكرملين على محادثات Washing’s Envoy"})
		if dup.Slug != p.Slug+"-2" {
			t.Errorf("second slug = %q, want %q", dup.Slug, p.Slug+"-2")
		}
		for title, want := range map[string]string{"2025": "n-2025", "Feed": "feed-2", "!!!": "post", "مَرْحَبًا بِكُم": "مرحبا-بكم"} {
			if got := f.post(t, content.PostInput{Title: title}).Slug; got != want {
				t.Errorf("slug of %q = %q, want %q", title, got, want)
			}
		}
	})
}

func TestRenameRedirectsAndDeleteIsGone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := f.post(t, content.PostInput{Title: "عنوان أول", BodyMD: "نص"})
		in := content.PostInput{Title: "عنوان ثان", Slug: "عنوان-ثان", Status: content.Published, BodyMD: "نص"}
		if _, err := f.cs.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		_, err := f.cs.Lookup(ctx, "عنوان-أول")
		var moved *content.Moved
		if !errors.As(err, &moved) || moved.Slug != "عنوان-ثان" {
			t.Fatalf("old slug: %v", err)
		}
		// A new post cannot take a slug that still redirects.
		if q := f.post(t, content.PostInput{Title: "عنوان أول"}); q.Slug == "عنوان-أول" {
			t.Fatal("a new post took a redirected slug")
		}
		// Renaming back reclaims the old slug.
		in.Slug = "عنوان-أول"
		if _, err := f.cs.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		if got, err := f.cs.Lookup(ctx, "عنوان-أول"); err != nil || got.ID != p.ID {
			t.Fatalf("reclaimed slug: %v", err)
		}
		if err := f.cs.DeletePost(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"عنوان-أول", "عنوان-ثان"} {
			if _, err := f.cs.Lookup(ctx, s); !errors.Is(err, content.ErrGone) {
				t.Errorf("%s after delete: %v, want ErrGone", s, err)
			}
		}
		if _, err := f.cs.Lookup(ctx, "never-existed"); !errors.Is(err, content.ErrNotFound) {
			t.Errorf("unknown slug: %v", err)
		}
		if err := f.cs.DeletePost(ctx, p.ID); !errors.Is(err, content.ErrNotFound) {
			t.Errorf("double delete: %v", err)
		}
	})
}

func TestVisibilityOverTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		f.post(t, content.PostInput{Title: "مسودة", Slug: "draft", Status: content.Draft})
		f.post(t, content.PostInput{Title: "مجدول", Slug: "later", Status: content.Scheduled, PublishedAt: f.now.Add(time.Hour)})
		past := f.post(t, content.PostInput{Title: "جدولة في الماضي", Slug: "past", Status: content.Scheduled, PublishedAt: f.now.Add(-time.Hour)})
		if past.Status != content.Published {
			t.Errorf("a schedule in the past should publish, got %s", past.Status)
		}
		for _, s := range []string{"draft", "later"} {
			if _, err := f.cs.Lookup(ctx, s); !errors.Is(err, content.ErrNotFound) {
				t.Errorf("%s is visible: %v", s, err)
			}
		}
		if n, _ := f.cs.Count(ctx, content.Filter{}); n != 1 {
			t.Errorf("live posts = %d, want 1", n)
		}
	})
}

func TestListingFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		a := f.post(t, content.PostInput{Title: "في العالم", CategoryIDs: []int64{f.world}, TagNames: []string{"روسيا"}, PublishedAt: f.now.Add(-48 * time.Hour)})
		b := f.post(t, content.PostInput{Title: "في المنطقة", CategoryIDs: []int64{f.mideast}, TagNames: []string{"روسيا", "مياه"}, PublishedAt: f.now.Add(-2 * time.Hour)})
		c := f.post(t, content.PostInput{Title: "in English", Lang: "en", PublishedAt: f.now.Add(-time.Hour), TranslationGroup: "g1"})
		d := f.post(t, content.PostInput{Title: "بالعربية", PublishedAt: f.now.Add(-time.Hour), TranslationGroup: "g1", CategoryIDs: []int64{f.world}, TagNames: []string{"مياه"}})
		f.post(t, content.PostInput{Type: content.TypePage, Title: "من نحن"})
		ids := func(fl content.Filter) []int64 {
			ps, err := f.cs.List(ctx, fl)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		check := func(name string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: got %v, want %v", name, got, want)
				return
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: got %v, want %v", name, got, want)
					return
				}
			}
		}
		check("all, newest first", ids(content.Filter{}), d.ID, c.ID, b.ID, a.ID)
		check("category with children", ids(content.Filter{CategoryID: f.world, IncludeSubcategories: true}), d.ID, b.ID, a.ID)
		check("category alone", ids(content.Filter{CategoryID: f.world}), d.ID, a.ID)
		tag, err := f.cs.TagBySlug(ctx, "روسيا")
		if err != nil {
			t.Fatal(err)
		}
		check("tag", ids(content.Filter{TagID: tag.ID}), b.ID, a.ID)
		check("author", ids(content.Filter{AuthorID: f.author, Limit: 2}), d.ID, c.ID)
		check("language", ids(content.Filter{Lang: "en"}), c.ID)
		check("date range", ids(content.Filter{From: f.now.Add(-3 * time.Hour), To: f.now.Add(-90 * time.Minute)}), b.ID)
		check("offset", ids(content.Filter{Limit: 2, Offset: 2}), b.ID, a.ID)
		check("pages", ids(content.Filter{Type: content.TypePage}), ids(content.Filter{Type: content.TypePage})[0])

		full, err := f.cs.PostByID(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		eds, err := f.cs.Editions(ctx, full)
		if err != nil || len(eds) != 1 || eds[0].ID != c.ID {
			t.Errorf("editions: %v %v", eds, err)
		}
		rel, err := f.cs.Related(ctx, full, 4)
		if err != nil || len(rel) == 0 || rel[0].ID != b.ID {
			t.Errorf("related: %v %v (want the post sharing a tag first)", rel, err)
		}
		if full.Category() == nil || full.Category().ID != f.world || len(full.Tags) != 1 || len(full.Authors) != 1 {
			t.Errorf("relations not loaded: %+v", full)
		}
	})
}

func TestInvalidInputIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		cases := map[string]content.PostInput{
			"no title":        {Title: "  "},
			"bad status":      {Title: "x", Status: "live"},
			"bad visibility":  {Title: "x", Visibility: "secret"},
			"bad type":        {Title: "x", Type: "video"},
			"invalid utf-8":   {Title: "x", BodyMD: "\xff\xfe"},
			"bad language":    {Title: "x", Lang: "Arabic!"},
			"bad dir":         {Title: "x", Dir: "up"},
			"js source url":   {Title: "x", Source: content.Source{Name: "x", URL: "javascript:alert(1)"}},
			"bad canonical":   {Title: "x", CanonicalURL: "//evil"},
			"long title":      {Title: strings.Repeat("ب", 301)},
			"unknown author":  {Title: "x", AuthorIDs: []int64{99999}},
			"unknown section": {Title: "x", CategoryIDs: []int64{99999}},
		}
		for name, in := range cases {
			if _, err := f.cs.CreatePost(ctx, in); !errors.Is(err, content.ErrInvalid) {
				t.Errorf("%s: got %v, want ErrInvalid", name, err)
			}
		}
		if n, _ := f.cs.Count(ctx, content.Filter{Type: content.TypePost}); n != 0 {
			t.Errorf("%d posts were saved from invalid input", n)
		}
		if _, err := f.cs.CreateCategory(ctx, content.CategoryInput{Name: "أخبار العالم"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate category: %v", err)
		}
	})
}

func TestMarkdownIsSanitizedAndIsolated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		p := f.post(t, content.PostInput{Title: "x", BodyMD: "## عنوان فرعي\n\nذكرت NBC News أن <script>alert(1)</script> [رابط](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n> «اقتباس»"})
		for _, bad := range []string{"<script", "javascript:", "onerror"} {
			if strings.Contains(p.BodyHTML, bad) {
				t.Errorf("body keeps %q: %s", bad, p.BodyHTML)
			}
		}
		for _, good := range []string{`<h2 id="عنوان-فرعي">`, "<bdi>NBC News</bdi>", "<blockquote>"} {
			if !strings.Contains(p.BodyHTML, good) {
				t.Errorf("body lacks %q: %s", good, p.BodyHTML)
			}
		}
	})
}
