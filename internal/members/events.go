package members

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// MailEventType is what a mail provider reports of a message.
type MailEventType string

// The event types the bounce webhook takes.
const (
	EventBounce    MailEventType = "bounce"
	EventComplaint MailEventType = "complaint"
)

// Soft bounces (a full mailbox, a server down) suppress an address only
// when they repeat: SoftBounceLimit of them within SoftBounceWindow.
const (
	SoftBounceLimit  = 3
	SoftBounceWindow = 14 * 24 * time.Hour
)

// MailEvent is one report of a bounce or a complaint.
type MailEvent struct {
	Type       MailEventType
	Email      string
	Permanent  bool      // bounces: a hard bounce (unknown user, domain) rather than a soft one
	Reason     string    // the provider's diagnostic, kept for the admin (clipped to 500 characters)
	ProviderID string    // the provider's ID for the event: a repeat of an ID is ignored
	At         time.Time // when it happened (zero: now)
}

// MailEventRecord is a stored event, for the admin.
type MailEventRecord struct {
	MailEvent
	ID         int64
	MemberID   int64 // 0: no member has the address (any more)
	ReceivedAt time.Time
}

// EventOutcome says what RecordMailEvent did.
type EventOutcome string

// The outcomes.
const (
	OutcomeSuppressed EventOutcome = "suppressed" // the member is now bounced or complained
	OutcomeRecorded   EventOutcome = "recorded"   // kept (a soft bounce under the limit, or no such member)
	OutcomeDuplicate  EventOutcome = "duplicate"  // this ProviderID was recorded before: nothing done
)

// Check reports what is wrong with ev, as RecordMailEvent would, without
// recording it: a webhook checks a whole batch before recording any.
func (ev MailEvent) Check() error { return ev.validate(time.Now()) }

func (ev *MailEvent) validate(now time.Time) error {
	switch ev.Type {
	case EventBounce:
	case EventComplaint:
		ev.Permanent = true
	default:
		return fmt.Errorf("%w: event type %q (bounce or complaint)", ErrInvalid, ev.Type)
	}
	ev.Email = lookupEmail(ev.Email)
	if ev.Email == "" || !strings.Contains(ev.Email, "@") || len(ev.Email) > 254 {
		return fmt.Errorf("%w: the event has no valid email address", ErrInvalid)
	}
	ev.Reason = clip(strings.ToValidUTF8(ev.Reason, "\uFFFD"), 500)
	if len(ev.ProviderID) > 200 || !utf8.ValidString(ev.ProviderID) {
		return fmt.Errorf("%w: the event ID is longer than 200 bytes or not UTF-8", ErrInvalid)
	}
	if ev.At.IsZero() || ev.At.After(now.Add(time.Hour)) {
		ev.At = now
	}
	ev.At = ev.At.UTC().Truncate(time.Second)
	return nil
}

// RecordMailEvent stores a provider's report and acts on it: a complaint
// or a hard bounce suppresses the address at once (no newsletter reaches it
// again); soft bounces do when SoftBounceLimit of them arrive within
// SoftBounceWindow. Reports for addresses no member has are kept too (mail
// sent before the member left) and are not an error, so the provider does
// not retry them. A report whose ProviderID was seen is a duplicate.
func (s *Service) RecordMailEvent(ctx context.Context, ev MailEvent) (EventOutcome, error) {
	now := s.clock()
	if err := ev.validate(now); err != nil {
		return "", err
	}
	var memberID sql.NullInt64
	err := s.db.QueryRow(ctx, "SELECT id FROM members WHERE email = ?", ev.Email).Scan(&memberID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO mail_events (email, member_id, type, permanent, reason, provider_id, occurred_at, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ev.Email, memberID, string(ev.Type), ev.Permanent, ev.Reason, ev.ProviderID, ev.At, now)
	if errors.Is(err, store.ErrConflict) {
		return OutcomeDuplicate, nil
	}
	if err != nil {
		return "", err
	}
	if !memberID.Valid {
		return OutcomeRecorded, nil
	}
	switch {
	case ev.Type == EventComplaint:
		return OutcomeSuppressed, s.MarkComplained(ctx, ev.Email)
	case ev.Permanent:
		return OutcomeSuppressed, s.MarkBounced(ctx, ev.Email)
	}
	var soft int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM mail_events WHERE email = ? AND type = 'bounce'
		AND NOT permanent AND occurred_at >= ?`, ev.Email, now.Add(-SoftBounceWindow)).Scan(&soft); err != nil {
		return "", err
	}
	if soft >= SoftBounceLimit {
		return OutcomeSuppressed, s.MarkBounced(ctx, ev.Email)
	}
	return OutcomeRecorded, nil
}

// MailEvents lists the latest reports, newest first; with email set, that
// address's only.
func (s *Service) MailEvents(ctx context.Context, email string, limit int) ([]MailEventRecord, error) {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	q := `SELECT id, email, member_id, type, permanent, reason, provider_id, occurred_at, received_at FROM mail_events`
	var args []any
	if email != "" {
		q += " WHERE email = ?"
		args = append(args, lookupEmail(email))
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY received_at DESC, id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MailEventRecord
	for rows.Next() {
		var r MailEventRecord
		var member sql.NullInt64
		var typ string
		if err := rows.Scan(&r.ID, &r.Email, &member, &typ, &r.Permanent, &r.Reason, &r.ProviderID,
			&r.At, &r.ReceivedAt); err != nil {
			return nil, err
		}
		r.Type, r.MemberID = MailEventType(typ), member.Int64
		r.At, r.ReceivedAt = r.At.UTC(), r.ReceivedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
