// Package settings keeps the site-wide settings (title, language, date
// style…) as key/value rows, read into one typed struct.
package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// Topic is the change-notice topic for settings; pages depend on them.
const Topic = "settings"

// ErrInvalid marks settings that cannot be saved.
var ErrInvalid = errors.New("invalid settings")

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
	// Permalink is the address style of posts: "slug", "date" or "month".
	Permalink string `json:"permalink"`
	// PublisherLogo is a site path or URL for JSON-LD's publisher logo.
	PublisherLogo string `json:"publisher_logo"`
	// Nav replaces the default navigation (the top-level sections) when set.
	Nav []Link `json:"nav,omitempty"`
	// Social links are shown in the footer (rel="me").
	Social []Link `json:"social,omitempty"`

	// ArchiveDays makes posts older than that many days members-only (0: off).
	ArchiveDays int `json:"archive_days"`
	// Gate is how a locked post shows to readers without access: "soft"
	// (the rest can still be revealed, as "continue reading") or "hard".
	Gate string `json:"gate"`
	// TeaserParagraphs is how much of a locked post everyone may read.
	TeaserParagraphs int `json:"teaser_paragraphs"`

	// Comments are the readers' comment rules; they apply to the next
	// comment, without a restart.
	Comments Comments `json:"comments"`
}

// Comments are the comment settings (WordPress's Settings › Discussion).
// Depth 0 marks settings saved before comments existed (or built without
// them): Validate and Site then give the defaults.
type Comments struct {
	// OpenByDefault: new posts accept comments; their editor may close them.
	OpenByDefault bool `json:"open_by_default"`
	// Depth is how many levels threads may have, 1 (flat) to 10.
	Depth int `json:"depth"`
	// CloseAfterDays closes comments on posts published that many days ago
	// or more; 0 never does.
	CloseAfterDays int `json:"close_after_days"`
	// HoldAll holds every reader's comment for a moderator.
	HoldAll bool `json:"hold_all"`
	// MaxLinks holds a comment with more links than this; 0 holds any
	// comment with a link.
	MaxLinks int `json:"max_links"`
	// AkismetKey turns on Akismet's spam check when set.
	AkismetKey APIKey `json:"akismet_key,omitempty"`
}

// DefaultComments are the comment settings of a new site.
func DefaultComments() Comments {
	return Comments{OpenByDefault: true, Depth: 5, MaxLinks: 2}
}

// APIKey is a secret kept in the settings. It prints as a mask, so that a
// log line or an error message that includes settings never shows it; the
// key itself is string(k).
type APIKey string

// String masks the key.
func (k APIKey) String() string {
	if k == "" {
		return ""
	}
	return "[redacted]"
}

// GoString masks the key in %#v.
func (k APIKey) GoString() string { return k.String() }

// LogValue masks the key in structured logs.
func (k APIKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// Hint is what a form may show of a set key: its last four characters.
func (k APIKey) Hint() string {
	if len(k) < 12 {
		return strings.Repeat("•", len(k))
	}
	return "••••••••" + string(k[len(k)-4:])
}

// akismetKey is the shape of an Akismet API key: it becomes a host name
// label (KEY.rest.akismet.com), so letters and digits only.
var akismetKey = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// Link is a labelled address in a menu.
type Link struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Validate checks settings an editor typed, so that a mistake is a message
// on the form and never a broken site.
func (s *Site) Validate() error {
	bad := func(f string, a ...any) error { return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(f, a...)) }
	s.Title = strings.TrimSpace(s.Title)
	if s.Title == "" || utf8.RuneCountInString(s.Title) > 100 {
		return bad("the site title must have 1 to 100 characters")
	}
	if utf8.RuneCountInString(s.Description) > 300 {
		return bad("the description is longer than 300 characters")
	}
	if s.Lang != "ar" && s.Lang != "en" {
		return bad("the site language must be ar or en")
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" || s.Timezone == "Local" {
		return bad("unknown time zone %q (use a name such as Asia/Riyadh)", s.Timezone)
	}
	if s.Digits != "latin" && s.Digits != "arabic" {
		return bad("digits must be latin or arabic")
	}
	if s.Months != "standard" && s.Months != "levant" && s.Months != "maghreb" {
		return bad("month names must be standard, levant or maghreb")
	}
	if s.PostsPerPage < 1 || s.PostsPerPage > 100 {
		return bad("posts per page must be between 1 and 100")
	}
	if s.Permalink == "" {
		s.Permalink = "slug"
	}
	if s.Permalink != "slug" && s.Permalink != "date" && s.Permalink != "month" {
		return bad("the permalink style must be slug, date or month")
	}
	if s.Gate == "" { // settings from before the gate existed: its defaults
		s.Gate = "soft"
		if s.TeaserParagraphs == 0 {
			s.TeaserParagraphs = 2
		}
	}
	if s.Gate != "soft" && s.Gate != "hard" {
		return bad("the gate must be soft or hard")
	}
	if s.ArchiveDays < 0 || s.ArchiveDays > 36500 || s.TeaserParagraphs < 0 || s.TeaserParagraphs > 20 {
		return bad("archive days must be 0 to 36500 and teaser paragraphs 0 to 20")
	}
	if s.PublisherLogo != "" && !safeURL(s.PublisherLogo) {
		return bad("the logo must be a path on this site or an http(s) address")
	}
	if err := s.Comments.validate(); err != nil {
		return bad("%s", err)
	}
	for _, l := range append(append([]Link{}, s.Nav...), s.Social...) {
		if strings.TrimSpace(l.Name) == "" || !safeURL(l.URL) {
			return bad("menu item %q needs a name and a path or http(s) address", l.Name)
		}
	}
	if len(s.Nav) > 30 || len(s.Social) > 20 {
		return bad("too many menu items")
	}
	return nil
}

func (c *Comments) validate() error {
	if c.Depth == 0 { // settings from before comments existed: their defaults
		key := c.AkismetKey
		*c = DefaultComments()
		c.AkismetKey = key
	}
	c.AkismetKey = APIKey(strings.TrimSpace(string(c.AkismetKey)))
	switch {
	case c.Depth < 1 || c.Depth > 10:
		return errors.New("the comment thread depth must be 1 to 10")
	case c.CloseAfterDays < 0 || c.CloseAfterDays > 36500:
		return errors.New("comments close after 0 to 36500 days (0: never)")
	case c.MaxLinks < 0 || c.MaxLinks > 100:
		return errors.New("the number of links before a comment is held must be 0 to 100")
	case c.AkismetKey != "" && !akismetKey.MatchString(string(c.AkismetKey)):
		return errors.New("an Akismet API key has only letters and digits")
	}
	return nil
}

// safeURL accepts site paths and http(s) addresses, nothing that runs script.
func safeURL(u string) bool {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return true
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// Defaults are the settings of a new site.
func Defaults() Site {
	return Site{
		Title:            "نشرة",
		Description:      "أخبار ومقالات",
		Lang:             "ar",
		Timezone:         "UTC",
		Digits:           "latin",
		Months:           "standard",
		PostsPerPage:     10,
		Permalink:        "slug",
		Gate:             "soft",
		TeaserParagraphs: 2,
		Comments:         DefaultComments(),
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
	if site.Permalink == "" {
		site.Permalink = "slug"
	}
	if site.Gate == "" {
		site.Gate, site.TeaserParagraphs = "soft", 2
	}
	if site.Comments.validate() != nil {
		key := site.Comments.AkismetKey
		site.Comments = DefaultComments()
		if akismetKey.MatchString(string(key)) {
			site.Comments.AkismetKey = key
		}
	}
	return site, nil
}

// SaveSite stores the site settings and tells every node.
func (s *Service) SaveSite(ctx context.Context, site Site) error {
	if err := site.Validate(); err != nil {
		return err
	}
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
