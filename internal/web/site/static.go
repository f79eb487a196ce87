package site

import (
	"net/http"
	"strings"
)

// static serves theme assets from memory. Fingerprinted files are immutable
// for a year; others may be kept a week.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	a := h.theme.assets[r.URL.Path]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ctype)
	if a.immutable {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "public, max-age=604800")
	}
	if strings.HasSuffix(r.URL.Path, ".woff2") {
		hd.Set("Access-Control-Allow-Origin", "*")
	}
	_, _ = w.Write(a.body)
}

// robots answers /robots.txt: everything public may be crawled; the admin
// and APIs may not; the sitemaps are named.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("User-agent: *\nDisallow: /admin/\nDisallow: /api/\nDisallow: /search\n\n" +
		"Sitemap: " + h.base + "/sitemap.xml\nSitemap: " + h.base + "/news-sitemap.xml\n"))
}
