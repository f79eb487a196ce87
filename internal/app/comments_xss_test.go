package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store/storetest"
	"nashra.dev/nashra/internal/testenv"
)

// blns reads the Big List of Naughty Strings (testdata/blns): every
// string, and those of its "Script Injection" section — a public list of
// XSS filter-evasion payloads.
func blns(t *testing.T) (all, xss []string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "blns", "blns.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A section's title is the first comment line after strings (or at
	// the top); the comment lines after it describe it.
	section, inComment := "", false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			if !inComment {
				section = strings.TrimSpace(strings.TrimPrefix(line, "#"))
			}
			inComment = true
			continue
		}
		inComment = false
		if strings.TrimSpace(line) == "" {
			continue
		}
		all = append(all, line)
		if section == "Script Injection" {
			xss = append(xss, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(xss) < 200 || len(all) < 450 {
		t.Fatalf("read %d strings, %d XSS payloads: the list's format changed", len(all), len(xss))
	}
	return all, xss
}

// TestCommentXSSPayloadsAreInert posts every string of the list as an
// approved comment (as its text, and as its author's name where the name
// rules allow) and opens the article in Chromium: no dialog opens, no
// script runs, no request leaves for another host, the page reports no
// error (a Content-Security-Policy refusal would mean markup got through),
// and the comments hold no event-handler attribute, no active element and
// no script URL.
func TestCommentXSSPayloadsAreInert(t *testing.T) {
	testenv.Chromium(t)
	ctx := context.Background()
	s := startSite(t, storetest.SQLite(t), 0)
	p, err := s.Content.Lookup(ctx, s.Sample)
	if err != nil {
		t.Fatal(err)
	}
	all, xss := blns(t)
	isXSS := map[string]bool{}
	for _, x := range xss {
		isXSS[x] = true
	}
	tokens := make([]string, len(all))
	for i := range all {
		tokens[i] = s.Svc.Comments.FormToken(p.ID)
	}
	waitFillTime()
	var ids []int64
	landedXSS := 0
	for i, payload := range all {
		in := comments.Input{PostID: p.ID, Name: payload, Email: fmt.Sprintf("naughty%d@example.com", i), Body: payload,
			Token: tokens[i], IP: fmt.Sprintf("198.18.%d.%d", i/250, i%250+1), UserAgent: "test"}
		c, err := s.Svc.Comments.Create(ctx, in)
		var invalid *comments.InvalidError
		if errors.As(err, &invalid) && invalid.Field == "name" {
			in.Name = fmt.Sprintf("قارئ %d", i) // a name the rules refuse: the text still goes in
			c, err = s.Svc.Comments.Create(ctx, in)
		}
		if err != nil {
			if isXSS[payload] {
				t.Errorf("XSS payload %q was refused (%v): it must be stored and shown inert", payload, err)
			}
			continue // blank after trimming, say
		}
		ids = append(ids, c.ID)
		if isXSS[payload] {
			landedXSS++
		}
	}
	if landedXSS != len(xss) {
		t.Fatalf("%d of %d XSS payloads stored", landedXSS, len(xss))
	}
	res, err := s.Svc.Comments.Moderate(ctx, comments.ActApprove, ids...)
	if err != nil || len(res.Missing) > 0 {
		t.Fatalf("approve: %+v %v", res, err)
	}
	t.Logf("%d strings posted and approved, %d of them XSS payloads", len(ids), landedXSS)

	b := testenv.NewBrowser(t, 120*time.Second)
	var mu sync.Mutex
	var dialogs, errs, requests []string
	err = chromedp.Listen(b, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			dialogs = append(dialogs, string(ev.Type)+": "+ev.Message)
			go func() {
				_, _ = chromedp.Call(b, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		case *cdpruntime.EventExceptionThrown:
			errs = append(errs, "exception: "+ev.ExceptionDetails.Text)
		case *cdpruntime.EventConsoleAPICalled:
			errs = append(errs, "console."+string(ev.Type)) // the theme has no script: any console call is a payload's
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				errs = append(errs, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// A canary: any script that runs in the page and calls these is counted,
	// whatever a dialog would do.
	canary := `window.__xss = 0; for (const f of ["alert", "confirm", "prompt", "print", "eval"]) {
		const orig = window[f]; window[f] = function () { window.__xss++; return orig.apply(this, arguments); }; }`
	article := s.URL + "/" + url.PathEscape(s.Sample) + "/"
	if _, err := chromedp.Call(b, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: canary}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b,
		chromedp.Navigate(article),
		chromedp.WaitVisible(`#comments`),
	); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // timers and lazy handlers a payload may have set
	// Scroll through every comment, so that anything waiting for view fires.
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(async () => {
		for (const c of document.querySelectorAll(".comment")) { c.scrollIntoView(); }
		await new Promise(r => setTimeout(r, 500)); return true; })()`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	type report struct {
		Comments, Handlers, Active, BadURLs, Styles int
		Fired                                       int
		Examples                                    []string
	}
	r, err := chromedp.Run(b, chromedp.Evaluate[report](`(() => {
		const out = {Comments: 0, Handlers: 0, Active: 0, BadURLs: 0, Styles: 0, Fired: window.__xss, Examples: []};
		const note = (kind, el) => { if (out.Examples.length < 10) out.Examples.push(kind + ": " + el.outerHTML.slice(0, 200)); };
		out.Comments = document.querySelectorAll("#comments li.comment").length;
		const active = new Set(["SCRIPT", "IFRAME", "FRAME", "OBJECT", "EMBED", "APPLET", "SVG", "MATH", "STYLE", "LINK", "META",
			"BASE", "FORM", "INPUT", "BUTTON", "TEXTAREA", "SELECT", "VIDEO", "AUDIO", "SOURCE", "IMG", "IMAGE", "TEMPLATE", "XML", "BGSOUND", "MARQUEE"]);
		for (const el of document.querySelectorAll("#comments .comment__body, #comments .comment__body *")) {
			for (const a of el.attributes) {
				const n = a.name.toLowerCase(), v = a.value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
				if (n.startsWith("on")) { out.Handlers++; note("handler", el); }
				if (n === "style") { out.Styles++; note("style", el); }
				if (["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"].includes(n) &&
					!(v.startsWith("http://") || v.startsWith("https://") || v.startsWith("mailto:") || v.startsWith("#") || v.startsWith("/"))) {
					out.BadURLs++; note("url", el);
				}
			}
			if (active.has(el.tagName.toUpperCase())) { out.Active++; note("element", el); }
		}
		return out; })()`))
	if err != nil {
		t.Fatal(err)
	}
	testenv.SaveScreenshot(t, b, "comments-xss.png")
	mu.Lock()
	defer mu.Unlock()
	if r.Comments != len(ids) {
		t.Errorf("%d comments on the page, want %d", r.Comments, len(ids))
	}
	if r.Handlers+r.Active+r.BadURLs+r.Styles+r.Fired > 0 {
		t.Errorf("live markup in the comments: %d handlers, %d active elements, %d script URLs, %d styles, %d calls caught; e.g.\n%s",
			r.Handlers, r.Active, r.BadURLs, r.Styles, r.Fired, strings.Join(r.Examples, "\n"))
	}
	if len(dialogs) > 0 {
		t.Errorf("dialogs opened: %v", dialogs)
	}
	for _, e := range errs {
		t.Errorf("page error (markup got past the sanitizer): %s", e)
	}
	for _, u := range requests {
		if pu, err := url.Parse(u); err != nil || (pu.Host != strings.TrimPrefix(s.URL, "http://") && pu.Scheme != "data") {
			t.Errorf("request to another host: %s", u)
		}
	}
}
