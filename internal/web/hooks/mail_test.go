package hooks_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
	"nashra.dev/nashra/internal/web/hooks"
)

func TestMailWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := members.New(db, mail.Outbox{Dir: t.TempDir()}, time.Now, members.Options{BaseURL: "https://news.example.com/",
			SiteTitle: func() string { return "news" }, FromAddress: "news@news.example.com", AllowReservedDomains: true})
		if _, err := svc.EnsureDefaultNewsletter(ctx); err != nil {
			t.Fatal(err)
		}
		if res, err := svc.Import(ctx, strings.NewReader("email\na@example.com\nb@example.com\nc@example.com\n"), members.ImportOptions{}); err != nil || res.Added != 3 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		key := []byte("0123456789abcdef0123456789abcdef")
		srv := httptest.NewServer(&hooks.Mail{Rec: svc, Log: slog.New(slog.DiscardHandler),
			Key: func(context.Context) ([]byte, error) { return key, nil }})
		defer srv.Close()
		good := "Bearer " + hex.EncodeToString(key)
		post := func(auth, ctype, body string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+hooks.MailPath, strings.NewReader(body))
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			if ctype != "" {
				req.Header.Set("Content-Type", ctype)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var out map[string]any
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("answer %d is not JSON: %s", res.StatusCode, b)
			}
			return res.StatusCode, out
		}
		status := func(email string) members.Status {
			m, err := svc.ByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			return m.Status
		}

		// Refused: no key, a wrong key, another method's way, bad bodies. Nothing is recorded.
		hard := `{"type":"bounce","email":"a@example.com","permanent":true,"reason":"550 user unknown","id":"x1"}`
		for _, c := range []struct {
			auth, ctype, body string
			want              int
		}{
			{"", "application/json", hard, http.StatusUnauthorized},
			{"Bearer " + strings.Repeat("0", 64), "application/json", hard, http.StatusUnauthorized},
			{good, "text/plain", hard, http.StatusUnsupportedMediaType},
			{good, "application/json", `{"type":"bounce"`, http.StatusBadRequest},
			{good, "application/json", `[]`, http.StatusBadRequest},
			{good, "application/json", `"bounce"`, http.StatusBadRequest},
			{good, "application/json", hard + ` {}`, http.StatusBadRequest},
			{good, "application/json", `[` + hard + `, {"type":"delivered","email":"b@example.com"}]`, http.StatusBadRequest},
			{good, "application/json", `{"type":"bounce","email":"b@example.com","occurred_at":"yesterday"}`, http.StatusBadRequest},
			{good, "application/json", `{"events":[{"type":"complaint","email":"not-an-address"}]}`, http.StatusBadRequest},
		} {
			code, out := post(c.auth, c.ctype, c.body)
			if code != c.want || out["error"] == "" {
				t.Errorf("%q with %q: %d %v, want %d with an error", c.body, c.auth, code, out, c.want)
			}
		}
		if status("a@example.com") != members.Active || status("b@example.com") != members.Active {
			t.Fatal("a refused request changed a member")
		}
		if evs, _ := svc.MailEvents(ctx, "", 10); len(evs) != 0 {
			t.Fatalf("refused requests recorded %d events", len(evs))
		}

		// One event; a batch with a provider's extra fields; Basic auth; a retry.
		if code, out := post(good, "application/json", hard); code != 200 || !strings.Contains(toJSON(out), `"suppressed"`) {
			t.Fatalf("hard bounce: %d %v", code, out)
		}
		batch := `{"events":[{"type":"complaint","email":"B@example.com","id":"c1","provider":"x","occurred_at":"2026-11-29T08:00:00Z"},
			{"type":"bounce","email":"c@example.com","reason":"452 mailbox full"}]}`
		if code, out := post(good, "application/json; charset=utf-8", batch); code != 200 || !strings.Contains(toJSON(out), `"recorded"`) {
			t.Fatalf("batch: %d %v", code, out)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+hooks.MailPath, strings.NewReader(hard))
		req.SetBasicAuth("provider", hex.EncodeToString(key))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), `"duplicate"`) {
			t.Fatalf("basic auth retry: %d %s", res.StatusCode, b)
		}
		if status("a@example.com") != members.Bounced || status("b@example.com") != members.Complained || status("c@example.com") != members.Active {
			t.Fatalf("statuses: %s %s %s", status("a@example.com"), status("b@example.com"), status("c@example.com"))
		}
		if evs, _ := svc.MailEvents(ctx, "", 10); len(evs) != 3 {
			t.Fatalf("%d events recorded, want 3", len(evs))
		}
		resp, err := http.Get(srv.URL + hooks.MailPath)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("GET: %d", resp.StatusCode)
		}
	})
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
