package wire

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestClusterByIdentity(t *testing.T) {
	items := []Item{
		{Source: "https://a.example/feed", GUID: "42", Title: "one"},
		{Source: "https://b.example/feed", GUID: "42", Title: "two"}, // another feed's 42
		{Source: "https://a.example/feed", GUID: "42", Title: "one again"},
		{Source: "https://a.example/feed", GUID: "tag:agency.example,2025:1", Title: "three"},
		{Source: "https://b.example/feed", GUID: "tag:agency.example,2025:1", Title: "three elsewhere"},
		{Source: "https://a.example/feed", GUID: "x1", CanonicalURL: "https://news.example/story", Title: "four"},
		{Source: "https://c.example/feed", GUID: "y9", CanonicalURL: "http://news.example/story", Title: "four, http"},
		{Source: "https://c.example/feed", GUID: "https://news.example/story?utm_source=rss", Title: "four, as GUID"},
		{Source: "https://c.example/feed", Title: "no identity"},
	}
	got := Cluster(items, 0)
	want := [][]int{{0, 2}, {1}, {3, 4}, {5, 6, 7}, {8}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if len(Cluster(nil, 0)) != 0 {
		t.Fatal("no items, no groups")
	}
}

// TestClusterNearDuplicates makes two items of each fixture article — the
// original, and a copy from another source with its own URL, GUID and
// headline, a dateline and a credit line — and checks that copies join
// their originals and that no group mixes two articles.
func TestClusterNearDuplicates(t *testing.T) {
	articles := fixtureArticles(t)
	names := make([]string, 0, len(articles))
	for n := range articles {
		names = append(names, n)
	}
	sort.Strings(names)
	var items []Item
	for i, n := range names {
		text := articles[n]
		items = append(items,
			Item{Source: "https://agency.example/feed", GUID: fmt.Sprint(i), CanonicalURL: fmt.Sprintf("https://agency.example/%d", i),
				Title: "Story " + n, ContentHTML: "<p>" + strings.ReplaceAll(text, "\n\n", "</p><p>") + "</p>"},
			Item{Source: "https://paper.example/rss", GUID: fmt.Sprintf("p-%d", i), CanonicalURL: fmt.Sprintf("https://paper.example/news/%d", i),
				Title: "Headline " + n, Summary: nearDuplicates(text)["credited"]},
		)
	}
	// Short items: headlines alone never join by text.
	items = append(items, Item{Title: "Kremlin comments on envoy talks"}, Item{Title: "Kremlin comments on the envoy's talks"})
	groups := Cluster(items, 0)
	joined := 0
	for _, g := range groups {
		articlesIn := map[int]bool{}
		for _, i := range g {
			if i < 2*len(names) {
				articlesIn[i/2] = true
			}
		}
		if len(articlesIn) > 1 {
			t.Errorf("a group mixes articles: %v", g)
		}
		if len(g) == 2 && g[0]/2 == g[1]/2 && g[1] < 2*len(names) {
			joined++
		}
	}
	t.Logf("%d of %d credited copies joined their original (max distance %d); %d groups", joined, len(names), DefaultMaxDistance, len(groups))
	if joined*10 < len(names)*9 {
		t.Errorf("only %d of %d copies joined", joined, len(names))
	}
	if last := groups[len(groups)-1]; len(last) != 1 {
		t.Errorf("short headlines grouped: %v", groups[len(groups)-2:])
	}
}

func TestClusterDocsBands(t *testing.T) {
	base := uint64(0x0123456789ABCDEF)
	flip := func(n int) uint64 { // flips n bits spread over all bands
		h := base
		for i := range n {
			h ^= 1 << uint((i*9)%64)
		}
		return h
	}
	for _, dist := range []int{1, 3, 5, 7} {
		docs := []Doc{{Fingerprint: base, HasFingerprint: true}, {Fingerprint: flip(dist), HasFingerprint: true}}
		if g := ClusterDocs(docs, 7); len(g) != 1 {
			t.Errorf("%d bits apart, max 7: %v", dist, g)
		}
		if g := ClusterDocs(docs, dist-1); dist > 1 && len(g) != 2 {
			t.Errorf("%d bits apart, max %d: %v", dist, dist-1, g)
		}
	}
	docs := []Doc{{Fingerprint: base, HasFingerprint: true}, {Fingerprint: base}}
	if g := ClusterDocs(docs, 3); len(g) != 2 {
		t.Errorf("a document without fingerprint joined by its zero value: %v", g)
	}
}

func TestStripWireCredits(t *testing.T) {
	cases := map[string]string{
		"CAIRO (Reuters) - The story.\nMore.":                               "The story.\nMore.",
		"القاهرة (رويترز) - نص الخبر.":                                      "نص الخبر.",
		"The story.\nReporting by A; Editing by B":                          "The story.",
		"The story.\n\n(Additional reporting by C)\nWriting by D\n":         "The story.",
		"نص الخبر.\n(تغطية صحفية أحمد - إعداد محمد للنشرة العربية - تحرير)": "نص الخبر.",
		"Reporting by nobody": "Reporting by nobody", // a single line is the story
		"No credits here.":    "No credits here.",
	}
	for in, want := range cases {
		if got := stripWireCredits(in); strings.TrimSpace(got) != want {
			t.Errorf("stripWireCredits(%q) = %q, want %q", in, got, want)
		}
	}
	if got := htmlFragmentText("<p>One &amp; two</p><p>Three</p>"); got != "One & two\n\nThree" {
		t.Errorf("htmlFragmentText: %q", got)
	}
}
