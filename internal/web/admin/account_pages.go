package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"nashra.dev/nashra/internal/staff"
)

type tokenView struct {
	Token, Email, Name string
	Role               staff.Role
	Done               bool
}

// forgotForm and forgot: a password reset link by email. The answer is the
// same whether or not the address has an account, so the form cannot be
// used to find out who works here.
func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "forgot", &view{Title: tr("ar", "forgot")})
}

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	email := r.PostFormValue("email")
	tok, u, err := h.staff.NewResetToken(r.Context(), email)
	switch {
	case err == nil:
		link := h.base + "/admin/reset?token=" + url.QueryEscape(tok)
		if err := h.sendMail(r, u.Email, tr(u.Locale, "reset_subject"), fmt.Sprintf(tr(u.Locale, "reset_body"), link)); err != nil {
			h.log.Error("reset mail", "err", err)
		}
	case errors.Is(err, staff.ErrNoAccount), errors.Is(err, staff.ErrInvalid):
		// Same answer as for a real account.
	default:
		h.log.Error("reset token", "err", err)
	}
	h.render(w, r, http.StatusOK, "forgot", &view{Title: tr("ar", "forgot"), Flash: tr("ar", "reset_sent")})
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if err := h.staff.CheckResetToken(r.Context(), tok); err != nil {
		h.render(w, r, http.StatusForbidden, "message", &view{Error: tr("ar", "bad_link")})
		return
	}
	h.render(w, r, http.StatusOK, "reset", &view{Title: tr("ar", "new_password"), Data: tokenView{Token: tok}})
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	tok := r.PostFormValue("token")
	_, err := h.staff.ResetPassword(r.Context(), tok, r.PostFormValue("password"))
	switch {
	case errors.Is(err, staff.ErrInvalid):
		h.render(w, r, http.StatusUnprocessableEntity, "reset", &view{Error: err.Error(), Data: tokenView{Token: tok}})
	case errors.Is(err, staff.ErrBadToken):
		h.render(w, r, http.StatusForbidden, "message", &view{Error: tr("ar", "bad_link")})
	case err != nil:
		h.log.Error("reset password", "err", err)
		h.render(w, r, http.StatusInternalServerError, "message", &view{Error: tr("ar", "error")})
	default:
		flash(w, "password_set")
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
	}
}

func (h *Handler) inviteForm(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	email, role, err := h.staff.Invitation(r.Context(), tok)
	if err != nil {
		h.render(w, r, http.StatusForbidden, "message", &view{Error: tr("ar", "bad_link")})
		return
	}
	h.render(w, r, http.StatusOK, "invite", &view{Title: tr("ar", "join"), Data: tokenView{Token: tok, Email: email, Role: role}})
}

func (h *Handler) acceptInvite(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	tv := tokenView{Token: r.PostFormValue("token"), Name: r.PostFormValue("name")}
	_, err := h.staff.AcceptInvite(r.Context(), tv.Token, tv.Name, r.PostFormValue("password"))
	switch {
	case errors.Is(err, staff.ErrInvalid):
		tv.Email, tv.Role, _ = h.staff.Invitation(r.Context(), tv.Token)
		h.render(w, r, http.StatusUnprocessableEntity, "invite", &view{Error: err.Error(), Data: tv})
	case errors.Is(err, staff.ErrBadToken):
		h.render(w, r, http.StatusForbidden, "message", &view{Error: tr("ar", "bad_link")})
	case err != nil:
		h.log.Error("accept invite", "err", err)
		h.render(w, r, http.StatusInternalServerError, "message", &view{Error: tr("ar", "error")})
	default:
		flash(w, "joined")
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
	}
}
