package media

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Options are the upload limits and the responsive sizes. A zero field takes
// its default.
type Options struct {
	// MaxBytes caps the size of an uploaded file. Default 20 MiB.
	MaxBytes int64
	// MaxPixels caps width×height. Default 50 megapixels: a decoded image
	// costs 4 bytes a pixel, so the limit bounds one upload's memory to
	// about 200 MB plus its resized copies.
	MaxPixels int64
	// MaxSide caps the width and the height. Default 12,000 px.
	MaxSide int
	// Widths are the responsive sizes made for each image narrower than the
	// original. Default 480, 960, 1600.
	Widths []int
	// JPEGQuality is used when writing JPEG files. Default 85.
	JPEGQuality int
	// MaxConcurrent bounds how many uploads are decoded and resized at once,
	// since each may hold hundreds of megabytes; later ones wait their turn
	// (or until their context ends). Default 2.
	MaxConcurrent int
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 20 << 20
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = 50_000_000
	}
	if o.MaxSide <= 0 {
		o.MaxSide = 12_000
	}
	if len(o.Widths) == 0 {
		o.Widths = []int{480, 960, 1600}
	}
	o.Widths = slices.DeleteFunc(slices.Clone(o.Widths), func(w int) bool { return w <= 0 })
	slices.Sort(o.Widths)
	o.Widths = slices.Compact(o.Widths)
	if o.JPEGQuality <= 0 || o.JPEGQuality > 100 {
		o.JPEGQuality = 85
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 2
	}
	return o
}

// Service is the media library over a database and a file storage.
type Service struct {
	db    *store.DB
	st    Storage
	now   func() time.Time
	opt   Options
	slots chan struct{} // one token per upload being decoded
}

// New returns the media service. now is the clock (time.Now when nil); it
// dates the items and names the YYYY/MM folder of their files.
func New(db *store.DB, st Storage, now func() time.Time, opt Options) *Service {
	if now == nil {
		now = time.Now
	}
	opt = opt.withDefaults()
	return &Service{db: db, st: st, now: now, opt: opt, slots: make(chan struct{}, opt.MaxConcurrent)}
}

// Options are the limits in force, defaults filled in; the web layer uses
// MaxBytes to cap request bodies before they reach Upload.
func (s *Service) Options() Options {
	o := s.opt
	o.Widths = slices.Clone(o.Widths)
	return o
}

// Storage is where the files are, for the web layer that serves them.
func (s *Service) Storage() Storage { return s.st }

// acquire waits for a decoding slot; the returned func gives it back.
func (s *Service) acquire(ctx context.Context) (func(), error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Item is one image of the library. URLs come from the storage when the item
// is read, not from the database, so moving the files behind a CDN changes
// every URL at once.
type Item struct {
	ID         int64     `json:"id"`
	StorageKey string    `json:"storage_key"`
	URL        string    `json:"url"`
	Filename   string    `json:"filename"` // as uploaded, for people; never used as a path
	MIME       string    `json:"mime"`     // the real type, sniffed: image/jpeg, image/png, image/gif, image/webp
	Width      int       `json:"width"`
	Height     int       `json:"height"`
	Bytes      int64     `json:"bytes"` // size of the stored (cleaned) original
	Alt        string    `json:"alt"`
	Caption    string    `json:"caption"`
	Credit     string    `json:"credit"`
	Variants   []Variant `json:"variants"` // narrowest first
	UploadedBy int64     `json:"uploaded_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Variant is a smaller copy of an image, for srcset.
type Variant struct {
	Width int    `json:"width"`
	URL   string `json:"url"`
	MIME  string `json:"mime"`
}

// SrcSet is the value of an <img srcset> attribute: every variant, then the
// original, each with its width ("…-480w.jpg 480w, …, ….jpg 2400w"). Pair it
// with a sizes attribute, or browsers assume the image fills the viewport.
func (it Item) SrcSet() string {
	var b strings.Builder
	for _, v := range it.Variants {
		b.WriteString(v.URL)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v.Width))
		b.WriteString("w, ")
	}
	b.WriteString(it.URL)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(it.Width))
	b.WriteByte('w')
	return b.String()
}

// dbTime is how times are stored: UTC, whole seconds, so that SQLite's text
// form sorts and compares like PostgreSQL's timestamps.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
