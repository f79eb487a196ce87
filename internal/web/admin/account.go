package admin

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/web"
)

type accountView struct {
	Tokens   []staff.APIToken
	Keys     []content.ContentKey
	NewToken string // shown once, right after it is made
	NewKey   string
	CanKeys  bool
}

// account is the staff member's own page: password, interface language,
// Admin API tokens and (for administrators) Content API keys.
func (h *Handler) account(w http.ResponseWriter, r *http.Request, u *staff.User) {
	h.showAccount(w, r, u, http.StatusOK, accountView{}, "")
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request, u *staff.User, status int, av accountView, msg string) {
	var err error
	if av.Tokens, err = h.staff.ListAPITokens(r.Context(), u.ID); err != nil {
		h.fail(w, r, u, err)
		return
	}
	if av.CanKeys = u.Role.Can(staff.CapManageSettings); av.CanKeys {
		if av.Keys, err = h.content.ListContentKeys(r.Context()); err != nil {
			h.fail(w, r, u, err)
			return
		}
	}
	h.render(w, r, status, "account", &view{User: u, Title: tr(u.Locale, "account"), Error: msg, Data: av, Section: "account"})
}

// accountSave handles every form of the account page; "do" names which.
func (h *Handler) accountSave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "bad_request")})
		return
	}
	ctx := r.Context()
	f := r.PostForm
	var av accountView
	var err error
	switch f.Get("do") {
	case "password":
		err = h.staff.SetPassword(ctx, u.ID, f.Get("old"), f.Get("new"))
		if err == nil {
			// Every session ended with the change; start this one again.
			var tok string
			if tok, err = h.staff.StartSession(ctx, u.ID, web.ClientIP(r), r.UserAgent()); err == nil {
				http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: h.secure,
					SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(30 * 24 * time.Hour)})
			}
		}
	case "locale":
		err = h.staff.SetLocale(ctx, u.ID, f.Get("locale"))
	case "token":
		days, _ := strconv.Atoi(f.Get("days"))
		av.NewToken, err = h.staff.CreateAPIToken(ctx, u.ID, f.Get("name"), time.Duration(days)*24*time.Hour)
	case "revoke_token":
		id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
		err = h.staff.RevokeAPIToken(ctx, u.ID, id)
	case "key", "revoke_key":
		if !u.Role.Can(staff.CapManageSettings) {
			h.forbidden(w, r, u)
			return
		}
		if f.Get("do") == "key" {
			av.NewKey, err = h.content.CreateContentKey(ctx, f.Get("name"))
		} else {
			id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
			err = h.content.RevokeContentKey(ctx, id)
		}
	default:
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "bad_request")})
		return
	}
	switch {
	case errors.Is(err, staff.ErrInvalid), errors.Is(err, content.ErrInvalid):
		h.showAccount(w, r, u, http.StatusUnprocessableEntity, av, err.Error())
	case errors.Is(err, staff.ErrNoAPIToken), errors.Is(err, content.ErrNotFound):
		h.showAccount(w, r, u, http.StatusNotFound, av, tr(u.Locale, "not_found"))
	case err != nil && f.Get("do") == "password":
		h.showAccount(w, r, u, http.StatusUnprocessableEntity, av, tr(u.Locale, "bad_password"))
	case err != nil:
		h.fail(w, r, u, err)
	case av.NewToken != "" || av.NewKey != "":
		h.showAccount(w, r, u, http.StatusOK, av, "") // the secret is shown once, on this page only
	default:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
	}
}
