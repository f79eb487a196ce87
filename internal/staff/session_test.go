package staff_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func lastSeen(t *testing.T, db *store.DB, tok string) time.Time {
	t.Helper()
	h := sha256.Sum256([]byte(tok))
	var at time.Time
	if err := db.QueryRow(context.Background(), "SELECT last_seen_at FROM sessions WHERE token_hash = ?", hex.EncodeToString(h[:])).Scan(&at); err != nil {
		t.Fatalf("last_seen_at: %v", err)
	}
	return at
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		u := mkUser(t, s, "lina@example.com", staff.Editor)
		tok, err := s.StartSession(ctx, u.ID, "192.0.2.1", "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(tok) {
			t.Errorf("token %q is not 32 bytes of base64url", tok)
		}
		var stored int
		h := sha256.Sum256([]byte(tok))
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", hex.EncodeToString(h[:])).Scan(&stored); err != nil || stored != 1 {
			t.Fatalf("stored hash: %d %v", stored, err)
		}
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", tok).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the token itself is stored: %d %v", stored, err)
		}
		got, err := s.SessionUser(ctx, tok)
		if err != nil || got.ID != u.ID || got.Email != u.Email || got.Role != staff.Editor {
			t.Fatalf("session user: %+v %v", got, err)
		}
		tok2, _ := s.StartSession(ctx, u.ID, "", "")
		if tok2 == tok {
			t.Fatal("two sessions share a token")
		}

		// Bad tokens, well-formed or not.
		other, _ := s.StartSession(ctx, u.ID, "", "")
		_ = s.EndSession(ctx, other)
		for name, bad := range map[string]string{
			"empty": "", "short": "abc", "long": tok + "A", "bad alphabet": strings.Repeat("+", 43),
			"padded": tok[:42] + "=", "unknown": strings.Repeat("A", 43), "ended": other,
			"hash": hex.EncodeToString(h[:]), "non-canonical": tok[:42] + "_",
		} {
			if name == "non-canonical" && strings.HasSuffix(tok, "_") {
				continue
			}
			if u, err := s.SessionUser(ctx, bad); !errors.Is(err, staff.ErrNoSession) || u != nil {
				t.Errorf("%s token: %v %v", name, u, err)
			}
		}

		// last_seen_at moves at most once a minute.
		start := lastSeen(t, db, tok)
		clock.advance(30 * time.Second)
		if _, err := s.SessionUser(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if at := lastSeen(t, db, tok); !at.Equal(start) {
			t.Errorf("last_seen_at written after 30s: %v → %v", start, at)
		}
		clock.advance(30 * time.Second)
		if _, err := s.SessionUser(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if at := lastSeen(t, db, tok); !at.Equal(start.Add(time.Minute)) {
			t.Errorf("last_seen_at after a minute: %v, want %v", at, start.Add(time.Minute))
		}

		// A role change shows at the next request.
		if err := s.SetRole(ctx, u.ID, staff.Author); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SessionUser(ctx, tok); got == nil || got.Role != staff.Author {
			t.Errorf("role after change: %+v", got)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		u := mkUser(t, s, "lina@example.com", staff.Author)
		busy, _ := s.StartSession(ctx, u.ID, "", "")
		idle, _ := s.StartSession(ctx, u.ID, "", "")

		var elapsed time.Duration
		at := func(d time.Duration) { clock.advance(d - elapsed); elapsed = d }
		day := 24 * time.Hour

		// Idle: valid until 14 days after the last request.
		at(14*day - time.Second)
		for _, tok := range []string{busy, idle} {
			if _, err := s.SessionUser(ctx, tok); err != nil {
				t.Fatalf("14 days less a second idle: %v", err)
			}
		}
		at(28*day - 2*time.Second)
		if _, err := s.SessionUser(ctx, busy); err != nil {
			t.Fatalf("busy session at 28 days: %v", err)
		}
		at(28*day - time.Second)
		if _, err := s.SessionUser(ctx, idle); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("session idle 14 days: %v", err)
		}
		// Absolute: gone 30 days after it started, however busy.
		at(30*day - time.Second)
		if _, err := s.SessionUser(ctx, busy); err != nil {
			t.Fatalf("busy session at 30 days less a second: %v", err)
		}
		at(30 * day)
		if _, err := s.SessionUser(ctx, busy); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("session at 30 days: %v", err)
		}
	})
}

func TestEndAndPruneSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		a := mkUser(t, s, "a@example.com", staff.Author)
		b := mkUser(t, s, "b@example.com", staff.Author)
		a1, _ := s.StartSession(ctx, a.ID, "", "")
		a2, _ := s.StartSession(ctx, a.ID, "", "")
		b1, _ := s.StartSession(ctx, b.ID, "", "")

		if err := s.EndSession(ctx, a1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, a1); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("ended session: %v", err)
		}
		for _, tok := range []string{a1, "", "garbage", strings.Repeat("A", 43)} {
			if err := s.EndSession(ctx, tok); err != nil {
				t.Errorf("ending %q again: %v", tok, err)
			}
		}
		if _, err := s.SessionUser(ctx, a2); err != nil {
			t.Errorf("ending one session ended another: %v", err)
		}
		if err := s.EndAllSessions(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, a2); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("after EndAllSessions: %v", err)
		}
		if _, err := s.SessionUser(ctx, b1); err != nil {
			t.Errorf("EndAllSessions ended another user's session: %v", err)
		}
		if err := s.EndAllSessions(ctx, 9999); err != nil {
			t.Errorf("EndAllSessions of nobody: %v", err)
		}

		if _, err := s.StartSession(ctx, 9999, "", ""); !errors.Is(err, staff.ErrNoAccount) {
			t.Errorf("session for no account: %v", err)
		}

		// Pruning: idle ones, then old ones; live ones stay. b1 started now.
		day := 24 * time.Hour
		idle, _ := s.StartSession(ctx, a.ID, "", "")
		clock.advance(14*day - time.Hour)
		if _, err := s.SessionUser(ctx, b1); err != nil {
			t.Fatal(err)
		}
		fresh, _ := s.StartSession(ctx, a.ID, "", "")
		if n, err := s.PruneSessions(ctx); err != nil || n != 0 {
			t.Errorf("prune with nothing expired: %d %v", n, err)
		}
		clock.advance(time.Hour) // idle: 14 days without a request
		if n, err := s.PruneSessions(ctx); err != nil || n != 1 {
			t.Errorf("prune idle: %d %v", n, err)
		}
		if _, err := s.SessionUser(ctx, idle); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("pruned session: %v", err)
		}
		clock.advance(13 * day) // 27 days
		for _, tok := range []string{b1, fresh} {
			if _, err := s.SessionUser(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		clock.advance(3 * day) // b1 is 30 days old
		if n, err := s.PruneSessions(ctx); err != nil || n != 1 {
			t.Errorf("prune old: %d %v", n, err)
		}
		if _, err := s.SessionUser(ctx, fresh); err != nil {
			t.Errorf("live session pruned: %v", err)
		}
		var left int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions").Scan(&left); err != nil || left != 1 {
			t.Errorf("sessions left: %d %v", left, err)
		}
	})
}

func TestSessionClientDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		u := mkUser(t, s, "a@example.com", staff.Author)
		ua := "Mozilla \x00\xff" + strings.Repeat("متصفح", 200)
		tok, err := s.StartSession(ctx, u.ID, strings.Repeat("1", 100), ua)
		if err != nil {
			t.Fatalf("odd client details: %v", err)
		}
		var ip, agent string
		h := sha256.Sum256([]byte(tok))
		if err := db.QueryRow(ctx, "SELECT ip, user_agent FROM sessions WHERE token_hash = ?", hex.EncodeToString(h[:])).Scan(&ip, &agent); err != nil {
			t.Fatal(err)
		}
		if len(ip) != 64 || len(agent) > 512 || !strings.HasPrefix(agent, "Mozilla متصفح") || strings.ContainsRune(agent, '\uFFFD') {
			t.Errorf("stored ip %q (%d), agent %q (%d)", ip, len(ip), agent, len(agent))
		}
	})
}
