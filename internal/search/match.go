package search

import (
	"strings"
)

// The match expressions are written from the parsed query's terms only,
// never from the text the user typed: terms hold letters and digits, so no
// quote, operator or column name of FTS5 or tsquery syntax can come from a
// query. safeTerm enforces it all the same.

// safeTerm drops any ASCII character other than a letter or digit from a
// term (there are none in the analyzer's output).
func safeTerm(t string) string {
	clean := true
	for i := 0; i < len(t); i++ {
		if c := t[i]; c < 0x80 && !isASCIIAlnum(c) {
			clean = false
			break
		}
	}
	if clean {
		return t
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		if c := t[i]; c >= 0x80 || isASCIIAlnum(c) {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isASCIIAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// ftsMatch writes q as an FTS5 match expression:
// ("t1" OR "t2" OR "a b") AND (…) NOT ("e1" OR …). A quoted string of
// several terms is an FTS5 phrase.
func ftsMatch(q *Query) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, c := range q.Clauses {
		if i > 0 {
			b.WriteString(" AND ")
		}
		writeFTSAlts(&b, c.Alts)
	}
	b.WriteByte(')')
	if len(q.Exclude) > 0 {
		b.WriteString(" NOT ")
		writeFTSAlts(&b, q.Exclude)
	}
	return b.String()
}

func writeFTSAlts(b *strings.Builder, alts []Alt) {
	b.WriteByte('(')
	n := 0
	for _, a := range alts {
		terms := cleanTerms(a.Terms)
		if len(terms) == 0 {
			continue
		}
		if n > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('"')
		b.WriteString(strings.Join(terms, " "))
		b.WriteByte('"')
		n++
	}
	if n == 0 {
		b.WriteString(`"0"`) // cannot happen: alternatives are never empty
	}
	b.WriteByte(')')
}

// tsQuery writes q as a PostgreSQL tsquery literal:
// ('t1' | 't2' | 'a' <-> 'b') & (…) & !('e1' | …).
func tsQuery(q *Query) string {
	var b strings.Builder
	for i, c := range q.Clauses {
		if i > 0 {
			b.WriteString(" & ")
		}
		writeTSAlts(&b, c.Alts)
	}
	if len(q.Exclude) > 0 {
		b.WriteString(" & !")
		writeTSAlts(&b, q.Exclude)
	}
	return b.String()
}

func writeTSAlts(b *strings.Builder, alts []Alt) {
	b.WriteByte('(')
	n := 0
	for _, a := range alts {
		terms := cleanTerms(a.Terms)
		if len(terms) == 0 {
			continue
		}
		if n > 0 {
			b.WriteString(" | ")
		}
		b.WriteByte('(')
		for j, t := range terms {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteString(quoteLexeme(t))
		}
		b.WriteByte(')')
		n++
	}
	if n == 0 {
		b.WriteString("'0'")
	}
	b.WriteByte(')')
}

func cleanTerms(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if t = safeTerm(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
