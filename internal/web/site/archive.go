package site

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/content"
)

// archive renders one page of a filtered list of posts.
func (h *Handler) archive(w http.ResponseWriter, r *http.Request, base string, f content.Filter, av *archiveView, crumbs []crumb) {
	ctx := r.Context()
	st := h.cur.Load()
	n, ok := pageNumber(r)
	if !ok {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	per := st.site.PostsPerPage
	total, err := h.content.Count(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n > 1 && (n-1)*per >= total {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	f.Limit, f.Offset = per, (n-1)*per
	posts, err := h.content.List(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	counts, err := h.commentCounts(ctx, posts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := av.Title
	if n > 1 {
		title += " — " + tr(st.site.Lang, "page") + " " + h.formatNum(st.site.Lang, n)
	}
	pg := &page{
		Title: title + " — " + st.site.Title, Description: av.Description, Canonical: h.base + r.URL.EscapedPath(),
		Archive: av, Posts: posts, Pager: newPager(st.site.Lang, base, n, total, per),
		Crumbs: append([]crumb{{Name: tr(st.site.Lang, "home"), URL: "/"}}, crumbs...), counts: counts,
	}
	if av.FeedURL != "" {
		pg.Feeds = []feedLink{{Title: av.Title, Type: "application/rss+xml", URL: h.base + av.FeedURL}}
	}
	if len(posts) == 0 && n == 1 {
		pg.Robots = "noindex"
	}
	h.render(w, r, http.StatusOK, "archive", pg)
}

func (h *Handler) category(w http.ResponseWriter, r *http.Request) {
	c, err := h.content.CategoryBySlug(r.Context(), strings.ToLower(r.PathValue("slug")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var crumbs []crumb
	for _, a := range content.Ancestors(h.cur.Load().categories, c) {
		crumbs = append(crumbs, crumb{Name: a.Name, URL: CategoryPath(&a)})
	}
	crumbs = append(crumbs, crumb{Name: c.Name})
	base := CategoryPath(c)
	h.archive(w, r, base, content.Filter{CategoryID: c.ID, IncludeSubcategories: true},
		&archiveView{Title: c.Name, Description: c.Description, FeedURL: base + "feed/"}, crumbs)
}

func (h *Handler) tag(w http.ResponseWriter, r *http.Request) {
	t, err := h.content.TagBySlug(r.Context(), strings.ToLower(r.PathValue("slug")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := TagPath(t)
	h.archive(w, r, base, content.Filter{TagID: t.ID},
		&archiveView{Title: t.Name, Description: t.Description, FeedURL: base + "feed/"}, []crumb{{Name: t.Name}})
}

func (h *Handler) author(w http.ResponseWriter, r *http.Request) {
	a, err := h.content.AuthorBySlug(r.Context(), strings.ToLower(r.PathValue("slug")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := AuthorPath(a)
	h.archive(w, r, base, content.Filter{AuthorID: a.ID},
		&archiveView{Title: a.Name, Description: a.Bio, FeedURL: base + "feed/"}, []crumb{{Name: a.Name}})
}

// dateArchive serves /YYYY/, /YYYY/MM/ and /YYYY/MM/DD/, each with /page/N/.
func (h *Handler) dateArchive(w http.ResponseWriter, r *http.Request, parts []string) {
	st := h.cur.Load()
	if i := indexOf(parts, "page"); i >= 0 {
		if i != len(parts)-2 {
			h.errorPage(w, r, http.StatusNotFound)
			return
		}
		r.SetPathValue("n", parts[i+1])
		parts = parts[:i]
	}
	if len(parts) > 3 || !strings.HasSuffix(r.URL.Path, "/") {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || !isDigits(p) || (i > 0 && len(p) != 2) {
			h.errorPage(w, r, http.StatusNotFound)
			return
		}
		nums[i] = n
	}
	y, m, d := nums[0], nums[1], nums[2]
	if (len(parts) > 1 && (m < 1 || m > 12)) || (len(parts) > 2 && (d < 1 || d > 31)) {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	from, to := dayBounds(y, m, d, st.loc)
	if len(parts) > 2 && from.Day() != d { // 31 February
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	lang := st.site.Lang
	style := arabic.DateStyle{Digits: st.site.Digits, Months: st.site.Months}
	var title string
	switch len(parts) {
	case 1:
		title = h.formatNum(lang, y)
	case 2:
		title = arabic.MonthName(time.Month(m), lang, style) + " " + h.formatNum(lang, y)
	default:
		title = arabic.FormatDate(from, lang, style)
	}
	base := "/" + strings.Join(parts, "/") + "/"
	h.archive(w, r, base, content.Filter{From: from, To: to},
		&archiveView{Title: tr(lang, "archive") + ": " + title}, []crumb{{Name: title}})
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}
