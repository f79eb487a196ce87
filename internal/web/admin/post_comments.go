package admin

import (
	"net/http"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
)

// commentSwitch is the editor's "comments open" checkbox (the post's
// comment_status), with why comments are closed anyway when they are.
type commentSwitch struct {
	Open bool
	// Closed is why readers cannot comment now although the switch is
	// open (the post's age); "" otherwise.
	Closed   comments.Reason
	MaxDays  int // the age limit, for the message
	Comments int // comments on the post, all statuses but spam and trash
}

// commentSwitch gives the checkbox its state: what the editor sent, on a
// form shown again; the post's switch; for a new post, the site's default.
// Only editors who may edit the post see the editor, so only they see it.
func (h *Handler) commentSwitch(r *http.Request, p *content.Post) *commentSwitch {
	if h.comments == nil {
		return nil
	}
	ctx := r.Context()
	cs := &commentSwitch{}
	switch {
	case r.Method == http.MethodPost && r.PostForm.Get("comments_form") != "":
		cs.Open = r.PostForm.Get("comments_open") != ""
	case p != nil:
		open, err := h.comments.SwitchedOpen(ctx, p.ID)
		if err != nil {
			h.log.Warn("editor: read the comment switch", "post", p.ID, "err", err)
		}
		cs.Open = open
	default:
		site, err := h.settings.Site(ctx)
		cs.Open = err != nil || site.Comments.OpenByDefault
	}
	if p != nil {
		if _, why, err := h.comments.Open(ctx, p.ID); err == nil && why == comments.ReasonAged && cs.Open {
			cs.Closed, cs.MaxDays = why, h.comments.Policy(ctx).CloseAfterDays
		}
		if n, err := h.comments.StatusCounts(ctx, p.ID); err == nil {
			cs.Comments = n[comments.Pending] + n[comments.Approved]
		}
	}
	return cs
}

// saveCommentSwitch stores the checkbox after the post is saved. A form
// without it (a client of its own) leaves the switch alone, except on a
// new post, which takes the site's default.
func (h *Handler) saveCommentSwitch(r *http.Request, p *content.Post, created bool) {
	if h.comments == nil {
		return
	}
	ctx := r.Context()
	var open bool
	switch {
	case r.PostForm.Get("comments_form") != "":
		open = r.PostForm.Get("comments_open") != ""
	case created:
		site, err := h.settings.Site(ctx)
		open = err != nil || site.Comments.OpenByDefault
	default:
		return
	}
	if err := h.comments.SetOpen(ctx, p.ID, open); err != nil {
		h.log.Error("editor: save the comment switch", "post", p.ID, "err", err)
	}
}
