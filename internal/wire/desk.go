package wire

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/wire/translate"
)

// Desk is the wire desk over a store: the sources the newsroom follows,
// polling them, the inbox of items they bring, and turning an item into a
// draft. It is safe for concurrent use.
type Desk struct {
	db      *store.DB
	fetch   *Fetcher
	posts   Posts
	tr      translate.Provider
	log     *slog.Logger
	now     func() time.Time
	opt     DeskOptions
	dialect store.Dialect
}

// Posts is what the desk needs of the content domain (content.Service).
type Posts interface {
	CreatePost(ctx context.Context, in content.PostInput) (*content.Post, error)
}

// DeskOptions tune a Desk; zero fields take the defaults shown.
type DeskOptions struct {
	// Concurrency is how many sources PollDue polls at once (4).
	Concurrency int
	// SourceTimeout bounds one source's whole poll, its pages included
	// (2 minutes): a hanging source gives up then, the others go on.
	SourceTimeout time.Duration
	// MaxExtract is how many linked pages one poll may fetch to complete
	// items that came with a summary only (10).
	MaxExtract int
	// ShortText: an item whose text has fewer letters than this is taken
	// as a summary and completed from its page (600).
	ShortText int
	// MaxBackoff caps the wait after failures (24 hours).
	MaxBackoff time.Duration
	// ClusterWindow is how far back a new item's fingerprint is compared
	// with stored ones (3 days).
	ClusterWindow time.Duration
	// Translator is the machine-translation provider; nil: none (the
	// admin then offers no translate button).
	Translator translate.Provider
	// Glossary is passed to every translation.
	Glossary translate.Glossary
	Log      *slog.Logger
	Now      func() time.Time
}

// Errors the web layer turns into answers.
var (
	ErrNotFound       = errors.New("wire: not found")
	ErrInvalid        = errors.New("wire: invalid input")
	ErrAlreadyDrafted = errors.New("wire: the item already has a post")
	ErrNoTranslator   = errors.New("wire: no translation provider is configured")
	ErrNoText         = errors.New("wire: the item has no text")
)

// NewDesk builds the desk. fetch is the SSRF-safe fetcher every feed and
// page goes through (the app's refuses private addresses; tests allow
// loopback); posts is where drafts are made.
func NewDesk(db *store.DB, fetch *Fetcher, posts Posts, opt DeskOptions) *Desk {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	if opt.SourceTimeout <= 0 {
		opt.SourceTimeout = 2 * time.Minute
	}
	if opt.MaxExtract == 0 {
		opt.MaxExtract = 10
	}
	if opt.ShortText <= 0 {
		opt.ShortText = 600
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 24 * time.Hour
	}
	if opt.ClusterWindow <= 0 {
		opt.ClusterWindow = 72 * time.Hour
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if fetch == nil {
		fetch = NewFetcher(FetchConfig{})
	}
	return &Desk{db: db, fetch: fetch, posts: posts, tr: opt.Translator, log: opt.Log, now: opt.Now, opt: opt, dialect: db.Dialect()}
}

// CanTranslate reports whether a translation provider is configured.
func (d *Desk) CanTranslate() bool { return d.tr != nil }

// clock is the desk's time as stored: UTC, whole seconds.
func (d *Desk) clock() time.Time { return d.now().UTC().Truncate(time.Second) }
