// Package content owns what a newsroom publishes: posts and pages, their
// authors, categories and tags, slugs and their history, and the Markdown
// that becomes each article's HTML.
package content

import (
	"errors"
	"strconv"
	"time"
	"unicode/utf8"
)

// Status is where a post stands in its life.
type Status string

const (
	Draft     Status = "draft"
	Scheduled Status = "scheduled"
	Published Status = "published"
)

// Type tells posts (dated news) from pages (timeless: about, contact).
type Type string

const (
	TypePost Type = "post"
	TypePage Type = "page"
)

// Errors the web layer turns into answers.
var (
	ErrNotFound = errors.New("content not found")
	ErrGone     = errors.New("content was deleted")
	ErrInvalid  = errors.New("invalid content")
)

// ConflictError is returned when a save names a version that is no longer
// the current one: someone else saved meanwhile. Current is their version, so
// the editor can show both and lose nothing.
type ConflictError struct{ Current *Post }

func (e *ConflictError) Error() string {
	return "the post was changed by someone else (now version " + itoa(e.Current.Version) + ")"
}

func itoa(n int) string { return strconv.Itoa(n) }

// Moved is returned by Lookup when the slug asked for is an old one: the
// caller should redirect permanently to the post's current slug.
type Moved struct{ Slug string }

func (m *Moved) Error() string { return "moved to " + m.Slug }

// Image is a post's featured image.
type Image struct {
	URL, Alt, Caption, Credit string
	Width, Height             int
	SrcSet                    string // responsive sizes, when the image is from the media library
}

// Source credits the outlet a story came from. A wire story translated by
// machine says so: Translated with Lang the original language.
type Source struct {
	Name, URL, Lang string
	Translated      bool
}

// Author is a staff member as shown on the public site.
type Author struct {
	ID              int64
	Name, Slug, Bio string
}

// Category is a section of the site; categories nest.
type Category struct {
	ID, ParentID            int64
	Slug, Name, Description string
	Position                int
}

// Tag is a free keyword.
type Tag struct {
	ID                      int64
	Slug, Name, Description string
}

// Post is a post or a page.
type Post struct {
	ID               int64
	Type             Type
	Slug             string
	Title            string
	Standfirst       string
	BodyMD           string
	BodyHTML         string
	Status           Status
	Visibility       string
	Lang, Dir        string
	CategoryID       int64 // the primary category, shown as the kicker
	PublishedAt      time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Featured         Image
	Source           Source
	CanonicalURL     string
	TranslationGroup string // posts sharing it are language editions of one story
	SEOTitle         string
	SEODescription   string
	WordCount        int
	Version          int    // counts saves; an edit must name the version it started from
	PreviewToken     string // secret for the draft preview link; empty when none was made
	CommentsOpen     bool   // the editor's switch (posts.comment_status); internal/comments adds the age rule

	// Filled by the loaders that need them.
	Authors    []Author
	Categories []Category
	Tags       []Tag
}

// Live reports whether the public may see the post at time now.
func (p *Post) Live(now time.Time) bool {
	return p.Status == Published && !p.PublishedAt.After(now)
}

// Category returns the primary category, if loaded.
func (p *Post) Category() *Category {
	for i := range p.Categories {
		if p.Categories[i].ID == p.CategoryID {
			return &p.Categories[i]
		}
	}
	if len(p.Categories) > 0 {
		return &p.Categories[0]
	}
	return nil
}

// plausibleSlug rejects, before any query, slugs no post can have: invalid
// UTF-8, control characters (PostgreSQL refuses NUL in text) or absurd length.
func plausibleSlug(s string) bool {
	if s == "" || len(s) > 1024 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
