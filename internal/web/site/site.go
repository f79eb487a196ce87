// Package site serves the public site: home, articles, archives, feeds,
// sitemaps and the theme's static files.
package site

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/search"
	"nashra.dev/nashra/internal/settings"
)

// Options configure the public site.
type Options struct {
	BaseURL  string // e.g. https://news.example, without a trailing slash
	Theme    fs.FS  // the default theme (templates/ and static/)
	ThemeDir string // DATA/theme: files here override the theme's
	Log      *slog.Logger
	Reader   Reader // who is reading (members' access); nil: everyone is anonymous
	// Members turns on the readers' pages (subscribe, sign in, account);
	// VerifyUnsubscribe checks newsletter unsubscribe links.
	Members           *members.Service
	VerifyUnsubscribe func(member, newsletter int64, sig string) bool
	// Comments turns on the discussion under posts, its form and feeds.
	Comments *comments.Service
	// Search answers /search; nil shows the form with no results.
	Search *search.Index
}

// Handler is the public site.
type Handler struct {
	content     *content.Service
	settings    *settings.Service
	base        string
	log         *slog.Logger
	theme       *theme
	reader      Reader
	members     *members.Service
	comments    *comments.Service
	search      *search.Index
	verifyUnsub func(member, newsletter int64, sig string) bool
	cur         atomic.Pointer[state]
	states      atomic.Uint64 // states made, for their gen
	// bufs holds buffers for rendering: a page is tens of KB, which a fresh
	// buffer would reach by doubling on every request.
	bufs sync.Pool
}

// state is what every page needs that changes only with settings or
// categories; it is reloaded on change notices rather than per request.
type state struct {
	site       settings.Site
	categories []content.Category
	loc        *time.Location
	nav        []navItem  // the site's navigation, none of it current; shared, read-only
	frags      *fragments // rendered fragments (see fragments.go)
	// related answers the article page's related posts from memory; like
	// the fragments, it lives as long as the state, so that a change notice
	// drops it.
	related *content.RelatedIndex
	gen     uint64 // tells states apart: the handler's nth state
}

func (h *Handler) newState(site settings.Site, cats []content.Category, loc *time.Location) *state {
	st := &state{site: site, categories: cats, loc: loc, frags: newFragments(), related: h.content.NewRelatedIndex(), gen: h.states.Add(1)}
	if len(site.Nav) > 0 {
		for _, l := range site.Nav {
			st.nav = append(st.nav, navItem{Name: l.Name, URL: l.URL})
		}
	} else {
		for _, c := range cats {
			if c.ParentID == 0 {
				st.nav = append(st.nav, navItem{Name: c.Name, URL: CategoryPath(&c)})
			}
		}
	}
	return st
}

// New loads the theme (failing on any template error) and site state.
func New(ctx context.Context, cs *content.Service, ss *settings.Service, opt Options) (*Handler, error) {
	h := &Handler{content: cs, settings: ss, base: opt.BaseURL, log: opt.Log, reader: opt.Reader, members: opt.Members,
		comments:    opt.Comments,
		search:      opt.Search,
		verifyUnsub: opt.VerifyUnsubscribe}
	if h.reader == nil && h.members != nil {
		h.reader = h.MemberReader
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.cur.Store(h.newState(settings.Defaults(), nil, time.UTC))
	th, err := loadTheme(opt.Theme, opt.ThemeDir, h.funcs(), h.bindFuncs)
	if err != nil {
		return nil, err
	}
	h.theme = th
	return h, h.Reload(ctx)
}

// Reload re-reads settings and categories and drops what was kept in
// memory from the content (rendered fragments, the related-posts index);
// call it on every change notice. When reading fails, the settings and
// categories already loaded stay, but what was kept from the content is
// still dropped.
func (h *Handler) Reload(ctx context.Context) error {
	site, err := h.settings.Site(ctx)
	var cats []content.Category
	if err == nil {
		cats, err = h.content.Categories(ctx)
	}
	if err != nil {
		old := h.cur.Load()
		h.cur.Store(h.newState(old.site, old.categories, old.loc))
		return err
	}
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		loc = time.UTC
	}
	h.cur.Store(h.newState(site, cats, loc))
	return nil
}

// bindFuncs gives the template set of a page its own functions: "cached"
// executes partials of that set.
func (h *Handler) bindFuncs(page string, t *template.Template) template.FuncMap {
	return template.FuncMap{"cached": h.cachedFunc(page, t)}
}

func (h *Handler) site() settings.Site { return h.cur.Load().site }

// Routes registers the public paths on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /page/{n}/{$}", h.home)
	mux.HandleFunc("GET /category/{slug}/{$}", h.category)
	mux.HandleFunc("GET /category/{slug}/page/{n}/{$}", h.category)
	mux.HandleFunc("GET /tag/{slug}/{$}", h.tag)
	mux.HandleFunc("GET /tag/{slug}/page/{n}/{$}", h.tag)
	mux.HandleFunc("GET /author/{slug}/{$}", h.author)
	mux.HandleFunc("GET /author/{slug}/page/{n}/{$}", h.author)

	mux.HandleFunc("GET /feed/{$}", h.feed("rss", feedScope{}))
	mux.HandleFunc("GET /feed/atom/{$}", h.feed("atom", feedScope{}))
	mux.HandleFunc("GET /feed.json", h.feed("json", feedScope{}))
	for _, kind := range []string{"category", "tag", "author"} {
		mux.HandleFunc("GET /"+kind+"/{slug}/feed/{$}", h.feed("rss", feedScope{kind: kind}))
		mux.HandleFunc("GET /"+kind+"/{slug}/feed/atom/{$}", h.feed("atom", feedScope{kind: kind}))
		mux.HandleFunc("GET /"+kind+"/{slug}/feed.json", h.feed("json", feedScope{kind: kind}))
	}

	mux.HandleFunc("GET /sitemap.xml", h.sitemapIndex)
	mux.HandleFunc("GET /news-sitemap.xml", h.newsSitemap)
	mux.HandleFunc("GET /robots.txt", h.robots)
	mux.HandleFunc("GET /static/", h.static)
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))
	if h.members != nil {
		mux.HandleFunc("POST /subscribe", h.subscribe)
		mux.HandleFunc("GET /members/signup", h.signupForm)
		mux.HandleFunc("POST /members/signup", h.subscribe)
		mux.HandleFunc("GET /members/confirm", h.confirm)
		mux.HandleFunc("GET /members/signin", h.signin)
		mux.HandleFunc("POST /members/signin", h.sendSignin)
		mux.HandleFunc("GET /members/account", h.account)
		mux.HandleFunc("POST /members/account", h.accountSave)
		mux.HandleFunc("GET /members/account/export", h.accountExport)
		mux.HandleFunc("GET /members/email", h.confirmEmail)
		mux.HandleFunc("GET /members/unsubscribe", h.unsubscribe)
		mux.HandleFunc("POST /members/unsubscribe", h.unsubscribe)
	} else {
		mux.HandleFunc("POST /subscribe", h.subscribeClosed)
	}
	mux.HandleFunc("GET /preview/{id}", h.preview)
	mux.HandleFunc("GET /search", h.searchPage)
	mux.HandleFunc("GET /opensearch.xml", h.openSearch)
	if h.comments != nil {
		mux.HandleFunc("POST "+CommentsPath, h.postComment)
		mux.HandleFunc("GET /comments/feed/{$}", h.commentFeed)
		mux.HandleFunc("GET "+comments.UnsubscribePath, h.commentUnsubscribe)
		mux.HandleFunc("POST "+comments.UnsubscribePath, h.commentUnsubscribe)
	}

	// Everything else: posts and pages by slug, date archives, 404.
	mux.HandleFunc("GET /", h.catchAll)
}

// render executes a page template into a buffer first, so that a template
// error becomes a clean 500 page rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	h.fill(r, pg)
	buf, _ := h.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
		buf.Grow(32 << 10)
	}
	defer func() {
		if buf.Cap() <= 1<<20 { // one huge page must not stay in memory for good
			buf.Reset()
			h.bufs.Put(buf)
		}
	}()
	if err := h.theme.pages[name].ExecuteTemplate(buf, "layout", pg); err != nil {
		h.log.Error("render", "page", name, "path", r.URL.Path, "err", err)
		if name != "error" {
			h.errorPage(w, r, http.StatusInternalServerError)
		} else {
			http.Error(w, "Internal error", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fill sets what every page shares.
func (h *Handler) fill(r *http.Request, pg *page) {
	st := h.cur.Load()
	pg.Site = st.site
	if pg.Lang == "" {
		pg.Lang = st.site.Lang
	}
	if pg.Dir == "" {
		pg.Dir = dirOf(pg.Lang)
	}
	if pg.Title == "" {
		pg.Title = st.site.Title
	}
	pg.CSS = h.theme.css
	pg.Year = time.Now().In(st.loc).Year()
	pg.st, pg.h = st, h
	pg.Nav = st.nav
	for _, it := range st.nav {
		if it.URL == r.URL.Path {
			pg.navCurrent = it.URL
			pg.Nav = pg.Header().Items()
			break
		}
	}
	if len(pg.Feeds) == 0 {
		pg.Feeds = []feedLink{{Title: st.site.Title, Type: "application/rss+xml", URL: h.base + "/feed/"}}
	}
}

// errorPage answers with the theme's error page for status.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	lang := h.site().Lang
	ev := &errorView{Status: status}
	switch status {
	case http.StatusNotFound:
		ev.Title, ev.Message = tr(lang, "not_found"), tr(lang, "not_found_text")
	case http.StatusGone:
		ev.Title, ev.Message = tr(lang, "gone"), tr(lang, "gone_text")
	case http.StatusBadRequest:
		ev.Title, ev.Message = tr(lang, "bad_request"), tr(lang, "bad_request_text")
	default:
		ev.Title, ev.Message = tr(lang, "error"), tr(lang, "error_text")
	}
	if status >= 500 {
		w.Header().Set("Cache-Control", "no-store")
	}
	h.render(w, r, status, "error", &page{Title: ev.Title + " — " + h.site().Title, Robots: "noindex", Error: ev})
}

// fail logs an internal error and answers 500, or maps domain errors.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, content.ErrNotFound):
		h.errorPage(w, r, http.StatusNotFound)
	case errors.Is(err, content.ErrGone):
		h.errorPage(w, r, http.StatusGone)
	case errors.Is(err, context.Canceled):
		// the client went away; nothing to answer
	default:
		h.log.Error("site", "path", r.URL.Path, "err", err)
		h.errorPage(w, r, http.StatusInternalServerError)
	}
}

func (h *Handler) subscribeClosed(w http.ResponseWriter, r *http.Request) {
	lang := h.site().Lang
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, http.StatusServiceUnavailable, "error", &page{Robots: "noindex",
		Error: &errorView{Status: 503, Title: tr(lang, "subscribe_closed"), Message: tr(lang, "subscribe_closed_text")}})
}
