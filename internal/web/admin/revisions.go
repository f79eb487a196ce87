package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
)

type revisionsView struct {
	Post      *content.Post
	Revisions []content.Revision
	Selected  *content.Revision
	Diff      []content.DiffLine
}

// revisionList shows a post's history; ?rev=ID shows how that revision's
// body differs from the current one.
func (h *Handler) revisionList(w http.ResponseWriter, r *http.Request, u *staff.User) {
	p, ok := h.loadPost(w, r, u, "edit")
	if !ok {
		return
	}
	revs, err := h.content.Revisions(r.Context(), p.ID)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	rv := revisionsView{Post: p, Revisions: revs}
	if s := r.URL.Query().Get("rev"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			rv.Selected, err = h.content.Revision(r.Context(), p.ID, id)
		}
		if err != nil {
			h.fail(w, r, u, content.ErrNotFound)
			return
		}
		rv.Diff = content.Diff(rv.Selected.BodyMD, p.BodyMD)
	}
	h.render(w, r, http.StatusOK, "revisions", &view{User: u, Title: tr(u.Locale, "revisions") + ": " + p.Title, Data: rv, Section: "posts"})
}

func (h *Handler) revisionRestore(w http.ResponseWriter, r *http.Request, u *staff.User) {
	p, ok := h.loadPost(w, r, u, "edit")
	if !ok {
		return
	}
	rev, err := strconv.ParseInt(r.PathValue("rev"), 10, 64)
	if err != nil {
		h.fail(w, r, u, content.ErrNotFound)
		return
	}
	base, _ := strconv.Atoi(r.PostFormValue("base_version"))
	_, err = h.content.RestoreRevision(r.Context(), p.ID, rev, u.ID, base)
	var conflict *content.ConflictError
	switch {
	case errors.As(err, &conflict):
		flash(w, "restore_conflict")
		http.Redirect(w, r, fmt.Sprintf("/admin/posts/%d/revisions", p.ID), http.StatusSeeOther)
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "restored")
		http.Redirect(w, r, fmt.Sprintf("/admin/posts/%d", p.ID), http.StatusSeeOther)
	}
}
