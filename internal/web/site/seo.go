package site

import (
	"encoding/json"
	"html/template"
	"strings"

	"golang.org/x/net/html"

	"nashra.dev/nashra/internal/content"
)

// abs makes a site path absolute; absolute URLs pass through.
func (h *Handler) abs(u string) string {
	if u == "" || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return u
	}
	return h.base + u
}

func ogLocale(lang string) string {
	switch strings.SplitN(lang, "-", 2)[0] {
	case "ar":
		return "ar_AR"
	case "en":
		return "en_US"
	}
	return strings.ReplaceAll(lang, "-", "_")
}

// articleOG describes p, whose site path is path, for Open Graph.
func (h *Handler) articleOG(p *content.Post, path string) *openGraph {
	og := &openGraph{Type: "article", Title: firstNonEmpty(p.SEOTitle, p.Title), Description: firstNonEmpty(p.SEODescription, p.Standfirst),
		URL: h.base + path, Image: h.abs(p.Featured.URL), Locale: ogLocale(p.Lang)}
	if p.Type == content.TypePost {
		og.Published = p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z")
		og.Modified = p.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")
		if c := p.Category(); c != nil {
			og.Section = c.Name
		}
		for _, t := range p.Tags {
			og.Tags = append(og.Tags, t.Name)
		}
	} else {
		og.Type = "website"
	}
	return og
}

// articleJSONLD describes a post (at site path path) as schema.org
// NewsArticle, with its authors, publisher, access and — for wire copy — the
// original it is based on.
func (h *Handler) articleJSONLD(p *content.Post, path string, cv *commentsView) template.JS {
	typ := "NewsArticle"
	if p.Type == content.TypePage {
		typ = "WebPage"
	}
	doc := map[string]any{
		"@context":            "https://schema.org",
		"@type":               typ,
		"headline":            p.Title,
		"description":         p.Standfirst,
		"inLanguage":          p.Lang,
		"url":                 h.base + path,
		"mainEntityOfPage":    map[string]any{"@type": "WebPage", "@id": h.base + path},
		"datePublished":       p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"dateModified":        p.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"isAccessibleForFree": h.required(p, h.content.Now()) == "",
		"wordCount":           p.WordCount,
		"publisher":           h.publisher(),
	}
	if p.Featured.URL != "" {
		doc["image"] = []string{h.abs(p.Featured.URL)}
	}
	if h.required(p, h.content.Now()) != "" {
		// Google's markup for subscription content: the locked part is marked.
		doc["hasPart"] = map[string]any{"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": ".paywalled"}
	}
	var authors []map[string]any
	for _, a := range p.Authors {
		authors = append(authors, map[string]any{"@type": "Person", "name": a.Name, "url": h.base + AuthorPath(&a)})
	}
	if len(authors) > 0 {
		doc["author"] = authors
	} else {
		doc["author"] = h.publisher()
	}
	if c := p.Category(); c != nil {
		doc["articleSection"] = c.Name
	}
	var kw []string
	for _, t := range p.Tags {
		kw = append(kw, t.Name)
	}
	if len(kw) > 0 {
		doc["keywords"] = kw
	}
	if p.Source.Name != "" {
		src := map[string]any{"@type": "NewsArticle", "publisher": map[string]any{"@type": "Organization", "name": p.Source.Name}}
		if p.Source.URL != "" {
			src["url"] = p.Source.URL
		}
		if p.Source.Lang != "" {
			src["inLanguage"] = p.Source.Lang
		}
		doc["isBasedOn"] = src
		doc["sourceOrganization"] = map[string]any{"@type": "Organization", "name": p.Source.Name}
		if p.Source.Translated {
			doc["translationOfWork"] = src
		}
	}
	if cv != nil {
		doc["commentCount"] = cv.Count
		if list := commentsLD(cv.Threads, 20); len(list) > 0 {
			doc["comment"] = list
		}
	}
	return marshalJS(doc)
}

// commentsLD describes up to n comments, threads first, as schema.org
// Comments (names and text only: a commenter's address is never known here).
func commentsLD(nodes []*commentNode, n int) []map[string]any {
	var out []map[string]any
	var walk func([]*commentNode)
	walk = func(ns []*commentNode) {
		for _, c := range ns {
			if len(out) >= n {
				return
			}
			out = append(out, map[string]any{"@type": "Comment", "text": htmlText(string(c.BodyHTML)),
				"dateCreated": c.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
				"author":      map[string]any{"@type": "Person", "name": c.AuthorName}})
			walk(c.Replies)
		}
	}
	walk(nodes)
	return out
}

// htmlText is the text of sanitized HTML, tags dropped and entities decoded.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "p" || string(name) == "br" || string(name) == "li" {
				b.WriteByte(' ')
			}
		}
	}
}

func (h *Handler) publisher() map[string]any {
	st := h.site()
	pub := map[string]any{"@type": "NewsMediaOrganization", "name": st.Title, "url": h.base + "/"}
	if st.PublisherLogo != "" {
		pub["logo"] = map[string]any{"@type": "ImageObject", "url": h.abs(st.PublisherLogo)}
	}
	return pub
}

func (h *Handler) websiteJSONLD() template.JS {
	st := h.site()
	return marshalJS(map[string]any{
		"@context": "https://schema.org", "@type": "WebSite", "name": st.Title, "url": h.base + "/", "inLanguage": st.Lang,
		"publisher": h.publisher(),
	})
}

// marshalJS encodes JSON for a <script type="application/ld+json"> block.
// encoding/json escapes <, > and & so the text cannot close the script.
func marshalJS(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return template.JS(b)
}
