package search

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/testenv"
)

func TestTokens(t *testing.T) {
	a := &Analyzer{}
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"stopwords only", "في من على إلى", nil},
		{"english stemmed, stopwords dropped", "The Talks were running", []string{"talk", "run"}},
		{"possessive", "Washing’s Envoy", []string{"wash", "envoy"}},
		{"accents folded", "Café Olé", []string{"cafe", "ole"}},
		{"digits unified", "٢٠٢٢ 2022 ۲۰۲۲", []string{"2022", "2022", "2022"}},
		{"arabic letters and digits split", "2022م", []string{"2022"}},
		{"latin and digits stay together", "G20 COVID-19", []string{"g20", "covid", "19"}},
		{"invalid utf-8 separates", "abc\xffdef", []string{"abc", "def"}},
		{"definite article and plural", "المحادثات محادثات", []string{"محادث", "محادث"}},
		{"waw-al", "والحسن بالحسن الحسن", []string{"حسن", "حسن", "حسن"}},
		{"conjunction before hamza", "وأكد أكد", []string{"اكد", "اكد"}},
	}
	for _, tt := range tests {
		if got := a.Tokens(tt.in, "ar"); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Tokens(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestSpellingVariants: every spelling variant the normalizer folds gives
// the very same terms, by construction (normalization comes first).
func TestSpellingVariants(t *testing.T) {
	a := &Analyzer{}
	groups := [][]string{
		{"الأمريكيين", "الامريكيين", "الإمريكيين", "الأَمْرِيكِيِّينَ", "الأمـــريكيين"},
		{"المتحدة", "المتحده", "المُتَّحِدَة"},
		{"مستشفى", "مستشفي"},
		{"مسؤول", "مسئول", "مسؤول"},
		{"إعادة", "اعادة", "أعادة", "اعاده"},
		{"الكبرى", "الكبري", "الكُبْرَى"},
		{"٢٠٢٢", "2022"},
		{"ديمترييف", "دِيمِتْرِييف"},
	}
	for _, g := range groups {
		want := a.Tokens(g[0], "ar")
		for _, v := range g[1:] {
			if got := a.Tokens(v, "ar"); !slices.Equal(got, want) {
				t.Errorf("%s → %q but %s → %q", g[0], want, v, got)
			}
		}
	}
}

func TestSkeleton(t *testing.T) {
	same := [][]string{
		{"ديمترييف", "ديميتريف", "دميتريف", "لديمترييف", "وديميتريف"},
		{"ترامب", "ترمب", "لترامب"},
		{"جراهام", "غراهام", "قراهام"},
		{"بوتين", "لبوتين", "وبوتين"},
		{"ويتكوف", "ويتكوڤ"},
	}
	for _, g := range same {
		want := skeleton(arabic.Normalize(g[0]))
		if want == "" {
			t.Errorf("%s has no skeleton", g[0])
		}
		for _, w := range g[1:] {
			if got := skeleton(arabic.Normalize(w)); got != want {
				t.Errorf("skeleton(%s) = %q, skeleton(%s) = %q", g[0], want, w, got)
			}
		}
	}
	for _, w := range []string{"في", "كتب", "قال", "بنك"} {
		if k := skeleton(w); k != "" {
			t.Errorf("skeleton(%s) = %q, want none (too short)", w, k)
		}
	}
}

// TestSkeletonAmbiguity measures how much skeleton keys join words that are
// not spellings of one another, on the Snowball vocabulary: the share of
// words whose key is shared with a word of another Snowball stem. Skeleton
// matches rank at 0.3 of an exact match for that reason.
func TestSkeletonAmbiguity(t *testing.T) {
	voc := readVocabulary(t)
	stemsByKey := map[string]map[string]bool{}
	withKey := 0
	for _, p := range voc {
		k := skeleton(arabic.Normalize(p.word))
		if k == "" {
			continue
		}
		withKey++
		if stemsByKey[k] == nil {
			stemsByKey[k] = map[string]bool{}
		}
		stemsByKey[k][p.stem] = true
	}
	shared := 0
	for _, p := range voc {
		if k := skeleton(arabic.Normalize(p.word)); k != "" && len(stemsByKey[k]) > 1 {
			shared++
		}
	}
	t.Logf("skeletons: %d of %d vocabulary words have one; %d distinct keys; %.1f%% of keyed words share their key with another Snowball stem",
		withKey, len(voc), len(stemsByKey), 100*float64(shared)/float64(max(withKey, 1)))
}

// sampleWords returns the Arabic words of the sample article's body.
func sampleText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Fixtures(t), "seed-article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if i := strings.Index(text, "اكتشاف المزيد"); i > 0 {
		text = text[:i] // the site's furniture after the story
	}
	return text
}

// TestAffixRecall measures, over the content words of the sample article,
// how often a query word carrying a clitic (و ف ب ك ل ال وال بال) or, for
// bare noun bases, a suffix (ها ات ون ين ية) still matches one of the
// article's terms: for Snowball alone, with the light steps and query
// variants, and with skeletons too.
func TestAffixRecall(t *testing.T) {
	text := sampleText(t)
	var words []string
	seen := map[string]bool{}
	splitWords(text, func(w word) {
		s := arabic.Normalize(text[w.Start:w.End])
		if w.Arabic && len([]rune(s)) >= 4 && !seen[s] {
			if _, stop := arabicStopwords[s]; !stop && !strings.HasPrefix(s, "ال") && !strings.HasPrefix(s, "و") {
				seen[s] = true
				words = append(words, s)
			}
		}
	})
	prefixes := []string{"و", "ف", "ب", "ك", "ل", "ال", "وال", "بال"}
	suffixes := []string{"ها", "ات", "ون", "ين", "ية"}
	for _, c := range []struct {
		name string
		a    *Analyzer
	}{
		{"Snowball alone", &Analyzer{snowballOnly: true, noSkeleton: true}},
		{"with light steps and query variants", &Analyzer{noSkeleton: true}},
		{"full analyzer (with skeletons)", &Analyzer{}},
	} {
		terms := map[string]bool{}
		c.a.analyze(text, func(tk token) {
			terms[tk.Term] = true
			if !c.a.noSkeleton {
				terms[tk.Skel] = true
			}
		})
		found := func(form string) bool {
			q, err := c.a.Query(form)
			if err != nil {
				return false
			}
			for _, alt := range q.Clauses[0].Alts {
				if terms[alt.Terms[0]] {
					return true
				}
			}
			return false
		}
		var pre, suf, n, nsuf int
		for _, w := range words {
			for _, p := range prefixes {
				if found(p + w) {
					pre++
				}
			}
			if !strings.ContainsAny(w[len(w)-2:], "اتهينوم") { // a bare noun or adjective base
				for _, s := range suffixes {
					if found(w + s) {
						suf++
					}
				}
				nsuf++
			}
			n++
		}
		t.Logf("%s: over %d words of the sample article, prefixed forms found %.1f%%, suffixed forms %.1f%%",
			c.name, n, 100*float64(pre)/float64(n*len(prefixes)), 100*float64(suf)/float64(nsuf*len(suffixes)))
		if !c.a.snowballOnly && (pre < n*len(prefixes)*9/10 || suf < nsuf*len(suffixes)*9/10) {
			t.Errorf("affix recall too low: %d/%d prefixed, %d/%d suffixed", pre, n*len(prefixes), suf, nsuf*len(suffixes))
		}
	}
}
