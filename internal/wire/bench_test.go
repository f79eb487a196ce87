package wire

import (
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// benchFeed builds an RSS 2.0 feed of n items from the fixture articles'
// sentences, drawn at random with a fixed seed into stories of 6 to 14
// sentences, in every language of the fixtures. Like a wire desk's intake,
// some items come again: 5% re-polled under the same GUID, 5% under the
// same URL with tracking parameters, 10% as another outlet's copy with a
// dateline and a credit line.
func benchFeed(b *testing.B, n int) (feed []byte, stories int) {
	articles := fixtureArticles(b)
	names := make([]string, 0, len(articles))
	for name := range articles {
		names = append(names, name)
	}
	sort.Strings(names)
	var pool []string
	for _, name := range names {
		for _, s := range strings.Split(strings.ReplaceAll(articles[name], "\n\n", ". "), ". ") {
			if len(strings.Fields(s)) >= 6 {
				pool = append(pool, strings.TrimSpace(s)+".")
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	type story struct{ guid, link, title, body string }
	var made []story
	var out strings.Builder
	out.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench wire</title><link>https://wire.example/</link><language>ar</language>`)
	pub := time.Date(2025, 4, 4, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var s story
		switch p := r.IntN(100); {
		case p < 5 && len(made) > 0:
			s = made[r.IntN(len(made))]
		case p < 10 && len(made) > 0:
			s = made[r.IntN(len(made))]
			s.guid = fmt.Sprintf("copy-%d", i)
			s.link += "?utm_source=rss&utm_medium=feed"
		case p < 20 && len(made) > 0:
			s = made[r.IntN(len(made))]
			s.guid, s.link = fmt.Sprintf("outlet-%d", i), fmt.Sprintf("https://outlet.example/news/%d", i)
			s.body = "<p>CAIRO (Nashra Wire) — </p>" + s.body + "<p>Reporting by the Nashra desk; editing by the wire team.</p>"
		default:
			var body strings.Builder
			for range 6 + r.IntN(9) {
				fmt.Fprintf(&body, "<p>%s</p>", html.EscapeString(pool[r.IntN(len(pool))]))
			}
			s = story{fmt.Sprintf("story-%d", i), fmt.Sprintf("https://wire.example/2025/04/%d/", i),
				pool[r.IntN(len(pool))], body.String()}
			made = append(made, s)
		}
		fmt.Fprintf(&out, "<item><guid isPermaLink=\"false\">%s</guid><link>%s</link><title>%s</title><dc:creator>Desk</dc:creator><pubDate>%s</pubDate><description>%s</description><content:encoded><![CDATA[%s]]></content:encoded></item>\n",
			s.guid, html.EscapeString(s.link), html.EscapeString(s.title), pub.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z),
			html.EscapeString(plainText(s.body)[:min(200, len(plainText(s.body)))]), s.body)
	}
	out.WriteString("</channel></rss>")
	return []byte(out.String()), len(made)
}

// BenchmarkWirePipeline parses a 1,000-item feed, fingerprints every item
// and clusters them: the work of one poll of a busy source.
func BenchmarkWirePipeline(b *testing.B) {
	const n = 1000
	feed, stories := benchFeed(b, n)
	b.SetBytes(int64(len(feed)))
	b.ReportAllocs()
	groups := 0
	for b.Loop() {
		f, err := ParseFeed(feed, "application/rss+xml", "https://wire.example/feed")
		if err != nil || len(f.Items) != n {
			b.Fatalf("%v, %d items", err, len(f.Items))
		}
		groups = len(Cluster(f.Items, 0))
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(groups), "groups")
	if groups != stories {
		b.Errorf("%d groups for %d distinct stories", groups, stories)
	}
}

// BenchmarkWireParse is the parsing half alone.
func BenchmarkWireParse(b *testing.B) {
	const n = 1000
	feed, _ := benchFeed(b, n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFeed(feed, "application/rss+xml", "https://wire.example/feed"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkWireCluster is the fingerprinting and clustering half alone.
func BenchmarkWireCluster(b *testing.B) {
	const n = 1000
	feed, _ := benchFeed(b, n)
	f, err := ParseFeed(feed, "application/rss+xml", "https://wire.example/feed")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Cluster(f.Items, 0)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkExtract extracts the article of each trafilatura page in turn.
func BenchmarkExtract(b *testing.B) {
	paths, _ := filepath.Glob(fixture(b, "extraction", "trafilatura", "pages", "*.html"))
	var pages [][]byte
	size := 0
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, raw)
		size += len(raw)
	}
	b.SetBytes(int64(size / len(pages)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Extract(pages[i%len(pages)], "https://example.org/"); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
