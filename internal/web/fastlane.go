package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// FastLane answers page-cache hits on plain HTTP/1.1 keep-alive connections
// without going through net/http, and hands every other request, with its
// connection, to net/http. It is a net.Listener: http.Server.Serve(lane)
// sees only the connections handed over.
//
// Why: on 2 cores, net/http spends about 30 µs of CPU on each response
// (request and header maps, a background read per request, deadlines,
// buffered writes in pieces); nginx spends about 18 µs writing the same page
// from a file. A cached page needs none of that work: here a hit is a scan
// of the request head in a reused buffer, a map lookup, and one writev of a
// prepared head and the body.
//
// Safety: the lane answers only requests it fully understands, and leaves
// everything else to net/http, which then reads the request from the first
// byte. It serves GET and HEAD of an origin-form path (no query) over
// HTTP/1.1 with CRLF line ends, valid header names and values, exactly one
// valid Host, and no body: any Content-Length, Transfer-Encoding, Expect,
// Upgrade, Cookie (a member's pages are personal) or Connection other than
// keep-alive, any obsolete line folding, a head larger than its buffer, or a
// path the cache does not hold, goes to net/http, and the connection stays
// with net/http from then on. The lane writes exactly the
// status, headers and body net/http's path writes for the same entry (a test
// compares them request by request).
type FastLane struct {
	inner net.Listener
	cache *Cache
	opts  LaneOptions
	slack time.Duration

	handoff   chan net.Conn
	acceptErr chan error
	done      chan struct{}
	closeOnce sync.Once
	shutting  atomic.Bool

	mu    sync.Mutex
	conns map[*laneConn]struct{}
	wg    sync.WaitGroup

	served, handed atomic.Int64
}

// LaneOptions are the lane's timeouts, which match the http.Server's, and
// its metrics hook.
type LaneOptions struct {
	HeaderTimeout time.Duration // to read a request head
	IdleTimeout   time.Duration // between requests on a connection
	WriteTimeout  time.Duration // to write an answer
	// Observe is called after each answer the lane writes.
	Observe func(status int, elapsed time.Duration)
}

// laneBufSize bounds a request head the lane reads itself; browsers' heads
// are 0.5–2 KB. Larger ones (many cookies, long URLs) go to net/http.
const laneBufSize = 4096

// NewFastLane wraps inner and starts accepting on it. The cache must be on.
func (c *Cache) NewFastLane(inner net.Listener, opts LaneOptions) *FastLane {
	if opts.HeaderTimeout <= 0 {
		opts.HeaderTimeout = 10 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 120 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 60 * time.Second
	}
	// A deadline is moved only when it would move by more than slack: a
	// tenth of the shortest timeout, at most a second.
	slack := min(opts.HeaderTimeout, opts.IdleTimeout, opts.WriteTimeout) / 10
	slack = min(slack, time.Second)
	l := &FastLane{inner: inner, cache: c, opts: opts, slack: slack,
		handoff: make(chan net.Conn), acceptErr: make(chan error), done: make(chan struct{}),
		conns: map[*laneConn]struct{}{}}
	go l.acceptLoop()
	return l
}

// Accept returns the next connection handed over to net/http.
func (l *FastLane) Accept() (net.Conn, error) {
	select {
	case c := <-l.handoff:
		return c, nil
	case err := <-l.acceptErr:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting; connections already open carry on until Shutdown.
func (l *FastLane) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.done)
		err = l.inner.Close()
	})
	return err
}

// Addr is the address listened on.
func (l *FastLane) Addr() net.Addr { return l.inner.Addr() }

// Shutdown closes the lane's idle connections at once and waits for those
// writing an answer to finish it, as http.Server.Shutdown does for its own.
func (l *FastLane) Shutdown(ctx context.Context) error {
	l.shutting.Store(true)
	_ = l.Close()
	l.mu.Lock()
	for c := range l.conns {
		if c.idle.Load() {
			_ = c.Conn.Close()
		}
	}
	l.mu.Unlock()
	finished := make(chan struct{})
	go func() { l.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for c := range l.conns {
			_ = c.Conn.Close()
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// Stats counts the requests the lane answered and the connections it handed
// to net/http.
func (l *FastLane) Stats() (served, handedOver int64) {
	return l.served.Load(), l.handed.Load()
}

func (l *FastLane) acceptLoop() {
	for {
		c, err := l.inner.Accept()
		if err != nil {
			select {
			case l.acceptErr <- err: // net/http retries temporary errors and stops on others
			case <-l.done:
				return
			}
			continue
		}
		lc := &laneConn{Conn: c, slack: l.slack}
		l.mu.Lock()
		if l.shutting.Load() {
			l.mu.Unlock()
			_ = c.Close()
			continue
		}
		l.conns[lc] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go l.serve(lc)
	}
}

// laneConn is one connection while the lane holds it.
type laneConn struct {
	net.Conn
	br   *bufio.Reader
	idle atomic.Bool // waiting for a request: Shutdown may close it

	out             [2][]byte
	bufs            net.Buffers // out, as writev consumes it
	head            []byte
	dateSec         int64
	date            []byte
	readBy, writeBy time.Time // the deadlines set on the connection
	slack           time.Duration
}

func (l *FastLane) forget(c *laneConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	l.wg.Done()
}

func (l *FastLane) serve(c *laneConn) {
	c.br = bufio.NewReaderSize(c.Conn, laneBufSize)
	now := time.Now()
	for first := true; ; first = false {
		// Wait for a request and read its head as net/http does: the first
		// head within the header timeout of the connection's start; the
		// next ones after up to the idle timeout, closing quietly if fewer
		// than 4 bytes come before the client's end, then within the header
		// timeout. Until the head is whole the connection counts as idle:
		// Shutdown closes it, as net/http closes its idle ones.
		c.idle.Store(true)
		if l.shutting.Load() { // Shutdown may have looked before idle was set
			_ = c.Conn.Close()
			l.forget(c)
			return
		}
		headBy := now.Add(l.opts.HeaderTimeout)
		if !first {
			c.setReadDeadline(now.Add(l.opts.IdleTimeout))
			if _, err := c.br.Peek(4); err != nil {
				_ = c.Conn.Close()
				l.forget(c)
				return
			}
			headBy = time.Now().Add(l.opts.HeaderTimeout)
		}
		head, err := c.readHead(headBy)
		c.idle.Store(false)
		if err != nil {
			// A head cut short by the client's end is net/http's to answer
			// (400); one cut by the timeout is closed, as net/http does.
			if (errors.Is(err, errHandOver) || errors.Is(err, io.EOF)) && c.br.Buffered() > 0 {
				l.handOver(c, headBy)
			} else {
				_ = c.Conn.Close()
				l.forget(c)
			}
			return
		}
		start := time.Now()
		req, ok := parseHead(head)
		if !ok {
			l.handOver(c, headBy)
			return
		}
		e := l.cache.lookup(req.target)
		if e == nil {
			l.handOver(c, headBy)
			return
		}
		v := e.variant(req.ifNoneMatch, req.ifModifiedSince, req.gzip)
		status := e.status
		if v == notModifiedVariant {
			status = http.StatusNotModified
		}
		_, _ = c.br.Discard(len(head))
		c.head = c.appendHead(c.head[:0], status, e.laneHeader(v), start, l.shutting.Load())
		c.out[0], c.out[1] = c.head, nil
		if !req.head {
			c.out[1] = e.bodyOf(v)
		}
		c.bufs = c.out[:]
		c.setWriteDeadline(start.Add(l.opts.WriteTimeout))
		_, err = c.bufs.WriteTo(c.Conn) // one writev
		c.out[0], c.out[1] = nil, nil
		if err != nil {
			_ = c.Conn.Close()
			l.forget(c)
			return
		}
		l.served.Add(1)
		l.cache.hits()
		now = time.Now()
		if l.opts.Observe != nil {
			l.opts.Observe(status, now.Sub(start))
		}
	}
}

// setReadDeadline moves the read deadline to t, unless it already lies
// within slack before t: moving it for every request of a busy connection
// would cost a timer update each time, for a second's precision on
// timeouts of 10 s and more. It never lies after t.
func (c *laneConn) setReadDeadline(t time.Time) {
	if d := t.Sub(c.readBy); d < 0 || d > c.slack {
		_ = c.Conn.SetReadDeadline(t)
		c.readBy = t
	}
}

// setWriteDeadline is setReadDeadline's twin for writes.
func (c *laneConn) setWriteDeadline(t time.Time) {
	if d := t.Sub(c.writeBy); d < 0 || d > c.slack {
		_ = c.Conn.SetWriteDeadline(t)
		c.writeBy = t
	}
}

// handOver gives the connection, with whatever it has buffered, to net/http.
// net/http reads the head again under a header timeout of its own, which
// must not add to the time the lane already gave the client: its first
// read deadline is capped at the lane's (headBy).
func (l *FastLane) handOver(c *laneConn, headBy time.Time) {
	_ = c.Conn.SetDeadline(time.Time{})
	l.forget(c)
	l.handed.Add(1)
	rc := &replayConn{Conn: c.Conn, br: c.br, firstBy: headBy}
	select {
	case l.handoff <- rc:
	case <-l.done:
		_ = c.Conn.Close()
	}
}

func (c *laneConn) appendHead(b []byte, status int, header []byte, now time.Time, closing bool) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\n"...)
	b = append(b, header...)
	if sec := now.Unix(); sec != c.dateSec || c.date == nil {
		c.dateSec = sec
		c.date = now.UTC().AppendFormat(c.date[:0], http.TimeFormat)
	}
	b = append(b, "Date: "...)
	b = append(b, c.date...)
	if closing { // after Date, as net/http writes them
		b = append(b, "\r\nConnection: close"...)
	}
	return append(b, "\r\n\r\n"...)
}

// lookup finds the entry for a request target: the cache's keys are targets
// as sent, so the bytes read are the key.
func (c *Cache) lookup(target []byte) *entry {
	if c.maxBytes <= 0 {
		return nil
	}
	c.mu.RLock()
	e := c.entries[string(target)] // no allocation: the compiler looks the bytes up directly
	c.mu.RUnlock()
	return e
}

// laneHeader is the entry's header block for one variant, security headers
// included, sorted as net/http writes them; built on first use (entries are
// never modified once cached, and two builders build the same bytes).
func (e *entry) laneHeader(variant int) []byte {
	if p := e.lane[variant].Load(); p != nil {
		return *p
	}
	h := http.Header{}
	for _, kv := range securityHeaders {
		h[kv.key] = kv.val
	}
	e.setHeader(h, variant)
	var b bytes.Buffer
	_ = h.Write(&b)
	out := b.Bytes()
	e.lane[variant].Store(&out)
	return out
}

// replayConn is a connection handed to net/http: it reads what the lane had
// buffered first, then the socket.
type replayConn struct {
	net.Conn
	br      *bufio.Reader
	mu      sync.Mutex
	firstBy time.Time // caps the first read deadline net/http sets; then zero
}

// SetReadDeadline caps net/http's first deadline, the one for the head the
// lane already spent time reading.
func (c *replayConn) SetReadDeadline(t time.Time) error {
	return c.Conn.SetReadDeadline(c.capped(t))
}

// SetDeadline is SetReadDeadline for both directions.
func (c *replayConn) SetDeadline(t time.Time) error {
	if capped := c.capped(t); !capped.Equal(t) {
		if err := c.Conn.SetWriteDeadline(t); err != nil {
			return err
		}
		return c.Conn.SetReadDeadline(capped)
	}
	return c.Conn.SetDeadline(t)
}

func (c *replayConn) capped(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	by := c.firstBy
	c.firstBy = time.Time{}
	if !by.IsZero() && (t.IsZero() || t.After(by)) {
		return by
	}
	return t
}

func (c *replayConn) Read(p []byte) (int, error) {
	if c.br != nil {
		if c.br.Buffered() > 0 {
			return c.br.Read(p)
		}
		c.br = nil
	}
	return c.Conn.Read(p)
}

// CloseWrite lets net/http half-close after an error answer, as it does on a
// bare TCP connection.
func (c *replayConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps sendfile(2) for files net/http copies to the connection.
func (c *replayConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}
