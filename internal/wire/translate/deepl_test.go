package translate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const deeplKey = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:fx"

func newDeepLPair(t *testing.T, cfg Config) (*deeplServer, Provider, *fakeClock) {
	srv := newDeepLServer(t, deeplKey)
	clk := newFakeClock()
	cfg.Provider, cfg.URL = DeepL, srv.URL
	if cfg.Key == "" {
		cfg.Key = deeplKey
	}
	return srv, newTestProvider(t, cfg, clk), clk
}

func TestDeepLBaseURLByKey(t *testing.T) {
	cl := &client{}
	if d := newDeepL(cl, "", "abc:fx", "", 0); d.base != "https://api-free.deepl.com" {
		t.Errorf("free key base = %s", d.base)
	}
	if d := newDeepL(cl, "", "abc", "", 0); d.base != "https://api.deepl.com" {
		t.Errorf("pro key base = %s", d.base)
	}
	if d := newDeepL(cl, "https://proxy.example/v2", "abc", "", 0); d.base != "https://proxy.example" {
		t.Errorf("explicit base = %s", d.base)
	}
}

func TestDeepLBatchDetectAndTarget(t *testing.T) {
	srv, p, _ := newDeepLPair(t, Config{Model: "quality_optimized"})
	res, err := p.Translate(context.Background(), Request{
		Segments: []string{"One paragraph.", "", "Two paragraph.", "مرحبا"}, To: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"واحد فقرة.", "", "اثنان فقرة.", "مرحبا"}
	for k, s := range res.Segments {
		if s.Text != want[k] {
			t.Errorf("segment %d = %q, want %q", k, s.Text, want[k])
		}
	}
	if res.DetectedFrom != "en" || res.Model != "quality_optimized" {
		t.Errorf("DetectedFrom %q Model %q", res.DetectedFrom, res.Model)
	}
	c := srv.calls()
	if len(c) != 1 || len(c[0].Text) != 3 || c[0].TargetLang != "AR" || c[0].SourceLang != "" || !c[0].PreserveFormatting {
		t.Fatalf("requests = %+v (the empty segment is not sent)", c)
	}

	// English targets need a variant: "en" is sent as EN-US.
	if _, err := p.Translate(context.Background(), Request{Text: "مرحبا", From: "ar", To: "en"}); err != nil {
		t.Fatal(err)
	}
	if c := srv.calls(); c[1].TargetLang != "EN-US" || c[1].SourceLang != "AR" {
		t.Errorf("target/source = %s/%s", c[1].TargetLang, c[1].SourceLang)
	}
}

func TestDeepLHTML(t *testing.T) {
	srv, p, _ := newDeepLPair(t, Config{})
	src := "<h2>Kremlin talks</h2><p>Putin <em>met</em> officials.</p>"
	res, err := p.Translate(context.Background(), Request{Text: src, From: "en", To: "ar", Format: FormatHTML})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<h2>الكرملين محادثات</h2><p>بوتين <em>التقى</em> المسؤولين.</p>"; res.Text != want {
		t.Errorf("Text = %s\nwant   %s", res.Text, want)
	}
	if len(res.Segments) != 2 || srv.calls()[0].TagHandling != "html" {
		t.Errorf("segments %d, tag_handling %q", len(res.Segments), srv.calls()[0].TagHandling)
	}
}

func TestDeepLGlossary(t *testing.T) {
	g := Glossary{{Source: "Kirill Dmitriev", Target: "كيريل دميترييف"}, {Source: "Peskov", Target: "بيسكوف"}}
	t.Run("native glossary, created once", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{})
		for range 2 {
			res, err := p.Translate(context.Background(), Request{Text: "Kirill Dmitriev met Peskov. Dmitriev visited Washington.", From: "en", To: "ar", Glossary: g})
			if err != nil {
				t.Fatal(err)
			}
			// DeepL wrote the full name from the glossary, the lone surname
			// with its slip; Unify made the two one spelling.
			if want := "كيريل دميترييف التقى بيسكوف. دميترييف زار واشنطن."; res.Text != want {
				t.Errorf("Text = %q, want %q", res.Text, want)
			}
			if !hasWarning(res.Warnings, WarnSpellingUnified, "ديميتريف → دميترييف") {
				t.Errorf("warnings %v lack the unified spelling", res.Warnings)
			}
		}
		c := srv.calls()
		if srv.glossReqs != 1 || c[0].GlossaryID == "" || c[1].GlossaryID != c[0].GlossaryID {
			t.Errorf("glossary requests %d, ids %q %q", srv.glossReqs, c[0].GlossaryID, c[1].GlossaryID)
		}
		if !strings.Contains(c[0].Text[0], "Kirill Dmitriev") {
			t.Errorf("with a DeepL glossary names are sent as words: %q", c[0].Text[0])
		}
	})
	t.Run("unsupported pair falls back to placeholders", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{})
		srv.pairs = map[string]bool{}
		res, err := p.Translate(context.Background(), Request{Text: "Peskov met Kirill Dmitriev.", From: "en", To: "ar", Glossary: g})
		if err != nil {
			t.Fatal(err)
		}
		if want := "بيسكوف التقى كيريل دميترييف."; res.Text != want {
			t.Errorf("Text = %q, want %q", res.Text, want)
		}
		if c := srv.calls(); c[0].GlossaryID != "" || strings.Contains(c[0].Text[0], "Peskov") {
			t.Errorf("request %+v: want placeholders, no glossary_id", c[0])
		}
	})
	t.Run("detected source: no glossary_id", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{})
		res, err := p.Translate(context.Background(), Request{Text: "Peskov said.", To: "ar", Glossary: g})
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != "بيسكوف قال." || srv.glossReqs != 0 {
			t.Errorf("Text %q, glossary requests %d", res.Text, srv.glossReqs)
		}
	})
}

func TestDeepLErrors(t *testing.T) {
	t.Run("wrong key", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{Key: "bad-key-123"})
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if !errors.Is(err, ErrAuth) || len(srv.calls()) != 1 || strings.Contains(err.Error(), "bad-key-123") {
			t.Errorf("err = %v after %d calls", err, len(srv.calls()))
		}
	})
	t.Run("quota 456", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{})
		srv.quota = 3
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		var e *Error
		if !errors.Is(err, ErrQuota) || !errors.As(err, &e) || e.Status != 456 || !strings.Contains(e.Message, "character limit") {
			t.Errorf("err = %v", err)
		}
		if len(srv.calls()) != 1 {
			t.Errorf("quota errors are not retried: %d calls", len(srv.calls()))
		}
	})
	t.Run("429, 429, 500, 503, then success", func(t *testing.T) {
		srv, p, clk := newDeepLPair(t, Config{Retry: RetryPolicy{MaxAttempts: 5}})
		srv.push(respond(429, `{"message":"Too many requests"}`, "Retry-After", "1"),
			respond(429, `{"message":"Too many requests"}`),
			respond(500, `{"message":"Internal server error"}`),
			respond(503, `{"message":"Service unavailable"}`, "Retry-After", "3"))
		res, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if err != nil || res.Text != "مرحبا" {
			t.Fatalf("res %q err %v", res.Text, err)
		}
		w := clk.waits()
		if len(w) != 4 || w[0] != time.Second || w[1] < 100*time.Millisecond || w[1] > 200*time.Millisecond ||
			w[2] < 200*time.Millisecond || w[2] > 400*time.Millisecond || w[3] != 3*time.Second {
			t.Errorf("waits %v: want Retry-After 1s, jittered backoffs of 100–200ms and 200–400ms, then Retry-After 3s", w)
		}
		if len(srv.calls()) != 5 {
			t.Errorf("%d calls, want 5", len(srv.calls()))
		}
	})
	t.Run("5xx exhausts attempts", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{Retry: RetryPolicy{MaxAttempts: 3}})
		for range 5 {
			srv.push(respond(500, `{"message":"Internal error"}`))
		}
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if !errors.Is(err, ErrUnavailable) || len(srv.calls()) != 3 {
			t.Errorf("err %v after %d calls, want ErrUnavailable after 3", err, len(srv.calls()))
		}
	})
	t.Run("bad target from the server", func(t *testing.T) {
		_, p, _ := newDeepLPair(t, Config{})
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "de"})
		if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "target_lang") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("413 halves the batch", func(t *testing.T) {
		srv, p, _ := newDeepLPair(t, Config{})
		srv.push(respond(413, `{"message":"Request Entity Too Large"}`))
		res, err := p.Translate(context.Background(), Request{Segments: []string{"one", "two", "three", "four"}, To: "ar"})
		if err != nil {
			t.Fatal(err)
		}
		if got := []string{res.Segments[0].Text, res.Segments[3].Text}; got[0] != "واحد" || got[1] != "أربعة" {
			t.Errorf("segments %v", got)
		}
		c := srv.calls()
		if len(c) != 3 || len(c[1].Text) != 2 || len(c[2].Text) != 2 {
			t.Errorf("calls: %d, want 1 refused + 2 halves", len(c))
		}
	})
}
