// Package comments is the readers' conversation under posts: threaded
// comments, their moderation (pending, approved, spam, trash), spam and
// abuse checks (a signed form token with a minimum fill time, a honeypot,
// rate limits, a link limit, a blocklist, a pluggable Checker such as
// Akismet), safe rendering of the small Markdown subset readers may use,
// reply notices with one-click unsubscribe, and the queries the site, its
// feeds and the admin need.
//
// It knows nothing of HTTP. The web layer:
//
//   - puts FormToken(postID) in a hidden field of the comment form, with an
//     empty honeypot field, and passes both back in Input;
//   - calls Create and answers by its result: the comment's Status says
//     whether it is shown or awaits moderation; errors are the sentinels
//     below (ErrInvalid comes as *InvalidError naming the field);
//   - renders Public values (List, Tree, Recent): they carry no email
//     address, by construction, so a template cannot leak one;
//   - serves UnsubscribePath by calling CheckUnsubscribe (GET: a page with
//     a button) and Unsubscribe (POST, and RFC 8058 one-click);
//   - gives moderators Queue, StatusCounts, Moderate, Edit and Reply.
//
// Privacy: a commenter's email address is stored to recognise them (trust,
// reply notices, blocklists) and shown to moderators (Comment), never to
// the public. Their avatar colour and AvatarID come from an HMAC of the
// address under the site's secret, so they cannot be reversed or matched
// against a Gravatar-style hash of the address.
package comments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/ratelimit"
	"nashra.dev/nashra/internal/store"
)

// Errors callers check with errors.Is. Each says what the public may be
// told; causes worth logging are wrapped inside.
var (
	// ErrInvalid is what every *InvalidError is: a field of the form is
	// missing or wrong.
	ErrInvalid = errors.New("invalid comment")
	// ErrNotFound means no post or comment has that ID (or a reply names a
	// comment that is not shown).
	ErrNotFound = errors.New("not found")
	// ErrClosed refuses a comment on a post whose comments are closed (by
	// an editor, by age, or because it is not published).
	ErrClosed = errors.New("comments are closed on this post")
	// ErrDuplicate refuses a second comment from one form (a double submit)
	// or the same text again from the same address on the same post.
	ErrDuplicate = errors.New("duplicate comment: it looks as though you already said that")
	// ErrTooFast refuses a form sent sooner after it was served than a
	// person could fill it (Options.MinFillTime). Nothing is stored, so the
	// same form may be sent again a moment later.
	ErrTooFast = errors.New("the comment was sent too quickly: wait a moment and send it again")
	// ErrBadToken means the form's token is missing, forged, for another
	// post, or older than Options.MaxFormAge: the page should be reloaded.
	ErrBadToken = errors.New("the comment form has expired: reload the page and send the comment again")
	// ErrRateLimited is what every *RateLimitError is.
	ErrRateLimited = errors.New("too many comments: try again later")
	// ErrRejected refuses a comment that is certainly automated (the
	// honeypot was filled, or the Checker said to discard it). Nothing is
	// stored. The web layer may answer as if it had been held.
	ErrRejected = errors.New("the comment was rejected")
	// ErrTransition refuses a moderation action that does not apply to the
	// comment's status (restoring a comment that is not in the trash…).
	ErrTransition = errors.New("this action does not apply to the comment in its current state")
	// ErrBadUnsubscribe means an unsubscribe link is malformed or forged,
	// or its comment no longer exists.
	ErrBadUnsubscribe = errors.New("this unsubscribe link is invalid")
)

// InvalidError says which field of the form is wrong and why.
// errors.Is(err, ErrInvalid) holds.
type InvalidError struct {
	Field string // "name", "email", "url", "body", "post", "parent"
	Code  string // "required", "too-long", "bad-email", "bad-url", "bad-account"…: for the web layer's wording
	Msg   string // an English sentence, safe to show
}

func (e *InvalidError) Error() string { return fmt.Sprintf("%v: %s: %s", ErrInvalid, e.Field, e.Msg) }

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

func invalid(field, code, format string, a ...any) error {
	return &InvalidError{Field: field, Code: code, Msg: fmt.Sprintf(format, a...)}
}

// Status is where a comment stands in moderation.
type Status string

const (
	// Pending: held for a moderator; only moderators see it.
	Pending Status = "pending"
	// Approved: shown on the site and in feeds.
	Approved Status = "approved"
	// Spam: judged spam by a check or a moderator; kept to learn from and
	// to review, never shown.
	Spam Status = "spam"
	// Trash: thrown away by a moderator; Restore puts it back to the status
	// it had.
	Trash Status = "trash"
)

// Statuses lists every status in the order the admin shows them.
var Statuses = []Status{Pending, Approved, Spam, Trash}

// Valid reports whether st is one of Statuses.
func (st Status) Valid() bool {
	switch st {
	case Pending, Approved, Spam, Trash:
		return true
	}
	return false
}

// Comment is the moderators' view of a comment, with the author's address
// and network details. It must never reach a public page, feed or API:
// those get Public.
type Comment struct {
	ID       int64
	PostID   int64
	ParentID int64 // 0: top level
	// ReplyToID is the comment the author answered: ParentID, unless the
	// thread was at its maximum depth and the reply went up a level.
	ReplyToID int64
	Depth     int // stored level in the thread, 0 at the top
	Status    Status
	// PrevStatus is the status a trashed comment had ("" otherwise).
	PrevStatus Status
	// Reason says why the comment was held or judged spam ("" when it was
	// approved by the rules).
	Reason      string
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	MemberID    int64 // the member account it was sent from, or 0
	UserID      int64 // the staff account it was sent from, or 0
	IP          string
	UserAgent   string
	Referrer    string
	Notify      bool   // the author wants a mail when someone replies
	Body        string // the Markdown as typed (or as a moderator edited it)
	BodyHTML    template.HTML
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PostTitle   string
}

// Options configure the service. Zero values mean the defaults given.
type Options struct {
	// Secret keys the form tokens, unsubscribe links and avatar colours; at
	// least 16 bytes, the same on every node (settings.Secret(ctx,
	// "comments") gives one). Changing it invalidates open forms and mailed
	// unsubscribe links, and changes every avatar colour.
	Secret []byte
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BaseURL is the site's public address (https://example.com): links in
	// mails, and Akismet's permalinks, start with it.
	BaseURL string
	// SiteTitle names the site in mails; nil means the BaseURL's host.
	SiteTitle func() string
	// FromAddress sends the mails; empty means noreply@ the BaseURL's host.
	FromAddress string
	// Lang is the site's language: mails are written in it ("en…" for
	// English, Arabic otherwise), Akismet is told it, and a comment with no
	// strong letter takes its direction. Empty means "ar".
	Lang string
	// Permalink is the site path of a post (the web layer knows the
	// permalink style); nil means "/" + slug + "/".
	Permalink func(p PostRef) string
	// AdminPath is the moderation queue's path, for moderators' mails;
	// empty means "/admin/comments".
	AdminPath string

	// MaxDepth, CloseAfterDays, HoldAll, MaxLinks and Checker are the
	// rules an editor may change while the site runs: when Policy is set,
	// it gives them on each call and these five fields are ignored.

	// MaxDepth is how many levels threads may have (WordPress's "nested
	// comments N levels deep"); a reply deeper than that attaches to the
	// deepest allowed ancestor. 0 means 5; 1 means flat.
	MaxDepth int
	// CloseAfterDays closes comments on posts published that many days ago
	// or more; 0 means never.
	CloseAfterDays int
	// HoldAll holds every comment for a moderator, trusted or not (staff
	// comments excepted).
	HoldAll bool
	// MaxLinks holds a comment with more links than this. 0 means 2
	// (WordPress's default); a negative value holds any comment with a link.
	MaxLinks int
	// MaxBodyRunes bounds a comment's text; 0 means 5000.
	MaxBodyRunes int
	// MinFillTime is the least time between serving a form and receiving
	// it; sooner is ErrTooFast. 0 means 3 s; negative turns the check off.
	MinFillTime time.Duration
	// MaxFormAge is how long a form token is accepted; 0 means 24 h.
	MaxFormAge time.Duration
	// IPLimit comments per IPWindow from one client address (in memory,
	// per node); 0 means 5 per 10 min; a negative limit turns it off.
	IPLimit  int
	IPWindow time.Duration
	// EmailLimit comments per EmailWindow from one address (counted in the
	// database, so across nodes); 0 means 5 per 10 min; negative: off.
	EmailLimit  int
	EmailWindow time.Duration

	// Checker judges comments before they are stored and is told when
	// moderators mark spam or ham; nil means no such check.
	Checker Checker
	// Policy, when set, gives the rules in force for each call (Create,
	// Reply, Open, List, Moderate), read from the site's settings say, so
	// that an editor's change applies to the next comment without a
	// restart; nil means the five fields above. See Policy.
	Policy func(ctx context.Context) Policy
	// Moderators returns who gets a mail when a comment is held; nil means
	// the staff whose role may moderate comments (see moderatorRoles).
	Moderators func(ctx context.Context) ([]Recipient, error)
	// Log receives failures that must not fail the caller (a notice that
	// could not be mailed, a spam report Akismet refused); nil discards.
	Log *slog.Logger
}

// Topic is the change notice (store.Tx.Notify) sent when what readers see
// changes: a comment approved, edited or taken down, a post's comments
// opened or closed. The page cache listens for it on every node.
const Topic = "comments"

// notifyIf sends Topic in tx when the change is visible to readers.
func notifyIf(ctx context.Context, tx *store.Tx, visible bool) error {
	if !visible {
		return nil
	}
	return tx.Notify(ctx, Topic)
}

// Recipient is someone mailed by the service.
type Recipient struct{ Name, Email string }

// PostRef is what the service knows of a post: enough to link to it.
type PostRef struct {
	ID          int64
	Type        string // "post" or "page"
	Slug        string
	Title       string
	PublishedAt time.Time // zero when never published
}

// Service is the comments domain over a store.
type Service struct {
	db     *store.DB
	sender mail.Sender
	opt    Options
	static Policy // the rules when Options.Policy is nil
	md     *Renderer
	keys   keys
	ipHits *ratelimit.Window
}

// New returns the comments service. sender delivers reply notices and
// moderators' notices; nil sends no mail.
func New(db *store.DB, sender mail.Sender, opt Options) (*Service, error) {
	if len(opt.Secret) < 16 {
		return nil, errors.New("comments: Options.Secret must have at least 16 bytes")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	if opt.Lang == "" {
		opt.Lang = "ar"
	}
	if opt.AdminPath == "" {
		opt.AdminPath = "/admin/comments"
	}
	if opt.MaxBodyRunes <= 0 {
		opt.MaxBodyRunes = 5000
	}
	if opt.MinFillTime == 0 {
		opt.MinFillTime = 3 * time.Second
	}
	if opt.MaxFormAge <= 0 {
		opt.MaxFormAge = 24 * time.Hour
	}
	if opt.IPLimit == 0 {
		opt.IPLimit = 5
	}
	if opt.IPWindow <= 0 {
		opt.IPWindow = 10 * time.Minute
	}
	if opt.EmailLimit == 0 {
		opt.EmailLimit = 5
	}
	if opt.EmailWindow <= 0 {
		opt.EmailWindow = 10 * time.Minute
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: db, sender: sender, opt: opt, md: NewRenderer(), keys: deriveKeys(opt.Secret),
		static: Policy{MaxDepth: opt.MaxDepth, CloseAfterDays: opt.CloseAfterDays, HoldAll: opt.HoldAll,
			MaxLinks: opt.MaxLinks, Checker: opt.Checker}.normalized()}
	if opt.IPLimit > 0 {
		s.ipHits = ratelimit.NewWindow(opt.IPLimit, opt.IPWindow)
	}
	return s, nil
}

// Renderer is the service's Markdown pipeline (for a live preview).
func (s *Service) Renderer() *Renderer { return s.md }

// clock is the service's time as stored: UTC, whole seconds, so that
// SQLite's text timestamps sort and compare as PostgreSQL's do.
func (s *Service) clock() time.Time { return s.opt.Now().UTC().Truncate(time.Second) }

// querier is what *store.DB and *store.Tx share. On SQLite a helper given
// the DB reads from the read pool and cannot see a transaction's writes.
type querier interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *store.Row
}

// permalink is the absolute URL of a post.
func (s *Service) permalink(p PostRef) string {
	if s.opt.Permalink != nil {
		return s.opt.BaseURL + s.opt.Permalink(p)
	}
	return s.opt.BaseURL + "/" + url.PathEscape(p.Slug) + "/"
}

// CommentURL is the absolute address of a comment on its post's page: the
// post's permalink with the fragment #comment-ID, which the theme must
// give each comment as its id.
func (s *Service) CommentURL(p PostRef, commentID int64) string {
	return fmt.Sprintf("%s#comment-%d", s.permalink(p), commentID)
}

// post reads what the service needs of a post; ErrNotFound when none.
func (s *Service) post(ctx context.Context, q querier, id int64) (PostRef, string, error) {
	var (
		p         PostRef
		published sql.NullTime
		status    string
	)
	err := q.QueryRow(ctx, "SELECT id, type, slug, title, published_at, status FROM posts WHERE id = ?", id).
		Scan(&p.ID, &p.Type, &p.Slug, &p.Title, &published, &status)
	if errors.Is(err, store.ErrNotFound) {
		return p, "", fmt.Errorf("%w: no post %d", ErrNotFound, id)
	}
	if published.Valid {
		p.PublishedAt = published.Time.UTC()
	}
	return p, status, err
}
