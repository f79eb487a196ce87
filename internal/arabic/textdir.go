package arabic

import "unicode"

// TextDirection is the direction of plain text by the first strong letter,
// as a browser decides dir="auto": "rtl" when the first letter is of a
// right-to-left script, "ltr" when it is any other letter, and "" when the
// text has no letter at all (digits, punctuation, nothing).
func TextDirection(s string) string {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		if r >= 0x0590 && isRTLLetter(r) {
			return "rtl"
		}
		return "ltr"
	}
	return ""
}
