package admin

import (
	"encoding/json"
	"errors"
	"net/http"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
)

// postAutosave keeps the editor's unsaved text (sent by the editor's script
// every few seconds) as an autosave revision. It answers JSON.
func (h *Handler) postAutosave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	p, ok := h.loadPost(w, r, u, "edit")
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": tr(u.Locale, "too_large")})
		return
	}
	rev, err := h.content.Autosave(r.Context(), p.ID, u.ID, r.PostFormValue("title"), r.PostFormValue("standfirst"), r.PostFormValue("body"))
	switch {
	case errors.Is(err, content.ErrInvalid):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
	case err != nil:
		h.log.Error("autosave", "post", p.ID, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": tr(u.Locale, "error")})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"saved_at": rev.CreatedAt, "version": p.Version})
	}
}

// preview renders Markdown as the article will show it (sanitized).
func (h *Handler) preview(w http.ResponseWriter, r *http.Request, u *staff.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	if err := r.ParseForm(); err != nil {
		http.Error(w, tr(u.Locale, "too_large"), http.StatusRequestEntityTooLarge)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(h.content.Renderer().Render(r.PostFormValue("body"))))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
