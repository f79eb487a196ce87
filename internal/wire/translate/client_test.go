package translate

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryAfterHeaders(t *testing.T) {
	now := time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		h    map[string]string
		want time.Duration
	}{
		{map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"Retry-After": "Fri, 28 Mar 2025 11:00:00 GMT"}, 0}, // in the past
		{map[string]string{"Retry-After": "soon"}, 0},
		{map[string]string{"Retry-After": "-4"}, 0},
		{map[string]string{"retry-after-ms": "250", "Retry-After": "1"}, 250 * time.Millisecond},
		{map[string]string{"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s"}, 6 * time.Minute},
		{map[string]string{"x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "6m0s",
			"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "20ms"}, 20 * time.Millisecond},
		{map[string]string{}, 0},
	}
	for _, tc := range cases {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := retryAfter(h, now); got != tc.want {
			t.Errorf("retryAfter(%v) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 9: time.Second} {
		for range 50 {
			if d := p.backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
		}
	}
}

func TestLimiterSpacesRequests(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(clk, 4)
	for range 3 {
		if _, err := l.wait(context.Background(), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if w := clk.waits(); len(w) != 2 || w[0] != 250*time.Millisecond || w[1] != 250*time.Millisecond {
		t.Errorf("waits = %v, want two of 250ms", w)
	}
	l.holdUntil(clk.Now().Add(5 * time.Second))
	if d, err := l.wait(context.Background(), time.Second); !errors.Is(err, errPaused) || d != 5*time.Second {
		t.Errorf("held limiter: %v %v", d, err)
	}
}

// With the real clock: 20 requests a second means 5 translations take at
// least 4 × 50ms, even from concurrent callers.
func TestRateLimitRealTime(t *testing.T) {
	srv := newLibreServer(t)
	p, err := New(Config{Provider: LibreTranslate, URL: srv.URL, RatePerSecond: 20})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	errs := make(chan error, 5)
	for range 5 {
		go func() {
			_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
			errs <- err
		}()
	}
	for range 5 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("5 requests at 20/s took %v", d)
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	t.Run("each attempt times out, then ErrUnavailable", func(t *testing.T) {
		hits.Store(0)
		p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL, Timeout: 50 * time.Millisecond,
			Retry: RetryPolicy{MaxAttempts: 2}}, newFakeClock())
		_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 50ms") {
			t.Errorf("err = %v", err)
		}
		if hits.Load() != 2 {
			t.Errorf("%d attempts, want 2", hits.Load())
		}
	})
	t.Run("the caller's context ends the call", func(t *testing.T) {
		p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL, Timeout: time.Minute}, realClock{})
		ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := p.Translate(ctx, Request{Text: "hello", To: "ar"})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("cancel during a backoff", func(t *testing.T) {
		busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(503)
		}))
		defer busy.Close()
		p := newTestProvider(t, Config{Provider: LibreTranslate, URL: busy.URL}, realClock{})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := p.Translate(ctx, Request{Text: "hello", To: "ar"})
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
	})
}

func TestRetryLogsNeverShowKey(t *testing.T) {
	const key = "lt-secret-key-0042"
	srv := newLibreServer(t)
	srv.push(respond(500, `{"error":"Cannot translate text: bad key `+key+`"}`))
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL, Key: key, Logger: log}, newFakeClock())
	if _, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "translate: retrying") || strings.Contains(buf.String(), key) {
		t.Errorf("log = %s", buf.String())
	}

	srv.push(respond(400, `{"error":"unknown key `+key+`"}`))
	_, err := p.Translate(context.Background(), Request{Text: "hello", To: "ar"})
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("err = %v", err)
	}
}

func TestRequestValidation(t *testing.T) {
	srv := newLibreServer(t)
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL}, newFakeClock())
	for _, req := range []Request{
		{To: "ar"},
		{Text: "x", Segments: []string{"y"}, To: "ar"},
		{Text: "x", To: "arabic"},
		{Text: "x", To: ""},
		{Text: "x", From: "e", To: "ar"},
		{Text: "x", To: "ar", Format: "markdown"},
		{Text: "x", To: "ar", Glossary: Glossary{{Source: "a"}}},
	} {
		if _, err := p.Translate(context.Background(), req); !errors.Is(err, ErrBadRequest) {
			t.Errorf("Translate(%+v) = %v, want ErrBadRequest", req, err)
		}
	}
	if len(srv.calls()) != 0 {
		t.Errorf("invalid requests reached the server")
	}
	res, err := p.Translate(context.Background(), Request{Text: "hello", From: "AUTO", To: "AR"})
	if err != nil || res.Text != "مرحبا" || srv.calls()[0].Source != "auto" || srv.calls()[0].Target != "ar" {
		t.Errorf("codes not normalised: %v %+v", err, srv.calls())
	}
}

// Every provider goes through the shared client: a server that never
// answers ends each attempt at Timeout and the call with ErrUnavailable.
func TestEveryProviderTimesOut(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so the server notices the client hanging up
		<-r.Context().Done()
	}))
	defer hang.Close()
	for _, cfg := range []Config{
		{Provider: LibreTranslate},
		{Provider: DeepL, Key: "k:fx"},
		{Provider: OpenAI, Key: "sk-x", Model: "m"},
	} {
		cfg.URL, cfg.Timeout, cfg.Retry.MaxAttempts = hang.URL, 30*time.Millisecond, 2
		p := newTestProvider(t, cfg, newFakeClock())
		_, err := p.Translate(context.Background(), Request{Text: "hello", From: "en", To: "ar"})
		var e *Error
		if !errors.Is(err, ErrUnavailable) || !errors.As(err, &e) || e.Provider != cfg.Provider {
			t.Errorf("%s: err = %v", cfg.Provider, err)
		}
	}
}

// The documented error answers of each API map to the right kinds.
func TestDecodeDocumentedErrors(t *testing.T) {
	type dec func(int, http.Header, []byte) *Error
	cases := []struct {
		name      string
		decode    dec
		status    int
		body      string
		kind      error
		retryable bool
		tooLarge  bool
		message   string
	}{
		{"lt missing q", decodeLibreError, 400, `{"error":"Invalid request: missing q parameter"}`, ErrBadRequest, false, false, "missing q"},
		{"lt char limit", decodeLibreError, 400, `{"error":"Invalid request: request (3000) exceeds text limit (2000)"}`, ErrBadRequest, false, true, "exceeds"},
		{"lt key needed", decodeLibreError, 400, `{"error":"Please contact the server operator to get an API key"}`, ErrAuth, false, false, "API key"},
		{"lt bad key", decodeLibreError, 403, `{"error":"Invalid API key"}`, ErrAuth, false, false, "Invalid"},
		{"lt slow down", decodeLibreError, 429, `{"error":"Slowdown: 10 per 1 minute"}`, ErrRateLimited, true, false, "Slowdown"},
		{"lt failure", decodeLibreError, 500, `{"error":"Cannot translate text: x"}`, ErrUnavailable, true, false, "Cannot"},
		{"lt not json", decodeLibreError, 502, `<html>Bad Gateway</html>`, ErrUnavailable, true, false, "Bad Gateway"},
		{"deepl bad param", decodeDeepLError, 400, `{"message":"Value for 'target_lang' not supported."}`, ErrBadRequest, false, false, "target_lang"},
		{"deepl auth", decodeDeepLError, 403, `{"message":"Wrong endpoint. Use https://api.deepl.com"}`, ErrAuth, false, false, "Wrong endpoint"},
		{"deepl glossary", decodeDeepLError, 404, `{"message":"Glossary not found"}`, ErrBadRequest, false, false, "Glossary"},
		{"deepl too large", decodeDeepLError, 413, `{"message":"Request Entity Too Large"}`, ErrBadRequest, false, true, "Too Large"},
		{"deepl busy", decodeDeepLError, 429, `{"message":"Too many requests"}`, ErrRateLimited, true, false, "Too many"},
		{"deepl quota", decodeDeepLError, 456, `{"message":"Quota Exceeded"}`, ErrQuota, false, false, "Quota"},
		{"deepl overloaded", decodeDeepLError, 529, ``, ErrUnavailable, true, false, ""},
		{"openai auth", decodeOpenAIError, 401, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`, ErrAuth, false, false, "Incorrect"},
		{"openai context", decodeOpenAIError, 400, `{"error":{"message":"maximum context length","type":"invalid_request_error","code":"context_length_exceeded"}}`, ErrBadRequest, false, true, "context"},
		{"openai rate", decodeOpenAIError, 429, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`, ErrRateLimited, true, false, "Rate limit"},
		{"openai quota", decodeOpenAIError, 429, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}`, ErrQuota, false, false, "quota"},
		{"openai overloaded", decodeOpenAIError, 503, `{"error":{"message":"overloaded","type":"server_error","code":null}}`, ErrUnavailable, true, false, "overloaded"},
	}
	for _, tc := range cases {
		e := tc.decode(tc.status, http.Header{}, []byte(tc.body))
		if e.Kind != tc.kind || e.retryable != tc.retryable || e.tooLarge != tc.tooLarge || !strings.Contains(e.Message, tc.message) {
			t.Errorf("%s: %+v", tc.name, e)
		}
	}
}
