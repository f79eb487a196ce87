package site

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"nashra.dev/nashra/internal/content"
)

// feedScope narrows a feed to one category, tag or author ({slug} in the path).
type feedScope struct{ kind string }

const feedSize = 20

// feed serves RSS 2.0, Atom or JSON Feed at WordPress's paths, with the full
// text of each post, so that existing subscribers and readers keep working.
func (h *Handler) feed(format string, scope feedScope) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		st := h.cur.Load()
		f := content.Filter{Limit: feedSize, WithBody: true}
		title, link := st.site.Title, h.base+"/"
		switch scope.kind {
		case "category":
			c, err := h.content.CategoryBySlug(ctx, strings.ToLower(r.PathValue("slug")))
			if err != nil {
				h.fail(w, r, err)
				return
			}
			f.CategoryID, f.IncludeSubcategories = c.ID, true
			title, link = st.site.Title+" — "+c.Name, h.base+CategoryPath(c)
		case "tag":
			t, err := h.content.TagBySlug(ctx, strings.ToLower(r.PathValue("slug")))
			if err != nil {
				h.fail(w, r, err)
				return
			}
			f.TagID = t.ID
			title, link = st.site.Title+" — "+t.Name, h.base+TagPath(t)
		case "author":
			a, err := h.content.AuthorBySlug(ctx, strings.ToLower(r.PathValue("slug")))
			if err != nil {
				h.fail(w, r, err)
				return
			}
			f.AuthorID = a.ID
			title, link = st.site.Title+" — "+a.Name, h.base+AuthorPath(a)
		}
		posts, err := h.content.List(ctx, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		fd := &feeds.Feed{Title: title, Link: &feeds.Link{Href: link}, Description: st.site.Description, Id: link}
		var updated time.Time
		for i := range posts {
			p := &posts[i]
			if p.UpdatedAt.After(updated) {
				updated = p.UpdatedAt
			}
			item := &feeds.Item{
				Title: p.Title, Link: &feeds.Link{Href: h.base + h.postPath(p)}, Description: p.Standfirst,
				Id: h.base + "/?p=" + strconv.FormatInt(p.ID, 10), Created: p.PublishedAt, Updated: p.UpdatedAt,
				Content: p.BodyHTML + sourceNote(p),
			}
			if len(p.Authors) > 0 {
				item.Author = &feeds.Author{Name: p.Authors[0].Name}
			}
			if p.Featured.URL != "" {
				item.Enclosure = &feeds.Enclosure{Url: h.abs(p.Featured.URL), Type: imageType(p.Featured.URL), Length: "0"}
			}
			fd.Items = append(fd.Items, item)
		}
		if updated.IsZero() {
			updated = time.Unix(0, 0).UTC()
		}
		fd.Updated = updated
		w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
		switch format {
		case "rss":
			rss := (&feeds.Rss{Feed: fd}).RssFeed()
			rss.Language = st.site.Lang
			rss.Generator = "Nashra"
			for i, it := range rss.Items {
				if i < len(posts) && it.Guid != nil {
					it.Guid.IsPermaLink = "false"
				}
			}
			writeFeed(w, "application/rss+xml; charset=utf-8", func() (string, error) { return feeds.ToXML(rss) })
		case "atom":
			atom := (&feeds.Atom{Feed: fd}).AtomFeed()
			atom.Link = &feeds.AtomLink{Href: link, Rel: "alternate"}
			writeFeed(w, "application/atom+xml; charset=utf-8", func() (string, error) { return feeds.ToXML(atom) })
		default:
			jf := (&feeds.JSON{Feed: fd}).JSONFeed()
			jf.Language = st.site.Lang
			jf.FeedUrl = h.base + r.URL.EscapedPath()
			writeFeed(w, "application/feed+json; charset=utf-8", jf.ToJSON)
		}
	}
}

func writeFeed(w http.ResponseWriter, ctype string, encode func() (string, error)) {
	s, err := encode()
	if err != nil {
		http.Error(w, "feed error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write([]byte(s))
}

// sourceNote carries the source credit into feed readers, which do not see
// the article page's credit box.
func sourceNote(p *content.Post) string {
	if p.Source.Name == "" {
		return ""
	}
	name := htmlEscape(p.Source.Name)
	if p.Source.URL != "" {
		name = `<a href="` + htmlEscape(p.Source.URL) + `">` + name + `</a>`
	}
	note := tr(p.Lang, "source") + " " + name
	if p.Source.Translated {
		note += " — " + htmlEscape(strings.ReplaceAll(tr(p.Lang, "translated_from"), "%s", languageName(p.Lang, p.Source.Lang)))
	}
	return "<p>" + note + "</p>"
}

func imageType(u string) string {
	switch {
	case strings.HasSuffix(u, ".png"):
		return "image/png"
	case strings.HasSuffix(u, ".webp"):
		return "image/webp"
	case strings.HasSuffix(u, ".gif"):
		return "image/gif"
	}
	return "image/jpeg"
}
