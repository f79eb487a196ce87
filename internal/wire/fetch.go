package wire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultUserAgent names Nashra and where to read about it, so that a
// publisher who sees the wire desk in their logs knows who is calling.
const DefaultUserAgent = "Mozilla/5.0 (compatible; Nashra-Wire/1.0; +https://nashra.dev/wire)"

// FetchConfig sets the limits of a Fetcher. Zero (or negative) fields take
// the defaults shown.
type FetchConfig struct {
	UserAgent      string        // DefaultUserAgent
	ConnectTimeout time.Duration // 10s: TCP connect, per address tried
	TLSTimeout     time.Duration // 10s: TLS handshake
	HeaderTimeout  time.Duration // 20s: from request sent to response headers
	Timeout        time.Duration // 60s: the whole fetch, redirects and body included
	MaxBytes       int64         // 10 MB: the body, after gzip decoding
	MaxRedirects   int           // 5
	// HostDelay is the least time between two requests to one host (name
	// and port), redirects included: a wire desk polling many feeds of one
	// publisher must not hammer it. 1s by default; set NoHostDelay for none.
	HostDelay   time.Duration
	NoHostDelay bool
	// Allow lists address prefixes that may be reached although they are
	// not public (see CheckAddr). Empty in production.
	Allow []netip.Prefix
}

func (c FetchConfig) withDefaults() FetchConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	def(&c.ConnectTimeout, 10*time.Second)
	def(&c.TLSTimeout, 10*time.Second)
	def(&c.HeaderTimeout, 20*time.Second)
	def(&c.Timeout, 60*time.Second)
	def(&c.HostDelay, time.Second)
	if c.NoHostDelay {
		c.HostDelay = 0
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 10 << 20
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = 5
	}
	return c
}

// Fetcher fetches outside URLs for the wire desk. It is safe for concurrent
// use and should be shared: it keeps connections alive and remembers when
// each host was last asked.
type Fetcher struct {
	cfg    FetchConfig
	client *http.Client
	gate   *hostGate
}

// NewFetcher builds a Fetcher. Its transport ignores proxy environment
// variables on purpose: through a proxy, the address check would judge the
// proxy, not the target.
func NewFetcher(cfg FetchConfig) *Fetcher {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{
		Timeout:   cfg.ConnectTimeout,
		KeepAlive: 30 * time.Second,
		Control:   dialControl(cfg.Allow),
	}
	f := &Fetcher{cfg: cfg, gate: newHostGate(cfg.HostDelay)}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    cfg.TLSTimeout,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		ResponseHeaderTimeout:  cfg.HeaderTimeout,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	f.client = &http.Client{
		Transport:     &politeTransport{next: transport, gate: f.gate},
		CheckRedirect: f.checkRedirect,
	}
	return f
}

// Request is one fetch. ETag and LastModified are the validators of the
// previous response for the same URL: when given, the fetch is conditional
// and an unchanged resource comes back as NotModified without a body.
type Request struct {
	URL          string
	ETag         string
	LastModified string
	// Accept defaults to a list preferring feeds and HTML.
	Accept string
}

// Response is a successful fetch (2xx, or 304 when NotModified).
type Response struct {
	URL          string // the final URL, after redirects
	StatusCode   int
	NotModified  bool
	ContentType  string
	ETag         string // the validators to send next time
	LastModified string
	// Body is the body as served (gzip already undone), at most MaxBytes.
	// Use Text for it in UTF-8.
	Body   []byte
	Header http.Header
}

// Text returns the body decoded to UTF-8, the charset taken from the
// Content-Type header, a BOM, or the document's own declaration.
func (r *Response) Text() []byte {
	if isXMLContentType(r.ContentType) {
		b, _ := DecodeXML(r.Body, r.ContentType)
		return b
	}
	b, _ := DecodeHTML(r.Body, r.ContentType)
	return b
}

const defaultAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"

// Get fetches a URL unconditionally.
func (f *Fetcher) Get(ctx context.Context, rawURL string) (*Response, error) {
	return f.Fetch(ctx, Request{URL: rawURL})
}

// Fetch performs one GET within the configured limits. Every failure is an
// *Error whose Kind tells the cause; the body is never read past MaxBytes.
func (f *Fetcher) Fetch(ctx context.Context, r Request) (*Response, error) {
	u, err := checkURL(r.URL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: ErrMalformed, URL: r.URL, Msg: "malformed URL", Err: err}
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	accept := r.Accept
	if accept == "" {
		accept = defaultAccept
	}
	req.Header.Set("Accept", accept)
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, classify(r.URL, err, f.cfg)
	}
	defer resp.Body.Close()
	out := &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Header:       resp.Header,
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, &Error{Kind: ErrHTTPStatus, URL: r.URL, StatusCode: resp.StatusCode,
			Msg: "HTTP " + resp.Status, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	if resp.ContentLength > f.cfg.MaxBytes {
		return nil, tooLarge(r.URL, f.cfg.MaxBytes, fmt.Sprintf("Content-Length %d", resp.ContentLength))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.cfg.MaxBytes+1))
	if err != nil {
		return nil, classify(r.URL, err, f.cfg)
	}
	if int64(len(body)) > f.cfg.MaxBytes {
		return nil, tooLarge(r.URL, f.cfg.MaxBytes, "stopped reading at the limit")
	}
	out.Body = body
	return out, nil
}

// checkURL accepts absolute http and https URLs with a host, and refuses
// every other scheme before any connection is made.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, &Error{Kind: ErrMalformed, URL: raw, Msg: "malformed URL", Err: err}
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, &Error{Kind: ErrMalformed, URL: raw, Msg: "not an absolute URL (http:// or https:// expected)"}
	default:
		return nil, &Error{Kind: ErrBlocked, URL: raw, Msg: fmt.Sprintf("scheme %q not allowed: only http and https", u.Scheme)}
	}
	if u.Hostname() == "" {
		return nil, &Error{Kind: ErrMalformed, URL: raw, Msg: "URL has no host"}
	}
	return u, nil
}

// checkRedirect caps redirects, refuses loops and non-HTTP targets. The
// target's address is checked again when it is dialed.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0].URL.String()
	if _, err := checkURL(req.URL.String()); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Msg = "redirect to " + req.URL.String() + ": " + e.Msg
			e.URL = first
		}
		return err
	}
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return &Error{Kind: ErrTooManyRedirects, URL: first,
				Msg: fmt.Sprintf("redirect loop: %s redirected back to itself after %d redirects", req.URL, len(via))}
		}
	}
	if len(via) > f.cfg.MaxRedirects {
		return &Error{Kind: ErrTooManyRedirects, URL: first,
			Msg: fmt.Sprintf("too many redirects: stopped after %d", f.cfg.MaxRedirects)}
	}
	return nil
}

func tooLarge(u string, limit int64, detail string) error {
	return &Error{Kind: ErrTooLarge, URL: u,
		Msg: fmt.Sprintf("response larger than the %s limit (%s)", formatBytes(limit), detail)}
}

// classify turns a transport error into an *Error of the right kind.
func classify(u string, err error, cfg FetchConfig) error {
	var e *Error
	if errors.As(err, &e) {
		out := *e
		if out.URL == "" {
			out.URL = u
		}
		return &out
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Error{Kind: ErrTimeout, URL: u, Err: err,
			Msg: fmt.Sprintf("timed out (connect %s, TLS %s, headers %s, total %s)", cfg.ConnectTimeout, cfg.TLSTimeout, cfg.HeaderTimeout, cfg.Timeout)}
	case errors.Is(err, context.Canceled):
		return &Error{Kind: ErrTimeout, URL: u, Err: err, Msg: "canceled"}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Error{Kind: ErrUnreachable, URL: u, Err: err, Msg: "host not found: " + dnsErr.Name}
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error() // without the "Get <url>:" the message starts with anyway
	}
	return &Error{Kind: ErrUnreachable, URL: u, Err: err, Msg: "cannot connect: " + oneLine(msg)}
}

func retryAfter(v string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
