package search

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
)

const (
	// batchSize is how many posts a pass reads, analyzes and writes in one
	// transaction: small enough that editors' saves never wait long for
	// SQLite's single writer.
	batchSize = 50
	// cursorMargin is how far before the newest updated_at of its last pass
	// an incremental pass looks again, for saves committed late or stamped
	// by another node's slightly slower clock.
	cursorMargin = 5 * time.Minute
	// fullPassEvery is how often Follow compares every post with the index,
	// whatever the cursor says (and at start).
	fullPassEvery = time.Hour
	// tickEvery is how often Follow runs an incremental pass without a
	// notice: a safety net for notices lost between nodes.
	tickEvery = time.Minute
)

// Sync re-analyzes every post that is new, changed (its version is not the
// one indexed) or indexed by an older analyzer, and reports how many it
// indexed. Posts saved since the previous pass are looked at first (through
// the posts_updated index); the first pass of an Index looks at all posts.
// Deleted posts need nothing: their rows go with them.
func (x *Index) Sync(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.pass(ctx, x.cursor.IsZero(), nil)
}

// Reindex re-analyzes every post and rewrites its terms where they differ,
// then, on SQLite, rebuilds the full-text index from them (unless it was
// empty: then it was just built) and merges it into one segment. progress, when
// set, is called after each batch with the posts done and the total.
func (x *Index) Reindex(ctx context.Context, progress func(done, total int)) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var existing int
	if err := x.db.QueryRow(ctx, "SELECT COUNT(*) FROM search_docs").Scan(&existing); err != nil {
		return err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	if _, err := x.pass(ctx, true, progress); err != nil {
		return err
	}
	if x.db.Dialect() == store.SQLite {
		if existing == 0 {
			// Built by the triggers just now: nothing to repair.
			_, err := x.db.Exec(ctx, "INSERT INTO search_fts (search_fts) VALUES ('optimize')")
			return err
		}
		if _, err := x.db.Exec(ctx, "INSERT INTO search_fts (search_fts) VALUES ('rebuild')"); err != nil {
			return err
		}
		_, err := x.db.Exec(ctx, "INSERT INTO search_fts (search_fts) VALUES ('optimize')")
		return err
	}
	_, err := x.db.Exec(ctx, "ANALYZE search_docs")
	return err
}

// pass indexes posts that need it: all posts when all is set, else those
// updated since the cursor; with progress set (Reindex) every post is
// analyzed again, whatever the index holds.
func (x *Index) pass(ctx context.Context, all bool, progress func(done, total int)) (int, error) {
	// The newest save before the pass: the next incremental pass starts a
	// margin before it. (Not MAX(): SQLite would return it as text.)
	var newest sql.NullTime
	err := x.db.QueryRow(ctx, "SELECT updated_at FROM posts ORDER BY updated_at DESC LIMIT 1").Scan(&newest)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	done := 0
	finish := func(err error) (int, error) {
		if err == nil && newest.Valid {
			x.cursor = newest.Time.Add(-cursorMargin)
		}
		return done, err
	}
	if progress == nil {
		// The posts whose terms are missing or stale, in one query: all of
		// them, or through the posts_updated index those saved lately.
		q := `SELECT p.id FROM posts p LEFT JOIN search_docs d ON d.post_id = p.id
			WHERE (d.post_id IS NULL OR d.version <> p.version OR d.analyzer <> ?)`
		args := []any{AnalyzerVersion}
		if !all {
			q += " AND p.updated_at >= ?"
			args = append(args, x.cursor.UTC().Truncate(time.Second))
		}
		ids, err := x.ids(ctx, q, args...)
		if err != nil {
			return done, err
		}
		slices.Sort(ids) // oldest first; not in SQL, which would steer SQLite off posts_updated
		for len(ids) > 0 {
			batch := ids[:min(batchSize, len(ids))]
			if err := x.indexBatch(ctx, batch); err != nil {
				return done, err
			}
			ids, done = ids[len(batch):], done+len(batch)
		}
		return finish(nil)
	}
	// Reindex: every post, a batch at a time.
	total := 0
	if err := x.db.QueryRow(ctx, "SELECT COUNT(*) FROM posts").Scan(&total); err != nil {
		return 0, err
	}
	var last int64
	for {
		ids, err := x.ids(ctx, "SELECT id FROM posts WHERE id > ? ORDER BY id LIMIT ?", last, batchSize)
		if err != nil || len(ids) == 0 {
			return finish(err)
		}
		if err := x.indexBatch(ctx, ids); err != nil {
			return done, err
		}
		last = ids[len(ids)-1]
		done += len(ids)
		progress(done, max(total, done))
	}
}

func (x *Index) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := x.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// indexBatch reads, analyzes (on every core) and writes a batch of posts in
// one transaction.
func (x *Index) indexBatch(ctx context.Context, ids []int64) error {
	docs, err := x.loadDocs(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]fields, len(docs))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				out[i] = x.an.analyzeDoc(docs[i])
			}
		})
	}
	wg.Wait()
	return x.db.WithTx(ctx, func(tx *store.Tx) error {
		for i, d := range docs {
			if err := x.write(ctx, tx, d, out[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Follow keeps the index current until ctx ends: a full pass at start, an
// incremental pass on every content change notice (and every minute, in
// case a notice was lost), a full pass every hour. Errors are logged and
// retried on the next occasion. It returns when ctx ends. Call it once per
// node: its subscription to the store's notices outlives it.
func (x *Index) Follow(ctx context.Context, log *slog.Logger) {
	wake := make(chan struct{}, 1)
	x.db.Subscribe(func(topic string) {
		if topic == content.Topic || topic == store.TopicReconnected {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	})
	run := func(full bool) {
		x.mu.Lock()
		all := full || x.cursor.IsZero()
		n, err := x.pass(ctx, all, nil)
		x.mu.Unlock()
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("search index: pass failed", "err", err)
		case n > 0:
			log.Info("search index: posts indexed", "posts", n, "full", all)
		}
	}
	run(true)
	tick, full := time.NewTicker(tickEvery), time.NewTicker(fullPassEvery)
	defer tick.Stop()
	defer full.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
			run(false)
		case <-tick.C:
			run(false)
		case <-full.C:
			run(true)
		}
	}
}
