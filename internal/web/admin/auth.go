package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/web"
)

const sessionCookie = "nashra_session"

// authed is a handler that needs a signed-in staff member.
type authed func(w http.ResponseWriter, r *http.Request, u *staff.User)

// auth resolves the session cookie to a staff member, or sends the browser
// to the sign-in page (and an API-style caller a 401).
func (h *Handler) auth(next authed) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		c, err := r.Cookie(sessionCookie)
		if err == nil {
			u, err := h.staff.SessionUser(r.Context(), c.Value)
			if err == nil {
				next(w, r, u)
				return
			}
			if !errors.Is(err, staff.ErrNoSession) {
				h.log.Error("session lookup", "err", err)
				http.Error(w, "Internal error", http.StatusInternalServerError)
				return
			}
		}
		if r.Method != http.MethodGet {
			http.Error(w, "Sign in first", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}

type loginView struct{ Email, Next string }

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "login", &view{Title: tr("ar", "sign_in"), Data: loginView{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusBadRequest, "login", &view{Error: tr("ar", "bad_request")})
		return
	}
	lv := loginView{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	ip := web.ClientIP(r)
	u, err := h.staff.Login(r.Context(), lv.Email, r.PostFormValue("password"), ip)
	var throttled *staff.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())+1))
		h.render(w, r, http.StatusTooManyRequests, "login", &view{Error: tr("ar", "throttled"), Data: lv})
		return
	case errors.Is(err, staff.ErrInvalid):
		h.log.Info("sign-in failed", "ip", ip)
		h.render(w, r, http.StatusUnauthorized, "login", &view{Error: tr("ar", "bad_login"), Data: lv})
		return
	case err != nil:
		h.log.Error("sign-in", "err", err)
		h.render(w, r, http.StatusInternalServerError, "login", &view{Error: tr("ar", "error"), Data: lv})
		return
	}
	tok, err := h.staff.StartSession(r.Context(), u.ID, ip, r.UserAgent())
	if err != nil {
		h.log.Error("start session", "err", err)
		h.render(w, r, http.StatusInternalServerError, "login", &view{Error: tr("ar", "error"), Data: lv})
		return
	}
	h.log.Info("signed in", "user_id", u.ID)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(30 * 24 * time.Hour)})
	next := lv.Next
	if next == "" {
		next = "/admin/posts"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.staff.EndSession(r.Context(), c.Value); err != nil {
			h.log.Error("end session", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site's admin.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return ""
}
