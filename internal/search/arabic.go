package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	snowballar "github.com/blevesearch/snowballstem/arabic"
)

// snowballArabic is the Snowball Arabic stemmer alone (the algorithm of
// PostgreSQL's arabic text search configuration). It does its own
// normalization of diacritics and hamza forms.
func snowballArabic(w string) string {
	env := snowball.NewEnv(w)
	snowballar.Stem(env)
	return env.Current()
}

// arabicStem gives the index term of a word already put through
// arabic.Normalize: the Snowball stem, with two light steps around it where
// Snowball's choices split forms readers treat as one word (measured on the
// fixtures, see analyzer_test.go):
//
//   - before: the article with its clitics (ال وال فال بال كال لل…) is
//     taken off when three letters remain: Snowball leaves it on short words
//     and never takes و or ف off before an alef (والحسن gave والحس while
//     الحسن gave حسن); a feminine plural "ات" is taken off nouns Snowball
//     would read as verbs (محادثات gave محادثا while المحادثات gave محادث);
//   - after: a final ه — taa marbuta, once normalized — and then a nisba
//     ي are taken off when three letters remain (العلاقة gave علاقه while
//     علاقة gave علاق; الروسية, روسي and روسيا now meet in روس).
//
// light=false returns the Snowball stem of the normalized word, unchanged.
func arabicStem(w string, light bool) string {
	if !light {
		return snowballArabic(w)
	}
	if rest, ok := cutDefinite(w); ok {
		w = rest
	}
	if n := utf8.RuneCountInString(w); n >= 5 && strings.HasSuffix(w, "ات") {
		w = w[:len(w)-len("ات")]
	}
	s := snowballArabic(w)
	if s == "" {
		return w
	}
	if utf8.RuneCountInString(s) >= 4 && strings.HasSuffix(s, "ه") {
		s = s[:len(s)-len("ه")]
	}
	if utf8.RuneCountInString(s) >= 4 && strings.HasSuffix(s, "ي") {
		s = s[:len(s)-len("ي")]
	}
	return s
}

// definiteArticles are the article with the clitics that go before it,
// longest first.
var definiteArticles = []string{"وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال"}

// cutDefinite takes the article and its clitics off a normalized word when
// at least three letters remain.
func cutDefinite(w string) (string, bool) {
	for _, p := range definiteArticles {
		if rest, ok := strings.CutPrefix(w, p); ok && utf8.RuneCountInString(rest) >= 3 {
			return rest, true
		}
	}
	return w, false
}

// cutConjunctionBeforeHamza takes و or ف off a word (not yet normalized)
// that goes on with an alef carrying hamza or madda (وأكد, فإن): the hamza
// shows the conjunction is a clitic, which Snowball cannot tell once the
// hamza is normalized away (واكد could be a word of its own).
func cutConjunctionBeforeHamza(w string) string {
	c, size := utf8.DecodeRuneInString(w)
	if c != 'و' && c != 'ف' {
		return w
	}
	rest := w[size:]
	for rest != "" {
		r, n := utf8.DecodeRuneInString(rest)
		if r != 0x0640 && !unicode.Is(unicode.Mn, r) {
			break
		}
		rest = rest[n:]
	}
	if r, _ := utf8.DecodeRuneInString(rest); (r == 'أ' || r == 'إ' || r == 'آ') && utf8.RuneCountInString(rest) >= 3 {
		return rest
	}
	return w
}

// stripClitics takes proclitics off a normalized word for its skeleton:
// repeatedly "ال" while three letters remain, or one of و ف ب ك ل while
// four remain. Stripping to a fixed point makes the result the same for a
// name with or without any of its clitics (لبوتين, وبوتين, بوتين), which a
// single, guarded step could not promise.
func stripClitics(w string) string {
	for {
		n := utf8.RuneCountInString(w)
		switch {
		case strings.HasPrefix(w, "ال") && n-2 >= 3:
			w = w[len("ال"):]
		case n-1 >= 4 && (strings.HasPrefix(w, "و") || strings.HasPrefix(w, "ف") || strings.HasPrefix(w, "ب") ||
			strings.HasPrefix(w, "ك") || strings.HasPrefix(w, "ل")):
			_, size := utf8.DecodeRuneInString(w)
			w = w[size:]
		default:
			return w
		}
	}
}

// skeletonLetter maps a letter to its class in a skeleton: the letters
// transliterations of one foreign sound swap between (ت ط, س ص ث, د ض,
// ز ذ ظ, and ك ق ج غ گ for k/q/g) share one, and ڤ پ fold to ف ب.
func skeletonLetter(r rune) rune {
	switch r {
	case 'ط':
		return 'ت'
	case 'ص', 'ث':
		return 'س'
	case 'ض':
		return 'د'
	case 'ذ', 'ظ':
		return 'ز'
	case 'ق', 'ج', 'غ', 'گ':
		return 'ك'
	case 'ڤ':
		return 'ف'
	case 'پ':
		return 'ب'
	}
	return r
}

// isSkeletonVowel reports the letters a transliteration adds or leaves out
// at will: long vowels and hamza.
func isSkeletonVowel(r rune) bool { return r == 'ا' || r == 'و' || r == 'ي' || r == 'ء' }

// minSkeletonRunes is the shortest skeleton worth indexing: shorter ones
// join too many unrelated words.
const minSkeletonRunes = 3

// skeleton is the consonant key of a normalized Arabic word, used to match
// foreign names transliterated several ways (ديمترييف, ديميتريف → دمترف):
// clitics stripped, letter classes folded, long vowels and hamza dropped
// after the first letter, a final ه dropped, doubled letters collapsed. It
// is "" for words shorter than four letters or keys shorter than three.
func skeleton(w string) string {
	w = stripClitics(w)
	total := utf8.RuneCountInString(w)
	if total < 4 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(w))
	var last rune
	n, i := 0, 0
	for _, r := range w {
		i++
		if i > 1 && isSkeletonVowel(r) {
			continue
		}
		if r == 'ه' && i == total {
			continue
		}
		r = skeletonLetter(r)
		if r == last {
			continue
		}
		b.WriteRune(r)
		last = r
		n++
	}
	if n < minSkeletonRunes {
		return ""
	}
	return b.String()
}
