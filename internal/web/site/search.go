package site

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/search"
)

// searchPerPage is how many results a search page shows.
const searchPerPage = 10

// searchView is the search page: the form, with what was asked, and the
// results.
type searchView struct {
	Q            string
	Category     string // a category's slug
	From, To     string // YYYY-MM-DD
	Lang         string
	Sort         string // "relevance" or "date"
	Categories   []content.Category
	Langs        []string
	Results      []searchResult
	Total        int
	Capped       bool
	Message      string // why the query could not be searched
	Searched     bool
	Prev, Next   string
	Page, Pages  int
	OpenSearchID string
}

// searchResult is one hit with what the page shows of its post.
type searchResult struct {
	V       *postView
	Title   template.HTML // with the matched words marked
	Snippet template.HTML
}

// searchPage answers /search?q=…: the form alone without a query; results
// with filters (category, date range, language), sort and pages. A query
// that cannot be searched (nothing but operators, too long, broken text)
// gets the form again with the reason (400), never an error page.
func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) {
	st := h.cur.Load()
	lang := st.site.Lang
	q := r.URL.Query()
	sv := &searchView{Q: clip(q.Get("q"), 2000), Category: q.Get("category"), From: q.Get("from"), To: q.Get("to"),
		Lang: q.Get("lang"), Sort: q.Get("sort"), Categories: st.categories, Langs: []string{"ar", "en"}}
	if !utf8.ValidString(sv.Q) {
		sv.Q = strings.ToValidUTF8(sv.Q, "")
	}
	pg := &page{Lang: lang, Dir: dirOf(lang), Title: tr(lang, "search") + " — " + st.site.Title, Robots: "noindex, follow", Search: sv}
	status := http.StatusOK
	defer func() { h.render(w, r, status, "search", pg) }()

	f := search.Filter{Limit: searchPerPage, Lang: sv.Lang} // posts and pages
	switch sv.Sort {
	case "date":
		f.Sort = search.ByDate
	case "", "relevance":
		sv.Sort = "relevance"
	default:
		status, sv.Message = http.StatusBadRequest, tr(lang, "search_bad_sort")
		return
	}
	if sv.Lang != "" && len(sv.Lang) > 12 {
		status, sv.Message = http.StatusBadRequest, tr(lang, "search_bad_lang")
		return
	}
	if sv.Category != "" {
		c, err := h.content.CategoryBySlug(r.Context(), strings.ToLower(sv.Category))
		if err != nil {
			status, sv.Message = http.StatusBadRequest, tr(lang, "search_bad_category")
			return
		}
		f.Category = c.ID
	}
	for _, d := range []struct {
		s   string
		to  *time.Time
		end bool
	}{{sv.From, &f.From, false}, {sv.To, &f.To, true}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.s, st.loc)
		if err != nil {
			status, sv.Message = http.StatusBadRequest, tr(lang, "search_bad_date")
			return
		}
		if d.end {
			t = t.AddDate(0, 0, 1) // "to" includes its day
		}
		*d.to = t
	}
	n := 1
	if p := q.Get("page"); p != "" {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 || v > 100 {
			status, sv.Message = http.StatusBadRequest, tr(lang, "search_bad_page")
			return
		}
		n = v
	}
	f.Offset = (n - 1) * searchPerPage
	if strings.TrimSpace(sv.Q) == "" || h.search == nil {
		return
	}
	sv.Searched = true
	res, err := h.search.SearchText(r.Context(), sv.Q, f)
	if errors.Is(err, search.ErrBadQuery) {
		status, sv.Message = http.StatusBadRequest, err.Error()
		return
	}
	if err != nil {
		h.log.Error("search", "err", err)
		status, sv.Message = http.StatusServiceUnavailable, tr(lang, "error_text")
		return
	}
	sv.Total, sv.Capped = res.Total, res.Capped
	ids := make([]int64, len(res.Hits))
	for i, hit := range res.Hits {
		ids[i] = hit.PostID
	}
	posts, err := h.content.PostsByIDs(r.Context(), ids)
	if err != nil {
		h.log.Error("search posts", "err", err)
		status, sv.Message = http.StatusServiceUnavailable, tr(lang, "error_text")
		return
	}
	byID := make(map[int64]*content.Post, len(posts))
	for i := range posts {
		byID[posts[i].ID] = &posts[i]
	}
	for _, hit := range res.Hits {
		if p := byID[hit.PostID]; p != nil {
			sv.Results = append(sv.Results, searchResult{V: h.view(st, p), Title: hit.Title, Snippet: hit.Snippet})
		}
	}
	sv.Page, sv.Pages = n, max(1, (min(res.Total, 100*searchPerPage)+searchPerPage-1)/searchPerPage)
	link := func(page int) string {
		v := url.Values{"q": {sv.Q}}
		for k, val := range map[string]string{"category": sv.Category, "from": sv.From, "to": sv.To, "lang": sv.Lang} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if sv.Sort == "date" {
			v.Set("sort", "date")
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/search?" + v.Encode()
	}
	if n > 1 {
		sv.Prev = link(n - 1)
	}
	if n < sv.Pages {
		sv.Next = link(n + 1)
	}
}

// openSearch is the OpenSearch description that lets browsers offer the
// site's search from the address bar.
func (h *Handler) openSearch(w http.ResponseWriter, r *http.Request) {
	st := h.cur.Load()
	w.Header().Set("Content-Type", "application/opensearchdescription+xml; charset=utf-8")
	name := st.site.Title
	if utf8.RuneCountInString(name) > 16 { // the short name's limit in the spec
		name = string([]rune(name)[:16])
	}
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>` + htmlEscape(name) + `</ShortName>
<Description>` + htmlEscape(st.site.Title+" — "+tr(st.site.Lang, "search")) + `</Description>
<InputEncoding>UTF-8</InputEncoding>
<Language>` + htmlEscape(st.site.Lang) + `</Language>
<Url type="text/html" method="get" template="` + htmlEscape(h.base) + `/search?q={searchTerms}"/>
<Url type="application/opensearchdescription+xml" rel="self" template="` + htmlEscape(h.base) + `/opensearch.xml"/>
</OpenSearchDescription>
`))
}
