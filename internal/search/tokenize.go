package search

import (
	"unicode"
	"unicode/utf8"
)

// maxWordBytes bounds a word: longer runs of letters (a pasted hash, a
// garbled line) are not words anyone searches for, and skipping them keeps
// every term well under the engines' own limits.
const maxWordBytes = 100

// script classes that split words: Arabic letters on one side, everything
// else (Latin and other letters, digits of any script) on the other, so that
// "2022م" or "NBCنيوز" give two words and a term never mixes the two.
const (
	classNone = iota
	classArabic
	classOther
)

// word is one word of a text, as the byte range [Start, End) of the text.
type word struct {
	Start, End int
	Arabic     bool
}

// runeClass tells what a rune is to the tokenizer: part of an Arabic word,
// part of another word, a mark or format rune that joins whatever word it is
// in (ignorable), or a separator.
func runeClass(r rune) (class int, ignorable bool) {
	switch {
	case r < utf8.RuneSelf:
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return classOther, false
		}
		return classNone, false
	case unicode.IsDigit(r):
		return classOther, false
	case r == 0x0640: // tatweel stretches an Arabic word
		return classArabic, false
	case unicode.IsLetter(r):
		if unicode.Is(unicode.Arabic, r) {
			return classArabic, false
		}
		return classOther, false
	case unicode.IsMark(r), r == 0x200D, r == 0x00AD, r == 0x200E, r == 0x200F, r == 0x061C:
		// Marks, ZWJ, soft hyphen and directional marks stay inside a word.
		return classNone, true
	}
	return classNone, false
}

// isApostrophe reports runes that join the two halves of a Latin word
// ("region's", "Washing’s").
func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// splitWords cuts text into words: maximal runs of letters, digits and
// marks of one class. Invalid UTF-8 bytes separate words. An apostrophe
// between two Latin letters stays inside the word. Words longer than
// maxWordBytes are dropped.
func splitWords(text string, fn func(w word)) {
	start, class := -1, classNone
	flush := func(end int) {
		if start >= 0 && end-start <= maxWordBytes {
			fn(word{Start: start, End: end, Arabic: class == classArabic})
		}
		start, class = -1, classNone
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			flush(i)
			i += size
			continue
		}
		c, ignorable := runeClass(r)
		switch {
		case ignorable:
			// Inside a word it is kept; alone it is nothing.
		case c == classNone:
			if isApostrophe(r) && class == classOther && i+size < len(text) {
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				if nc, _ := runeClass(next); nc == classOther && unicode.IsLetter(next) {
					break // "region's": the apostrophe joins
				}
			}
			flush(i)
		case c != class:
			flush(i)
			start, class = i, c
		}
		i += size
	}
	flush(len(text))
}
