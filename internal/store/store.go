// Package store opens the site's database — an embedded SQLite file or a
// PostgreSQL server — and hides the few places where the two dialects differ.
//
// Domain packages write their SQL once, with '?' placeholders, and run it
// through a *DB or *Tx; the store rebinds placeholders for PostgreSQL and
// maps driver errors to the sentinel errors below.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Sentinel errors that domain code checks with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("already exists")
	ErrReference = errors.New("refers to something that does not exist")
)

// DB is the site's database. On SQLite, writes go through a single connection
// so that writers queue in-process instead of failing with "database is
// locked", and reads use a separate pool that never blocks on them (WAL).
// On PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	url     string // the PostgreSQL URL, or the SQLite file path
	read    *sql.DB
	write   *sql.DB

	subsOnce  sync.Once
	listeners *listeners
	stmts     stmtCache
}

// Open connects to dsn: a postgres:// (or postgresql://) URL selects
// PostgreSQL; anything else is taken as the path of a SQLite file, created if
// missing. It checks the connection before returning.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgresURL(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// IsPostgresURL reports whether dsn selects PostgreSQL.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("invalid PostgreSQL URL %q: expected postgres://user@host:port/database", Redact(dsn))
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL %s: %w", Redact(dsn), err)
	}
	db.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
	db.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL %s: %w", Redact(dsn), err)
	}
	return &DB{dialect: Postgres, url: dsn, read: db, write: db}, nil
}

// sqlitePragmas are applied to every connection. busy_timeout comes first so
// that the others wait rather than fail while another process holds a lock.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16000)&_time_format=sqlite"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if path == "" {
		return nil, errors.New("empty SQLite path")
	}
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("invalid SQLite path %q: options are set by Nashra, not in the path", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	w, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	n := max(4, 2*runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	return &DB{dialect: SQLite, url: path, read: r, write: w}, nil
}

// Dialect reports which engine this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// URL is the PostgreSQL URL or the SQLite file path the DB was opened with.
func (db *DB) URL() string { return db.url }

// SQL exposes the write pool for libraries that take a *sql.DB (migrations,
// the job queue). Domain code uses the methods below instead.
func (db *DB) SQL() *sql.DB { return db.write }

// Close closes both pools.
func (db *DB) Close() error {
	db.closeStmts()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers; /healthz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Query runs a read-only query on the read pool.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.stmt(ctx, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, db.wrap(err)
	}
	rows, err := db.read.QueryContext(ctx, db.Rebind(q), args...)
	return rows, db.wrap(err)
}

// QueryRow runs a read-only query that returns at most one row.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *Row {
	if st := db.stmt(ctx, q); st != nil {
		return &Row{row: st.QueryRowContext(ctx, args...), db: db}
	}
	return &Row{row: db.read.QueryRowContext(ctx, db.Rebind(q), args...), db: db}
}

// Exec runs one statement on the write connection, outside any transaction.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := db.write.ExecContext(ctx, db.Rebind(q), args...)
	return res, db.wrap(err)
}

// Row wraps *sql.Row so that Scan reports ErrNotFound and ErrConflict.
type Row struct {
	row *sql.Row
	db  *DB
}

// Scan copies the row into dest; a missing row is ErrNotFound.
func (r *Row) Scan(dest ...any) error { return r.db.wrap(r.row.Scan(dest...)) }

// Rebind turns '?' placeholders into PostgreSQL's $1, $2… It assumes '?'
// appears in queries only as a placeholder, which the house style guarantees.
func (db *DB) Rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Redact hides the password in a database URL so that it can be logged.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if err != nil && IsPostgresURL(dsn) {
			return "postgres://(unparseable URL)"
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// SQLTx exposes the transaction for libraries that take a *sql.Tx (the job
// queue's transactional inserts). Domain code uses the methods above.
func (tx *Tx) SQLTx() *sql.Tx { return tx.tx }

// ExtraPool opens another pool on the same database, for a library that
// holds connections for long (the job queue's workers and maintenance), so
// that it never starves the site's own single SQLite writer. On PostgreSQL
// it is the shared pool.
func (db *DB) ExtraPool(maxConns int) (*sql.DB, error) {
	if db.dialect == Postgres {
		return db.write, nil
	}
	p, err := sql.Open("sqlite", "file:"+db.url+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(maxConns)
	p.SetMaxIdleConns(maxConns)
	return p, nil
}
