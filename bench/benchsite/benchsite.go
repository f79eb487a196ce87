// Package benchsite fills an empty store with a generated news site for
// benchmarks: Arabic articles (and a few English editions) made from text
// written for this purpose, with nested categories, tags, several authors,
// featured images and source credits, published over the past weeks. The
// same seed gives the same site.
package benchsite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

// Options size the generated site.
type Options struct {
	Posts            int    // articles in all, English editions included
	MinBody, MaxBody int    // size of each Arabic body's Markdown, in bytes
	Seed             uint64 // the same seed gives the same site
	// Progress, when set, is called after each article.
	Progress func(done, total int)
}

// Result describes the site made.
type Result struct {
	Posts int
	// Target is the article to benchmark: the newest Arabic one, the page a
	// news site serves most.
	Target *content.Post
	// Path is Target's site path, percent-encoded as a client sends it.
	Path string
}

// Fill writes the site into db, which must hold no posts yet.
func Fill(ctx context.Context, db *store.DB, opt Options) (Result, error) {
	var res Result
	if opt.Posts < 1 {
		return res, errors.New("benchsite: at least one post is needed")
	}
	if opt.MinBody <= 0 {
		opt.MinBody = 5 << 10
	}
	if opt.MaxBody < opt.MinBody {
		opt.MaxBody = opt.MinBody
	}
	cs := content.New(db, time.Now)
	if n, err := cs.Count(ctx, content.Filter{}); err != nil || n > 0 {
		if err == nil {
			err = fmt.Errorf("benchsite: the site already has %d posts; use an empty data folder", n)
		}
		return res, err
	}
	if err := settings.New(db).SaveSite(ctx, settings.Site{
		Title: "نشرة", Description: "أخبار العالم والمنطقة بالعربية", Lang: "ar", Timezone: "Asia/Riyadh",
		Digits: "latin", Months: "standard", Hijri: true, PostsPerPage: 10,
	}); err != nil {
		return res, err
	}
	authors, err := makeAuthors(ctx, staff.New(db, time.Now))
	if err != nil {
		return res, err
	}
	cats, err := makeCategories(ctx, cs)
	if err != nil {
		return res, err
	}
	g := &gen{r: mrand.New(mrand.NewPCG(opt.Seed, 0x6e61736872610a)), opt: opt, authors: authors, cats: cats}
	g.titles = g.r.Perm(len(titleEvents) * len(titlePlaces) * len(titleTails))

	now := cs.Now()
	step := 90 * time.Minute // 1,000 articles span about two months
	for i := 0; i < opt.Posts; i++ {
		in := g.arabic(i)
		english := i%15 == 7 && i+2 < opt.Posts // some stories have an English edition
		if english {
			in.TranslationGroup = "bench-" + strconv.Itoa(i)
		}
		in.PublishedAt = now.Add(-time.Duration(opt.Posts-1-i) * step)
		p, err := cs.CreatePost(ctx, in)
		if err != nil {
			return res, fmt.Errorf("benchsite: post %d: %w", i, err)
		}
		res.Target = p
		res.Posts++
		if opt.Progress != nil {
			opt.Progress(res.Posts, opt.Posts)
		}
		if english {
			i++
			en := g.english(in)
			en.PublishedAt = in.PublishedAt.Add(time.Minute)
			if _, err := cs.CreatePost(ctx, en); err != nil {
				return res, fmt.Errorf("benchsite: post %d: %w", i, err)
			}
			res.Posts++
			if opt.Progress != nil {
				opt.Progress(res.Posts, opt.Posts)
			}
		}
	}
	if res.Target.Lang != "ar" { // cannot happen: the last post is never an edition
		return res, errors.New("benchsite: the newest post is not Arabic")
	}
	res.Path = content.Permalink(res.Target, content.PermalinkSlug, time.UTC) // the bench site keeps the default style
	return res, nil
}

type gen struct {
	r       *mrand.Rand
	opt     Options
	authors []int64
	cats    []int64
	titles  []int // a permutation of headline combinations, so headlines rarely repeat
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) title(i int) string {
	n := g.titles[i%len(g.titles)]
	e, rest := n%len(titleEvents), n/len(titleEvents)
	p, t := rest%len(titlePlaces), rest/len(titlePlaces)
	return titleEvents[e] + " " + titlePlaces[p] + " " + titleTails[t]
}

// arabic makes the i-th Arabic article.
func (g *gen) arabic(i int) content.PostInput {
	size := g.opt.MinBody
	if g.opt.MaxBody > g.opt.MinBody {
		size += g.r.IntN(g.opt.MaxBody - g.opt.MinBody + 1)
	}
	in := content.PostInput{
		Title: g.title(i), Standfirst: g.pick(standfirsts), BodyMD: g.body(size),
		Status: content.Published, Lang: "ar",
		AuthorIDs:   []int64{g.authors[g.r.IntN(len(g.authors))]},
		CategoryIDs: []int64{g.cats[g.r.IntN(len(g.cats))]},
	}
	if g.r.IntN(4) == 0 { // a co-author
		in.AuthorIDs = append(in.AuthorIDs, g.authors[g.r.IntN(len(g.authors))])
	}
	if g.r.IntN(3) == 0 { // a second section
		in.CategoryIDs = append(in.CategoryIDs, g.cats[g.r.IntN(len(g.cats))])
	}
	for range 3 + g.r.IntN(4) {
		in.TagNames = append(in.TagNames, g.pick(tagNames))
	}
	if g.r.IntN(5) != 0 {
		n := 1 + g.r.IntN(40)
		in.Featured = content.Image{URL: fmt.Sprintf("/uploads/bench/photo-%02d.jpg", n), Alt: "صورة من موقع الحدث",
			Caption: "جانب من الموقع صباح اليوم", Credit: "تصوير: نشرة", Width: 1200, Height: 675}
	}
	if g.r.IntN(5) == 0 {
		src := g.pick(sourceNames)
		in.Source = content.Source{Name: src, URL: "https://example.org/story/" + strconv.Itoa(i)}
		if src != sourceNames[0] {
			in.Source.Lang, in.Source.Translated = "en", true
		}
	}
	return in
}

// english makes the English edition of ar.
func (g *gen) english(ar content.PostInput) content.PostInput {
	var b strings.Builder
	for p := range 6 {
		for range 3 + g.r.IntN(3) {
			b.WriteString(g.pick(englishSentences))
			b.WriteString(". ")
		}
		b.WriteString("\n\n")
		if p == 2 {
			b.WriteString("## Background\n\n")
		}
	}
	return content.PostInput{
		Title: g.pick(englishTitles), Standfirst: "Officials promise quick results; experts urge caution.",
		BodyMD: b.String(), Status: content.Published, Lang: "en", AuthorIDs: ar.AuthorIDs, CategoryIDs: ar.CategoryIDs,
		TagNames: []string{"energy", "economy"}, Featured: ar.Featured, TranslationGroup: ar.TranslationGroup,
	}
}

// body writes Arabic Markdown of about size bytes: paragraphs of several
// sentences, a section heading every few paragraphs, and now and then a
// quote, a list, bold text or a link.
func (g *gen) body(size int) string {
	var b strings.Builder
	b.Grow(size + 1024)
	for n := 0; b.Len() < size; n++ {
		if n > 0 && n%4 == 0 {
			b.WriteString("## " + g.pick(headings) + "\n\n")
		}
		switch g.r.IntN(12) {
		case 0:
			b.WriteString("> " + g.pick(quotes) + "\n\n")
		case 1:
			for range 3 + g.r.IntN(3) {
				b.WriteString("- " + g.pick(listItems) + "\n")
			}
			b.WriteString("\n")
		}
		for j := range 3 + g.r.IntN(4) {
			s := g.pick(sentences)
			switch {
			case j == 0 && g.r.IntN(4) == 0:
				s = "**" + s + "**"
			case g.r.IntN(15) == 0:
				s += " ([التقرير الكامل](https://example.org/reports/" + strconv.Itoa(g.r.IntN(1000)) + "))"
			}
			b.WriteString(s)
			b.WriteString(". ")
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

func makeAuthors(ctx context.Context, st *staff.Service) ([]int64, error) {
	var ids []int64
	for i, a := range authorNames {
		pw := make([]byte, 18) // nobody signs in as these accounts
		_, _ = rand.Read(pw)
		u, err := st.Create(ctx, staff.NewUser{Name: a.name, Email: fmt.Sprintf("author%d@bench.nashra.invalid", i),
			Bio: a.bio, Role: staff.Author, Password: hex.EncodeToString(pw)})
		if err != nil {
			return nil, fmt.Errorf("benchsite: author %q: %w", a.name, err)
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

func makeCategories(ctx context.Context, cs *content.Service) ([]int64, error) {
	byName := map[string]int64{}
	var ids []int64
	for i, c := range categoryNames {
		cat, err := cs.CreateCategory(ctx, content.CategoryInput{Name: c.name, Description: c.desc, Position: i, ParentID: byName[c.parent]})
		if err != nil {
			return nil, fmt.Errorf("benchsite: category %q: %w", c.name, err)
		}
		byName[c.name] = cat.ID
		ids = append(ids, cat.ID)
	}
	return ids, nil
}
