package content

import (
	"time"

	"nashra.dev/nashra/internal/store"
)

// Topic is the change-notice topic sent whenever published content may have
// changed; page caches listen for it.
const Topic = "content"

// Service is the content domain over a store.
type Service struct {
	db    *store.DB
	md    *Renderer
	now   func() time.Time
	queue Enqueuer // nil until SetQueue
}

// New returns the content service. now is the clock (time.Now in production,
// a fixed clock in tests).
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, md: NewRenderer(), now: now}
}

// Now is the service's clock, in UTC and whole seconds as stored.
func (s *Service) Now() time.Time { return dbTime(s.now()) }

// Renderer exposes the Markdown pipeline (previews, imports).
func (s *Service) Renderer() *Renderer { return s.md }

// dbTime is how every time is stored: UTC, whole seconds, so that SQLite's
// text form sorts and compares the same as PostgreSQL's timestamps.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
