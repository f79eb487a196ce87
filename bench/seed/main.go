// Command seed creates a fresh Nashra site filled with generated Arabic
// articles, for load tests:
//
//	go run ./bench/seed --data DIR --n 1000
//
// Progress goes to standard error; standard output gets one line, the
// percent-encoded path of the article to benchmark (the newest), so that a
// script can capture it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"nashra.dev/nashra/bench/benchsite"
	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/store"
)

func main() {
	data := flag.String("data", "", "data folder of the new site (must hold no posts)")
	n := flag.Int("n", 1000, "number of articles")
	minKB := flag.Int("min-kb", 28, "smallest article body, in KB of Markdown")
	maxKB := flag.Int("max-kb", 42, "largest article body, in KB of Markdown")
	seed := flag.Uint64("seed", 1, "random seed: the same seed gives the same site")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "seed: --data is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *data, benchsite.Options{Posts: *n, MinBody: *minKB << 10, MaxBody: *maxKB << 10, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, data string, opt benchsite.Options) error {
	sc := config.Site{Data: data}
	if err := sc.Validate(); err != nil {
		return err
	}
	db, err := store.Open(ctx, sc.DBURL())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	opt.Progress = func(done, total int) {
		if done%100 == 0 || done == total {
			fmt.Fprintf(os.Stderr, "seed: %d/%d articles (%.1fs)\n", done, total, time.Since(start).Seconds())
		}
	}
	res, err := benchsite.Fill(ctx, db, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seed: %d articles in %s; benchmark article %q (%d KB of Markdown)\n",
		res.Posts, time.Since(start).Round(100*time.Millisecond), res.Target.Title, len(res.Target.BodyMD)>>10)
	fmt.Println(res.Path)
	return nil
}
