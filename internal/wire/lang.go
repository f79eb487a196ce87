package wire

import (
	"strings"
	"unicode"
)

// maxLangWords bounds the words looked at: a few thousand decide as well
// as a whole book.
const maxLangWords = 4000

// DetectLanguage guesses the language of a text and returns its ISO 639-1
// code, or "" when the text is too short or too mixed to say. The script
// decides first: Arabic script gives ar, fa or ur by the letters only
// Persian or Urdu use; Hebrew gives he; Cyrillic ru, uk or sr; Greek el; Han
// with kana ja, Hangul ko, Han alone zh; Thai th; Devanagari hi. Latin text
// is matched against the most frequent words of en, fr, es, de, it, pt, tr,
// nl, sv, no, fi and pl.
func DetectLanguage(text string) string {
	lang, _ := detectLanguage(text)
	return lang
}

// detectLanguage also returns the stopword scores of Latin text, which
// chooseLang weighs against a page's declared language.
func detectLanguage(text string) (string, map[string]float64) {
	var counts scriptCounts
	words := 0
	inWord := false
	for _, r := range text {
		if !unicode.IsLetter(r) {
			inWord = false
			continue
		}
		if !inWord {
			words++
			inWord = true
			if words > maxLangWords {
				break
			}
		}
		counts.add(r)
	}
	if counts.letters < 20 {
		return "", nil
	}
	switch script := counts.dominant(); script {
	case "":
		return "", nil
	case "latin":
		return latinLanguage(text)
	case "arabic":
		return counts.arabicLanguage(), nil
	case "cyrillic":
		return counts.cyrillicLanguage(), nil
	case "cjk":
		switch {
		case counts.hangul > counts.han && counts.hangul > counts.kana:
			return "ko", nil
		case counts.kana*10 > counts.han:
			return "ja", nil
		}
		return "zh", nil
	default:
		return script, nil // the script names a single language
	}
}

// scriptCounts counts letters per script, and the letters that tell the
// languages sharing a script apart.
type scriptCounts struct {
	letters, latin, arabic, hebrew, cyrillic, greek, han, kana, hangul, thai, devanagari int
	persian, urdu, arabicOnly                                                            int
	ukrainian, serbian                                                                   int
}

func (c *scriptCounts) add(r rune) {
	c.letters++
	switch {
	case r < 0x250:
		c.latin++
	case unicode.Is(unicode.Arabic, r):
		c.arabic++
		switch r {
		case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
			c.persian++
		case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ہ':
			c.urdu++
		case 'ة', 'ى', 'ي', 'ك':
			c.arabicOnly++
		}
	case unicode.Is(unicode.Hebrew, r):
		c.hebrew++
	case unicode.Is(unicode.Cyrillic, r):
		c.cyrillic++
		switch r {
		case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
			c.ukrainian++
		case 'ђ', 'ј', 'љ', 'њ', 'ћ', 'џ', 'Ђ', 'Ј', 'Љ', 'Њ', 'Ћ', 'Џ':
			c.serbian++
		}
	case unicode.Is(unicode.Greek, r):
		c.greek++
	case unicode.Is(unicode.Han, r):
		c.han++
	case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		c.kana++
	case unicode.Is(unicode.Hangul, r):
		c.hangul++
	case unicode.Is(unicode.Thai, r):
		c.thai++
	case unicode.Is(unicode.Devanagari, r):
		c.devanagari++
	case unicode.Is(unicode.Latin, r):
		c.latin++
	}
}

// dominant names the script of at least 40% of the letters: "latin",
// "arabic", "cyrillic", "cjk", or the language code of a one-language
// script; "" when none reaches it.
func (c *scriptCounts) dominant() string {
	best, name := 0, ""
	for _, s := range []struct {
		n    int
		name string
	}{
		{c.latin, "latin"}, {c.arabic, "arabic"}, {c.hebrew, "he"}, {c.cyrillic, "cyrillic"},
		{c.greek, "el"}, {c.han + c.kana + c.hangul, "cjk"}, {c.thai, "th"}, {c.devanagari, "hi"},
	} {
		if s.n > best {
			best, name = s.n, s.name
		}
	}
	// CJK text carries a lot of Latin (names, numbers in words, URLs) and
	// each ideograph is a word: count them double.
	if name == "latin" && (c.han+c.kana+c.hangul)*2 > c.latin {
		name = "cjk"
	}
	if best*10 < c.letters*4 && name != "cjk" {
		return ""
	}
	return name
}

func (c *scriptCounts) arabicLanguage() string {
	switch {
	case c.urdu*100 > c.arabic && c.urdu > c.arabicOnly:
		return "ur"
	case c.persian > c.arabicOnly:
		return "fa"
	}
	return "ar"
}

func (c *scriptCounts) cyrillicLanguage() string {
	switch {
	case c.ukrainian*100 > c.cyrillic:
		return "uk"
	case c.serbian*100 > c.cyrillic:
		return "sr"
	}
	return "ru"
}

// latinLanguage scores the share of words that are among each language's
// most frequent ones. It answers "" when the best share is under 12% (not
// prose, or a language without a profile) or too close to the second.
func latinLanguage(text string) (string, map[string]float64) {
	hits := make(map[string]int, len(stopwords))
	total := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		total++
		if total > maxLangWords {
			break
		}
		for _, lang := range stopwordIndex[strings.ToLower(w)] {
			hits[lang]++
		}
	}
	if total < 5 {
		return "", nil
	}
	scores := make(map[string]float64, len(hits))
	best, second, bestLang := 0.0, 0.0, ""
	for lang, n := range hits {
		s := float64(n) / float64(total)
		scores[lang] = s
		switch {
		case s > best:
			best, second, bestLang = s, best, lang
		case s > second:
			second = s
		}
	}
	if best < 0.12 || best < second*1.15 {
		return "", scores
	}
	return bestLang, scores
}

// chooseLang reconciles a page's declared language with its text. The
// declaration is respected — it may name a language without a profile here,
// or a region ("pt-br") — unless the text is in another script, or the
// declared language is a profiled Latin one that the text plainly is not
// (templates left at lang="en" are common).
func chooseLang(declared, text string) string {
	detected, scores := detectLanguage(text)
	if declared == "" || detected == "" {
		if declared == "" {
			return detected
		}
		return declared
	}
	primary, _, _ := strings.Cut(declared, "-")
	if primary == detected {
		return declared
	}
	if langScript(primary) != langScript(detected) {
		return detected
	}
	if _, profiled := stopwords[primary]; profiled && scores[primary] < scores[detected]/3 {
		return detected
	}
	return declared
}

// langScript is the script a language is written in, for the languages
// DetectLanguage can answer with; every other language counts as Latin.
func langScript(lang string) string {
	switch lang {
	case "ar", "fa", "ur", "ps", "ckb", "sd", "ug":
		return "arabic"
	case "he", "iw", "yi":
		return "hebrew"
	case "ru", "uk", "sr", "bg", "be", "mk", "kk":
		return "cyrillic"
	case "zh", "ja", "ko":
		return "cjk"
	case "el", "th", "hi":
		return lang
	}
	return "latin"
}
