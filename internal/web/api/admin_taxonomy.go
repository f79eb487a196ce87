package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
)

// Categories and tags in the Admin API. Tags are created by naming them on
// a post. Deleting either is not offered yet: content has no operation for
// it (the admin UI has none either).

// categoryEnvelope is the body of POST /categories.
type categoryEnvelope struct {
	Categories []categoryIn `json:"categories"`
}

type categoryIn struct {
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	ParentID    int64  `json:"parent_id"`
	Position    int    `json:"position"`
}

func (h *Handler) adminListCategories(w http.ResponseWriter, r *http.Request, _ *staff.User) {
	cats, err := h.content.Categories(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": h.categoriesJSON(cats), "meta": whole(len(cats))})
}

func (h *Handler) adminGetCategory(w http.ResponseWriter, r *http.Request, _ *staff.User) {
	id, ok := pathID(r)
	if !ok {
		writeError(w, errNotFound("not found"))
		return
	}
	cats, err := h.content.Categories(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i := range cats {
		if cats[i].ID == id {
			writeJSON(w, http.StatusOK, map[string]any{"categories": []categoryOut{h.categoryJSON(&cats[i])}})
			return
		}
	}
	writeError(w, errNotFound("no category has this id"))
}

// adminCreateCategory adds a section; it takes CapManageCategories (editors
// and above), as in the admin.
func (h *Handler) adminCreateCategory(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageCategories) {
		writeError(w, errNoPermission("your role may not manage categories"))
		return
	}
	var env categoryEnvelope
	if e := decodeJSON(w, r, &env); e != nil {
		writeError(w, e)
		return
	}
	if len(env.Categories) != 1 {
		writeError(w, errBadRequest(`the body must be {"categories": [{…}]} with exactly one category`))
		return
	}
	c := env.Categories[0]
	for name, v := range map[string]string{"name": c.Name, "slug": c.Slug, "description": c.Description} {
		if e := checkText(name, v); e != nil {
			writeError(w, e)
			return
		}
	}
	if utf8.RuneCountInString(strings.TrimSpace(c.Name)) > 200 {
		writeError(w, errValidation("a category name has at most 200 characters"))
		return
	}
	if c.ParentID < 0 || c.Position < -1e6 || c.Position > 1e6 {
		writeError(w, errValidation(fmt.Sprintf("parent_id must be a category's id and position within ±%d", int(1e6))))
		return
	}
	cat, err := h.content.CreateCategory(r.Context(), content.CategoryInput{Name: c.Name, Slug: c.Slug,
		Description: c.Description, ParentID: c.ParentID, Position: c.Position})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%s/categories/%d", adminBase, cat.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"categories": []categoryOut{h.categoryJSON(cat)}})
}

// adminListTags lists every tag, by name: those of drafts and scheduled
// posts too, and those no post uses any more, which staff choose from. (The
// Content API lists only the tags of live posts.)
func (h *Handler) adminListTags(w http.ResponseWriter, r *http.Request, _ *staff.User) {
	tags, err := h.content.AllTags(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": h.tagsJSON(tags), "meta": whole(len(tags))})
}

func (h *Handler) adminGetTag(w http.ResponseWriter, r *http.Request, _ *staff.User) {
	id, ok := pathID(r)
	if !ok {
		writeError(w, errNotFound("no tag has this id"))
		return
	}
	t, err := h.content.TagByID(r.Context(), id)
	if errors.Is(err, content.ErrNotFound) {
		writeError(w, errNotFound("no tag has this id"))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": []tagOut{h.tagJSON(t)}})
}
