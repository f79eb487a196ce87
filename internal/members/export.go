package members

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// The member's own data, as Export writes it. Field names are part of the
// format a reader downloads; keep them stable.
type (
	memberData struct {
		Format      string           `json:"format"`
		ExportedAt  time.Time        `json:"exported_at"`
		Profile     profileData      `json:"profile"`
		Newsletters []newsletterData `json:"newsletters"`
		Labels      []string         `json:"labels"`
		Sessions    []sessionData    `json:"sessions"`
		Links       []linkData       `json:"links"`
		Deliveries  []deliveryData   `json:"deliveries"`
	}
	profileData struct {
		ID             int64      `json:"id"`
		Email          string     `json:"email"`
		Name           string     `json:"name"`
		Status         Status     `json:"status"`
		Paid           bool       `json:"paid"`
		Frequency      Frequency  `json:"frequency"`
		Lang           string     `json:"lang"`
		Source         string     `json:"source"`
		CreatedAt      time.Time  `json:"created_at"`
		UpdatedAt      time.Time  `json:"updated_at"`
		ConfirmedAt    *time.Time `json:"confirmed_at"`
		UnsubscribedAt *time.Time `json:"unsubscribed_at"`
	}
	newsletterData struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	sessionData struct {
		CreatedAt  time.Time `json:"created_at"`
		LastSeenAt time.Time `json:"last_seen_at"`
		ExpiresAt  time.Time `json:"expires_at"`
	}
	linkData struct {
		Kind      string    `json:"kind"`
		Email     string    `json:"email"`
		CreatedAt time.Time `json:"created_at"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	deliveryData struct {
		SendID  int64      `json:"send_id"`
		Subject string     `json:"subject"`
		Status  string     `json:"status"`
		SentAt  *time.Time `json:"sent_at"`
	}
)

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Export returns, as indented JSON, everything the site stores about a
// member: the profile with its status history (created, confirmed,
// unsubscribed), newsletters, labels, sessions and mailed links (their
// times, never their tokens), and the newsletters mailed to them. It is
// what "download my data" gives the reader. An unknown member is ErrNotFound.
func (s *Service) Export(ctx context.Context, memberID int64) ([]byte, error) {
	m, err := s.Get(ctx, memberID)
	if err != nil {
		return nil, err
	}
	d := memberData{Format: "nashra-member-v1", ExportedAt: s.clock(),
		Profile: profileData{ID: m.ID, Email: m.Email, Name: m.Name, Status: m.Status, Paid: m.Paid,
			Frequency: m.Frequency, Lang: m.Lang, Source: m.Source, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
			ConfirmedAt: optTime(m.ConfirmedAt), UnsubscribedAt: optTime(m.UnsubscribedAt)},
		Newsletters: []newsletterData{}, Labels: m.Labels,
		Sessions: []sessionData{}, Links: []linkData{}, Deliveries: []deliveryData{}}
	for _, n := range m.Newsletters {
		d.Newsletters = append(d.Newsletters, newsletterData{Slug: n.Slug, Name: n.Name})
	}
	err = s.eachRow(ctx, "SELECT created_at, last_seen_at, expires_at FROM member_sessions WHERE member_id = ? ORDER BY created_at",
		memberID, func(r *sql.Rows) error {
			var x sessionData
			err := r.Scan(&x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt)
			x.CreatedAt, x.LastSeenAt, x.ExpiresAt = x.CreatedAt.UTC(), x.LastSeenAt.UTC(), x.ExpiresAt.UTC()
			d.Sessions = append(d.Sessions, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, "SELECT kind, email, created_at, expires_at FROM member_tokens WHERE member_id = ? ORDER BY created_at",
		memberID, func(r *sql.Rows) error {
			var x linkData
			err := r.Scan(&x.Kind, &x.Email, &x.CreatedAt, &x.ExpiresAt)
			x.CreatedAt, x.ExpiresAt = x.CreatedAt.UTC(), x.ExpiresAt.UTC()
			d.Links = append(d.Links, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT d.send_id, s.subject, d.status, d.sent_at FROM deliveries d
		JOIN sends s ON s.id = d.send_id WHERE d.member_id = ? ORDER BY d.send_id`,
		memberID, func(r *sql.Rows) error {
			var x deliveryData
			var sent sql.NullTime
			err := r.Scan(&x.SendID, &x.Subject, &x.Status, &sent)
			if sent.Valid {
				t := sent.Time.UTC()
				x.SentAt = &t
			}
			d.Deliveries = append(d.Deliveries, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Service) eachRow(ctx context.Context, q string, id int64, fn func(*sql.Rows) error) error {
	rows, err := s.db.Query(ctx, q, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Delete erases a member and, by cascade, everything tied to them: labels,
// newsletters, links, sessions and delivery records. Nothing of them stays
// (a reader's erasure request). An unknown member is ErrNotFound.
func (s *Service) Delete(ctx context.Context, memberID int64) error {
	res, err := s.db.Exec(ctx, "DELETE FROM members WHERE id = ?", memberID)
	if err := affectedOne(res, err); err != nil {
		return fmt.Errorf("delete member %d: %w", memberID, err)
	}
	return nil
}
