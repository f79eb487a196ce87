// Package hooks serves the endpoints other systems call: the mail
// provider's bounce and complaint reports.
package hooks

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"nashra.dev/nashra/internal/members"
)

// MailPath is where providers post reports.
const MailPath = "/webhooks/mail"

// MaxEvents bounds one request; MaxBody its size.
const (
	MaxEvents = 1000
	MaxBody   = 1 << 20
)

// Recorder is what the hook needs of the members service.
type Recorder interface {
	RecordMailEvent(ctx context.Context, ev members.MailEvent) (members.EventOutcome, error)
}

// Mail is the bounce and complaint webhook.
//
// The format (documented in the README): POST MailPath with
// "Authorization: Bearer KEY" (or HTTP Basic with KEY as the password, for
// providers that only take credentials in the URL) and a JSON body: one
// event, an array of events, or {"events": [...]}. An event is
//
//	{"type": "bounce" | "complaint", "email": "reader@example.com",
//	 "permanent": true, "reason": "550 5.1.1 user unknown",
//	 "id": "provider-event-id", "occurred_at": "2026-11-29T08:00:00Z"}
//
// Only type and email are required. The answer is 200 with what was done to
// each event; a batch with any malformed event is refused whole (400,
// naming the event), so a provider's retry after fixing it loses nothing
// and repeats nothing (events with an id are recorded once).
type Mail struct {
	Key func(context.Context) ([]byte, error) // the shared key (settings.Secret)
	Rec Recorder
	Log *slog.Logger
}

type eventJSON struct {
	Type       string `json:"type"`
	Email      string `json:"email"`
	Permanent  bool   `json:"permanent"`
	Reason     string `json:"reason"`
	ID         string `json:"id"`
	OccurredAt string `json:"occurred_at"`
}

type result struct {
	Email   string `json:"email"`
	Outcome string `json:"outcome"`
}

func (h *Mail) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		fail(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	key, err := h.Key(r.Context())
	if err != nil {
		h.Log.Error("mail webhook: key", "err", err)
		fail(w, http.StatusServiceUnavailable, "the site cannot check the key now; retry later")
		return
	}
	if !authorized(r, hex.EncodeToString(key)) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nashra mail webhook"`)
		fail(w, http.StatusUnauthorized, "missing or wrong key")
		return
	}
	if mt := r.Header.Get("Content-Type"); mt != "" && !strings.HasPrefix(mt, "application/json") {
		fail(w, http.StatusUnsupportedMediaType, "send application/json")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes; send fewer events at once", MaxBody))
		return
	}
	evs, err := decode(body)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	out := make([]result, 0, len(evs))
	for _, ev := range evs {
		o, err := h.Rec.RecordMailEvent(r.Context(), ev)
		if err != nil { // the events before it are recorded; a retry repeats only those without an id
			h.Log.Error("mail webhook: record", "err", err)
			fail(w, http.StatusServiceUnavailable, "could not record the events; retry later")
			return
		}
		out = append(out, result{Email: ev.Email, Outcome: string(o)})
		h.Log.Info("mail event", "type", ev.Type, "permanent", ev.Permanent, "outcome", o)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"results": out})
}

// decode reads the body's events and checks each one. Fields it does not
// know are ignored, so a provider's extra details do not fail a report.
func decode(body []byte) ([]members.MailEvent, error) {
	var raw []eventJSON
	var err error
	switch trimmed := strings.TrimSpace(string(body)); {
	case strings.HasPrefix(trimmed, "["):
		err = unmarshalOne(body, &raw)
	case strings.HasPrefix(trimmed, "{"):
		var obj map[string]json.RawMessage
		if err = unmarshalOne(body, &obj); err != nil {
			break
		}
		if events, ok := obj["events"]; ok {
			err = json.Unmarshal(events, &raw)
		} else {
			var one eventJSON
			err = json.Unmarshal(body, &one)
			raw = []eventJSON{one}
		}
	default:
		return nil, errors.New(`the body must be a JSON event, an array of events or {"events": [...]}`)
	}
	if err != nil {
		return nil, fmt.Errorf("malformed JSON: %v", err)
	}
	if len(raw) == 0 {
		return nil, errors.New("no events")
	}
	if len(raw) > MaxEvents {
		return nil, fmt.Errorf("%d events; at most %d at once", len(raw), MaxEvents)
	}
	evs := make([]members.MailEvent, len(raw))
	for i, e := range raw {
		ev := members.MailEvent{Type: members.MailEventType(e.Type), Email: e.Email, Permanent: e.Permanent,
			Reason: e.Reason, ProviderID: e.ID}
		if e.OccurredAt != "" {
			t, err := time.Parse(time.RFC3339, e.OccurredAt)
			if err != nil {
				return nil, fmt.Errorf("event %d: occurred_at %q is not RFC 3339 (2026-11-29T08:00:00Z)", i, e.OccurredAt)
			}
			ev.At = t
		}
		if err := ev.Check(); err != nil {
			return nil, fmt.Errorf("event %d: %v", i, err)
		}
		evs[i] = ev
	}
	return evs, nil
}

// unmarshalOne decodes one JSON value and refuses anything after it.
func unmarshalOne(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

// authorized checks the bearer key, or the password of HTTP Basic.
func authorized(r *http.Request, key string) bool {
	got := ""
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		got = strings.TrimSpace(strings.TrimPrefix(a, "Bearer "))
	} else if _, pass, ok := r.BasicAuth(); ok {
		got = pass
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(key)) == 1
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
