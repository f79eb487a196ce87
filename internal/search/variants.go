package search

import (
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
)

// Clitics a query word may carry that its article spells without, or the
// other way round, beyond what the Snowball stemmer takes off.
var (
	conjunctions = []string{"و", "ف"}
	prepositions = []string{"ب", "ك", "ل", "ال", "بال", "كال", "لل"}
	pronouns     = []string{"هما", "كما", "ها", "هم", "هن", "كم", "نا", "ه", "ي", "ك"}
)

// minVariantRunes is the shortest word a variant may leave: shorter ones
// are mostly other words. A single-letter proclitic (و ف ب ك ل) must leave
// one letter more: كتاب is not ك + تاب, while لموسكو is ل + موسكو.
const (
	minVariantRunes = 3
	minAfterLetter  = 4
)

// wordAlts gives the alternatives of one query word w (its text as typed)
// whose token is t: its term; for Arabic words, the terms of its forms with
// a conjunction, a preposition or the article, and a possessive pronoun,
// taken off (weight 0.8), which finds بمحادثاتها where the article says
// محادثات; and its skeleton (0.3), which finds ديميتريف where it says
// ديمترييف. The index stores one term per word: the variants are tried at
// query time only, so the index stays small and precise.
func (a *Analyzer) wordAlts(w string, t token) []Alt {
	alts := []Alt{{Terms: []string{t.Term}, Weight: weightExact}}
	add := func(term string, weight float64) {
		for _, x := range alts {
			if len(x.Terms) == 1 && x.Terms[0] == term {
				return
			}
		}
		if term != "" && len(alts) < maxAlts {
			alts = append(alts, Alt{Terms: []string{term}, Weight: weight})
		}
	}
	if a.snowballOnly || !isArabicWord(w) {
		if t.Skel != "" {
			add(t.Skel, weightSkeleton)
		}
		return alts
	}
	n := arabic.Normalize(w)
	for _, v := range arabicVariants(n) {
		if _, stop := arabicStopwords[v]; !stop {
			add(arabicStem(v, true), weightVariant)
		}
	}
	if t.Skel != "" {
		add(t.Skel, weightSkeleton)
	}
	return alts
}

func isArabicWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	c, _ := runeClass(r)
	return c == classArabic
}

// arabicVariants returns forms of the normalized word n with one
// conjunction, one preposition (or the article) and one pronoun suffix
// taken off, alone and together, each leaving at least minVariantRunes.
func arabicVariants(n string) []string {
	heads := []string{n}
	for _, c := range conjunctions {
		if v, ok := cutPrefix(n, c, minAfterLetter); ok {
			heads = append(heads, v)
		}
	}
	for _, h := range heads[:len(heads):len(heads)] {
		for _, p := range prepositions {
			need := minVariantRunes
			if utf8.RuneCountInString(p) == 1 {
				need = minAfterLetter
			}
			if v, ok := cutPrefix(h, p, need); ok {
				heads = append(heads, v)
			}
		}
	}
	var out []string
	for _, h := range heads {
		if h != n {
			out = append(out, h)
		}
		for _, s := range pronouns {
			if v, ok := cutSuffix(h, s); ok {
				out = append(out, v)
				break // the longest pronoun that fits
			}
		}
	}
	return out
}

func cutPrefix(w, p string, need int) (string, bool) {
	v, ok := strings.CutPrefix(w, p)
	return v, ok && utf8.RuneCountInString(v) >= need
}

func cutSuffix(w, s string) (string, bool) {
	v, ok := strings.CutSuffix(w, s)
	return v, ok && utf8.RuneCountInString(v) >= minVariantRunes
}
