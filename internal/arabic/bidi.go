package arabic

import (
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Why isolate: in a right-to-left paragraph, a left-to-right run such as
// "NBC News" is laid out as one unit, but the neutral characters around it
// (spaces, commas, quotes, brackets) take the direction of their
// neighbours, so "(NBC News)،" can come out with its brackets and comma on
// the wrong side. Wrapping each Latin run in <bdi> makes it an isolate: the
// run keeps its own order inside, and the surrounding text treats it as one
// neutral character.
//
// A Latin run starts at a letter of the Latin script and extends over Latin
// letters, combining marks and ASCII digits; the joiners below also belong
// to it, but only when a Latin letter, mark or digit follows them inside the
// run, so trailing punctuation and spaces stay outside the isolate, where
// the paragraph direction places them. Digits alone ("18 مارس", "2022") are
// never wrapped: digits are weak and already render correctly.

// runeClass is the role a rune plays in finding Latin runs.
type runeClass uint8

const (
	classOther  runeClass = iota // ends a run
	classStart                   // a Latin letter: starts or continues a run
	classCore                    // a combining mark or ASCII digit: continues a run
	classJoiner                  // belongs to a run only when core follows it
)

func classify(r rune) runeClass {
	switch {
	case r < 0:
		return classOther
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		return classStart
	case '0' <= r && r <= '9':
		return classCore
	}
	switch r {
	case ' ', '.', ',', '\'', '\u2019', '-', '&', ':', '/', '_', '@', '+', '#',
		// Other spaces too: Markdown renders a soft line break inside a
		// name as "\n", and a split run would be drawn in reverse order.
		'\t', '\n', '\r', '\u00A0', '\u202F':
		return classJoiner
	}
	if r < utf8.RuneSelf {
		return classOther
	}
	if unicode.IsLetter(r) && unicode.Is(unicode.Latin, r) {
		return classStart
	}
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return classCore
	}
	return classOther
}

// unitFunc decodes the unit of text at s[i:]: usually one rune, but a
// character reference in HTML is one unit, so that no tag is ever inserted
// inside it. r < 0 means the unit ends any run.
type unitFunc func(s string, i int) (r rune, size int)

// nextRune decodes one rune; an invalid byte decodes as U+FFFD, a symbol,
// which ends any run.
func nextRune(s string, i int) (rune, int) {
	return utf8.DecodeRuneInString(s[i:])
}

// latinRuns calls emit with the byte range of every Latin run in s, in
// order. It is linear in len(s).
func latinRuns(s string, next unitFunc, emit func(start, end int)) {
	for i := 0; i < len(s); {
		r, size := next(s, i)
		if classify(r) != classStart {
			i += size
			continue
		}
		start, end := i, i+size
		for j := end; j < len(s); {
			r, size := next(s, j)
			c := classify(r)
			if c == classOther {
				break
			}
			j += size
			if c != classJoiner {
				end = j
			}
		}
		emit(start, end)
		i = end
	}
}

// hasRTL reports whether s contains a letter of a right-to-left script.
// Text without one needs no isolation: it is laid out left to right.
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x0590 && isRTLLetter(r) {
			return true
		}
	}
	return false
}

func isRTLLetter(r rune) bool {
	return unicode.IsLetter(r) && unicode.In(r,
		unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana,
		unicode.Nko, unicode.Samaritan, unicode.Mandaic, unicode.Adlam,
		unicode.Hanifi_Rohingya, unicode.Yezidi)
}

// IsolateText HTML-escapes plain text s for an RTL page, wrapping every
// Latin run in <bdi>…</bdi> (see the rules above): "قالت NBC News، إن"
// becomes "قالت <bdi>NBC News</bdi>، إن". Text with no right-to-left letter
// is only escaped. Escaping matches html/template (&amp; &lt; &gt; &#34;
// &#39;), and NUL and invalid UTF-8 bytes become U+FFFD, so the result is
// always safe to place in element content.
func IsolateText(s string) template.HTML {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	if !hasRTL(s) {
		escapeText(&b, s)
		return template.HTML(b.String())
	}
	last := 0
	latinRuns(s, nextRune, func(start, end int) {
		escapeText(&b, s[last:start])
		b.WriteString("<bdi>")
		escapeText(&b, s[start:end])
		b.WriteString("</bdi>")
		last = end
	})
	escapeText(&b, s[last:])
	return template.HTML(b.String())
}

// escapeText writes s to b escaped for HTML element content and attribute
// values alike.
func escapeText(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '&':
				b.WriteString("&amp;")
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			case '"':
				b.WriteString("&#34;")
			case '\'':
				b.WriteString("&#39;")
			case 0:
				b.WriteRune(utf8.RuneError)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}
