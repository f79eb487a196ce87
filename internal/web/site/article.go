package site

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
)

// catchAll serves what the fixed routes do not: date archives (/2025/,
// /2025/03/, /2025/03/28/), posts and pages by slug (/slug/), and 404s.
func (h *Handler) catchAll(w http.ResponseWriter, r *http.Request) {
	raw := strings.Trim(r.URL.Path, "/")
	if raw == "" || strings.Contains(raw, "//") {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	parts := strings.Split(raw, "/")
	if len(parts) == 1 && strings.HasPrefix(raw, "sitemap-") && strings.HasSuffix(r.URL.Path, ".xml") {
		h.sitemapPart(w, r, strings.TrimPrefix(raw, "sitemap-"))
		return
	}
	if isYear(parts[0]) {
		// /YYYY/MM/slug/ and /YYYY/MM/DD/slug/ are posts in the date styles;
		// anything all-numeric (and page/N) is a date archive.
		last := parts[len(parts)-1]
		if (len(parts) == 3 || len(parts) == 4) && !isDigits(last) && indexOf(parts, "page") < 0 {
			h.article(w, r, last)
			return
		}
		h.dateArchive(w, r, parts)
		return
	}
	if len(parts) == 2 && parts[1] == "feed" && h.comments != nil {
		h.postCommentFeed(w, r, strings.ToLower(parts[0])) // WordPress's per-post comments feed
		return
	}
	if len(parts) != 1 {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/") {
		// Canonical post addresses end in a slash, as WordPress's do.
		http.Redirect(w, r, r.URL.EscapedPath()+"/", http.StatusMovedPermanently)
		return
	}
	h.article(w, r, parts[0])
}

func (h *Handler) article(w http.ResponseWriter, r *http.Request, slug string) {
	p, err := h.content.LookupHTML(r.Context(), strings.ToLower(slug))
	var moved *content.Moved
	if errors.As(err, &moved) {
		w.Header().Set("Location", "/"+url.PathEscape(moved.Slug)+"/") // which redirects on to the right style
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if want := h.postPath(p); r.URL.EscapedPath() != want && r.URL.Path != want {
		// A differently-cased address, or one in another permalink style
		// (the site changed style, or an old link): one canonical URL.
		http.Redirect(w, r, want, http.StatusMovedPermanently)
		return
	}
	h.showPost(w, r, p, false)
}

// showPostStatus shows a published post with status, and a refused
// comment's form (see postComment).
func (h *Handler) showPostStatus(w http.ResponseWriter, r *http.Request, p *content.Post, status int, form *commentsView) {
	h.servePost(w, r, p, false, status, form)
}

// preview shows a post in any status to whoever holds its preview link.
// The answer is private and never indexed.
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	p, err := h.content.PreviewPost(r.Context(), id, r.URL.Query().Get("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	h.showPost(w, r, p, true)
}

func (h *Handler) showPost(w http.ResponseWriter, r *http.Request, p *content.Post, preview bool) {
	h.servePost(w, r, p, preview, http.StatusOK, nil)
}

func (h *Handler) servePost(w http.ResponseWriter, r *http.Request, p *content.Post, preview bool, status int, form *commentsView) {
	ctx := r.Context()
	editions, err := h.content.Editions(ctx, p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := h.cur.Load()
	var related []content.Post
	if p.Type == content.TypePost {
		if related, err = st.related.Related(ctx, p, 4); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	pg, err := h.articlePage(r, st, p, editions, related, preview, form)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !preview && status == http.StatusOK {
		w.Header().Set("Last-Modified", p.UpdatedAt.UTC().Format(http.TimeFormat))
	}
	h.render(w, r, status, "article", pg)
}

// articlePage is what the article template gets for p, its editions and
// related posts, with the site state st; form is a refused comment to show
// again (nil on a plain visit).
func (h *Handler) articlePage(r *http.Request, st *state, p *content.Post, editions, related []content.Post, preview bool,
	form *commentsView) (*page, error) {
	v := h.view(st, p)
	pg := &page{
		Lang: p.Lang, Dir: p.Dir, Post: p, Article: v, Editions: editions, Related: related,
		Title:       firstNonEmpty(p.SEOTitle, p.Title) + " — " + st.site.Title,
		Description: firstNonEmpty(p.SEODescription, p.Standfirst),
		Canonical:   firstNonEmpty(p.CanonicalURL, h.base+v.URL),
	}
	if len(editions) > 0 {
		pg.Alternates = append(pg.Alternates, alternate{Lang: p.Lang, URL: h.base + v.URL})
		for _, e := range editions {
			pg.Alternates = append(pg.Alternates, alternate{Lang: e.Lang, URL: h.base + h.postPath(&e)})
		}
	}
	pg.Crumbs = []crumb{{Name: tr(p.Lang, "home"), URL: "/"}}
	if c := p.Category(); c != nil {
		for _, a := range content.Ancestors(st.categories, c) {
			pg.Crumbs = append(pg.Crumbs, crumb{Name: a.Name, URL: CategoryPath(&a)})
		}
		pg.Crumbs = append(pg.Crumbs, crumb{Name: c.Name, URL: CategoryPath(c)})
	}
	pg.Crumbs = append(pg.Crumbs, crumb{Name: p.Title})
	pg.OG = h.articleOG(p, v.URL)
	if preview {
		pg.Robots = "noindex, nofollow"
		return pg, nil
	}
	if pg.Gate = h.gate(r, p); pg.Gate == nil {
		var err error
		if pg.Comments, err = h.commentsFor(r, st, p, form); err != nil {
			return nil, err
		}
		if pg.Comments != nil && pg.Comments.Count > 0 {
			v.Comments = commentCountIn(st, p.Lang, pg.Comments.Count)
		}
	}
	pg.JSONLD = h.articleJSONLD(p, v.URL, pg.Comments)
	return pg, nil
}

func isYear(s string) bool {
	return len(s) == 4 && s[0] >= '1' && s[0] <= '9' && isDigits(s)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func dirOf(lang string) string {
	if strings.HasPrefix(lang, "ar") || strings.HasPrefix(lang, "fa") || strings.HasPrefix(lang, "he") || strings.HasPrefix(lang, "ur") {
		return "rtl"
	}
	return "ltr"
}

// dayBounds returns the start of a day, month or year in loc and the start of the next one.
func dayBounds(y, m, d int, loc *time.Location) (time.Time, time.Time) {
	switch {
	case m == 0:
		from := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, 0)
	case d == 0:
		from := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0)
	}
	from := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}
