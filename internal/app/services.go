package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/jobs"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

// Services are the domain services of one site, sharing its store and job queue.
type Services struct {
	DB       *store.DB
	Content  *content.Service
	Staff    *staff.Service
	Settings *settings.Service
	Queue    *jobs.Queue
}

// NewServices builds the domain services and the job queue with every
// domain's workers registered. The queue is not started.
func NewServices(ctx context.Context, db *store.DB, log *slog.Logger) (*Services, error) {
	s := &Services{DB: db, Content: content.New(db, time.Now), Staff: staff.New(db, time.Now), Settings: settings.New(db)}
	workers := river.NewWorkers()
	river.AddWorker(workers, &content.PublishWorker{Content: s.Content, Log: log})
	river.AddWorker(workers, &content.SweepWorker{Content: s.Content, Log: log})
	sweep := river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return content.SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
	q, err := jobs.Open(ctx, db, jobs.Options{Workers: workers, Periodic: []*river.PeriodicJob{sweep}, Log: log})
	if err != nil {
		return nil, err
	}
	s.Queue = q
	s.Content.SetQueue(q)
	return s, nil
}
