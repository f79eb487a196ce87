package wire

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"nashra.dev/nashra/internal/arabic"
)

// publishedMetaKeys are the <meta> names, properties and itemprops that
// carry a page's publication date, in the order they are trusted.
var publishedMetaKeys = []string{
	"article:published_time", "og:article:published_time", "datepublished", "dc.date.issued", "dcterms.issued",
	"dc.date", "dcterms.date", "dcterms.created", "date", "pubdate", "publishdate", "publish-date", "publication_date",
	"sailthru.date", "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime", "og:updated_time",
}

// pageDate finds a page's publication date where readability did not: in
// the <meta> tags news sites use, an element with itemprop="datePublished",
// or else the first <time datetime>. The date keeps the page's own offset
// when it gives one.
func pageDate(doc *html.Node) time.Time {
	found := map[string]string{}
	firstTime := ""
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "meta":
				for _, k := range []string{attr(n, "property"), attr(n, "name"), attr(n, "itemprop")} {
					if k = strings.ToLower(strings.TrimSpace(k)); k != "" && found[k] == "" {
						found[k] = attr(n, "content")
					}
				}
			case strings.EqualFold(attr(n, "itemprop"), "datePublished"):
				if v := firstNonEmpty(attr(n, "datetime"), attr(n, "content")); v != "" && found["datepublished"] == "" {
					found["datepublished"] = v
				}
			case n.Data == "time" && firstTime == "":
				firstTime = attr(n, "datetime")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, k := range publishedMetaKeys {
		if t := parsePageDate(found[k]); !t.IsZero() {
			return t
		}
	}
	return parsePageDate(firstTime)
}

// parsePageDate reads RFC 3339 keeping its offset, else what
// parseFeedDate reads. Dates before 1990 or more than a day ahead are
// taken for mistakes.
func parsePageDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t = parseFeedDate(s)
	}
	if t.IsZero() || t.Year() < 1990 || t.After(time.Now().Add(24*time.Hour)) {
		return time.Time{}
	}
	return t
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

var (
	visibleISODateRE   = regexp.MustCompile(`(\d{4})[-/](\d{1,2})[-/](\d{1,2})`)
	visibleDMYDateRE   = regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b`)
	visibleCJKDateRE   = regexp.MustCompile(`(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]`)
	visibleNamedDateRE = regexp.MustCompile(`(?i)\b(\d{1,2}\.?\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b`)
)

// visibleDate looks for a date written near the headline — in the twenty
// blocks from the one that repeats the title (or the first heading), each under 100 letters (a
// dateline, not a sentence that mentions a date) — for pages whose markup
// carries none: "23.05.2011", "2020-02-19 08:10", "2019年6月24日",
// "Oct. 2, 2020". Zero when there is none.
func visibleDate(doc *html.Node, title string) time.Time {
	blocks := densityBlocks(doc)
	start := -1
	if t := foldPhrase(title); t != "" {
		for i, b := range blocks {
			if f := foldPhrase(b.text); f == t || (b.heading && len(f) > 20 && strings.HasPrefix(t, f)) {
				start = i
				break
			}
		}
	}
	for i, b := range blocks {
		if start < 0 && b.heading {
			start = i // no block repeats the title: start at the first heading
		}
	}
	start = max(start, 0)
	for _, b := range blocks[start:min(len(blocks), start+20)] {
		if utf8.RuneCountInString(b.text) > 100 {
			continue
		}
		if t := dateInText(arabic.ToLatinDigits(b.text)); !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func dateInText(s string) time.Time {
	ymd := func(y, m, d string) time.Time {
		return parsePageDate(fmt.Sprintf("%s-%02s-%02s", y, m, d))
	}
	if m := visibleCJKDateRE.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := visibleISODateRE.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := visibleDMYDateRE.FindStringSubmatch(s); m != nil {
		return ymd(m[3], m[2], m[1])
	}
	if m := visibleNamedDateRE.FindString(s); m != "" {
		return parsePageDate(strings.NewReplacer("st,", ",", "nd,", ",", "rd,", ",", "th,", ",").Replace(m))
	}
	return time.Time{}
}
