package newsletter

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Mail clients ignore or strip style sheets unevenly (Gmail drops <style>
// in some views, Outlook keeps only inline styles): every element of a
// post's body gets its look in a style attribute instead.
var inlineStyles = map[atom.Atom]string{
	atom.P:          "margin:0 0 16px;",
	atom.H1:         "font-size:24px;line-height:1.4;margin:28px 0 12px;",
	atom.H2:         "font-size:22px;line-height:1.4;margin:28px 0 12px;",
	atom.H3:         "font-size:19px;line-height:1.4;margin:24px 0 10px;",
	atom.H4:         "font-size:17px;line-height:1.4;margin:20px 0 8px;",
	atom.A:          "color:#0b57d0;text-decoration:underline;",
	atom.Img:        "display:block;max-width:100%;height:auto;border:0;margin:16px 0;",
	atom.Figure:     "margin:16px 0;",
	atom.Figcaption: "font-size:14px;color:#666666;margin:6px 0 0;",
	atom.Ul:         "margin:0 0 16px;padding:0 24px;",
	atom.Ol:         "margin:0 0 16px;padding:0 24px;",
	atom.Li:         "margin:0 0 6px;",
	atom.Pre:        "white-space:pre-wrap;direction:ltr;text-align:left;font-family:Menlo,Consolas,monospace;font-size:14px;background:#f5f5f5;padding:12px;margin:0 0 16px;",
	atom.Code:       "font-family:Menlo,Consolas,monospace;font-size:14px;",
	atom.Table:      "border-collapse:collapse;margin:0 0 16px;",
	atom.Td:         "border:1px solid #dddddd;padding:6px;",
	atom.Th:         "border:1px solid #dddddd;padding:6px;",
	atom.Hr:         "border:0;border-top:1px solid #dddddd;margin:24px 0;",
}

// dropped elements go with everything inside them: nothing a mail client
// would run or show usefully.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Form: true, atom.Noscript: true, atom.Template: true, atom.Video: true, atom.Audio: true,
}

// emailHTML rewrites a post's body for mail: inline styles, absolute links
// and image addresses (base is the site's address), no responsive-image or
// script attributes. dir picks the side of quotations' rule.
func emailHTML(body, base, dir string) string {
	quote := "margin:16px 0;padding:4px 16px;color:#444444;border-left:4px solid #dddddd;"
	if dir == "rtl" {
		quote = "margin:16px 0;padding:4px 16px;color:#444444;border-right:4px solid #dddddd;"
	}
	var b bytes.Buffer
	z := html.NewTokenizer(strings.NewReader(body))
	skip := 0 // depth inside a dropped element
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.CommentToken, html.DoctypeToken:
			continue
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Raw())
			}
			continue
		}
		tok := z.Token()
		if dropped[tok.DataAtom] {
			if tt == html.StartTagToken {
				skip++
			} else if tt == html.EndTagToken && skip > 0 {
				skip--
			}
			continue
		}
		if skip > 0 {
			continue
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			style := inlineStyles[tok.DataAtom]
			if tok.DataAtom == atom.Blockquote {
				style = quote
			}
			attrs := tok.Attr[:0]
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "class", k == "id", k == "srcset", k == "sizes",
					k == "loading", k == "decoding", k == "contenteditable":
					continue
				case k == "style":
					style += a.Val
					continue
				case k == "href" || k == "src":
					a.Val = absolute(a.Val, base)
				}
				attrs = append(attrs, a)
			}
			if style != "" {
				attrs = append(attrs, html.Attribute{Key: "style", Val: style})
			}
			tok.Attr = attrs
		}
		b.WriteString(tok.String())
	}
}

// absolute makes a site path a full address: "/x" → BASE/x, "//h/x" → https://h/x.
func absolute(u, base string) string {
	u = strings.TrimSpace(u)
	switch {
	case strings.HasPrefix(u, "//"):
		return "https:" + u
	case strings.HasPrefix(u, "/"):
		return base + u
	}
	return u
}

// blockBreaks is how many line breaks an element stands for in plain text:
// 2 a paragraph, 1 a line.
var blockBreaks = map[atom.Atom]int{
	atom.P: 2, atom.Div: 1, atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2,
	atom.Blockquote: 2, atom.Figure: 2, atom.Figcaption: 1, atom.Pre: 2, atom.Ul: 2, atom.Ol: 2,
	atom.Table: 2, atom.Tr: 1, atom.Br: 1, atom.Hr: 2, atom.Section: 2, atom.Article: 2, atom.Header: 2,
	atom.Footer: 2, atom.Aside: 2,
}

// plainText turns a post's body into readable text: paragraphs apart,
// list items marked, links followed by their address (base resolves site
// paths), whitespace collapsed except in <pre>.
func plainText(body, base string) string {
	var t textWriter
	z := html.NewTokenizer(strings.NewReader(body))
	var hrefs []string
	skip, pre := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return t.String()
		}
		tok := z.Token()
		if dropped[tok.DataAtom] {
			if tt == html.StartTagToken {
				skip++
			} else if tt == html.EndTagToken && skip > 0 {
				skip--
			}
			continue
		}
		if skip > 0 {
			continue
		}
		switch tt {
		case html.TextToken:
			if pre > 0 {
				t.raw(tok.Data)
			} else {
				t.words(tok.Data)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t.brk(blockBreaks[tok.DataAtom])
			switch tok.DataAtom {
			case atom.Pre:
				pre++
			case atom.Li:
				t.brk(1)
				t.raw("• ")
			case atom.A:
				hrefs = append(hrefs, absolute(attr(tok, "href"), base))
			case atom.Img:
				if alt := attr(tok, "alt"); alt != "" {
					t.words("[" + alt + "]")
				}
			case atom.Td, atom.Th:
				t.words(" ")
			}
			if tt == html.SelfClosingTagToken && tok.DataAtom == atom.A {
				hrefs = hrefs[:len(hrefs)-1]
			}
		case html.EndTagToken:
			switch tok.DataAtom {
			case atom.Pre:
				pre = max(pre-1, 0)
			case atom.A:
				if n := len(hrefs); n > 0 {
					if h := hrefs[n-1]; strings.HasPrefix(h, "http") && !strings.HasSuffix(t.b.String(), h) {
						t.raw(" <" + h + ">")
					}
					hrefs = hrefs[:n-1]
				}
			}
			t.brk(blockBreaks[tok.DataAtom])
		}
	}
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textWriter collects text with pending breaks: a break is written only
// before the next text, so that nothing ends or begins with blank lines.
type textWriter struct {
	b     strings.Builder
	pend  int
	space bool // a space is due before the next word
}

func (t *textWriter) brk(n int) { t.pend = max(t.pend, n) }

func (t *textWriter) flush() {
	if t.b.Len() > 0 && t.pend > 0 {
		t.b.WriteString(strings.Repeat("\n", t.pend))
		t.space = false
	}
	if t.pend > 0 || t.b.Len() == 0 {
		t.space = false
	}
	t.pend = 0
}

func (t *textWriter) words(s string) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		if s != "" && t.b.Len() > 0 {
			t.space = true
		}
		return
	}
	lead := s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r'
	t.flush()
	if (lead || t.space) && t.b.Len() > 0 && !strings.HasSuffix(t.b.String(), "\n") && !strings.HasSuffix(t.b.String(), " ") {
		t.b.WriteByte(' ')
	}
	t.b.WriteString(strings.Join(fields, " "))
	last := s[len(s)-1]
	t.space = last == ' ' || last == '\n' || last == '\t' || last == '\r'
}

func (t *textWriter) raw(s string) {
	if s == "" {
		return
	}
	t.flush()
	t.b.WriteString(s)
	t.space = false
}

func (t *textWriter) String() string { return strings.TrimSpace(t.b.String()) }
