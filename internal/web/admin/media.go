package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/staff"
)

type mediaView struct {
	Items      []media.Item
	Total      int
	Page       int
	Prev, Next string
	MaxMB      int64
}

func (h *Handler) mediaList(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapUploadMedia) {
		h.forbidden(w, r, u)
		return
	}
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 || page > 100000 {
		page = 1
	}
	items, total, err := h.media.List(r.Context(), 40, (page-1)*40)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	mv := mediaView{Items: items, Total: total, Page: page, MaxMB: h.media.Options().MaxBytes >> 20}
	if page > 1 {
		mv.Prev = "/admin/media?page=" + strconv.Itoa(page-1)
	}
	if page*40 < total {
		mv.Next = "/admin/media?page=" + strconv.Itoa(page+1)
	}
	h.render(w, r, http.StatusOK, "media", &view{User: u, Title: tr(u.Locale, "media"), Data: mv, Section: "media"})
}

// mediaUpload streams one multipart file into the media library, never
// spooling it whole: the service reads at most its size limit plus one byte.
// Browsers get a redirect to the library; the editor's script (Accept:
// application/json) gets the item as JSON to insert into the text.
func (h *Handler) mediaUpload(w http.ResponseWriter, r *http.Request, u *staff.User) {
	wantJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	fail := func(status int, msg string) {
		if wantJSON {
			writeJSON(w, status, map[string]string{"error": msg})
			return
		}
		h.render(w, r, status, "message", &view{User: u, Error: msg})
	}
	if !u.Role.Can(staff.CapUploadMedia) {
		fail(http.StatusForbidden, tr(u.Locale, "forbidden"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.media.Options().MaxBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		fail(http.StatusBadRequest, tr(u.Locale, "upload_expected"))
		return
	}
	var alt, caption, credit string
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				fail(http.StatusRequestEntityTooLarge, tr(u.Locale, "too_large"))
				return
			}
			fail(http.StatusBadRequest, tr(u.Locale, "upload_expected"))
			return
		}
		switch part.FormName() {
		case "alt", "caption", "credit":
			buf := make([]byte, 4096)
			n, _ := part.Read(buf)
			v := string(buf[:n])
			switch part.FormName() {
			case "alt":
				alt = v
			case "caption":
				caption = v
			default:
				credit = v
			}
			continue
		case "file":
		default:
			continue
		}
		item, err := h.media.Upload(r.Context(), media.Upload{Filename: part.FileName(), Body: part, Alt: alt, Caption: caption,
			Credit: credit, UploadedBy: u.ID})
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, media.ErrTooLarge), errors.As(err, &tooBig):
			fail(http.StatusRequestEntityTooLarge, err.Error())
		case errors.Is(err, media.ErrNotImage):
			fail(http.StatusUnsupportedMediaType, err.Error())
		case errors.Is(err, media.ErrTooManyPixels), errors.Is(err, media.ErrInvalid):
			fail(http.StatusUnprocessableEntity, err.Error())
		case err != nil:
			h.log.Error("upload", "err", err)
			fail(http.StatusInternalServerError, tr(u.Locale, "error"))
		case wantJSON:
			writeJSON(w, http.StatusCreated, item)
		default:
			flash(w, "uploaded")
			http.Redirect(w, r, "/admin/media", http.StatusSeeOther)
		}
		return
	}
}

func (h *Handler) mediaUpdate(w http.ResponseWriter, r *http.Request, u *staff.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !u.Role.Can(staff.CapUploadMedia) {
		h.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	if r.PostFormValue("delete") != "" {
		err = h.media.Delete(r.Context(), id)
	} else {
		_, err = h.media.Update(r.Context(), id, r.PostFormValue("alt"), r.PostFormValue("caption"), r.PostFormValue("credit"))
	}
	switch {
	case errors.Is(err, media.ErrNotFound):
		h.notFound(w, r, u)
	case errors.Is(err, media.ErrInvalid):
		h.render(w, r, http.StatusUnprocessableEntity, "message", &view{User: u, Error: err.Error()})
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "saved")
		http.Redirect(w, r, fmt.Sprintf("/admin/media#m%d", id), http.StatusSeeOther)
	}
}
