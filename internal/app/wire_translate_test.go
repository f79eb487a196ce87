package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
	"nashra.dev/nashra/internal/wire"
	"nashra.dev/nashra/internal/wire/translate"
	"nashra.dev/nashra/internal/wire/wiretest"
)

// libreTranslate is a LibreTranslate server as its API documents it
// (POST /translate, JSON {q, source, target, format}, q a string or a
// list; {translatedText} in the same shape): it "translates" by prefixing
// each text with the target language, so that a test can see the result.
func libreTranslate(t *testing.T, calls *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Q      json.RawMessage `json:"q"`
			Source string          `json:"source"`
			Target string          `json:"target"`
		}
		if r.Method != http.MethodPost || r.URL.Path != "/translate" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Target == "" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"Invalid request"}`))
			return
		}
		calls.Add(1)
		var many []string
		if json.Unmarshal(req.Q, &many) == nil {
			for i := range many {
				many[i] = "[" + req.Target + "] " + many[i]
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"translatedText": many})
			return
		}
		var one string
		_ = json.Unmarshal(req.Q, &one)
		_ = json.NewEncoder(w).Encode(map[string]any{"translatedText": "[" + req.Target + "] " + one})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestWireDeskTranslatesThroughTheConfiguredProvider: with a provider set
// (as --translate-provider does), the desk's item page offers translation;
// the editor translates an item, sees original and translation side by
// side, and drafts from the translation with a "translated" source credit.
func TestWireDeskTranslatesThroughTheConfiguredProvider(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var calls atomic.Int64
		lt := libreTranslate(t, &calls)
		tr, err := translate.New(translate.Config{Provider: "libretranslate", URL: lt.URL})
		if err != nil {
			t.Fatal(err)
		}
		s := startSiteWith(t, db, 16, func(o *ServiceOptions) { o.Translator = tr })
		feeds := wiretest.New(t)
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		ed := s.signIn(t, "ed@example.com", "a long password")
		src, err := s.Svc.Wire.CreateSource(ctx, wire.SourceInput{Name: "NPR Technology", URL: feeds.URL + wiretest.Good, Lang: "en",
			IntervalMinutes: 30, Mode: wire.ModeReview, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		desk := wire.NewDesk(db, wiretest.Fetcher(), s.Content, wire.DeskOptions{SourceTimeout: 5 * time.Second, MaxExtract: 1, Translator: tr})
		if _, err := desk.Poll(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		page, err := desk.Items(ctx, wire.ItemFilter{SourceID: src.ID})
		if err != nil || page.Total == 0 {
			t.Fatalf("items: %d %v", page.Total, err)
		}
		item := page.Items[0]
		path := "/admin/wire/items/" + strconv.FormatInt(item.ID, 10)
		if code, body := ed.get(path); code != 200 || !strings.Contains(body, `name="to"`) {
			t.Fatalf("the item page offers no translation: %d", code)
		}
		if code, _ := ed.post(path+"/translate", url.Values{"to": {"ar"}}); code != http.StatusSeeOther {
			t.Fatalf("translate: %d", code)
		}
		if calls.Load() == 0 {
			t.Fatal("the provider was not called")
		}
		if _, body := ed.get(path); !strings.Contains(body, "[ar] ") || !strings.Contains(body, "draft_translation") {
			t.Fatal("the translation is not shown beside the original")
		}
		code, _ := ed.post(path+"/draft_translation", nil)
		if code != http.StatusSeeOther {
			t.Fatalf("draft from the translation: %d", code)
		}
		it, err := s.Svc.Wire.ItemByID(ctx, item.ID)
		if err != nil || it.PostID == 0 {
			t.Fatalf("item after drafting: %+v %v", it, err)
		}
		p, err := s.Content.PostByID(ctx, it.PostID)
		if err != nil || !strings.HasPrefix(p.Title, "[ar] ") || !p.Source.Translated || p.Source.Name != "NPR Technology" || p.CanonicalURL == "" {
			t.Fatalf("the draft: title %q, source %+v, canonical %q (%v)", p.Title, p.Source, p.CanonicalURL, err)
		}
	})
}
