package admin

import (
	"errors"
	"net/http"
	"strconv"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/staff"
)

// The blocklist, under the moderation queue: words, addresses, domains and
// client addresses whose comments go to spam or wait for a moderator.

func (h *Handler) blockAdd(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	if !h.parseSmallForm(w, r, u, 16<<10) {
		return
	}
	bf := blockForm{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value"), Effect: r.PostFormValue("effect")}
	rule, err := h.comments.AddBlock(r.Context(), comments.BlockKind(bf.Kind), bf.Value, comments.BlockEffect(bf.Effect))
	switch {
	case errors.Is(err, comments.ErrInvalid):
		h.showQueue(w, r, u, http.StatusUnprocessableEntity, h.commentError(u.Locale, err), bf)
	case err != nil:
		h.fail(w, r, u, err)
	default:
		h.log.Info("comment blocklist rule added", "by", u.ID, "rule", rule.ID, "kind", rule.Kind, "effect", rule.Effect)
		flash(w, "cm_block_added")
		http.Redirect(w, r, "/admin/comments#blocklist", http.StatusSeeOther)
	}
}

func (h *Handler) blockRemove(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return
	}
	err = h.comments.RemoveBlock(r.Context(), id)
	switch {
	case errors.Is(err, comments.ErrNotFound):
		h.notFound(w, r, u)
	case err != nil:
		h.fail(w, r, u, err)
	default:
		h.log.Info("comment blocklist rule removed", "by", u.ID, "rule", id)
		flash(w, "cm_block_removed")
		http.Redirect(w, r, "/admin/comments#blocklist", http.StatusSeeOther)
	}
}
