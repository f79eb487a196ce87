package site

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/web"
)

// memberCookie holds a reader's session; pages for a signed-in reader are
// personal and bypass the page cache (see HasMemberCookie).
const memberCookie = "nashra_member"

// HasMemberCookie tells the page cache which requests are personal.
func HasMemberCookie(r *http.Request) bool {
	c, err := r.Cookie(memberCookie)
	return err == nil && c.Value != ""
}

// membersView is what the members template gets.
type membersView struct {
	Kind        string // signup, check, confirmed, signin, account, unsubscribe, unsubscribed, deleted, message
	Email, Name string
	Message     string
	Newsletters []members.Newsletter
	Member      *members.Member
	Chosen      map[int64]bool
	Action      template.URL // where the unsubscribe button posts: the link, rebuilt from its checked values
}

// MemberReader is the site's Reader when the readers feature is on.
func (h *Handler) MemberReader(r *http.Request) (bool, bool) {
	m := h.currentMember(r)
	if m == nil {
		return false, false
	}
	return true, m.Paid
}

func (h *Handler) currentMember(r *http.Request) *members.Member {
	if h.members == nil {
		return nil
	}
	c, err := r.Cookie(memberCookie)
	if err != nil {
		return nil
	}
	m, err := h.members.SessionMember(r.Context(), c.Value)
	if err != nil {
		return nil
	}
	return m
}

func (h *Handler) membersPage(w http.ResponseWriter, r *http.Request, status int, mv *membersView) {
	w.Header().Set("Cache-Control", "private, no-store")
	lang := h.site().Lang
	title := tr(lang, "m_"+mv.Kind)
	h.render(w, r, status, "members", &page{Title: title + " — " + h.site().Title, Robots: "noindex", Members: mv})
}

func (h *Handler) setMemberCookie(w http.ResponseWriter, tok string) {
	http.SetCookie(w, &http.Cookie{Name: memberCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(h.base, "https://"), Expires: time.Now().Add(30 * 24 * time.Hour)})
}

func (h *Handler) signupForm(w http.ResponseWriter, r *http.Request) {
	ns, err := h.members.Newsletters(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.membersPage(w, r, http.StatusOK, &membersView{Kind: "signup", Newsletters: ns})
}

// subscribe takes the signup form and the short forms in the footer and
// under articles. Its answer does not tell whether the address was already
// on the list (or suppressed): only the mailbox's owner learns that.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusBadRequest)
		return
	}
	mv := &membersView{Kind: "signup", Email: r.PostFormValue("email"), Name: r.PostFormValue("name")}
	if r.PostFormValue("website") != "" { // the honeypot: people do not see this field
		h.membersPage(w, r, http.StatusOK, &membersView{Kind: "check"})
		return
	}
	err := h.members.Subscribe(r.Context(), members.SubscribeInput{Email: mv.Email, Name: mv.Name, Lang: h.site().Lang,
		NewsletterSlugs: r.PostForm["newsletter"], Source: clipSource(r.PostFormValue("source")), IP: web.ClientIP(r)})
	var throttled *members.ThrottledError
	switch {
	case err == nil, errors.Is(err, members.ErrSuppressed):
		h.membersPage(w, r, http.StatusOK, &membersView{Kind: "check", Email: mv.Email})
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())+1))
		mv.Message = tr(h.site().Lang, "m_throttled")
		h.membersPage(w, r, http.StatusTooManyRequests, mv)
	case errors.Is(err, members.ErrInvalidEmail), errors.Is(err, members.ErrInvalid), errors.Is(err, members.ErrUnknownNewsletter):
		mv.Message = err.Error()
		mv.Newsletters, _ = h.members.Newsletters(r.Context())
		h.membersPage(w, r, http.StatusUnprocessableEntity, mv)
	default:
		h.fail(w, r, err)
	}
}

// confirm is the double opt-in link: it activates the subscription and
// signs the reader in.
func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) {
	m, err := h.members.Confirm(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		h.linkFailed(w, r, err)
		return
	}
	if tok, err := h.members.StartSession(r.Context(), m.ID); err == nil {
		h.setMemberCookie(w, tok)
	}
	h.membersPage(w, r, http.StatusOK, &membersView{Kind: "confirmed", Email: m.Email})
}

func (h *Handler) linkFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, members.ErrBadToken) || errors.Is(err, members.ErrEmailTaken) {
		h.membersPage(w, r, http.StatusForbidden, &membersView{Kind: "message", Message: tr(h.site().Lang, "m_bad_link")})
		return
	}
	h.fail(w, r, err)
}

// signin shows the form, or, with ?token=, uses a magic link.
func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		h.membersPage(w, r, http.StatusOK, &membersView{Kind: "signin"})
		return
	}
	session, _, err := h.members.SignIn(r.Context(), tok)
	if err != nil {
		h.linkFailed(w, r, err)
		return
	}
	h.setMemberCookie(w, session)
	http.Redirect(w, r, "/members/account", http.StatusSeeOther)
}

func (h *Handler) sendSignin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	email := r.PostFormValue("email")
	err := h.members.SendSignInLink(r.Context(), email, web.ClientIP(r))
	var throttled *members.ThrottledError
	switch {
	case err == nil:
		h.membersPage(w, r, http.StatusOK, &membersView{Kind: "check", Email: email})
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())+1))
		h.membersPage(w, r, http.StatusTooManyRequests, &membersView{Kind: "signin", Email: email, Message: tr(h.site().Lang, "m_throttled")})
	case errors.Is(err, members.ErrInvalidEmail), errors.Is(err, members.ErrInvalid):
		h.membersPage(w, r, http.StatusUnprocessableEntity, &membersView{Kind: "signin", Email: email, Message: err.Error()})
	default:
		h.fail(w, r, err)
	}
}

func clipSource(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
