package search

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/testenv"
)

// The Snowball Arabic vocabulary (GPL) and the other vectors are read from
// the shared fixtures at test time only; nothing of them is copied here.

func fixturePath(t *testing.T, parts ...string) string {
	t.Helper()
	return filepath.Join(append([]string{testenv.Fixtures(t), "arabic"}, parts...)...)
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type vocPair struct{ word, stem string }

func readVocabulary(t *testing.T) []vocPair {
	t.Helper()
	f, err := os.Open(fixturePath(t, "snowball", "arabic-voc-output-sample.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vocPair
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w, s, ok := strings.Cut(sc.Text(), "\t")
		if ok {
			out = append(out, vocPair{w, s})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 1000 {
		t.Fatalf("vocabulary sample has only %d pairs", len(out))
	}
	return out
}

// term is the analyzer's single index term for one Arabic word, or "" for a
// stopword.
func term(a *Analyzer, w string) string {
	t, ok := a.term(w, true)
	if !ok {
		return ""
	}
	return t.Term
}

// TestSnowballVocabulary measures, on the Snowball project's own Arabic
// vocabulary sample, (1) that the stemmer is Snowball's: it must give the
// expected stem for every word, and (2) what the full analyzer does with the
// same words: how often its term is Snowball's stem (normalized), how many
// of the pairs Snowball conflates it also conflates, and how many words it
// conflates that Snowball keeps apart.
func TestSnowballVocabulary(t *testing.T) {
	voc := readVocabulary(t)
	equal := 0
	for _, p := range voc {
		if snowballArabic(p.word) == p.stem {
			equal++
		} else if equal < 20 {
			t.Logf("differs: %s → %s, want %s", p.word, snowballArabic(p.word), p.stem)
		}
	}
	pct := 100 * float64(equal) / float64(len(voc))
	t.Logf("Snowball stemmer: %d of %d vocabulary words give the expected stem (%.2f%%)", equal, len(voc), pct)
	if pct < 99.9 {
		t.Errorf("the stemmer is not Snowball's: %.2f%% agreement", pct)
	}

	for _, c := range []struct {
		name string
		a    *Analyzer
	}{{"snowball on normalized words", &Analyzer{snowballOnly: true}}, {"full analyzer", &Analyzer{}}} {
		same, stop := 0, 0
		byRef := map[string][]string{} // Snowball stem → our terms of its words
		byOurs := map[string]map[string]bool{}
		for _, p := range voc {
			got := term(c.a, p.word)
			if got == "" {
				stop++
				continue
			}
			if got == term(c.a, p.stem) || got == arabic.Normalize(p.stem) {
				same++
			}
			byRef[p.stem] = append(byRef[p.stem], got)
			if byOurs[got] == nil {
				byOurs[got] = map[string]bool{}
			}
			byOurs[got][p.stem] = true
		}
		kept, pairs := 0, 0
		for _, terms := range byRef {
			for i := range terms {
				for j := i + 1; j < len(terms); j++ {
					pairs++
					if terms[i] == terms[j] {
						kept++
					}
				}
			}
		}
		merged := 0
		for _, stems := range byOurs {
			if len(stems) > 1 {
				merged += len(stems) - 1
			}
		}
		t.Logf("%s: term equals Snowball's stem (or its term) for %.1f%% of %d words (%d stopwords); "+
			"keeps %d of %d pairs Snowball conflates (%.1f%%); folds %d of %d Snowball stems into another (%.2f%%)",
			c.name, 100*float64(same)/float64(len(voc)-stop), len(voc), stop, kept, pairs, 100*float64(kept)/float64(max(pairs, 1)),
			merged, len(byRef), 100*float64(merged)/float64(len(byRef)))
		if !c.a.snowballOnly && float64(kept) < 0.88*float64(pairs) {
			t.Errorf("%s keeps only %d of %d pairs Snowball conflates", c.name, kept, pairs)
		}
	}
}

// TestNLTKVectors checks the NLTK Snowball-Arabic assertions: the stemmer's
// own agreement (three cases are known NLTK divergences, see SOURCES.md), and
// that the analyzer conflates each word with its expected stem.
func TestNLTKVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			IgnoreStopwords *bool `json:"ignore_stopwords"`
			Input, Expected string
		}
	}
	readJSONFile(t, fixturePath(t, "nltk", "snowball-arabic-nltk-vectors.json"), &v)
	a := &Analyzer{}
	agree, conflate, n := 0, 0, 0
	for _, c := range v.Cases {
		n++
		if snowballArabic(c.Input) == c.Expected {
			agree++
		}
		in, want := term(a, c.Input), term(a, c.Expected)
		if in == want {
			conflate++
		} else {
			t.Logf("analyzer keeps apart %s (%q) and %s (%q)", c.Input, in, c.Expected, want)
		}
	}
	t.Logf("NLTK vectors: Snowball gives NLTK's stem for %d of %d; the analyzer conflates %d of %d", agree, n, conflate, n)
	if agree < n-3 {
		t.Errorf("Snowball agrees with NLTK on %d of %d, want at least %d", agree, n, n-3)
	}
	if conflate < n-1 {
		t.Errorf("the analyzer conflates only %d of %d NLTK pairs", conflate, n)
	}
}

// TestLuceneVectors checks Lucene's light-stemmer and analyzer cases as
// conflation: a word and its expected stem (or analyzed tokens) must give
// the same terms. Exact stems differ by design (Lucene is a light stemmer,
// Snowball is not).
func TestLuceneVectors(t *testing.T) {
	var v struct {
		LightStem []struct {
			Test, Input, Expected string
			Keyword               bool
		} `json:"light_stem"`
		Analyzer []struct {
			Test, Config, Input string
			ExpectedTokens      []string `json:"expected_tokens"`
		}
	}
	readJSONFile(t, fixturePath(t, "lucene", "arabic-analysis-vectors.json"), &v)
	a := &Analyzer{}
	// Cases sharing an expected stem must share a term, and that term must
	// be the expected stem's own when it is a word.
	groups := map[string][]string{}
	for _, c := range v.LightStem {
		if !c.Keyword && c.Input != "" {
			groups[c.Expected] = append(groups[c.Expected], c.Input)
		}
	}
	ok, n := 0, 0
	for want, inputs := range groups {
		wantTerms := strings.Join(a.Tokens(want, "ar"), " ")
		for _, in := range inputs {
			n++
			got := strings.Join(a.Tokens(in, "ar"), " ")
			if got == wantTerms {
				ok++
			} else {
				t.Logf("light stem: %s → [%s], its expected stem %s → [%s]", in, got, want, wantTerms)
			}
		}
	}
	t.Logf("Lucene light-stem cases: %d of %d give the term of their expected stem", ok, n)
	if ok < n-2 {
		t.Errorf("only %d of %d Lucene light-stem cases conflate", ok, n)
	}
	groups = map[string][]string{}
	for _, c := range v.Analyzer {
		if c.Config == "default" {
			key := strings.Join(c.ExpectedTokens, " ")
			groups[key] = append(groups[key], c.Input)
		}
	}
	ok, n = 0, 0
	for want, inputs := range groups {
		n++
		first := strings.Join(a.Tokens(inputs[0], "ar"), " ")
		same := first != ""
		for _, in := range inputs[1:] {
			if got := strings.Join(a.Tokens(in, "ar"), " "); got != first {
				same = false
				t.Errorf("analyzer: %q → [%s] but %q → [%s], Lucene gives both %s", inputs[0], first, in, got, want)
			}
		}
		if same {
			ok++
		}
	}
	t.Logf("Lucene analyzer cases: %d of %d groups of inputs with one expected analysis give one analysis", ok, n)
}

// TestTRECTopics analyzes the TREC 2002 Arabic topics, real queries written
// by assessors, as queries and as text: each must parse and give terms.
func TestTRECTopics(t *testing.T) {
	var v struct {
		Topics []struct{ ID, Title, Description, Narrative string }
	}
	readJSONFile(t, fixturePath(t, "ir-topics", "topics.trec02ar-ar.json"), &v)
	if len(v.Topics) < 50 {
		t.Fatalf("only %d topics", len(v.Topics))
	}
	a := &Analyzer{}
	terms := 0
	for _, tp := range v.Topics {
		for _, q := range []string{tp.Title, tp.Description, tp.Narrative} {
			pq, err := a.Query(q)
			if err != nil {
				t.Errorf("%s: %q: %v", tp.ID, q, err)
				continue
			}
			if len(pq.Clauses) == 0 {
				t.Errorf("%s: %q gave no clauses", tp.ID, q)
			}
			terms += len(a.Tokens(q, "ar"))
		}
	}
	t.Logf("TREC topics: %d queries analyzed, %d terms", 3*len(v.Topics), terms)
}
