package comments

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Purge ages used by PurgeWorker when its own are zero: WordPress empties
// the trash after 30 days; spam is kept as long, for review.
const (
	DefaultSpamAge  = 30 * 24 * time.Hour
	DefaultTrashAge = 30 * 24 * time.Hour
)

// PurgeArgs is the daily job that deletes old spam and trash for good.
type PurgeArgs struct{}

// Kind names the job.
func (PurgeArgs) Kind() string { return "comments.purge" }

// PurgeWorker works PurgeArgs with Service.Purge. Any node may work it:
// Purge re-reads each comment under lock, so a comment restored meanwhile
// stays.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	Comments *Service
	// SpamAge and TrashAge are how old spam and trash must be to go; zero
	// means DefaultSpamAge and DefaultTrashAge.
	SpamAge, TrashAge time.Duration
	Log               *slog.Logger // nil: the service's
}

// Work purges, and logs how many comments went.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	spam, trash := w.SpamAge, w.TrashAge
	if spam == 0 {
		spam = DefaultSpamAge
	}
	if trash == 0 {
		trash = DefaultTrashAge
	}
	n, err := w.Comments.Purge(ctx, spam, trash)
	log := w.Log
	if log == nil {
		log = w.Comments.opt.Log
	}
	if n > 0 {
		log.Info("comments purged", "deleted", n)
	}
	return err
}

// PeriodicPurge is the purge's schedule for internal/app: daily, and once
// when the queue starts (a site restarted more often than daily would
// otherwise never purge; a purge with nothing to do is one query).
func PeriodicPurge() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
