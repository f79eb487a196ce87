package arabic

import "unicode"

// Reading speeds in words per minute. Arabic is read more slowly per word
// than English because its words are longer: clitics (و، ب، ال…) are
// written joined to the word.
const (
	arabicWordsPerMinute = 180
	otherWordsPerMinute  = 230
)

// WordCount counts the words of s: maximal runs of letters, decimal digits
// and combining marks, in any script. Everything else separates words, so
// "don't" counts as two, and so does a Persian compound joined with a
// zero-width non-joiner; invalid UTF-8 bytes count as separators too.
func WordCount(s string) int {
	n := 0
	inWord := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if !inWord {
				n++
			}
			inWord = true
		} else {
			inWord = false
		}
	}
	return n
}

// ReadingMinutes estimates the minutes needed to read words words in
// language lang: 180 words a minute for Arabic, 230 for other languages,
// rounded up, and never less than 1 (a "0 min read" label helps no one).
func ReadingMinutes(words int, lang string) int {
	wpm := otherWordsPerMinute
	if isArabicLang(lang) {
		wpm = arabicWordsPerMinute
	}
	if words <= 0 {
		return 1
	}
	m := words / wpm
	if words%wpm != 0 {
		m++
	}
	return max(m, 1)
}
