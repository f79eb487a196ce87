package content

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/store"
)

// Enqueuer inserts a background job in a transaction (the jobs package's
// Queue). Content declares only what it needs of it.
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// SetQueue makes scheduled posts go live through jobs on q. Without a queue
// (commands that do not serve) a scheduled post is published by the
// periodic sweep of the next server that runs.
func (s *Service) SetQueue(q Enqueuer) { s.queue = q }

// PublishArgs is the job that publishes one scheduled post at its time.
type PublishArgs struct {
	PostID int64 `json:"post_id"`
}

// Kind names the job.
func (PublishArgs) Kind() string { return "content.publish" }

// PublishWorker works PublishArgs.
type PublishWorker struct {
	river.WorkerDefaults[PublishArgs]
	Content *Service
	Log     *slog.Logger
	// OnPublished, when set, runs after a post goes live (the newsletter's
	// email of a scheduled post). Its error is logged, not retried: the
	// newsletter's own sweep is the safety net.
	OnPublished func(ctx context.Context, postID int64) error
}

// Work publishes the post if it is still scheduled and due. A post that was
// rescheduled later has its own, later job; one unscheduled has nothing to do.
func (w *PublishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	published, err := w.Content.PublishDue(ctx, job.Args.PostID, w.Log)
	if err == nil && published {
		afterPublish(ctx, w.OnPublished, job.Args.PostID, w.Log)
	}
	return err
}

// afterPublish runs the OnPublished hook and logs its error.
func afterPublish(ctx context.Context, hook func(context.Context, int64) error, id int64, log *slog.Logger) {
	if hook == nil {
		return
	}
	if err := hook(ctx, id); err != nil && log != nil {
		log.Error("after publishing", "post_id", id, "err", err)
	}
}

// SweepArgs is the periodic safety net: it publishes every overdue scheduled
// post (one imported, or whose job was lost with a restored backup).
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "content.publish_sweep" }

// SweepWorker works SweepArgs.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Content *Service
	Log     *slog.Logger
	// OnPublished runs after each post the sweep publishes, as the publish
	// job's: the sweep may get to a due post before its job does, and the
	// post's email must not then wait for the newsletter's own sweep.
	OnPublished func(ctx context.Context, postID int64) error
}

// Work publishes what is overdue.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	ids, err := store.Int64s(w.Content.db.Query(ctx, "SELECT id FROM posts WHERE status = 'scheduled' AND published_at <= ?", w.Content.Now()))
	if err != nil {
		return err
	}
	for _, id := range ids {
		published, err := w.Content.PublishDue(ctx, id, w.Log)
		if err != nil {
			return err
		}
		if published {
			afterPublish(ctx, w.OnPublished, id, w.Log)
		}
	}
	return nil
}

// PublishDue moves a scheduled post whose time has come to published. The
// conditional UPDATE makes it happen once, whichever node's job gets there.
func (s *Service) PublishDue(ctx context.Context, id int64, log *slog.Logger) (bool, error) {
	now := s.Now()
	published := false
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE posts SET status = 'published', version = version + 1, updated_at = ?
			WHERE id = ? AND status = 'scheduled' AND published_at <= ?`, now, id, now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		published = true
		return tx.Notify(ctx, Topic)
	})
	if published && log != nil {
		log.Info("published scheduled post", "post_id", id)
	}
	return published, err
}

// schedule inserts the job that will publish a scheduled post.
func (s *Service) schedule(ctx context.Context, tx *store.Tx, id int64, at time.Time) error {
	if s.queue == nil {
		return nil
	}
	return s.queue.InsertTx(ctx, tx, PublishArgs{PostID: id}, &river.InsertOpts{ScheduledAt: at, MaxAttempts: 10})
}
