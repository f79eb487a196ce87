package search

import (
	"context"
	"database/sql"
	"encoding/json"
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
// own terms: whether a term is rare (read the GIN index) or common (walk
// the newest posts and stop at the window) depends on them, and a cached
// generic plan, made without them, chose the walk for rare terms too
// (400 ms instead of 2 on 100,000 posts).
var planEachTime = []any{pgx.QueryExecModeExec}

// candidate is a matching post of the window.
type candidate struct {
	id        int64
	published time.Time
	rank      float64 // SQLite's bm25 (lower is better); 0 on PostgreSQL
}

// window returns the newest window matching posts that pass the filter,
// newest (highest ID) first. The order is the index's own on both stores,
// so reading stops after window rows however many posts match.
func (x *Index) window(ctx context.Context, q *Query, conds string, args []any) ([]candidate, error) {
	dense := x.db.Dialect() == store.Postgres && x.pgDense(ctx, tsQuery(q))
	return x.windowBy(ctx, q, conds, args, dense)
}

// windowBy is window, with the way PostgreSQL reads the matches chosen:
// dense walks the newest posts, otherwise the GIN index gives them all.
func (x *Index) windowBy(ctx context.Context, q *Query, conds string, args []any, dense bool) ([]candidate, error) {
	var query string
	var match string
	var mode []any
	if x.db.Dialect() == store.Postgres {
		match = tsQuery(q)
		mode = planEachTime
		// Walking the newest posts and testing each finds the window fast
		// when the terms are common; otherwise the GIN index must give all
		// matches first. PostgreSQL's planner misjudges the walk (it does
		// not count reading each tsvector from TOAST), so the choice is made
		// here from its own estimate of how many posts match.
		if dense {
			query = `SELECT d.post_id, p.published_at, 0 FROM search_docs d JOIN posts p ON p.id = d.post_id
				WHERE d.tsv @@ CAST(? AS tsquery)` + conds + ` ORDER BY d.post_id DESC LIMIT ?`
		} else {
			query = `WITH m AS MATERIALIZED (SELECT post_id FROM search_docs WHERE tsv @@ CAST(? AS tsquery))
				SELECT p.id, p.published_at, 0 FROM m JOIN posts p ON p.id = m.post_id
				WHERE true` + conds + ` ORDER BY p.id DESC LIMIT ?`
		}
	} else {
		match = ftsMatch(q)
		// CROSS JOIN keeps the FTS index outermost, read in rowid order.
		query = `SELECT search_fts.rowid, p.published_at, bm25(search_fts, 4.0, 1.0, 0.3)
			FROM search_fts CROSS JOIN posts p ON p.id = search_fts.rowid
			WHERE search_fts MATCH ?` + conds + ` ORDER BY search_fts.rowid DESC LIMIT ?`
	}
	rows, err := x.db.Query(ctx, query, append(append(append(mode, match), args...), window)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanCandidates(rows)
}

// denseShare is the share of posts above which a term is common enough
// for the walk (measured on 100,000 posts: 4,600 matches took 250 ms by the
// walk and 30 ms through the index; 43,000 took 23 ms and 420 ms).
const denseShare = 0.2

// pgDense reports whether PostgreSQL estimates that more than denseShare
// of the indexed posts match the tsquery.
func (x *Index) pgDense(ctx context.Context, match string) bool {
	var plan string
	err := x.db.QueryRow(ctx, "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_docs WHERE tsv @@ CAST(? AS tsquery)",
		append(planEachTime, match)...).Scan(&plan)
	var est []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err != nil || json.Unmarshal([]byte(plan), &est) != nil || len(est) == 0 {
		return false
	}
	var total float64
	if err := x.db.QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = to_regclass('search_docs')").Scan(&total); err != nil || total <= 0 {
		return false
	}
	return est[0].Plan.Rows > denseShare*total
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
		ids, err := x.ids(ctx, `SELECT p.id FROM search_docs d JOIN posts p ON p.id = d.post_id
			WHERE d.tsv @@ CAST(? AS tsquery)`+conds+` ORDER BY p.published_at DESC NULLS LAST, p.id DESC LIMIT ? OFFSET ?`,
			append(append(append(planEachTime, tsQuery(q)), args...), f.Limit, f.Offset)...)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
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
