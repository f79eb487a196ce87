package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/jobs"
	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/members"
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
	Media    *media.Service
	Members  *members.Service
	Queue    *jobs.Queue
	Mail     mail.Transport // nil: the outbox folder, unsigned (tests)
}

func (s *Services) mailer(cfg config.Server) mail.Sender {
	if s.Mail != nil {
		return s.Mail
	}
	return mail.Outbox{Dir: filepath.Join(cfg.Data, "outbox")}
}

// MediaStorage chooses where uploads live: S3-compatible storage when an
// endpoint is configured, DATA/uploads otherwise.
func MediaStorage(ctx context.Context, data string, s3 config.S3) (media.Storage, error) {
	if s3.Endpoint == "" {
		return media.NewDiskStorage(data), nil
	}
	st, err := media.NewS3Storage(ctx, media.S3Config{Endpoint: s3.Endpoint, Bucket: s3.Bucket, AccessKey: s3.AccessKey,
		SecretKey: s3.SecretKey, Region: s3.Region, UseTLS: !s3.Insecure, PublicURL: s3.PublicURL})
	if err != nil {
		return nil, fmt.Errorf("media storage: %w", err)
	}
	return st, nil
}

// NewServices builds the domain services and the job queue with every
// domain's workers registered. The queue is not started.
func NewServices(ctx context.Context, db *store.DB, st media.Storage, log *slog.Logger) (*Services, error) {
	s := &Services{DB: db, Content: content.New(db, time.Now), Staff: staff.New(db, time.Now), Settings: settings.New(db),
		Media: media.New(db, st, time.Now, media.Options{})}
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

// startReaders builds the readers' service once the site's URL and mail are
// known (NewServer calls it).
func (s *Services) startReaders(cfg config.Server, log *slog.Logger) {
	if s.Members != nil {
		return
	}
	title := func() string {
		site, err := s.Settings.Site(context.Background())
		if err != nil {
			return ""
		}
		return site.Title
	}
	s.Members = members.New(s.DB, s.mailer(cfg), time.Now, members.Options{BaseURL: cfg.URL, SiteTitle: title, Log: log,
		AllowReservedDomains: cfg.AllowTestDomains})
}
