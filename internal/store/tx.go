package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Tx is a transaction on the write connection.
type Tx struct {
	tx      *sql.Tx
	db      *DB
	notices []string
}

// WithTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. On SQLite the transaction takes the write lock at BEGIN
// (_txlock=immediate), so two writers never deadlock on a lock upgrade.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", db.wrap(err))
	}
	tx := &Tx{tx: sqlTx, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", db.wrap(err))
	}
	for _, topic := range tx.notices {
		db.notifyLocal(topic)
	}
	return nil
}

// Dialect reports which engine the transaction runs on.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// Exec runs one statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.db.Rebind(q), args...)
	return res, tx.db.wrap(err)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.db.Rebind(q), args...)
	return rows, tx.db.wrap(err)
}

// QueryRow runs a query in the transaction that returns at most one row.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *Row {
	return &Row{row: tx.tx.QueryRowContext(ctx, tx.db.Rebind(q), args...), db: tx.db}
}

// wrap maps driver errors to the package's sentinels, keeping the cause.
func (db *DB) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case isForeignKeyViolation(err):
		return fmt.Errorf("%w: %w", ErrReference, err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		// SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
		return sqErr.Code() == 2067 || sqErr.Code() == 1555
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == 787 // SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}
