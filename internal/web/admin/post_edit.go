package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/staff"
)

type editView struct {
	Post         *content.Post // nil while creating
	In           content.PostInput
	CategoryIDs  []int64
	Tags         string
	PublishAt    string // datetime-local, in the site's time zone
	Categories   []content.Category
	Conflict     *content.Post
	ConflictDiff []content.DiffLine
	Autosave     *content.Revision
	CanPublish   bool
	PreviewURL   string
	Timezone     string
	Newsletters  []members.Newsletter // offered for "send as email" on publishing
	EmailTo      string               // the slug of the newsletter chosen (a scheduled post's, say)
	Comments     *commentSwitch       // the "comments open" checkbox; nil without comments
}

func (h *Handler) postNew(w http.ResponseWriter, r *http.Request, u *staff.User) {
	in := content.PostInput{Type: content.TypePost, Lang: "ar", Visibility: "public"}
	if r.URL.Query().Get("type") == "page" {
		in.Type = content.TypePage
	}
	h.showEditor(w, r, u, http.StatusOK, nil, in, "")
}

func (h *Handler) postEdit(w http.ResponseWriter, r *http.Request, u *staff.User) {
	p, ok := h.loadPost(w, r, u, "edit")
	if !ok {
		return
	}
	h.showEditor(w, r, u, http.StatusOK, p, content.InputOf(p), "")
}

// loadPost reads the {id} post and checks the user may act on it.
func (h *Handler) loadPost(w http.ResponseWriter, r *http.Request, u *staff.User, action string) (*content.Post, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return nil, false
	}
	p, err := h.content.PostByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, u, err)
		return nil, false
	}
	if !h.allowed(u, p, action) {
		h.forbidden(w, r, u)
		return nil, false
	}
	return p, true
}

func (h *Handler) showEditor(w http.ResponseWriter, r *http.Request, u *staff.User, status int, p *content.Post, in content.PostInput, errMsg string) {
	ctx := r.Context()
	cats, err := h.content.Categories(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	loc := h.location(r)
	ev := &editView{Post: p, In: in, CategoryIDs: in.CategoryIDs, Tags: strings.Join(in.TagNames, "، "), Categories: cats,
		CanPublish: u.CanPublishPost(in.AuthorIDs) || (p == nil && u.Role.Can(staff.CapPublishOwnPosts)), Timezone: loc.String()}
	if !in.PublishedAt.IsZero() {
		ev.PublishAt = in.PublishedAt.In(loc).Format("2006-01-02T15:04")
	}
	if p != nil {
		if a, err := h.content.LatestAutosave(ctx, p.ID, u.ID); err == nil && a.BodyMD != in.BodyMD {
			ev.Autosave = a
		}
		if p.PreviewToken != "" {
			ev.PreviewURL = fmt.Sprintf("/preview/%d?token=%s", p.ID, p.PreviewToken)
		}
	}
	ev.Comments = h.commentSwitch(r, p)
	if h.members != nil && h.newsletter != nil && (p == nil || p.Status != content.Published) {
		ev.Newsletters, _ = h.members.Newsletters(ctx)
		if p != nil {
			chosen, _ := h.newsletter.PublishEmails(ctx, p.ID)
			for _, n := range ev.Newsletters {
				if len(chosen) > 0 && n.ID == chosen[0] {
					ev.EmailTo = n.Slug
				}
			}
		}
	}
	title := tr(u.Locale, "new_post")
	if p != nil {
		title = p.Title
	}
	h.render(w, r, status, "edit", &view{User: u, Title: title, Error: errMsg, Data: ev, Section: "posts"})
}

func (h *Handler) postCreate(w http.ResponseWriter, r *http.Request, u *staff.User) {
	in, action, ok := h.readForm(w, r, u, nil)
	if !ok {
		return
	}
	in.AuthorIDs = []int64{u.ID}
	if (action == "publish" || action == "schedule") && !u.Role.Can(staff.CapPublishOwnPosts) {
		in.Status = content.Draft
		h.showEditor(w, r, u, http.StatusForbidden, nil, in, tr(u.Locale, "cannot_publish"))
		return
	}
	p, err := h.content.CreatePost(r.Context(), in)
	if err != nil {
		h.saveFailed(w, r, u, nil, in, err)
		return
	}
	h.saveCommentSwitch(r, p, true)
	h.sendAsEmail(r, u, p, action)
	flash(w, "saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/posts/%d", p.ID), http.StatusSeeOther)
}

func (h *Handler) postSave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	p, ok := h.loadPost(w, r, u, "edit")
	if !ok {
		return
	}
	in, action, ok := h.readForm(w, r, u, p)
	if !ok {
		return
	}
	in.AuthorIDs = content.InputOf(p).AuthorIDs
	if action == "preview_link" {
		if _, err := h.content.NewPreviewToken(r.Context(), p.ID); err != nil {
			h.fail(w, r, u, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/admin/posts/%d", p.ID), http.StatusSeeOther)
		return
	}
	if in.Status != p.Status || action == "publish" || action == "schedule" {
		if !h.allowed(u, p, "publish") {
			in.Status = p.Status
			h.showEditor(w, r, u, http.StatusForbidden, p, in, tr(u.Locale, "cannot_publish"))
			return
		}
	}
	saved, err := h.content.UpdatePost(r.Context(), p.ID, in)
	if err != nil {
		h.saveFailed(w, r, u, p, in, err)
		return
	}
	h.saveCommentSwitch(r, saved, false)
	h.sendAsEmail(r, u, saved, action)
	flash(w, "saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/posts/%d", saved.ID), http.StatusSeeOther)
}

// saveFailed shows the form again with everything the editor typed, and
// says why: a validation message, or the other editor's newer version.
func (h *Handler) saveFailed(w http.ResponseWriter, r *http.Request, u *staff.User, p *content.Post, in content.PostInput, err error) {
	var conflict *content.ConflictError
	switch {
	case errors.As(err, &conflict):
		cats, cerr := h.content.Categories(r.Context())
		if cerr != nil {
			h.fail(w, r, u, cerr)
			return
		}
		ev := &editView{Post: conflict.Current, In: in, CategoryIDs: in.CategoryIDs, Tags: strings.Join(in.TagNames, "، "),
			Categories: cats, Conflict: conflict.Current, ConflictDiff: content.Diff(conflict.Current.BodyMD, in.BodyMD),
			CanPublish: u.CanPublishPost(in.AuthorIDs), Timezone: h.location(r).String(), Comments: h.commentSwitch(r, conflict.Current)}
		// The form now builds on the other's version: saving again means "I have seen it".
		ev.In.BaseVersion = conflict.Current.Version
		h.render(w, r, http.StatusConflict, "edit", &view{User: u, Title: conflict.Current.Title, Error: tr(u.Locale, "conflict"), Data: ev, Section: "posts"})
	case errors.Is(err, content.ErrInvalid):
		h.showEditor(w, r, u, http.StatusUnprocessableEntity, p, in, err.Error())
	default:
		h.fail(w, r, u, err)
	}
}

// readForm turns the editor's form into a PostInput and the chosen action.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request, u *staff.User, p *content.Post) (content.PostInput, string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusRequestEntityTooLarge, "message", &view{User: u, Error: tr(u.Locale, "too_large")})
		return content.PostInput{}, "", false
	}
	f := r.PostForm
	in := content.PostInput{
		Type: content.Type(f.Get("type")), Title: f.Get("title"), Slug: f.Get("slug"), Standfirst: f.Get("standfirst"),
		BodyMD: strings.ReplaceAll(f.Get("body"), "\r\n", "\n"), Visibility: f.Get("visibility"), Lang: f.Get("lang"),
		TranslationGroup: f.Get("translation_group"), CanonicalURL: f.Get("canonical_url"),
		SEOTitle: f.Get("seo_title"), SEODescription: f.Get("seo_description"), EditorID: u.ID,
		Featured: content.Image{URL: f.Get("featured_url"), Alt: f.Get("featured_alt"), Caption: f.Get("featured_caption"), Credit: f.Get("featured_credit")},
		Source:   content.Source{Name: f.Get("source_name"), URL: f.Get("source_url"), Lang: f.Get("source_lang"), Translated: f.Get("source_translated") != ""},
	}
	in.BaseVersion, _ = strconv.Atoi(f.Get("base_version"))
	if h.media != nil && in.Featured.URL != "" {
		// An image from the library brings its size and responsive variants.
		if it, err := h.media.ByURL(r.Context(), in.Featured.URL); err == nil {
			in.Featured.Width, in.Featured.Height, in.Featured.SrcSet = it.Width, it.Height, it.SrcSet()
			if in.Featured.Alt == "" {
				in.Featured.Alt = it.Alt
			}
			if in.Featured.Credit == "" {
				in.Featured.Credit = it.Credit
			}
		}
	}
	for _, s := range f["category"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.CategoryIDs = append(in.CategoryIDs, id)
		}
	}
	for _, t := range strings.FieldsFunc(f.Get("tags"), func(r rune) bool { return r == ',' || r == '،' }) {
		if t = strings.TrimSpace(t); t != "" {
			in.TagNames = append(in.TagNames, t)
		}
	}
	if p != nil {
		in.Status, in.PublishedAt = p.Status, p.PublishedAt
		if in.Featured.URL == p.Featured.URL && in.Featured.Width == 0 {
			in.Featured.Width, in.Featured.Height, in.Featured.SrcSet = p.Featured.Width, p.Featured.Height, p.Featured.SrcSet
		}
	}
	action := f.Get("action")
	loc := h.location(r)
	switch action {
	case "publish":
		in.Status = content.Published
		if in.PublishedAt.IsZero() || in.PublishedAt.After(time.Now()) {
			in.PublishedAt = time.Now()
		}
	case "schedule":
		at, err := time.ParseInLocation("2006-01-02T15:04:05", f.Get("publish_at"), loc)
		if err != nil { // browsers send seconds only when the field's step asks for them
			at, err = time.ParseInLocation("2006-01-02T15:04", f.Get("publish_at"), loc)
		}
		if err != nil || !at.After(time.Now()) {
			in.Status = content.Draft
			h.showEditor(w, r, u, http.StatusUnprocessableEntity, p, in, tr(u.Locale, "bad_schedule"))
			return in, action, false
		}
		in.Status, in.PublishedAt = content.Scheduled, at
	case "unpublish":
		in.Status, in.PublishedAt = content.Draft, time.Time{}
	case "save", "preview_link", "":
		if p == nil {
			in.Status = content.Draft
		}
	default:
		h.render(w, r, http.StatusBadRequest, "message", &view{User: u, Error: tr(u.Locale, "bad_request")})
		return in, action, false
	}
	return in, action, true
}

func (h *Handler) location(r *http.Request) *time.Location {
	site, err := h.settings.Site(r.Context())
	if err != nil {
		return time.UTC
	}
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// sendAsEmail records the newsletter the editor chose ("send_newsletter"
// names it; empty chooses none) and, once the post is published, starts
// the send in the background. A scheduled post keeps the choice until it
// goes live: whichever node publishes it makes the send (see
// newsletter.SendOnPublish). Unpublishing forgets it. Forms without the
// field (a user who may not publish) leave the choice alone.
func (h *Handler) sendAsEmail(r *http.Request, u *staff.User, p *content.Post, action string) {
	if h.newsletter == nil || h.members == nil || !u.CanPublishPost(content.InputOf(p).AuthorIDs) {
		return
	}
	ctx := r.Context()
	var ids []int64
	switch {
	case action == "unpublish":
	case !r.PostForm.Has("send_newsletter"):
		return
	case r.PostFormValue("send_newsletter") != "":
		nl, err := h.members.NewsletterBySlug(ctx, r.PostFormValue("send_newsletter"))
		if err != nil {
			h.log.Warn("send as email: unknown newsletter", "slug", r.PostFormValue("send_newsletter"))
			return
		}
		ids = []int64{nl.ID}
	}
	if err := h.newsletter.SetPublishEmails(ctx, p.ID, ids, u.ID); err != nil {
		h.log.Error("send as email", "post", p.ID, "err", err)
		return
	}
	if p.Status != content.Published {
		return
	}
	made, err := h.newsletter.SendOnPublish(ctx, p.ID)
	if err != nil {
		h.log.Error("send as email", "post", p.ID, "err", err)
	}
	for _, s := range made {
		h.log.Info("newsletter send started", "send", s.ID, "post", p.ID, "newsletter", s.NewsletterID, "by", u.ID)
	}
}
