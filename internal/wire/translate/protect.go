package translate

import (
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Placeholders stand in, in the text sent to a provider, for what must come
// back unchanged: glossary names (which come back as their target), numbers,
// quotation marks and square brackets. They read ⟦1⟧, ⟦2⟧…: short,
// language-neutral tokens that translation engines copy rather than
// translate. Reading them back is lenient about what engines do to tokens:
// spaces inside, Arabic-Indic digits (⟦١⟧).
//
// A quotation mark or bracket is protected by itself, not with its
// content: “…” and […] keep their marks while the words inside are
// translated. (Engines otherwise tend to leave a bracketed "[Russian]" in
// English in an Arabic sentence, as in the sample article.)
const (
	phOpen  = "⟦"
	phClose = "⟧"
)

// token kinds
const (
	tokEscape  = iota // a literal ⟦ or ⟧ of the source
	tokTerm           // a glossary source term, restored as its target
	tokNumber         // 2022, 500,000, 3.5, 18/03
	tokQuote          // “ ” " « » ‘ ’ ' used as quotation marks
	tokBracket        // [ or ]
)

type token struct {
	kind    int
	orig    string // the source text it replaced
	restore string // what comes back in its place
}

// protected is a text with placeholders and the table to restore them.
type protected struct {
	text   string
	tokens []token // tokens[n-1] is ⟦n⟧
}

// protect replaces, in the text parts of s (never inside HTML tags or
// character references), glossary terms (unless nativeGlossary: the
// provider applies the glossary itself), numbers, quotation marks and
// square brackets with placeholders. In HTML a glossary target is restored
// HTML-escaped.
func protect(s string, format Format, g Glossary, nativeGlossary bool) protected {
	var p protected
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	if nativeGlossary {
		g = nil
	} else {
		g = g.bySourceLength()
	}
	add := func(t token) {
		p.tokens = append(p.tokens, t)
		b.WriteString(phOpen)
		b.WriteString(strconv.Itoa(len(p.tokens)))
		b.WriteString(phClose)
	}
	for _, sp := range textSpans(s, format) {
		if sp.markup {
			// Markup is sent as is, except that a ⟦ or ⟧ in it (an attribute
			// value, say) is escaped too, so that every ⟦ the engine sees is
			// a placeholder.
			m := s[sp.start:sp.end]
			for i := 0; i < len(m); {
				r, size := utf8.DecodeRuneInString(m[i:])
				if r == '⟦' || r == '⟧' {
					add(token{kind: tokEscape, orig: m[i : i+size], restore: m[i : i+size]})
				} else {
					b.WriteString(m[i : i+size])
				}
				i += size
			}
			continue
		}
		text := s[sp.start:sp.end]
		for i := 0; i < len(text); {
			if format == FormatHTML && text[i] == '&' {
				if n := entityLen(text[i:]); n > 0 {
					b.WriteString(text[i : i+n])
					i += n
					continue
				}
			}
			if t, ok := g.matchAt(text, i); ok && len(t.Source) > 0 {
				restore := t.Target
				if format == FormatHTML {
					restore = html.EscapeString(restore)
				}
				add(token{kind: tokTerm, orig: text[i : i+len(t.Source)], restore: restore})
				i += len(t.Source)
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			switch {
			case r == '⟦' || r == '⟧':
				add(token{kind: tokEscape, orig: text[i : i+size], restore: text[i : i+size]})
			case digitValue(r) >= 0:
				n := numberLen(text[i:])
				add(token{kind: tokNumber, orig: text[i : i+n], restore: text[i : i+n]})
				size = n
			case isQuoteMark(text, i, r, size):
				add(token{kind: tokQuote, orig: text[i : i+size], restore: text[i : i+size]})
			case r == '[' || r == ']':
				add(token{kind: tokBracket, orig: text[i : i+size], restore: text[i : i+size]})
			default:
				b.WriteString(text[i : i+size])
			}
			i += size
		}
	}
	p.text = b.String()
	return p
}

// restore puts the protected text back into an engine's output. It returns
// the tokens that did not come back (in order); a placeholder the engine
// invented, or repeated, is left as the engine wrote it or restored again.
func (p protected) restore(out string) (string, []token) {
	if len(p.tokens) == 0 {
		return out, nil
	}
	seen := make([]bool, len(p.tokens))
	var b strings.Builder
	b.Grow(len(out))
	last := 0
	for i := 0; i < len(out); {
		j := strings.Index(out[i:], phOpen)
		if j < 0 {
			break
		}
		i += j
		n, end := parsePlaceholder(out, i)
		if n < 1 || n > len(p.tokens) {
			i += len(phOpen)
			continue
		}
		b.WriteString(out[last:i])
		b.WriteString(p.tokens[n-1].restore)
		seen[n-1] = true
		i, last = end, end
	}
	b.WriteString(out[last:])
	var lost []token
	for k, ok := range seen {
		if !ok {
			lost = append(lost, p.tokens[k])
		}
	}
	return b.String(), lost
}

// parsePlaceholder reads ⟦ n ⟧ at s[i:], allowing spaces around n and any
// decimal digits (Latin, Arabic-Indic). It returns n and the end, or 0.
func parsePlaceholder(s string, i int) (n, end int) {
	k := i + len(phOpen)
	k = skipSpaces(s, k)
	digits := 0
	for k < len(s) {
		r, size := utf8.DecodeRuneInString(s[k:])
		d := digitValue(r)
		if d < 0 {
			break
		}
		if n > 1e6 {
			return 0, 0
		}
		n = n*10 + d
		digits++
		k += size
	}
	if digits == 0 {
		return 0, 0
	}
	k = skipSpaces(s, k)
	if !strings.HasPrefix(s[k:], phClose) {
		return 0, 0
	}
	return n, k + len(phClose)
}

func skipSpaces(s string, k int) int {
	for k < len(s) {
		r, size := utf8.DecodeRuneInString(s[k:])
		if r != ' ' && r != '\u00a0' && r != '\u200f' && r != '\u200e' {
			break
		}
		k += size
	}
	return k
}

// placeholderCounts counts the placeholders of s by number.
func placeholderCounts(s string) map[int]int {
	c := map[int]int{}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], phOpen)
		if j < 0 {
			break
		}
		i += j
		if n, end := parsePlaceholder(s, i); n > 0 {
			c[n]++
			i = end
			continue
		}
		i += len(phOpen)
	}
	return c
}

// digitValue is 0–9 for ASCII, Arabic-Indic and Extended Arabic-Indic
// digits, -1 otherwise.
func digitValue(r rune) int {
	switch {
	case '0' <= r && r <= '9':
		return int(r - '0')
	case 0x0660 <= r && r <= 0x0669:
		return int(r - 0x0660)
	case 0x06F0 <= r && r <= 0x06F9:
		return int(r - 0x06F0)
	}
	return -1
}

// numberLen is the length of the number starting at s[0]: digits, joined
// by single separators (. , : / and the Arabic ٫ ٬) that have digits on
// both sides.
func numberLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if digitValue(r) >= 0 {
			n += size
			continue
		}
		if strings.ContainsRune(".,:/٫٬", r) {
			if r2, _ := utf8.DecodeRuneInString(s[n+size:]); n+size < len(s) && digitValue(r2) >= 0 {
				n += size
				continue
			}
		}
		break
	}
	return n
}

// entityLen is the length of a character reference (&amp; &#8220; &#x201C;)
// at s[0] == '&', or 0.
func entityLen(s string) int {
	for k := 1; k < len(s) && k < 40; k++ {
		c := s[k]
		if c == ';' {
			if k == 1 {
				return 0
			}
			return k + 1
		}
		if !(c == '#' || ('0' <= c && c <= '9') || ('a' <= c|0x20 && c|0x20 <= 'z')) {
			return 0
		}
	}
	return 0
}

// isQuoteMark reports whether r at text[i] is a quotation mark rather than
// an apostrophe: ’ and ' between two letters (Washington’s, don't) are
// left to the engine.
func isQuoteMark(text string, i int, r rune, size int) bool {
	switch r {
	case '“', '”', '„', '«', '»', '"', '‹', '›', '‟':
		return true
	case '‘', '’', '\'', '‚':
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+size:])
		return !(i > 0 && isWordRune(before) && i+size < len(text) && isWordRune(after))
	}
	return false
}
