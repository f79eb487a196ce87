package wire_test

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
	"nashra.dev/nashra/internal/wire"
	"nashra.dev/nashra/internal/wire/translate"
	"nashra.dev/nashra/internal/wire/wiretest"
)

type deskEnv struct {
	desk    *wire.Desk
	content *content.Service
	srv     *wiretest.Server
	userID  int64
	db      *store.DB
}

func newDeskEnv(t *testing.T, db *store.DB, opt wire.DeskOptions) *deskEnv {
	t.Helper()
	srv := wiretest.New(t)
	cs := content.New(db, time.Now)
	u, err := staff.New(db, time.Now).Create(context.Background(), staff.NewUser{Email: "desk@example.com", Name: "Desk Editor",
		Password: "a long enough password", Role: staff.Editor})
	if err != nil {
		t.Fatal(err)
	}
	if opt.SourceTimeout == 0 {
		opt.SourceTimeout = 10 * time.Second
	}
	return &deskEnv{desk: wire.NewDesk(db, wiretest.Fetcher(), cs, opt), content: cs, srv: srv, userID: u.ID, db: db}
}

func (e *deskEnv) source(t *testing.T, name, path string, mod ...func(*wire.SourceInput)) *wire.Source {
	t.Helper()
	in := wire.SourceInput{Name: name, URL: e.srv.URL + path, Active: true, CreatedBy: e.userID}
	for _, m := range mod {
		m(&in)
	}
	s, err := e.desk.CreateSource(context.Background(), in)
	if err != nil {
		t.Fatalf("create source %s: %v", name, err)
	}
	return s
}

// The Must-show: one round over five sources, four of them broken in a
// different way, stores the good one's items and gives each bad one its
// own clear error, none of them stopping the others.
func TestPollDueIsolatesFailingSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{SourceTimeout: 2 * time.Second, MaxExtract: 2})
		good := e.source(t, "NPR Technology", wiretest.Good)
		bad := map[string]*wire.Source{
			"malformed": e.source(t, "Broken", wiretest.Malformed),
			"timeout":   e.source(t, "Hanging", wiretest.Hang),
			"too_large": e.source(t, "Endless", wiretest.Huge),
			"redirects": e.source(t, "Looping", wiretest.Loop),
		}
		start := time.Now()
		results, err := e.desk.PollDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 15*time.Second {
			t.Errorf("the round took %s: a bad source held up the others", took)
		}
		if len(results) != 5 {
			t.Fatalf("%d results, want 5", len(results))
		}
		for _, r := range results {
			if r.SourceID == good.ID {
				if r.Err != nil || r.New == 0 {
					t.Errorf("good source: %+v", r)
				}
				if r.Extracted == 0 {
					t.Errorf("good source: no item was completed from its page: %+v", r)
				}
			}
		}
		g, _ := e.desk.SourceByID(ctx, good.ID)
		if g.LastStatus != wire.StatusOK || g.ItemsFound == 0 || g.ErrorCount != 0 || g.LastPolledAt.IsZero() {
			t.Errorf("good source after the round: %+v", g)
		}
		page, err := e.desk.Items(ctx, wire.ItemFilter{SourceID: good.ID})
		if err != nil || page.Total != g.ItemsFound {
			t.Fatalf("items of the good source: %d (%v), want %d", page.Total, err, g.ItemsFound)
		}
		wantMsg := map[string]string{
			"malformed": "not",                   // "… not a feed …"
			"timeout":   "2s",                    // "… within 2s (the per-source limit)"
			"too_large": "larger than the 10 MB", // the limit named
			"redirects": "redirect loop",
		}
		for kind, s := range bad {
			got, err := e.desk.SourceByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.LastStatus != wire.StatusError || got.LastErrorKind != kind || got.ErrorCount != 1 {
				t.Errorf("%s: status %q kind %q count %d: %s", s.Name, got.LastStatus, got.LastErrorKind, got.ErrorCount, got.LastError)
			}
			if !strings.Contains(got.LastError, wantMsg[kind]) || strings.Contains(got.LastError, "\n") {
				t.Errorf("%s: last_error %q does not say %q on one line", s.Name, got.LastError, wantMsg[kind])
			}
			// Backed off: twice the interval after the first failure.
			if wait := got.NextPollAt.Sub(got.LastPolledAt); wait != 60*time.Minute {
				t.Errorf("%s: next poll %s after the failure, want 1h", s.Name, wait)
			}
			t.Logf("%-9s %s", kind, got.LastError)
		}
		// Nothing is due now: a second round polls nothing.
		again, err := e.desk.PollDue(ctx)
		if err != nil || len(again) != 0 {
			t.Errorf("second round: %d results (%v), want none due", len(again), err)
		}
	})
}

func TestBackoffAndRecovery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{MaxExtract: -1, MaxBackoff: 3 * time.Hour})
		s := e.source(t, "Flaky", wiretest.Good, func(in *wire.SourceInput) { in.IntervalMinutes = 20 })
		e.srv.GoodIsMalformed.Store(true)
		for n, want := range []time.Duration{40 * time.Minute, 80 * time.Minute, 160 * time.Minute, 3 * time.Hour, 3 * time.Hour} {
			if _, err := e.desk.Poll(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			got, _ := e.desk.SourceByID(ctx, s.ID)
			if got.ErrorCount != n+1 || got.NextPollAt.Sub(got.LastPolledAt) != want {
				t.Errorf("failure %d: count %d, wait %s, want %s", n+1, got.ErrorCount, got.NextPollAt.Sub(got.LastPolledAt), want)
			}
		}
		e.srv.GoodIsMalformed.Store(false)
		r, err := e.desk.Poll(ctx, s.ID)
		if err != nil || r.Err != nil {
			t.Fatal(err, r.Err)
		}
		got, _ := e.desk.SourceByID(ctx, s.ID)
		if got.LastStatus != wire.StatusOK || got.ErrorCount != 0 || got.LastError != "" || got.NextPollAt.Sub(got.LastPolledAt) != 20*time.Minute {
			t.Errorf("after recovery: %+v", got)
		}
	})
}

func TestConditionalGetAndGUIDDedupe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{MaxExtract: -1})
		s := e.source(t, "Conditional", wiretest.Cond)
		r1, err := e.desk.Poll(ctx, s.ID)
		if err != nil || r1.Err != nil || r1.New != 1 {
			t.Fatalf("first poll: %+v %v", r1, err)
		}
		got, _ := e.desk.SourceByID(ctx, s.ID)
		if got.ETag != `"v1"` {
			t.Errorf("etag kept: %q", got.ETag)
		}
		r2, err := e.desk.Poll(ctx, s.ID)
		if err != nil || r2.Err != nil || !r2.NotModified || r2.New != 0 {
			t.Fatalf("second poll: %+v %v", r2, err)
		}
		if e.srv.NotModified.Load() != 1 {
			t.Errorf("%d 304 answers, want 1", e.srv.NotModified.Load())
		}
		got, _ = e.desk.SourceByID(ctx, s.ID)
		if got.LastStatus != wire.StatusOK || got.ItemsFound != 1 {
			t.Errorf("after 304: %+v", got)
		}
		// Without the validators, the same items are recognised by GUID.
		if _, err := e.desk.UpdateSource(ctx, s.ID, wire.SourceInput{Name: "Conditional", URL: e.srv.URL + wiretest.Cond + "?x=1", Active: true}); err != nil {
			t.Fatal(err)
		}
		r3, err := e.desk.Poll(ctx, s.ID)
		if err != nil || r3.Err != nil || r3.New != 0 || r3.Duplicates != 1 {
			t.Errorf("third poll: %+v %v", r3, err)
		}
	})
}

func TestSameStoryFromTwoSourcesIsOneCluster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{MaxExtract: -1})
		a := e.source(t, "Outlet A", wiretest.StoryA)
		b := e.source(t, "Outlet B", wiretest.StoryB)
		if _, err := e.desk.Poll(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		r, err := e.desk.Poll(ctx, b.ID)
		if err != nil || r.Err != nil || r.New != 2 || r.Clustered != 2 {
			t.Fatalf("poll B: %+v %v", r, err)
		}
		page, err := e.desk.Items(ctx, wire.ItemFilter{})
		if err != nil || page.Total != 4 {
			t.Fatalf("%d items (%v)", page.Total, err)
		}
		clusters := map[string]int64{}
		for _, it := range page.Items {
			clusters[it.GUID] = it.ClusterID
			if it.ClusterSize != 2 {
				t.Errorf("%s: cluster of %d", it.GUID, it.ClusterSize)
			}
		}
		if clusters["a-1"] != clusters["b-1"] || clusters["a-2"] != clusters["b-2"] || clusters["a-1"] == clusters["a-2"] {
			t.Errorf("clusters: %v", clusters)
		}
		only, err := e.desk.Items(ctx, wire.ItemFilter{ClusterID: clusters["a-1"]})
		if err != nil || only.Total != 2 {
			t.Errorf("cluster filter: %d (%v)", only.Total, err)
		}
	})
}

func TestMakeDraftCreditsTheSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{MaxExtract: -1})
		cat, err := e.content.CreateCategory(ctx, content.CategoryInput{Name: "World", Slug: "world"})
		if err != nil {
			t.Fatal(err)
		}
		s := e.source(t, "Outlet A", wiretest.StoryA, func(in *wire.SourceInput) { in.CategoryID = cat.ID })
		if _, err := e.desk.Poll(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		page, _ := e.desk.Items(ctx, wire.ItemFilter{SourceID: s.ID})
		var item *wire.DeskItem
		for _, it := range page.Items {
			if it.GUID == "a-1" {
				item = it
			}
		}
		if item == nil || item.Lang != "en" || item.Status != wire.ItemNew {
			t.Fatalf("item: %+v", item)
		}
		p, err := e.desk.MakeDraft(ctx, item.ID, e.userID, false)
		if err != nil {
			t.Fatal(err)
		}
		p, err = e.content.PostByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != content.Draft || p.Title != "Harbour reopens after the storm" || p.CanonicalURL != item.URL ||
			p.Source.Name != "Outlet A" || p.Source.URL != item.URL || p.Source.Lang != "en" || p.Source.Translated ||
			p.CategoryID != cat.ID || len(p.Authors) != 1 || p.Authors[0].ID != e.userID || p.Lang != "en" {
			t.Errorf("draft: %+v", p)
		}
		if !strings.Contains(p.BodyHTML, "The harbour reopened on Monday morning") {
			t.Errorf("body: %s", p.BodyHTML)
		}
		if _, err := e.desk.MakeDraft(ctx, item.ID, e.userID, false); !errors.Is(err, wire.ErrAlreadyDrafted) {
			t.Errorf("second draft: %v, want ErrAlreadyDrafted", err)
		}
		if err := e.desk.Dismiss(ctx, item.ID); !errors.Is(err, wire.ErrAlreadyDrafted) {
			t.Errorf("dismiss a drafted item: %v", err)
		}
		got, _ := e.desk.ItemByID(ctx, item.ID)
		if got.Status != wire.ItemDrafted || got.PostID != p.ID {
			t.Errorf("item after drafting: %s post %d", got.Status, got.PostID)
		}
		if _, err := e.desk.MakeDraft(ctx, 999999, e.userID, false); !errors.Is(err, wire.ErrNotFound) {
			t.Errorf("unknown item: %v", err)
		}
		if _, err := e.desk.MakeDraft(ctx, item.ID, e.userID, true); err == nil {
			t.Error("a draft from a translation that does not exist")
		}
	})
}

func TestAutoPublishWithKeywordFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{MaxExtract: -1})
		s := e.source(t, "Outlet A", wiretest.StoryA, func(in *wire.SourceInput) {
			in.Mode, in.Include, in.Exclude = wire.ModeAuto, "HARBOUR, library", "painted ceilings"
		})
		r, err := e.desk.Poll(ctx, s.ID)
		if err != nil || r.Err != nil || r.New != 2 || r.Published != 1 {
			t.Fatalf("poll: %+v %v", r, err)
		}
		page, _ := e.desk.Items(ctx, wire.ItemFilter{})
		for _, it := range page.Items {
			switch it.GUID {
			case "a-1": // "harbour" included
				p, err := e.content.PostByID(ctx, it.PostID)
				if it.Status != wire.ItemPublished || err != nil || p.Status != content.Published || p.Source.Name != "Outlet A" {
					t.Errorf("a-1: %s %v %+v", it.Status, err, p)
				}
			case "a-2": // "library" included, but "painted ceilings" excluded
				if it.Status != wire.ItemDismissed || it.PostID != 0 {
					t.Errorf("a-2: %s post %d", it.Status, it.PostID)
				}
			}
		}
		// The same story from another auto source is not published twice.
		b := e.source(t, "Outlet B", wiretest.StoryB, func(in *wire.SourceInput) { in.Mode = wire.ModeAuto })
		r, err = e.desk.Poll(ctx, b.ID)
		if err != nil || r.New != 2 || r.Published != 1 { // b-2's story (a-2) has no post yet
			t.Errorf("poll B: %+v %v", r, err)
		}
	})
}

func TestSourceValidation(t *testing.T) {
	db := storetest.SQLite(t)
	d := wire.NewDesk(db, wiretest.Fetcher(), nil, wire.DeskOptions{})
	ctx := context.Background()
	for name, in := range map[string]wire.SourceInput{
		"name":     {URL: "https://example.com/feed"},
		"url":      {Name: "x", URL: "ftp://example.com/feed"},
		"relative": {Name: "x", URL: "/feed"},
		"short":    {Name: "x", URL: "https://example.com/feed", IntervalMinutes: 4},
		"long":     {Name: "x", URL: "https://example.com/feed", IntervalMinutes: 1441},
		"mode":     {Name: "x", URL: "https://example.com/feed", Mode: "publish"},
		"lang":     {Name: "x", URL: "https://example.com/feed", Lang: "Arabic!"},
		"category": {Name: "x", URL: "https://example.com/feed", CategoryID: 424242},
	} {
		if _, err := d.CreateSource(ctx, in); !errors.Is(err, wire.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	s, err := d.CreateSource(ctx, wire.SourceInput{Name: "ok", URL: "https://example.com/feed", Include: "a, b\n\n c"})
	if err != nil || s.IntervalMinutes != 30 || s.Mode != wire.ModeReview || s.Include != "a\nb\nc" || s.LastStatus != wire.StatusNever {
		t.Fatalf("%+v %v", s, err)
	}
	if _, err := d.CreateSource(ctx, wire.SourceInput{Name: "dup", URL: "https://example.com/feed"}); !errors.Is(err, wire.ErrInvalid) {
		t.Errorf("duplicate URL: %v", err)
	}
	if err := d.DeleteSource(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteSource(ctx, s.ID); !errors.Is(err, wire.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

// fakeTranslator "translates" by upper-casing, and warns about the title.
type fakeTranslator struct{}

func (fakeTranslator) Name() string { return "fake" }

func (fakeTranslator) Translate(_ context.Context, req translate.Request) (translate.Result, error) {
	res := translate.Result{Provider: "fake"}
	for _, s := range req.Segments {
		res.Segments = append(res.Segments, translate.Segment{Source: s, Text: strings.ToUpper(s)})
	}
	res.Warnings = []translate.Warning{{Segment: 1, Code: translate.WarnNumberMissing, Message: "number 7 missing"}}
	return res, nil
}

func TestTranslateAndDraftFromTranslation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newDeskEnv(t, db, wire.DeskOptions{MaxExtract: -1, Translator: fakeTranslator{}})
		s := e.source(t, "Outlet A", wiretest.StoryA)
		if _, err := e.desk.Poll(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		page, _ := e.desk.Items(ctx, wire.ItemFilter{})
		it := page.Items[0]
		if _, err := e.desk.Translate(ctx, it.ID, "not a lang!"); !errors.Is(err, wire.ErrInvalid) {
			t.Errorf("bad target: %v", err)
		}
		got, err := e.desk.Translate(ctx, it.ID, "ar")
		if err != nil {
			t.Fatal(err)
		}
		if got.TranslatedTitle != strings.ToUpper(it.Title) || got.TranslatedLang != "ar" || got.TranslationProvider != "fake" ||
			len(got.TranslatedParagraphs()) != len(it.Paragraphs()) || !strings.Contains(got.TranslationWarnings, "paragraph 1: number 7 missing") ||
			!strings.HasPrefix(got.TranslatedHTML, "<p>") {
			t.Errorf("translation: %+v", got)
		}
		p, err := e.desk.MakeDraft(ctx, it.ID, e.userID, true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != got.TranslatedTitle || p.Lang != "ar" || !p.Source.Translated || p.Source.Lang != "en" {
			t.Errorf("draft from the translation: %+v", p)
		}
		none := wire.NewDesk(db, nil, e.content, wire.DeskOptions{})
		if _, err := none.Translate(ctx, it.ID, "ar"); !errors.Is(err, wire.ErrNoTranslator) {
			t.Errorf("without a provider: %v", err)
		}
	})
}
