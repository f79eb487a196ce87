package site

import (
	"encoding/json"
	"html/template"
	"strings"

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
func (h *Handler) articleJSONLD(p *content.Post, path string) template.JS {
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
	return marshalJS(doc)
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
