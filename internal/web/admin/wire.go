package admin

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/wire"
)

// The wire desk at /admin/wire: the inbox of items the sources brought,
// filtered by source, language, story (cluster) and status; an item's page
// with the original beside its translation, and the buttons that make a
// draft of it, translate it or dismiss it. Sources are in wire_sources.go.

// wirePages parses the desk's templates (none without a desk).
func (h *Handler) wirePages(d *wire.Desk) error {
	h.wire = d
	if d == nil {
		return nil
	}
	for _, name := range []string{"wire", "wire_item", "wire_sources"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return err
		}
		h.pages[name] = t
	}
	return nil
}

// Message is the admin's message for key in lang, for tests that look for
// it in a page.
func Message(lang, key string) string { return tr(lang, key) }

func (h *Handler) wireRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/wire", h.auth(h.wireInbox))
	mux.Handle("GET /admin/wire/items/{id}", h.auth(h.wireItem))
	mux.Handle("POST /admin/wire/items/{id}/{action}", h.auth(h.wireItemAction))
	mux.Handle("GET /admin/wire/sources", h.auth(h.wireSources))
	mux.Handle("POST /admin/wire/sources", h.auth(h.wireSourceCreate))
	mux.Handle("GET /admin/wire/sources/{id}", h.auth(h.wireSourceEdit))
	mux.Handle("POST /admin/wire/sources/{id}", h.auth(h.wireSourceSave))
	mux.Handle("POST /admin/wire/sources/{id}/{action}", h.auth(h.wireSourceAction))
}

// The inbox and drafting are for editors; sources for those who manage
// the site's settings.
func (h *Handler) canWire(u *staff.User) bool {
	return h.wire != nil && u.Role.Can(staff.CapEditOthersPosts)
}

func (h *Handler) canWireSources(u *staff.User) bool {
	return h.wire != nil && u.Role.Can(staff.CapManageSettings)
}

type wireInboxView struct {
	Items      []*wire.DeskItem
	Sources    []*wire.Source
	Langs      []string
	Statuses   []string
	Filter     wire.ItemFilter
	Total      int
	Page       int
	Pages      int
	Prev, Next string
	Sourcer    bool // may manage sources
}

const wirePerPage = 30

func (h *Handler) wireInbox(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWire(u) {
		h.forbidden(w, r, u)
		return
	}
	ctx, q, lang := r.Context(), r.URL.Query(), u.Locale
	bad := func(key string) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(lang, key), Section: "wire"})
	}
	f := wire.ItemFilter{Status: q.Get("status"), Lang: q.Get("lang"), PerPage: wirePerPage, Page: 1}
	if f.Status == "" && !q.Has("status") {
		f.Status = wire.ItemNew
	}
	if f.Status == "all" {
		f.Status = ""
	}
	num := func(name string, dst *int64) bool {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return false
			}
			*dst = n
		}
		return true
	}
	if !num("source", &f.SourceID) {
		bad("wr_bad_source")
		return
	}
	if !num("cluster", &f.ClusterID) {
		bad("wr_bad_cluster")
		return
	}
	if f.Status != "" && !validItemStatus(f.Status) {
		bad("wr_bad_status")
		return
	}
	if len(f.Lang) > 20 {
		bad("wr_bad_lang")
		return
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			bad("wr_bad_page")
			return
		}
		f.Page = n
	}
	page, err := h.wire.Items(ctx, f)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	srcs, err := h.wire.Sources(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	langs, err := h.wire.Languages(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	v := wireInboxView{Items: page.Items, Sources: srcs, Langs: langs, Statuses: wire.ItemStatuses, Filter: f,
		Total: page.Total, Page: f.Page, Pages: page.Pages(), Sourcer: h.canWireSources(u)}
	if v.Filter.Status == "" {
		v.Filter.Status = "all"
	}
	link := func(p int) string {
		vals := url.Values{}
		vals.Set("status", v.Filter.Status)
		if f.SourceID != 0 {
			vals.Set("source", strconv.FormatInt(f.SourceID, 10))
		}
		if f.ClusterID != 0 {
			vals.Set("cluster", strconv.FormatInt(f.ClusterID, 10))
		}
		if f.Lang != "" {
			vals.Set("lang", f.Lang)
		}
		vals.Set("page", strconv.Itoa(p))
		return "/admin/wire?" + vals.Encode()
	}
	if f.Page > 1 {
		v.Prev = link(f.Page - 1)
	}
	if f.Page < v.Pages {
		v.Next = link(f.Page + 1)
	}
	h.render(w, r, http.StatusOK, "wire", &view{User: u, Title: tr(lang, "wire"), Data: v, Section: "wire"})
}

func validItemStatus(s string) bool {
	for _, st := range wire.ItemStatuses {
		if s == st {
			return true
		}
	}
	return false
}

type wireItemView struct {
	Item         *wire.DeskItem
	CanTranslate bool
	TargetLang   string // the suggested translation target
}

func (h *Handler) wireItem(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWire(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return
	}
	h.showWireItem(w, r, u, id, http.StatusOK, "")
}

func (h *Handler) showWireItem(w http.ResponseWriter, r *http.Request, u *staff.User, id int64, status int, msg string) {
	it, err := h.wire.ItemByID(r.Context(), id)
	if errors.Is(err, wire.ErrNotFound) {
		h.notFound(w, r, u)
		return
	} else if err != nil {
		h.fail(w, r, u, err)
		return
	}
	target := "ar"
	if it.Lang == "ar" {
		target = "en"
	}
	h.render(w, r, status, "wire_item", &view{User: u, Title: it.Title, Error: msg, Section: "wire",
		Data: wireItemView{Item: it, CanTranslate: h.wire.CanTranslate(), TargetLang: target}})
}

// wireItemAction: draft, draft_translation, translate, dismiss, restore.
func (h *Handler) wireItemAction(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canWire(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	_ = r.ParseForm()
	ctx, lang := r.Context(), u.Locale
	back := "/admin/wire/items/" + strconv.FormatInt(id, 10)
	switch r.PathValue("action") {
	case "draft", "draft_translation":
		p, err := h.wire.MakeDraft(ctx, id, u.ID, r.PathValue("action") == "draft_translation")
		switch {
		case err == nil:
			h.log.Info("wire: draft made", "item", id, "post", p.ID, "by", u.ID)
			flash(w, "wire_drafted")
			http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
		case errors.Is(err, wire.ErrAlreadyDrafted):
			h.showWireItem(w, r, u, id, http.StatusConflict, tr(lang, "wr_already_drafted"))
		case errors.Is(err, wire.ErrInvalid):
			h.showWireItem(w, r, u, id, http.StatusUnprocessableEntity, tr(lang, "wr_no_translation"))
		case errors.Is(err, content.ErrInvalid):
			h.showWireItem(w, r, u, id, http.StatusUnprocessableEntity, tr(lang, "wr_draft_refused")+" "+err.Error())
		default:
			h.wireFail(w, r, u, id, err)
		}
	case "translate":
		_, err := h.wire.Translate(ctx, id, r.PostForm.Get("to"))
		switch {
		case err == nil:
			flash(w, "wire_translated")
			http.Redirect(w, r, back, http.StatusSeeOther)
		case errors.Is(err, wire.ErrNoTranslator):
			h.showWireItem(w, r, u, id, http.StatusUnprocessableEntity, tr(lang, "wr_no_translator"))
		case errors.Is(err, wire.ErrInvalid):
			h.showWireItem(w, r, u, id, http.StatusUnprocessableEntity, tr(lang, "wr_bad_target"))
		case errors.Is(err, wire.ErrNoText):
			h.showWireItem(w, r, u, id, http.StatusUnprocessableEntity, tr(lang, "wr_no_text"))
		case errors.Is(err, wire.ErrNotFound):
			h.notFound(w, r, u)
		default:
			// A provider's failure (quota, outage…) is the editor's to know.
			h.log.Warn("wire: translation failed", "item", id, "err", err)
			h.showWireItem(w, r, u, id, http.StatusBadGateway, tr(lang, "wr_translate_failed")+" "+err.Error())
		}
	case "dismiss", "restore":
		dismiss := r.PathValue("action") == "dismiss"
		if dismiss {
			err = h.wire.Dismiss(ctx, id)
		} else {
			err = h.wire.Restore(ctx, id)
		}
		switch {
		case err == nil && dismiss:
			flash(w, "wire_dismissed")
			http.Redirect(w, r, "/admin/wire", http.StatusSeeOther)
		case err == nil:
			flash(w, "wire_restored")
			http.Redirect(w, r, back, http.StatusSeeOther)
		case errors.Is(err, wire.ErrAlreadyDrafted):
			h.showWireItem(w, r, u, id, http.StatusConflict, tr(lang, "wr_already_drafted"))
		default:
			h.wireFail(w, r, u, id, err)
		}
	default:
		h.notFound(w, r, u)
	}
}

func (h *Handler) wireFail(w http.ResponseWriter, r *http.Request, u *staff.User, id int64, err error) {
	if errors.Is(err, wire.ErrNotFound) {
		h.notFound(w, r, u)
		return
	}
	h.fail(w, r, u, err)
}
