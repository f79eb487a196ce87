package wire

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// evalTokens splits text into the tokens F1 is counted over: lowercased runs
// of letters and digits, except that each Han or kana character is a token
// of its own (Chinese and Japanese put no spaces between words).
func evalTokens(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// tokenF1 is the bag-of-tokens precision, recall and F1 of got against want.
func tokenF1(got, want string) (p, r, f float64) {
	g, w := evalTokens(got), evalTokens(want)
	if len(g) == 0 || len(w) == 0 {
		if len(g) == len(w) {
			return 1, 1, 1
		}
		return 0, 0, 0
	}
	bag := make(map[string]int, len(w))
	for _, t := range w {
		bag[t]++
	}
	common := 0
	for _, t := range g {
		if bag[t] > 0 {
			bag[t]--
			common++
		}
	}
	if common == 0 {
		return 0, 0, 0
	}
	p, r = float64(common)/float64(len(g)), float64(common)/float64(len(w))
	return p, r, 2 * p * r / (p + r)
}

func htmlFileText(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return nodeText(doc)
}

// TestExtractReadabilityPages measures token-level F1 between the text
// Extract finds in each page of Mozilla Readability's test set and the text
// of the article Readability.js is expected to extract from it.
func TestExtractReadabilityPages(t *testing.T) {
	dirs, _ := filepath.Glob(fixture(t, "extraction", "readability", "*", "source.html"))
	if len(dirs) == 0 {
		t.Fatal("no readability pages")
	}
	sort.Strings(dirs)
	var sumP, sumR, sumF float64
	titles := 0
	for _, src := range dirs {
		dir := filepath.Dir(src)
		name := filepath.Base(dir)
		page, _ := os.ReadFile(src)
		want := htmlFileText(t, filepath.Join(dir, "expected.html"))
		a, err := Extract(page, "http://fakehost/test/page.html")
		if err != nil {
			t.Logf("%-42s error: %v", name, err)
		}
		p, r, f := tokenF1(a.Text, want)
		sumP, sumR, sumF = sumP+p, sumR+r, sumF+f
		var meta struct{ Title string }
		raw, _ := os.ReadFile(filepath.Join(dir, "expected-metadata.json"))
		json.Unmarshal(raw, &meta)
		if a.Title == collapseSpaces(meta.Title) {
			titles++
		}
		t.Logf("%-42s P %.3f  R %.3f  F1 %.3f  lang %-6q title %.50q", name, p, r, f, a.Lang, a.Title)
	}
	n := float64(len(dirs))
	t.Logf("readability set: %d pages, average P %.3f R %.3f F1 %.3f; %d titles as expected", len(dirs), sumP/n, sumR/n, sumF/n, titles)
	if sumF/n < 0.9 {
		t.Errorf("average F1 %.3f is under 0.9", sumF/n)
	}
}

// trafilaturaEval is one entry of trafilatura's evaluation subset: snippets
// that must be in the extracted text, and boilerplate that must not.
type trafilaturaEval struct {
	File    string   `json:"file"`
	Date    string   `json:"date"`
	With    []string `json:"with"`
	Without []string `json:"without"`
}

// TestExtractTrafilaturaPages runs Extract over trafilatura's evaluation
// pages. Their gold standard is snippets, not whole texts, so the figure is
// a snippet F1: a "with" snippet found is a true positive, one missing a
// false negative, a "without" snippet present a false positive.
func TestExtractTrafilaturaPages(t *testing.T) {
	var evals map[string]trafilaturaEval
	if err := json.Unmarshal(readFixture(t, "extraction", "trafilatura", "evaldata-subset.json"), &evals); err != nil {
		t.Fatal(err)
	}
	urls := make([]string, 0, len(evals))
	for u := range evals {
		urls = append(urls, u)
	}
	sort.Slice(urls, func(i, j int) bool { return evals[urls[i]].File < evals[urls[j]].File })
	var sumF float64
	tp, fn, fp := 0, 0, 0
	dated, datesRight := 0, 0
	for _, u := range urls {
		e := evals[u]
		page := readFixture(t, "extraction", "trafilatura", "pages", e.File)
		a, err := Extract(page, u)
		if err != nil {
			t.Logf("%-48s error: %v", e.File, err)
		}
		if e.Date != "" {
			dated++
			if got := a.Published.Format("2006-01-02"); got == e.Date {
				datesRight++
			} else {
				t.Logf("%-48s date %s, want %s", e.File, got, e.Date)
			}
		}
		text := collapseSpaces(a.Text)
		ptp, pfn, pfp := 0, 0, 0
		var missing, leaked []string
		for _, s := range e.With {
			if strings.Contains(text, collapseSpaces(s)) {
				ptp++
			} else {
				pfn++
				missing = append(missing, s)
			}
		}
		for _, s := range e.Without {
			if strings.Contains(text, collapseSpaces(s)) {
				pfp++
				leaked = append(leaked, s)
			}
		}
		f := 1.0
		if ptp+pfn+pfp > 0 {
			f = 2 * float64(ptp) / float64(2*ptp+pfn+pfp)
		}
		sumF += f
		tp, fn, fp = tp+ptp, fn+pfn, fp+pfp
		t.Logf("%-48s F1 %.3f  with %d/%d  boilerplate %d/%d  lang %-6q %d chars  missing %q leaked %q",
			e.File, f, ptp, len(e.With), pfp, len(e.Without), a.Lang, len(a.Text), missing, leaked)
	}
	n := float64(len(urls))
	t.Logf("trafilatura set: %d pages, average snippet F1 %.3f (pooled: %d of %d snippets found, %d boilerplate snippets leaked)",
		len(urls), sumF/n, tp, tp+fn, fp)
	if sumF/n < 0.9 {
		t.Errorf("average snippet F1 %.3f is under 0.9", sumF/n)
	}
	t.Logf("trafilatura set: publication date right on %d of %d pages that have one in the gold standard", datesRight, dated)
	if datesRight*4 < dated*3 {
		t.Errorf("dates right on only %d of %d pages", datesRight, dated)
	}
}
