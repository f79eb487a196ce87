package api

import (
	"errors"
	"net/http"
	"strings"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
)

// adminHandler is an Admin API operation, run as the token's staff member.
type adminHandler func(w http.ResponseWriter, r *http.Request, u *staff.User)

// adminAuth runs next as the staff member whose Admin API token the request
// carries (Authorization: Bearer nsh_…). Only the Bearer scheme is taken:
// one way in is one way to audit. Answers are never cached.
func (h *Handler) adminAuth(next adminHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		// Every refusal below is a 401; RFC 9110 wants the scheme named.
		w.Header().Set("WWW-Authenticate", `Bearer realm="nashra"`)
		auth := r.Header.Get("Authorization")
		if auth == "" {
			writeError(w, errUnauthorized("an Admin API token is required: Authorization: Bearer nsh_…"))
			return
		}
		scheme, tok, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			writeError(w, errUnauthorized("only Bearer tokens are accepted: Authorization: Bearer nsh_…"))
			return
		}
		u, err := h.staff.APITokenUser(r.Context(), strings.TrimSpace(tok))
		switch {
		case errors.Is(err, staff.ErrAPITokenExpired):
			writeError(w, errUnauthorized("the API token has expired; create a new one in the admin"))
			return
		case errors.Is(err, staff.ErrBadAPIToken):
			writeError(w, errUnauthorized("the API token is invalid or has been revoked"))
			return
		case err != nil:
			h.fail(w, r, err)
			return
		}
		w.Header().Del("WWW-Authenticate")
		next(w, r, u)
	})
}

// contentAuth checks the Content API key (?key=, as Ghost's) and marks the
// answer public: the Content API shows only what the site shows anyone, so
// any origin may read it and any cache may keep it for a minute. Errors are
// readable cross-origin too, but never cached.
func (h *Handler) contentAuth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		key := r.URL.Query().Get("key")
		if key == "" {
			writeError(w, errUnauthorized("a Content API key is required: ?key=…"))
			return
		}
		err := h.content.CheckContentKey(r.Context(), key)
		if errors.Is(err, content.ErrBadContentKey) {
			writeError(w, errUnauthorized("the Content API key is invalid or has been revoked"))
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		next(w, r)
	})
}
