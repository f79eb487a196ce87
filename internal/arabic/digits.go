package arabic

import (
	"strings"
	"unicode/utf8"
)

// ToArabicIndic replaces the ASCII digits 0–9 with the Arabic-Indic digits
// ٠–٩ (U+0660–U+0669). Everything else, Extended Arabic-Indic (Persian)
// digits and invalid UTF-8 bytes included, is copied unchanged.
func ToArabicIndic(s string) string {
	if strings.IndexFunc(s, isASCIIDigit) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' {
			b.WriteRune(rune(0x0660 + int(c-'0')))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ToLatinDigits replaces Arabic-Indic (U+0660–U+0669) and Extended
// Arabic-Indic (U+06F0–U+06F9, used for Persian and Urdu) digits with ASCII
// 0–9. Everything else, invalid UTF-8 bytes included, is copied unchanged.
func ToLatinDigits(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return latinDigit(r) >= 0 }) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if d := latinDigit(r); d >= 0 {
			b.WriteByte(byte(d))
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// latinDigit returns the ASCII digit byte for an Arabic-Indic or Extended
// Arabic-Indic digit, or -1 for any other rune.
func latinDigit(r rune) int {
	switch {
	case 0x0660 <= r && r <= 0x0669:
		return '0' + int(r-0x0660)
	case 0x06F0 <= r && r <= 0x06F9:
		return '0' + int(r-0x06F0)
	}
	return -1
}

func isASCIIDigit(r rune) bool { return '0' <= r && r <= '9' }
