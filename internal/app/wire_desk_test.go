package app

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
	"nashra.dev/nashra/internal/web/admin"
	"nashra.dev/nashra/internal/wire"
	"nashra.dev/nashra/internal/wire/wiretest"
)

// postLocation posts a form and returns the status and the redirect target.
func (b *browser) postLocation(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.http.PostForm(b.s.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// The Must-show at the app level: sources added in the admin, one round
// of polls over five of them (four broken each its own way), and the
// sources page shows every failure clearly — in Arabic and as the fetcher
// said it — while the good source's items are on the desk.
func TestWireDeskShowsPerSourceErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		feeds := wiretest.New(t)
		newStaffUser(t, db, "admin@example.com", staff.Administrator)
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		newStaffUser(t, db, "contrib@example.com", staff.Contributor)
		admin := s.signIn(t, "admin@example.com", "a long password")
		ed := s.signIn(t, "ed@example.com", "a long password")
		contrib := s.signIn(t, "contrib@example.com", "a long password")

		// Refusals are messages, never a 500.
		for _, c := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"name": {"x"}, "url": {"ftp://example.com/feed"}}, "wv_url_bad_url"},
			{url.Values{"name": {""}, "url": {"https://example.com/feed"}}, "wv_name_required"},
			{url.Values{"name": {"x"}, "url": {"https://example.com/feed"}, "interval": {"abc"}}, "wv_interval_bad_interval"},
			{url.Values{"name": {"x"}, "url": {"https://example.com/feed"}, "interval": {"2"}}, "wv_interval_bad_interval"},
			{url.Values{"name": {"x"}, "url": {"https://example.com/feed"}, "mode": {"yolo"}}, "wv_mode_bad_mode"},
			{url.Values{"name": {"x"}, "url": {"https://example.com/feed"}, "category": {"99999"}}, "wv_category_bad_category"},
		} {
			code, body := admin.post("/admin/wire/sources", c.form)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(arMessage(c.want))) {
				t.Errorf("%v: %d, want 422 with %q", c.form, code, arMessage(c.want))
			}
		}

		ids := map[string]int64{}
		for _, src := range []struct{ name, path string }{
			{"NPR Technology", wiretest.Good}, {"Broken feed", wiretest.Malformed}, {"Hanging feed", wiretest.Hang},
			{"Endless feed", wiretest.Huge}, {"Looping feed", wiretest.Loop},
		} {
			code, _ := admin.post("/admin/wire/sources", url.Values{"name": {src.name}, "url": {feeds.URL + src.path},
				"interval": {"30"}, "mode": {"review"}, "active": {"1"}})
			if code != http.StatusSeeOther {
				t.Fatalf("add %s: %d", src.name, code)
			}
		}
		srcs, err := s.Svc.Wire.Sources(ctx)
		if err != nil || len(srcs) != 5 {
			t.Fatalf("%d sources (%v)", len(srcs), err)
		}
		for _, src := range srcs {
			ids[src.Name] = src.ID
		}

		// The round, through a desk that may reach the loopback test server
		// (the site's own refuses it: see below).
		desk := wire.NewDesk(db, wiretest.Fetcher(), s.Content, wire.DeskOptions{SourceTimeout: 2 * time.Second, MaxExtract: 1})
		results, err := desk.PollDue(ctx)
		if err != nil || len(results) != 5 {
			t.Fatalf("round: %d results (%v)", len(results), err)
		}

		code, body := admin.get("/admin/wire/sources")
		if code != 200 {
			t.Fatalf("sources page: %d", code)
		}
		for _, want := range []string{
			arMessage("wk_malformed"), "not a feed",
			arMessage("wk_timeout"), "no complete answer within 2s",
			arMessage("wk_too_large"), "response larger than the 10 MB limit",
			arMessage("wk_redirects"), "redirect loop",
			arMessage("ws_ok"),
		} {
			if !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("sources page does not show %q", want)
			}
		}

		// The good source's items are in the inbox.
		page, err := desk.Items(ctx, wire.ItemFilter{SourceID: ids["NPR Technology"]})
		if err != nil || page.Total == 0 {
			t.Fatalf("good items: %d (%v)", page.Total, err)
		}
		item := page.Items[0]
		code, body = ed.get("/admin/wire")
		if code != 200 || !strings.Contains(body, html.EscapeString(item.Title)) {
			t.Errorf("inbox: %d, title %q shown: %v", code, item.Title, strings.Contains(body, html.EscapeString(item.Title)))
		}
		itemPath := "/admin/wire/items/" + strconv.FormatInt(item.ID, 10)
		if code, body := ed.get(itemPath); code != 200 || !strings.Contains(body, arMessage("wr_make_draft")) {
			t.Errorf("item page: %d", code)
		}
		if code, body := ed.post(itemPath+"/translate", url.Values{"to": {"ar"}}); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, arMessage("wr_no_translator")) {
			t.Errorf("translate without a provider: %d", code)
		}
		code, loc := ed.postLocation(itemPath+"/draft", nil)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/posts/") {
			t.Fatalf("make draft: %d %q", code, loc)
		}
		postID, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/admin/posts/"), 10, 64)
		p, err := s.Content.PostByID(ctx, postID)
		if err != nil || p.Status != content.Draft || p.Source.Name != "NPR Technology" || p.CanonicalURL != item.URL {
			t.Errorf("draft: %+v %v", p, err)
		}
		if code, _ := ed.get(loc); code != 200 {
			t.Errorf("the draft's editor: %d", code)
		}
		if code, body := ed.post(itemPath+"/draft", nil); code != http.StatusConflict || !strings.Contains(body, arMessage("wr_already_drafted")) {
			t.Errorf("second draft: %d", code)
		}

		// Bad addresses and filters: clear answers, no 500.
		for path, want := range map[string]int{
			"/admin/wire?source=abc":         400,
			"/admin/wire?status=bogus":       400,
			"/admin/wire?page=0":             400,
			"/admin/wire?cluster=-1":         400,
			"/admin/wire/items/abc":          404,
			"/admin/wire/items/99999999":     404,
			"/admin/wire/sources/abc":        403, // an editor may not see sources at all
			"/admin/wire?status=all&lang=en": 200,
		} {
			if code, _ := ed.get(path); code != want {
				t.Errorf("GET %s: %d, want %d", path, code, want)
			}
		}
		if code, _ := ed.post(itemPath+"/explode", nil); code != 404 {
			t.Errorf("unknown action: %d", code)
		}
		if code, _ := contrib.get("/admin/wire"); code != http.StatusForbidden {
			t.Errorf("contributor inbox: %d", code)
		}
		if code, _ := ed.get("/admin/wire/sources"); code != http.StatusForbidden {
			t.Errorf("editor sources: %d", code)
		}

		// "Poll now" in the admin goes through the site's own fetcher,
		// which refuses the loopback address: a clear "blocked" error.
		good := strconv.FormatInt(ids["NPR Technology"], 10)
		if code, _ := admin.post("/admin/wire/sources/"+good+"/poll", nil); code != http.StatusSeeOther {
			t.Fatalf("poll now: %d", code)
		}
		if _, body := admin.get("/admin/wire/sources"); !strings.Contains(body, html.EscapeString(arMessage("wk_blocked"))) {
			t.Error("the blocked poll's error is not shown")
		}
		// Pause, edit, delete.
		if code, _ := admin.post("/admin/wire/sources/"+good+"/pause", nil); code != http.StatusSeeOther {
			t.Errorf("pause: %d", code)
		}
		if src, _ := s.Svc.Wire.SourceByID(ctx, ids["NPR Technology"]); src.Active {
			t.Error("still active after pause")
		}
		if code, _ := admin.get("/admin/wire/sources/" + good); code != 200 {
			t.Errorf("edit form: %d", code)
		}
		code, _ = admin.post("/admin/wire/sources/"+good, url.Values{"name": {"NPR"}, "url": {feeds.URL + wiretest.Good}, "interval": {"60"}, "mode": {"auto"}})
		if src, _ := s.Svc.Wire.SourceByID(ctx, ids["NPR Technology"]); code != http.StatusSeeOther || src.Name != "NPR" || src.Mode != wire.ModeAuto {
			t.Errorf("edit: %d %+v", code, src)
		}
		if code, _ := admin.post("/admin/wire/sources/"+good+"/delete", nil); code != http.StatusSeeOther {
			t.Errorf("delete: %d", code)
		}
		if code, _ := admin.post("/admin/wire/sources/"+good+"/delete", nil); code != http.StatusNotFound {
			t.Errorf("delete twice: %d", code)
		}
		// The draft outlives its source's items.
		if _, err := s.Content.PostByID(ctx, postID); err != nil {
			t.Errorf("the draft after its source was deleted: %v", err)
		}
	})
}

// arMessage is the admin's Arabic message for key.
func arMessage(key string) string { return admin.Message("ar", key) }

// 'nashra wire fetch' polls the due sources once and reports each.
func TestWireFetchCommand(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		feeds := wiretest.New(t)
		sc := config.Site{Data: t.TempDir(), DB: dsn}
		db, err := openSite(ctx, sc, NewLogger(io.Discard, false))
		if err != nil {
			t.Fatal(err)
		}
		desk := wire.NewDesk(db, nil, content.New(db, time.Now), wire.DeskOptions{})
		for name, path := range map[string]string{"Good": wiretest.Good, "Broken": wiretest.Malformed} {
			if _, err := desk.CreateSource(ctx, wire.SourceInput{Name: name, URL: feeds.URL + path, Active: true}); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		var out strings.Builder
		if err := WireFetch(ctx, sc, WireFetchOptions{Allow: []string{"127.0.0.1/32"}, SourceTimeout: 20 * time.Second, noHostDelay: true}, &out); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"ok    Good", " new,", "ERROR Broken", "malformed", "2 sources polled, 1 failed."} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, out.String())
			}
		}
		out.Reset()
		if err := WireFetch(ctx, sc, WireFetchOptions{}, &out); err != nil || !strings.Contains(out.String(), "No source is due") {
			t.Errorf("second run: %v\n%s", err, out.String())
		}
	})
}
