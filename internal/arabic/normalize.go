package arabic

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds the spellings of Arabic text that readers treat as the
// same word, so that search can compare words by their letters alone. It is
// applied to the indexed text and to the query alike. The contract:
//
//   - harakat, tanween, shadda, sukun, superscript alef (U+0670), Quranic
//     annotation marks and every other nonspacing mark of the Arabic script
//     vanish, as does tatweel (U+0640);
//   - text holding a combining hamza or madda (U+0653–U+0655) is first put
//     in NFC, so that a letter written with one folds like its precomposed
//     form (a leftover combining mark vanishes like the other marks);
//   - the alef forms أ إ آ ٱ (and ٲ ٳ ٵ) become a bare alef ا;
//   - alef maqsura ى becomes ي, and taa marbuta ة (and ۃ ۀ) becomes ه,
//     as Lucene's ArabicNormalizer does;
//   - a hamza on a waw or yeh carrier (ؤ ئ) becomes the bare hamza ء, so
//     that مسؤول and مسئول, شؤون and شئون, meet;
//   - the Persian and Urdu forms of kaf, yeh and heh (ک ی ہ ە…) become the
//     Arabic letters, and Arabic presentation forms (ﻻ ﺍ…, as pasted from
//     PDFs) their compatibility decomposition (NFKC);
//   - Arabic-Indic and Extended Arabic-Indic digits become ASCII 0–9;
//   - bidi controls, the soft hyphen and the zero-width joiner vanish.
//
// Everything else is copied unchanged (but for that NFC step): Latin text,
// case included, ZWNJ, punctuation, spaces and invalid UTF-8 bytes. Normalize never panics and is
// idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	if !needsNormalize(s) {
		return s
	}
	if strings.ContainsAny(s, "\u0653\u0654\u0655") {
		// Compose alef/waw/yeh + combining hamza or madda into one letter.
		// Invalid bytes become U+FFFD here; compose only valid text.
		if utf8.ValidString(s) {
			s = norm.NFC.String(s)
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		i += size
		switch {
		case isPresentationForm(r):
			// NFKC of a presentation form is a run of base letters (and
			// marks), which are folded in turn.
			b.WriteString(normalizeBase(norm.NFKC.String(string(r))))
		default:
			writeFolded(&b, r)
		}
	}
	return b.String()
}

// normalizeBase folds a short string that has no presentation forms.
func normalizeBase(s string) string {
	var b strings.Builder
	for _, r := range s {
		writeFolded(&b, r)
	}
	return b.String()
}

// writeFolded writes the normalized form of r, or nothing when r vanishes.
func writeFolded(b *strings.Builder, r rune) {
	if f := foldRune(r); f >= 0 {
		b.WriteRune(f)
	}
}

// foldRune returns what r becomes, or -1 when it vanishes.
func foldRune(r rune) rune {
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ', 'ٵ':
		return 'ا'
	case 'ى', 'ی', 'ې', 'ۍ', 'ێ': // alef maqsura, Farsi yeh and its Pashto/Kurdish forms
		return 'ي'
	case 'ة', 'ۃ', 'ۀ', 'ہ', 'ە', 'ھ':
		return 'ه'
	case 'ؤ', 'ئ', 'ٶ', 'ٸ', 'ۓ':
		return 'ء'
	case 'ک', 'ڪ':
		return 'ك'
	case 0x0640, // tatweel
		0x00AD,                 // soft hyphen
		0x200D,                 // zero-width joiner
		0x200E, 0x200F, 0x061C, // LRM, RLM, ALM
		0x202A, 0x202B, 0x202C, 0x202D, 0x202E, // embeddings and overrides
		0x2066, 0x2067, 0x2068, 0x2069: // isolates
		return -1
	}
	if d := latinDigit(r); d >= 0 {
		return rune(d)
	}
	if isArabicDiacritic(r) {
		return -1
	}
	return r
}

// isPresentationForm reports whether r is an Arabic presentation form
// (U+FB50–U+FDFF, U+FE70–U+FEFF): contextual glyphs that PDFs and old
// software put in text instead of letters.
func isPresentationForm(r rune) bool {
	return (0xFB50 <= r && r <= 0xFDFF) || (0xFE70 <= r && r <= 0xFEFC)
}

// needsNormalize reports whether s holds anything Normalize changes: it is
// false for pure ASCII and for text without Arabic-block or format runes,
// which then costs no allocation.
func needsNormalize(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if (0x0600 <= r && r <= 0x06FF) || r == 0x00AD || (0x200D <= r && r <= 0x200F) ||
					(0x202A <= r && r <= 0x202E) || (0x2066 <= r && r <= 0x2069) || isPresentationForm(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}
