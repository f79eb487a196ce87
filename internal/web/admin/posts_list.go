package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/search"
	"nashra.dev/nashra/internal/staff"
)

type listView struct {
	Posts      []content.Post
	Filter     content.AdminFilter
	Categories []content.Category
	Staff      []staff.User
	Page       int
	Prev, Next string
	Total      int
	Query      string // the words searched for, when the list is a search's results
}

const adminPerPage = 30

// postList is the newsroom's post list, filtered by status, author, section
// and language; contributors and authors see their own posts.
func (h *Handler) postList(w http.ResponseWriter, r *http.Request, u *staff.User) {
	ctx := r.Context()
	q := r.URL.Query()
	f := content.AdminFilter{Status: content.Status(q.Get("status")), Lang: q.Get("lang"), Type: content.Type(q.Get("type"))}
	f.AuthorID, _ = strconv.ParseInt(q.Get("author"), 10, 64)
	f.CategoryID, _ = strconv.ParseInt(q.Get("category"), 10, 64)
	if !u.Role.Can(staff.CapEditOthersPosts) {
		f.AuthorID = u.ID
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 || page > 100000 {
		page = 1
	}
	f.Limit, f.Offset = adminPerPage, (page-1)*adminPerPage
	var posts []content.Post
	var total int
	text := strings.TrimSpace(q.Get("q"))
	if text != "" && h.search != nil {
		posts, err = h.searchPosts(ctx, text, f)
		total = len(posts)
	} else {
		text = ""
		posts, total, err = h.content.AdminList(ctx, f)
	}
	if errors.Is(err, search.ErrBadQuery) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: err.Error()})
		return
	}
	if errors.Is(err, content.ErrInvalid) {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: err.Error()})
		return
	}
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	cats, err := h.content.Categories(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	people, err := h.staff.List(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	lv := listView{Posts: posts, Filter: f, Categories: cats, Staff: people, Page: page, Total: total, Query: text}
	link := func(p int) string {
		v := url.Values{}
		for _, k := range []string{"status", "lang", "type", "author", "category", "q"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "/admin/posts?" + v.Encode()
	}
	if page > 1 {
		lv.Prev = link(page - 1)
	}
	if page*adminPerPage < total {
		lv.Next = link(page + 1)
	}
	h.render(w, r, http.StatusOK, "posts", &view{User: u, Title: tr(u.Locale, "posts"), Data: lv, Section: "posts"})
}

// searchPosts finds posts in any status by the words of text (the search
// index, drafts included), best match first, then applies the list's
// other filters; the first 100 matches are shown, without pages.
func (h *Handler) searchPosts(ctx context.Context, text string, f content.AdminFilter) ([]content.Post, error) {
	res, err := h.search.SearchText(ctx, text, search.Filter{Drafts: true, Limit: 100, Category: f.CategoryID, Lang: f.Lang, Type: f.Type})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(res.Hits))
	for i, hit := range res.Hits {
		ids[i] = hit.PostID
	}
	found, err := h.content.PostsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := found[:0]
	for _, p := range found {
		if (f.Status != "" && p.Status != f.Status) || (f.AuthorID != 0 && !hasAuthor(&p, f.AuthorID)) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

func hasAuthor(p *content.Post, id int64) bool {
	for _, a := range p.Authors {
		if a.ID == id {
			return true
		}
	}
	return false
}

// postBulk applies one action to the checked posts: publish, unpublish
// (back to draft) or delete. Each post is checked against the user's rights;
// those refused are counted, not silently skipped.
func (h *Handler) postBulk(w http.ResponseWriter, r *http.Request, u *staff.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "bad_request")})
		return
	}
	action := r.PostFormValue("action")
	if action != "publish" && action != "unpublish" && action != "delete" {
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "bad_request")})
		return
	}
	refused := 0
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		p, err := h.content.PostByID(r.Context(), id)
		if err != nil {
			continue
		}
		if !h.allowed(u, p, action) {
			refused++
			continue
		}
		switch action {
		case "delete":
			err = h.content.DeletePost(r.Context(), id)
		default:
			in := content.InputOf(p)
			in.EditorID, in.Status = u.ID, content.Published
			if action == "unpublish" {
				in.Status = content.Draft
			}
			_, err = h.content.UpdatePost(r.Context(), id, in)
		}
		if err != nil {
			h.log.Error("bulk action", "action", action, "post", id, "err", err)
			refused++
		}
	}
	if refused > 0 {
		flash(w, "bulk_partial")
	} else {
		flash(w, "bulk_done")
	}
	http.Redirect(w, r, "/admin/posts", http.StatusSeeOther)
}

// allowed applies the role rules to one action on one post.
func (h *Handler) allowed(u *staff.User, p *content.Post, action string) bool {
	var authors []int64
	for _, a := range p.Authors {
		authors = append(authors, a.ID)
	}
	published := p.Status != content.Draft
	switch action {
	case "edit":
		return u.CanEditPost(authors, published)
	case "publish", "schedule", "unpublish":
		return u.CanEditPost(authors, published) && u.CanPublishPost(authors)
	case "delete":
		return u.CanDeletePost(authors, published)
	}
	return false
}

func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request, u *staff.User) {
	h.render(w, r, http.StatusForbidden, "message", &view{User: u, Error: tr(u.Locale, "forbidden")})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, u *staff.User) {
	h.render(w, r, http.StatusNotFound, "message", &view{User: u, Error: tr(u.Locale, "not_found")})
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, u *staff.User, err error) {
	if errors.Is(err, content.ErrNotFound) {
		h.notFound(w, r, u)
		return
	}
	h.log.Error("admin", "path", r.URL.Path, "err", err)
	h.render(w, r, http.StatusInternalServerError, "message", &view{User: u, Error: tr(u.Locale, "error")})
}
