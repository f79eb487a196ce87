// Package newsletter sends posts and digests to the members subscribed to a
// newsletter, and keeps, per recipient, the state that makes delivery
// survive crashes, restarts and several nodes: nobody receives a send twice,
// and nobody is skipped.
//
// A send is created in one transaction with one delivery row per recipient
// (CreateSend). The engine (RunSend) then works it as a stream of batches,
// in the manner of listmonk's campaign pipe: it claims a batch of pending
// rows atomically for this node, delivers each through the transport, and
// checkpoints every recipient in the database before the SMTP server is
// allowed to accept the message (see deliver.go for why that order). Pause,
// resume, cancel and progress work on the same rows from any node.
//
// The package reads the members and member_newsletters tables directly and
// does not import internal/members: it needs only "who is an active
// subscriber" and "mark this member bounced".
//
// Wiring (internal/app): give New this package's SMTP (NewSMTP with the
// site's mail.SMTPConfig and DKIM signer) when --smtp is set, so that
// deliveries are checkpointed before the server accepts them, or the outbox
// otherwise; register SendWorker and SweepWorker with the queue and
// PeriodicSweep as a periodic job; call SetQueue, and Recover once at start.
package newsletter

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"sync"
	"time"

	"nashra.dev/nashra/internal/content"
	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
)

// Errors the web layer turns into answers.
var (
	ErrNotFound    = errors.New("newsletter or send not found")
	ErrInvalid     = errors.New("invalid send")
	ErrAlreadySent = errors.New("this post was already sent to this newsletter")
	ErrState       = errors.New("the send is not in a state that allows this")
	ErrNothingNew  = errors.New("no new posts for a digest")
	// ErrNoRecipients: no active member of the newsletter takes this digest
	// (nobody chose its frequency); nothing was recorded.
	ErrNoRecipients = errors.New("no member takes this digest")
)

// Kind is what a send carries.
type Kind string

const (
	KindPost   Kind = "post"   // one post, in full
	KindDigest Kind = "digest" // the posts published since the newsletter's previous digest
)

// Status is where a send stands.
type Status string

const (
	StatusSending   Status = "sending"
	StatusPaused    Status = "paused"
	StatusDone      Status = "done"
	StatusCancelled Status = "cancelled"
)

// Cadence is which of a newsletter's members a send goes to: those who
// want every post as it is sent, or those who chose a daily or weekly
// digest (members.Frequency has the same values).
type Cadence string

// The cadences.
const (
	CadenceEvery  Cadence = "every"
	CadenceDaily  Cadence = "daily"
	CadenceWeekly Cadence = "weekly"
)

// period is how much time a digest of the cadence covers.
func (c Cadence) period() time.Duration {
	if c == CadenceWeekly {
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// Send is one email to one newsletter's members.
type Send struct {
	ID           int64
	NewsletterID int64
	PostID       int64 // 0 for a digest
	Kind         Kind
	Cadence      Cadence
	DigestKey    string    // a scheduled digest's period ("daily:2026-11-29"); empty otherwise
	PeriodFrom   time.Time // a digest's posts are those of [PeriodFrom, PeriodTo)
	PeriodTo     time.Time
	Subject      string
	Status       Status
	CreatedBy    int64
	CreatedAt    time.Time
	StartedAt    time.Time // zero until a node starts working it
	FinishedAt   time.Time // zero until done or cancelled
	Total        int
}

// Newsletter is what a send needs to know of the newsletter it goes to.
type Newsletter struct {
	ID                      int64
	Slug, Name, Description string
	SenderName, SenderEmail string
	Active                  bool
	DigestHour              int  // site time, 0–23
	DigestWeekday           int  // weekly digests: 0 = Sunday … 6 = Saturday
	IncludeAll              bool // digests carry every post of the period, not only those emailed to it
}

// Member is one recipient.
type Member struct {
	ID          int64
	Email, Name string
	Lang        string
}

// Posts is what the engine needs of the content domain (content.Service).
type Posts interface {
	PostByID(ctx context.Context, id int64) (*content.Post, error)
	List(ctx context.Context, f content.Filter) ([]content.Post, error)
}

// Enqueuer inserts a background job in a transaction (the jobs package's
// Queue); see jobs.go.
type Enqueuer = content.Enqueuer

// Options configure an Engine. Zero values take the defaults given.
type Options struct {
	BaseURL           string       // the site's public address: links, List-Id (required)
	NodeID            string       // names this node in claims; keep it stable across restarts (host name)
	BatchSize         int          // recipients claimed at a time (100)
	Workers           int          // deliveries in flight at once (4)
	Log               *slog.Logger // (discarded)
	UnsubscribeSecret []byte       // key of the unsubscribe links' HMAC (required, ≥ 16 bytes)

	From              mail.Address               // sender when the newsletter names none (noreply@HOST)
	UnsubscribeMailto string                     // an address for mailto: List-Unsubscribe (none)
	Posts             Posts                      // (content.New over the same DB)
	PostURL           func(*content.Post) string // (BaseURL + the /slug/ permalink)
	StaleAfter        time.Duration              // another node's claim this old is taken back (5 min)
	MaxAttempts       int                        // temporary failures before a delivery fails (3)
	RetryBackoff      time.Duration              // wait before the first retry, doubled after (1 s)
	PollInterval      time.Duration              // how often a running send looks for pause or cancel (2 s)
	// Location gives the site's time zone, in which digests go out at
	// their hour (UTC).
	Location func(context.Context) *time.Location
}

// Engine creates sends and delivers them.
type Engine struct {
	db    *store.DB
	tr    nmail.Transport
	tp    TwoPhaseSender // tr, when it can stop before the final dot; else nil
	now   func() time.Time
	opt   Options
	log   *slog.Logger
	links Links
	host  string
	token string // claimed_by of this engine: NodeID ":" a random instance id

	mu      sync.Mutex
	running map[int64]bool // sends this engine is working now
	queue   Enqueuer

	markOnce sync.Once
	markStmt *sql.Stmt // markSentSQL prepared, on SQLite
}

// New builds an engine. tr is the site's transport; when it also implements
// TwoPhaseSender (this package's SMTP does) deliveries are checkpointed
// before the SMTP server accepts them, otherwise right after.
func New(db *store.DB, tr nmail.Transport, now func() time.Time, opt Options) (*Engine, error) {
	if now == nil {
		now = time.Now
	}
	u, err := url.Parse(opt.BaseURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("newsletter: BaseURL %q must be an absolute http(s) address", opt.BaseURL)
	}
	if len(opt.UnsubscribeSecret) < 16 {
		return nil, errors.New("newsletter: UnsubscribeSecret must have at least 16 bytes")
	}
	if opt.NodeID == "" {
		opt.NodeID, _ = os.Hostname()
		if opt.NodeID == "" {
			opt.NodeID = "node"
		}
	}
	opt.BatchSize = positive(opt.BatchSize, 100)
	opt.Workers = positive(opt.Workers, 4)
	opt.MaxAttempts = positive(opt.MaxAttempts, 3)
	if opt.StaleAfter <= 0 {
		opt.StaleAfter = 5 * time.Minute
	}
	if opt.RetryBackoff <= 0 {
		opt.RetryBackoff = time.Second
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = 2 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.From.Address == "" {
		opt.From = mail.Address{Address: "noreply@" + u.Hostname()}
	}
	if opt.Location == nil {
		opt.Location = func(context.Context) *time.Location { return time.UTC }
	}
	if opt.Posts == nil {
		opt.Posts = content.New(db, now)
	}
	base := u.Scheme + "://" + u.Host + trimSlash(u.Path)
	if opt.PostURL == nil {
		opt.PostURL = func(p *content.Post) string {
			return base + content.Permalink(p, content.PermalinkSlug, time.UTC)
		}
	}
	var r [4]byte
	_, _ = rand.Read(r[:])
	e := &Engine{
		db: db, tr: tr, now: now, opt: opt, log: opt.Log,
		links:   Links{BaseURL: base, Secret: opt.UnsubscribeSecret},
		host:    u.Hostname(),
		token:   opt.NodeID + ":" + hex.EncodeToString(r[:]),
		running: map[int64]bool{},
	}
	e.tp, _ = tr.(TwoPhaseSender)
	return e, nil
}

// SetQueue makes CreateSend and Resume enqueue a newsletter.send job in the
// same transaction, so that some node starts the work. Without a queue the
// caller runs RunSend itself (tests, commands).
func (e *Engine) SetQueue(q Enqueuer) { e.queue = q }

// VerifyUnsubscribe reports whether sig is this site's signature for member
// m's unsubscribe link from newsletter n.
func (e *Engine) VerifyUnsubscribe(m, n int64, sig string) bool { return e.links.Verify(m, n, sig) }

// Links returns the engine's unsubscribe link maker, for the HTTP side.
func (e *Engine) Links() Links { return e.links }

// dbTime is how times are stored: UTC, whole seconds (as in content).
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func (e *Engine) clock() time.Time { return dbTime(e.now()) }

func positive(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}
