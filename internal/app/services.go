package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/jobs"
	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/newsletter"
	"nashra.dev/nashra/internal/search"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/wire"
	"nashra.dev/nashra/internal/wire/translate"
)

// Services are the domain services of one site, sharing its store and job queue.
type Services struct {
	DB         *store.DB
	Content    *content.Service
	Staff      *staff.Service
	Settings   *settings.Service
	Media      *media.Service
	Members    *members.Service
	Newsletter *newsletter.Engine
	Comments   *comments.Service
	Search     *search.Index
	Wire       *wire.Desk
	Queue      *jobs.Queue
	Mail       mail.Transport
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

// ServiceOptions say what the services need from the configuration.
type ServiceOptions struct {
	Storage          media.Storage
	BaseURL          string         // the site's public URL (links in mail)
	Data             string         // the data folder (outbox)
	Mail             mail.Transport // nil: the outbox folder, unsigned (tests)
	BulkMail         mail.Transport // newsletters; nil: Mail
	NodeID           string         // names this node in newsletter claims
	AllowTestDomains bool           // subscribers at reserved domains (tests)
	// WireFetch configures the wire desk's fetcher; zero: the defaults,
	// which refuse private and loopback addresses.
	WireFetch wire.FetchConfig
	// Translator and Glossary give the wire desk machine translation (nil: none).
	Translator translate.Provider
	Glossary   translate.Glossary
	// CommentMinFill is the comment form's minimum fill time (0: the
	// comments package's default, 3 s); tests shorten it.
	CommentMinFill time.Duration
}

// NewServices builds the domain services and the job queue with every
// domain's workers registered. The queue is not started.
func NewServices(ctx context.Context, db *store.DB, opt ServiceOptions, log *slog.Logger) (*Services, error) {
	s := &Services{DB: db, Content: content.New(db, time.Now), Staff: staff.New(db, time.Now), Settings: settings.New(db),
		Media: media.New(db, opt.Storage, time.Now, media.Options{}), Mail: opt.Mail}
	if s.Mail == nil {
		s.Mail = mail.Outbox{Dir: filepath.Join(opt.Data, "outbox")}
	}
	title := func() string {
		site, err := s.Settings.Site(context.Background())
		if err != nil {
			return ""
		}
		return site.Title
	}
	s.Members = members.New(db, s.Mail, time.Now, members.Options{BaseURL: opt.BaseURL, SiteTitle: title, Log: log,
		AllowReservedDomains: opt.AllowTestDomains})
	secret, err := s.Settings.Secret(ctx, "unsubscribe")
	if err != nil {
		return nil, err
	}
	bulk := opt.BulkMail
	if bulk == nil {
		bulk = s.Mail
	}
	siteLoc := func(ctx context.Context) (settings.Site, *time.Location) {
		site, err := s.Settings.Site(ctx)
		if err != nil {
			return site, time.UTC
		}
		loc, err := time.LoadLocation(site.Timezone)
		if err != nil {
			return site, time.UTC
		}
		return site, loc
	}
	base := strings.TrimSuffix(opt.BaseURL, "/")
	s.Newsletter, err = newsletter.New(db, bulk, time.Now, newsletter.Options{BaseURL: opt.BaseURL, NodeID: opt.NodeID,
		UnsubscribeSecret: secret, Log: log, Posts: s.Content,
		Location: func(ctx context.Context) *time.Location { _, loc := siteLoc(ctx); return loc },
		PostURL: func(p *content.Post) string {
			site, loc := siteLoc(context.Background())
			return base + content.Permalink(p, site.Permalink, loc)
		}})
	if err != nil {
		return nil, err
	}

	commentSecret, err := s.Settings.Secret(ctx, "comments")
	if err != nil {
		return nil, err
	}
	s.Comments, err = comments.New(db, s.Mail, comments.Options{Secret: commentSecret, BaseURL: opt.BaseURL, SiteTitle: title,
		MinFillTime: opt.CommentMinFill, Log: log, Policy: commentPolicy(s.Settings, base+"/", log), Permalink: func(p comments.PostRef) string {
			site, loc := siteLoc(context.Background())
			return content.Permalink(&content.Post{Slug: p.Slug, Type: content.Type(p.Type), PublishedAt: p.PublishedAt}, site.Permalink, loc)
		}})
	if err != nil {
		return nil, err
	}

	s.Search = search.New(db, time.Now)

	s.Wire = wire.NewDesk(db, wire.NewFetcher(opt.WireFetch), s.Content, wire.DeskOptions{Log: log,
		Translator: opt.Translator, Glossary: opt.Glossary})

	workers := river.NewWorkers()
	emailOnPublish := func(ctx context.Context, id int64) error { _, err := s.Newsletter.SendOnPublish(ctx, id); return err }
	river.AddWorker(workers, &content.PublishWorker{Content: s.Content, Log: log, OnPublished: emailOnPublish})
	river.AddWorker(workers, &content.SweepWorker{Content: s.Content, Log: log, OnPublished: emailOnPublish})
	river.AddWorker(workers, &newsletter.SendWorker{Engine: s.Newsletter})
	river.AddWorker(workers, &newsletter.SweepWorker{Engine: s.Newsletter})
	river.AddWorker(workers, &newsletter.DigestWorker{Engine: s.Newsletter})
	river.AddWorker(workers, &comments.PurgeWorker{Comments: s.Comments, Log: log})
	river.AddWorker(workers, &wire.PollWorker{Desk: s.Wire})
	sweep := river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return content.SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})
	q, err := jobs.Open(ctx, db, jobs.Options{Workers: workers, Periodic: []*river.PeriodicJob{sweep, newsletter.PeriodicSweep(), newsletter.PeriodicDigests(),
		comments.PeriodicPurge(), wire.PeriodicPoll()}, Log: log})
	if err != nil {
		return nil, err
	}
	s.Queue = q
	s.Content.SetQueue(q)
	s.Newsletter.SetQueue(q)
	return s, nil
}

// commentPolicy reads the comment rules from the site settings on each
// call, so that an editor's change applies to the next comment without a
// restart. The Akismet checker is rebuilt only when the key changes. If
// the settings cannot be read, every comment is held: a moderator then
// decides, rather than rules nobody chose.
func commentPolicy(set *settings.Service, blog string, log *slog.Logger) func(context.Context) comments.Policy {
	var (
		mu      sync.Mutex
		key     settings.APIKey
		akismet *comments.Akismet
	)
	return func(ctx context.Context) comments.Policy {
		site, err := set.Site(ctx)
		if err != nil {
			log.Warn("comment settings unreadable; holding every comment", "err", err)
			return comments.Policy{HoldAll: true}
		}
		c := site.Comments
		p := comments.Policy{MaxDepth: c.Depth, CloseAfterDays: c.CloseAfterDays, HoldAll: c.HoldAll, MaxLinks: c.MaxLinks}
		if c.MaxLinks == 0 { // the setting's 0 is "no link"; the Policy's is "the default"
			p.MaxLinks = -1
		}
		if c.AkismetKey != "" {
			mu.Lock()
			if akismet == nil || key != c.AkismetKey {
				key, akismet = c.AkismetKey, &comments.Akismet{Key: string(c.AkismetKey), Blog: blog}
			}
			p.Checker = akismet
			mu.Unlock()
		}
		return p
	}
}
