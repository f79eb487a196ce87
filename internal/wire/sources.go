package wire

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// Mode says what happens to a source's new items.
type Mode string

const (
	// ModeReview leaves new items in the inbox for an editor.
	ModeReview Mode = "review"
	// ModeAuto publishes new items that pass the keyword filters at once.
	ModeAuto Mode = "auto"
)

// Source statuses.
const (
	StatusNever = "never"
	StatusOK    = "ok"
	StatusError = "error"
)

// Source is a feed the newsroom follows.
type Source struct {
	ID              int64
	Name            string
	URL             string
	Lang            string // "" : from the feed, else detected
	CategoryID      int64  // 0: none
	IntervalMinutes int
	Mode            Mode
	Include         string // keywords, one per line
	Exclude         string
	Active          bool
	CreatedBy       int64
	ETag            string
	LastModified    string
	LastPolledAt    time.Time // zero: never
	NextPollAt      time.Time
	LastStatus      string // StatusNever, StatusOK or StatusError
	// LastErrorKind is the kind of the last failure ("timeout",
	// "too_large", "redirects", "blocked", "unreachable", "http_status",
	// "malformed", "other"); LastError its one-line message.
	LastErrorKind string
	LastError     string
	ErrorCount    int
	ItemsFound    int
	CreatedAt     time.Time
}

// SourceInput is what an editor submits for a source.
type SourceInput struct {
	Name            string
	URL             string
	Lang            string
	CategoryID      int64
	IntervalMinutes int // 0: 30
	Mode            Mode
	Include         string
	Exclude         string
	Active          bool
	CreatedBy       int64
}

// InvalidError is a refused SourceInput: Field names the form field, Msg
// says why in English (the admin words it by Field and Code).
type InvalidError struct {
	Field, Code, Msg string
}

func (e *InvalidError) Error() string { return e.Msg }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

var sourceLangRE = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

func (in *SourceInput) validate() error {
	bad := func(field, code, format string, a ...any) error {
		return &InvalidError{Field: field, Code: code, Msg: fmt.Sprintf(format, a...)}
	}
	in.Name = strings.TrimSpace(in.Name)
	in.URL = strings.TrimSpace(in.URL)
	in.Lang = strings.ToLower(strings.TrimSpace(in.Lang))
	in.Include = normalizeKeywords(in.Include)
	in.Exclude = normalizeKeywords(in.Exclude)
	for _, s := range []string{in.Name, in.URL, in.Include, in.Exclude} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return bad("name", "bad_text", "the text is not valid UTF-8")
		}
	}
	switch {
	case in.Name == "":
		return bad("name", "required", "a name is required")
	case utf8.RuneCountInString(in.Name) > 200:
		return bad("name", "too_long", "the name is longer than 200 characters")
	case in.URL == "":
		return bad("url", "required", "the feed's address is required")
	case len(in.URL) > 2000:
		return bad("url", "too_long", "the address is longer than 2000 characters")
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return bad("url", "bad_url", "the feed's address must be an http:// or https:// URL")
	}
	if in.Lang != "" && !sourceLangRE.MatchString(in.Lang) {
		return bad("lang", "bad_lang", "the language must be a code such as ar or en")
	}
	if in.IntervalMinutes == 0 {
		in.IntervalMinutes = 30
	}
	if in.IntervalMinutes < 5 || in.IntervalMinutes > 1440 {
		return bad("interval", "bad_interval", "the interval must be between 5 and 1440 minutes")
	}
	switch in.Mode {
	case "":
		in.Mode = ModeReview
	case ModeReview, ModeAuto:
	default:
		return bad("mode", "bad_mode", "the mode must be review or auto")
	}
	if in.CategoryID < 0 {
		return bad("category", "bad_category", "unknown section")
	}
	if len(in.Include) > 4000 || len(in.Exclude) > 4000 {
		return bad("include", "too_long", "the keyword lists are longer than 4000 characters")
	}
	return nil
}

// normalizeKeywords keeps one trimmed keyword per line (commas separate
// too), without empty lines.
func normalizeKeywords(s string) string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '،' }) {
		if w := strings.TrimSpace(line); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, "\n")
}

const sourceColumns = `id, name, url, lang, category_id, interval_minutes, mode, include_keywords, exclude_keywords, active,
	created_by, etag, last_modified, last_polled_at, next_poll_at, last_status, last_error_kind, last_error, error_count,
	items_found, created_at`

func scanSource(sc interface{ Scan(...any) error }) (*Source, error) {
	var s Source
	var cat, by sql.NullInt64
	var polled sql.NullTime
	err := sc.Scan(&s.ID, &s.Name, &s.URL, &s.Lang, &cat, &s.IntervalMinutes, &s.Mode, &s.Include, &s.Exclude, &s.Active,
		&by, &s.ETag, &s.LastModified, &polled, &s.NextPollAt, &s.LastStatus, &s.LastErrorKind, &s.LastError, &s.ErrorCount,
		&s.ItemsFound, &s.CreatedAt)
	if err != nil {
		return nil, err
	}
	s.CategoryID, s.CreatedBy = cat.Int64, by.Int64
	if polled.Valid {
		s.LastPolledAt = polled.Time.UTC()
	}
	s.NextPollAt, s.CreatedAt = s.NextPollAt.UTC(), s.CreatedAt.UTC()
	return &s, nil
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// sourceErr maps store errors of a source write to the desk's.
func sourceErr(err error) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return &InvalidError{Field: "url", Code: "taken", Msg: "another source already has this address"}
	case errors.Is(err, store.ErrReference):
		return &InvalidError{Field: "category", Code: "bad_category", Msg: "unknown section"}
	}
	return err
}

// CreateSource adds a source; it is due for a first poll at once.
func (d *Desk) CreateSource(ctx context.Context, in SourceInput) (*Source, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := d.clock()
	var id int64
	err := d.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO wire_sources (name, url, lang, category_id, interval_minutes, mode, include_keywords,
		exclude_keywords, active, created_by, next_poll_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, in.URL, in.Lang, nullID(in.CategoryID), in.IntervalMinutes, string(in.Mode), in.Include, in.Exclude, in.Active,
			nullID(in.CreatedBy), now, now).Scan(&id)
	})
	if err != nil {
		return nil, sourceErr(err)
	}
	return d.SourceByID(ctx, id)
}

// UpdateSource changes a source's settings. A changed address forgets the
// old validators and makes the source due at once.
func (d *Desk) UpdateSource(ctx context.Context, id int64, in SourceInput) (*Source, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	old, err := d.SourceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	etag, lm, next := old.ETag, old.LastModified, old.NextPollAt
	if old.URL != in.URL {
		etag, lm, next = "", "", d.clock()
	}
	_, err = d.db.Exec(ctx, `UPDATE wire_sources SET name = ?, url = ?, lang = ?, category_id = ?, interval_minutes = ?, mode = ?,
		include_keywords = ?, exclude_keywords = ?, active = ?, etag = ?, last_modified = ?, next_poll_at = ? WHERE id = ?`,
		in.Name, in.URL, in.Lang, nullID(in.CategoryID), in.IntervalMinutes, string(in.Mode), in.Include, in.Exclude, in.Active,
		etag, lm, next, id)
	if err != nil {
		return nil, sourceErr(err)
	}
	return d.SourceByID(ctx, id)
}

// SetSourceActive pauses or resumes a source; resuming makes it due now.
func (d *Desk) SetSourceActive(ctx context.Context, id int64, active bool) error {
	q := `UPDATE wire_sources SET active = ? WHERE id = ?`
	args := []any{active, id}
	if active {
		q = `UPDATE wire_sources SET active = ?, next_poll_at = ? WHERE id = ?`
		args = []any{active, d.clock(), id}
	}
	res, err := d.db.Exec(ctx, q, args...)
	return affected(res, err)
}

// DeleteSource removes a source and its items; posts made from them stay.
func (d *Desk) DeleteSource(ctx context.Context, id int64) error {
	res, err := d.db.Exec(ctx, `DELETE FROM wire_sources WHERE id = ?`, id)
	return affected(res, err)
}

func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrNotFound
	}
	return nil
}

// SourceByID loads one source.
func (d *Desk) SourceByID(ctx context.Context, id int64) (*Source, error) {
	s, err := scanSource(d.db.QueryRow(ctx, `SELECT `+sourceColumns+` FROM wire_sources WHERE id = ?`, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return s, err
}

// Sources lists every source, by name.
func (d *Desk) Sources(ctx context.Context) ([]*Source, error) {
	rows, err := d.db.Query(ctx, `SELECT `+sourceColumns+` FROM wire_sources ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
