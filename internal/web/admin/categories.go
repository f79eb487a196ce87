package admin

import (
	"errors"
	"net/http"
	"strconv"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

// categories lists the site's sections with a form per section and one to
// add a section; editors and above manage them.
func (h *Handler) categories(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageCategories) {
		h.forbidden(w, r, u)
		return
	}
	h.showCategories(w, r, u, http.StatusOK, "")
}

func (h *Handler) showCategories(w http.ResponseWriter, r *http.Request, u *staff.User, status int, msg string) {
	cats, err := h.content.Categories(r.Context())
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, status, "categories", &view{User: u, Title: tr(u.Locale, "categories"), Error: msg, Data: cats, Section: "categories"})
}

// categorySave creates (id "new"), updates or deletes a section.
func (h *Handler) categorySave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageCategories) {
		h.forbidden(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := r.PostForm
	in := content.CategoryInput{Name: f.Get("name"), Slug: f.Get("slug"), Description: f.Get("description")}
	in.ParentID, _ = strconv.ParseInt(f.Get("parent"), 10, 64)
	in.Position, _ = strconv.Atoi(f.Get("position"))
	var err error
	switch id := r.PathValue("id"); {
	case id == "new":
		_, err = h.content.CreateCategory(r.Context(), in)
	default:
		n, perr := strconv.ParseInt(id, 10, 64)
		switch {
		case perr != nil:
			err = content.ErrNotFound
		case f.Get("delete") != "":
			err = h.content.DeleteCategory(r.Context(), n)
		default:
			_, err = h.content.UpdateCategory(r.Context(), n, in)
		}
	}
	switch {
	case errors.Is(err, content.ErrInvalid):
		h.showCategories(w, r, u, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, store.ErrConflict):
		h.showCategories(w, r, u, http.StatusUnprocessableEntity, tr(u.Locale, "slug_taken"))
	case errors.Is(err, content.ErrNotFound):
		h.showCategories(w, r, u, http.StatusNotFound, tr(u.Locale, "not_found"))
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/categories", http.StatusSeeOther)
	}
}
