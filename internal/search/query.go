package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a query: anything past them is ignored and Query.Truncated set,
// so that a pasted paragraph still searches (for its first words) instead of
// failing, and no query costs more than a bounded match expression.
const (
	MaxQueryBytes = 1024 // of the query text, cut at a rune boundary
	MaxClauses    = 16   // words or phrases that must match
	MaxExclusions = 8    // -words or -"phrases"
	maxPhraseLen  = 8    // terms in one phrase
)

// Weights of the alternatives of a query word, used in ranking: the word's
// own term, its forms with a clitic or suffix taken off, its skeleton.
const (
	weightExact    = 1.0
	weightVariant  = 0.8
	weightSkeleton = 0.3
)

// ErrBadQuery is returned (wrapped, with the reason) for a query that
// cannot be searched: nothing in it is a searchable word, or it only
// excludes. The reason is safe to show to the person who typed the query.
var ErrBadQuery = errors.New("bad search query")

// QueryError is the error Query returns; errors.Is(err, ErrBadQuery) holds.
type QueryError struct{ Reason string }

func (e *QueryError) Error() string   { return "search query: " + e.Reason }
func (e *QueryError) Is(t error) bool { return t == ErrBadQuery }

// Query is a parsed search: every clause must match, no exclusion may.
type Query struct {
	Clauses   []Clause
	Exclude   []Alt
	Truncated bool // the text or the number of words went past a limit
}

// Clause is one word, phrase or OR-group of the query: any of its
// alternatives matching is enough.
type Clause struct{ Alts []Alt }

// Alt is one way of matching: a single term, or a phrase of terms that must
// appear in this order, next to each other. Weight ranks how good a match
// it is (1 for the word as typed).
type Alt struct {
	Terms  []string
	Weight float64
}

// String shows the query's structure, for logs and tests.
func (q *Query) String() string {
	var b strings.Builder
	for i, c := range q.Clauses {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('(')
		for j, a := range c.Alts {
			if j > 0 {
				b.WriteString(" | ")
			}
			fmt.Fprintf(&b, "%s/%.1f", strings.Join(a.Terms, "+"), a.Weight)
		}
		b.WriteByte(')')
	}
	for _, e := range q.Exclude {
		b.WriteString(" -" + strings.Join(e.Terms, "+"))
	}
	return b.String()
}

// item is one lexical element of the query text.
type item struct {
	text   string
	phrase bool // was in quotes
	neg    bool // was preceded by - or NOT
	or     bool // the OR operator
}

// Query parses a search as typed: words, "phrases in quotes" (straight or
// curly quotes, «guillemets»), -word and -"phrase" (or NOT word) to exclude,
// and OR (or |) between alternatives; AND, && and + are accepted and mean
// what juxtaposition means. Every other character is text, analyzed like the
// index: punctuation and FTS or SQL syntax have no effect. Invalid UTF-8 is
// cleaned, the text cut to MaxQueryBytes and the words to MaxClauses.
//
// It never panics. The error, when there is one, is a *QueryError
// (errors.Is(err, ErrBadQuery)) whose reason can be shown to the user.
func (a *Analyzer) Query(text string) (*Query, error) {
	q := &Query{}
	text = strings.ToValidUTF8(text, " ")
	if len(text) > MaxQueryBytes {
		cut := MaxQueryBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text, q.Truncated = text[:cut], true
	}
	items := lexQuery(text)
	pending := -1 // the clause an OR extends
	orNext := false
	for _, it := range items {
		if it.or {
			orNext = pending >= 0
			continue
		}
		alts := a.itemAlts(it)
		if len(alts) == 0 {
			continue
		}
		if it.neg {
			if len(q.Exclude) == MaxExclusions {
				q.Truncated = true
				continue
			}
			q.Exclude = append(q.Exclude, alts[0])
			orNext = false
			continue
		}
		if orNext && pending >= 0 {
			q.Clauses[pending].Alts = mergeAlts(q.Clauses[pending].Alts, alts)
			orNext = false
			continue
		}
		orNext = false
		if len(q.Clauses) == MaxClauses {
			q.Truncated = true
			pending = -1
			continue
		}
		q.Clauses = append(q.Clauses, Clause{Alts: alts})
		pending = len(q.Clauses) - 1
	}
	switch {
	case len(q.Clauses) == 0 && len(q.Exclude) > 0:
		return nil, &QueryError{Reason: "a search needs at least one word to find, not only words to exclude"}
	case len(q.Clauses) == 0:
		return nil, &QueryError{Reason: "the search has no words to look for (only punctuation or very common words)"}
	}
	return q, nil
}

// maxAlts bounds the alternatives of one clause (OR-groups included).
const maxAlts = 12

// mergeAlts adds alts to an OR-group, dropping duplicates, up to maxAlts.
func mergeAlts(have, alts []Alt) []Alt {
	for _, a := range alts {
		dup := false
		for i := range have {
			if slicesEqual(have[i].Terms, a.Terms) {
				have[i].Weight = max(have[i].Weight, a.Weight)
				dup = true
				break
			}
		}
		if !dup && len(have) < maxAlts {
			have = append(have, a)
		}
	}
	return have
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// itemAlts analyzes one item: a word that gives one term becomes that term
// and its variants; a phrase, or a word that gives several terms
// ("COVID-19"), becomes a phrase. An excluded item keeps only its exact
// terms. Nothing is returned for stopwords and punctuation.
func (a *Analyzer) itemAlts(it item) []Alt {
	var toks []token
	a.analyze(it.text, func(t token) {
		if len(toks) < maxPhraseLen {
			toks = append(toks, t)
		}
	})
	switch {
	case len(toks) == 0:
		return nil
	case len(toks) > 1:
		terms := make([]string, len(toks))
		for i, t := range toks {
			terms[i] = t.Term
		}
		return []Alt{{Terms: terms, Weight: weightExact}}
	case it.neg:
		return []Alt{{Terms: []string{toks[0].Term}, Weight: weightExact}}
	}
	return a.wordAlts(it.text[toks[0].Start:toks[0].End], toks[0])
}

// lexQuery splits the query text into items.
func lexQuery(s string) []item {
	var items []item
	neg := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r) || r == 0:
			i += size
			continue
		case isQuote(r):
			end := i + size
			for end < len(s) {
				r2, s2 := utf8.DecodeRuneInString(s[end:])
				if isQuote(r2) {
					break
				}
				end += s2
			}
			items = append(items, item{text: s[i+size : end], phrase: true, neg: neg})
			neg = false
			if end < len(s) {
				_, s2 := utf8.DecodeRuneInString(s[end:])
				end += s2
			}
			i = end
			continue
		case (r == '-' || r == '!') && i+size < len(s):
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if !unicode.IsSpace(next) && next != '-' {
				neg = true
				i += size
				continue
			}
		case r == '+':
			i += size
			continue
		}
		end := i
		for end < len(s) {
			r2, s2 := utf8.DecodeRuneInString(s[end:])
			if unicode.IsSpace(r2) || r2 == 0 || (end > i && isQuote(r2)) {
				break
			}
			end += s2
		}
		w := s[i:end]
		i = end
		switch w {
		case "OR", "|", "||":
			items = append(items, item{or: true})
			neg = false
		case "AND", "&&", "&":
		case "NOT":
			neg = true
		default:
			items = append(items, item{text: w, neg: neg})
			neg = false
		}
	}
	return items
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»', '″':
		return true
	}
	return false
}
