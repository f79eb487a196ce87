// Package wiretest serves feeds for the wire desk's tests on a loopback
// server: a real feed from the shared fixtures with its links pointed at
// fixture pages on the same server, and the feeds that go wrong (malformed,
// hanging, endless, redirecting in a loop).
package wiretest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nashra.dev/nashra/internal/testenv"
	"nashra.dev/nashra/internal/wire"
)

// Server is the feed server.
type Server struct {
	*httptest.Server
	// Hits counts requests by path.
	hits map[string]*atomic.Int64
	// GoodIsMalformed turns /good.json into garbage while set.
	GoodIsMalformed atomic.Bool
	// Conditional counts the 304 answers of /cond.rss.
	NotModified atomic.Int64
}

// Paths of the server's feeds.
const (
	Good      = "/good.json" // the NPR JSON Feed fixture, links on this server
	Malformed = "/malformed.xml"
	Hang      = "/hang.xml" // answers nothing until the client gives up
	Huge      = "/huge.xml" // 50 MB of feed-looking bytes
	Loop      = "/loop/a"   // redirects to /loop/b, which redirects back
	Cond      = "/cond.rss" // supports If-None-Match
	StoryA    = "/story-a.rss"
	StoryB    = "/story-b.rss"
	Missing   = "/missing.rss" // 404
)

// New starts the server; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	fixtures := testenv.Fixtures(t)
	feed, err := os.ReadFile(filepath.Join(fixtures, "feeds", "misc", "trafilatura-feed.json"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(fixtures, "extraction", "trafilatura", "pages", "bbc.com.52241221.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{hits: map[string]*atomic.Int64{}}
	for _, p := range []string{Good, Malformed, Hang, Huge, Loop, Cond, StoryA, StoryB, Missing, "/page"} {
		s.hits[p] = new(atomic.Int64)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Good, func(w http.ResponseWriter, r *http.Request) {
		s.hits[Good].Add(1)
		if s.GoodIsMalformed.Load() {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"version": "https://jsonfeed.org/version/1", "items": [`)
			return
		}
		base := strings.ReplaceAll(s.URL, "/", `\/`)
		body := bytes.ReplaceAll(feed, []byte(`https:\/\/www.npr.org\/20`), []byte(base+`\/page\/20`))
		w.Header().Set("Content-Type", "application/feed+json")
		w.Write(body)
	})
	mux.HandleFunc("GET /page/", func(w http.ResponseWriter, r *http.Request) {
		s.hits["/page"].Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("GET "+Malformed, func(w http.ResponseWriter, r *http.Request) {
		s.hits[Malformed].Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, "<html><body><p>This is a web page, not a feed.</p></body></html>")
	})
	mux.HandleFunc("GET "+Hang, func(w http.ResponseWriter, r *http.Request) {
		s.hits[Hang].Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	mux.HandleFunc("GET "+Huge, func(w http.ResponseWriter, r *http.Request) {
		s.hits[Huge].Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title><description>`)
		io.Copy(w, io.LimitReader(filler{}, 50<<20))
	})
	mux.HandleFunc("GET /loop/a", func(w http.ResponseWriter, r *http.Request) {
		s.hits[Loop].Add(1)
		http.Redirect(w, r, "/loop/b", http.StatusFound)
	})
	mux.HandleFunc("GET /loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusFound)
	})
	mux.HandleFunc("GET "+Cond, func(w http.ResponseWriter, r *http.Request) {
		s.hits[Cond].Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			s.NotModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, rss("Conditional", Item{GUID: "cond-1", Link: s.URL + "/cond/1", Title: "One", Text: storyText}))
	})
	mux.HandleFunc("GET "+StoryA, func(w http.ResponseWriter, r *http.Request) {
		s.hits[StoryA].Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, rss("Outlet A",
			Item{GUID: "a-1", Link: "https://news.example/2024/05/harbour-reopens", Title: "Harbour reopens after the storm", Text: storyText},
			Item{GUID: "a-2", Link: "https://news.example/2024/05/library", Title: "A library for the old town", Text: otherText}))
	})
	mux.HandleFunc("GET "+StoryB, func(w http.ResponseWriter, r *http.Request) {
		s.hits[StoryB].Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, rss("Outlet B",
			// The same link with tracking added: the same canonical URL.
			Item{GUID: "b-1", Link: "http://news.example/2024/05/harbour-reopens?utm_source=rss", Title: "Port back in business", Text: "PORT TOWN (Agency) - " + storyText},
			// Another address, the same copy with a dateline: near-duplicate text.
			Item{GUID: "b-2", Link: "https://other.example/library-story", Title: "Old town gets its library", Text: "OLD TOWN (Agency) - " + otherText}))
	})
	mux.HandleFunc("GET "+Missing, func(w http.ResponseWriter, r *http.Request) {
		s.hits[Missing].Add(1)
		http.NotFound(w, r)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// Hits is how many requests path had.
func (s *Server) Hits(path string) int64 { return s.hits[path].Load() }

// Fetcher is a fetcher that may reach loopback, without host delays.
func Fetcher() *wire.Fetcher {
	return wire.NewFetcher(wire.FetchConfig{Allow: wire.LoopbackOnly(), NoHostDelay: true, Timeout: 20 * time.Second})
}

type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "lorem ipsum "[i%12]
	}
	return len(p), nil
}

// Item is an entry of a test feed.
type Item struct{ GUID, Link, Title, Text string }

func rss(title string, items ...Item) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>%s</title><link>https://news.example/</link><language>en</language>`, title)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><guid isPermaLink="false">%s</guid><link>%s</link><title>%s</title><description><![CDATA[<p>%s</p>]]></description><pubDate>Mon, 06 May 2024 10:00:00 +0000</pubDate></item>`,
			it.GUID, it.Link, it.Title, it.Text)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// Texts written for these tests.
const storyText = `The harbour reopened on Monday morning, three weeks after the storm that sank two fishing boats and tore the roof off the fish market. ` +
	`Dock workers cleared the last of the debris over the weekend, and the first ferry left for the islands at seven with a full load of passengers and supplies. ` +
	`The mayor said repairs to the market would take until the end of the summer, and that traders would sell from tents on the quay until then. ` +
	`Fishermen who lost their boats will receive help from a fund the town council set up last week, paid for by the regional government and private donors.`

const otherText = `The old town will have a public library again next year, the council decided on Thursday, fifty years after the last one closed for lack of money. ` +
	`It will take over the empty customs house by the river, whose ground floor will hold the children's room and a reading room open until late in the evening. ` +
	`Volunteers have already collected more than ten thousand books, and the architect promised that the building's painted ceilings would be kept as they are.`
