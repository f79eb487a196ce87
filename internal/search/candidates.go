package search

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
)

// Choosing candidates: the window of newest matches, the best of them by
// the store's own rank, or the newest page by date.

// planEachTime, passed first among a PostgreSQL query's arguments, has pgx
// run it as an unnamed statement, which PostgreSQL plans with the query's
// own values and the tables as they are now, rather than once for all: a
// generic plan made without the terms walked every post for rare terms
// (400 ms instead of 2 on 100,000 posts), and one made while search_docs
// was empty scanned it whole for every write of an index build.
var planEachTime = []any{pgx.QueryExecModeExec}

// candidate is a matching post of the window.
type candidate struct {
	id        int64
	published time.Time
	rank      float64 // SQLite's bm25 (lower is better); 0 on PostgreSQL
}

// window returns the newest window matching posts that pass the filter,
// newest (highest ID) first. On SQLite the FTS index is read in rowid order
// and reading stops after window rows however many posts match; PostgreSQL
// takes every match from the GIN index (see pgMatches) and sorts them.
func (x *Index) window(ctx context.Context, q *Query, conds string, args []any) ([]candidate, error) {
	if x.db.Dialect() == store.Postgres {
		return x.pgMatches(ctx, q, `SELECT p.id, p.published_at, 0 FROM m JOIN posts p ON p.id = m.post_id
			WHERE true`+conds+` ORDER BY p.id DESC LIMIT ?`, append(args, window))
	}
	// CROSS JOIN keeps the FTS index outermost, read in rowid order.
	rows, err := x.db.Query(ctx, `SELECT search_fts.rowid, p.published_at, bm25(search_fts, 4.0, 1.0, 0.3)
		FROM search_fts CROSS JOIN posts p ON p.id = search_fts.rowid
		WHERE search_fts MATCH ?`+conds+` ORDER BY search_fts.rowid DESC LIMIT ?`,
		append(append([]any{ftsMatch(q)}, args...), window)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanCandidates(rows)
}

// pgMatches runs query, which reads the matching post IDs from the CTE m,
// with sequential scans off: PostgreSQL's planner does not count reading
// each post's tsvector back from TOAST, and for common terms chose to test
// every row (0.5 s on 100,000 posts) over the GIN index (25 ms). query
// selects (id, published_at, rank) rows.
func (x *Index) pgMatches(ctx context.Context, q *Query, query string, args []any) ([]candidate, error) {
	var out []candidate
	err := x.db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `WITH m AS MATERIALIZED (SELECT post_id FROM search_docs WHERE tsv @@ CAST(? AS tsquery)) `+
			query, append(append(planEachTime, tsQuery(q)), args...)...)
		if err != nil {
			return err
		}
		out, err = scanCandidates(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// best picks the k candidates the store ranks highest (all of them when
// there are no more than k), to be ranked in Go: bm25 on SQLite,
// ts_rank_cd on PostgreSQL (title weighted 1, body 0.25, skeletons 0.03).
func (x *Index) best(ctx context.Context, q *Query, w []candidate, k int) ([]int64, error) {
	if len(w) > k && x.db.Dialect() == store.Postgres {
		ids := make([]int64, len(w))
		for i, c := range w {
			ids[i] = c.id
		}
		in, args := inList(ids)
		return x.ids(ctx, `SELECT d.post_id FROM search_docs d WHERE d.post_id IN `+in+`
			ORDER BY ts_rank_cd('{0.03,0.1,0.25,1}', d.tsv, CAST(? AS tsquery)) DESC, d.post_id DESC LIMIT ?`,
			append(args, tsQuery(q), k)...)
	}
	if len(w) > k {
		slices.SortStableFunc(w, func(a, b candidate) int {
			if a.rank != b.rank {
				return cmpDesc(b.rank, a.rank) // bm25: lower is better
			}
			return cmpDesc(a.id, b.id)
		})
		w = w[:k]
	}
	ids := make([]int64, len(w))
	for i, c := range w {
		ids[i] = c.id
	}
	return ids, nil
}

// newest is a page of matches, newest first, when more match than the
// window holds. On SQLite, posts are read in date order from the
// posts_listing index, one (type, status) at a time, keeping those in the
// set of matches, and the lists merged; PostgreSQL sorts the matches.
// Posts without a date (drafts) come last on both.
func (x *Index) newest(ctx context.Context, q *Query, f Filter) ([]int64, error) {
	n := f.Offset + f.Limit
	if x.db.Dialect() == store.Postgres {
		conds, args := x.conditions(f, false)
		page, err := x.pgMatches(ctx, q, `SELECT p.id, p.published_at, 0 FROM m JOIN posts p ON p.id = m.post_id
			WHERE true`+conds+` ORDER BY p.published_at DESC NULLS LAST, p.id DESC LIMIT ? OFFSET ?`,
			append(args, f.Limit, f.Offset))
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(page))
		for i, c := range page {
			ids[i] = c.id
		}
		return ids, nil
	}
	types, statuses := []string{string(f.Type)}, []string{"published"}
	if f.Type == "" {
		types = []string{string(content.TypePost), string(content.TypePage)}
	}
	if f.Drafts {
		statuses = []string{"published", "scheduled", "draft"}
	}
	conds, args := x.conditions(f, true)
	var all []candidate
	for _, typ := range types {
		for _, status := range statuses {
			rows, err := x.db.Query(ctx, `SELECT p.id, p.published_at, 0 FROM posts p WHERE p.type = ? AND p.status = ?
				AND p.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)`+conds+`
				ORDER BY p.published_at DESC, p.id DESC LIMIT ?`, append(append([]any{typ, status, ftsMatch(q)}, args...), n)...)
			if err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
			got, err := scanCandidates(rows)
			if err != nil {
				return nil, err
			}
			all = append(all, got...)
		}
	}
	byDate(all)
	var ids []int64
	for _, c := range all[min(f.Offset, len(all)):min(n, len(all))] {
		ids = append(ids, c.id)
	}
	return ids, nil
}

// byDate sorts candidates newest first (undated last), then by ID.
func byDate(w []candidate) {
	slices.SortFunc(w, func(a, b candidate) int {
		if c := b.published.Compare(a.published); c != 0 {
			return c
		}
		return cmpDesc(a.id, b.id)
	})
}

// scanCandidates reads (id, published_at, rank) rows and closes them.
func scanCandidates(rows *sql.Rows) ([]candidate, error) {
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var published sql.NullTime
		if err := rows.Scan(&c.id, &published, &c.rank); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		c.published = published.Time.UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}
