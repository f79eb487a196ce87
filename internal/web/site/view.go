package site

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/settings"
)

// page is what every template receives.
type page struct {
	Site        settings.Site
	Lang, Dir   string
	Title       string
	Description string
	Canonical   string
	Robots      string
	Alternates  []alternate
	Feeds       []feedLink
	OG          *openGraph
	JSONLD      template.JS
	CSS         string
	Nav         []navItem
	Year        int
	Crumbs      []crumb

	// One of these groups is set, depending on the page.
	Post     *content.Post
	Gate     *gateView // set when the reader may see only part of Post
	Editions []content.Post
	Related  []content.Post

	Lead   *content.Post
	Latest []content.Post
	Blocks []block

	Archive *archiveView
	Posts   []content.Post
	Pager   *pager

	Error *errorView

	Members *membersView
}

type alternate struct{ Lang, URL string }
type feedLink struct{ Title, Type, URL string }
type navItem struct {
	Name, URL string
	Current   bool
}
type crumb struct{ Name, URL string }
type block struct {
	Category content.Category
	Posts    []content.Post
}
type archiveView struct{ Title, Description, FeedURL string }
type errorView struct {
	Status         int
	Title, Message string
}
type pager struct {
	Lang        string
	Page, Pages int
	Prev, Next  string
}
type openGraph struct {
	Type, Title, Description, Image, URL, Locale string
	Published, Modified, Section                 string
	Tags                                         []string
}

// cardView is the argument of the "card" template.
type cardView struct {
	Post  *content.Post
	Class string
}

type subscribeView struct{ Lang, Variant string }

func probePage() *page {
	p := &content.Post{Type: content.TypePost, Title: "t", Lang: "ar", Dir: "rtl", Status: content.Published}
	return &page{
		Site: settings.Defaults(), Lang: "ar", Dir: "rtl", Post: p, Lead: p, Latest: []content.Post{*p},
		Blocks: []block{{Posts: []content.Post{*p}}}, Posts: []content.Post{*p}, Pager: &pager{Lang: "ar", Page: 1, Pages: 2, Next: "/page/2/"},
		Archive: &archiveView{Title: "t"}, Error: &errorView{Status: 404, Title: "t"}, Crumbs: []crumb{{Name: "x", URL: "/"}, {Name: "y"}},
		OG: &openGraph{Title: "t"}, Nav: []navItem{{Name: "n", URL: "/"}},
		Members: &membersView{Kind: "account", Member: &members.Member{}, Chosen: map[int64]bool{}, Newsletters: []members.Newsletter{{ID: 1}}},
	}
}

// PostPath is the site path of a post or page in the site's permalink
// style, as the public site links it (the APIs use it for their url fields).
func (h *Handler) PostPath(p *content.Post) string { return h.postPath(p) }

func (h *Handler) postPath(p *content.Post) string {
	st := h.cur.Load()
	return content.Permalink(p, st.site.Permalink, st.loc)
}

// CategoryPath is the site path of a category archive.
func CategoryPath(c *content.Category) string { return "/category/" + url.PathEscape(c.Slug) + "/" }

// TagPath is the site path of a tag archive.
func TagPath(t *content.Tag) string { return "/tag/" + url.PathEscape(t.Slug) + "/" }

// AuthorPath is the site path of an author archive.
func AuthorPath(a *content.Author) string { return "/author/" + url.PathEscape(a.Slug) + "/" }

// funcs are the template functions. They read the handler's current settings
// (date style, time zone) through h.site().
func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"T":         func(lang, key string) string { return tr(lang, key) },
		"postURL":   func(p any) string { return h.postPath(asPost(p)) },
		"catURL":    func(c any) string { return CategoryPath(asCategory(c)) },
		"tagURL":    func(t content.Tag) string { return TagPath(&t) },
		"authorURL": func(a content.Author) string { return AuthorPath(&a) },
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":      h.formatDate,
		"num":       h.formatNum,
		"bidi": func(dir, s string) template.HTML {
			if dir != "rtl" {
				return template.HTML(template.HTMLEscapeString(s))
			}
			return arabic.IsolateText(s)
		},
		"html": func(s string) template.HTML { return template.HTML(s) }, // body_html is sanitized on save
		"readingTime": func(p any) string {
			post := asPost(p)
			n := arabic.ReadingMinutes(post.WordCount, post.Lang)
			return strings.ReplaceAll(tr(post.Lang, "min_read"), "%d", h.formatNum(post.Lang, n))
		},
		"updatedLater": func(p *content.Post) bool { return p.UpdatedAt.Sub(p.PublishedAt) > time.Hour },
		"translatedFrom": func(p *content.Post) string {
			return strings.ReplaceAll(tr(p.Lang, "translated_from"), "%s", languageName(p.Lang, p.Source.Lang))
		},
		"card":         func(p any, class string) cardView { return cardView{Post: asPost(p), Class: class} },
		"subscribeBox": func(pg *page, variant string) subscribeView { return subscribeView{Lang: pg.Lang, Variant: variant} },
		"list":         func(s ...string) []string { return s },
	}
}

func asPost(v any) *content.Post {
	switch p := v.(type) {
	case *content.Post:
		return p
	case content.Post:
		return &p
	}
	return &content.Post{}
}

func asCategory(v any) *content.Category {
	switch c := v.(type) {
	case *content.Category:
		return c
	case content.Category:
		return &c
	}
	return &content.Category{}
}

func (h *Handler) formatDate(lang string, t time.Time) string {
	cur := h.cur.Load()
	st := cur.site
	return arabic.FormatDate(t.In(cur.loc), lang, arabic.DateStyle{Digits: st.Digits, Months: st.Months, Hijri: st.Hijri})
}

func (h *Handler) formatNum(lang string, n int) string {
	s := strconv.Itoa(n)
	if strings.HasPrefix(lang, "ar") && h.site().Digits == "arabic" {
		return arabic.ToArabicIndic(s)
	}
	return s
}
