package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	snowballen "github.com/blevesearch/snowballstem/english"
	"golang.org/x/text/unicode/norm"

	"nashra.dev/nashra/internal/arabic"
)

// skelMarker starts every skeleton term. Words are split where Arabic
// letters meet Latin letters or digits, so no word's term mixes the two and
// no word's term can be mistaken for a skeleton. It is ASCII, so both SQLite's
// ascii tokenizer and PostgreSQL keep it inside the term.
const skelMarker = "x"

// Analyzer turns text into index terms, the same way for the index and for
// queries, and for both stores: the stores only ever compare the terms it
// produces, as opaque words.
//
// The zero value is ready to use and safe for concurrent use.
type Analyzer struct {
	// snowballOnly turns off the light steps around the Snowball stemmer
	// and the query variants, and noSkeleton the skeleton terms, to measure
	// what they add.
	snowballOnly, noSkeleton bool
}

// token is one word of a text as the index sees it.
type token struct {
	Term       string // the index term: a stem, a lowercased word or digits
	Skel       string // the skeleton term (skelMarker + key), or ""
	Start, End int    // the word's byte range in the text analyzed
}

// Tokens returns the index terms of text, in order: Arabic words normalized
// (arabic.Normalize), stopwords dropped, stemmed with Snowball and its light
// steps; Latin words lowercased, accents removed, English stopwords dropped,
// stemmed with the Snowball English stemmer; numbers in ASCII digits whatever
// digits they were written in; other scripts lowercased. Skeleton terms are
// not included (see analyze).
//
// The script of each word decides its treatment, not lang: a query does not
// know the language of the articles it will find, so both sides must agree
// without it. lang is kept for callers that record it; every language is
// analyzed the same way today.
func (a *Analyzer) Tokens(text, lang string) []string {
	_ = lang
	var out []string
	a.analyze(text, func(t token) { out = append(out, t.Term) })
	return out
}

// analyze calls fn with each token of text that yields a term. Invalid
// UTF-8 separates words; text of any size is accepted.
func (a *Analyzer) analyze(text string, fn func(token)) { a.analyzeMemo(text, nil, fn) }

// termMemo remembers the analysis of words already seen: a news article
// repeats its words, and stemming costs more than a map lookup. A memo
// belongs to one caller at a time.
type termMemo map[string]memoEntry

type memoEntry struct {
	t  token
	ok bool
}

// maxMemo bounds a memo's size.
const maxMemo = 20000

// analyzeMemo is analyze with a memo (nil for none).
func (a *Analyzer) analyzeMemo(text string, memo termMemo, fn func(token)) {
	splitWords(text, func(w word) {
		s := text[w.Start:w.End]
		e, seen := memo[s]
		if !seen {
			e.t, e.ok = a.term(s, w.Arabic)
			if memo != nil && len(memo) < maxMemo {
				memo[s] = e
			}
		}
		if !e.ok {
			return
		}
		t := e.t
		t.Start, t.End = w.Start, w.End
		fn(t)
	})
}

// term analyzes one word; ok is false for stopwords and words that leave
// nothing to index.
func (a *Analyzer) term(w string, isArabic bool) (token, bool) {
	if isArabic {
		if !a.snowballOnly {
			w = cutConjunctionBeforeHamza(w)
		}
		n := arabic.Normalize(w)
		if utf8.RuneCountInString(n) < 2 {
			return token{}, false
		}
		if _, stop := arabicStopwords[n]; stop {
			return token{}, false
		}
		t := token{Term: arabicStem(n, !a.snowballOnly)}
		if k := skeleton(n); k != "" && !a.noSkeleton {
			t.Skel = skelMarker + k
		}
		return t, true
	}
	return otherTerm(w)
}

// otherTerm analyzes a word that is not Arabic: digits, Latin or another
// script.
func otherTerm(w string) (token, bool) {
	w = arabic.Normalize(w) // Arabic-Indic digits, bidi marks
	latin, digits := true, false
	for _, r := range w {
		switch {
		case unicode.IsDigit(r):
			digits = true
		case isApostrophe(r), unicode.IsMark(r):
		case !unicode.Is(unicode.Latin, r) && unicode.IsLetter(r):
			latin = false
		}
	}
	if latin {
		w = foldLatin(w)
	} else {
		w = strings.ToLower(w)
	}
	if w == "" {
		return token{}, false
	}
	if latin && !digits {
		if _, stop := englishStopwords[w]; stop {
			return token{}, false
		}
		env := snowball.NewEnv(w)
		snowballen.Stem(env)
		w = env.Current()
	}
	w = strings.ReplaceAll(w, "'", "")
	if w == "" {
		return token{}, false
	}
	return token{Term: w}, true
}

// foldLatin lowercases a Latin word, removes its accents (é → e) and marks,
// and writes every apostrophe as '.
func foldLatin(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.IsMark(r), r == 0x200D, r == 0x00AD, r == 0x200E, r == 0x200F:
		case isApostrophe(r):
			b.WriteByte('\'')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}
