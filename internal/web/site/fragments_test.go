package site

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"

	defaulttheme "nashra.dev/nashra/themes/default"
)

// A fragment is rendered once per state and argument; a new state (a change
// notice) renders it again; an argument that cannot be a key is rendered
// every time.
func TestCachedFragments(t *testing.T) {
	h := &Handler{}
	st := &state{site: settings.Defaults(), loc: time.UTC, frags: newFragments()}
	h.cur.Store(st)
	calls := 0
	funcs := h.funcs()
	funcs["count"] = func() int { calls++; return calls }
	set := template.Must(template.New("page").Funcs(funcs).Parse(
		`{{define "frag"}}<b>{{.}} {{count}}</b>{{end}}{{define "page"}}{{cached "frag" .}}|{{end}}`))
	set.Funcs(h.bindFuncs("page", set))
	run := func(data any) string {
		t.Helper()
		var b strings.Builder
		if err := set.ExecuteTemplate(&b, "page", data); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := run("ar") + run("ar") + run("en"); got != "<b>ar 1</b>|<b>ar 1</b>|<b>en 2</b>|" {
		t.Errorf("same argument, same state: %q", got)
	}
	h.cur.Store(&state{site: st.site, loc: time.UTC, frags: newFragments()})
	if got := run("ar"); got != "<b>ar 3</b>|" {
		t.Errorf("after a new state: %q", got)
	}
	if got := run([]string{"x"}) + run([]string{"x"}); got != "<b>[x] 4</b>|<b>[x] 5</b>|" {
		t.Errorf("an argument that is no key: %q", got)
	}
}

// A card's key is the same for the same post read twice, and differs when
// anything the card may show differs, or the state does.
func TestCardKey(t *testing.T) {
	st := &state{site: settings.Defaults(), loc: time.UTC, gen: 1}
	post := func() *content.Post {
		return &content.Post{ID: 7, Title: "عنوان", Slug: "s", Lang: "ar", Dir: "rtl", Version: 3,
			Authors: []content.Author{{ID: 1, Name: "كاتب", Slug: "k"}}, Categories: []content.Category{{ID: 2, Name: "قسم"}}}
	}
	key := func(p *content.Post, class string, st *state) string {
		return (&cardView{Post: p, Class: class, st: st}).cacheKey()
	}
	base := key(post(), "", st)
	if key(post(), "", st) != base {
		t.Fatal("the same post, read twice, has two keys")
	}
	changes := map[string]func(p *content.Post){
		"title":         func(p *content.Post) { p.Title += "!" },
		"standfirst":    func(p *content.Post) { p.Standfirst = "x" },
		"image":         func(p *content.Post) { p.Featured.URL = "/a.jpg" },
		"author name":   func(p *content.Post) { p.Authors[0].Name = "آخر" },
		"second author": func(p *content.Post) { p.Authors = append(p.Authors, content.Author{ID: 9}) },
		"category name": func(p *content.Post) { p.Categories[0].Name = "آخر" },
		"published":     func(p *content.Post) { p.PublishedAt = time.Unix(1, 0) },
		"words":         func(p *content.Post) { p.WordCount = 900 },
		"title/slug":    func(p *content.Post) { p.Title, p.Slug = "عنوانs", "" }, // lengths keep fields apart
	}
	for name, change := range changes {
		p := post()
		change(p)
		if key(p, "", st) == base {
			t.Errorf("%s: same key", name)
		}
	}
	if key(post(), "card--row", st) == base || key(post(), "", &state{gen: 2}) == base {
		t.Error("class or state not in the key")
	}
	counted := func(n int) string { return (&cardView{Post: post(), Comments: n, st: st}).cacheKey() }
	if counted(0) != base || counted(3) == base || counted(3) == counted(4) {
		t.Error("the comment count is not in the key")
	}
}

// A card rendered through the fragment cache shows its post's comment
// count as it is now: a comment (whose change notice keeps the state and
// its fragments) changes the card, and a card without comments shows none.
func TestCachedCardShowsTheCurrentCommentCount(t *testing.T) {
	site := settings.Defaults()
	site.Digits = "arabic"
	h := &Handler{}
	st := &state{site: site, loc: time.UTC, frags: newFragments(), gen: 1}
	h.cur.Store(st)
	th, err := loadTheme(defaulttheme.FS, "", h.funcs(), h.bindFuncs)
	if err != nil {
		t.Fatal(err)
	}
	st.frags = newFragments() // without the theme check's
	post := content.Post{ID: 7, Type: content.TypePost, Title: "خبر", Slug: "khabar", Lang: "ar", Dir: "rtl",
		Status: content.Published, PublishedAt: time.Date(2025, 3, 28, 9, 0, 0, 0, time.UTC)}
	render := func(name string, count int) string {
		t.Helper()
		pg := &page{Site: site, Lang: "ar", Dir: "rtl", st: st, h: h, counts: map[int64]int{post.ID: count}}
		if name == "home" {
			pg.Latest = []content.Post{post}
		} else {
			pg.Posts, pg.Archive = []content.Post{post}, &archiveView{Title: "قسم"}
		}
		var b strings.Builder
		if err := th.pages[name].ExecuteTemplate(&b, "content", pg); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	link := func(text string) string { return `<a class="comment-count" href="/khabar/#comments">` + text + `</a>` }
	for _, page := range []string{"home", "archive"} {
		for _, c := range []struct {
			n    int
			want string
		}{{3, link("٣ تعليقات")}, {3, link("٣ تعليقات")}, {4, link("٤ تعليقات")}, {1, link("تعليق واحد")}, {0, ""}, {12, link("١٢ تعليقاً")}} {
			got := render(page, c.n)
			if c.want == "" && strings.Contains(got, "comment-count") || c.want != "" && strings.Count(got, c.want) != 1 {
				t.Errorf("%s with %d comments: want %q in\n%s", page, c.n, c.want, got)
			}
		}
	}
	// Five counts on two pages' cards (home's and the archive's classes
	// differ): ten fragments, the repeated count a hit.
	if n := len(st.frags.m); n != 10 {
		t.Errorf("%d fragments, want 10", n)
	}
}
