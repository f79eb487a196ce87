package translate

import (
	"html"
	"strings"
)

// span is a stretch of an input: text to translate, or markup to keep.
type span struct {
	start, end int
	markup     bool
	tag        string // for markup: lower-case tag name, "/p" for an end tag, "" for comments and doctypes
}

// textSpans cuts s into spans. Plain text is one text span. HTML is cut
// into tags, comments and the raw content of script and style (markup), and
// the text between them. It is a scanner, not a parser: it never fails, and
// a "<" that does not start a tag is text, as browsers read it.
func textSpans(s string, format Format) []span {
	if format != FormatHTML {
		if s == "" {
			return nil
		}
		return []span{{start: 0, end: len(s)}}
	}
	var out []span
	text := 0
	flush := func(end int) {
		if end > text {
			out = append(out, span{start: text, end: end})
		}
	}
	for i := 0; i < len(s); {
		if s[i] != '<' {
			i++
			continue
		}
		end, name := scanTag(s, i)
		if end < 0 {
			i++
			continue
		}
		flush(i)
		if name == "script" || name == "style" {
			if close := indexFold(s[end:], "</"+name); close >= 0 {
				end += close
			} else {
				end = len(s)
			}
			// The raw content and the tag that opened it are one markup span;
			// the end tag is scanned on the next round.
		}
		out = append(out, span{start: i, end: end, markup: true, tag: name})
		i, text = end, end
	}
	flush(len(s))
	return out
}

// scanTag reads the tag, comment or declaration starting at s[i] == '<'. It
// returns the index just past it (the end of s for a tag never closed) and
// the tag's name ("/p" for an end tag), or -1 when s[i] does not start one.
func scanTag(s string, i int) (end int, name string) {
	rest := s[i+1:]
	switch {
	case strings.HasPrefix(rest, "!--"):
		if j := strings.Index(rest[3:], "-->"); j >= 0 {
			return i + 1 + 3 + j + 3, ""
		}
		return len(s), ""
	case strings.HasPrefix(rest, "!"), strings.HasPrefix(rest, "?"):
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			return i + 1 + j + 1, ""
		}
		return len(s), ""
	}
	j := 0
	if strings.HasPrefix(rest, "/") {
		j = 1
	}
	n := j
	for n < len(rest) && isTagNameByte(rest[n]) {
		n++
	}
	if n == j || !isASCIILetters(rest[j:j+1]) {
		return -1, ""
	}
	name = strings.ToLower(rest[:n])
	// Find the closing '>' outside quoted attribute values.
	var quote byte
	for k := n; k < len(rest); k++ {
		c := rest[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1 + k + 1, name
		}
	}
	// A tag left open runs to the end, as in a browser (which drops it).
	// Taking it whole also keeps the scan linear on broken input.
	return len(s), name
}

func isTagNameByte(c byte) bool {
	return c == '-' || c == ':' || ('0' <= c && c <= '9') || ('a' <= c|0x20 && c|0x20 <= 'z')
}

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// visibleText is the text of s as a reader sees it: markup dropped and
// character references decoded for HTML; s itself for plain text. The
// checks of numbers, quotes and brackets read this.
func visibleText(s string, format Format) string {
	if format != FormatHTML {
		return s
	}
	var b strings.Builder
	for _, sp := range textSpans(s, format) {
		if sp.markup {
			b.WriteByte(' ')
			continue
		}
		b.WriteString(html.UnescapeString(s[sp.start:sp.end]))
	}
	return b.String()
}

// markupSignature lists the element tags of s in order ("p", "b", "/b",
// "/p"), attributes and comments left out, self-closing slashes dropped.
// Providers re-serialise HTML ("<br/>" for "<br>", attribute quotes), so
// the names and their order are what must survive translation.
func markupSignature(s string) []string {
	var sig []string
	for _, sp := range textSpans(s, FormatHTML) {
		if sp.markup && sp.tag != "" {
			sig = append(sig, sp.tag)
		}
	}
	return sig
}

// blockEnd reports whether a tag ends a paragraph-level block: the places
// HTML text is cut into segments.
func blockEnd(tag string) bool {
	switch strings.TrimPrefix(tag, "/") {
	case "br", "hr":
		return true
	}
	if !strings.HasPrefix(tag, "/") {
		return false
	}
	switch tag[1:] {
	case "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div",
		"figure", "figcaption", "ul", "ol", "table", "tr", "pre", "section", "article", "aside", "dd", "dt":
		return true
	}
	return false
}
