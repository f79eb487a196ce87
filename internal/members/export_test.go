package members_test

import (
	"encoding/json"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// addDelivery records that a newsletter went to a member, as the delivery
// engine will.
func addDelivery(t *testing.T, db *store.DB, newsletterID, memberID int64, subject string) {
	t.Helper()
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		var sendID int64
		if err := tx.QueryRow(ctx, `INSERT INTO sends (newsletter_id, subject, status, created_at) VALUES (?, ?, 'done', ?) RETURNING id`,
			newsletterID, subject, "2026-03-01 10:00:00+00:00").Scan(&sendID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO deliveries (send_id, member_id, status, sent_at) VALUES (?, ?, 'sent', ?)`,
			sendID, memberID, "2026-03-01 10:05:00+00:00")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExportHasEverythingAboutTheMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")
		must(0, e.svc.AddLabel(ctx, m.ID, "مانحون"))(t)
		session := must(e.svc.StartSession(ctx, m.ID))(t)
		addDelivery(t, db, m.Newsletters[0].ID, m.ID, "عدد الصباح")
		other := e.subscribe("other@example.com")
		addDelivery(t, db, m.Newsletters[0].ID, other.ID, "not theirs")

		raw := must(e.svc.Export(ctx, m.ID))(t)
		var d struct {
			Format  string `json:"format"`
			Profile struct {
				ID          int64   `json:"id"`
				Email       string  `json:"email"`
				Name        string  `json:"name"`
				Status      string  `json:"status"`
				CreatedAt   string  `json:"created_at"`
				ConfirmedAt *string `json:"confirmed_at"`
				Unsub       *string `json:"unsubscribed_at"`
			} `json:"profile"`
			Newsletters []struct{ Slug, Name string }  `json:"newsletters"`
			Labels      []string                       `json:"labels"`
			Sessions    []map[string]any               `json:"sessions"`
			Links       []struct{ Kind, Email string } `json:"links"`
			Deliveries  []struct {
				Subject string `json:"subject"`
				Status  string `json:"status"`
			} `json:"deliveries"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		if d.Format != "nashra-member-v1" || d.Profile.ID != m.ID || d.Profile.Email != "reader@example.com" ||
			d.Profile.Name != "قارئ reader@example.com" || d.Profile.Status != "active" || d.Profile.ConfirmedAt == nil ||
			d.Profile.Unsub != nil || d.Profile.CreatedAt != "2026-03-01T09:30:00Z" {
			t.Fatalf("profile: %+v", d.Profile)
		}
		if len(d.Newsletters) != 1 || d.Newsletters[0].Slug != "news" || len(d.Labels) != 1 || d.Labels[0] != "مانحون" {
			t.Fatalf("newsletters %+v labels %v", d.Newsletters, d.Labels)
		}
		if len(d.Sessions) != 1 || len(d.Links) != 1 || d.Links[0].Kind != "confirm" {
			t.Fatalf("sessions %v links %+v", d.Sessions, d.Links)
		}
		if len(d.Deliveries) != 1 || d.Deliveries[0].Subject != "عدد الصباح" || d.Deliveries[0].Status != "sent" {
			t.Fatalf("deliveries %+v", d.Deliveries)
		}
		// Secrets are not data about the member: no token, no hash.
		if strings.Contains(string(raw), session) || strings.Contains(string(raw), "hash") {
			t.Fatalf("export holds a secret:\n%s", raw)
		}
		_, err := e.svc.Export(ctx, 999)
		wantErr(t, err, members.ErrNotFound)
	})
}

func TestDeleteErasesTheMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")
		keep := e.subscribe("keep@example.com")
		must(0, e.svc.AddLabel(ctx, m.ID, "x"))(t)
		session := must(e.svc.StartSession(ctx, m.ID))(t)
		addDelivery(t, db, m.Newsletters[0].ID, m.ID, "s1")
		addDelivery(t, db, m.Newsletters[0].ID, keep.ID, "s2")

		if err := e.svc.Delete(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Get(ctx, m.ID)
		wantErr(t, err, members.ErrNotFound)
		_, err = e.svc.SessionMember(ctx, session)
		wantErr(t, err, members.ErrNoSession)
		for table, want := range map[string]int{"member_labels": 0, "member_newsletters": 0, "member_tokens": 0,
			"member_sessions": 0, "deliveries": 0} {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE member_id = ?", m.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s: %d rows left", table, n)
			}
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM deliveries WHERE member_id = ?", keep.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("another member's delivery: %d %v", n, err)
		}
		wantErr(t, e.svc.Delete(ctx, m.ID), members.ErrNotFound)
		// The address is free again, for a new subscription.
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "reader@example.com"}); err != nil {
			t.Fatal(err)
		}
	})
}
