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
	Article  *postView     // Post as the article page shows it
	Gate     *gateView     // set when the reader may see only part of Post
	Comments *commentsView // the discussion, when the reader may see it
	Editions []content.Post
	Related  []content.Post

	Lead   *content.Post
	Latest []content.Post
	Blocks []block

	Archive *archiveView
	Posts   []content.Post
	Pager   *pager

	// counts are the approved comments of the listed posts (home, archives),
	// read in one query for the page; see listCard.
	counts map[int64]int

	Error *errorView

	Members *membersView

	Search *searchView

	st         *state   // the site state the page is rendered with
	h          *Handler // the handler rendering it
	navCurrent string   // the navigation link of this page, if any
}

// card is the card of a post the page lists, with its comment count (the
// "listCard" template function).
func (pg *page) card(p any, class string) *cardView {
	post := asPost(p)
	return &cardView{Post: post, Class: class, Comments: pg.counts[post.ID], h: pg.h, st: pg.st}
}

// Header is the argument of the "site-header" template.
func (pg *page) Header() chrome { return chrome{Lang: pg.Lang, Current: pg.navCurrent, st: pg.st} }

// Footer is the argument of the "site-footer" template, whose navigation
// marks no link current.
func (pg *page) Footer() chrome { return chrome{Lang: pg.Lang, Year: pg.Year, st: pg.st} }

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
	// Comments is the post's approved comment count, when the page read
	// it (0: none shown). It is in the card's key, like every field.
	Comments int

	h  *Handler
	st *state
	v  *postView
}

// V is what the card shows of its post, computed in Go (once).
func (c *cardView) V() *postView {
	if c.v == nil {
		c.v = c.h.view(c.st, c.Post)
		if c.Comments > 0 {
			c.v.Comments = commentCountIn(c.st, c.Post.Lang, c.Comments)
		}
	}
	return c.v
}

// postView is what a page shows of a post, computed once in Go: a dozen
// template function calls per card (each a reflective call that allocates)
// become field reads. Post is the post itself, for anything not computed.
type postView struct {
	Post                    *content.Post
	URL                     string
	Title, Standfirst       template.HTML // isolated for the post's direction, as the "bidi" function does
	ISO, Date               string        // published, as "iso" and "date" write it
	Updated                 bool          // updated more than an hour after publishing ("updatedLater")
	UpdatedISO, UpdatedDate string
	ReadingTime             string
	Kicker                  *link // the primary category
	Authors                 []link
	Tags                    []link
	// Comments is the approved comment count as the meta line says it
	// ("٣ تعليقات"), or "" when there are none or the page has no count.
	Comments string
}

type link struct{ Name, URL string }

type subscribeView struct{ Lang, Variant string }

// view computes a post's postView with the site state st.
func (h *Handler) view(st *state, p *content.Post) *postView {
	v := &postView{
		Post: p, URL: content.Permalink(p, st.site.Permalink, st.loc),
		Title: h.bidi(p.Dir, p.Title), ISO: iso(p.PublishedAt), Date: h.formatDateIn(st, p.Lang, p.PublishedAt),
		ReadingTime: h.readingTime(st, p),
	}
	if p.Standfirst != "" {
		v.Standfirst = h.bidi(p.Dir, p.Standfirst)
	}
	if p.UpdatedAt.Sub(p.PublishedAt) > time.Hour {
		v.Updated, v.UpdatedISO, v.UpdatedDate = true, iso(p.UpdatedAt), h.formatDateIn(st, p.Lang, p.UpdatedAt)
	}
	if c := p.Category(); c != nil {
		v.Kicker = &link{Name: c.Name, URL: CategoryPath(c)}
	}
	if len(p.Authors) > 0 {
		v.Authors = make([]link, len(p.Authors))
		for i := range p.Authors {
			v.Authors[i] = link{Name: p.Authors[i].Name, URL: AuthorPath(&p.Authors[i])}
		}
	}
	if len(p.Tags) > 0 {
		v.Tags = make([]link, len(p.Tags))
		for i := range p.Tags {
			v.Tags[i] = link{Name: p.Tags[i].Name, URL: TagPath(&p.Tags[i])}
		}
	}
	return v
}

func probePage() *page {
	p := &content.Post{Type: content.TypePost, Title: "t", Lang: "ar", Dir: "rtl", Status: content.Published}
	v := &postView{Post: p, Title: "t", Comments: "3", Kicker: &link{Name: "c", URL: "/"}, Authors: []link{{Name: "a", URL: "/"}}, Tags: []link{{Name: "t", URL: "/"}}}
	return &page{
		Site: settings.Defaults(), Lang: "ar", Dir: "rtl", Post: p, Article: v, Lead: p, Latest: []content.Post{*p},
		Blocks: []block{{Posts: []content.Post{*p}}}, Posts: []content.Post{*p}, Pager: &pager{Lang: "ar", Page: 1, Pages: 2, Next: "/page/2/"},
		counts:  map[int64]int{0: 3},
		Archive: &archiveView{Title: "t"}, Error: &errorView{Status: 404, Title: "t"}, Crumbs: []crumb{{Name: "x", URL: "/"}, {Name: "y"}},
		OG: &openGraph{Title: "t"}, Nav: []navItem{{Name: "n", URL: "/"}},
		st: &state{site: settings.Defaults(), loc: time.UTC, nav: []navItem{{Name: "n", URL: "/"}}}, navCurrent: "/", h: &Handler{},
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
		"iso":       iso,
		"date":      h.formatDate,
		"num":       h.formatNum,
		"bidi":      h.bidi,
		"html":      func(s string) template.HTML { return template.HTML(s) }, // body_html is sanitized on save
		"readingTime": func(p any) string {
			return h.readingTime(h.cur.Load(), asPost(p))
		},
		"updatedLater": func(p any) bool { post := asPost(p); return post.UpdatedAt.Sub(post.PublishedAt) > time.Hour },
		"translatedFrom": func(p any) string {
			post := asPost(p)
			return strings.ReplaceAll(tr(post.Lang, "translated_from"), "%s", languageName(post.Lang, post.Source.Lang))
		},
		"card": func(p any, class string) *cardView {
			return &cardView{Post: asPost(p), Class: class, h: h, st: h.cur.Load()}
		},
		// listCard is card for a post listed on the page pg (home,
		// archives), with the comment count the page read for it:
		// {{cached "card" (listCard $ . "card--row")}}. A function, not a
		// method of the page: a template's method call looks the method up
		// by name, allocating, on every card.
		"listCard":     func(pg *page, p any, class string) *cardView { return pg.card(p, class) },
		"subscribeBox": func(pg *page, variant string) subscribeView { return subscribeView{Lang: pg.Lang, Variant: variant} },
		"list":         func(s ...string) []string { return s },
		// cached is bound per template set (see bindFuncs); this one only
		// lets templates parse.
		"cached": func(name string, data any) (template.HTML, error) { return "", nil },
	}
}

func asPost(v any) *content.Post {
	switch p := v.(type) {
	case *content.Post:
		return p
	case content.Post:
		return &p
	case *postView:
		return p.Post
	case *cardView:
		return p.Post
	}
	return &content.Post{}
}

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// bidi escapes plain text for a page in direction dir, isolating Latin runs
// on right-to-left pages.
func (h *Handler) bidi(dir, s string) template.HTML {
	if dir != "rtl" {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return arabic.IsolateText(s)
}

func (h *Handler) readingTime(st *state, p *content.Post) string {
	n := arabic.ReadingMinutes(p.WordCount, p.Lang)
	return strings.ReplaceAll(tr(p.Lang, "min_read"), "%d", formatNumIn(st, p.Lang, n))
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
	return h.formatDateIn(h.cur.Load(), lang, t)
}

func (h *Handler) formatDateIn(cur *state, lang string, t time.Time) string {
	st := cur.site
	return arabic.FormatDate(t.In(cur.loc), lang, arabic.DateStyle{Digits: st.Digits, Months: st.Months, Hijri: st.Hijri})
}

func (h *Handler) formatNum(lang string, n int) string { return formatNumIn(h.cur.Load(), lang, n) }

func formatNumIn(st *state, lang string, n int) string {
	s := strconv.Itoa(n)
	if strings.HasPrefix(lang, "ar") && st.site.Digits == "arabic" {
		return arabic.ToArabicIndic(s)
	}
	return s
}
