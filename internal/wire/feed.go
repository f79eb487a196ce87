package wire

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

// Feed is a parsed feed, whatever its format.
type Feed struct {
	Title    string
	Link     string // the site's home page, absolute when it could be resolved
	Language string // lowercase BCP 47 tag ("ar", "en-gb"), "" when not given
	Type     string // "rss" (RSS 0.9x–2.0 and RDF), "atom" or "json"
	Encoding string // the encoding the document was read in ("utf-8", "windows-1256"…)
	// Truncated is set when the document was cut off before its end: the
	// elements still open were closed and the items before the cut kept.
	Truncated bool
	Items     []Item
}

// Item is one entry of a feed, normalized the same way for every format.
// Text fields are plain text, trimmed, with runs of spaces collapsed;
// ContentHTML is the entry's markup as the publisher sent it, NOT sanitized:
// sanitize it before showing it to anyone. URLs are absolute.
type Item struct {
	// Source is the URL of the feed the item came from: a GUID is only
	// unique within its feed.
	Source       string
	GUID         string // the feed's id for the item; the URL when it has none
	URL          string // the link as given (resolved against the feed)
	CanonicalURL string // see CanonicalURL; "" when URL is not http(s)
	Title        string
	Summary      string
	ContentHTML  string // the fullest body the entry has (content:encoded, atom content, else the description)
	Authors      []string
	Published    time.Time // zero when the feed gives no date it could be read from
	Updated      time.Time
	Images       []string
	Enclosures   []Enclosure
	Language     string // the item's own language, else the feed's
	Categories   []string
}

// Enclosure is a file attached to an item: a podcast's audio, a photo.
type Enclosure struct {
	URL    string
	Type   string
	Length int64 // bytes, 0 when unknown
}

// maxSummaryRunes keeps summaries short enough for a wire desk's list.
const maxSummaryRunes = 600

// ParseFeed parses an RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3, 1.0) or JSON Feed
// document. contentType is the HTTP Content-Type, "" for a file: its charset
// is used when the bytes are not UTF-8 (see DecodeXML). feedURL, when given,
// resolves relative links and becomes each Item's Source.
//
// gofeed is tolerant: undeclared entities, bare ampersands and unknown
// elements still parse. What cannot be read at all fails with an error of
// kind ErrMalformed; ParseFeed never panics. A document cut off before its
// end gives the items before the cut, with Truncated set.
func ParseFeed(data []byte, contentType, feedURL string) (feed *Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, &Error{Kind: ErrMalformed, Msg: fmt.Sprintf("feed parser failed: %v", r)}
		}
	}()
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Kind: ErrMalformed, Msg: "not a feed: the document is empty"}
	}
	text, enc := decodeFeedBytes(data, contentType)
	gf, err := gofeed.NewParser().Parse(bytes.NewReader(text))
	truncated := false
	if err != nil && !errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		if mended, ok := repairTruncatedXML(text); ok {
			if g, err2 := gofeed.NewParser().Parse(bytes.NewReader(mended)); err2 == nil {
				gf, err, truncated = g, nil, true
			}
		}
	}
	if err != nil {
		msg := "not a feed: " + oneLine(err.Error())
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			msg = "not a feed: no RSS, Atom or JSON Feed root element"
		}
		return nil, &Error{Kind: ErrMalformed, Msg: msg, Err: err}
	}
	base := baseURL(feedURL, gf.Link)
	out := &Feed{
		Title:     plainText(gf.Title),
		Link:      resolveURL(base, gf.Link),
		Language:  normalizeLang(gf.Language),
		Type:      gf.FeedType,
		Encoding:  enc,
		Truncated: truncated,
		Items:     make([]Item, 0, len(gf.Items)),
	}
	if out.Language == "" && gf.DublinCoreExt != nil && len(gf.DublinCoreExt.Language) > 0 {
		out.Language = normalizeLang(gf.DublinCoreExt.Language[0])
	}
	for _, it := range gf.Items {
		if it == nil {
			continue
		}
		out.Items = append(out.Items, normalizeItem(it, base, feedURL, out.Language))
	}
	return out, nil
}

// decodeFeedBytes converts a feed to UTF-8. JSON Feed is UTF-8 by its
// specification, so only XML is decoded.
func decodeFeedBytes(data []byte, contentType string) ([]byte, string) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return bytes.ToValidUTF8(trimmed, []byte("\uFFFD")), "utf-8"
	}
	return DecodeXML(data, contentType)
}

func normalizeItem(it *gofeed.Item, base *url.URL, source, feedLang string) Item {
	out := Item{Source: source, Language: feedLang}
	link := it.Link
	if link == "" && len(it.Links) > 0 {
		link = it.Links[0]
	}
	guid := strings.TrimSpace(it.GUID)
	if link == "" && (strings.HasPrefix(guid, "http://") || strings.HasPrefix(guid, "https://")) {
		link = guid
	}
	out.URL = resolveURL(base, link)
	if c, err := CanonicalURL(out.URL); err == nil {
		out.CanonicalURL = c
	}
	out.GUID = validUTF8(guid)
	if out.GUID == "" {
		out.GUID = out.URL
	}
	out.Title = plainText(it.Title)
	// Atom content may be base64 of any bytes: what reaches a string is
	// made valid UTF-8 here, once.
	out.ContentHTML = validUTF8(strings.TrimSpace(it.Content))
	desc := validUTF8(strings.TrimSpace(it.Description))
	if out.ContentHTML == "" {
		out.ContentHTML = desc
	}
	if desc == "" && it.ITunesExt != nil {
		desc = it.ITunesExt.Summary
	}
	if desc == "" {
		desc = out.ContentHTML
	}
	out.Summary = truncateRunes(plainText(desc), maxSummaryRunes)
	if out.Title == "" {
		out.Title = truncateRunes(out.Summary, 100)
	}
	out.Authors = itemAuthors(it)
	out.Published = itemDate(it.Published, it.PublishedParsed)
	out.Updated = itemDate(it.Updated, it.UpdatedParsed)
	if out.Published.IsZero() && it.DublinCoreExt != nil && len(it.DublinCoreExt.Date) > 0 {
		out.Published = parseFeedDate(it.DublinCoreExt.Date[0])
	}
	if out.Published.IsZero() {
		out.Published = out.Updated
	}
	if it.DublinCoreExt != nil && len(it.DublinCoreExt.Language) > 0 {
		if l := normalizeLang(it.DublinCoreExt.Language[0]); l != "" {
			out.Language = l
		}
	}
	out.Enclosures, out.Images = itemMedia(it, base)
	out.Categories = dedupeStrings(it.Categories)
	return out
}

// itemDate prefers parseFeedDate, which knows zone abbreviations and
// Arabic dates, and otherwise takes what gofeed read.
func itemDate(raw string, parsed *time.Time) time.Time {
	if t := parseFeedDate(raw); !t.IsZero() {
		return t
	}
	if parsed != nil {
		return parsed.UTC()
	}
	return time.Time{}
}

// itemAuthors gathers names from the item's authors, Dublin Core creators
// and iTunes author, without repeats; an author with only an email gives it.
func itemAuthors(it *gofeed.Item) []string {
	var names []string
	for _, p := range it.Authors {
		if p == nil {
			continue
		}
		if n := plainText(p.Name); n != "" {
			names = append(names, n)
		} else if p.Email != "" {
			names = append(names, strings.TrimSpace(p.Email))
		}
	}
	if it.DublinCoreExt != nil {
		for _, c := range it.DublinCoreExt.Creator {
			names = append(names, plainText(c))
		}
	}
	if it.ITunesExt != nil && it.ITunesExt.Author != "" {
		names = append(names, plainText(it.ITunesExt.Author))
	}
	return dedupeStrings(names)
}

// itemMedia collects enclosures and image URLs: the item's image, image
// enclosures, media:content of an image type or medium, media:thumbnail,
// and the iTunes image.
func itemMedia(it *gofeed.Item, base *url.URL) ([]Enclosure, []string) {
	var encs []Enclosure
	var images []string
	for _, e := range it.Enclosures {
		if e == nil || strings.TrimSpace(e.URL) == "" {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(e.Length), 10, 64)
		enc := Enclosure{URL: resolveURL(base, e.URL), Type: strings.TrimSpace(e.Type), Length: max(n, 0)}
		encs = append(encs, enc)
		if strings.HasPrefix(enc.Type, "image/") {
			images = append(images, enc.URL)
		}
	}
	if it.Image != nil && it.Image.URL != "" {
		images = append([]string{resolveURL(base, it.Image.URL)}, images...)
	}
	if media, ok := it.Extensions["media"]; ok {
		images = append(images, mediaImages(media, base)...)
	}
	if it.ITunesExt != nil && it.ITunesExt.Image != "" {
		images = append(images, resolveURL(base, it.ITunesExt.Image))
	}
	return encs, dedupeStrings(images)
}

func mediaImages(media map[string][]ext.Extension, base *url.URL) []string {
	var out []string
	var walk func(name string, list []ext.Extension)
	walk = func(name string, list []ext.Extension) {
		for _, m := range list {
			u := m.Attrs["url"]
			isImage := name == "thumbnail" || m.Attrs["medium"] == "image" || strings.HasPrefix(m.Attrs["type"], "image/")
			if u != "" && isImage {
				out = append(out, resolveURL(base, u))
			}
			for child, l := range m.Children {
				if child == "content" || child == "thumbnail" {
					walk(child, l)
				}
			}
		}
	}
	for _, name := range []string{"content", "thumbnail", "group"} {
		walk(name, media[name])
	}
	return out
}

// baseURL is what relative links resolve against: the feed's URL when
// known, else the site link it declares.
func baseURL(feedURL, siteLink string) *url.URL {
	for _, s := range []string{feedURL, siteLink} {
		if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.IsAbs() {
			return u
		}
	}
	return nil
}

func resolveURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return validUTF8(ref)
	}
	if base != nil && !u.IsAbs() {
		return validUTF8(base.ResolveReference(u).String())
	}
	return validUTF8(u.String())
}

// normalizeLang lowercases a language tag and uses '-' between subtags:
// feeds say "en-US", "EN_us" and "ar".
func normalizeLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "_", "-")))
	if len(s) > 35 || strings.ContainsAny(s, " \t,;") {
		if i := strings.IndexAny(s, " \t,;"); i > 0 {
			s = s[:i]
		} else {
			return ""
		}
	}
	return s
}

func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func dedupeStrings(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = validUTF8(strings.TrimSpace(s))
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
