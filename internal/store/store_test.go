package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestMigrateIsIdempotentAndVersioned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil || v < 1 {
			t.Fatalf("schema version = %d, %v", v, err)
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", 999999, true); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if err == nil {
			t.Fatal("migrate accepted a schema newer than the binary")
		}
	})
}

func TestErrorsMapToSentinels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var v string
		err := db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", "nope").Scan(&v)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing row: got %v, want ErrNotFound", err)
		}
		if _, err := db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "1"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "2")
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate key: got %v, want ErrConflict", err)
		}
	})
}

func TestTimesRoundTripAndSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2025, 3, 28, 10, 0, 0, 0, time.UTC)
		for i, d := range []time.Duration{0, time.Second, 36 * time.Hour, -time.Hour} {
			_, err := db.Exec(ctx, "INSERT INTO setup_tokens (token_hash, expires_at) VALUES (?, ?)", string(rune('a'+i)), base.Add(d))
			if err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.Query(ctx, "SELECT expires_at FROM setup_tokens WHERE expires_at > ? ORDER BY expires_at", base.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []time.Time
		for rows.Next() {
			var ts time.Time
			if err := rows.Scan(&ts); err != nil {
				t.Fatal(err)
			}
			got = append(got, ts)
		}
		want := []time.Time{base, base.Add(time.Second), base.Add(36 * time.Hour)}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Fatalf("row %d: got %v, want %v", i, got[i], want[i])
			}
		}
	})
}

func TestTransactionsRollBackAndNotifyOnCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var seen []string
		db.Subscribe(func(topic string) { mu.Lock(); seen = append(seen, topic); mu.Unlock() })
		boom := errors.New("boom")
		err := db.WithTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "a", "1"); err != nil {
				return err
			}
			if err := tx.Notify(ctx, "rolled-back"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM settings").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back row is visible: n=%d err=%v", n, err)
		}
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "a", "1"); err != nil {
				return err
			}
			return tx.Notify(ctx, "committed")
		})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 1 || seen[0] != "committed" {
			t.Fatalf("notices = %v, want [committed]", seen)
		}
	})
}

func TestConcurrentWritersQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.WithTx(ctx, func(tx *store.Tx) error {
					_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", string(rune(0x600+i)), "v")
					return err
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM settings").Scan(&n); err != nil || n != 50 {
			t.Fatalf("n=%d err=%v, want 50", n, err)
		}
	})
}

func TestOpenRejectsBadURLs(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"postgres://", "postgres://%zz", ""} {
		if db, err := store.Open(ctx, dsn); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
	if got := store.Redact("postgres://u:secret@h/db"); got != "postgres://u:xxxxx@h/db" {
		t.Errorf("Redact = %q", got)
	}
}

func TestForeignKeysAreEnforced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, err := db.Exec(context.Background(), "INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)", 424242, 434343)
		if !errors.Is(err, store.ErrReference) {
			t.Fatalf("got %v, want ErrReference", err)
		}
	})
}
