// Package members is the readers' domain: subscribers and members, the
// newsletters they choose, double opt-in, magic-link sign-in and member
// sessions, the account's own choices (newsletters, frequency, address,
// export, erasure), the admin's view of the list, and CSV import and export.
//
// It knows nothing of HTTP. Links it mails point at fixed paths under
// Options.BaseURL (ConfirmPath, SignInPath, EmailPath) that the web layer
// serves by calling Confirm, SignIn and ConfirmEmailChange. Errors are the
// sentinels below (and *AddressError, *ThrottledError, which wrap them), so
// the web layer can choose what the public sees: for subscribing and
// signing in, the public answer must not reveal whether an address is known
// or suppressed.
package members

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/ratelimit"
	"nashra.dev/nashra/internal/store"
)

// Errors callers check with errors.Is.
var (
	// ErrInvalidEmail is what every *AddressError is.
	ErrInvalidEmail = errors.New("invalid email address")
	// ErrInvalid marks any other bad input; the wrapping message says which.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound means no member or newsletter has that ID, slug or address.
	ErrNotFound = errors.New("not found")
	// ErrUnknownNewsletter names a newsletter slug that does not exist or is retired.
	ErrUnknownNewsletter = errors.New("unknown newsletter")
	// ErrSlugTaken refuses a newsletter slug another newsletter has.
	ErrSlugTaken = errors.New("another newsletter has this slug")
	// ErrSuppressed refuses to mail an address that bounced or complained.
	// The public side must answer exactly as on success.
	ErrSuppressed = errors.New("this address does not receive mail from the site (bounced or complained)")
	// ErrBadToken means a link is malformed, unknown, already used or expired.
	ErrBadToken = errors.New("this link is invalid, used or expired")
	// ErrNoSession means a session token is unknown, expired, ended or malformed.
	ErrNoSession = errors.New("not signed in")
	// ErrEmailTaken refuses an address that belongs to another member.
	ErrEmailTaken = errors.New("this address belongs to another member")
	// ErrBadCSV means an import file cannot be read at all (no row is imported).
	ErrBadCSV = errors.New("unreadable CSV file")
)

// Status is where a member stands with the site's mail.
type Status string

const (
	// Pending: subscribed but not yet confirmed; receives nothing but links.
	Pending Status = "pending"
	// Active: confirmed; receives the newsletters they chose.
	Active Status = "active"
	// Unsubscribed: left every newsletter; may still sign in.
	Unsubscribed Status = "unsubscribed"
	// Bounced: mail to the address failed permanently; nothing is sent.
	Bounced Status = "bounced"
	// Complained: the reader marked our mail as spam; nothing is sent.
	Complained Status = "complained"
)

// Statuses lists every status, in the order the admin shows them.
var Statuses = []Status{Pending, Active, Unsubscribed, Bounced, Complained}

// Valid reports whether st is one of Statuses.
func (st Status) Valid() bool {
	for _, s := range Statuses {
		if s == st {
			return true
		}
	}
	return false
}

// suppressed reports whether the site must not mail a member with st.
func (st Status) suppressed() bool { return st == Bounced || st == Complained }

// rank orders statuses by how strongly they restrict mail, so that merging
// two claims about one address (an import row and the database, or two rows
// of one file) keeps the one that protects the reader: a file never
// re-subscribes someone who left.
func (st Status) rank() int {
	switch st {
	case Active:
		return 1
	case Unsubscribed:
		return 2
	case Bounced:
		return 3
	case Complained:
		return 4
	}
	return 0 // pending
}

// Frequency is how often a member wants posts: each one, or a digest.
type Frequency string

const (
	Every  Frequency = "every"
	Daily  Frequency = "daily"
	Weekly Frequency = "weekly"
)

// Member is a reader with an address on the list.
type Member struct {
	ID        int64
	Email     string
	Name      string
	Status    Status
	Paid      bool
	Frequency Frequency
	Lang      string // "ar" or "en": the language of the mail they get
	Source    string // where they came from: "form", "import:ghost"…
	CreatedAt time.Time
	UpdatedAt time.Time
	// ConfirmedAt is the latest double opt-in (the consent on record);
	// UnsubscribedAt the latest time they left. Zero when never.
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
	// Newsletters and Labels are filled by Get, ByEmail, List and the calls
	// that return a member after changing it; the hot paths
	// (SessionMember, ActiveRecipients) leave them nil.
	Newsletters []Newsletter
	Labels      []string
}

// Options configure the service.
type Options struct {
	// BaseURL is the site's public address (https://example.com); mailed
	// links are BaseURL + ConfirmPath etc.
	BaseURL string
	// SiteTitle names the site in mails. It is called for each mail so that
	// a renamed site mails under its new name; nil means the BaseURL's host.
	SiteTitle func() string
	// FromAddress sends the service's mails; empty means noreply@ the
	// BaseURL's host.
	FromAddress string
	// AllowReservedDomains accepts reserved top-level domains (.test,
	// .example, .invalid, .localhost…) that no mail can reach: for tests.
	AllowReservedDomains bool
	// Log receives failures that must not fail the caller's request (a
	// courtesy notice that could not be sent). Nil discards them.
	Log *slog.Logger
}

// Service is the readers' domain over a store.
type Service struct {
	db     *store.DB
	sender mail.Sender
	now    func() time.Time
	opt    Options
	ipHits *ratelimit.Window
}

// New returns the members service. now is the clock (time.Now in
// production, a hand-moved clock in tests).
func New(db *store.DB, sender mail.Sender, now func() time.Time, opt Options) *Service {
	if now == nil {
		now = time.Now
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: db, sender: sender, now: now, opt: opt,
		ipHits: ratelimit.NewWindow(ipLimit, ipWindow)}
}

// clock is the service's time as stored: UTC, whole seconds, so that
// SQLite's text timestamps sort and compare as PostgreSQL's do.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func (s *Service) siteTitle() string { return mail.SiteName(s.opt.SiteTitle, s.opt.BaseURL) }

func (s *Service) fromAddress() string { return mail.FromAddress(s.opt.FromAddress, s.opt.BaseURL) }

// querier is what *store.DB and *store.Tx share, so that helpers run inside
// or outside a transaction. On SQLite a helper given the DB reads from the
// read pool and must not be used for a read that has to see the
// transaction's own writes.
type querier interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *store.Row
}

const memberColumns = `m.id, m.email, m.name, m.status, m.paid, m.frequency, m.lang, m.source,
	m.created_at, m.updated_at, m.confirmed_at, m.unsubscribed_at`

// memberScan receives memberColumns; finish copies the nullable times.
type memberScan struct {
	m                       Member
	confirmed, unsubscribed sql.NullTime
}

func (ms *memberScan) dest() []any {
	m := &ms.m
	return []any{&m.ID, &m.Email, &m.Name, &m.Status, &m.Paid, &m.Frequency, &m.Lang, &m.Source,
		&m.CreatedAt, &m.UpdatedAt, &ms.confirmed, &ms.unsubscribed}
}

func (ms *memberScan) finish() *Member {
	m := ms.m
	m.CreatedAt = m.CreatedAt.UTC()
	m.UpdatedAt = m.UpdatedAt.UTC()
	if ms.confirmed.Valid {
		m.ConfirmedAt = ms.confirmed.Time.UTC()
	}
	if ms.unsubscribed.Valid {
		m.UnsubscribedAt = ms.unsubscribed.Time.UTC()
	}
	return &m
}

func scanMembers(rows *sql.Rows) ([]Member, error) {
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var ms memberScan
		if err := rows.Scan(ms.dest()...); err != nil {
			return nil, err
		}
		out = append(out, *ms.finish())
	}
	return out, rows.Err()
}

func memberWhere(ctx context.Context, q querier, where string, args ...any) (*Member, error) {
	var ms memberScan
	err := q.QueryRow(ctx, "SELECT "+memberColumns+" FROM members m WHERE "+where, args...).Scan(ms.dest()...)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: no such member", ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return ms.finish(), nil
}

// lockMember serializes writers of one member for the rest of tx, so that
// counts read under it (links mailed this hour) stay true until commit. On
// SQLite the transaction already holds the database's write lock.
func lockMember(ctx context.Context, tx *store.Tx, id int64) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	var got int64
	err := tx.QueryRow(ctx, "SELECT id FROM members WHERE id = ? FOR UPDATE", id).Scan(&got)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// clip makes s storable text (PostgreSQL refuses invalid UTF-8 and NUL) of
// at most n bytes, without splitting a character, and trims spaces.
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = strings.TrimSpace(strings.ToValidUTF8(s[:n], ""))
	}
	return s
}

// cleanName makes a reader-supplied name storable: see collapse; then cut
// to 200 bytes.
func cleanName(s string) string { return clip(collapse(s), 200) }

// collapse turns control characters (line breaks included, since names go
// into mail headers) into spaces, collapses runs of spaces and trims.
func collapse(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

// normalizeLang picks the language of a member's mail: English for any
// "en…" tag, Arabic for everything else (the site's first language).
func normalizeLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en") {
		return "en"
	}
	return "ar"
}
