package site

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/web"
)

// CommentsPath is where the comment form posts (every post's form).
const CommentsPath = "/comments"

// commentsView is an article's discussion: the approved comments as
// threads, and the form when comments are open. It never carries an
// email address: what a template cannot see it cannot leak.
type commentsView struct {
	Lang      string
	PostID    int64
	PostURL   string
	Count     int
	Threads   []*commentNode
	Open      bool
	Closed    string // why not: "closed" (the editor) or "aged"
	Token     string
	Form      commentForm
	Error     string
	Held      bool   // the reader's comment waits for a moderator
	ReplyTo   string // the name of the comment answered, from ?replytocom=
	Newest    bool   // threads newest first (?comments=newest)
	Member    string // a signed-in member's name: the form does not ask for it
	MaxDepth  int
	FeedURL   string
	Submitted bool // the form was sent and refused: focus the message
}

// commentForm is what the reader typed, shown again when it is refused.
type commentForm struct {
	Name, Email, URL, Body string
	Notify                 bool
	ParentID               int64
}

// commentNode is a comment as the template shows it.
type commentNode struct {
	comments.Public
	Avatar  string // CSS class of the letter avatar's colour (the CSP forbids inline styles)
	Replies []*commentNode
	Reply   bool // the thread may go deeper: offer "reply"
	cv      *commentsView
}

// V is the discussion the comment belongs to, for its template.
func (n *commentNode) V() *commentsView { return n.cv }

// avatarClasses is how many colours the theme's CSS defines (av-0 …).
const avatarClasses = 24

func avatarClass(id string) string {
	n, err := strconv.ParseUint(id[:min(4, len(id))], 16, 32)
	if err != nil {
		return "av-0"
	}
	return "av-" + strconv.Itoa(int(n)%avatarClasses)
}

// commentsOpen applies the editor's switch and the site's age rule, from
// what the page already has (no query).
func (h *Handler) commentsOpen(st *state, p *content.Post, now time.Time) (bool, string) {
	if p.Type != content.TypePost || !p.CommentsOpen {
		return false, "closed"
	}
	if days := st.site.Comments.CloseAfterDays; days > 0 && !p.PublishedAt.IsZero() && !now.Before(p.PublishedAt.AddDate(0, 0, days)) {
		return false, "aged"
	}
	return true, ""
}

// commentCounts reads the approved comment counts of the posts a page
// lists, for their cards, in one query for the whole page (not one per
// card). It is nil when comments are off or there is nothing to count.
func (h *Handler) commentCounts(ctx context.Context, lists ...[]content.Post) (map[int64]int, error) {
	if h.comments == nil {
		return nil, nil
	}
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	for _, l := range lists {
		for i := range l {
			ids = append(ids, l[i].ID)
		}
	}
	return h.comments.Counts(ctx, ids)
}

// commentsFor builds the discussion of p for r; form (nil for a plain
// GET) is a refused submission to show again.
func (h *Handler) commentsFor(r *http.Request, st *state, p *content.Post, form *commentsView) (*commentsView, error) {
	if h.comments == nil || p.Type != content.TypePost {
		return nil, nil
	}
	q := r.URL.Query()
	cv := &commentsView{Lang: p.Lang, PostID: p.ID, PostURL: h.postPath(p), Newest: q.Get("comments") == "newest",
		MaxDepth: st.site.Comments.Depth, FeedURL: "/" + url.PathEscape(p.Slug) + "/feed/"}
	if form != nil {
		cv.Form, cv.Error, cv.Submitted = form.Form, form.Error, true
	}
	order := comments.Oldest
	if cv.Newest {
		order = comments.Newest
	}
	list, err := h.comments.List(r.Context(), p.ID, order)
	if err != nil {
		return nil, err
	}
	cv.Count = len(list)
	cv.Threads = commentTree(list, cv)
	cv.Open, cv.Closed = h.commentsOpen(st, p, h.content.Now())
	if !cv.Open {
		return cv, nil
	}
	cv.Token = h.comments.FormToken(p.ID)
	cv.Held = q.Get("moderation") != ""
	if id, err := strconv.ParseInt(q.Get("replytocom"), 10, 64); err == nil && form == nil {
		for _, c := range list {
			if c.ID == id {
				cv.Form.ParentID, cv.ReplyTo = id, c.AuthorName
			}
		}
	}
	if m := h.currentMember(r); m != nil {
		cv.Member = m.Name
		if cv.Member == "" {
			cv.Member = tr(p.Lang, "cm_member")
		}
	}
	return cv, nil
}

func commentTree(list []comments.Public, cv *commentsView) []*commentNode {
	byID := make(map[int64]*commentNode, len(list))
	var top []*commentNode
	for _, c := range list {
		n := &commentNode{Public: c, Avatar: avatarClass(c.AvatarID), Reply: cv.MaxDepth <= 0 || c.Depth+1 < cv.MaxDepth, cv: cv}
		byID[c.ID] = n
		if parent, ok := byID[c.ParentID]; ok {
			parent.Replies = append(parent.Replies, n)
		} else {
			top = append(top, n)
		}
	}
	return top
}

// postComment takes the comment form. Accepted: back to the article (at
// the comment, or with "awaiting moderation"). Refused: the article again,
// with the reason and everything typed, never a 500 for bad input.
func (h *Handler) postComment(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	f := r.PostForm
	postID, err := strconv.ParseInt(f.Get("post_id"), 10, 64)
	if err != nil || postID <= 0 {
		h.errorPage(w, r, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	p, err := h.content.PostByID(ctx, postID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Status != content.Published || p.PublishedAt.After(h.content.Now()) || p.Type != content.TypePost {
		h.errorPage(w, r, http.StatusNotFound)
		return
	}
	if h.gate(r, p) != nil { // members' posts: members' discussion
		h.errorPage(w, r, http.StatusForbidden)
		return
	}
	parent, _ := strconv.ParseInt(f.Get("parent_id"), 10, 64)
	in := comments.Input{PostID: p.ID, ParentID: parent, Name: f.Get("name"), Email: f.Get("email"), URL: f.Get("url"),
		Body: f.Get("comment"), Notify: f.Get("notify") == "1", Token: f.Get("token"), Honeypot: f.Get("website"),
		IP: web.ClientIP(r), UserAgent: r.UserAgent(), Referrer: r.Referer()}
	if m := h.currentMember(r); m != nil {
		in.MemberID = m.ID
		if strings.TrimSpace(in.Name) == "" {
			// A member without a name: the form asked for none and said
			// "commenting as Member" (see commentsFor); the comment is
			// signed so, never with anything taken from the address.
			in.Name = tr(p.Lang, "cm_member")
		}
	}
	c, err := h.comments.Create(ctx, in)
	back := h.postPath(p)
	switch {
	case err == nil && c.Status == comments.Approved:
		http.Redirect(w, r, back+"#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
		return
	case err == nil, errors.Is(err, comments.ErrRejected):
		// Held, spam or a bot's: the same answer, which tells a spammer nothing.
		http.Redirect(w, r, back+"?moderation=1#respond", http.StatusSeeOther)
		return
	}
	lang := p.Lang
	status, msg := http.StatusUnprocessableEntity, ""
	var invalid *comments.InvalidError
	var limited *comments.RateLimitError
	switch {
	case errors.As(err, &invalid):
		msg = tr(lang, "ce_"+invalid.Field+"_"+invalid.Code)
		if msg == "" {
			msg = invalid.Msg
		}
	case errors.As(err, &limited):
		status, msg = http.StatusTooManyRequests, tr(lang, "ce_rate")
		w.Header().Set("Retry-After", strconv.Itoa(int(limited.RetryAfter.Seconds())+1))
	case errors.Is(err, comments.ErrTooFast):
		msg = tr(lang, "ce_too_fast")
	case errors.Is(err, comments.ErrBadToken):
		msg = tr(lang, "ce_token")
	case errors.Is(err, comments.ErrDuplicate):
		status, msg = http.StatusConflict, tr(lang, "ce_duplicate")
	case errors.Is(err, comments.ErrClosed):
		status, msg = http.StatusForbidden, tr(lang, "ce_closed")
	case errors.Is(err, comments.ErrNotFound):
		msg = tr(lang, "ce_parent_bad-parent")
	default:
		h.fail(w, r, err)
		return
	}
	form := &commentsView{Error: msg, Form: commentForm{Name: clip(in.Name, 200), Email: clip(in.Email, 300),
		URL: clip(in.URL, 500), Body: clip(in.Body, 20000), Notify: in.Notify, ParentID: in.ParentID}}
	// The article, as the reader left it, with the message at the form.
	r2 := r.Clone(ctx)
	r2.URL = &url.URL{Path: back}
	h.showPostStatus(w, r2, p, status, form)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
