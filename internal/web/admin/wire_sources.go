package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/wire"
)

// The wire sources at /admin/wire/sources: each feed with how its last
// poll went — the error, when there was one, in the editor's language and
// as the fetcher said it — and the forms to add, change, pause, delete and
// poll a source now.

type wireSourcesView struct {
	Sources    []*wire.Source
	Categories []content.Category
	Form       wireSourceForm // the add form, or the edited source's
	Editing    int64          // the source being edited (0: the add form)
	Now        time.Time
}

// wireSourceForm is a source form as typed.
type wireSourceForm struct {
	Name, URL, Lang, Mode, Include, Exclude string
	Interval                                string
	CategoryID                              int64
	Active                                  bool
	Field                                   string // the refused field, for aria-invalid
}

func formOf(s *wire.Source) wireSourceForm {
	return wireSourceForm{Name: s.Name, URL: s.URL, Lang: s.Lang, Mode: string(s.Mode), Include: s.Include, Exclude: s.Exclude,
		Interval: strconv.Itoa(s.IntervalMinutes), CategoryID: s.CategoryID, Active: s.Active}
}

func (h *Handler) wireSources(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWireSources(u) {
		h.forbidden(w, r, u)
		return
	}
	h.showWireSources(w, r, u, http.StatusOK, "", 0, wireSourceForm{Mode: "review", Interval: "30", Active: true})
}

func (h *Handler) wireSourceEdit(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWireSources(u) {
		h.forbidden(w, r, u)
		return
	}
	s, ok := h.wireSourceByPath(w, r, u)
	if !ok {
		return
	}
	h.showWireSources(w, r, u, http.StatusOK, "", s.ID, formOf(s))
}

func (h *Handler) showWireSources(w http.ResponseWriter, r *http.Request, u *staff.User, status int, msg string, editing int64, form wireSourceForm) {
	ctx := r.Context()
	srcs, err := h.wire.Sources(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	cats, err := h.content.Categories(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, status, "wire_sources", &view{User: u, Title: tr(u.Locale, "wire_sources"), Error: msg, Section: "wire",
		Data: wireSourcesView{Sources: srcs, Categories: cats, Form: form, Editing: editing, Now: time.Now().UTC()}})
}

func (h *Handler) wireSourceByPath(w http.ResponseWriter, r *http.Request, u *staff.User) (*wire.Source, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return nil, false
	}
	s, err := h.wire.SourceByID(r.Context(), id)
	if errors.Is(err, wire.ErrNotFound) {
		h.notFound(w, r, u)
		return nil, false
	} else if err != nil {
		h.fail(w, r, u, err)
		return nil, false
	}
	return s, true
}

// readSourceForm reads the form; a number that is not one is refused by
// validation with the interval's own message.
func readSourceForm(r *http.Request) (wireSourceForm, wire.SourceInput) {
	f := r.PostForm
	form := wireSourceForm{Name: f.Get("name"), URL: f.Get("url"), Lang: f.Get("lang"), Mode: f.Get("mode"),
		Include: f.Get("include"), Exclude: f.Get("exclude"), Interval: f.Get("interval"), Active: f.Get("active") == "1"}
	form.CategoryID, _ = strconv.ParseInt(f.Get("category"), 10, 64)
	in := wire.SourceInput{Name: form.Name, URL: form.URL, Lang: form.Lang, Mode: wire.Mode(form.Mode), Include: form.Include,
		Exclude: form.Exclude, Active: form.Active, CategoryID: form.CategoryID}
	if form.Interval != "" {
		n, err := strconv.Atoi(form.Interval)
		if err != nil {
			n = -1
		}
		in.IntervalMinutes = n
	}
	return form, in
}

func (h *Handler) wireSourceCreate(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWireSources(u) {
		h.forbidden(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		h.showWireSources(w, r, u, http.StatusBadRequest, tr(u.Locale, "too_large"), 0, wireSourceForm{})
		return
	}
	form, in := readSourceForm(r)
	in.CreatedBy = u.ID
	s, err := h.wire.CreateSource(r.Context(), in)
	if err != nil {
		h.wireSourceRefused(w, r, u, 0, form, err)
		return
	}
	h.log.Info("wire: source added", "source", s.ID, "url", s.URL, "by", u.ID)
	flash(w, "wire_source_added")
	http.Redirect(w, r, "/admin/wire/sources", http.StatusSeeOther)
}

func (h *Handler) wireSourceSave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWireSources(u) {
		h.forbidden(w, r, u)
		return
	}
	s, ok := h.wireSourceByPath(w, r, u)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		h.showWireSources(w, r, u, http.StatusBadRequest, tr(u.Locale, "too_large"), s.ID, formOf(s))
		return
	}
	form, in := readSourceForm(r)
	if _, err := h.wire.UpdateSource(r.Context(), s.ID, in); err != nil {
		h.wireSourceRefused(w, r, u, s.ID, form, err)
		return
	}
	flash(w, "saved")
	http.Redirect(w, r, "/admin/wire/sources", http.StatusSeeOther)
}

// wireSourceRefused shows the form again with the reason, worded by field.
func (h *Handler) wireSourceRefused(w http.ResponseWriter, r *http.Request, u *staff.User, id int64, form wireSourceForm, err error) {
	var inv *wire.InvalidError
	if !errors.As(err, &inv) {
		h.wireFail(w, r, u, id, err)
		return
	}
	form.Field = inv.Field
	msg := tr(u.Locale, "wv_"+inv.Field+"_"+inv.Code)
	if msg == "wv_"+inv.Field+"_"+inv.Code {
		msg = inv.Msg
	}
	h.showWireSources(w, r, u, http.StatusUnprocessableEntity, msg, id, form)
}

// wireSourceAction: poll (now), pause, resume, delete.
func (h *Handler) wireSourceAction(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWireSources(u) {
		h.forbidden(w, r, u)
		return
	}
	s, ok := h.wireSourceByPath(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	switch r.PathValue("action") {
	case "poll":
		// The poll outlives a client that gives up waiting; its own limits
		// bound it.
		res, perr := h.wire.Poll(context.WithoutCancel(ctx), s.ID)
		err = perr
		if err == nil {
			if res.Err != nil {
				flash(w, "wire_poll_failed")
			} else {
				flash(w, "wire_polled")
			}
		}
	case "pause":
		err = h.wire.SetSourceActive(ctx, s.ID, false)
		flash(w, "wire_paused")
	case "resume":
		err = h.wire.SetSourceActive(ctx, s.ID, true)
		flash(w, "wire_resumed")
	case "delete":
		err = h.wire.DeleteSource(ctx, s.ID)
		if err == nil {
			h.log.Info("wire: source deleted", "source", s.ID, "url", s.URL, "by", u.ID)
		}
		flash(w, "wire_source_deleted")
	default:
		h.notFound(w, r, u)
		return
	}
	if err != nil {
		h.wireFail(w, r, u, s.ID, err)
		return
	}
	http.Redirect(w, r, "/admin/wire/sources#source-"+strconv.FormatInt(s.ID, 10), http.StatusSeeOther)
}
