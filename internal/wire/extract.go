package wire

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// Article is the readable part of a page.
type Article struct {
	Title     string
	Byline    string
	Published time.Time // in the page's own offset; zero when the page does not say
	// Lang is the page's language: its <html lang> (lowercased) when that
	// agrees with the text's script, else the language detected from the
	// text ("" when unsure). See DetectLanguage.
	Lang string
	// Text is the article as plain text: paragraphs separated by a blank
	// line, without the page's furniture (menus, share bars, subscribe
	// boxes, comment forms, related links).
	Text string
	// HTML is the article's markup as extracted. It is NOT sanitized: run
	// it through the HTML sanitizer before showing it.
	HTML     string
	Image    string // the lead image's absolute URL
	SiteName string
	Excerpt  string
}

// Bounds of the work on one page: past them, the page is refused rather
// than taking seconds of CPU and tens of megabytes. maxPageBytes is the
// fetcher's default limit.
const (
	maxExtractElements = 60000
	maxPageBytes       = 10 << 20
)

// Extract finds the article in a page: the page's bytes as served (any
// encoding: see DecodeHTML, without a Content-Type) and its URL, which
// resolves relative links and may be "" for a file. It fails with an error
// of kind ErrMalformed when the page has no article text (or is not a page
// at all: an image, a feed), ErrTooLarge over 10 MB or 60,000 elements.
func Extract(pageHTML []byte, pageURL string) (Article, error) {
	if err := sniffPage(pageHTML); err != nil {
		return Article{}, err
	}
	text, _ := DecodeHTML(pageHTML, "")
	return extractUTF8(text, pageURL)
}

// ExtractResponse is Extract for a fetched page: the Content-Type's charset
// is used too.
func ExtractResponse(r *Response) (Article, error) {
	if err := sniffPage(r.Body); err != nil {
		return Article{}, err
	}
	text, _ := DecodeHTML(r.Body, r.ContentType)
	return extractUTF8(text, r.URL)
}

func extractUTF8(page []byte, pageURL string) (Article, error) {
	var u *url.URL
	if pageURL != "" {
		if p, err := url.Parse(pageURL); err == nil && p.IsAbs() {
			u = p
		}
	}
	if u == nil {
		u = &url.URL{Scheme: "file", Path: "/"}
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return Article{}, &Error{Kind: ErrMalformed, Msg: "page is not HTML: " + oneLine(err.Error()), Err: err}
	}
	htmlLang := documentLang(doc)
	// The density extractor reads its own copy: readability mutates the tree.
	doc2, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return Article{}, &Error{Kind: ErrMalformed, Msg: "page is not HTML: " + oneLine(err.Error()), Err: err}
	}
	parser := readability.NewParser()
	parser.MaxElemsToParse = maxExtractElements
	res, err := parser.ParseAndMutate(doc, u)
	if err != nil {
		kind := ErrMalformed
		if strings.Contains(err.Error(), "too large") {
			kind = ErrTooLarge
		}
		return Article{}, &Error{Kind: kind, Msg: "page not read: " + oneLine(err.Error()), Err: err}
	}
	a := Article{
		Title:    collapseSpaces(res.Title()),
		Byline:   collapseSpaces(res.Byline()),
		Image:    res.ImageURL(),
		SiteName: collapseSpaces(res.SiteName()),
		Excerpt:  res.Excerpt(),
	}
	if t, err := res.PublishedTime(); err == nil && t.Year() >= 1990 {
		a.Published = t
	} else if a.Published = pageDate(doc2); a.Published.IsZero() {
		a.Published = visibleDate(doc2, a.Title)
	}
	// Readability answers nothing, or a page of short lines (a table, a
	// list of names) where the density extractor finds far more prose: the
	// density extractor's text is the article. Otherwise readability's
	// article is cleaned of furniture and given back the paragraphs the
	// density extractor saw beside and between its own (see fillFromDensity).
	kept := withoutTitle(densityExtract(doc2), a.Title)
	readable := ""
	if res.Node != nil {
		readable = nodeText(res.Node)
	}
	rp, dp := proseLetters(strings.Split(readable, "\n\n")), proseLetters(keptTexts(kept))
	if strings.TrimSpace(readable) == "" || dp > 2*rp+500 {
		a.Text, a.HTML = strings.Join(keptTexts(kept), "\n\n"), keptHTML(kept)
	} else {
		cleanBoilerplate(res.Node)
		fillFromDensity(res.Node, kept, a.Title)
		var b strings.Builder
		html.Render(&b, res.Node)
		a.HTML, a.Text = b.String(), nodeText(res.Node)
	}
	if strings.TrimSpace(a.Text) == "" {
		return Article{}, &Error{Kind: ErrMalformed, Msg: "no article text found in the page"}
	}
	a.Lang = chooseLang(htmlLang, a.Title+"\n"+a.Text)
	return a, nil
}

// sniffPage refuses what is plainly not a page — an image, a PDF, an
// archive — before any parsing: their bytes would come out as garbage text.
// Wide encodings (UTF-16/32 with a byte-order mark) are let through.
func sniffPage(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return &Error{Kind: ErrMalformed, Msg: "the page is empty"}
	}
	if len(b) > maxPageBytes {
		return &Error{Kind: ErrTooLarge, Msg: fmt.Sprintf("page of %d bytes, over the %s a page may have", len(b), formatBytes(maxPageBytes))}
	}
	for _, m := range boms {
		if bytes.HasPrefix(b, m.prefix) {
			return nil
		}
	}
	ct := http.DetectContentType(b)
	if strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") {
		if t := gofeed.DetectFeedType(bytes.NewReader(b[:min(len(b), 4096)])); t != gofeed.FeedTypeUnknown {
			return &Error{Kind: ErrMalformed, Msg: "this is a feed (RSS, Atom or JSON Feed), not an article page"}
		}
		return nil
	}
	return &Error{Kind: ErrMalformed, Msg: "not an HTML page (the bytes look like " + ct + ")"}
}

// documentLang is the lang attribute of the <html> element, lowercased.
func documentLang(doc *html.Node) string {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.Data == "html" {
			return normalizeLang(attr(n, "lang"))
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
