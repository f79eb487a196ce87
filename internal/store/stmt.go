package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache: queries are fixed strings or
// built from a few shapes, so a cap only guards against a caller that builds
// unbounded variety (it then runs unprepared).
const maxCachedStmts = 512

// stmtCache keeps prepared read statements on SQLite, where parsing a query
// costs about as much as running a small one. (pgx caches statements per
// connection itself, so PostgreSQL does not use this.)
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// stmt returns a prepared statement for q on the read pool, or nil when q
// should run unprepared.
func (db *DB) stmt(ctx context.Context, q string) *sql.Stmt {
	if db.dialect != SQLite {
		return nil
	}
	c := &db.stmts
	c.mu.RLock()
	st := c.m[q]
	n := len(c.m)
	c.mu.RUnlock()
	if st != nil || n >= maxCachedStmts {
		return st
	}
	st, err := db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil // let the plain query report the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if old := c.m[q]; old != nil {
		st.Close()
		return old
	}
	c.m[q] = st
	return st
}

func (db *DB) closeStmts() {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	for _, st := range db.stmts.m {
		st.Close()
	}
	db.stmts.m = nil
}
