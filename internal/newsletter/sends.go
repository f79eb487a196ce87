package newsletter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
)

// SendInput asks for a send.
type SendInput struct {
	NewsletterID int64
	PostID       int64  // required for KindPost; must be 0 for KindDigest
	Subject      string // empty: the post's title, or the newsletter's name for a digest
	Kind         Kind   // KindPost when empty
	CreatedBy    int64  // the staff user, 0 for the system (scheduled digests)
	// Cadence: a post goes to the members who want every post (the only
	// choice for KindPost); a digest to those who chose CadenceDaily (the
	// default) or CadenceWeekly.
	Cadence Cadence
	// PeriodFrom and PeriodTo bound a digest's posts; zero: the day (or the
	// week) before now.
	PeriodFrom, PeriodTo time.Time
	// DigestKey names a scheduled digest's period: a second send with the
	// same key to the same newsletter is ErrAlreadySent.
	DigestKey string
}

// CreateSend records a send and, in the same transaction, one pending
// delivery per member who is active, subscribed to the newsletter and has
// the send's cadence now: the recipient list is fixed at this moment, so a
// send resumed later goes to the same people (less those who unsubscribe
// meanwhile). A post goes to a newsletter once: a second send is
// ErrAlreadySent. A digest with no posts is ErrNothingNew, one nobody takes
// is ErrNoRecipients; neither records anything. It returns at once;
// RunSend (or the job it enqueues) does the delivering.
func (e *Engine) CreateSend(ctx context.Context, in SendInput) (*Send, error) {
	if in.Kind == "" {
		in.Kind = KindPost
	}
	if in.Cadence == "" {
		in.Cadence = CadenceEvery
		if in.Kind == KindDigest {
			in.Cadence = CadenceDaily
		}
	}
	switch {
	case in.Kind != KindPost && in.Kind != KindDigest:
		return nil, fmt.Errorf("%w: unknown kind %q", ErrInvalid, in.Kind)
	case in.Kind == KindPost && in.PostID == 0:
		return nil, fmt.Errorf("%w: a post send needs a post", ErrInvalid)
	case in.Kind == KindPost && in.Cadence != CadenceEvery:
		return nil, fmt.Errorf("%w: a post goes to the members who want every post", ErrInvalid)
	case in.Kind == KindDigest && in.PostID != 0:
		return nil, fmt.Errorf("%w: a digest is not one post", ErrInvalid)
	case in.Kind == KindDigest && in.Cadence != CadenceDaily && in.Cadence != CadenceWeekly:
		return nil, fmt.Errorf("%w: a digest is daily or weekly, not %q", ErrInvalid, in.Cadence)
	case strings.ContainsAny(in.Subject, "\r\n"):
		return nil, fmt.Errorf("%w: the subject contains a line break", ErrInvalid)
	}
	nl, err := e.newsletter(ctx, in.NewsletterID)
	if err != nil {
		return nil, err
	}
	now := e.clock()
	subject := strings.TrimSpace(in.Subject)
	s := &Send{NewsletterID: nl.ID, PostID: in.PostID, Kind: in.Kind, Cadence: in.Cadence, DigestKey: in.DigestKey,
		Status: StatusSending, CreatedBy: in.CreatedBy, CreatedAt: now}
	switch in.Kind {
	case KindPost:
		p, err := e.opt.Posts.PostByID(ctx, in.PostID)
		if errors.Is(err, content.ErrNotFound) {
			return nil, fmt.Errorf("%w: post %d not found", ErrInvalid, in.PostID)
		} else if err != nil {
			return nil, err
		}
		if p.Status != content.Published {
			return nil, fmt.Errorf("%w: post %d is not published", ErrInvalid, in.PostID)
		}
		if subject == "" {
			subject = p.Title
		}
	case KindDigest:
		s.PeriodFrom, s.PeriodTo = dbTime(in.PeriodFrom), dbTime(in.PeriodTo)
		if in.PeriodTo.IsZero() { // up to now, this second included
			s.PeriodTo = now.Add(time.Second)
		}
		if in.PeriodFrom.IsZero() {
			s.PeriodFrom = s.PeriodTo.Add(-in.Cadence.period())
		}
		if !s.PeriodFrom.Before(s.PeriodTo) {
			return nil, fmt.Errorf("%w: the digest's period ends before it starts", ErrInvalid)
		}
		posts, err := e.digestPosts(ctx, nl, s.PeriodFrom, s.PeriodTo)
		if err != nil {
			return nil, err
		}
		if len(posts) == 0 {
			return nil, ErrNothingNew
		}
		if subject == "" {
			subject = nl.Name
		}
	}
	s.Subject = subject
	err = e.db.WithTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO sends (newsletter_id, post_id, kind, cadence, digest_key, period_from, period_to,
			subject, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?) RETURNING id`,
			nl.ID, nullID(in.PostID), string(in.Kind), string(s.Cadence), nullString(s.DigestKey),
			nullTime(s.PeriodFrom), nullTime(s.PeriodTo), subject, nullID(in.CreatedBy), now).Scan(&s.ID)
		if errors.Is(err, store.ErrConflict) {
			return ErrAlreadySent
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO deliveries (send_id, member_id, status)
			SELECT ?, m.id, 'pending' FROM members m
			JOIN member_newsletters mn ON mn.member_id = m.id AND mn.newsletter_id = ?
			WHERE m.status = 'active' AND m.frequency = ?`, s.ID, nl.ID, string(s.Cadence))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 && s.Kind == KindDigest {
			return ErrNoRecipients
		}
		s.Total = int(n)
		if _, err := tx.Exec(ctx, "UPDATE sends SET total = ? WHERE id = ?", s.Total, s.ID); err != nil {
			return err
		}
		return e.enqueue(ctx, tx, s.ID)
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("newsletter send created", "send_id", s.ID, "newsletter", nl.Slug, "kind", s.Kind,
		"cadence", s.Cadence, "recipients", s.Total)
	return s, nil
}

// Send loads a send.
func (e *Engine) Send(ctx context.Context, id int64) (*Send, error) {
	var s Send
	var post, by sql.NullInt64
	var started, finished, from, to sql.NullTime
	var key sql.NullString
	err := e.db.QueryRow(ctx, `SELECT id, newsletter_id, post_id, kind, cadence, digest_key, period_from, period_to,
		subject, status, created_by, created_at, started_at, finished_at, total FROM sends WHERE id = ?`, id).Scan(
		&s.ID, &s.NewsletterID, &post, &s.Kind, &s.Cadence, &key, &from, &to, &s.Subject, &s.Status, &by,
		&s.CreatedAt, &started, &finished, &s.Total)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.PostID, s.CreatedBy, s.DigestKey = post.Int64, by.Int64, key.String
	s.CreatedAt = s.CreatedAt.UTC()
	if from.Valid && to.Valid {
		s.PeriodFrom, s.PeriodTo = from.Time.UTC(), to.Time.UTC()
	}
	if started.Valid {
		s.StartedAt = started.Time.UTC()
	}
	if finished.Valid {
		s.FinishedAt = finished.Time.UTC()
	}
	return &s, nil
}

// Pause stops a send after the deliveries in flight; the rows it had
// claimed go back to pending. Resume continues it where it stopped.
func (e *Engine) Pause(ctx context.Context, id int64) error {
	return e.setStatus(ctx, id, StatusPaused, StatusSending)
}

// Resume sets a paused send going again (through the queue, when set).
func (e *Engine) Resume(ctx context.Context, id int64) error {
	return e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := e.setStatusTx(ctx, tx, id, StatusSending, StatusPaused); err != nil {
			return err
		}
		return e.enqueue(ctx, tx, id)
	})
}

// Cancel ends a send for good: whoever has not received it yet will not.
// Rows still pending or claimed become 'skipped'; a node delivering one of
// them at this moment finds its claim gone when it checkpoints and abandons
// the SMTP transaction before the server accepts it.
func (e *Engine) Cancel(ctx context.Context, id int64) error {
	return e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := e.setStatusTx(ctx, tx, id, StatusCancelled, StatusSending, StatusPaused); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE sends SET finished_at = ? WHERE id = ?", e.clock(), id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'skipped', error = 'send cancelled', claimed_by = ''
			WHERE send_id = ? AND status IN ('pending', 'claimed')`, id)
		return err
	})
}

func (e *Engine) setStatus(ctx context.Context, id int64, to Status, from ...Status) error {
	return e.db.WithTx(ctx, func(tx *store.Tx) error { return e.setStatusTx(ctx, tx, id, to, from...) })
}

func (e *Engine) setStatusTx(ctx context.Context, tx *store.Tx, id int64, to Status, from ...Status) error {
	args := []any{string(to), id}
	for _, f := range from {
		args = append(args, string(f))
	}
	res, err := tx.Exec(ctx, "UPDATE sends SET status = ? WHERE id = ? AND status IN ("+marks(len(from))+")", args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var st string
	if err := tx.QueryRow(ctx, "SELECT status FROM sends WHERE id = ?", id).Scan(&st); errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf("%w: the send is %s", ErrState, st)
}

func (e *Engine) enqueue(ctx context.Context, tx *store.Tx, id int64) error {
	if e.queue == nil {
		return nil
	}
	return e.queue.InsertTx(ctx, tx, SendArgs{SendID: id}, &river.InsertOpts{MaxAttempts: 25})
}

// Stats is a send's progress.
type Stats struct {
	Total   int
	Sent    int
	Failed  int
	Skipped int // unsubscribed meanwhile, or the send was cancelled
	Pending int // not yet delivered, claimed or not
	// Rate is messages sent per second over the last minute (or since the
	// send started, if that is less).
	Rate       float64
	Status     Status
	StartedAt  time.Time
	FinishedAt time.Time
}

// Progress counts a send's deliveries by state.
func (e *Engine) Progress(ctx context.Context, id int64) (Stats, error) {
	s, err := e.Send(ctx, id)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Total: s.Total, Status: s.Status, StartedAt: s.StartedAt, FinishedAt: s.FinishedAt}
	rows, err := e.db.Query(ctx, "SELECT status, COUNT(*) FROM deliveries WHERE send_id = ? GROUP BY status", id)
	if err != nil {
		return Stats{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return Stats{}, err
		}
		switch status {
		case "sent":
			st.Sent = n
		case "failed":
			st.Failed = n
		case "skipped":
			st.Skipped = n
		default:
			st.Pending += n
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	if s.StartedAt.IsZero() {
		return st, nil
	}
	end := e.clock()
	if !s.FinishedAt.IsZero() {
		end = s.FinishedAt
	}
	from := end.Add(-time.Minute)
	if from.Before(s.StartedAt) {
		from = s.StartedAt
	}
	secs := max(end.Sub(from).Seconds(), 1)
	var n int
	if err := e.db.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE send_id = ? AND status = 'sent'
		AND sent_at >= ? AND sent_at <= ?`, id, from, end).Scan(&n); err != nil {
		return Stats{}, err
	}
	st.Rate = float64(n) / secs
	return st, nil
}

func (e *Engine) newsletter(ctx context.Context, id int64) (Newsletter, error) {
	var n Newsletter
	err := e.db.QueryRow(ctx, `SELECT id, slug, name, description, sender_name, sender_email, active,
		digest_hour, digest_weekday, include_all FROM newsletters WHERE id = ?`, id).Scan(
		&n.ID, &n.Slug, &n.Name, &n.Description, &n.SenderName, &n.SenderEmail, &n.Active,
		&n.DigestHour, &n.DigestWeekday, &n.IncludeAll)
	if errors.Is(err, store.ErrNotFound) {
		return n, ErrNotFound
	}
	return n, err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// marks is "?, ?, …" n times.
func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
