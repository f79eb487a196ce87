// Package settings keeps the site-wide settings (title, language, date
// style…) as key/value rows, read into one typed struct.
package settings

import (
	"context"
	"encoding/json"
	"fmt"

	"nashra.dev/nashra/internal/store"
)

// Topic is the change-notice topic for settings; pages depend on them.
const Topic = "settings"

// Site holds what the public site needs to know about itself. The zero value
// is never used: Defaults fills it.
type Site struct {
	Title        string `json:"title"`
	Description  string `json:"description"`
	Lang         string `json:"lang"`
	Timezone     string `json:"timezone"`
	Digits       string `json:"digits"` // "latin" or "arabic"
	Months       string `json:"months"` // "standard", "levant" or "maghreb"
	Hijri        bool   `json:"hijri"`
	PostsPerPage int    `json:"posts_per_page"`
	// PublisherLogo is a site path or URL for JSON-LD's publisher logo.
	PublisherLogo string `json:"publisher_logo"`
}

// Defaults are the settings of a new site.
func Defaults() Site {
	return Site{
		Title:        "نشرة",
		Description:  "أخبار ومقالات",
		Lang:         "ar",
		Timezone:     "UTC",
		Digits:       "latin",
		Months:       "standard",
		PostsPerPage: 10,
	}
}

// Service reads and writes settings.
type Service struct{ db *store.DB }

// New returns the settings service.
func New(db *store.DB) *Service { return &Service{db: db} }

// Site loads the site settings over the defaults.
func (s *Service) Site(ctx context.Context) (Site, error) {
	site := Defaults()
	var raw string
	err := s.db.QueryRow(ctx, "SELECT value FROM settings WHERE key = 'site'").Scan(&raw)
	switch {
	case err == store.ErrNotFound:
		return site, nil
	case err != nil:
		return site, err
	}
	if err := json.Unmarshal([]byte(raw), &site); err != nil {
		return Defaults(), fmt.Errorf("site settings are corrupt: %w", err)
	}
	if site.PostsPerPage < 1 || site.PostsPerPage > 100 {
		site.PostsPerPage = 10
	}
	return site, nil
}

// SaveSite stores the site settings and tells every node.
func (s *Service) SaveSite(ctx context.Context, site Site) error {
	raw, err := json.Marshal(site)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('site', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(raw)); err != nil {
			return err
		}
		return tx.Notify(ctx, Topic)
	})
}
