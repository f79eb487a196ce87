package wire

import (
	"regexp"
	"strings"
)

// DefaultMaxDistance is the largest Hamming distance between two
// fingerprints that Cluster takes for the same story. Tuned on the fixture
// articles (TestSimHashNearDuplicates): copies with a dateline and credit
// added, one word in a hundred changed, or the last paragraph cut are within
// 7 bits in 94% of cases (within 3 bits: 56%), while no two different
// articles came closer than 19 bits; two unrelated fingerprints fall within
// 7 bits with a probability of about 3·10⁻¹¹.
const DefaultMaxDistance = 7

// MinFingerprintWords is the fewest words a text needs for a fingerprint:
// below it, two unrelated short texts (two headlines) agree on too many
// bits by chance, so short items are grouped by GUID and URL only.
const MinFingerprintWords = 25

// Doc is what Cluster compares: an item's identities and its fingerprint.
type Doc struct {
	Source       string // the feed, which scopes a GUID that is not a URI
	GUID         string
	CanonicalURL string
	Fingerprint  uint64
	// HasFingerprint is false when the text was too short to compare.
	HasFingerprint bool
}

// Fingerprint is the SimHash of an item's text: its content when it has
// some, else its summary. The title is left out: outlets that run the same
// agency copy write their own headlines. ok is false when the text is under
// MinFingerprintWords words.
func Fingerprint(it Item) (uint64, bool) {
	text := it.Summary
	if it.ContentHTML != "" {
		if c := rawText(it.ContentHTML); len(c) > len(text) {
			text = c
		}
	}
	h, words := simHash(stripWireCredits(text), shingleSize)
	return h, words >= MinFingerprintWords
}

// wireDatelineRE: an agency dateline opening the copy, "CAIRO (Reuters) -",
// "Paris (AFP) —", "القاهرة (رويترز) -".
var wireDatelineRE = regexp.MustCompile(`^\s*[\p{L}][\p{L}\p{M} .,'’/-]{0,40}\s*\([^()\n]{1,40}\)\s*[-—–:]+\s*`)

// wireCreditPrefixes open the credit lines closing agency copy:
// "Reporting by …; Editing by …", "(تغطية صحفية … إعداد … للنشرة العربية)".
var wireCreditPrefixes = []string{
	"reporting by", "additional reporting", "writing by", "editing by", "edited by", "compiled by",
	"تغطية صحفية", "إعداد", "تحرير", "شارك في التغطية",
}

// stripWireCredits removes what outlets add around the same agency copy —
// the dateline they may or may not keep, the credit lines at the end — so
// that their fingerprints compare the story itself. Only the first 200
// bytes and the last three lines are looked at.
func stripWireCredits(text string) string {
	head := text[:min(len(text), 200)]
	if loc := wireDatelineRE.FindStringIndex(head); loc != nil {
		text = text[loc[1]:]
	}
	for range 3 {
		body := strings.TrimRight(text, " \t\r\n")
		i := strings.LastIndexByte(body, '\n')
		line := strings.ToLower(strings.TrimLeft(body[i+1:], " \t(["))
		credit := false
		for _, p := range wireCreditPrefixes {
			if strings.HasPrefix(line, p) {
				credit = true
				break
			}
		}
		if !credit || i < 0 {
			break
		}
		text = body[:i]
	}
	return text
}

// DocOf builds an item's Doc.
func DocOf(it Item) Doc {
	h, ok := Fingerprint(it)
	return Doc{Source: it.Source, GUID: it.GUID, CanonicalURL: it.CanonicalURL, Fingerprint: h, HasFingerprint: ok}
}

// Cluster groups items that are the same story: the same GUID (within one
// feed, or anywhere for a GUID that is a URI), the same canonical URL (http
// and https alike), or fingerprints at most maxDistance bits apart
// (DefaultMaxDistance when maxDistance ≤ 0; at most 15). Grouping is
// transitive. It returns groups of indexes into items, each in ascending
// order, the groups ordered by their first item; every item is in exactly
// one group, alone if it has no duplicate.
func Cluster(items []Item, maxDistance int) [][]int {
	docs := make([]Doc, len(items))
	for i, it := range items {
		docs[i] = DocOf(it)
	}
	return ClusterDocs(docs, maxDistance)
}

// ClusterDocs is Cluster over documents whose fingerprints are already
// known (stored ones, say). Near-duplicates are found without comparing
// every pair: the 64 bits are cut into maxDistance+1 bands, and two
// fingerprints within maxDistance bits agree on at least one whole band, so
// only documents sharing a band value are compared.
func ClusterDocs(docs []Doc, maxDistance int) [][]int {
	if maxDistance <= 0 {
		maxDistance = DefaultMaxDistance
	}
	maxDistance = min(maxDistance, 15)
	uf := newUnionFind(len(docs))
	byKey := make(map[string]int, 2*len(docs))
	link := func(key string, i int) {
		if j, ok := byKey[key]; ok {
			uf.union(i, j)
		} else {
			byKey[key] = i
		}
	}
	nbands := maxDistance + 1
	width := 64 / nbands
	bands := make([]map[uint64][]int, nbands)
	for b := range bands {
		bands[b] = make(map[uint64][]int)
	}
	for i, d := range docs {
		if d.GUID != "" {
			link(guidKey(d.Source, d.GUID), i)
		}
		if d.CanonicalURL != "" {
			link("url\x00"+urlKey(d.CanonicalURL), i)
		}
		if !d.HasFingerprint {
			continue
		}
		for b := range nbands {
			lo := uint(b * width)
			w := uint(width)
			if b == nbands-1 {
				w = 64 - lo // the last band takes the leftover bits
			}
			v := (d.Fingerprint >> lo) & (1<<w - 1)
			for _, j := range bands[b][v] {
				if uf.find(i) != uf.find(j) && Hamming(d.Fingerprint, docs[j].Fingerprint) <= maxDistance {
					uf.union(i, j)
				}
			}
			bands[b][v] = append(bands[b][v], i)
		}
	}
	return uf.groups()
}

// guidKey scopes a GUID to its feed unless it is a URI (tag:, urn:…),
// which names the item everywhere: feeds number their items 1, 2, 3 and two
// feeds' item 3 are different stories. A GUID that is an http(s) URL is
// the article's URL, and keyed as one.
func guidKey(source, guid string) string {
	if i := strings.IndexByte(guid, ':'); i > 0 && !strings.ContainsAny(guid[:i], "/ ") {
		if c, err := CanonicalURL(guid); err == nil {
			return "url\x00" + urlKey(c)
		}
		return "guid\x00" + guid
	}
	return "guid\x00" + source + "\x00" + guid
}

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct{ parent, size []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = i, 1
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}

// groups lists the sets, each ascending, ordered by their smallest member.
func (u *unionFind) groups() [][]int {
	index := make(map[int]int)
	var out [][]int
	for i := range u.parent {
		r := u.find(i)
		g, ok := index[r]
		if !ok {
			g = len(out)
			index[r] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], i)
	}
	return out
}
