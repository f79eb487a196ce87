// Package jobs runs the site's background work on its own database with
// River: scheduled publishing now, and every later background task. Each
// domain package defines its job kinds and workers; this package only wires
// the queue, so that a job is inserted in the same transaction as the change
// that needs it and worked exactly once across all nodes.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"nashra.dev/nashra/internal/store"
)

// Queue is the job queue of one site.
type Queue struct {
	client *river.Client[*sql.Tx]
	pool   *sql.DB // River's own pool on SQLite; the shared one on PostgreSQL
	db     *store.DB
}

// Options configure the queue.
type Options struct {
	Workers  *river.Workers       // nil: the queue only inserts (commands that do not serve)
	Periodic []*river.PeriodicJob // safety nets and digests
	Log      *slog.Logger
	// SchedulerInterval is how often scheduled jobs are made available
	// (River's default, 5 seconds, when zero).
	SchedulerInterval time.Duration
}

func driver(db *store.DB, pool *sql.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect() == store.Postgres {
		return riverdatabasesql.New(pool)
	}
	return riversqlite.New(pool)
}

// Open migrates River's tables and builds the queue. Start begins working.
func Open(ctx context.Context, db *store.DB, opt Options) (*Queue, error) {
	pool, err := db.ExtraPool(4)
	if err != nil {
		return nil, err
	}
	q := &Queue{pool: pool, db: db}
	drv := driver(db, pool)
	mig, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: quiet(opt.Log)})
	if err != nil {
		q.closePool()
		return nil, err
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		q.closePool()
		return nil, fmt.Errorf("migrate the job queue: %w", err)
	}
	cfg := &river.Config{
		Logger:       quiet(opt.Log),
		PollOnly:     true, // LISTEN needs a pgx pool; a 1 s poll is plenty for publishing
		JobTimeout:   5 * time.Minute,
		PeriodicJobs: opt.Periodic,
	}
	if opt.Workers != nil {
		cfg.Workers = opt.Workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
		cfg.FetchPollInterval = time.Second
	}
	q.client, err = river.NewClient(drv, cfg)
	if err != nil {
		q.closePool()
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return q, nil
}

// Start works jobs until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish (up to ctx's deadline), then closes the queue.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	q.closePool()
	return err
}

func (q *Queue) closePool() {
	if q.db.Dialect() == store.SQLite {
		q.pool.Close()
	}
}

// InsertTx adds a job in the caller's transaction: it exists if and only if
// the change that needs it commits.
func (q *Queue) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := q.client.InsertTx(ctx, tx.SQLTx(), args, opts)
	return err
}

// quiet drops River's info-level chatter from the site's log.
func quiet(log *slog.Logger) *slog.Logger {
	if log == nil {
		log = slog.Default()
	}
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(a), f.min}
}

func (f levelFilter) WithGroup(name string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(name), f.min}
}
