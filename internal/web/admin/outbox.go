package admin

import (
	"errors"
	"net/http"

	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/staff"
)

type outboxView struct {
	Dir     string
	Items   []nmail.OutboxItem
	Total   int
	Message *nmail.OutboxItem
}

// Without SMTP, mail goes to the outbox folder; the admin lists it so that
// a new site's owner sees what readers would have received. Messages hold
// readers' addresses and sign-in links: administrators only.
func (h *Handler) canOutbox(u *staff.User) bool {
	return h.outbox.Dir != "" && u.Role.Can(staff.CapManageSettings)
}

func (h *Handler) outboxList(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canOutbox(u) {
		h.forbidden(w, r, u)
		return
	}
	items, total, err := h.outbox.Recent(100)
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, http.StatusOK, "outbox", &view{User: u, Title: tr(u.Locale, "outbox"),
		Data: outboxView{Dir: h.outbox.Dir, Items: items, Total: total}, Section: "newsletters"})
}

func (h *Handler) outboxMessage(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !h.canOutbox(u) {
		h.forbidden(w, r, u)
		return
	}
	m, err := h.outbox.Read(r.PathValue("name"))
	if errors.Is(err, nmail.ErrNoMessage) {
		h.notFound(w, r, u)
		return
	} else if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.render(w, r, http.StatusOK, "outbox", &view{User: u, Title: m.Subject,
		Data: outboxView{Dir: h.outbox.Dir, Message: m}, Section: "newsletters"})
}
