package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	nmail "net/mail"
	"strings"
	"sync"
	"time"
)

// Transport is a Sender that can also deliver bytes already rendered (and
// perhaps signed): Outbox and SMTP are both Transports, which is what lets
// Signed sit in front of either.
type Transport interface {
	Sender
	// SendRaw delivers raw, an RFC 5322 message with CRLF line endings, to
	// the envelope recipients to, with from as the envelope sender.
	SendRaw(ctx context.Context, from string, to []string, raw []byte) error
}

// PermanentError is a 5xx answer: the server refused for good, and sending
// the same message again will not help. A refusal at RCPT TO names the
// refused Recipient (mark it bounced); at MAIL FROM the sender was refused,
// and at DATA the message itself (its content, or, from relays that answer
// late, the single recipient).
type PermanentError struct {
	Code      int    // SMTP reply code, 500–599
	Msg       string // the server's text, enhanced status code included
	Command   string // "MAIL FROM", "RCPT TO" or "DATA"
	Recipient string // the refused recipient when Command is "RCPT TO"
}

func (e *PermanentError) Error() string {
	if e.Recipient != "" {
		return fmt.Sprintf("smtp: %s <%s> refused: %d %s", e.Command, e.Recipient, e.Code, e.Msg)
	}
	return fmt.Sprintf("smtp: %s refused: %d %s", e.Command, e.Code, e.Msg)
}

var (
	// ErrClosed is returned by sends on a transport that has been closed.
	ErrClosed = errors.New("mail transport closed")
	// ErrAuth marks a login the SMTP server refused: a configuration error,
	// not a recipient's fault and not worth retrying.
	ErrAuth = errors.New("SMTP login failed")
)

// SMTP delivers through an SMTP server over a pool of at most Pool open
// connections, reused from one message to the next, at most Rate messages a
// second, retrying temporary failures (4xx replies, broken connections) with
// exponential backoff. It is safe for concurrent use; concurrent senders
// share the pool and the rate.
//
// Connections are set up by go-mail (dial, STARTTLS or implicit TLS, AUTH
// mechanism choice, deadlines), one go-mail Client per pool slot so that
// slots share no mutable state. The message itself goes through go-mail's
// lower-level smtp.Client (MAIL FROM, RCPT TO, DATA) as the exact bytes
// Message.Bytes rendered (and Signer signed): go-mail's Msg cannot carry
// pre-rendered RFC 5322 bytes, it would render its own headers, boundaries
// and encodings, and a DKIM signature made over our bytes would no longer
// match what was sent.
type SMTP struct {
	cfg   SMTPConfig
	tls   *tls.Config
	log   *slog.Logger
	limit *limiter // nil: unlimited

	// The pool: Pool slots, each holding at most one open session. sem
	// holds a token per slot in use; idle lists the free slots, connected
	// ones last, taken first, so that a light load keeps using one warm
	// connection instead of opening them all in turn.
	sem  chan struct{}
	mu   sync.Mutex
	idle []*smtpConn

	done      chan struct{}
	closeOnce sync.Once
}

// NewSMTP makes an SMTP transport. No connection is opened until the first
// send. Zero Pool, Timeout and Backoff take their defaults; log may be nil.
func NewSMTP(cfg SMTPConfig, log *slog.Logger) (*SMTP, error) {
	if cfg.Host == "" || cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("%w: host and port are required", ErrSMTPURL)
	}
	if cfg.Pool <= 0 {
		cfg.Pool = DefaultSMTPPool
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultSMTPBackoff
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &SMTP{
		cfg:  cfg,
		log:  log,
		sem:  make(chan struct{}, cfg.Pool),
		done: make(chan struct{}),
		tls: &tls.Config{
			ServerName:         cfg.Host,
			MinVersion:         tls.VersionTLS12,
			RootCAs:            cfg.RootCAs,
			InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // opt-in, tests and local relays
		},
	}
	if cfg.Rate > 0 {
		s.limit = newLimiter(cfg.Rate)
	}
	for range cfg.Pool {
		c, err := s.newConn()
		if err != nil {
			return nil, fmt.Errorf("smtp %s: %w", cfg.Redacted(), err)
		}
		s.idle = append(s.idle, c)
	}
	return s, nil
}

// Send renders m once and delivers it: the same bytes (and Message-Id) on
// every retry.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	return s.SendRaw(ctx, m.From.Address, addresses(m.To), raw)
}

// SendRaw delivers raw to the recipients to. The envelope sender is the
// configured ReturnPath, or else from. It returns nil once the server has
// accepted the message, a *PermanentError on a 5xx reply, an ErrAuth error
// when the login is refused, and otherwise the last temporary error once the
// retries are spent.
func (s *SMTP) SendRaw(ctx context.Context, from string, to []string, raw []byte) error {
	if s.cfg.ReturnPath != "" {
		from = s.cfg.ReturnPath
	}
	if err := checkEnvelope(from, to); err != nil {
		return err
	}
	staleRetried := false
	for attempt := 0; ; {
		if err := s.limit.wait(ctx, s.done); err != nil {
			return err
		}
		f := s.attempt(ctx, from, to, raw)
		if f == nil {
			return nil
		}
		if !f.retry {
			return f.err
		}
		if f.stale && !staleRetried {
			// A pooled connection the server had closed: no sign of
			// trouble, so try a fresh one at once, uncounted.
			staleRetried = true
			s.log.Debug("smtp: pooled connection was closed by the server", "server", s.cfg.Addr(), "err", f.err)
			continue
		}
		attempt++
		if attempt > s.cfg.Retries {
			return fmt.Errorf("%w (gave up after %d attempts)", f.err, attempt)
		}
		wait := s.backoff(attempt)
		s.log.Warn("smtp: temporary failure, will retry", "server", s.cfg.Addr(), "attempt", attempt, "wait", wait, "err", f.err)
		if err := s.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%w (retry abandoned: %w)", f.err, err)
		}
	}
}

// Close waits for sends in progress (each step is bounded by the timeout),
// then says QUIT on every open connection. Later sends fail with ErrClosed;
// sends waiting for a connection or a retry give up with ErrClosed at once.
func (s *SMTP) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		for range cap(s.sem) { // every slot, once its send is over
			s.sem <- struct{}{}
		}
		for _, c := range s.idle {
			c.quit(s.cfg.Timeout)
		}
	})
	return nil
}

// backoff is the wait before retry n (1, 2, …): Backoff doubled each time,
// at most five minutes, with the upper half jittered so that senders that
// failed together do not retry together.
func (s *SMTP) backoff(n int) time.Duration {
	d := s.cfg.Backoff
	for i := 1; i < n && d < 5*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 5*time.Minute)
	return d/2 + rand.N(d/2+1)
}

func (s *SMTP) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	}
}

// acquire takes a free pool slot, waiting for one if all are busy.
func (s *SMTP) acquire(ctx context.Context) (*smtpConn, error) {
	select {
	case <-s.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	case s.sem <- struct{}{}:
	}
	select {
	case <-s.done: // closing: leave the slots to Close
		<-s.sem
		return nil, ErrClosed
	default:
	}
	s.mu.Lock()
	c := s.idle[len(s.idle)-1]
	s.idle = s.idle[:len(s.idle)-1]
	s.mu.Unlock()
	return c, nil
}

// release puts the slot back: on top if it is connected, at the bottom if not.
func (s *SMTP) release(c *smtpConn) {
	s.mu.Lock()
	if c.sc != nil {
		s.idle = append(s.idle, c)
	} else {
		s.idle = append([]*smtpConn{c}, s.idle...)
	}
	s.mu.Unlock()
	<-s.sem
}

func addresses(as []nmail.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Address
	}
	return out
}

// checkEnvelope refuses addresses that would break the SMTP command line.
func checkEnvelope(from string, to []string) error {
	if len(to) == 0 {
		return fmt.Errorf("%w: no envelope recipient", ErrInvalid)
	}
	for _, a := range append([]string{from}, to...) {
		if a == "" || !strings.Contains(a, "@") || strings.ContainsAny(a, "\r\n<> \t") {
			return fmt.Errorf("%w: %q is not an envelope address", ErrInvalid, a)
		}
	}
	return nil
}

// limiter spaces messages 1/rate apart: each caller reserves the next free
// instant and sleeps until it. A reservation rather than a ticker: nothing
// runs in the background, and a burst after an idle spell is one message,
// not a backlog of saved-up ticks.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(perSecond float64) *limiter {
	return &limiter{interval: time.Duration(float64(time.Second) / perSecond)}
}

func (l *limiter) wait(ctx context.Context, done <-chan struct{}) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-done:
		return ErrClosed
	}
}

var _ io.Closer = (*SMTP)(nil)
