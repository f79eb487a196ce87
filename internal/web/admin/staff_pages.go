package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/staff"
)

type staffView struct {
	People []staff.User
	Roles  []staff.Role
	Me     *staff.User
}

// staffList shows the newsroom's accounts to those who manage staff, with
// the invitation form and role changes.
func (h *Handler) staffList(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageStaff) {
		h.forbidden(w, r, u)
		return
	}
	h.showStaff(w, r, u, http.StatusOK, "")
}

func (h *Handler) showStaff(w http.ResponseWriter, r *http.Request, u *staff.User, status int, msg string) {
	people, err := h.staff.List(r.Context())
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, status, "staff", &view{User: u, Title: tr(u.Locale, "staff"), Error: msg, Section: "staff",
		Data: staffView{People: people, Roles: staff.Roles, Me: u}})
}

// staffInvite emails an invitation link (to the outbox until SMTP is set).
func (h *Handler) staffInvite(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageStaff) {
		h.forbidden(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	email, role := strings.TrimSpace(r.PostFormValue("email")), staff.Role(r.PostFormValue("role"))
	if !u.CanAssignRole("", role) {
		h.showStaff(w, r, u, http.StatusForbidden, tr(u.Locale, "forbidden"))
		return
	}
	tok, err := h.staff.NewInvite(r.Context(), email, role, u.ID)
	switch {
	case errors.Is(err, staff.ErrInvalid), errors.Is(err, staff.ErrEmailTaken):
		h.showStaff(w, r, u, http.StatusUnprocessableEntity, err.Error())
		return
	case err != nil:
		h.fail(w, r, u, err)
		return
	}
	link := h.base + "/admin/invite?token=" + url.QueryEscape(tok)
	if err := h.sendMail(r, email, tr(u.Locale, "invite_subject"), fmt.Sprintf(tr(u.Locale, "invite_body"), u.Name, link)); err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.log.Info("staff invited", "by", u.ID, "role", role)
	flash(w, "invited")
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
}

// staffRole changes someone's role, within the rules: only owners make or
// unmake owners, and the last owner stays.
func (h *Handler) staffRole(w http.ResponseWriter, r *http.Request, u *staff.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, u, staff.ErrNoAccount)
		return
	}
	target, err := h.staff.ByID(r.Context(), id)
	if err != nil {
		h.notFound(w, r, u)
		return
	}
	role := staff.Role(r.PostFormValue("role"))
	if !u.CanAssignRole(target.Role, role) {
		h.showStaff(w, r, u, http.StatusForbidden, tr(u.Locale, "forbidden"))
		return
	}
	err = h.staff.SetRole(r.Context(), id, role)
	switch {
	case errors.Is(err, staff.ErrLastOwner), errors.Is(err, staff.ErrInvalid):
		h.showStaff(w, r, u, http.StatusUnprocessableEntity, err.Error())
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
	}
}

// sendMail sends one plain-text message from the site.
func (h *Handler) sendMail(r *http.Request, to, subject, text string) error {
	addr, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("%w: %q", staff.ErrInvalid, to)
	}
	title := "Nashra"
	if site, err := h.settings.Site(r.Context()); err == nil {
		title = site.Title
	}
	host := "localhost"
	if u, err := url.Parse(h.base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return h.mail.Send(r.Context(), &nmail.Message{From: mail.Address{Name: title, Address: "noreply@" + host},
		To: []mail.Address{*addr}, Subject: subject, Text: text})
}
