package arabic

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// IsolateHTML wraps the Latin runs in the text of a trusted, already
// sanitized HTML fragment (a Markdown renderer's output) in <bdi>…</bdi>,
// by the rules of IsolateText.
//
// It walks the fragment with the golang.org/x/net/html tokenizer and only
// inserts tags: every byte of the input is kept, in order, so removing the
// inserted "<bdi>" and "</bdi>" gives the input back exactly. Character
// references (&amp;, &#x41;, &nbsp;…) are read for what they stand for but
// copied as written, and no tag is ever inserted inside one. A fragment
// with no right-to-left letter is returned unchanged.
//
// Attributes are never touched, and text is left alone inside code, pre,
// kbd, samp, script, style, bdi and bdo, inside any element with a dir
// attribute (its author chose the direction), and inside elements whose
// content is not rendered as ordinary HTML text (textarea, title, template,
// svg, math and the other raw-text elements).
//
// Runs do not cross tags: in "<b>NBC</b> News" the two words are isolated
// separately. Unclosed elements are tracked only as far as the tokenizer
// sees them; the input is expected to be well-formed renderer output.
func IsolateHTML(h string) string {
	if !hasRTL(h) {
		return h
	}
	var b strings.Builder
	b.Grow(len(h) + len(h)/8)
	z := html.NewTokenizer(strings.NewReader(h))
	var open []openElement
	pos := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		// Raw tokens partition the input, so the token is h[pos:pos+n];
		// slicing h rather than keeping Raw() matters because TagName
		// lowercases the tokenizer's buffer in place.
		n := len(z.Raw())
		if pos+n > len(h) {
			break
		}
		raw := h[pos : pos+n]
		pos += n
		skipping := len(open) > 0 && open[len(open)-1].skip
		switch tt {
		case html.TextToken:
			if skipping {
				b.WriteString(raw)
			} else {
				isolateRaw(&b, raw)
			}
		case html.StartTagToken:
			b.WriteString(raw)
			name, hasAttr := z.TagName()
			if isVoidElement(string(name)) {
				continue
			}
			skip := skipping || isSkipElement(string(name)) || (hasAttr && hasDirAttr(z))
			open = append(open, openElement{name: string(name), skip: skip})
		case html.EndTagToken:
			b.WriteString(raw)
			name, _ := z.TagName()
			open = closeElement(open, string(name))
		default: // self-closing tags, comments, doctypes
			b.WriteString(raw)
		}
	}
	// An unfinished tag at the end ("<a href") ends tokenizing early.
	b.WriteString(h[pos:])
	return b.String()
}

// openElement is an element whose end tag has not been seen yet. skip is
// set when its text, and that of everything inside it, is left alone.
type openElement struct {
	name string
	skip bool
}

// maxCloseSearch bounds how far down the open elements an end tag looks
// for its start tag, keeping hostile input (thousands of unclosed tags and
// stray end tags) linear.
const maxCloseSearch = 64

// closeElement pops the innermost open element called name and everything
// opened inside it. A stray end tag changes nothing.
func closeElement(open []openElement, name string) []openElement {
	for i := len(open) - 1; i >= 0 && i >= len(open)-maxCloseSearch; i-- {
		if open[i].name == name {
			return open[:i]
		}
	}
	return open
}

func hasDirAttr(z *html.Tokenizer) bool {
	for {
		key, _, more := z.TagAttr()
		if string(key) == "dir" {
			return true
		}
		if !more {
			return false
		}
	}
}

// isSkipElement reports whether text inside the element must not be
// isolated: its direction is already decided, it is code, or it is not
// rendered as ordinary HTML text.
func isSkipElement(name string) bool {
	switch name {
	case "code", "pre", "kbd", "samp", "script", "style", "bdi", "bdo",
		"textarea", "title", "template", "svg", "math",
		"xmp", "iframe", "noembed", "noframes", "noscript", "plaintext":
		return true
	}
	return false
}

func isVoidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
		"link", "meta", "param", "source", "track", "wbr":
		return true
	}
	return false
}

// isolateRaw writes raw HTML text to b with its Latin runs wrapped.
func isolateRaw(b *strings.Builder, raw string) {
	last := 0
	latinRuns(raw, nextHTMLUnit, func(start, end int) {
		b.WriteString(raw[last:start])
		b.WriteString("<bdi>")
		b.WriteString(raw[start:end])
		b.WriteString("</bdi>")
		last = end
	})
	b.WriteString(raw[last:])
}

// nextHTMLUnit decodes the unit at s[i:] of raw HTML text: a character
// reference that stands for one character counts as that character, one
// that stands for more (or a legacy reference swallowing the letters after
// it, as in "&ampx") is one unit that ends any run, and a '&' that starts
// no reference is a plain '&'.
func nextHTMLUnit(s string, i int) (rune, int) {
	if s[i] != '&' {
		return utf8.DecodeRuneInString(s[i:])
	}
	j := i + 1
	for j < len(s) && isRefByte(s[j]) {
		j++
	}
	if j < len(s) && s[j] == ';' {
		j++
	}
	ref := s[i:j]
	decoded := html.UnescapeString(ref)
	if decoded == ref {
		return '&', 1
	}
	if r, size := utf8.DecodeRuneInString(decoded); size == len(decoded) && r != utf8.RuneError {
		return r, len(ref)
	}
	return -1, len(ref)
}

func isRefByte(c byte) bool {
	return c == '#' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
