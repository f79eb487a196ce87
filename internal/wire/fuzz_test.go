package wire

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addFixtureSeeds adds the files matching pattern under the fixtures folder
// to a fuzz corpus, when the folder is there; fuzzing does not need it.
func addFixtureSeeds(f *testing.F, pattern string, limit int) {
	paths, _ := filepath.Glob(filepath.Join(fixturesDir(), pattern))
	for i, p := range paths {
		if i == limit {
			break
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
}

// FuzzParseFeed: whatever the bytes, ParseFeed returns a feed whose text is
// valid UTF-8, or one clear ErrMalformed — never a panic.
func FuzzParseFeed(f *testing.F) {
	for _, s := range []string{
		`<rss version="2.0"><channel><item><title>a &amp; b</title><link>/x?utm_source=y</link><pubDate>Thu, 30 Apr 2015 08:57:00 MET</pubDate></item></channel></rss>`,
		`<?xml version="1.0" encoding="windows-1256"?><rss><channel><item><title>` + "\xc7\xe1" + `</title></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>tag:x,2025:1</id><title type="html">&lt;b&gt;x&lt;/b&gt;</title></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"<p>x</p>"}]}`,
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><title>x</title>`,
		"\xff\xfe<\x00r\x00s\x00s\x00>\x00",
		"",
	} {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f, "feeds/gofeed/*/*.xml", 40)
	addFixtureSeeds(f, "feeds/feedparser/illformed/*.xml", 20)
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := ParseFeed(data, "", "https://example.org/feed")
		if err != nil {
			if !errors.Is(err, ErrMalformed) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q is not one line of kind ErrMalformed", err)
			}
			return
		}
		for _, it := range feed.Items {
			for _, s := range []string{it.Title, it.Summary, it.GUID, it.URL, it.CanonicalURL, it.ContentHTML} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %q", s)
				}
			}
		}
	})
}

// FuzzExtract: whatever the bytes, Extract returns an article or one clear
// ErrMalformed.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		`<html lang="ar"><body><article><p>نص عربي قصير</p></article></body></html>`,
		`<html><body><div><p>` + strings.Repeat("Some text. ", 60) + `</p></div><table><tr><td>a</td></tr></table></body></html>`,
		`<meta charset="windows-1252"><p>caf` + "\xe9" + `</p>`,
		"<ruby>漢<rt>かん</rt></ruby>",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Extract(data, "https://example.org/a")
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not of kind ErrMalformed", err)
			}
			return
		}
		if !utf8.ValidString(a.Text) || strings.TrimSpace(a.Text) == "" {
			t.Fatalf("text %q", a.Text)
		}
	})
}
