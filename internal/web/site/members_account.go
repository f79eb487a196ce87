package site

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"nashra.dev/nashra/internal/members"
)

// account is the reader's own page: newsletters and frequency, email
// change, a copy of their data, deleting the account, signing out.
func (h *Handler) account(w http.ResponseWriter, r *http.Request) {
	m := h.currentMember(r)
	if m == nil {
		http.Redirect(w, r, "/members/signin", http.StatusSeeOther)
		return
	}
	h.showAccount(w, r, m, http.StatusOK, "")
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request, m *members.Member, status int, msg string) {
	full, err := h.members.Get(r.Context(), m.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ns, err := h.members.Newsletters(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	chosen := map[int64]bool{}
	for _, n := range full.Newsletters {
		chosen[n.ID] = true
	}
	h.membersPage(w, r, status, &membersView{Kind: "account", Member: full, Email: full.Email, Newsletters: ns, Chosen: chosen, Message: msg})
}

func (h *Handler) accountSave(w http.ResponseWriter, r *http.Request) {
	m := h.currentMember(r)
	if m == nil {
		http.Redirect(w, r, "/members/signin", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	ctx, lang := r.Context(), h.site().Lang
	var err error
	switch r.PostFormValue("do") {
	case "newsletters":
		err = h.members.SetNewsletters(ctx, m.ID, r.PostForm["newsletter"], r.PostFormValue("frequency"))
	case "email":
		err = h.members.RequestEmailChange(ctx, m.ID, r.PostFormValue("email"))
		if err == nil {
			h.showAccount(w, r, m, http.StatusOK, tr(lang, "m_email_sent"))
			return
		}
	case "signout":
		if c, cerr := r.Cookie(memberCookie); cerr == nil {
			_ = h.members.EndSession(ctx, c.Value)
		}
		http.SetCookie(w, &http.Cookie{Name: memberCookie, Path: "/", MaxAge: -1})
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	case "delete":
		if r.PostFormValue("confirm") != "yes" {
			h.showAccount(w, r, m, http.StatusUnprocessableEntity, tr(lang, "m_confirm_delete"))
			return
		}
		if err = h.members.Delete(ctx, m.ID); err == nil {
			http.SetCookie(w, &http.Cookie{Name: memberCookie, Path: "/", MaxAge: -1})
			h.membersPage(w, r, http.StatusOK, &membersView{Kind: "deleted"})
			return
		}
	default:
		h.errorPage(w, r, http.StatusBadRequest)
		return
	}
	switch {
	case err == nil:
		h.showAccount(w, r, m, http.StatusOK, tr(lang, "m_saved"))
	case errors.Is(err, members.ErrInvalidEmail), errors.Is(err, members.ErrInvalid), errors.Is(err, members.ErrEmailTaken),
		errors.Is(err, members.ErrUnknownNewsletter):
		h.showAccount(w, r, m, http.StatusUnprocessableEntity, err.Error())
	default:
		h.fail(w, r, err)
	}
}

// accountExport sends everything stored about the reader, as JSON.
func (h *Handler) accountExport(w http.ResponseWriter, r *http.Request) {
	m := h.currentMember(r)
	if m == nil {
		http.Redirect(w, r, "/members/signin", http.StatusSeeOther)
		return
	}
	data, err := h.members.Export(r.Context(), m.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="my-data.json"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}

func (h *Handler) confirmEmail(w http.ResponseWriter, r *http.Request) {
	m, err := h.members.ConfirmEmailChange(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		h.linkFailed(w, r, err)
		return
	}
	h.membersPage(w, r, http.StatusOK, &membersView{Kind: "message", Email: m.Email, Message: tr(h.site().Lang, "m_email_changed")})
}

// unsubscribe is the per-recipient link of every newsletter: GET shows a
// confirmation button (mail scanners follow links; a GET must not act),
// POST acts — which is also RFC 8058's one-click unsubscribe.
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	m, err1 := strconv.ParseInt(q.Get("m"), 10, 64)
	n, err2 := strconv.ParseInt(q.Get("n"), 10, 64)
	if err1 != nil || err2 != nil || h.verifyUnsub == nil || !h.verifyUnsub(m, n, q.Get("sig")) {
		h.membersPage(w, r, http.StatusForbidden, &membersView{Kind: "message", Message: tr(h.site().Lang, "m_bad_link")})
		return
	}
	if r.Method == http.MethodGet {
		// Rebuilt from the verified values (not the raw query), and typed
		// so that html/template keeps its & and = as they are.
		query := url.Values{"m": {q.Get("m")}, "n": {q.Get("n")}, "sig": {q.Get("sig")}}.Encode()
		h.membersPage(w, r, http.StatusOK, &membersView{Kind: "unsubscribe", Action: template.URL("/members/unsubscribe?" + query)})
		return
	}
	err := h.members.Unsubscribe(r.Context(), m, n)
	if err != nil && !errors.Is(err, members.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	h.membersPage(w, r, http.StatusOK, &membersView{Kind: "unsubscribed"})
}
