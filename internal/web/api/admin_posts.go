package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
)

// The Admin API's posts and pages: the same operations on two types. Role
// rules are the admin UI's, through staff's Can* methods: contributors
// write their own drafts only, authors their own posts, editors and above
// everything.

func (h *Handler) adminListPosts(typ content.Type) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, u *staff.User) {
		q := r.URL.Query()
		page, limit, e := paging(q)
		if e != nil {
			writeError(w, e)
			return
		}
		f := content.AdminFilter{Type: typ, Limit: limit, Offset: (page - 1) * limit}
		switch s := content.Status(q.Get("status")); s {
		case "", content.Draft, content.Scheduled, content.Published:
			f.Status = s
		default:
			writeError(w, errBadRequest("status must be draft, scheduled or published"))
			return
		}
		if f.Lang, e = langParam(q); e != nil {
			writeError(w, e)
			return
		}
		// As in the admin UI, those who may not edit others' posts list their own.
		if !u.Role.Can(staff.CapEditOthersPosts) {
			f.AuthorID = u.ID
		}
		posts, total, err := h.content.AdminList(r.Context(), f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		out := make([]postOut, 0, len(posts))
		for i := range posts {
			out = append(out, h.postJSON(&posts[i], postView{}))
		}
		m := newMeta(page, limit, total)
		writeJSON(w, http.StatusOK, envelope(typ, out, &m))
	}
}

func (h *Handler) adminGetPost(typ content.Type) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, u *staff.User) {
		p, ok := h.loadPost(w, r, u, typ)
		if !ok {
			return
		}
		writeJSON(w, http.StatusOK, envelope(typ, []postOut{h.postJSON(p, postView{body: true, tags: true})}, nil))
	}
}

func (h *Handler) adminCreatePost(typ content.Type) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, u *staff.User) {
		b, ok := h.readPost(w, r, typ)
		if !ok {
			return
		}
		if b.HTML.Set && b.HTML.V != "" {
			writeError(w, errValidation("html is made from markdown: send markdown instead"))
			return
		}
		in := content.PostInput{Type: typ, Status: content.Draft, AuthorIDs: []int64{u.ID}, EditorID: u.ID}
		if err := h.applyPost(r.Context(), b, &in, nil); err != nil {
			h.fail(w, r, err)
			return
		}
		if e := h.checkSchedule(in); e != nil {
			writeError(w, e)
			return
		}
		published := in.Status != content.Draft
		if published && !u.CanPublishPost(in.AuthorIDs) {
			writeError(w, errCannotPublish(u))
			return
		}
		if !u.CanEditPost(in.AuthorIDs, published) {
			writeError(w, errNoPermission("your role may not write posts for other authors"))
			return
		}
		p, err := h.content.CreatePost(r.Context(), in)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		w.Header().Set("Location", fmt.Sprintf("%s/%s/%d", adminBase, resourceName(typ), p.ID))
		writeJSON(w, http.StatusCreated, envelope(typ, []postOut{h.postJSON(p, postView{body: true, tags: true})}, nil))
	}
}

// adminUpdatePost saves a partial update. Concurrency is optimistic: a body
// naming a version (ours) or an updated_at (Ghost's) other than the post's
// is refused with 409 and the current post, so that the client can merge;
// a body naming neither overwrites, as a last writer.
func (h *Handler) adminUpdatePost(typ content.Type) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, u *staff.User) {
		p, ok := h.loadPost(w, r, u, typ)
		if !ok {
			return
		}
		if !u.CanEditPost(authorIDs(p), p.Status != content.Draft) {
			writeError(w, errNoPermission("your role may not edit this post"))
			return
		}
		b, ok := h.readPost(w, r, typ)
		if !ok {
			return
		}
		if b.ID.Set && !b.ID.Null && b.ID.V != p.ID {
			writeError(w, errBadRequest("the id in the body is not the one in the address"))
			return
		}
		if b.Version.Set && !b.Version.Null && b.Version.V != p.Version {
			h.conflict(w, typ, p)
			return
		}
		if b.UpdatedAt.Set && !b.UpdatedAt.Null {
			t, e := parseTime("updated_at", b.UpdatedAt.V)
			if e != nil {
				writeError(w, e)
				return
			}
			if !t.Equal(p.UpdatedAt) {
				h.conflict(w, typ, p)
				return
			}
		}
		if b.HTML.Set && !b.HTML.Null && b.HTML.V != p.BodyHTML {
			writeError(w, errValidation("html is made from markdown and cannot be changed: send markdown instead"))
			return
		}
		in := content.InputOf(p)
		in.EditorID = u.ID
		if err := h.applyPost(r.Context(), b, &in, p.Tags); err != nil {
			h.fail(w, r, err)
			return
		}
		if in.Status == content.Draft && p.Status != content.Draft && !b.PublishedAt.Set {
			in.PublishedAt = time.Time{} // unpublishing clears the date, as in the admin UI
		}
		if b.Status.Set || b.PublishedAt.Set {
			if e := h.checkSchedule(in); e != nil {
				writeError(w, e)
				return
			}
		}
		published := in.Status != content.Draft
		moved := in.Status != p.Status || (published && !in.PublishedAt.Equal(p.PublishedAt))
		if moved && !(u.CanPublishPost(authorIDs(p)) && u.CanPublishPost(in.AuthorIDs)) {
			writeError(w, errCannotPublish(u))
			return
		}
		if !u.CanEditPost(in.AuthorIDs, published) {
			writeError(w, errNoPermission("your role may not give this post to other authors"))
			return
		}
		saved, err := h.content.UpdatePost(r.Context(), p.ID, in)
		var conflict *content.ConflictError
		if errors.As(err, &conflict) {
			h.conflict(w, typ, conflict.Current)
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, envelope(typ, []postOut{h.postJSON(saved, postView{body: true, tags: true})}, nil))
	}
}

func (h *Handler) adminDeletePost(typ content.Type) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, u *staff.User) {
		p, ok := h.loadPost(w, r, u, typ)
		if !ok {
			return
		}
		if !u.CanDeletePost(authorIDs(p), p.Status != content.Draft) {
			writeError(w, errNoPermission("your role may not delete this post"))
			return
		}
		if err := h.content.DeletePost(r.Context(), p.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// loadPost reads the {id} post of type typ, which u must be allowed to see:
// their own, or any if they may edit others' posts (as the admin UI lists).
func (h *Handler) loadPost(w http.ResponseWriter, r *http.Request, u *staff.User, typ content.Type) (*content.Post, bool) {
	id, ok := pathID(r)
	if !ok {
		writeError(w, errNotFound("not found"))
		return nil, false
	}
	p, err := h.content.PostByID(r.Context(), id)
	if err == nil && p.Type != typ {
		err = content.ErrNotFound
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	if !slices.Contains(authorIDs(p), u.ID) && !u.Role.Can(staff.CapEditOthersPosts) {
		writeError(w, errNoPermission("your role gives access to your own posts only"))
		return nil, false
	}
	return p, true
}

// readPost decodes a body holding exactly one post (or page).
func (h *Handler) readPost(w http.ResponseWriter, r *http.Request, typ content.Type) (*postIn, bool) {
	var list []postIn
	var e *apiError
	if typ == content.TypePage {
		var env pageEnvelope
		e, list = decodeJSON(w, r, &env), env.Pages
	} else {
		var env postEnvelope
		e, list = decodeJSON(w, r, &env), env.Posts
	}
	if e == nil && len(list) != 1 {
		e = errBadRequest(fmt.Sprintf(`the body must be {"%s": [{…}]} with exactly one %s`, resourceName(typ), typ))
	}
	if e != nil {
		writeError(w, e)
		return nil, false
	}
	return &list[0], true
}

// checkSchedule refuses a schedule that is not in the future (content
// would quietly publish it now, which a client asking to schedule did not
// mean).
func (h *Handler) checkSchedule(in content.PostInput) *apiError {
	if in.Status == content.Scheduled && !in.PublishedAt.After(h.content.Now()) {
		return errValidation("a scheduled post needs a published_at in the future")
	}
	return nil
}

// conflict answers 409 with the post as it now is.
func (h *Handler) conflict(w http.ResponseWriter, typ content.Type, current *content.Post) {
	body := errorBody{Errors: []errorItem{{Type: typeConflict,
		Message: fmt.Sprintf("the %s was changed by someone else (now version %d); merge and send that version", typ, current.Version)}}}
	cur := []postOut{h.postJSON(current, postView{body: true, tags: true})}
	if typ == content.TypePage {
		body.Pages = cur
	} else {
		body.Posts = cur
	}
	writeErrorBody(w, http.StatusConflict, body)
}

func errCannotPublish(u *staff.User) *apiError {
	if u.Role == staff.Contributor {
		return errNoPermission("contributors may not publish or schedule: save a draft for an editor to publish")
	}
	return errNoPermission("your role may not publish or schedule this post")
}

func authorIDs(p *content.Post) []int64 {
	ids := make([]int64, 0, len(p.Authors))
	for _, a := range p.Authors {
		ids = append(ids, a.ID)
	}
	return ids
}
