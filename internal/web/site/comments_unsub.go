package site

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"nashra.dev/nashra/internal/comments"
)

// commentUnsubscribe is the link in reply notices: GET asks (mail scanners
// follow links, and a GET must not act); POST, the button and mail
// clients' RFC 8058 one-click, stops every reply notice to that address.
func (h *Handler) commentUnsubscribe(w http.ResponseWriter, r *http.Request) {
	lang := h.site().Lang
	token := r.URL.Query().Get("token")
	if r.Method == http.MethodGet {
		u, err := h.comments.CheckUnsubscribe(r.Context(), token)
		if err != nil {
			h.commentUnsubFailed(w, r, err)
			return
		}
		msg := strings.ReplaceAll(tr(lang, "cm_unsub_ask"), "%s", u.PostTitle)
		h.membersPage(w, r, http.StatusOK, &membersView{Kind: "unsubscribe", Message: msg,
			Action: template.URL(comments.UnsubscribePath + "?token=" + url.QueryEscape(token))})
		return
	}
	if _, err := h.comments.Unsubscribe(r.Context(), token); err != nil {
		h.commentUnsubFailed(w, r, err)
		return
	}
	h.membersPage(w, r, http.StatusOK, &membersView{Kind: "unsubscribed", Message: tr(lang, "cm_unsub_done")})
}

func (h *Handler) commentUnsubFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, comments.ErrBadUnsubscribe) || errors.Is(err, comments.ErrNotFound) {
		h.membersPage(w, r, http.StatusForbidden, &membersView{Kind: "message", Message: tr(h.site().Lang, "m_bad_link")})
		return
	}
	h.fail(w, r, err)
}
