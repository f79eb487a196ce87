package arabic

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Slug length limits, in runes. Slugs are cut at a word boundary when one
// leaves at least slugMinCut runes, so that long Arabic titles keep whole
// words without producing uselessly short slugs.
const (
	slugMaxRunes = 80
	slugMinCut   = 40
)

// Slugify turns a title into a readable URL path segment that keeps the
// letters of every script, the way WordPress does:
// "يعلق الكرملين على محادثات" → "يعلق-الكرملين-على-محادثات",
// "Café Olé!" → "cafe-ole".
//
// The contract, in order:
//   - invalid UTF-8 bytes count as separators, and the text is put in NFC;
//   - Arabic diacritics (U+064B–U+065F, U+0670, U+06D6–U+06ED and the other
//     nonspacing marks of the Arabic script, such as the honorifics
//     U+0610–U+061A), tatweel (U+0640) and the soft hyphen vanish without
//     splitting the word;
//   - Arabic-Indic and Extended Arabic-Indic digits become ASCII digits;
//   - Latin letters lose their accents (NFD, then nonspacing marks dropped)
//     and are lowercased: é → e, but ø, ß and ł are letters and stay;
//   - letters and decimal digits of every other script are kept, lowercased;
//     combining marks are kept only right after a kept non-Latin letter (so
//     Devanagari vowel signs survive while stray marks disappear);
//   - everything else (spaces, punctuation, symbols, emoji, ZWJ/ZWNJ, bidi
//     controls) separates words, and each gap becomes a single '-', never
//     at either end;
//   - the result has at most 80 runes: it is cut at the last '-' that keeps
//     at least 40 runes, or else hard at 80 runes (before any combining
//     marks of the letter that would be split).
//
// The result is "" when no letter or digit remains. It is always valid
// UTF-8 in NFC, and Slugify(Slugify(x)) == Slugify(x).
func Slugify(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, " "))

	var b strings.Builder
	b.Grow(len(s))
	w := slugWriter{b: &b}
	var decomposed []byte
	for _, r := range s {
		switch {
		case r == 0x0640 || r == 0x00AD || isArabicDiacritic(r) || r == '\'' || r == '’' || r == 'ʼ':
			// Vanishes inside the word: "Region's" is "regions", as WordPress has it.
		case latinDigit(r) >= 0:
			w.emit(rune(latinDigit(r)), false)
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				w.emit(r, false)
			case 'A' <= r && r <= 'Z':
				w.emit(r+('a'-'A'), false)
			default:
				w.separate()
			}
		case unicode.IsLetter(r) && unicode.Is(unicode.Latin, r):
			decomposed = norm.NFD.AppendString(decomposed[:0], string(r))
			for _, d := range string(decomposed) {
				if unicode.IsLetter(d) {
					w.emit(unicode.ToLower(d), false)
				}
			}
		case unicode.IsLetter(r):
			w.emit(unicode.ToLower(r), true)
		case unicode.IsDigit(r):
			w.emit(r, false)
		case unicode.IsMark(r):
			w.mark(r)
		default:
			w.separate()
		}
	}
	// Dropping runes can bring a base and a mark together (or put marks out
	// of canonical order), so normalize again; truncation can split a
	// sequence that composes, hence the last pass.
	out := norm.NFC.String(b.String())
	out = norm.NFC.String(truncateSlug(out))
	return strings.Trim(out, "-")
}

// slugWriter writes slug runes, collapsing separators into one '-' that is
// only written when a letter or digit follows it.
type slugWriter struct {
	b *strings.Builder
	// pending is set when a separator was seen since the last kept rune.
	pending bool
	// markable is set when the last kept rune is a non-Latin letter (or a
	// mark kept after one), so a combining mark that follows belongs to it.
	markable bool
}

func (w *slugWriter) emit(r rune, markable bool) {
	if w.pending && w.b.Len() > 0 {
		w.b.WriteByte('-')
	}
	w.pending = false
	w.b.WriteRune(r)
	w.markable = markable
}

func (w *slugWriter) mark(r rune) {
	if w.markable && !w.pending {
		w.b.WriteRune(r)
	}
}

func (w *slugWriter) separate() {
	w.pending = true
	w.markable = false
}

// isArabicDiacritic reports whether r is an Arabic harakah, Quranic
// annotation or other nonspacing mark of the Arabic script: marks that
// change how a word is read aloud but not how it is searched or linked.
func isArabicDiacritic(r rune) bool {
	switch {
	case 0x064B <= r && r <= 0x065F, r == 0x0670, 0x06D6 <= r && r <= 0x06ED:
		return true
	}
	return unicode.Is(unicode.Mn, r) && unicode.Is(unicode.Arabic, r)
}

// truncateSlug shortens a slug to slugMaxRunes runes, preferring to cut
// just before a '-' that leaves at least slugMinCut runes.
func truncateSlug(s string) string {
	if utf8.RuneCountInString(s) <= slugMaxRunes {
		return s
	}
	rs := []rune(s)
	// A '-' at index slugMaxRunes means the first slugMaxRunes runes end
	// exactly at a word boundary.
	for i := slugMaxRunes; i >= slugMinCut; i-- {
		if rs[i] == '-' {
			return string(rs[:i])
		}
	}
	cut := slugMaxRunes
	for cut > 0 && unicode.IsMark(rs[cut]) {
		cut--
	}
	if cut == 0 {
		cut = slugMaxRunes
	}
	return strings.TrimRight(string(rs[:cut]), "-")
}
