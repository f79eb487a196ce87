package search

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxTextBytes bounds the plain text taken from one post's HTML (bodies are
// at most 2 MB of Markdown; the index keeps maxBodyTerms terms anyway).
const maxTextBytes = 1 << 20

// htmlText returns the text of a post's rendered body: the text of every
// element, entities decoded, with a line break where a block ends (a
// paragraph, a heading, a list item) and nothing where an inline element
// ends, so that a word split by <strong> stays one word. Scripts and styles
// (never in rendered posts) contribute nothing.
func htmlText(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), maxTextBytes))
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for b.Len() < maxTextBytes {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case !inlineElement(a):
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// inlineElement reports elements that flow inside a line of text.
func inlineElement(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo, atom.Cite, atom.Code, atom.Del, atom.Dfn, atom.Em,
		atom.I, atom.Ins, atom.Kbd, atom.Mark, atom.Q, atom.S, atom.Samp, atom.Small, atom.Span,
		atom.Strong, atom.Sub, atom.Sup, atom.Time, atom.U, atom.Var, atom.Wbr:
		return true
	}
	return false
}
