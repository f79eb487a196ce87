package arabic

import "strings"

// rtlLanguage reports whether a lowercased primary language subtag names a
// language whose default script is written right to left. A switch rather
// than a map keeps the table immutable.
func rtlLanguage(primary string) bool {
	switch primary {
	case "ar", "fa", "ur", "he", "ps", "ckb", "yi", "dv", "sd", "ug",
		"iw", "ji": // deprecated codes for he and yi, still sent by old content
		return true
	}
	return false
}

// rtlScript reports whether a lowercased ISO 15924 script subtag names a
// right-to-left script, so that an explicit script in a tag wins over the
// language's default: "ku-Arab" is rtl, "sd-Deva" and "ar-Latn" are ltr.
func rtlScript(script string) bool {
	switch script {
	case "arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr", "yezi":
		return true
	}
	return false
}

// Direction returns "rtl" for a BCP 47 language tag whose text is written
// right to left (ar, fa, ur, he, ps, ckb, yi, dv, sd, ug, with or without
// region and other subtags, in any letter case, '-' or '_' separated) and
// "ltr" for everything else, including the empty tag. An explicit script
// subtag decides over the language: "ar-Latn" is "ltr", "pa-Arab" is "rtl".
func Direction(lang string) string {
	primary, script := splitTag(lang)
	if script != "" {
		if rtlScript(script) {
			return "rtl"
		}
		return "ltr"
	}
	if rtlLanguage(primary) {
		return "rtl"
	}
	return "ltr"
}

// isArabicLang reports whether lang's primary subtag is Arabic ("ar",
// "ar-EG", "AR_sa"…); date formats and reading speed depend on it.
func isArabicLang(lang string) bool {
	primary, _ := splitTag(lang)
	return primary == "ar"
}

// splitTag returns the lowercased primary language subtag of lang and its
// script subtag (a four-letter second subtag), or "" when there is none.
func splitTag(lang string) (primary, script string) {
	lang = strings.ToLower(strings.TrimSpace(lang))
	parts := strings.FieldsFunc(lang, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 {
		return "", ""
	}
	primary = parts[0]
	if len(parts) > 1 && len(parts[1]) == 4 && isASCIILetters(parts[1]) {
		script = parts[1]
	}
	return primary, script
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
