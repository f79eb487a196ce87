package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/search"
)

// Reindex rebuilds the search index of every post (`nashra reindex`),
// printing its progress: after an upgrade that changes the analyzer (the
// server also does it by itself, post by post), or to repair the index.
// It works on SQLite and PostgreSQL, while the site runs.
func Reindex(ctx context.Context, sc config.Site, out io.Writer) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	db, err := openSite(ctx, sc, NewLogger(io.Discard, false))
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	lastPrint := time.Time{}
	err = search.New(db, time.Now).Reindex(ctx, func(done, total int) {
		if done == total || time.Since(lastPrint) >= time.Second {
			fmt.Fprintf(out, "indexed %d of %d posts\n", done, total)
			lastPrint = time.Now()
		}
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(out, "Search index rebuilt (%s) in %s.\n", db.Dialect(), time.Since(start).Round(time.Millisecond))
	return nil
}
