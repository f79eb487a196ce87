package mail

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TLSMode says how the SMTP connection is protected.
type TLSMode int

const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses to go
	// on if the server does not offer it (smtp://, port 587).
	TLSStartTLS TLSMode = iota
	// TLSImplicit speaks TLS from the first byte (smtps://, port 465).
	TLSImplicit
	// TLSNone sends in clear text: only for a relay on the same machine or
	// network (smtp://…?tls=none). Passwords are still refused in clear
	// text except towards localhost.
	TLSNone
)

func (m TLSMode) String() string {
	switch m {
	case TLSImplicit:
		return "implicit"
	case TLSNone:
		return "none"
	default:
		return "starttls"
	}
}

// SMTPConfig is a parsed --smtp URL. Its String, GoString and LogValue give
// the redacted form, so printing or logging it never shows the password.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // empty: no AUTH
	Password string
	TLS      TLSMode

	Pool               int           // connections kept open (pool=, default 4)
	Rate               float64       // messages per second over all connections (rate=, 0 = unlimited)
	Timeout            time.Duration // per connection step: dial, handshake, each command (timeout=, default 30s)
	InsecureSkipVerify bool          // insecure_skip_verify=1: accept any certificate (tests and local relays only)
	Retries            int           // further attempts after a temporary failure (retries=, default 3)
	Backoff            time.Duration // wait before the first retry, doubled each time (backoff=, default 1s)
	ReturnPath         string        // envelope sender for bounces (return_path=); empty: the From address
	HELO               string        // name sent in EHLO (helo=); empty: this machine's host name

	// RootCAs replaces the system roots when verifying the server (set by
	// code, not by the URL: tests trust their own self-signed certificate).
	RootCAs *x509.CertPool
}

// Defaults applied by ParseSMTPURL.
const (
	DefaultSMTPPool    = 4
	DefaultSMTPTimeout = 30 * time.Second
	DefaultSMTPRetries = 3
	DefaultSMTPBackoff = time.Second
	maxSMTPPool        = 100
	maxSMTPRetries     = 20
)

// ErrSMTPURL marks an --smtp value that cannot be used.
var ErrSMTPURL = errors.New("invalid SMTP URL")

const smtpURLHelp = "expected smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (implicit TLS)"

// ParseSMTPURL reads an SMTP URL:
//
//	smtp://user:password@host:587    STARTTLS, required (port 587 when omitted)
//	smtp://host:25?tls=none          clear text, for a local relay
//	smtps://user:password@host:465   implicit TLS (port 465 when omitted)
//
// Query options: pool=N connections (4), rate=N messages per second (0 means
// unlimited), timeout=30s, retries=N (3), backoff=1s, return_path=ADDRESS,
// helo=NAME, insecure_skip_verify=1 (tests and local relays only). A user
// name may be an email address as it is; in the password write @ as %40 (and
// / ? # % as %2F %3F %23 %25). Errors quote the URL with the password
// replaced, never the password itself.
func ParseSMTPURL(s string) (SMTPConfig, error) {
	c := SMTPConfig{Pool: DefaultSMTPPool, Timeout: DefaultSMTPTimeout, Retries: DefaultSMTPRetries, Backoff: DefaultSMTPBackoff}
	shown := redactRawURL(s)
	fail := func(format string, args ...any) (SMTPConfig, error) {
		return SMTPConfig{}, fmt.Errorf("%w %q: %s", ErrSMTPURL, shown, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(s) == "" {
		return fail("empty; %s", smtpURLHelp)
	}
	u, err := url.Parse(s)
	if err != nil {
		// url's errors quote the input: report the same parse of the
		// redacted form instead, which fails the same way unless the
		// culprit was in the password.
		if _, err2 := url.Parse(shown); err2 != nil {
			var ue *url.Error
			if errors.As(err2, &ue) {
				return fail("%v; %s", ue.Err, smtpURLHelp)
			}
			return fail("malformed; %s", smtpURLHelp)
		}
		return fail("the user name or password is not percent-encoded correctly (write @ as %%40, : as %%3A, / as %%2F, %% as %%25)")
	}
	switch u.Scheme {
	case "smtp":
		c.TLS, c.Port = TLSStartTLS, 587
	case "smtps":
		c.TLS, c.Port = TLSImplicit, 465
	default:
		return fail("the scheme must be smtp:// or smtps://, not %q; %s", u.Scheme, smtpURLHelp)
	}
	if u.Opaque != "" {
		return fail("%s", smtpURLHelp)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return fail("no host; %s", smtpURLHelp)
	}
	if strings.ContainsAny(c.Host, " \t/\\") {
		return fail("%q is not a host name", c.Host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail("port %q is not a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return fail("unexpected path %q; options go in the query, e.g. ?pool=4&rate=10", u.Path)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" && c.Password != "" {
			return fail("a password without a user name")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fail("the query is malformed: %v", err)
	}
	for key, vals := range q {
		if len(vals) != 1 {
			return fail("option %s is given %d times", key, len(vals))
		}
		if err := c.setOption(key, vals[0]); err != nil {
			return fail("%v", err)
		}
	}
	return c, nil
}

func (c *SMTPConfig) setOption(key, v string) error {
	var err error
	switch key {
	case "pool":
		c.Pool, err = intOption(key, v, 1, maxSMTPPool)
	case "retries":
		c.Retries, err = intOption(key, v, 0, maxSMTPRetries)
	case "rate":
		f, perr := strconv.ParseFloat(v, 64)
		if perr != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("rate=%q: expected messages per second, a number ≥ 0 (0 means unlimited)", v)
		}
		c.Rate = f
	case "timeout", "backoff":
		d, perr := time.ParseDuration(v)
		if perr != nil || d <= 0 {
			return fmt.Errorf("%s=%q: expected a positive duration such as 30s or 500ms", key, v)
		}
		if key == "timeout" {
			c.Timeout = d
		} else {
			c.Backoff = d
		}
	case "tls":
		switch v {
		case "none":
			if c.TLS == TLSImplicit {
				return errors.New("tls=none contradicts smtps://; use smtp://…?tls=none for a clear-text relay")
			}
			c.TLS = TLSNone
		case "starttls":
			if c.TLS == TLSImplicit {
				return errors.New("tls=starttls contradicts smtps://; use smtp:// for STARTTLS")
			}
		case "implicit":
			if c.TLS != TLSImplicit {
				return errors.New("tls=implicit: use smtps:// for implicit TLS")
			}
		default:
			return fmt.Errorf("tls=%q: expected none (clear text, local relays only) or starttls", v)
		}
	case "insecure_skip_verify":
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			return fmt.Errorf("insecure_skip_verify=%q: expected 1 or 0", v)
		}
		c.InsecureSkipVerify = b
	case "return_path":
		a, perr := mail.ParseAddress(v)
		if perr != nil || a.Name != "" {
			return fmt.Errorf("return_path=%q: expected a bare address such as bounces@news.example", v)
		}
		c.ReturnPath = a.Address
	case "helo":
		if v == "" || strings.ContainsAny(v, " \t\r\n<>") {
			return fmt.Errorf("helo=%q: expected a host name", v)
		}
		c.HELO = v
	default:
		return fmt.Errorf("unknown option %q (known: pool, rate, timeout, retries, backoff, tls, return_path, helo, insecure_skip_verify)", key)
	}
	return err
}

func intOption(key, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: expected a whole number from %d to %d", key, v, lo, hi)
	}
	return n, nil
}

// Addr is host:port.
func (c SMTPConfig) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// Redacted gives the configuration back as a URL with the password replaced
// by "xxxxx": safe for logs and error messages.
func (c SMTPConfig) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.Addr()}
	if c.TLS == TLSImplicit {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		if c.Password != "" {
			u.User = url.UserPassword(c.Username, "xxxxx")
		} else {
			u.User = url.User(c.Username)
		}
	}
	q := url.Values{}
	if c.TLS == TLSNone {
		q.Set("tls", "none")
	}
	if c.Pool != DefaultSMTPPool {
		q.Set("pool", strconv.Itoa(c.Pool))
	}
	if c.Rate != 0 {
		q.Set("rate", strconv.FormatFloat(c.Rate, 'g', -1, 64))
	}
	if c.Timeout != DefaultSMTPTimeout {
		q.Set("timeout", c.Timeout.String())
	}
	if c.Retries != DefaultSMTPRetries {
		q.Set("retries", strconv.Itoa(c.Retries))
	}
	if c.Backoff != DefaultSMTPBackoff {
		q.Set("backoff", c.Backoff.String())
	}
	if c.ReturnPath != "" {
		q.Set("return_path", c.ReturnPath)
	}
	if c.HELO != "" {
		q.Set("helo", c.HELO)
	}
	if c.InsecureSkipVerify {
		q.Set("insecure_skip_verify", "1")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (c SMTPConfig) String() string { return c.Redacted() }

// Format prints the redacted URL for every verb (%v, %+v, %#v, %s…).
func (c SMTPConfig) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.Redacted()) }

// LogValue makes slog print the redacted URL.
func (c SMTPConfig) LogValue() slog.Value { return slog.StringValue(c.Redacted()) }

// redactRawURL hides the password of a URL that may not even parse: the text
// between the first ':' after "scheme://" and the '@' ending the user
// information is replaced. That '@' is the last one before the query, or,
// when none comes before the first '?' (a password containing '?'), the last
// one of all: when in doubt, hide too much rather than too little.
func redactRawURL(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	rest := s[i+3:]
	at := -1
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		at = strings.LastIndexByte(rest[:q], '@')
	}
	if at < 0 {
		at = strings.LastIndexByte(rest, '@')
	}
	if at < 0 {
		return s
	}
	userinfo := rest[:at]
	if c := strings.IndexByte(userinfo, ':'); c >= 0 {
		userinfo = userinfo[:c] + ":xxxxx"
	}
	return s[:i+3] + userinfo + rest[at:]
}
