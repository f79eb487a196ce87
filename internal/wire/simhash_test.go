package wire

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fixtureArticles returns real article texts of at least 150 words: the
// expected texts of the readability pages (the placeholder-Latin ones left
// out: they are copies of one another), the text extracted from the
// trafilatura pages, and the Arabic sample article.
func fixtureArticles(t testing.TB) map[string]string {
	out := map[string]string{}
	dirs, _ := filepath.Glob(fixture(t, "extraction", "readability", "*", "expected.html"))
	for _, p := range dirs {
		f, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := htmlFragmentText(string(f))
		if !strings.Contains(text, "Lorem ipsum") && len(strings.Fields(text)) >= 150 {
			out["readability/"+filepath.Base(filepath.Dir(p))] = text
		}
	}
	pages, _ := filepath.Glob(fixture(t, "extraction", "trafilatura", "pages", "*.html"))
	for _, p := range pages {
		raw, _ := os.ReadFile(p)
		if a, err := Extract(raw, "https://example.org/"); err == nil && len(strings.Fields(a.Text)) >= 150 {
			out["trafilatura/"+filepath.Base(p)] = a.Text
		}
	}
	_, _, body, _ := seedArticle(t)
	out["seed-article"] = strings.Join(body, "\n\n")
	return out
}

// nearDuplicates makes the copies of a story a wire desk sees: the same
// text reformatted, with an agency dateline and credit, with one word in a
// hundred (or in thirty) changed, without its last paragraph; and, for
// Arabic, the same text spelled with diacritics, tatweel and other hamza
// and ta marbuta forms.
func nearDuplicates(text string) map[string]string {
	words := strings.Fields(text)
	edit := func(every int) string {
		out := append([]string(nil), words...)
		for i := every / 2; i < len(out); i += every {
			out[i] = fmt.Sprintf("changed%d", i)
		}
		return strings.Join(out, " ")
	}
	paras := strings.Split(text, "\n\n")
	v := map[string]string{
		"reformatted": strings.ToUpper(text) + "\n\n",
		"credited":    "WASHINGTON (Nashra Wire) — " + text + "\n\nReporting by the Nashra desk; editing by the wire team.",
		"edited-1%":   edit(100),
		"edited-3%":   edit(33),
	}
	if len(paras) > 4 {
		v["last-paragraph-cut"] = strings.Join(paras[:len(paras)-1], "\n\n")
	}
	if strings.ContainsRune(text, 'ا') {
		v["arabic-spelling"] = strings.NewReplacer("ال", "الْ", "أ", "ا", "ة", "ه", "ى", "ي", "مع", "مـع", "إ", "ا").Replace(text)
	}
	return v
}

// TestSimHashNearDuplicates measures fingerprint distances between each
// fixture article and its near-duplicates, and between different articles,
// and checks that DefaultMaxDistance separates the two.
func TestSimHashNearDuplicates(t *testing.T) {
	articles := fixtureArticles(t)
	if len(articles) < 40 {
		t.Fatalf("only %d articles", len(articles))
	}
	names := make([]string, 0, len(articles))
	for n := range articles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, k := range []int{1, 2, 3} {
		var within [65]int // near-duplicates (1%-edited, credited, cut) by distance
		worst := map[string]int{}
		sum := map[string]int{}
		count := map[string]int{}
		hashes := make([]uint64, len(names))
		for i, n := range names {
			hashes[i], _ = simHash(articles[n], k)
			for kind, dup := range nearDuplicates(articles[n]) {
				h, _ := simHash(dup, k)
				d := Hamming(hashes[i], h)
				worst[kind] = max(worst[kind], d)
				if kind == "edited-1%" || kind == "credited" || kind == "last-paragraph-cut" {
					within[d]++
				}
				sum[kind] += d
				count[kind]++
				if k == shingleSize && (kind == "reformatted" || kind == "arabic-spelling") && d != 0 {
					t.Errorf("%s, %s: distance %d, want 0", n, kind, d)
				}
			}
		}
		closest := 64
		pair := ""
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				if d := Hamming(hashes[i], hashes[j]); d < closest {
					closest, pair = d, names[i]+" / "+names[j]
				}
			}
		}
		kinds := make([]string, 0, len(worst))
		for kind := range worst {
			kinds = append(kinds, kind)
		}
		sort.Strings(kinds)
		var line strings.Builder
		for _, kind := range kinds {
			fmt.Fprintf(&line, " %s %.1f/%d", kind, float64(sum[kind])/float64(count[kind]), worst[kind])
		}
		var cdf strings.Builder
		total, acc := 0, 0
		for _, n := range within {
			total += n
		}
		for d := 0; d <= 12; d++ {
			acc += within[d]
			fmt.Fprintf(&cdf, " ≤%d:%.0f%%", d, 100*float64(acc)/float64(total))
		}
		t.Logf("%d-word shingles, %d articles: near-duplicates mean/max bits:%s; different articles at least %d bits apart (%s); edited-1%%, credited and cut copies within:%s",
			k, len(names), line.String(), closest, pair, cdf.String())
		if k != shingleSize {
			continue
		}
		if closest <= 2*DefaultMaxDistance {
			t.Errorf("different articles only %d bits apart", closest)
		}
		caught := 0
		for d := 0; d <= DefaultMaxDistance; d++ {
			caught += within[d]
		}
		if caught*10 < total*9 {
			t.Errorf("only %d of %d near-duplicates within %d bits", caught, total, DefaultMaxDistance)
		}
	}
}

func TestSimHashBasics(t *testing.T) {
	if SimHash("") != 0 || SimHash(" ,.! ") != 0 {
		t.Error("a text without words must give 0")
	}
	a := "Le gouvernement a annoncé mardi de nouvelles mesures."
	if SimHash(a) != SimHash("  LE GOUVERNEMENT a annoncé, mardi, de nouvelles mesures !") {
		t.Error("case, spacing and punctuation must not matter")
	}
	if SimHash("يعلق الكرملين على محادثات") != SimHash("يُعلِّق الكرمليـن علي محادثات") {
		t.Error("diacritics, tatweel and alef maqsura must not matter")
	}
	if SimHash("١٢ مارس") != SimHash("12 مارس") {
		t.Error("Arabic-Indic digits must equal ASCII ones")
	}
	if SimHash("国务院总理表示政府将采取措施") == SimHash("国务院总理表示政府将采取行动") {
		t.Error("CJK text must be split into characters")
	}
	if Hamming(0, ^uint64(0)) != 64 || Hamming(5, 5) != 0 {
		t.Error("Hamming")
	}
}
