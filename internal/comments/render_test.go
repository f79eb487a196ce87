package comments_test

import (
	"html"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode"

	xhtml "golang.org/x/net/html"

	"nashra.dev/nashra/internal/comments"
)

// allowedAttrs is everything rendered comments may contain: elements and,
// for each, its attributes.
var allowedAttrs = map[string]map[string]bool{
	"p": {"dir": true}, "br": {}, "em": {}, "strong": {}, "code": {"class": true}, "pre": {},
	"blockquote": {}, "ul": {}, "ol": {"start": true}, "li": {"dir": true}, "bdi": {},
	"a": {"href": true, "title": true, "rel": true},
}

// unsafeHTML returns why h is not safe comment HTML, or "". It parses h as
// a browser would and checks every tag and attribute against the
// allow-list; links must be http, https or mailto once entities are
// decoded and the blanks browsers ignore are removed.
func unsafeHTML(h string) string {
	lower := strings.ToLower(h)
	for _, bad := range []string{"<script", "<img", "<svg", "<iframe", "<style", "<object", "<embed", "<form", "<input", "<math", "<h1", "<h2"} {
		if strings.Contains(lower, bad) {
			return "contains " + bad
		}
	}
	z := xhtml.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if z.Err() == io.EOF {
				return ""
			}
			return z.Err().Error()
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken && tt != xhtml.EndTagToken {
			if tt == xhtml.CommentToken || tt == xhtml.DoctypeToken {
				return "a comment or doctype survived"
			}
			continue
		}
		tok := z.Token()
		attrs, ok := allowedAttrs[tok.Data]
		if !ok {
			return "element <" + tok.Data + ">"
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") || !attrs[a.Key] {
				return "attribute " + a.Key + " on <" + tok.Data + ">"
			}
			v := strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) || unicode.IsControl(r) {
					return -1
				}
				return r
			}, strings.ToLower(html.UnescapeString(a.Val)))
			for _, bad := range []string{"javascript:", "vbscript:", "data:", "livescript:"} {
				if strings.Contains(v, bad) {
					return a.Key + "=" + a.Val
				}
			}
			if a.Key == "href" {
				u, err := url.Parse(a.Val)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
					return "href " + a.Val
				}
			}
		}
		if tok.Data == "a" && tt == xhtml.StartTagToken {
			rel := ""
			for _, a := range tok.Attr {
				if a.Key == "rel" {
					rel = a.Val
				}
			}
			if !strings.Contains(rel, "nofollow") {
				return "a link without rel=nofollow"
			}
		}
	}
}

func TestRenderXSS(t *testing.T) {
	r := comments.NewRenderer()
	payloads := []string{
		`<script>alert(1)</script>`,
		`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
		`<img src=x onerror=alert(1)>`,
		`<svg onload=alert(1)>`,
		`<svg><script>alert(1)</script></svg>`,
		`<iframe src="javascript:alert(1)"></iframe>`,
		`<a href="javascript:alert(1)">x</a>`,
		`[x](javascript:alert(1))`,
		`[x](JaVaScRiPt:alert(1))`,
		`[x](javascript&#58;alert(1))`,
		`[x](javascript&#x3A;alert(1))`,
		`[x](&#106;avascript:alert(1))`,
		"[x](java\tscript:alert(1))",
		`[x](<javascript:alert(1)>)`,
		`[x]( javascript:alert(1))`,
		`[x](vbscript:msgbox(1))`,
		`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		`[x](data:image/png;base64,iVBORw0KGgo=)`,
		`![x](javascript:alert(1))`,
		`![x](https://evil.example/track.gif)`,
		`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
		`<javascript:alert(1)>`,
		`[x]: javascript:alert(1)` + "\n\n[x]",
		`[x](https://ok.example "title\" onmouseover=\"alert(1)")`,
		`<a href="https://ok.example" onclick="alert(1)">x</a>`,
		`<p style="background:url(javascript:alert(1))">x</p>`,
		`<div onmouseover="alert(1)">hover</div>`,
		`<details open ontoggle=alert(1)>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<!--<img src=x onerror=alert(1)>-->`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		"```\n<script>alert(1)</script>\n```",
		"`<img src=x onerror=alert(1)>`",
		`<form action="javascript:alert(1)"><input type=submit>`,
		`[<img src=x onerror=alert(1)>](https://ok.example)`,
		`<a href="&#x6A;avascript:alert(1)">x</a>`,
		`<base href="javascript:/">`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		"<style>body{background:red}</style>",
		`<object data="javascript:alert(1)">`,
		`[x](//evil.example)`,
		"# heading\n\n## two\n\nsetext\n===",
	}
	for _, p := range payloads {
		out := string(r.Render(p))
		if why := unsafeHTML(out); why != "" {
			t.Errorf("Render(%q) = %q: %s", p, out, why)
		}
	}
}

func TestRenderSubset(t *testing.T) {
	r := comments.NewRenderer()
	for _, c := range []struct{ in, want, not string }{
		{"*em* **strong** `code`", "<em>em</em> <strong>strong</strong> <code>code</code>", ""},
		{"one\ntwo", "one<br>", ""},
		{"> quoted", "<blockquote>", ""},
		{"- a\n- b", "<li dir=\"auto\">a</li>", ""},
		{"3. c\n4. d", `<ol start="3">`, ""},
		{"```go\nfmt.Println(1)\n```", `<pre><code class="language-go">fmt.Println(1)`, ""},
		{"[site](https://example.org/a?b=1&c=2)", `<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">site</a>`, ""},
		{"see https://example.org/x now", `<a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>`, ""},
		{"write to <me@example.org>", `href="mailto:me@example.org"`, ""},
		{"# not a heading", "<p dir=\"auto\"># not a heading</p>", "<h1"},
		{"title\n===", "title<br>\n===", "<h1"},
		{"<b>bold?</b>", "&lt;b&gt;bold?&lt;/b&gt;", "<b>"},
		{"![alt text](https://example.org/i.png)", `<a href="https://example.org/i.png" rel="nofollow ugc noopener">alt text</a>`, "<img"},
		{"---", "---", "<hr"},
		{"[x](ftp://example.org/f)", "x", "ftp:"},
		{"[x](javascript:alert(1))", `<p dir="auto">x</p>`, "<a"},
		{"<javascript:alert(1)>", "javascript:alert(1)", "<a"},
		{"قالت NBC News إن", "<bdi>NBC News</bdi>", ""},
	} {
		out := string(r.Render(c.in))
		if !strings.Contains(out, c.want) || (c.not != "" && strings.Contains(out, c.not)) {
			t.Errorf("Render(%q) = %q; want it to contain %q and not %q", c.in, out, c.want, c.not)
		}
		if why := unsafeHTML(out); why != "" {
			t.Errorf("Render(%q) = %q: %s", c.in, out, why)
		}
	}
}

// FuzzRender: no input makes Render panic or emit anything outside the
// allow-list (scripts, event handlers, javascript: or data: links).
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"", "plain", "**b** _i_ `c`", "[x](javascript:alert(1))", "<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>", "![a](data:image/png;base64,AAAA)", "> q\n> - l\n\n```\ncode\n```",
		"https://example.org www.example.org", "[x](javascript&#58;alert(1))", "<svg onload=alert(1)>",
		"مرحبا **بالعالم** NBC", "[a]: <javascript:x>\n[a]", "\x00\xff<a href=x>",
	} {
		f.Add(s)
	}
	r := comments.NewRenderer()
	f.Fuzz(func(t *testing.T, s string) {
		out := string(r.Render(s))
		if why := unsafeHTML(out); why != "" {
			t.Fatalf("Render(%q) = %q: %s", s, out, why)
		}
	})
}

// The checker above must itself catch what it is for, or the tests that
// rely on it prove nothing.
func TestUnsafeHTMLCatches(t *testing.T) {
	for _, h := range []string{
		`<script>x</script>`, `<a href="javascript:x" rel="nofollow">x</a>`, `<a href="jav&#x09;ascript:x" rel="nofollow">x</a>`,
		`<p onclick="x">x</p>`, `<img src=x>`, `<a href="https://x.example">no rel</a>`, `<a href="data:text/html,x" rel="nofollow">x</a>`,
		`<p style="x">x</p>`, `<div>x</div>`, `<a href="/relative" rel="nofollow">x</a>`,
	} {
		if unsafeHTML(h) == "" {
			t.Errorf("unsafeHTML(%q) passed it", h)
		}
	}
	if why := unsafeHTML(`<p dir="auto">ok <a href="https://x.example" rel="nofollow ugc noopener">x</a></p>`); why != "" {
		t.Errorf("a safe fragment was refused: %s", why)
	}
}
