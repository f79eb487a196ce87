package site

import (
	"bytes"
	"encoding/xml"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
)

// sitemapSize is the number of URLs per sitemap part (the protocol allows
// 50,000; smaller parts are cheaper to render and to cache).
const sitemapSize = 1000

func htmlEscape(s string) string { return html.EscapeString(s) }

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + body))
}

// sitemapIndex lists the sitemap parts: posts (paged), pages, categories,
// tags and authors.
func (h *Handler) sitemapIndex(w http.ResponseWriter, r *http.Request) {
	n, err := h.content.Count(r.Context(), content.Filter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b strings.Builder
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	parts := []string{"pages.xml", "categories.xml", "tags.xml", "authors.xml"}
	for i := 1; i <= max(1, (n+sitemapSize-1)/sitemapSize); i++ {
		parts = append(parts, "posts-"+strconv.Itoa(i)+".xml")
	}
	for _, p := range parts {
		b.WriteString("<sitemap><loc>" + xmlEscape(h.base+"/sitemap-"+p) + "</loc></sitemap>\n")
	}
	b.WriteString("</sitemapindex>\n")
	writeXML(w, b.String())
}

// sitemapPart serves /sitemap-{part}: posts-N.xml, pages.xml, categories.xml,
// tags.xml, authors.xml. Posts carry hreflang links to their other editions.
func (h *Handler) sitemapPart(w http.ResponseWriter, r *http.Request, part string) {
	ctx := r.Context()
	var b strings.Builder
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	url := func(loc string, mod time.Time, alts []alternate) {
		b.WriteString("<url><loc>" + xmlEscape(loc) + "</loc>")
		if !mod.IsZero() {
			b.WriteString("<lastmod>" + mod.UTC().Format(time.RFC3339) + "</lastmod>")
		}
		for _, a := range alts {
			b.WriteString(`<xhtml:link rel="alternate" hreflang="` + xmlEscape(a.Lang) + `" href="` + xmlEscape(a.URL) + `"/>`)
		}
		b.WriteString("</url>\n")
	}
	switch {
	case strings.HasPrefix(part, "posts-") && strings.HasSuffix(part, ".xml"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(part, "posts-"), ".xml"))
		if err != nil || n < 1 || n > maxPage {
			h.errorPage(w, r, http.StatusNotFound)
			return
		}
		posts, err := h.content.List(ctx, content.Filter{Limit: sitemapSize, Offset: (n - 1) * sitemapSize})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(posts) == 0 && n > 1 {
			h.errorPage(w, r, http.StatusNotFound)
			return
		}
		groups, err := h.editionGroups(r, posts)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for i := range posts {
			url(h.base+h.postPath(&posts[i]), posts[i].UpdatedAt, groups[posts[i].TranslationGroup])
		}
	case part == "pages.xml":
		url(h.base+"/", time.Time{}, nil)
		pages, err := h.content.List(ctx, content.Filter{Type: content.TypePage, Limit: sitemapSize})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for i := range pages {
			url(h.base+h.postPath(&pages[i]), pages[i].UpdatedAt, nil)
		}
	case part == "categories.xml":
		for _, c := range h.cur.Load().categories {
			url(h.base+CategoryPath(&c), time.Time{}, nil)
		}
	case part == "tags.xml":
		tags, err := h.content.Tags(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, t := range tags {
			url(h.base+TagPath(&t), time.Time{}, nil)
		}
	case part == "authors.xml":
		authors, err := h.content.Authors(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, a := range authors {
			url(h.base+AuthorPath(&a), time.Time{}, nil)
		}
	default:
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	b.WriteString("</urlset>\n")
	writeXML(w, b.String())
}

// editionGroups maps each translation group among posts to all its live
// editions, for hreflang annotations.
func (h *Handler) editionGroups(r *http.Request, posts []content.Post) (map[string][]alternate, error) {
	out := map[string][]alternate{}
	for i := range posts {
		p := &posts[i]
		if p.TranslationGroup == "" || out[p.TranslationGroup] != nil {
			continue
		}
		eds, err := h.content.Editions(r.Context(), p)
		if err != nil {
			return nil, err
		}
		if len(eds) == 0 {
			continue
		}
		alts := []alternate{{Lang: p.Lang, URL: h.base + h.postPath(p)}}
		for j := range eds {
			alts = append(alts, alternate{Lang: eds[j].Lang, URL: h.base + h.postPath(&eds[j])})
		}
		out[p.TranslationGroup] = alts
	}
	return out, nil
}

// newsSitemap lists posts of the last 48 hours in Google News' format.
func (h *Handler) newsSitemap(w http.ResponseWriter, r *http.Request) {
	st := h.cur.Load()
	now := h.content.Now()
	posts, err := h.content.List(r.Context(), content.Filter{From: now.Add(-48 * time.Hour), Limit: 1000})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b strings.Builder
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">` + "\n")
	for i := range posts {
		p := &posts[i]
		b.WriteString("<url><loc>" + xmlEscape(h.base+h.postPath(p)) + "</loc><news:news><news:publication><news:name>" +
			xmlEscape(st.site.Title) + "</news:name><news:language>" + xmlEscape(p.Lang) + "</news:language></news:publication>" +
			"<news:publication_date>" + p.PublishedAt.UTC().Format(time.RFC3339) + "</news:publication_date>" +
			"<news:title>" + xmlEscape(p.Title) + "</news:title></news:news></url>\n")
	}
	b.WriteString("</urlset>\n")
	writeXML(w, b.String())
}
