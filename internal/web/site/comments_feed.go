package site

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/feeds"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
)

// commentFeed is the site's comments feed (/comments/feed/, WordPress's
// path): the latest approved comments on public posts.
func (h *Handler) commentFeed(w http.ResponseWriter, r *http.Request) {
	list, err := h.comments.Recent(r.Context(), feedSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := h.cur.Load()
	title := tr(st.site.Lang, "cm_feed_site") + " — " + st.site.Title
	h.writeCommentFeed(w, title, h.base+"/", list)
}

// postCommentFeed is one post's comments feed (/SLUG/feed/). A members'
// post has none: its discussion is for members.
func (h *Handler) postCommentFeed(w http.ResponseWriter, r *http.Request, slug string) {
	p, err := h.content.LookupHTML(r.Context(), slug)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Type != content.TypePost || h.required(p, h.content.Now()) != "" {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	list, err := h.comments.RecentForPost(r.Context(), p.ID, 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeCommentFeed(w, tr(p.Lang, "cm_feed_post")+" «"+p.Title+"»", h.base+h.postPath(p), list)
}

func (h *Handler) writeCommentFeed(w http.ResponseWriter, title, link string, list []comments.FeedComment) {
	st := h.cur.Load()
	fd := &feeds.Feed{Title: title, Link: &feeds.Link{Href: link}, Description: st.site.Description, Id: link}
	var updated time.Time
	for _, c := range list {
		if c.CreatedAt.After(updated) {
			updated = c.CreatedAt
		}
		p := content.Post{Slug: c.Post.Slug, Type: content.Type(c.Post.Type), PublishedAt: c.Post.PublishedAt}
		url := h.base + h.postPath(&p) + "#comment-" + strconv.FormatInt(c.ID, 10)
		fd.Items = append(fd.Items, &feeds.Item{
			Title: tr(st.site.Lang, "cm_by") + " " + c.AuthorName + " — " + c.Post.Title, Link: &feeds.Link{Href: url},
			Id: url, Created: c.CreatedAt, Author: &feeds.Author{Name: c.AuthorName}, Description: string(c.BodyHTML),
		})
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	fd.Updated = updated
	w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	rss := (&feeds.Rss{Feed: fd}).RssFeed()
	rss.Language, rss.Generator = st.site.Lang, "Nashra"
	writeFeed(w, "application/rss+xml; charset=utf-8", func() (string, error) { return feeds.ToXML(rss) })
}
