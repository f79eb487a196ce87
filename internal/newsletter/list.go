package newsletter

import (
	"context"
	"database/sql"

	"nashra.dev/nashra/internal/store"
)

// Sends lists the latest sends, newest first, with their progress; with
// newsletterID set, that newsletter's only.
func (e *Engine) Sends(ctx context.Context, newsletterID int64, limit int) ([]SendSummary, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := `SELECT s.id FROM sends s`
	var args []any
	if newsletterID != 0 {
		q += " WHERE s.newsletter_id = ?"
		args = append(args, newsletterID)
	}
	ids, err := store.Int64s(e.db.Query(ctx, q+" ORDER BY s.id DESC LIMIT ?", append(args, limit)...))
	if err != nil {
		return nil, err
	}
	out := make([]SendSummary, 0, len(ids))
	for _, id := range ids {
		s, err := e.Summary(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, nil
}

// SendSummary is a send with its newsletter's name and its progress, as
// the admin shows it.
type SendSummary struct {
	Send
	Newsletter string
	Stats      Stats
}

// Summary loads one send with its progress.
func (e *Engine) Summary(ctx context.Context, id int64) (*SendSummary, error) {
	s, err := e.Send(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := e.Progress(ctx, id)
	if err != nil {
		return nil, err
	}
	var name sql.NullString
	if err := e.db.QueryRow(ctx, "SELECT name FROM newsletters WHERE id = ?", s.NewsletterID).Scan(&name); err != nil {
		return nil, err
	}
	return &SendSummary{Send: *s, Newsletter: name.String, Stats: st}, nil
}

// Percent is how much of the send is done (sent, failed or skipped), 0–100.
func (s SendSummary) Percent() int {
	if s.Stats.Total == 0 {
		return 100
	}
	return (s.Stats.Total - s.Stats.Pending) * 100 / s.Stats.Total
}
