package api

import (
	"context"
	"errors"
	"net/http"

	"nashra.dev/nashra/internal/content"
)

// The Content API: what the public site shows, as JSON. Only live posts and
// pages (published, published_at reached) are ever read; drafts, scheduled
// posts and deleted ones do not exist here. A members' or paid post shows
// its metadata with "access": false and no html, as Ghost does for a reader
// without access (the Content API knows no readers).

var publicView = postView{body: true, tags: true, public: true}

func (h *Handler) contentListPosts(typ content.Type) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, limit, e := paging(q)
		if e != nil {
			writeError(w, e)
			return
		}
		f := content.Filter{Type: typ, Limit: limit, Offset: (page - 1) * limit, WithBody: true, IncludeSubcategories: true}
		if f.Lang, e = langParam(q); e != nil {
			writeError(w, e)
			return
		}
		found, err := h.resolveFilter(r.Context(), &f, q.Get("tag"), q.Get("category"), q.Get("author"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		out := []postOut{}
		total := 0
		if found {
			posts, err := h.content.List(r.Context(), f)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if total, err = h.content.Count(r.Context(), f); err != nil {
				h.fail(w, r, err)
				return
			}
			for i := range posts {
				out = append(out, h.postJSON(&posts[i], publicView))
			}
		}
		m := newMeta(page, limit, total)
		writeJSON(w, http.StatusOK, envelope(typ, out, &m))
	}
}

// resolveFilter turns the ?tag=, ?category= and ?author= slugs into the
// filter's IDs. found is false when a slug names nothing: the list is then
// empty (not an error, as a filter matching nothing).
func (h *Handler) resolveFilter(ctx context.Context, f *content.Filter, tag, category, author string) (found bool, err error) {
	missing := func(err error) (bool, error) {
		if errors.Is(err, content.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	if tag != "" {
		t, err := h.content.TagBySlug(ctx, tag)
		if err != nil {
			return missing(err)
		}
		f.TagID = t.ID
	}
	if category != "" {
		c, err := h.content.CategoryBySlug(ctx, category)
		if err != nil {
			return missing(err)
		}
		f.CategoryID = c.ID
	}
	if author != "" {
		a, err := h.content.AuthorBySlug(ctx, author)
		if err != nil {
			return missing(err)
		}
		f.AuthorID = a.ID
	}
	return true, nil
}

func (h *Handler) contentGetPost(typ content.Type) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			writeError(w, errNotFound("not found"))
			return
		}
		p, err := h.content.PostByID(r.Context(), id)
		if err == nil && (p.Type != typ || !p.Live(h.content.Now())) {
			err = content.ErrNotFound // a draft is no one's business here
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, envelope(typ, []postOut{h.postJSON(p, publicView)}, nil))
	}
}

// contentPostBySlug finds a live post by its current slug. An old slug is a
// 404 too, as in Ghost: the site's own pages redirect, the API does not.
func (h *Handler) contentPostBySlug(typ content.Type) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := h.content.Lookup(r.Context(), r.PathValue("slug"))
		var moved *content.Moved
		if errors.As(err, &moved) || (err == nil && p.Type != typ) {
			err = content.ErrNotFound
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, envelope(typ, []postOut{h.postJSON(p, publicView)}, nil))
	}
}

func (h *Handler) contentListTags(w http.ResponseWriter, r *http.Request) {
	tags, err := h.content.Tags(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": h.tagsJSON(tags), "meta": whole(len(tags))})
}

func (h *Handler) contentListCategories(w http.ResponseWriter, r *http.Request) {
	cats, err := h.content.Categories(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": h.categoriesJSON(cats), "meta": whole(len(cats))})
}

// contentListAuthors lists staff with at least one live post: the others
// are not public people of the site.
func (h *Handler) contentListAuthors(w http.ResponseWriter, r *http.Request) {
	authors, err := h.content.Authors(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"authors": h.authorsJSON(authors), "meta": whole(len(authors))})
}
