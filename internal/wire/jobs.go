package wire

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PollArgs is the periodic job that polls the due sources.
type PollArgs struct{}

// Kind names the job.
func (PollArgs) Kind() string { return "wire.poll_due" }

// PollWorker works PollArgs.
type PollWorker struct {
	river.WorkerDefaults[PollArgs]
	Desk *Desk
}

// Work polls every due source. A source's failure is recorded on the
// source, not returned: the job fails only when the desk itself cannot
// work (the database), so River retries only what a retry can mend.
func (w *PollWorker) Work(ctx context.Context, _ *river.Job[PollArgs]) error {
	results, err := w.Desk.PollDue(ctx)
	for _, r := range results {
		if r.Err != nil {
			continue // logged and recorded by the poll
		}
		if r.New > 0 {
			w.Desk.log.Info("wire: polled", "source", r.SourceID, "new", r.New, "published", r.Published)
		}
	}
	return err
}

// Timeout: the polls bound themselves (SourceTimeout each, a few at once);
// leave room for a full round of them.
func (w *PollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 15 * time.Minute }

// PeriodicPoll is the poll's schedule for internal/app: every minute, and
// once when the queue starts. Two rounds may overlap when one is slow; the
// claim in PollDue keeps them from polling the same source.
func PeriodicPoll() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return PollArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
