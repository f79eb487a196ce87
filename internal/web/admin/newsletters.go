package admin

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/newsletter"
	"nashra.dev/nashra/internal/staff"
)

// newslettersView is the newsletters page: the lists readers may join,
// their digest schedules, the latest sends with their progress, the
// provider's bounce reports, and (for those who manage settings) the
// bounce webhook's address and key.
type newslettersView struct {
	Newsletters []members.Newsletter
	Sends       []newsletter.SendSummary
	Events      []members.MailEventRecord
	Weekdays    []int
	Hours       []int
	WebhookURL  string
	WebhookKey  string
	Outbox      bool // mail goes to the outbox folder (no SMTP)
}

// Newsletters and sends are for editors and above, like the subscribers.
func (h *Handler) canNewsletters(u *staff.User) bool {
	return h.members != nil && h.newsletter != nil && u.Role.Can(staff.CapEditOthersPosts)
}

func (h *Handler) newsletters(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canNewsletters(u) {
		h.forbidden(w, r, u)
		return
	}
	h.showNewsletters(w, r, u, http.StatusOK, "")
}

func (h *Handler) showNewsletters(w http.ResponseWriter, r *http.Request, u *staff.User, status int, msg string) {
	ctx := r.Context()
	ns, err := h.members.AllNewsletters(ctx)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	sends, err := h.newsletter.Sends(ctx, 0, 30)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	events, err := h.members.MailEvents(ctx, "", 20)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	v := newslettersView{Newsletters: ns, Sends: sends, Events: events, Weekdays: []int{6, 0, 1, 2, 3, 4, 5},
		Outbox: h.outbox.Dir != ""}
	for i := range 24 {
		v.Hours = append(v.Hours, i)
	}
	if u.Role.Can(staff.CapManageSettings) {
		key, err := h.settings.Secret(ctx, MailWebhookSecret)
		if err != nil {
			h.fail(w, r, u, err)
			return
		}
		v.WebhookURL, v.WebhookKey = h.base+"/webhooks/mail", hex.EncodeToString(key)
	}
	h.render(w, r, status, "newsletters", &view{User: u, Title: tr(u.Locale, "newsletters"), Error: msg, Data: v, Section: "newsletters"})
}

// MailWebhookSecret names the site secret (settings.Secret) whose hex form
// is the bounce webhook's bearer key.
const MailWebhookSecret = "mail-webhook"

// newsletterInput reads the newsletter form.
func newsletterInput(r *http.Request) members.NewsletterInput {
	f := r.PostForm
	in := members.NewsletterInput{Name: f.Get("name"), Slug: f.Get("slug"), Description: f.Get("description"),
		SenderName: f.Get("sender_name"), SenderEmail: f.Get("sender_email")}
	hour, errH := strconv.Atoi(f.Get("digest_hour"))
	day, errD := strconv.Atoi(f.Get("digest_weekday"))
	if errH == nil && errD == nil {
		in.Digest = &members.DigestSchedule{Hour: hour, Weekday: day, IncludeAll: f.Get("include_all") == "1"}
	} else if f.Has("digest_hour") || f.Has("digest_weekday") {
		in.Digest = &members.DigestSchedule{Hour: -1} // refused by validation with its message
	}
	return in
}

func (h *Handler) newsletterCreate(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canNewsletters(u) {
		h.forbidden(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	_ = r.ParseForm()
	_, err := h.members.CreateNewsletter(r.Context(), newsletterInput(r))
	h.newsletterDone(w, r, u, err)
}

func (h *Handler) newsletterSave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canNewsletters(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	_ = r.ParseForm()
	ctx := r.Context()
	switch r.PostForm.Get("action") {
	case "retire", "restore":
		err = h.members.SetNewsletterActive(ctx, id, r.PostForm.Get("action") == "restore")
	case "digest_daily", "digest_weekly":
		c := newsletter.CadenceDaily
		if r.PostForm.Get("action") == "digest_weekly" {
			c = newsletter.CadenceWeekly
		}
		var s *newsletter.Send
		s, err = h.newsletter.CreateSend(ctx, newsletter.SendInput{NewsletterID: id, Kind: newsletter.KindDigest, Cadence: c, CreatedBy: u.ID})
		if err == nil {
			h.log.Info("digest sent by hand", "send_id", s.ID, "newsletter", id, "by", u.ID)
			flash(w, "send_started")
			http.Redirect(w, r, "/admin/sends/"+strconv.FormatInt(s.ID, 10), http.StatusSeeOther)
			return
		}
	default:
		_, err = h.members.UpdateNewsletter(ctx, id, newsletterInput(r))
	}
	h.newsletterDone(w, r, u, err)
}

// newsletterDone answers a change: back to the page, or the form again
// with the reason.
func (h *Handler) newsletterDone(w http.ResponseWriter, r *http.Request, u *staff.User, err error) {
	switch {
	case err == nil:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/newsletters", http.StatusSeeOther)
	case errors.Is(err, members.ErrNotFound), errors.Is(err, newsletter.ErrNotFound):
		h.notFound(w, r, u)
	case errors.Is(err, newsletter.ErrNothingNew):
		h.showNewsletters(w, r, u, http.StatusUnprocessableEntity, tr(u.Locale, "digest_nothing"))
	case errors.Is(err, newsletter.ErrNoRecipients):
		h.showNewsletters(w, r, u, http.StatusUnprocessableEntity, tr(u.Locale, "digest_nobody"))
	case errors.Is(err, members.ErrInvalid), errors.Is(err, members.ErrSlugTaken), errors.Is(err, members.ErrInvalidEmail),
		errors.Is(err, newsletter.ErrInvalid):
		h.showNewsletters(w, r, u, http.StatusUnprocessableEntity, err.Error())
	default:
		h.fail(w, r, u, err)
	}
}

// sendPage shows one send's progress; while it runs, the page refreshes
// itself every few seconds (a meta refresh: no script needed).
func (h *Handler) sendPage(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canNewsletters(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r, u)
		return
	}
	s, err := h.newsletter.Summary(r.Context(), id)
	if errors.Is(err, newsletter.ErrNotFound) {
		h.notFound(w, r, u)
		return
	} else if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, http.StatusOK, "send", &view{User: u, Title: s.Subject, Data: s, Section: "newsletters"})
}

// sendAction pauses, resumes or cancels a send.
func (h *Handler) sendAction(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canNewsletters(u) {
		h.forbidden(w, r, u)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	switch r.PathValue("action") {
	case "pause":
		err = h.newsletter.Pause(ctx, id)
	case "resume":
		err = h.newsletter.Resume(ctx, id)
	case "cancel":
		err = h.newsletter.Cancel(ctx, id)
	default:
		h.notFound(w, r, u)
		return
	}
	back := "/admin/sends/" + strconv.FormatInt(id, 10)
	switch {
	case errors.Is(err, newsletter.ErrNotFound):
		h.notFound(w, r, u)
	case errors.Is(err, newsletter.ErrState):
		flash(w, "send_state")
		http.Redirect(w, r, back, http.StatusSeeOther)
	case err != nil:
		h.fail(w, r, u, err)
	default:
		h.log.Info("newsletter send "+r.PathValue("action"), "send_id", id, "by", u.ID)
		flash(w, map[string]string{"pause": "send_paused", "resume": "send_resumed", "cancel": "send_cancelled"}[r.PathValue("action")])
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}
