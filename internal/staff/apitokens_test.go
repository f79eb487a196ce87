package staff_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		u := mkUser(t, s, "maha@example.com", staff.Author)
		other := mkUser(t, s, "omar@example.com", staff.Editor)

		tok, err := s.CreateAPIToken(ctx, u.ID, "  importer ", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok, "nsh_") || len(tok) != 4+43 {
			t.Fatalf("token %q: want nsh_ and 43 base64url characters", tok)
		}
		var stored string
		if err := db.QueryRow(ctx, "SELECT token_hash FROM api_tokens").Scan(&stored); err != nil || len(stored) != 64 || strings.Contains(tok, stored) {
			t.Errorf("stored %q (%v): want the token's SHA-256 only", stored, err)
		}
		got, err := s.APITokenUser(ctx, tok)
		if err != nil || got.ID != u.ID || got.Role != staff.Author || got.Email != "maha@example.com" {
			t.Fatalf("token user: %+v %v", got, err)
		}

		// A role change applies at the next request.
		if err := s.SetRole(ctx, u.ID, staff.Contributor); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.APITokenUser(ctx, tok); got == nil || got.Role != staff.Contributor {
			t.Errorf("role after change: %+v", got)
		}

		for name, bad := range map[string]string{
			"empty": "", "no prefix": strings.TrimPrefix(tok, "nsh_"), "unknown": "nsh_" + strings.Repeat("A", 43),
			"truncated": tok[:len(tok)-1], "garbage": "nsh_'; DROP TABLE users; --", "nul": "nsh_\x00" + strings.Repeat("A", 42),
			"session-like": strings.Repeat("A", 43),
		} {
			if _, err := s.APITokenUser(ctx, bad); !errors.Is(err, staff.ErrBadAPIToken) || errors.Is(err, staff.ErrAPITokenExpired) {
				t.Errorf("%s token: %v", name, err)
			}
		}

		// Expiry is distinguished, and still a bad token.
		short, err := s.CreateAPIToken(ctx, u.ID, "one hour", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, short); err != nil {
			t.Fatalf("fresh short token: %v", err)
		}
		clock.advance(time.Hour)
		if _, err := s.APITokenUser(ctx, short); !errors.Is(err, staff.ErrAPITokenExpired) || !errors.Is(err, staff.ErrBadAPIToken) {
			t.Errorf("expired token: %v", err)
		}
		if _, err := s.APITokenUser(ctx, tok); err != nil {
			t.Errorf("a token without expiry expired: %v", err)
		}

		list, err := s.ListAPITokens(ctx, u.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %+v %v", list, err)
		}
		if list[0].Name != "importer" || !list[0].ExpiresAt.IsZero() || list[0].UserID != u.ID {
			t.Errorf("first token: %+v", list[0])
		}
		if want := time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC); !list[1].ExpiresAt.Equal(want) {
			t.Errorf("expiry %v, want %v", list[1].ExpiresAt, want)
		}
		if others, err := s.ListAPITokens(ctx, other.ID); err != nil || len(others) != 0 {
			t.Errorf("another user's list: %+v %v", others, err)
		}

		// Another user cannot revoke it; its owner can, at once.
		if err := s.RevokeAPIToken(ctx, other.ID, list[0].ID); !errors.Is(err, staff.ErrNoAPIToken) || !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke by another: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, u.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, tok); !errors.Is(err, staff.ErrBadAPIToken) {
			t.Errorf("revoked token: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, u.ID, list[0].ID); !errors.Is(err, staff.ErrNoAPIToken) {
			t.Errorf("revoke twice: %v", err)
		}
	})
}

func TestAPITokenLastUsed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		u := mkUser(t, s, "lina@example.com", staff.Editor)
		tok, err := s.CreateAPIToken(ctx, u.ID, "sync", 0)
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() time.Time {
			t.Helper()
			list, err := s.ListAPITokens(ctx, u.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("list: %+v %v", list, err)
			}
			return list[0].LastUsedAt
		}
		if !lastUsed().IsZero() {
			t.Fatal("a new token was used")
		}
		start := clock.now()
		if _, err := s.APITokenUser(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(start) {
			t.Errorf("first use recorded %v, want %v", got, start)
		}
		// Within the minute, no write.
		clock.advance(30 * time.Second)
		_, _ = s.APITokenUser(ctx, tok)
		if got := lastUsed(); !got.Equal(start) {
			t.Errorf("use within a minute rewrote last_used_at: %v", got)
		}
		clock.advance(30 * time.Second)
		_, _ = s.APITokenUser(ctx, tok)
		if got := lastUsed(); !got.Equal(start.Add(time.Minute)) {
			t.Errorf("use a minute later recorded %v", got)
		}
	})
}

func TestAPITokenValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		u := mkUser(t, s, "sami@example.com", staff.Author)
		for name, tc := range map[string]struct {
			name string
			ttl  time.Duration
		}{
			"empty name": {"  ", 0}, "long name": {strings.Repeat("ب", 101), 0}, "nul": {"a\x00b", 0}, "negative ttl": {"x", -time.Second},
		} {
			if _, err := s.CreateAPIToken(ctx, u.ID, tc.name, tc.ttl); !errors.Is(err, staff.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.CreateAPIToken(ctx, u.ID+1000, "ghost", 0); !errors.Is(err, staff.ErrNoAccount) {
			t.Errorf("unknown user: %v", err)
		}
		// Deleting the account ends its tokens.
		tok, err := s.CreateAPIToken(ctx, u.ID, "cli", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "DELETE FROM users WHERE id = ?", u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, tok); !errors.Is(err, staff.ErrBadAPIToken) {
			t.Errorf("token of a deleted account: %v", err)
		}
	})
}
