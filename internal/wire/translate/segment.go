package translate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unit is one paragraph of a Text request (or one Segment of a Segments
// request) and the separator that followed it in the source.
type unit struct {
	text string
	sep  string
}

// paragraphs cuts s into units so that concatenating text+sep of every
// unit gives s back. Plain text is cut at blank lines; HTML after the end
// of block elements (and <br>, <hr>), taking the whitespace that follows
// as the separator.
func paragraphs(s string, format Format) []unit {
	var cuts [][2]int // [end of unit, start of next]
	if format == FormatHTML {
		for _, sp := range textSpans(s, format) {
			if sp.markup && blockEnd(sp.tag) {
				next := sp.end
				for next < len(s) && isSpaceByte(s[next]) {
					next++
				}
				cuts = append(cuts, [2]int{sp.end, next})
			}
		}
	} else {
		for i := 0; i < len(s); {
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				break
			}
			start := i + j
			k := start + 1
			blank := false
			for k < len(s) && isSpaceByte(s[k]) {
				if s[k] == '\n' {
					blank = true
				}
				k++
			}
			if blank {
				cuts = append(cuts, [2]int{start, k})
			}
			i = k
		}
	}
	var out []unit
	prev := 0
	for _, c := range cuts {
		if c[0] < prev {
			continue
		}
		out = append(out, unit{text: s[prev:c[0]], sep: s[c[0]:c[1]]})
		prev = c[1]
	}
	if prev < len(s) || len(out) == 0 {
		out = append(out, unit{text: s[prev:]})
	}
	// Trailing whitespace (a "\r" before the break, a final newline) belongs
	// to the separator, and a trailing empty unit is folded back.
	for k := range out {
		t := strings.TrimRight(out[k].text, " \t\r\n\f")
		out[k].sep = out[k].text[len(t):] + out[k].sep
		out[k].text = t
	}
	if n := len(out); n > 1 && out[n-1].text == "" {
		out[n-2].sep += out[n-1].sep
		out = out[:n-1]
	}
	return out
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// piece is what is sent to a provider: a part of a unit with its outer
// whitespace kept aside (engines trim it).
type piece struct {
	unit        int
	lead, trail string
	core        string
}

// split cuts s into parts of at most max bytes, preferring, in this order,
// the ends of sentences, line breaks, and spaces, and never cutting inside
// an HTML tag or character reference or a UTF-8 sequence. A part longer
// than max is produced only when s has no allowed cut at all within max.
func split(s string, max int, format Format) []string {
	if max <= 0 || len(s) <= max {
		return []string{s}
	}
	allowed := cuttable(s, format)
	var out []string
	for len(s) > max {
		cut := bestCut(s, max, allowed)
		if cut <= 0 {
			// no allowed position within max: take the first one beyond it
			cut = len(s)
			for k := max + 1; k < len(s); k++ {
				if allowed(k) {
					cut = k
					break
				}
			}
		}
		out = append(out, s[:cut])
		s = s[cut:]
		base := cut
		prevAllowed := allowed
		allowed = func(k int) bool { return prevAllowed(base + k) }
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// cuttable reports for each byte offset of s whether a cut may fall there.
func cuttable(s string, format Format) func(int) bool {
	inside := make([]bool, len(s)+1)
	if format == FormatHTML {
		for _, sp := range textSpans(s, format) {
			if sp.markup {
				for k := sp.start + 1; k < sp.end; k++ {
					inside[k] = true
				}
				continue
			}
			for k := sp.start; k < sp.end; k++ {
				if s[k] == '&' {
					if n := entityLen(s[k:]); n > 0 {
						for m := k + 1; m < k+n; m++ {
							inside[m] = true
						}
					}
				}
			}
		}
	}
	return func(k int) bool {
		if k <= 0 || k >= len(s) || inside[k] {
			return false
		}
		return utf8.RuneStart(s[k])
	}
}

// bestCut finds the last good cut at or before max: after sentence-ending
// punctuation and its spaces, else after a line break, else after a space,
// else any allowed position.
func bestCut(s string, max int, allowed func(int) bool) int {
	sentence, line, space, any := -1, -1, -1, -1
	for k := max; k > 0; k-- {
		if !allowed(k) {
			continue
		}
		if any < 0 {
			any = k
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:k])
		if !unicode.IsSpace(prev) {
			continue
		}
		if line < 0 && prev == '\n' {
			line = k
		}
		if space < 0 {
			space = k
		}
		if sentence < 0 {
			t := strings.TrimRight(s[:k], " \t\n\r\u00a0")
			if last, _ := utf8.DecodeLastRuneInString(t); strings.ContainsRune(".!?؟…。", last) {
				sentence = k
				break
			}
		}
	}
	for _, c := range []int{sentence, line, space, any} {
		if c > 0 {
			return c
		}
	}
	return -1
}

// newPiece trims s's outer whitespace into lead and trail.
func newPiece(u int, s string) piece {
	core := strings.TrimLeftFunc(s, unicode.IsSpace)
	lead := s[:len(s)-len(core)]
	trimmed := strings.TrimRightFunc(core, unicode.IsSpace)
	return piece{unit: u, lead: lead, core: trimmed, trail: core[len(trimmed):]}
}
