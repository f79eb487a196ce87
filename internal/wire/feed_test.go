package wire

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// feedFixtureFiles lists the feed documents under feeds/: every file but
// the expectation JSON files that sit beside their XML (gofeed's layout)
// and the date vectors.
func feedFixtureFiles(t *testing.T) []string {
	root := fixture(t, "feeds")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, "feedparser-dates") || strings.HasSuffix(path, "_expected.json") {
			return nil
		}
		if strings.HasSuffix(path, ".json") {
			if _, err := os.Stat(strings.TrimSuffix(path, ".json") + ".xml"); err == nil {
				return nil
			}
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// notFeeds are fixture files that are not feeds, on purpose: they must
// fail with ErrMalformed.
var notFeeds = map[string]bool{
	"gofeed/parser__json__invalid__invalid.json":  true,
	"gofeed/parser__universal__invalid.json":      true,
	"gofeed/parser__universal__unknown_feed.xml":  true,
	"gofeed/parser__universal__empty_feed.xml":    true,
	"feedparser/illformed/rss_empty_document.xml": true,
	"feedparser/illformed/aaa_illformed.xml":      false,
}

// TestParseFeedFixtures parses every feed fixture: each one parses or fails
// with a clear ErrMalformed, nothing panics, and what parses is valid UTF-8
// with absolute or empty URLs.
func TestParseFeedFixtures(t *testing.T) {
	files := feedFixtureFiles(t)
	if len(files) < 250 {
		t.Fatalf("only %d feed fixtures found", len(files))
	}
	parsed, failed, items := 0, 0, 0
	for _, rel := range files {
		data := readFixture(t, "feeds", rel)
		f, err := ParseFeed(data, fixtureContentType(data), "https://feeds.example.com/"+filepath.Base(rel))
		if err != nil {
			failed++
			if !errors.Is(err, ErrMalformed) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: error not of kind ErrMalformed, or on several lines: %v", rel, err)
			}
			if want, listed := notFeeds[rel]; listed && !want {
				t.Errorf("%s: want it parsed, got %v", rel, err)
			}
			t.Logf("%-70s error: %v", rel, err)
			continue
		}
		if notFeeds[rel] && len(f.Items) > 0 {
			t.Errorf("%s: not a feed, yet parsed with %d items", rel, len(f.Items))
		}
		parsed++
		items += len(f.Items)
		for i, it := range f.Items {
			for name, s := range map[string]string{"title": it.Title, "summary": it.Summary, "content": it.ContentHTML, "guid": it.GUID} {
				if !utf8.ValidString(s) {
					t.Errorf("%s item %d: %s is not valid UTF-8", rel, i, name)
				}
			}
			if it.CanonicalURL != "" && !strings.HasPrefix(it.CanonicalURL, "http") {
				t.Errorf("%s item %d: canonical URL %q", rel, i, it.CanonicalURL)
			}
		}
	}
	t.Logf("%d feed fixtures: %d parsed (%d items), %d refused with a clear error", len(files), parsed, items, failed)
}

// gofeedExpected is the part of gofeed's universal expectation files the
// normalized Item is compared with.
type gofeedExpected struct {
	Language string `json:"language"`
	Items    []struct {
		Title           string     `json:"title"`
		Link            string     `json:"link"`
		GUID            string     `json:"guid"`
		Content         string     `json:"content"`
		PublishedParsed *time.Time `json:"publishedParsed"`
		Authors         []struct {
			Name, Email string
		} `json:"authors"`
		Enclosures []struct{ URL string } `json:"enclosures"`
	} `json:"items"`
}

// TestParseFeedMatchesGofeedTranslations checks the normalized items against
// the expectations gofeed's translator tests hold for the same files.
func TestParseFeedMatchesGofeedTranslations(t *testing.T) {
	for _, dir := range []string{"translator-rss", "translator-atom"} {
		paths, _ := filepath.Glob(fixture(t, "feeds", "gofeed", dir, "*.xml"))
		for _, p := range paths {
			t.Run(dir+"/"+filepath.Base(p), func(t *testing.T) {
				data, _ := os.ReadFile(p)
				raw, err := os.ReadFile(strings.TrimSuffix(p, ".xml") + ".json")
				if err != nil {
					t.Skip("no expectation")
				}
				var want gofeedExpected
				if err := json.Unmarshal(raw, &want); err != nil {
					t.Fatal(err)
				}
				f, err := ParseFeed(data, "", "")
				if err != nil {
					t.Fatal(err)
				}
				if want.Language != "" && f.Language != normalizeLang(want.Language) {
					t.Errorf("language %q, want %q", f.Language, want.Language)
				}
				if len(f.Items) != len(want.Items) {
					t.Fatalf("%d items, want %d", len(f.Items), len(want.Items))
				}
				for i, w := range want.Items {
					got := f.Items[i]
					if w.Title != "" && got.Title != plainText(w.Title) {
						t.Errorf("item %d title %q, want %q", i, got.Title, w.Title)
					}
					if w.Link != "" && got.URL != w.Link {
						t.Errorf("item %d URL %q, want %q", i, got.URL, w.Link)
					}
					if w.GUID != "" && got.GUID != w.GUID {
						t.Errorf("item %d GUID %q, want %q", i, got.GUID, w.GUID)
					}
					if w.PublishedParsed != nil && !got.Published.Equal(*w.PublishedParsed) {
						t.Errorf("item %d published %v, want %v", i, got.Published, *w.PublishedParsed)
					}
					if len(w.Authors) > 0 && (len(got.Authors) == 0 || (w.Authors[0].Name != "" && got.Authors[0] != w.Authors[0].Name)) {
						t.Errorf("item %d authors %q, want %+v", i, got.Authors, w.Authors)
					}
					if len(got.Enclosures) != len(w.Enclosures) {
						t.Errorf("item %d: %d enclosures, want %d", i, len(got.Enclosures), len(w.Enclosures))
					}
				}
			})
		}
	}
}

// TestParseFeedEncodings checks the decoded text of feedparser's encoding
// cases: declared, header-given, byte-order-marked and undeclared charsets.
func TestParseFeedEncodings(t *testing.T) {
	cases := []struct {
		file, encoding, title, summary string
	}{
		{"encoding/euc-kr-item.xml", "euc-kr", "", "년"},
		{"encoding/demoronize-2.xml", "utf-8", "", "don’t"},
		{"encoding/http_text_xml_charset_2.xml", "windows-1252", "", "This is a £“test.”"},
		{"encoding/http_text_xml_charset_overrides_encoding_2.xml", "windows-1252", "", "This is a £“test.”"},
		{"encoding/utf-16be-autodetect.xml", "utf-16be", "", ""},
		{"encoding/utf-16le-bom.xml", "utf-16le", "", ""},
		{"encoding/utf-32be-autodetect.xml", "utf-32be", "", ""},
		{"encoding/utf-32le-bom.xml", "utf-32le", "", ""},
		{"encoding/utf-8-bom.xml", "utf-8", "", ""},
		{"illformed/chardet/eucjp.xml", "euc-jp", "ゲーム三昧な正月", ""},
		{"illformed/chardet/euckr.xml", "euc-kr", "EUC-KR 에서 TypeKey 한글닉네임 표시하기", ""},
		{"illformed/chardet/gb2312.xml", "gb18030", "不归移民漫画系列：专业工作", ""},
		{"illformed/chardet/koi8r.xml", "koi8-r", "Как пережить новогоднюю ночь", ""},
		{"illformed/chardet/shiftjis.xml", "shift_jis", "DrecomRSSに記事投稿が反映されない…", ""},
		{"illformed/chardet/windows1255.xml", "iso-8859-8-i", "", ""},
		{"illformed/rss_item_link_corrupted_ampersands.xml", "utf-8", "", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data := readFixture(t, "feeds", "feedparser", c.file)
			f, err := ParseFeed(data, fixtureContentType(data), "")
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != c.encoding {
				t.Errorf("encoding %q, want %q", f.Encoding, c.encoding)
			}
			if c.title == "" && c.summary == "" {
				return
			}
			if len(f.Items) == 0 {
				t.Fatal("no items")
			}
			if c.title != "" && f.Items[0].Title != c.title {
				t.Errorf("title %q, want %q", f.Items[0].Title, c.title)
			}
			if c.summary != "" && f.Items[0].Summary != c.summary {
				t.Errorf("summary %q, want %q", f.Items[0].Summary, c.summary)
			}
		})
	}
	// The truncated document keeps its item, link unharmed.
	data := readFixture(t, "feeds", "feedparser", "illformed", "rss_item_link_corrupted_ampersands.xml")
	f, err := ParseFeed(data, "", "")
	if err != nil || !f.Truncated || len(f.Items) != 1 || f.Items[0].URL != "http://link/get?a=1&b=2" {
		t.Fatalf("truncated feed: %v %+v", err, f)
	}
}

// TestParseFeedNormalizedItem checks one item of each format field by field.
func TestParseFeedNormalizedItem(t *testing.T) {
	data := readFixture(t, "feeds", "gofeed", "parser__json__version_json_11.json")
	f, err := ParseFeed(data, "application/feed+json", "https://sample-json-feed.com/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "json" || len(f.Items) == 0 {
		t.Fatalf("%+v", f)
	}
	it := f.Items[0]
	want := time.Date(2019, 10, 12, 7, 20, 50, 520000000, time.UTC)
	if it.GUID != "id" || it.URL != "https://sample-json-feed.com/id" || it.Title != "title" ||
		it.ContentHTML != "<p>content_html</p>" || it.Summary != "summary" || !it.Published.Equal(want) ||
		len(it.Authors) != 1 || it.Authors[0] != "author_name" || len(it.Enclosures) != 1 ||
		it.Enclosures[0].Length != 100 || len(it.Images) == 0 || it.Images[0] != "https://sample-json-feed.com/image.png" ||
		it.Source != "https://sample-json-feed.com/feed.json" {
		t.Errorf("JSON Feed item: %+v", it)
	}

	data = readFixture(t, "feeds", "misc", "ghost-migrate-libsyn-podcast-feed.xml")
	f, err = ParseFeed(data, "application/rss+xml", "https://example.libsyn.com/rss")
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "rss" || len(f.Items) == 0 {
		t.Fatalf("%+v", f)
	}
	for i, it := range f.Items {
		if it.Title == "" || it.URL == "" || it.Published.IsZero() || len(it.Enclosures) == 0 || it.Enclosures[0].Type == "" {
			t.Errorf("podcast item %d: %+v", i, it)
		}
	}
}
