package translate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const chatKey = "sk-test-0123456789abcdef"

func newChatPair(t *testing.T, cfg Config) (*chatServer, Provider, *fakeClock) {
	srv := newChatServer(t, chatKey)
	clk := newFakeClock()
	cfg.Provider = OpenAI
	if cfg.URL == "" {
		cfg.URL = srv.URL
	}
	if cfg.Key == "" {
		cfg.Key = chatKey
	}
	if cfg.Model == "" {
		cfg.Model = "nashra-mt"
	}
	return srv, newTestProvider(t, cfg, clk), clk
}

func TestOpenAIEndpointFromBase(t *testing.T) {
	for base, want := range map[string]string{
		"":                                    "https://api.openai.com/v1/chat/completions",
		"http://llm:8080":                     "http://llm:8080/v1/chat/completions",
		"http://llm:8080/v1":                  "http://llm:8080/v1/chat/completions",
		"http://llm:8080/v1/chat/completions": "http://llm:8080/v1/chat/completions",
	} {
		if got := newOpenAI(&client{}, base, "", "m", 0).endpoint; got != want {
			t.Errorf("base %q: endpoint %s, want %s", base, got, want)
		}
	}
}

func TestOpenAIPromptGlossaryAndUnify(t *testing.T) {
	srv, p, _ := newChatPair(t, Config{URL: "", Retry: RetryPolicy{}})
	_ = srv
	g := Glossary{{Source: "Kirill Dmitriev", Target: "كيريل دميترييف"}, {Source: "Peskov", Target: "بيسكوف"}}
	res, err := p.Translate(context.Background(), Request{
		Text: "Kirill Dmitriev met officials in Washington for 3 days.\n\nPeskov said Dmitriev met Putin.",
		From: "en", To: "ar", Glossary: g})
	if err != nil {
		t.Fatal(err)
	}
	want := "كيريل دميترييف التقى المسؤولين في واشنطن لمدة 3 أيام.\n\nبيسكوف قال دميترييف التقى بوتين."
	if res.Text != want {
		t.Errorf("Text =\n%s\nwant\n%s", res.Text, want)
	}
	if res.Model != "nashra-mt-2025-01" || res.Provider != "openai" {
		t.Errorf("Model %q Provider %q", res.Model, res.Provider)
	}
	if !hasWarning(res.Warnings, WarnSpellingUnified, "ديميتريف → دميترييف") || res.Warnings[0].Segment != 1 {
		t.Errorf("warnings = %v", res.Warnings)
	}
	c := srv.calls()
	if len(c) != 1 {
		t.Fatalf("%d requests, want 1 batch", len(c))
	}
	sys, user := c[0].Messages[0].Content, c[0].Messages[1].Content
	for _, must := range []string{"from English (en) into Arabic (ar)", "Kirill Dmitriev → كيريل دميترييف",
		"Peskov → بيسكوف", "⟦3⟧", "no notes", "number, quotation mark and bracket"} {
		if !strings.Contains(sys, must) {
			t.Errorf("system prompt lacks %q:\n%s", must, sys)
		}
	}
	if !strings.HasPrefix(user, "[[[1]]]\nKirill Dmitriev met") || !strings.Contains(user, "\n\n[[[2]]]\nPeskov said") {
		t.Errorf("user message:\n%s", user)
	}
	if c[0].Temperature != 0 || c[0].Model != "nashra-mt" {
		t.Errorf("temperature %v model %q", c[0].Temperature, c[0].Model)
	}
}

func TestOpenAIAnswerValidation(t *testing.T) {
	segs := []string{"One paragraph.", "Two paragraph with 500 people.", "Three paragraph."}
	want := []string{"واحد فقرة.", "اثنان فقرة مع 500 شخص.", "ثلاثة فقرة."}
	cases := []struct {
		name     string
		slips    []string
		calls    int
		warnCode string
	}{
		{name: "clean", calls: 1},
		{name: "dropped segment is asked again", slips: []string{"drop"}, calls: 2},
		{name: "commentary and fences are ignored", slips: []string{"chatty"}, calls: 1},
		{name: "bare fence", slips: []string{"fence"}, calls: 1},
		{name: "cut-off answer is asked again", slips: []string{"cut"}, calls: 2},
		{name: "lost token is asked again", slips: []string{"lose-token"}, calls: 2},
		{name: "always dropping: batch halved", slips: []string{"drop", "drop", "drop", "drop", "drop", "drop"}, calls: 3 + 3 + 1},
		{name: "always losing a token: accepted with a warning", slips: []string{"lose-token", "lose-token"}, calls: 2, warnCode: WarnNumberMissing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, p, _ := newChatPair(t, Config{})
			srv.slip(tc.slips...)
			res, err := p.Translate(context.Background(), Request{Segments: segs, From: "en", To: "ar"})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.calls()); n != tc.calls {
				t.Errorf("%d requests, want %d", n, tc.calls)
			}
			if tc.warnCode != "" {
				if !hasWarning(res.Warnings, tc.warnCode, "500") {
					t.Errorf("warnings %v lack %s", res.Warnings, tc.warnCode)
				}
				return
			}
			for k, s := range res.Segments {
				if s.Text != want[k] || s.Source != segs[k] {
					t.Errorf("segment %d = %+v, want %q", k, s, want[k])
				}
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
		})
	}
	t.Run("correction names the problem", func(t *testing.T) {
		srv, p, _ := newChatPair(t, Config{})
		srv.slip("drop")
		if _, err := p.Translate(context.Background(), Request{Segments: segs, From: "en", To: "ar"}); err != nil {
			t.Fatal(err)
		}
		c := srv.calls()[1]
		if len(c.Messages) != 4 || c.Messages[2].Role != "assistant" || !strings.Contains(c.Messages[3].Content, "segments 3 are missing") {
			t.Errorf("retry messages = %+v", c.Messages)
		}
	})
}

func TestOpenAIHTMLAndDetection(t *testing.T) {
	srv, p, _ := newChatPair(t, Config{})
	srv.slip("break-tags")
	res, err := p.Translate(context.Background(), Request{Text: "<p>Putin <b>met</b> Peskov.</p>", To: "ar", Format: FormatHTML})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "<p>بوتين <b>التقى</b> بيسكوف.</p>" || res.DetectedFrom != "en" {
		t.Errorf("Text %q DetectedFrom %q", res.Text, res.DetectedFrom)
	}
	c := srv.calls()
	if len(c) != 2 || !strings.Contains(c[0].Messages[0].Content, "HTML fragments") || !strings.Contains(c[0].Messages[0].Content, "[[[source: xx]]]") {
		t.Errorf("%d calls; system prompt: %s", len(c), c[0].Messages[0].Content)
	}
}

func TestOpenAIErrors(t *testing.T) {
	t.Run("401 scrubs the echoed key", func(t *testing.T) {
		const wrong = "sk-wrong-key-abcdef123456"
		_, p, _ := newChatPair(t, Config{Key: wrong})
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		var e *Error
		if !errors.Is(err, ErrAuth) || !errors.As(err, &e) || e.Code != "invalid_api_key" || e.Status != 401 {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("key not scrubbed: %v", err)
		}
	})
	t.Run("unknown model", func(t *testing.T) {
		_, p, _ := newChatPair(t, Config{Model: "gpt-none"})
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("insufficient_quota is not retried", func(t *testing.T) {
		srv, p, _ := newChatPair(t, Config{})
		srv.push(respond(429, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}`))
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if !errors.Is(err, ErrQuota) || len(srv.calls()) != 1 {
			t.Errorf("err %v after %d calls", err, len(srv.calls()))
		}
	})
	t.Run("429 honours the rate-limit headers, 500 and 503 are retried", func(t *testing.T) {
		srv, p, clk := newChatPair(t, Config{Retry: RetryPolicy{MaxAttempts: 5}})
		srv.push(
			respond(429, `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`,
				"x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1.5s", "x-ratelimit-remaining-tokens", "900"),
			respond(429, `{"error":{"message":"Rate limit reached for tokens","type":"tokens","code":"rate_limit_exceeded"}}`,
				"retry-after-ms", "250", "Retry-After", "1"),
			respond(500, `{"error":{"message":"The server had an error","type":"server_error","code":null}}`),
			respond(503, `{"error":{"message":"The engine is currently overloaded","type":"server_error","code":null}}`, "Retry-After", "4"),
		)
		res, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if err != nil || res.Text != "مرحبا" {
			t.Fatalf("res %q err %v", res.Text, err)
		}
		// The 500 waits a jittered backoff; the others what the server asked.
		if w := clk.waits(); len(w) != 4 || w[0] != 1500*time.Millisecond || w[1] != 250*time.Millisecond || w[3] != 4*time.Second {
			t.Errorf("waits = %v", w)
		}
	})
	t.Run("rate limit longer than the budget ends the call", func(t *testing.T) {
		srv, p, clk := newChatPair(t, Config{Retry: RetryPolicy{MaxElapsed: time.Minute}})
		srv.push(respond(429, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`, "Retry-After", "600"))
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		var e *Error
		if !errors.Is(err, ErrRateLimited) || !errors.As(err, &e) || e.RetryAfter != 10*time.Minute {
			t.Fatalf("err = %v", err)
		}
		if len(srv.calls()) != 1 || len(clk.waits()) != 0 {
			t.Errorf("calls %d waits %v: want no wait", len(srv.calls()), clk.waits())
		}
		// The pause holds for the next call too: it fails at once, unsent.
		_, err = p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if !errors.As(err, &e) || !errors.Is(err, ErrRateLimited) || e.RetryAfter != 10*time.Minute || len(srv.calls()) != 1 {
			t.Errorf("second call: err %v, %d requests", err, len(srv.calls()))
		}
	})
}
