package site

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"nashra.dev/nashra/internal/settings"
)

// Fragments: parts of pages that are the same from page to page — the
// header, the footer and the subscribe box, which depend only on the site's
// state and the language, and the card of a post, which is shown on many
// pages (related posts, home, archives) — are rendered once and reused,
// rather than re-executed (a few dozen template actions each, every action
// a reflective call) on every uncached page. A theme asks for one with
//
//	{{cached "subscribe" (subscribeBox . "footer")}}
//
// which executes the named template with that argument the first time and
// returns the same HTML afterwards. The argument is the key: it must be
// comparable, or say its key itself (cards do, see cardView.cacheKey), and
// the template's output must depend on nothing else than it and the site's
// state. Each state (see Handler.Reload, called on every change notice)
// starts with no fragments, so no fragment outlives a change. The data
// behind a page is still read on every request; only its rendering is
// reused when that data is the same.

// maxFragments bounds a state's fragments: a few per language for the
// header, footer and subscribe box, and one per card shown (a few KB each);
// past it the cache starts over.
const maxFragments = 4096

type fragments struct {
	mu sync.RWMutex
	m  map[fragmentKey]template.HTML
}

type fragmentKey struct {
	page, name string // page: the template set (a page may redefine a partial)
	data       any
}

// keyed is an argument that says itself what the output depends on, as a
// string: a card's post is read afresh on every request, so its pointer
// would never match, and its fields are not comparable.
type keyed interface{ cacheKey() string }

// ownKey wraps a keyed argument's key, so that it is never equal to a plain
// string argument.
type ownKey struct{ key string }

// cachedFunc is the "cached" template function of the page's template set t.
func (h *Handler) cachedFunc(page string, t *template.Template) func(name string, data any) (template.HTML, error) {
	return func(name string, data any) (template.HTML, error) {
		st := h.cur.Load()
		f := st.frags
		if f == nil {
			return executeFragment(t, name, data)
		}
		keyData := data
		if k, ok := data.(keyed); ok {
			keyData = ownKey{k.cacheKey()}
		} else if data != nil && !reflect.TypeOf(data).Comparable() {
			return executeFragment(t, name, data)
		}
		key := fragmentKey{page: page, name: name, data: keyData}
		f.mu.RLock()
		out, ok := f.m[key]
		f.mu.RUnlock()
		if ok {
			return out, nil
		}
		out, err := executeFragment(t, name, data)
		if err != nil {
			return "", err
		}
		f.mu.Lock()
		if len(f.m) >= maxFragments {
			clear(f.m)
		}
		f.m[key] = out
		f.mu.Unlock()
		return out, nil
	}
}

func executeFragment(t *template.Template, name string, data any) (template.HTML, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("cached %q: %w", name, err)
	}
	return template.HTML(b.String()), nil
}

func newFragments() *fragments { return &fragments{m: map[fragmentKey]template.HTML{}} }

// chrome is the argument of the "site-header" and "site-footer" templates:
// the page's language, the site's settings and navigation, and for the
// header the navigation link of the page shown (or ""), for the footer the
// year. It is comparable, so that each is rendered once per state.
type chrome struct {
	Lang    string
	Current string
	Year    int
	st      *state
}

// Site is the site's settings.
func (c chrome) Site() settings.Site {
	if c.st == nil {
		return settings.Site{}
	}
	return c.st.site
}

// Items are the navigation links, the current page's marked.
func (c chrome) Items() []navItem {
	if c.st == nil {
		return nil
	}
	if c.Current == "" {
		return c.st.nav
	}
	items := make([]navItem, len(c.st.nav))
	for i, it := range c.st.nav {
		it.Current = it.URL == c.Current
		items[i] = it
	}
	return items
}

// Subscribe is the footer's subscribe box.
func (c chrome) Subscribe() subscribeView { return subscribeView{Lang: c.Lang, Variant: "footer"} }

// cacheKey makes a card a fragment ("{{cached "card" (card . "")}}"): the
// key holds every field of the post and of its authors, categories and tags,
// the card's class, its comment count and the state it is rendered with, so
// that the cached card is the one the template would render now. (The count
// matters most: a comment's change notice flushes the page cache but keeps
// the state, and its fragments, so a card with an old count must miss.) (Content changes also drop the
// whole state through their change notice; the fields matter for changes that
// send none, such as an author renamed, and for the moment between a commit
// and its notice on another node.)
func (c *cardView) cacheKey() string {
	p := c.Post
	var b strings.Builder
	b.Grow(512 + len(p.BodyHTML) + len(p.BodyMD))
	w := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(strconv.Itoa(len(s)))
			b.WriteByte(':')
			b.WriteString(s)
		}
	}
	n := func(ns ...int64) {
		for _, v := range ns {
			b.WriteString(strconv.FormatInt(v, 10))
			b.WriteByte(',')
		}
	}
	n(int64(c.st.gen), int64(c.Comments), p.ID, int64(p.Version), p.CategoryID, int64(p.WordCount),
		p.PublishedAt.UnixNano(), p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano(),
		int64(p.Featured.Width), int64(p.Featured.Height), int64(len(p.Authors)), int64(len(p.Categories)), int64(len(p.Tags)))
	w(c.Class, string(p.Type), p.Slug, p.Title, p.Standfirst, p.BodyMD, p.BodyHTML, string(p.Status), p.Visibility, p.Lang, p.Dir,
		p.Featured.URL, p.Featured.Alt, p.Featured.Caption, p.Featured.Credit, p.Featured.SrcSet,
		p.Source.Name, p.Source.URL, p.Source.Lang, strconv.FormatBool(p.Source.Translated), p.CanonicalURL, p.TranslationGroup,
		p.SEOTitle, p.SEODescription, p.PreviewToken)
	for _, a := range p.Authors {
		n(a.ID)
		w(a.Name, a.Slug, a.Bio)
	}
	for _, c := range p.Categories {
		n(c.ID, c.ParentID, int64(c.Position))
		w(c.Slug, c.Name, c.Description)
	}
	for _, t := range p.Tags {
		n(t.ID)
		w(t.Slug, t.Name, t.Description)
	}
	return b.String()
}
