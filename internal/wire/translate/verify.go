package translate

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
)

// Review compares a translation with its source and reports, for the
// editor, what did not come through: numbers (Latin and Arabic-Indic digits
// count as equal, and thousands separators are ignored), square-bracketed
// insertions (missing, or left untranslated in a target of another
// script), quotation marks, glossary names, and, for HTML, the markup. It
// works on any pair, not only on this package's output: the desk can run it
// over copy that arrived already translated. Warnings carry Segment 0.
func Review(source, translation string, format Format, to string, g Glossary) []Warning {
	return review(source, translation, format, normLang(to), g)
}

func review(src, out string, format Format, to string, g Glossary) []Warning {
	var ws []Warning
	add := func(code, format string, args ...any) {
		ws = append(ws, Warning{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	vs, vo := visibleText(src, format), visibleText(out, format)

	have := map[string]int{}
	for _, n := range numbers(vo) {
		have[n]++
	}
	for _, n := range numbers(vs) {
		if have[n] > 0 {
			have[n]--
			continue
		}
		add(WarnNumberMissing, "number %s missing", n)
	}

	sb, ob := brackets(vs), brackets(vo)
	for k, b := range sb {
		if k >= len(ob) {
			add(WarnBracketMissing, "bracket [%s] missing", b)
			continue
		}
		if ob[k] == b && hasLatinLetter(b) && !latinScript(to) {
			add(WarnBracketUntranslated, "bracket [%s] left untranslated", b)
		}
	}

	if qs, qo := quoteMarks(vs), quoteMarks(vo); qo < qs {
		add(WarnQuoteMissing, "%d of %d quotation marks missing", qs-qo, qs)
	}

	for _, t := range g {
		if occurs(vs, strings.TrimSpace(t.Source)) && !strings.Contains(vo, strings.TrimSpace(t.Target)) {
			add(WarnNameMissing, "name %s (%s) missing", strings.TrimSpace(t.Source), strings.TrimSpace(t.Target))
		}
	}

	if format == FormatHTML {
		if a, b := markupSignature(src), markupSignature(out); !slices.Equal(a, b) {
			add(WarnMarkupChanged, "markup changed: source has %s, translation %s", sigString(a), sigString(b))
		}
	}
	return ws
}

// numbers lists the numbers of s in a comparable form: Latin digits, the
// Arabic decimal separator ٫ read as ".", thousands separators (, and ٬
// between digit groups of three) dropped.
func numbers(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if digitValue(r) < 0 {
			i += size
			continue
		}
		n := numberLen(s[i:])
		out = append(out, normNumber(s[i:i+n]))
		i += n
	}
	return out
}

func normNumber(n string) string {
	n = arabic.ToLatinDigits(n)
	n = strings.ReplaceAll(n, "٫", ".")
	n = strings.ReplaceAll(n, "٬", ",")
	// "500,000" and "500000" are the same number; "3,5" (a decimal comma)
	// is left alone because its group is not three digits.
	parts := strings.Split(n, ",")
	grouped := len(parts) > 1
	for _, p := range parts[1:] {
		d, _, _ := strings.Cut(p, ".")
		if len(d) != 3 {
			grouped = false
		}
	}
	if grouped {
		n = strings.Join(parts, "")
	}
	return n
}

// brackets lists the contents of the [square bracket] pairs of s, in
// order; nesting is not expected in news copy and is read flat.
func brackets(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i+1:], ']')
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSpace(s[i+1:i+1+j]))
		s = s[i+1+j+1:]
	}
}

func quoteMarks(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isQuoteMark(s, i, r, size) {
			n++
		}
		i += size
	}
	return n
}

func hasLatinLetter(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}

// latinScript reports whether lang is written in the Latin script, so that
// a Latin word left in a translation into it may be correct.
func latinScript(lang string) bool {
	switch primaryLang(lang) {
	case "ar", "fa", "ur", "ps", "he", "yi", "ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn",
		"el", "hy", "ka", "zh", "ja", "ko", "hi", "mr", "ne", "bn", "pa", "gu", "ta", "te", "kn",
		"ml", "si", "th", "lo", "km", "my", "am", "ti", "dv":
		return false
	}
	return true
}

func sigString(sig []string) string {
	if len(sig) == 0 {
		return "no tags"
	}
	var b strings.Builder
	for _, t := range sig {
		b.WriteString("<" + t + ">")
	}
	return b.String()
}
