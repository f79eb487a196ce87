package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
)

// commentView is one comment's page: everything known of it, its actions,
// the edit form and the reply form.
type commentView struct {
	Comment  *comments.Comment
	Actions  []comments.Action
	PostURL  string
	Parent   *comments.Comment // the comment it answers, or nil
	Edit     comments.Edit     // the edit form's values
	Reply    string            // the reply form's text, kept after a refusal
	CanReply bool              // pending and approved comments may be answered
	Back     string
}

// commentForm is what the moderator typed, shown again after a refusal.
type commentForm struct {
	Edit  *comments.Edit
	Reply string
}

func (h *Handler) commentPage(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	id, ok := h.commentID(w, r, u)
	if !ok {
		return
	}
	h.showComment(w, r, u, http.StatusOK, id, "", nil)
}

func (h *Handler) showComment(w http.ResponseWriter, r *http.Request, u *staff.User, code int, id int64, msg string, form *commentForm) {
	ctx := r.Context()
	c, err := h.comments.Get(ctx, id)
	if errors.Is(err, comments.ErrNotFound) {
		h.notFound(w, r, u)
		return
	}
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	cv := commentView{Comment: c, Actions: actionsFor(c.Status), Edit: comments.Edit{Name: c.AuthorName, URL: c.AuthorURL, Body: c.Body},
		CanReply: c.Status == comments.Pending || c.Status == comments.Approved, Back: fmt.Sprintf("/admin/comments/%d", c.ID)}
	if form != nil {
		if form.Edit != nil {
			cv.Edit = *form.Edit
		}
		cv.Reply = form.Reply
	}
	if c.ReplyToID != 0 {
		cv.Parent, _ = h.comments.Get(ctx, c.ReplyToID) // nil when it was deleted
	}
	if p, err := h.content.PostByID(ctx, c.PostID); err == nil && p.Status == content.Published {
		site, err := h.settings.Site(ctx)
		if err != nil {
			site = settings.Defaults()
		}
		zone, err := time.LoadLocation(site.Timezone)
		if err != nil {
			zone = time.UTC
		}
		cv.PostURL = h.base + content.Permalink(p, site.Permalink, zone)
		if c.Status == comments.Approved {
			cv.PostURL += "#comment-" + strconv.FormatInt(c.ID, 10)
		}
	}
	h.render(w, r, code, "comment", &view{User: u, Title: tr(u.Locale, "comment") + " #" + strconv.FormatInt(c.ID, 10),
		Error: msg, Data: cv, Section: "comments"})
}

// commentEdit saves a moderator's correction: name, website, text.
func (h *Handler) commentEdit(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	id, ok := h.commentID(w, r, u)
	if !ok || !h.parseSmallForm(w, r, u, 256<<10) {
		return
	}
	e := comments.Edit{Name: r.PostFormValue("name"), URL: r.PostFormValue("url"), Body: r.PostFormValue("body")}
	_, err := h.comments.Edit(r.Context(), id, e)
	switch {
	case errors.Is(err, comments.ErrNotFound):
		h.notFound(w, r, u)
	case errors.Is(err, comments.ErrInvalid):
		h.showComment(w, r, u, http.StatusUnprocessableEntity, id, h.commentError(u.Locale, err), &commentForm{Edit: &e})
	case err != nil:
		h.fail(w, r, u, err)
	default:
		h.log.Info("comment edited", "by", u.ID, "comment", id)
		flash(w, "cm_edited")
		http.Redirect(w, r, fmt.Sprintf("/admin/comments/%d", id), http.StatusSeeOther)
	}
}

// commentReply posts the moderator's answer, approved, under the comment
// (approving a pending one first, as WordPress's "Approve and Reply").
func (h *Handler) commentReply(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	id, ok := h.commentID(w, r, u)
	if !ok || !h.parseSmallForm(w, r, u, 256<<10) {
		return
	}
	body := r.PostFormValue("body")
	c, err := h.comments.Reply(r.Context(), u.ID, id, body)
	switch {
	case errors.Is(err, comments.ErrNotFound):
		h.notFound(w, r, u)
	case errors.Is(err, comments.ErrInvalid):
		h.showComment(w, r, u, http.StatusUnprocessableEntity, id, h.commentError(u.Locale, err), &commentForm{Reply: body})
	case err != nil:
		h.fail(w, r, u, err)
	default:
		h.log.Info("comment reply", "by", u.ID, "comment", id, "reply", c.ID)
		flash(w, "cm_replied")
		http.Redirect(w, r, commentBack(r.PostFormValue("back")), http.StatusSeeOther)
	}
}
