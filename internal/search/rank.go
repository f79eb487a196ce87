package search

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ranking is done here rather than by the stores: FTS5's bm25 and
// PostgreSQL's ts_rank_cd disagree, and both stores must order a result
// list the same way. The stores only choose the candidates (see Search); the
// score below orders them, from the terms stored with each post.
//
// A clause scores its best alternative: the alternative's weight (1 for the
// word as typed, 0.8 for a variant, 0.3 for a skeleton) times a BM25-style
// saturation of its count in the title (×3) and in the body (×1, normalized
// for length). The score of a post is the sum over clauses. No IDF: every
// clause must match, so every candidate has every word, and IDF would only
// shift weight between words; it would also need corpus statistics the two
// stores keep differently.
const (
	titleBoost = 3.0
	bodyBoost  = 1.0
	altScore   = 0.5 // a skeleton present in the post, before its weight
	k1         = 1.2
	lengthB    = 0.75
	avgTitle   = 12.0  // terms; constants, so the score depends on the post alone
	avgBody    = 400.0 // terms
)

// docTerms are a candidate's stored terms, reduced to what ranking reads:
// the count of each query term and phrase in the title and body, and the
// fields' lengths.
type docTerms struct {
	titleLen, bodyLen int
	title, body       map[string]int // key: the alternative's terms joined by spaces
	alt               map[string]bool
}

// parseTerms counts q's terms and phrases in a candidate's stored fields in
// one pass over each, without splitting them into slices.
func parseTerms(q *Query, title, body, alt string) docTerms {
	d := docTerms{title: map[string]int{}, body: map[string]int{}, alt: map[string]bool{}}
	want := map[string]bool{}
	var phrases [][]string
	for _, c := range q.Clauses {
		for _, a := range c.Alts {
			switch {
			case len(a.Terms) > 1:
				phrases = append(phrases, a.Terms)
			case isSkeletonTerm(a.Terms[0]):
				d.alt[a.Terms[0]] = false
			default:
				want[a.Terms[0]] = true
			}
		}
	}
	d.titleLen = countField(title, want, phrases, d.title)
	d.bodyLen = countField(body, want, phrases, d.body)
	if len(d.alt) > 0 {
		eachTerm(alt, func(t string) {
			if _, ok := d.alt[t]; ok {
				d.alt[t] = true
			}
		})
	}
	return d
}

// countField counts the wanted terms and the phrases in a space-separated
// field into counts, and returns the field's number of terms.
func countField(field string, want map[string]bool, phrases [][]string, counts map[string]int) int {
	var recent [maxPhraseLen]string // the last terms, recent[n%len] the newest
	n := 0
	eachTerm(field, func(t string) {
		recent[n%maxPhraseLen] = t
		n++
		if want[t] {
			counts[t]++
		}
		for _, p := range phrases {
			if len(p) > n || p[len(p)-1] != t {
				continue
			}
			match := true
			for j := range p {
				if recent[(n-len(p)+j)%maxPhraseLen] != p[j] {
					match = false
					break
				}
			}
			if match {
				counts[strings.Join(p, " ")]++
			}
		}
	})
	return n
}

// eachTerm calls fn with each space-separated term of s.
func eachTerm(s string, fn func(string)) {
	for s != "" {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			fn(s)
			return
		}
		if i > 0 {
			fn(s[:i])
		}
		s = s[i+1:]
	}
}

// score ranks a candidate for q. It is deterministic: the same terms give
// the same float on every store and machine (rounded to 1e-6 so that sums in
// a different order cannot break ties differently).
func score(q *Query, d *docTerms) float64 {
	total := 0.0
	for _, c := range q.Clauses {
		best := 0.0
		for _, a := range c.Alts {
			best = max(best, a.Weight*altMatch(a.Terms, d))
		}
		total += best
	}
	return math.Round(total*1e6) / 1e6
}

// altMatch scores one alternative (a term or a phrase) in a candidate.
func altMatch(terms []string, d *docTerms) float64 {
	if len(terms) == 1 && isSkeletonTerm(terms[0]) {
		if d.alt[terms[0]] {
			return altScore
		}
		return 0
	}
	key := strings.Join(terms, " ")
	return titleBoost*saturate(d.title[key], d.titleLen, avgTitle) +
		bodyBoost*saturate(d.body[key], d.bodyLen, avgBody)
}

// saturate is BM25's term-frequency saturation, normalized for the field's
// length.
func saturate(tf, length int, avg float64) float64 {
	if tf == 0 {
		return 0
	}
	f := float64(tf)
	return f * (k1 + 1) / (f + k1*(1-lengthB+lengthB*float64(length)/avg))
}

// isSkeletonTerm tells a skeleton term (skelMarker and Arabic letters) from
// a word's term, which never mixes Latin and Arabic letters.
func isSkeletonTerm(t string) bool {
	rest, ok := strings.CutPrefix(t, skelMarker)
	r, _ := utf8.DecodeRuneInString(rest)
	return ok && unicode.Is(unicode.Arabic, r)
}
