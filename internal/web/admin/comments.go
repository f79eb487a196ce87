package admin

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
)

// The moderation queue at /admin/comments, WordPress's Comments screen:
// tabs by status with counts, a filter by post, search, paging, actions
// per comment and on the checked ones, and the blocklist. Every action is
// a POST form; the page works without JavaScript.

// commentsView is the queue page.
type commentsView struct {
	Tabs       []commentTab
	Status     string // the tab: "" (all: pending and approved) or a status
	PostID     int64
	PostTitle  string
	Search     string
	Rows       []commentRow
	Total      int
	Page       int
	Pages      int
	Prev, Next string
	Bulk       []comments.Action // the bulk actions that make sense on this tab
	Back       string            // this page's address: forms come back to it
	Blocklist  []comments.BlockRule
	BlockKinds []comments.BlockKind
	Block      blockForm // the add form, as typed after a refusal
}

type commentTab struct {
	Status  string // "all" or a status: its label is "cs_"+Status
	Count   int
	URL     string
	Current bool
}

// commentRow is a comment as the queue shows it.
type commentRow struct {
	comments.Comment
	Actions []comments.Action
	PostURL string // the public page (at the comment when it is shown), or ""
}

type blockForm struct {
	Kind, Value, Effect string
}

// commentActions are every moderation action, in the order buttons show.
var commentActions = []comments.Action{comments.ActApprove, comments.ActUnapprove, comments.ActUnspam,
	comments.ActRestore, comments.ActSpam, comments.ActTrash, comments.ActDelete}

// actionsFor are the actions offered on a comment in status st: those
// that apply to it (WordPress's row actions).
func actionsFor(st comments.Status) []comments.Action {
	switch st {
	case comments.Pending:
		return []comments.Action{comments.ActApprove, comments.ActSpam, comments.ActTrash}
	case comments.Approved:
		return []comments.Action{comments.ActUnapprove, comments.ActSpam, comments.ActTrash}
	case comments.Spam:
		return []comments.Action{comments.ActUnspam, comments.ActTrash, comments.ActDelete}
	case comments.Trash:
		return []comments.Action{comments.ActRestore, comments.ActSpam, comments.ActDelete}
	}
	return nil
}

// bulkFor are the bulk actions offered on a tab ("" is all).
func bulkFor(st comments.Status) []comments.Action {
	if st == "" {
		return []comments.Action{comments.ActApprove, comments.ActUnapprove, comments.ActSpam, comments.ActTrash}
	}
	return actionsFor(st)
}

// Moderators are the roles with moderate_comments (editors and above).
func (h *Handler) canModerate(u *staff.User) bool {
	return h.comments != nil && u.Role.Can(staff.CapModerateComments)
}

const commentsPerPage = 20

func (h *Handler) commentQueue(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	h.showQueue(w, r, u, http.StatusOK, "", blockForm{Effect: string(comments.EffectSpam)})
}

// showQueue renders the queue for the request's filters (status, post, q,
// page). A filter that makes no sense is a 400 with a message.
func (h *Handler) showQueue(w http.ResponseWriter, r *http.Request, u *staff.User, code int, msg string, block blockForm) {
	ctx, q := r.Context(), r.URL.Query()
	if r.Method != http.MethodGet {
		q = url.Values{} // a refused POST shows the queue as it opens
	}
	lang := u.Locale
	bad := func(key string) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(lang, key), Section: "comments"})
	}
	f := comments.Filter{Search: strings.TrimSpace(q.Get("q")), PerPage: commentsPerPage}
	if st := q.Get("status"); st != "" && st != "all" {
		f.Status = comments.Status(st)
		if !f.Status.Valid() {
			bad("cm_bad_status")
			return
		}
	}
	if p := q.Get("post"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			bad("cm_bad_post")
			return
		}
		f.PostID = id
	}
	if utf8.RuneCountInString(f.Search) > 200 {
		bad("cm_bad_search")
		return
	}
	f.Page = 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			bad("cm_bad_page")
			return
		}
		f.Page = n
	}
	cv := commentsView{Status: string(f.Status), PostID: f.PostID, Search: f.Search, Page: f.Page, Bulk: bulkFor(f.Status),
		BlockKinds: []comments.BlockKind{comments.BlockWord, comments.BlockEmail, comments.BlockDomain, comments.BlockIP}, Block: block}
	posts := map[int64]*content.Post{}
	if f.PostID != 0 {
		p, err := h.content.PostByID(ctx, f.PostID)
		if err != nil {
			h.fail(w, r, u, err) // unknown post: 404
			return
		}
		posts[p.ID], cv.PostTitle = p, p.Title
	}
	link := func(status string, page int) string {
		v := url.Values{}
		if status != "" {
			v.Set("status", status)
		}
		if f.PostID != 0 {
			v.Set("post", strconv.FormatInt(f.PostID, 10))
		}
		if f.Search != "" {
			v.Set("q", f.Search)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/admin/comments"
		}
		return "/admin/comments?" + v.Encode()
	}
	cv.Back = link(cv.Status, f.Page)
	counts, err := h.comments.StatusCounts(ctx, f.PostID)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	cv.Tabs = append(cv.Tabs, commentTab{Status: "all", Count: counts[comments.Pending] + counts[comments.Approved],
		URL: link("", 1), Current: f.Status == ""})
	for _, st := range comments.Statuses {
		cv.Tabs = append(cv.Tabs, commentTab{Status: string(st), Count: counts[st], URL: link(string(st), 1), Current: f.Status == st})
	}
	page, err := h.comments.Queue(ctx, f)
	if errors.Is(err, comments.ErrInvalid) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: h.commentError(lang, err), Section: "comments"})
		return
	}
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	cv.Total, cv.Pages = page.Total, page.Pages()
	if f.Page > 1 {
		cv.Prev = link(cv.Status, f.Page-1)
	}
	if f.Page < cv.Pages {
		cv.Next = link(cv.Status, f.Page+1)
	}
	site, err := h.settings.Site(ctx)
	if err != nil {
		site = settings.Defaults()
	}
	zone, err := time.LoadLocation(site.Timezone)
	if err != nil {
		zone = time.UTC
	}
	for _, c := range page.Comments {
		row := commentRow{Comment: c, Actions: actionsFor(c.Status)}
		p, ok := posts[c.PostID]
		if !ok {
			p, _ = h.content.PostByID(ctx, c.PostID) // nil when it went meanwhile
			posts[c.PostID] = p
		}
		if p != nil && p.Status == content.Published {
			row.PostURL = h.base + content.Permalink(p, site.Permalink, zone)
			if c.Status == comments.Approved {
				row.PostURL += "#comment-" + strconv.FormatInt(c.ID, 10)
			}
		}
		cv.Rows = append(cv.Rows, row)
	}
	if cv.Blocklist, err = h.comments.Blocklist(ctx); err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, code, "comments", &view{User: u, Title: tr(lang, "comments"), Error: msg, Data: cv, Section: "comments"})
}

// commentBulk applies the chosen action to the checked comments.
func (h *Handler) commentBulk(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	if !h.parseSmallForm(w, r, u, 64<<10) {
		return
	}
	back := commentBack(r.PostFormValue("back"))
	act := comments.Action(r.PostFormValue("action"))
	if act == "" {
		flash(w, "cm_no_action")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if !slices.Contains(commentActions, act) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "cm_bad_action"), Section: "comments"})
		return
	}
	var ids []int64
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "cm_bad_id"), Section: "comments"})
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		flash(w, "cm_none_checked")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if len(ids) > 500 {
		h.render(w, r, http.StatusRequestEntityTooLarge, "message", &view{User: u, Error: tr(u.Locale, "too_large"), Section: "comments"})
		return
	}
	res, err := h.comments.Moderate(r.Context(), act, ids...)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.log.Info("comments moderated", "by", u.ID, "action", act, "changed", len(res.Changed), "skipped", len(res.Skipped), "missing", len(res.Missing))
	if len(res.Skipped)+len(res.Missing) > 0 {
		flash(w, "cm_bulk_partial")
	} else {
		flash(w, "cm_"+string(act))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// commentAction applies one action to one comment (the row buttons and
// the comment page's).
func (h *Handler) commentAction(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canModerate(u) {
		h.forbidden(w, r, u)
		return
	}
	id, ok := h.commentID(w, r, u)
	if !ok {
		return
	}
	act := comments.Action(r.PathValue("action"))
	if !slices.Contains(commentActions, act) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "cm_bad_action"), Section: "comments"})
		return
	}
	if !h.parseSmallForm(w, r, u, 64<<10) {
		return
	}
	c, err := h.comments.ModerateOne(r.Context(), act, id)
	switch {
	case errors.Is(err, comments.ErrNotFound):
		h.notFound(w, r, u)
		return
	case errors.Is(err, comments.ErrTransition):
		// Another moderator got there first: show the comment as it is now.
		h.showComment(w, r, u, http.StatusConflict, id, tr(u.Locale, "cm_transition"), nil)
		return
	case err != nil:
		h.fail(w, r, u, err)
		return
	}
	h.log.Info("comment moderated", "by", u.ID, "action", act, "comment", id)
	flash(w, "cm_"+string(act))
	back := commentBack(r.PostFormValue("back"))
	if c == nil && commentPagePath.MatchString(back) {
		back = "/admin/comments" // its own page is gone
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// commentID reads the {id} of the path; anything but a positive number is
// a 404, as an unknown comment is.
func (h *Handler) commentID(w http.ResponseWriter, r *http.Request, u *staff.User) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return 0, false
	}
	return id, true
}

// parseSmallForm reads a urlencoded form of at most limit bytes; a bigger
// or broken one is answered here.
func (h *Handler) parseSmallForm(w http.ResponseWriter, r *http.Request, u *staff.User, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.render(w, r, http.StatusRequestEntityTooLarge, "message", &view{User: u, Error: tr(u.Locale, "too_large")})
		} else {
			h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "bad_request")})
		}
		return false
	}
	return true
}

var commentPagePath = regexp.MustCompile(`^/admin/comments/[0-9]+$`)

// commentBack is where a moderation form returns: the queue (with its
// filters) or a comment's page, nothing else, so that the field cannot
// send a moderator off the admin.
func commentBack(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		(u.Path != "/admin/comments" && !commentPagePath.MatchString(u.Path)) {
		return "/admin/comments"
	}
	if u.RawQuery != "" {
		return u.Path + "?" + url.Values(u.Query()).Encode()
	}
	return u.Path
}

// commentError words a refusal of the comments service for a moderator: a
// message of the catalog for the field and code, else the service's own.
func (h *Handler) commentError(lang string, err error) string {
	var ie *comments.InvalidError
	if errors.As(err, &ie) {
		key := "cv_" + ie.Field + "_" + strings.ReplaceAll(ie.Code, "-", "_")
		if msg := tr(lang, key); msg != key {
			return msg
		}
		return ie.Msg
	}
	return tr(lang, "bad_request")
}
