package wire

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainText turns a fragment that may hold markup and entities (feed titles
// and descriptions often do) into one line of text: tags dropped, script and
// style skipped, entities decoded, whitespace collapsed.
func plainText(s string) string {
	return collapseSpaces(rawText(s))
}

// rawText is plainText without collapsing spaces, for callers that split
// words themselves.
func rawText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style:
				skip++
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Tr, atom.Td, atom.H1, atom.H2, atom.H3, atom.H4, atom.Blockquote:
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style:
				if skip > 0 {
					skip--
				}
			case atom.P, atom.Div, atom.Li, atom.Td:
				b.WriteByte('\n')
			}
		}
	}
}

// collapseSpaces trims and turns every run of white space into one space.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

// truncateRunes cuts s to at most n runes, at a word boundary when one is
// in the last fifth, and marks the cut with "…".
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	cut := len(rs)
	for i := len(rs) - 1; i > n*4/5; i-- {
		if rs[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(rs[:cut])) + "…"
}
