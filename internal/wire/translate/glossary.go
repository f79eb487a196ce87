package translate

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Term is one glossary entry: how a name or term of the source is written
// in the target, so that a person keeps one spelling across a story and
// across the desk.
type Term struct {
	Source string // "Kirill Dmitriev": matched whole-word, ignoring case
	Target string // "كيريل دميترييف"
	// Variants are known wrong spellings of Target, or of one of its words,
	// that Unify replaces ("ديميتريف").
	Variants []string
}

// Glossary is the desk's list of terms for one language pair.
type Glossary []Term

// Validate checks that every term has both sides, fits on one line, and
// that no source term is listed twice.
func (g Glossary) Validate() error {
	seen := make(map[string]bool, len(g))
	for i, t := range g {
		if strings.TrimSpace(t.Source) == "" || strings.TrimSpace(t.Target) == "" {
			return badRequest("glossary entry %d: source and target are both required", i+1)
		}
		for _, s := range append([]string{t.Source, t.Target}, t.Variants...) {
			if strings.ContainsAny(s, "\t\r\n") || !utf8.ValidString(s) {
				return badRequest("glossary entry %d: terms must be one line of valid UTF-8 without tabs", i+1)
			}
			if strings.ContainsAny(s, phOpen+phClose) {
				return badRequest("glossary entry %d: terms must not contain %s or %s", i+1, phOpen, phClose)
			}
		}
		k := strings.ToLower(strings.TrimSpace(t.Source))
		if seen[k] {
			return badRequest("glossary entry %d: %q is listed twice", i+1, t.Source)
		}
		seen[k] = true
	}
	return nil
}

// bySourceLength returns the terms longest source first, so that "Kirill
// Dmitriev" is matched before a shorter term it contains.
func (g Glossary) bySourceLength() Glossary {
	out := make(Glossary, 0, len(g))
	for _, t := range g {
		t.Source = strings.TrimSpace(t.Source)
		t.Target = strings.TrimSpace(t.Target)
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Source) > len(out[j].Source) })
	return out
}

// matchAt returns the term whose source occurs in s at byte i as whole
// words (case ignored), or false.
func (g Glossary) matchAt(s string, i int) (Term, bool) {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); isWordRune(r) {
			return Term{}, false
		}
	}
	for _, t := range g {
		end := i + len(t.Source)
		if end > len(s) || !strings.EqualFold(s[i:end], t.Source) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && isWordRune(r) {
			continue
		}
		return t, true
	}
	return Term{}, false
}

// occurs reports whether term occurs in s as whole words, case ignored.
func occurs(s, term string) bool {
	g := Glossary{{Source: term}}
	for i := 0; i < len(s); {
		if _, ok := g.matchAt(s, i); ok {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_'
}

// Change is one spelling Unify replaced.
type Change struct {
	From, To string
	Count    int
}

// Unify makes text (a translation into the glossary's target language) use
// one spelling per glossary name: every listed Variant becomes the word of
// Target it stands for, and in Arabic script a word whose skeleton (its
// first letter, then its letters without the long vowels ا و ي, hamza seats
// and diacritics) equals that of a Target word of four or more letters is
// taken for a variant too: ديميتريف and ديمترييف both read د م ت ر ف. A one-letter
// proclitic (و ف ب ل ك) stays attached: وديميتريف becomes وديمترييف.
// Words are only ever replaced by Target words; everything else of text is
// kept byte for byte.
func (g Glossary) Unify(text string) (string, []Change) {
	words := g.targetWords()
	if len(words) == 0 {
		return text, nil
	}
	var b strings.Builder
	counts := map[[2]string]int{}
	var order [][2]string
	last := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) {
				break
			}
			j += size
		}
		word := text[i:j]
		if repl, ok := words.replacement(word); ok && repl != word {
			b.WriteString(text[last:i])
			b.WriteString(repl)
			last = j
			k := [2]string{word, repl}
			if counts[k] == 0 {
				order = append(order, k)
			}
			counts[k]++
		}
		i = j
	}
	if last == 0 {
		return text, nil
	}
	b.WriteString(text[last:])
	changes := make([]Change, 0, len(order))
	for _, k := range order {
		changes = append(changes, Change{From: k[0], To: k[1], Count: counts[k]})
	}
	return b.String(), changes
}

// targetWord is one word of a glossary target with what identifies its
// variants.
type targetWord struct {
	word     string
	skeleton string // "" when too short to match by skeleton
	variants []string
}

type targetWords []targetWord

func (g Glossary) targetWords() targetWords {
	var out targetWords
	seen := map[string]bool{}
	for _, t := range g {
		tw := strings.FieldsFunc(t.Target, func(r rune) bool { return !isWordRune(r) })
		for _, w := range tw {
			if seen[w] {
				continue
			}
			seen[w] = true
			x := targetWord{word: w}
			if sk := skeleton(w); utf8.RuneCountInString(sk) >= 4 {
				x.skeleton = sk
			}
			out = append(out, x)
		}
		// A variant of the whole name maps word by word when the counts
		// agree; a one-word variant maps to the target word it resembles.
		for _, v := range t.Variants {
			vw := strings.FieldsFunc(v, func(r rune) bool { return !isWordRune(r) })
			for k, w := range vw {
				target := ""
				if len(vw) == len(tw) {
					target = tw[k]
				} else if len(tw) == 1 {
					target = tw[0]
				}
				if target == "" || w == target {
					continue
				}
				for n := range out {
					if out[n].word == target {
						out[n].variants = append(out[n].variants, w)
					}
				}
			}
		}
	}
	return out
}

// replacement returns the spelling word should have, if it is a variant of
// a target word (with or without a one-letter proclitic).
func (ws targetWords) replacement(word string) (string, bool) {
	if r, ok := ws.match(word); ok {
		return r, true
	}
	p, size := utf8.DecodeRuneInString(word)
	if strings.ContainsRune("وفبلك", p) && utf8.RuneCountInString(word) > 4 {
		if r, ok := ws.match(word[size:]); ok {
			return word[:size] + r, true
		}
	}
	return "", false
}

func (ws targetWords) match(word string) (string, bool) {
	for _, w := range ws {
		if w.word == word {
			return word, true
		}
	}
	for _, w := range ws {
		for _, v := range w.variants {
			if v == word {
				return w.word, true
			}
		}
	}
	sk := skeleton(word)
	for _, w := range ws {
		if w.skeleton != "" && w.skeleton == sk && isArabicWord(word) {
			d := utf8.RuneCountInString(word) - utf8.RuneCountInString(w.word)
			if d >= -2 && d <= 2 {
				return w.word, true
			}
		}
	}
	return "", false
}

// skeleton is an Arabic word's first letter and consonants: diacritics and
// tatweel removed, after the first letter the long vowels and their hamza
// seats (ا أ إ آ ى و ؤ ي ئ) dropped, and ة read as ه. Other scripts give "".
func skeleton(w string) string {
	if !isArabicWord(w) {
		return ""
	}
	var b strings.Builder
	for k, r := range w {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640: // harakat, superscript alef, tatweel
		case k == 0 && strings.ContainsRune("اأإآ", r):
			b.WriteRune('ا') // a word's first letter is kept: و in وديميتريف is a proclitic
		case k == 0:
			b.WriteRune(r)
		case strings.ContainsRune("اأإآىوؤيئء", r):
		case r == 'ة':
			b.WriteRune('ه')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isArabicWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Arabic, r) {
			return false
		}
	}
	return w != ""
}
