package e2e

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"nashra.dev/nashra/internal/testenv"
)

// The demo's sample article: an Arabic wire story from NBC News.
const sampleTitle = "يعلق الكرملين على محادثات"

// TestBrowserSampleArticle loads the demo's sample article in a real headless
// Chromium and checks what only a browser can: the computed direction, that
// the self-hosted font (and nothing from another host) is loaded, that a
// Latin run is isolated, and that the page logs no error or CSP violation.
func TestBrowserSampleArticle(t *testing.T) {
	chromium := testenv.Chromium(t)
	n := serve(t, "--demo", "--data", t.TempDir())
	article := leadArticleURL(t, n.URL)
	ctx := newBrowser(t, chromium, 60*time.Second)
	rec := record(t, ctx)

	if err := chromedp.Do(ctx, chromedp.Navigate(article)); err != nil {
		t.Fatalf("navigate %s: %v", article, err)
	}
	waitFonts(t, ctx)

	if title := eval[string](t, ctx, `document.querySelector("h1.article__title")?.textContent ?? ""`); !strings.Contains(title, sampleTitle) {
		t.Errorf("h1 = %q, want the sample article %q", title, sampleTitle)
	}
	for _, c := range []struct {
		js   string
		want any
	}{
		{`getComputedStyle(document.documentElement).direction`, "rtl"},
		{`getComputedStyle(document.querySelector("article.article")).direction`, "rtl"},
		{`document.documentElement.lang`, "ar"},
		{`document.fonts.check('16px "Noto Naskh Arabic"', 'ك')`, true},
		{`!!document.querySelector('a.back-to-top[href="#top"]') && !!document.getElementById("top")`, true},
		{`(() => { const b = [...document.querySelectorAll("bdi")].find(e => e.textContent === "NBC News");
			return b ? getComputedStyle(b).unicodeBidi : "no <bdi>NBC News</bdi>" })()`, "isolate"},
	} {
		if got := eval[any](t, ctx, c.js); got != c.want {
			t.Errorf("%s\n  = %v, want %v", c.js, got, c.want)
		}
	}
	saveScreenshot(t, ctx, "sample-article.png")

	// The home page on a phone-sized viewport, for the eye and for requests.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(n.URL+"/"),
	); err != nil {
		t.Fatalf("navigate home: %v", err)
	}
	waitFonts(t, ctx)
	if got := eval[string](t, ctx, `getComputedStyle(document.documentElement).direction`); got != "rtl" {
		t.Errorf("home page direction = %q, want rtl", got)
	}
	saveScreenshot(t, ctx, "home-phone.png")

	rec.check(t, n.URL)
}

// leadArticleURL finds the sample article from the home page: the lead card
// is the first card title on "/".
func leadArticleURL(t *testing.T, base string) string {
	t.Helper()
	code, body := get(t, base+"/")
	m := regexp.MustCompile(`<h2 class="card__title"><a href="([^"]+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("GET /: %d, no card title link", code)
	}
	b, _ := url.Parse(base)
	ref, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatalf("lead card href %q: %v", m[1], err)
	}
	return b.ResolveReference(ref).String()
}

// newBrowser starts Chromium (see testenv.NewBrowser); execPath is
// testenv.Chromium's answer, kept so a test says up front that it needs it.
func newBrowser(t *testing.T, _ string, timeout time.Duration) context.Context {
	t.Helper()
	return testenv.NewBrowser(t, timeout)
}

// recorder keeps every request URL and every error the page reports; it is
// filled from chromedp's event loop, so it only appends under a lock.
type recorder struct {
	mu       sync.Mutex
	requests []string
	errs     []string
}

// record starts listening before any navigation, so no request is missed.
func record(t *testing.T, ctx context.Context) *recorder {
	t.Helper()
	r := &recorder{}
	err := chromedp.Listen(ctx, func(ev any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			r.requests = append(r.requests, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			if d.Exception != nil && d.Exception.Description != "" {
				r.errs = append(r.errs, "exception: "+d.Exception.Description)
			} else {
				r.errs = append(r.errs, "exception: "+d.Text)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				msg := "console.error:"
				for _, a := range ev.Args {
					msg += " " + string(a.Value) + a.Description
				}
				r.errs = append(r.errs, msg)
			}
		case *log.EventEntryAdded: // CSP violations and failed loads land here
			if ev.Entry.Level == log.EntryLevelError {
				r.errs = append(r.errs, string(ev.Entry.Source)+": "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// chromedp enables the network domain when it attaches; enabling it
	// again is harmless and keeps this test independent of that detail.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return r
}

// check fails on any request to a host other than the server's, on a missing
// request for the self-hosted font, and on any error the page reported.
func (r *recorder) check(t *testing.T, base string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	b, _ := url.Parse(base)
	fonts := 0
	for _, raw := range r.requests {
		if strings.HasPrefix(raw, "data:") {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host != b.Host {
			t.Errorf("request to another host: %s", raw)
			continue
		}
		if strings.HasPrefix(u.Path, "/static/fonts/") && strings.HasSuffix(u.Path, ".woff2") {
			fonts++
		}
	}
	if fonts == 0 {
		t.Errorf("no request for /static/fonts/*.woff2; requests:\n%s", strings.Join(r.requests, "\n"))
	}
	for _, e := range r.errs {
		t.Errorf("page error: %s", e)
	}
}

// waitFonts settles the page: it resolves once every font the layout asked
// for has loaded (or failed).
func waitFonts(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("document.fonts.ready: %v", err)
	}
}

// eval runs js in the page and returns its value decoded as T.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// saveScreenshot writes the viewport as a PNG artifact (testenv.SaveScreenshot).
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	testenv.SaveScreenshot(t, ctx, name)
}
