package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	nmail "net/mail"
	"net/textproto"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// idleCheck: a pooled connection unused for longer is probed with NOOP
// before it carries a message, since servers close idle sessions.
const idleCheck = 15 * time.Second

// smtpConn is one pool slot: the go-mail Client holding the connection
// settings, and the open session, if any. Only the goroutine holding the
// slot touches it, except interrupt, which mu guards.
type smtpConn struct {
	mc   *gomail.Client
	sc   *gosmtp.Client // nil: not connected
	used time.Time

	mu          sync.Mutex
	conn        net.Conn // under sc, for deadlines and closing
	interrupted bool     // the caller's context ended during this attempt
}

// failure is the outcome of one failed attempt.
type failure struct {
	err   error
	retry bool // temporary: worth another attempt after a backoff
	stale bool // a reused connection died before the server accepted anything
}

// stepError records which command of the transaction failed.
type stepError struct {
	command   string
	recipient string
	err       error
}

func (e *stepError) Error() string { return e.command + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func (s *SMTP) newConn() (*smtpConn, error) {
	c := &smtpConn{}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(s.tls),
		// Our own dialer, so that the connection is known even when go-mail
		// fails halfway through the greeting (it does not close it then),
		// and so that a cancelled context can interrupt it.
		gomail.WithDialContextFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
			return s.dialNet(ctx, c, network, addr)
		}),
	}
	if s.cfg.TLS == TLSStartTLS {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	} else { // implicit TLS is done by dialNet; none is none
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	if s.cfg.Username != "" {
		// PLAIN or LOGIN, whichever the server offers, is what submission
		// servers expect over TLS; go-mail falls back to the strongest
		// other mechanism offered (SCRAM, CRAM-MD5). Both refuse to send a
		// password in clear text except to localhost.
		opts = append(opts, gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	mc, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, err
	}
	c.mc = mc
	return c, nil
}

func (s *SMTP) dialNet(ctx context.Context, c *smtpConn, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: s.cfg.Timeout}
	var conn net.Conn
	var err error
	if s.cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, network, addr)
	} else {
		conn, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.conn = conn
	c.mu.Unlock()
	return conn, nil
}

// attempt makes one try at delivering, on a pooled connection (opened if
// need be). A nil result means the server accepted the message.
func (s *SMTP) attempt(ctx context.Context, from string, to []string, raw []byte) *failure {
	c, err := s.acquire(ctx)
	if err != nil {
		return &failure{err: err}
	}
	defer s.release(c)
	c.mu.Lock()
	c.interrupted = false
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, c.interrupt)
	f := s.attemptOn(ctx, c, from, to, raw)
	if !stop() { // the context ended: the connection's deadline is spoilt
		c.drop()
		if f != nil {
			return &failure{err: fmt.Errorf("smtp %s: %w", s.cfg.Addr(), ctx.Err())}
		}
	}
	return f
}

func (s *SMTP) attemptOn(ctx context.Context, c *smtpConn, from string, to []string, raw []byte) *failure {
	reused := c.sc != nil
	if reused && time.Since(c.used) > idleCheck {
		if c.extend(s.cfg.Timeout) != nil || c.sc.Noop() != nil {
			c.drop()
			reused = false
		}
	}
	if c.sc == nil {
		sc, err := c.mc.DialToSMTPClientWithContext(ctx)
		if err != nil {
			c.drop()
			return s.dialFailure(err)
		}
		c.sc = sc
	}
	err := s.transact(c, from, to, raw)
	c.used = time.Now()
	if err == nil {
		return nil
	}
	return s.transactFailure(c, err, reused)
}

// transact runs MAIL FROM, RCPT TO for each recipient, and DATA with the
// raw bytes (dot-stuffed by the writer, nothing else changed). Any refused
// recipient aborts the whole message: a partial delivery would leave the
// caller unable to retry only the rest.
func (s *SMTP) transact(c *smtpConn, from string, to []string, raw []byte) error {
	if err := c.extend(s.cfg.Timeout); err != nil {
		return &stepError{command: "MAIL FROM", err: err}
	}
	c.sc.SkipSMTPUTF8(isASCII(from, to))
	if err := c.sc.Mail(angle(from)); err != nil {
		return &stepError{command: "MAIL FROM", err: err}
	}
	for _, r := range to {
		if err := c.sc.Rcpt(angle(r)); err != nil {
			return &stepError{command: "RCPT TO", recipient: r, err: err}
		}
	}
	w, err := c.sc.Data()
	if err != nil {
		return &stepError{command: "DATA", err: err}
	}
	if _, err := w.Write(raw); err != nil {
		return &stepError{command: "DATA", err: err}
	}
	if err := c.extend(s.cfg.Timeout); err != nil {
		return &stepError{command: "DATA", err: err}
	}
	// If the connection breaks after the final dot and before the reply,
	// the server may have taken the message and the retry duplicates it:
	// SMTP offers no way to know (RFC 1047).
	if err := w.Close(); err != nil {
		return &stepError{command: "DATA", err: err}
	}
	return nil
}

func (s *SMTP) transactFailure(c *smtpConn, err error, reused bool) *failure {
	var se *stepError
	if !errors.As(err, &se) {
		se = &stepError{command: "MAIL FROM", err: err}
	}
	wrapped := fmt.Errorf("smtp %s: %w", s.cfg.Addr(), err)
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code < 400 || te.Code > 599 {
		// The connection broke, or the dialogue lost step: start afresh.
		c.drop()
		return &failure{err: wrapped, retry: true, stale: reused && se.command == "MAIL FROM"}
	}
	if te.Code == 421 { // the server is closing the session
		c.drop()
		return &failure{err: wrapped, retry: true, stale: reused && se.command == "MAIL FROM"}
	}
	// A refusal leaves the session usable: abort the transaction and
	// keep the connection.
	if c.extend(s.cfg.Timeout) != nil || c.sc.Reset() != nil {
		c.drop()
	}
	if te.Code >= 500 {
		return &failure{err: &PermanentError{Code: te.Code, Msg: te.Msg, Command: se.command, Recipient: se.recipient}}
	}
	return &failure{err: wrapped, retry: true}
}

// dialFailure sorts connection and login errors: network trouble and 4xx
// replies are worth retrying; a refused login, a certificate that does not
// verify, or a TLS mismatch are configuration errors that no retry mends.
func (s *SMTP) dialFailure(err error) *failure {
	addr := s.cfg.Addr()
	var (
		te  *textproto.Error
		cve *tls.CertificateVerificationError
		rhe tls.RecordHeaderError
		ne  net.Error
	)
	switch {
	case errors.As(err, &te) && (te.Code == 530 || te.Code == 534 || te.Code == 535 || te.Code == 538):
		return &failure{err: fmt.Errorf("%w: %s refused user %q: %d %s (check the user name and password of the SMTP URL)", ErrAuth, addr, s.cfg.Username, te.Code, te.Msg)}
	case errors.As(err, &te) && te.Code >= 400 && te.Code < 500:
		return &failure{err: fmt.Errorf("smtp %s: %w", addr, err), retry: true}
	case errors.As(err, &te):
		return &failure{err: fmt.Errorf("smtp %s: the server refused the session: %w", addr, err)}
	case errors.Is(err, gosmtp.ErrUnencrypted):
		return &failure{err: fmt.Errorf("%w: %s: will not send a password over a clear-text connection (tls=none is for relays on localhost)", ErrAuth, addr)}
	case errors.As(err, &cve), errors.As(err, new(x509.UnknownAuthorityError)), errors.As(err, new(x509.HostnameError)), errors.As(err, new(x509.CertificateInvalidError)):
		return &failure{err: fmt.Errorf("smtp %s: the server's TLS certificate does not verify: %w", addr, err)}
	case errors.As(err, &rhe):
		return &failure{err: fmt.Errorf("smtp %s: the server does not speak TLS on connect (smtps:// is implicit TLS, usually port 465; use smtp:// for 587): %w", addr, err)}
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &failure{err: fmt.Errorf("smtp %s: %w", addr, err), retry: true}
	default: // no STARTTLS, no AUTH offered…
		return &failure{err: fmt.Errorf("smtp %s: %w", addr, err)}
	}
}

// extend renews the deadline for the next step, unless the caller's context
// has ended (interrupt set the deadline in the past: keep it there).
func (c *smtpConn) extend(timeout time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.interrupted {
		return context.Canceled
	}
	return c.sc.UpdateDeadline(timeout)
}

// interrupt runs when the caller's context ends mid-attempt: the pending
// read or write fails at once.
func (c *smtpConn) interrupt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.interrupted = true
	if c.conn != nil {
		_ = c.conn.SetDeadline(time.Unix(1, 0))
	}
}

// drop closes the connection without ceremony.
func (c *smtpConn) drop() {
	c.mu.Lock()
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
	c.mu.Unlock()
	c.sc = nil
}

// quit ends the session politely (QUIT), then closes the connection.
func (c *smtpConn) quit(timeout time.Duration) {
	if c.sc != nil {
		c.mu.Lock()
		if c.conn != nil {
			_ = c.conn.SetDeadline(time.Now().Add(min(timeout, 5*time.Second)))
		}
		c.mu.Unlock()
		_ = c.sc.Quit()
	}
	c.drop()
}

func angle(addr string) string { return (&nmail.Address{Address: addr}).String() }

func isASCII(from string, to []string) bool {
	for _, a := range append([]string{from}, to...) {
		for i := range len(a) {
			if a[i] >= 0x80 {
				return false
			}
		}
	}
	return true
}
