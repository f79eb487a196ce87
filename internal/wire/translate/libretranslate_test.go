package translate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLibreTranslateSingleWithDetection(t *testing.T) {
	srv := newLibreServer(t)
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL}, newFakeClock())
	res, err := p.Translate(context.Background(), Request{Text: "Kremlin said there is cautious optimism.", To: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "الكرملين قال هناك يوجد حذر تفاؤل."; res.Text != want {
		t.Errorf("Text = %q, want %q", res.Text, want)
	}
	if res.DetectedFrom != "en" || res.Provider != "libretranslate" {
		t.Errorf("DetectedFrom %q Provider %q", res.DetectedFrom, res.Provider)
	}
	calls := srv.calls()
	if len(calls) != 1 || calls[0].Source != "auto" || calls[0].Target != "ar" || calls[0].Format != "text" {
		t.Fatalf("requests = %+v", calls)
	}
	if _, ok := calls[0].Q.(string); !ok {
		t.Errorf("a single text is sent as a string, got %T", calls[0].Q)
	}
}

func TestLibreTranslateBatchKeepsOrderAndBreaks(t *testing.T) {
	srv := newLibreServer(t)
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL, Key: "k1"}, newFakeClock())
	srv.keys["k1"] = true
	text := "One paragraph.\n\n  \nTwo paragraph.\r\n\r\nThree paragraph.\n"
	res, err := p.Translate(context.Background(), Request{Text: text, From: "en", To: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	want := "واحد فقرة.\n\n  \nاثنان فقرة.\r\n\r\nثلاثة فقرة.\n"
	if res.Text != want {
		t.Errorf("Text = %q, want %q", res.Text, want)
	}
	if len(res.Segments) != 3 || res.Segments[1].Source != "Two paragraph." || res.Segments[1].Text != "اثنان فقرة." {
		t.Errorf("Segments = %+v", res.Segments)
	}
	calls := srv.calls()
	if len(calls) != 1 {
		t.Fatalf("%d requests, want one batch", len(calls))
	}
	if q, ok := calls[0].Q.([]any); !ok || len(q) != 3 || q[0] != "One paragraph." {
		t.Errorf("q = %#v, want the three paragraphs as a list", calls[0].Q)
	}
	if calls[0].APIKey != "k1" || calls[0].Source != "en" {
		t.Errorf("api_key/source = %q/%q", calls[0].APIKey, calls[0].Source)
	}
	if res.DetectedFrom != "" {
		t.Errorf("DetectedFrom = %q with a given source", res.DetectedFrom)
	}
}

func TestLibreTranslateHTML(t *testing.T) {
	srv := newLibreServer(t)
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL}, newFakeClock())
	src := `<p class="lead">Kremlin <b>said</b> on <a href="/x?a=1&amp;b=2">Washington</a> talks.</p>` + "\n" + `<p>Three days &amp; 18 people.</p>`
	res, err := p.Translate(context.Background(), Request{Text: src, From: "en", To: "ar", Format: FormatHTML})
	if err != nil {
		t.Fatal(err)
	}
	want := `<p class="lead">الكرملين <b>قال</b> في <a href="/x?a=1&amp;b=2">واشنطن</a> محادثات.</p>` + "\n" + `<p>ثلاثة أيام &amp; 18 شخص.</p>`
	if res.Text != want {
		t.Errorf("Text =\n%s\nwant\n%s", res.Text, want)
	}
	if len(res.Segments) != 2 {
		t.Errorf("%d segments, want one per <p>", len(res.Segments))
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	if c := srv.calls(); c[0].Format != "html" {
		t.Errorf("format = %q, want html", c[0].Format)
	}
}

func TestLibreTranslateLocalisedPlaceholdersAndNumbers(t *testing.T) {
	srv := newLibreServer(t)
	srv.digits = true
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL}, newFakeClock())
	src := `Peskov said: “There is cautious optimism” on 18 March, 2022 [Russian] talks, 500,000 people.`
	res, err := p.Translate(context.Background(), Request{Text: src, From: "en", To: "ar",
		Glossary: Glossary{{Source: "Peskov", Target: "بيسكوف"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `بيسكوف قال: “هناك يوجد حذر تفاؤل” في 18 March, 2022 [الروسي] محادثات, 500,000 شخص.`
	if res.Text != want {
		t.Errorf("Text =\n%s\nwant\n%s", res.Text, want)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	sent := srv.calls()[0].Q.(string)
	for _, keep := range []string{"“", "18", "500,000", "[", "Peskov"} {
		if strings.Contains(sent, keep) {
			t.Errorf("%q was sent unprotected: %s", keep, sent)
		}
	}
}

func TestLibreTranslateErrors(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(s *libreServer)
		cfg     Config
		req     Request
		kind    error
		message string
		calls   int
	}{
		{name: "key required", setup: func(s *libreServer) { s.keys["good"] = true },
			req: Request{Text: "hello", To: "ar"}, kind: ErrAuth, message: "to get an API key", calls: 1},
		{name: "invalid key", setup: func(s *libreServer) { s.keys["good"] = true }, cfg: Config{Key: "wrong-key-1"},
			req: Request{Text: "hello", To: "ar"}, kind: ErrAuth, message: "Invalid API key", calls: 1},
		{name: "unsupported target",
			req: Request{Text: "hello", To: "xx"}, kind: ErrBadRequest, message: "xx is not supported", calls: 1},
		{name: "banned", setup: func(s *libreServer) {
			s.push(respond(403, `{"error":"Too many request limits violations"}`))
		}, req: Request{Text: "hello", To: "ar"}, kind: ErrRateLimited, message: "limits violations", calls: 1},
		{name: "500 every time", setup: func(s *libreServer) {
			for range 4 {
				s.push(respond(500, `{"error":"Cannot translate text: model crashed"}`))
			}
		}, req: Request{Text: "hello", To: "ar"}, kind: ErrUnavailable, message: "model crashed", calls: 4},
		{name: "429 every time", setup: func(s *libreServer) {
			for range 4 {
				s.push(respond(429, `{"error":"Slowdown: 10 per 1 minute"}`))
			}
		}, req: Request{Text: "hello", To: "ar"}, kind: ErrRateLimited, message: "Slowdown", calls: 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newLibreServer(t)
			if tc.setup != nil {
				tc.setup(srv)
			}
			cfg := tc.cfg
			cfg.Provider, cfg.URL = LibreTranslate, srv.URL
			p := newTestProvider(t, cfg, newFakeClock())
			_, err := p.Translate(context.Background(), tc.req)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, tc.message) || e.Provider != LibreTranslate {
				t.Errorf("err = %#v, want message containing %q", err, tc.message)
			}
			if tc.cfg.Key != "" && strings.Contains(err.Error(), tc.cfg.Key) {
				t.Errorf("key in error: %v", err)
			}
			if n := len(srv.calls()); n != tc.calls {
				t.Errorf("%d requests, want %d", n, tc.calls)
			}
		})
	}
}

func TestLibreTranslateRetriesThenSucceeds(t *testing.T) {
	srv := newLibreServer(t)
	srv.push(respond(429, `{"error":"Slowdown: 10 per 1 minute"}`, "Retry-After", "2"),
		respond(500, `{"error":"Cannot translate text: busy"}`))
	clk := newFakeClock()
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL}, clk)
	res, err := p.Translate(context.Background(), Request{Text: "Hello world", To: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "مرحبا العالم" {
		t.Errorf("Text = %q", res.Text)
	}
	waits := clk.waits()
	if len(srv.calls()) != 3 || len(waits) < 2 || waits[0] != 2*time.Second {
		t.Fatalf("calls %d, waits %v: want 3 calls, first wait the Retry-After of 2s", len(srv.calls()), waits)
	}
	if w := waits[len(waits)-1]; w < 100*time.Millisecond || w > 200*time.Millisecond {
		t.Errorf("second backoff %v, want 100–200ms (base doubled, jittered)", w)
	}
}

func TestLibreTranslateCharLimitHalvesBatches(t *testing.T) {
	srv := newLibreServer(t)
	srv.charLimit = 400
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL, MaxSegmentBytes: 300}, newFakeClock())
	var paras []string
	for k := range 6 {
		paras = append(paras, strings.Repeat([]string{"One", "Two", "Three"}[k%3]+" paragraph. ", 12))
	}
	res, err := p.Translate(context.Background(), Request{Text: strings.Join(paras, "\n\n"), From: "en", To: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range res.Segments {
		word := []string{"واحد", "اثنان", "ثلاثة"}[k%3]
		if strings.Count(s.Text, word+" فقرة.") != 12 {
			t.Errorf("segment %d = %q", k, s.Text)
		}
	}
	rejected := 0
	for _, c := range srv.calls() {
		if q, ok := c.Q.([]any); ok && len(q) > 1 {
			n := 0
			for _, x := range q {
				n += len([]rune(x.(string)))
			}
			if n > 400 {
				rejected++
			}
		}
	}
	if rejected == 0 {
		t.Error("expected the server to refuse an oversized batch first")
	}
}
