package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/staff"
)

type subscribersView struct {
	Members     []members.Member
	Total, Page int
	Prev, Next  string
	Filter      members.Filter
	Labels      []members.LabelCount
	Newsletters []members.Newsletter
	Statuses    []string
	Import      *members.ImportResult
}

// Subscribers are managed by editors and above (they see readers' addresses).
func (h *Handler) canSubscribers(u *staff.User) bool { return u.Role.Can(staff.CapEditOthersPosts) }

func (h *Handler) subscribers(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if h.members == nil || !h.canSubscribers(u) {
		h.forbidden(w, r, u)
		return
	}
	h.showSubscribers(w, r, u, http.StatusOK, nil, "")
}

func (h *Handler) showSubscribers(w http.ResponseWriter, r *http.Request, u *staff.User, status int, imp *members.ImportResult, msg string) {
	ctx, q := r.Context(), r.URL.Query()
	f := members.Filter{Query: q.Get("q"), Status: members.Status(q.Get("status")), Label: q.Get("label")}
	f.NewsletterID, _ = strconv.ParseInt(q.Get("newsletter"), 10, 64)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 || page > 100000 {
		page = 1
	}
	f.Limit, f.Offset = 50, (page-1)*50
	list, total, err := h.members.List(ctx, f)
	if errors.Is(err, members.ErrInvalid) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: err.Error()})
		return
	}
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	labels, err := h.members.Labels(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	ns, err := h.members.AllNewsletters(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	sv := subscribersView{Members: list, Total: total, Page: page, Filter: f, Labels: labels, Newsletters: ns, Import: imp,
		Statuses: []string{"pending", "active", "unsubscribed", "bounced", "complained"}}
	link := func(p int) string {
		v := url.Values{}
		for _, k := range []string{"q", "status", "label", "newsletter"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "/admin/subscribers?" + v.Encode()
	}
	if page > 1 {
		sv.Prev = link(page - 1)
	}
	if page*50 < total {
		sv.Next = link(page + 1)
	}
	h.render(w, r, status, "subscribers", &view{User: u, Title: tr(u.Locale, "subscribers"), Error: msg, Data: sv, Section: "subscribers"})
}

// subscriberSave changes one member: status, paid flag, labels.
func (h *Handler) subscriberSave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if h.members == nil || !h.canSubscribers(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	ctx, f := r.Context(), r.PostForm
	switch {
	case f.Get("status") != "":
		err = h.members.SetStatus(ctx, id, members.Status(f.Get("status")))
	case f.Get("paid") != "":
		err = h.members.SetPaid(ctx, id, f.Get("paid") == "1")
	case f.Get("add_label") != "":
		err = h.members.AddLabel(ctx, id, f.Get("add_label"))
	case f.Get("remove_label") != "":
		err = h.members.RemoveLabel(ctx, id, f.Get("remove_label"))
	default:
		err = members.ErrInvalid
	}
	switch {
	case errors.Is(err, members.ErrNotFound):
		h.notFound(w, r, u)
	case errors.Is(err, members.ErrInvalid):
		h.showSubscribers(w, r, u, http.StatusUnprocessableEntity, nil, err.Error())
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/subscribers", http.StatusSeeOther)
	}
}

// subscribersImport reads a CSV export of Jetpack, Substack, Ghost or
// Mailchimp (streamed, never spooled whole) and shows what happened, row by row.
func (h *Handler) subscribersImport(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if h.members == nil || !h.canSubscribers(u) {
		h.forbidden(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		h.showSubscribers(w, r, u, http.StatusBadRequest, nil, tr(u.Locale, "csv_expected"))
		return
	}
	opt := members.ImportOptions{Label: "import " + time.Now().UTC().Format("2006-01-02")}
	for {
		part, err := mr.NextPart()
		if err != nil {
			h.showSubscribers(w, r, u, http.StatusBadRequest, nil, tr(u.Locale, "csv_expected"))
			return
		}
		if part.FormName() == "pending" {
			opt.Status = members.Pending
			continue
		}
		if part.FormName() != "file" {
			continue
		}
		res, err := h.members.Import(r.Context(), part, opt)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			h.showSubscribers(w, r, u, http.StatusRequestEntityTooLarge, nil, tr(u.Locale, "too_large"))
		case errors.Is(err, members.ErrBadCSV), errors.Is(err, members.ErrInvalid), errors.Is(err, members.ErrUnknownNewsletter):
			h.showSubscribers(w, r, u, http.StatusUnprocessableEntity, &res, err.Error())
		case err != nil:
			h.fail(w, r, u, err)
		default:
			h.log.Info("subscribers imported", "by", u.ID, "added", res.Added, "updated", res.Updated, "skipped", res.Skipped)
			h.showSubscribers(w, r, u, http.StatusOK, &res, "")
		}
		return
	}
}

// subscribersExport streams the filtered list as CSV.
func (h *Handler) subscribersExport(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if h.members == nil || !h.canSubscribers(u) {
		h.forbidden(w, r, u)
		return
	}
	q := r.URL.Query()
	f := members.Filter{Query: q.Get("q"), Status: members.Status(q.Get("status")), Label: q.Get("label")}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="subscribers.csv"`)
	if err := h.members.ExportCSV(r.Context(), w, f); err != nil {
		h.log.Error("subscribers export", "err", err)
	}
}
