package content_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestContentKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
		cs := content.New(db, clock)

		key, err := cs.CreateContentKey(ctx, " mobile app ")
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != 32 || strings.Trim(key, "0123456789abcdef") != "" {
			t.Fatalf("key %q: want 32 lowercase hex characters", key)
		}
		var stored string
		if err := db.QueryRow(ctx, "SELECT key_hash FROM content_keys").Scan(&stored); err != nil || len(stored) != 64 || stored == key {
			t.Errorf("stored %q (%v): want the key's SHA-256 only", stored, err)
		}
		if err := cs.CheckContentKey(ctx, key); err != nil {
			t.Fatalf("check: %v", err)
		}
		for name, bad := range map[string]string{
			"empty": "", "upper": strings.ToUpper(key), "short": key[:31], "long": key + "0", "unknown": strings.Repeat("0", 32),
			"nul": "\x00" + key[1:], "sql": "' OR 1=1 --                     ",
		} {
			if err := cs.CheckContentKey(ctx, bad); !errors.Is(err, content.ErrBadContentKey) {
				t.Errorf("%s key: %v", name, err)
			}
		}

		keys, err := cs.ListContentKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0].Name != "mobile app" || !keys[0].CreatedAt.Equal(clock()) || !keys[0].LastUsedAt.Equal(clock()) {
			t.Fatalf("list: %+v %v", keys, err)
		}
		// Uses within a minute write nothing; a minute later they do.
		advance(30 * time.Second)
		_ = cs.CheckContentKey(ctx, key)
		if keys, _ := cs.ListContentKeys(ctx); !keys[0].LastUsedAt.Equal(clock().Add(-30 * time.Second)) {
			t.Errorf("last used rewritten within a minute: %v", keys[0].LastUsedAt)
		}
		advance(30 * time.Second)
		_ = cs.CheckContentKey(ctx, key)
		if keys, _ := cs.ListContentKeys(ctx); !keys[0].LastUsedAt.Equal(clock()) {
			t.Errorf("last used a minute later: %v, want %v", keys[0].LastUsedAt, clock())
		}

		if err := cs.RevokeContentKey(ctx, keys[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := cs.CheckContentKey(ctx, key); !errors.Is(err, content.ErrBadContentKey) {
			t.Errorf("revoked key: %v", err)
		}
		if err := cs.RevokeContentKey(ctx, keys[0].ID); !errors.Is(err, content.ErrNotFound) {
			t.Errorf("revoke twice: %v", err)
		}
		for _, bad := range []string{"", " ", strings.Repeat("x", 101), "a\x00"} {
			if _, err := cs.CreateContentKey(ctx, bad); !errors.Is(err, content.ErrInvalid) {
				t.Errorf("name %q: %v", bad, err)
			}
		}
	})
}
