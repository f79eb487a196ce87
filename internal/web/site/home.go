package site

import (
	"net/http"

	"nashra.dev/nashra/internal/content"
)

// home is the front page: a lead story, the latest, and a block per top-level
// category. Its later pages (/page/N/) are a plain list.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := h.cur.Load()
	n, ok := pageNumber(r)
	if !ok {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	per := st.site.PostsPerPage
	pg := &page{
		Description: st.site.Description,
		Canonical:   h.base + "/",
	}
	if n > 1 {
		total, err := h.content.Count(ctx, content.Filter{})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if (n-1)*per >= total {
			h.errorPage(w, r, http.StatusNotFound)
			return
		}
		posts, err := h.content.List(ctx, content.Filter{Limit: per, Offset: (n - 1) * per})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		pg.Posts = posts
		if pg.counts, err = h.commentCounts(ctx, posts); err != nil {
			h.fail(w, r, err)
			return
		}
		pg.Pager = newPager(st.site.Lang, "/", n, total, per)
		pg.Canonical = h.base + r.URL.Path
		pg.Title = tr(st.site.Lang, "page") + " " + h.formatNum(st.site.Lang, n) + " — " + st.site.Title
		h.render(w, r, http.StatusOK, "home", pg)
		return
	}
	latest, err := h.content.List(ctx, content.Filter{Limit: 7})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	seen := map[int64]bool{}
	if len(latest) > 0 {
		pg.Lead = &latest[0]
		pg.Latest = latest[1:]
		for _, p := range latest {
			seen[p.ID] = true
		}
	}
	for _, c := range st.categories {
		if c.ParentID != 0 {
			continue
		}
		posts, err := h.content.List(ctx, content.Filter{CategoryID: c.ID, IncludeSubcategories: true, Limit: 8})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		var fresh []content.Post
		for _, p := range posts {
			if !seen[p.ID] && len(fresh) < 4 {
				fresh = append(fresh, p)
			}
		}
		if len(fresh) > 0 {
			pg.Blocks = append(pg.Blocks, block{Category: c, Posts: fresh})
		}
	}
	lists := make([][]content.Post, 0, 1+len(pg.Blocks))
	lists = append(lists, latest)
	for _, b := range pg.Blocks {
		lists = append(lists, b.Posts)
	}
	if pg.counts, err = h.commentCounts(ctx, lists...); err != nil {
		h.fail(w, r, err)
		return
	}
	total, err := h.content.Count(ctx, content.Filter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if total > per {
		pg.Pager = newPager(st.site.Lang, "/", 1, total, per)
	}
	pg.JSONLD = h.websiteJSONLD()
	pg.OG = &openGraph{Type: "website", Title: st.site.Title, Description: st.site.Description, URL: h.base + "/", Locale: ogLocale(st.site.Lang)}
	h.render(w, r, http.StatusOK, "home", pg)
}
