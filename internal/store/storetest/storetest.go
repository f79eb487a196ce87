// Package storetest gives tests a fresh, migrated database on each store
// Nashra supports, so that one test body runs against SQLite and PostgreSQL.
//
// PostgreSQL is found through NASHRA_TEST_POSTGRES (a postgres:// URL). When it
// is unset or unreachable the PostgreSQL half skips with a message, unless
// NASHRA_REQUIRE_POSTGRES=1, which turns that into a failure (CI sets it).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Each runs fn as a subtest against a fresh SQLite database and, when
// available, a fresh PostgreSQL schema.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachURL is Each for tests that start their own processes: fn gets a
// database URL (a SQLite file path, or a PostgreSQL URL whose search_path
// selects a fresh schema) instead of an open DB. The schema is not migrated.
func EachURL(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "nashra.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// SQLite opens a migrated SQLite database in a temporary folder.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "nashra.db"))
}

// Postgres opens a migrated database in a fresh PostgreSQL schema, dropped
// when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, PostgresURL(t))
}

// PostgresURL creates a fresh schema and returns a URL that selects it.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("NASHRA_TEST_POSTGRES")
	if base == "" {
		missing(t, "NASHRA_TEST_POSTGRES is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		missing(t, "NASHRA_TEST_POSTGRES: "+err.Error())
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		missing(t, "PostgreSQL at NASHRA_TEST_POSTGRES does not answer: "+err.Error())
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("NASHRA_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", store.Redact(dsn), err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("NASHRA_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL is required (NASHRA_REQUIRE_POSTGRES=1): %s", why)
	}
	t.Skipf("skipping the PostgreSQL half: %s (set NASHRA_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test)", why)
}
