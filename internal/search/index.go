package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
)

// Index is the search index of one site's posts, in its store.
// It is safe for concurrent use.
type Index struct {
	db  *store.DB
	an  *Analyzer
	now func() time.Time

	// mu serializes passes (Sync, Reindex) within this process; several
	// nodes may still run passes at once, which is harmless (see write).
	mu     sync.Mutex
	cursor time.Time // posts updated before this were looked at by a full pass
}

// New returns the index over db's posts. now is the clock that decides
// which posts are live (time.Now in production, a fixed clock in tests).
func New(db *store.DB, now func() time.Time) *Index {
	if now == nil {
		now = time.Now
	}
	return &Index{db: db, an: &Analyzer{}, now: now}
}

// Analyzer is the analyzer the index uses for posts and queries.
func (x *Index) Analyzer() *Analyzer { return x.an }

// Index (re)indexes one post from its loaded fields (Title, Standfirst,
// BodyHTML, Tags, Source, Lang, Version), in any status: drafts are indexed
// too, for admin search, and hidden from the public when searching. The
// terms are written only if the post still has p.Version, so that a stale
// copy never overwrites a newer one; a post deleted meanwhile is skipped.
func (x *Index) Index(ctx context.Context, p *content.Post) error {
	if p == nil || p.ID == 0 {
		return errors.New("search: index: no post")
	}
	d := &doc{PostID: p.ID, Version: p.Version, Lang: p.Lang, Title: p.Title, Standfirst: p.Standfirst,
		Body: htmlText(p.BodyHTML), Source: p.Source.Name}
	for _, t := range p.Tags {
		d.Tags = append(d.Tags, t.Name)
	}
	return x.db.WithTx(ctx, func(tx *store.Tx) error { return x.write(ctx, tx, d, x.an.analyzeDoc(d)) })
}

// Remove takes a post out of the index. Deleting a post does it by itself
// (the index rows go with the post); Remove is for callers that want a post
// unsearchable even by admins, at once.
func (x *Index) Remove(ctx context.Context, postID int64) error {
	_, err := x.db.Exec(ctx, "DELETE FROM search_docs WHERE post_id = ?", postID)
	return err
}

// write stores a post's terms, unless the post is gone or its version is no
// longer d.Version: the pass that sees the newer version indexes it. (On
// PostgreSQL an edit committed between the check and the write leaves an
// older version recorded, which the next pass sees and redoes.) When only
// the version changed, as when a scheduled post goes live, the terms and
// the full-text index are left alone.
func (x *Index) write(ctx context.Context, tx *store.Tx, d *doc, f fields) error {
	// On PostgreSQL each statement is planned with the table as it is now: a
	// plan cached while search_docs was empty scans it whole, and a fresh
	// index build then slows to a crawl as the table grows.
	var mode []any
	if tx.Dialect() == store.Postgres {
		mode = planEachTime
	}
	var current int
	err := tx.QueryRow(ctx, "SELECT version FROM posts WHERE id = ?", append(mode, d.PostID)...).Scan(&current)
	if errors.Is(err, store.ErrNotFound) || (err == nil && current != d.Version) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search: index post %d: %w", d.PostID, err)
	}
	title, body, alt := strings.Join(f.Title, " "), strings.Join(f.Body, " "), strings.Join(f.Alt, " ")
	now := x.now().UTC().Truncate(time.Second)
	res, err := tx.Exec(ctx, `UPDATE search_docs SET version = ?, analyzer = ?, lang = ?, indexed_at = ?
		WHERE post_id = ? AND title_terms = ? AND body_terms = ? AND alt_terms = ?`,
		append(mode, d.Version, AnalyzerVersion, d.Lang, now, d.PostID, title, body, alt)...)
	if err != nil {
		return fmt.Errorf("search: index post %d: %w", d.PostID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	cols, vals := "", "?, ?, ?, ?, ?, ?, ?, ?"
	set := "version = excluded.version, analyzer = excluded.analyzer, lang = excluded.lang, indexed_at = excluded.indexed_at, " +
		"title_terms = excluded.title_terms, body_terms = excluded.body_terms, alt_terms = excluded.alt_terms"
	args := []any{d.PostID, d.Version, AnalyzerVersion, d.Lang, now, title, body, alt}
	if tx.Dialect() == store.Postgres {
		cols, vals, set = ", tsv", vals+", CAST(? AS tsvector)", set+", tsv = excluded.tsv"
		args = append(args, f.tsvector())
	}
	_, err = tx.Exec(ctx, `INSERT INTO search_docs (post_id, version, analyzer, lang, indexed_at, title_terms, body_terms, alt_terms`+
		cols+`) VALUES (`+vals+`) ON CONFLICT (post_id) DO UPDATE SET `+set, append(mode, args...)...)
	if errors.Is(err, store.ErrReference) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("search: index post %d: %w", d.PostID, err)
	}
	return nil
}

// loadDocs reads what the index needs of the posts with the given IDs.
// Posts that no longer exist are left out.
func (x *Index) loadDocs(ctx context.Context, ids []int64) ([]*doc, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	rows, err := x.db.Query(ctx, `SELECT p.id, p.version, p.lang, p.title, p.standfirst, p.source_name, p.body_html
		FROM posts p WHERE p.id IN `+in+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	var docs []*doc
	byID := map[int64]*doc{}
	for rows.Next() {
		d := &doc{}
		var html string
		if err := rows.Scan(&d.PostID, &d.Version, &d.Lang, &d.Title, &d.Standfirst, &d.Source, &html); err != nil {
			rows.Close()
			return nil, err
		}
		d.Body = htmlText(html)
		docs = append(docs, d)
		byID[d.PostID] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = x.db.Query(ctx, `SELECT pt.post_id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id IN `+in+` ORDER BY pt.post_id, t.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if d := byID[id]; d != nil {
			d.Tags = append(d.Tags, name)
		}
	}
	return docs, rows.Err()
}

// inList returns "(?, ?, …)" and its arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
}
