package newsletter

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"time"

	"nashra.dev/nashra/internal/mail"
)

// TwoPhaseSender delivers one message in two steps around a checkpoint: it
// runs MAIL FROM, RCPT TO and DATA and writes the whole body, then calls
// commit with dot, a function that writes the final "." that makes the
// server accept the message. commit makes its record durable (or certain
// to become so) and calls dot as soon after as it can; if it returns
// without calling dot, the connection is closed instead and the server
// discards the transaction.
//
// Errors: *mail.PermanentError for a 5xx before the commit (at RCPT TO: the
// address is refused); *CommittedError once dot was called and the message
// was then refused or its fate is unknown; commit's own error; anything
// else is temporary, and commit was not called.
type TwoPhaseSender interface {
	SendTwoPhase(ctx context.Context, from, to string, raw []byte, commit func(dot func() error) error) error
}

// CommittedError is a failure after the final dot was written. Refused:
// the server answered it with an error, so the message was not delivered
// and the checkpoint should be undone. Otherwise the connection broke
// while the answer was awaited: the server may or may not have it.
type CommittedError struct {
	Err     error
	Refused bool
}

func (e *CommittedError) Error() string { return "after the checkpoint: " + e.Err.Error() }
func (e *CommittedError) Unwrap() error { return e.Err }

// SMTP is a mail.Transport, and a TwoPhaseSender, over a small SMTP client
// of its own: the mail package's (go-mail) writes the final dot as part of
// closing the body, with no point to stop before it. It keeps up to
// cfg.Pool connections, sends at most cfg.Rate messages a second, signs with
// signer when there is one, and speaks STARTTLS, implicit TLS or clear text
// (cfg.TLS) and AUTH PLAIN. It does not retry: the engine does, per row.
type SMTP struct {
	cfg    mail.SMTPConfig
	signer *mail.Signer
	tls    *tls.Config
	limit  *limiter
	slots  chan *session // cfg.Pool slots: an idle session, or nil for none
	done   chan struct{}
	once   sync.Once
}

// NewSMTP makes the transport; no connection is opened before the first send.
func NewSMTP(cfg mail.SMTPConfig, signer *mail.Signer) *SMTP {
	cfg.Pool = positive(cfg.Pool, mail.DefaultSMTPPool)
	if cfg.Timeout <= 0 {
		cfg.Timeout = mail.DefaultSMTPTimeout
	}
	s := &SMTP{cfg: cfg, signer: signer, limit: newLimiter(cfg.Rate),
		slots: make(chan *session, cfg.Pool), done: make(chan struct{}),
		tls: &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs,
			InsecureSkipVerify: cfg.InsecureSkipVerify}} //nolint:gosec // opt-in, tests and local relays
	for range cfg.Pool {
		s.slots <- nil
	}
	return s
}

// Send renders and delivers m (mail.Sender).
func (s *SMTP) Send(ctx context.Context, m *mail.Message) error {
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = a.Address
	}
	return s.SendRaw(ctx, m.From.Address, to, raw)
}

// SendRaw delivers raw in one transaction (mail.Transport).
func (s *SMTP) SendRaw(ctx context.Context, from string, to []string, raw []byte) error {
	return s.send(ctx, from, to, raw, nil)
}

// SendTwoPhase implements TwoPhaseSender.
func (s *SMTP) SendTwoPhase(ctx context.Context, from, to string, raw []byte, commit func(dot func() error) error) error {
	return s.send(ctx, from, []string{to}, raw, commit)
}

// Close waits for the transactions under way, then says QUIT on every
// connection. Later sends fail with mail.ErrClosed.
func (s *SMTP) Close() error {
	s.once.Do(func() {
		close(s.done)
		for range s.cfg.Pool {
			if c := <-s.slots; c != nil {
				c.quit()
			}
		}
	})
	return nil
}

func (s *SMTP) send(ctx context.Context, from string, to []string, raw []byte, commit func(dot func() error) error) error {
	if s.cfg.ReturnPath != "" {
		from = s.cfg.ReturnPath
	}
	var err error
	if s.signer != nil {
		if raw, err = s.signer.Sign(raw); err != nil {
			return err
		}
	}
	if err := s.limit.wait(ctx); err != nil {
		return err
	}
	var c *session
	select {
	case <-s.done:
		return mail.ErrClosed
	default:
	}
	select {
	case c = <-s.slots:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return mail.ErrClosed
	}
	for reused := c != nil; ; reused = false {
		if c == nil {
			if c, err = s.dial(ctx); err != nil {
				s.slots <- nil
				return err
			}
		}
		err = c.transact(ctx, from, to, raw, commit, s.cfg.Timeout)
		if err == nil {
			s.slots <- c
			return nil
		}
		c.close()
		c = nil
		var st *stepError
		if reused && errors.As(err, &st) && st.cmd == "MAIL FROM" && st.code == 0 {
			continue // a pooled connection the server had closed: once more on a new one
		}
		s.slots <- nil
		return err
	}
}

// session is one open SMTP connection.
type session struct {
	conn net.Conn
	tp   *textproto.Conn
	ext  map[string]string
}

func (s *SMTP) dial(ctx context.Context) (*session, error) {
	d := &net.Dialer{Timeout: s.cfg.Timeout}
	addr := net.JoinHostPort(s.cfg.Host, fmt.Sprint(s.cfg.Port))
	var conn net.Conn
	var err error
	if s.cfg.TLS == mail.TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", addr, err)
	}
	c := &session{conn: conn, tp: textproto.NewConn(conn)}
	if err := s.greet(c); err != nil {
		c.close()
		return nil, fmt.Errorf("smtp %s: %w", addr, err)
	}
	return c, nil
}

// greet reads the greeting, says EHLO, upgrades with STARTTLS and logs in.
func (s *SMTP) greet(c *session) error {
	_ = c.conn.SetDeadline(time.Now().Add(s.cfg.Timeout))
	if _, _, err := c.tp.ReadResponse(220); err != nil {
		return err
	}
	if err := c.ehlo(s.cfg.HELO); err != nil {
		return err
	}
	_, isTLS := c.conn.(*tls.Conn)
	if s.cfg.TLS == mail.TLSStartTLS {
		if _, ok := c.ext["STARTTLS"]; !ok {
			return errors.New("the server does not offer STARTTLS (?tls=none is for a local relay)")
		}
		if _, _, err := c.cmd(220, "STARTTLS"); err != nil {
			return err
		}
		tc := tls.Client(c.conn, s.tls)
		if err := tc.Handshake(); err != nil {
			return err
		}
		c.conn, c.tp, isTLS = tc, textproto.NewConn(tc), true
		if err := c.ehlo(s.cfg.HELO); err != nil {
			return err
		}
	}
	if s.cfg.Username == "" {
		return nil
	}
	if h := s.cfg.Host; !isTLS && h != "localhost" && h != "127.0.0.1" && h != "::1" {
		return fmt.Errorf("%w: will not send a password over a clear-text connection", mail.ErrAuth)
	}
	cred := base64.StdEncoding.EncodeToString([]byte("\x00" + s.cfg.Username + "\x00" + s.cfg.Password))
	if _, _, err := c.cmd(235, "AUTH PLAIN %s", cred); err != nil {
		return fmt.Errorf("%w: %v", mail.ErrAuth, err)
	}
	return nil
}

func (c *session) ehlo(name string) error {
	if name == "" {
		if name, _ = os.Hostname(); name == "" {
			name = "localhost"
		}
	}
	_, msg, err := c.cmd(250, "EHLO %s", name)
	c.ext = map[string]string{}
	for _, line := range strings.Split(msg, "\n")[1:] {
		k, v, _ := strings.Cut(line, " ")
		c.ext[strings.ToUpper(k)] = v
	}
	return err
}

func (c *session) cmd(code int, format string, args ...any) (int, string, error) {
	if err := c.tp.PrintfLine(format, args...); err != nil {
		return 0, "", err
	}
	return c.tp.ReadResponse(code)
}

// stepError is a temporary failure of one command; code is the server's
// reply code, 0 when the connection failed instead.
type stepError struct {
	cmd  string
	code int
	err  error
}

func (e *stepError) Error() string { return "smtp " + e.cmd + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// transact runs one mail transaction. Until commit, the context interrupts
// it (the connection's deadline moves to the past and the server discards
// the half-sent message); from commit on it finishes within the timeout,
// since the database already says "sent".
func (c *session) transact(ctx context.Context, from string, to []string, raw []byte, commit func(dot func() error) error, timeout time.Duration) error {
	_ = c.conn.SetDeadline(time.Now().Add(timeout))
	stop := context.AfterFunc(ctx, func() { _ = c.conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := c.step("MAIL FROM", "", 250, "MAIL FROM:<%s>", from); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.step("RCPT TO", r, 25, "RCPT TO:<%s>", r); err != nil {
			return err
		}
	}
	if err := c.step("DATA", "", 354, "DATA"); err != nil {
		return err
	}
	if err := writeDotStuffed(c.tp.W, raw); err != nil {
		return &stepError{cmd: "DATA", err: err}
	}
	var err error
	dot := func() error {
		_, _ = c.tp.W.WriteString(".\r\n")
		err = c.tp.W.Flush()
		return err
	}
	if commit == nil {
		dot()
	} else {
		if !stop() {
			return &stepError{cmd: "DATA", err: ctx.Err()}
		}
		_ = c.conn.SetDeadline(time.Now().Add(timeout))
		dotted := false
		cerr := commit(func() error { dotted = true; return dot() })
		if !dotted {
			return orElse(cerr, errors.New("newsletter: the checkpoint did not release the message"))
		}
	}
	if err == nil {
		err = c.reply("DATA", "", 250)
	}
	var st *stepError
	switch {
	case err == nil || commit == nil:
		return err
	case errors.As(err, &st) && st.code == 0:
		return &CommittedError{Err: err}
	}
	return &CommittedError{Err: err, Refused: true}
}

// step sends a command and reads its reply (see reply).
func (c *session) step(cmd, rcpt string, code int, format string, args ...any) error {
	if err := c.tp.PrintfLine(format, args...); err != nil {
		return &stepError{cmd: cmd, err: err}
	}
	return c.reply(cmd, rcpt, code)
}

// reply reads a reply: nil for the expected code, *mail.PermanentError for
// a 5xx, a *stepError otherwise.
func (c *session) reply(cmd, rcpt string, code int) error {
	_, _, err := c.tp.ReadResponse(code)
	var te *textproto.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te) && te.Code >= 500:
		return &mail.PermanentError{Code: te.Code, Msg: te.Msg, Command: cmd, Recipient: rcpt}
	case te != nil:
		return &stepError{cmd: cmd, code: te.Code, err: err}
	}
	return &stepError{cmd: cmd, err: err}
}

func (c *session) quit() {
	_ = c.conn.SetDeadline(time.Now().Add(2 * time.Second))
	_, _, _ = c.cmd(221, "QUIT")
	c.close()
}

func (c *session) close() { _ = c.conn.Close() }

// writeDotStuffed writes raw (CRLF lines), doubling each line's leading
// dot and ending on a line break, and flushes: all but the final ".\r\n".
func writeDotStuffed(w *bufio.Writer, raw []byte) error {
	end := len(raw) == 0 || raw[len(raw)-1] == '\n'
	if len(raw) > 0 && raw[0] == '.' {
		w.WriteByte('.')
	}
	for {
		i := bytes.Index(raw, []byte("\n."))
		if i < 0 {
			break
		}
		w.Write(raw[:i+2])
		w.WriteByte('.')
		raw = raw[i+2:]
	}
	w.Write(raw)
	if !end {
		w.WriteString("\r\n")
	}
	return w.Flush()
}

func orElse(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
