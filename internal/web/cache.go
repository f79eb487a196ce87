package web

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cache keeps whole rendered responses in memory, ready to write: the body,
// a gzipped copy, and the header values, so that a hit costs one map lookup
// and one write. Any change notice empties it (Flush): on a news site writes
// are rare next to reads, and a full flush can never leave a stale page.
type Cache struct {
	mu       sync.RWMutex
	entries  map[string]*entry
	size     int64
	maxBytes int64
	gen      atomic.Uint64
	hits     func()
	misses   func()
	bypass   func(*http.Request) bool
	// bufs holds buffers for responses being recorded and not kept: an
	// uncached page (tens of KB) would otherwise grow a fresh buffer by
	// doubling on every request.
	bufs sync.Pool
}

// Bypass makes requests for which fn is true skip the cache entirely (a
// signed-in member's pages are personal). Their answers are marked private
// so that no shared cache keeps them either. The fast lane leaves every
// request with a cookie to net/http: a rule reading anything else must be
// mirrored in its parseHead.
func (c *Cache) Bypass(fn func(*http.Request) bool) { c.bypass = fn }

type entry struct {
	status       int
	ctype        []string
	etag         []string
	lastModified []string
	location     []string
	cacheControl []string
	length       []string
	gzLength     []string
	body         []byte
	gz           []byte
	compressible bool
	modTime      time.Time
	lane         [3]atomic.Pointer[[]byte] // the fast lane's header blocks, by variant
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// NewCache returns a cache holding at most maxBytes of bodies; 0 disables it.
// onHit and onMiss feed metrics.
func NewCache(maxBytes int64, onHit, onMiss func()) *Cache {
	if onHit == nil {
		onHit = func() {}
	}
	if onMiss == nil {
		onMiss = func() {}
	}
	return &Cache{entries: map[string]*entry{}, maxBytes: maxBytes, hits: onHit, misses: onMiss}
}

// Flush drops every entry. Renders already under way when it is called are
// not stored (their generation is stale).
func (c *Cache) Flush() {
	c.mu.Lock()
	c.gen.Add(1)
	clear(c.entries)
	c.size = 0
	c.mu.Unlock()
}

// Len reports the number of cached pages.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

// cacheable statuses: successful pages and permanent answers. 404s are not
// kept, so that scanning for random URLs cannot fill the cache.
func cacheable(status int) bool {
	return status == http.StatusOK || status == http.StatusMovedPermanently || status == http.StatusGone
}

// Middleware serves GET and HEAD requests without a query string from the
// cache, filling it from next on a miss. Every response gets an ETag and
// Content-Length, answers conditional requests with 304, and is gzipped for
// clients that accept it. Handlers opt out of caching with "Cache-Control:
// no-store" or private.
func (c *Cache) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		// The key is the request target as sent. Only a path without a query
		// and escaped the usual way (RawPath empty: no escaped slash, no
		// lower-case escapes) is cached, and such a target is the one
		// spelling of its decoded path: so "/a%2Fb" never shares "/a/b"'s
		// page, and the fast lane finds a hit by the bytes it read.
		key := r.RequestURI
		personal := c.bypass != nil && c.bypass(r)
		useCache := c.maxBytes > 0 && r.URL.RawQuery == "" && !r.URL.ForceQuery && r.URL.RawPath == "" &&
			strings.HasPrefix(key, "/") && !personal
		if useCache {
			c.mu.RLock()
			e := c.entries[key]
			c.mu.RUnlock()
			if e != nil {
				c.hits()
				e.write(w, r)
				return
			}
			c.misses()
		}
		gen := c.gen.Load()
		rec := &recorder{header: http.Header{}, status: http.StatusOK, buf: c.getBuffer()}
		render := r
		if r.Method == http.MethodHead {
			// Render what a GET gets: handlers such as http.ServeContent and
			// http.Redirect write no body for HEAD, and the entry (its
			// length, and what later GETs are served) must be the whole page.
			get := *r
			get.Method = http.MethodGet
			render = &get
		}
		next.ServeHTTP(rec, render)
		e := rec.entry()
		if e == nil { // the handler streamed or hijacked: nothing to do
			c.putBuffer(rec.buf)
			return
		}
		if personal {
			e.cacheControl = privateNoCache
		}
		cc := ""
		if e.cacheControl != nil {
			cc = e.cacheControl[0]
		}
		kept := false
		if useCache && cacheable(e.status) && !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private") {
			e.compress(gzip.DefaultCompression)
			kept = c.put(key, e, gen)
		} else if acceptsGzip(r) {
			e.compress(gzip.BestSpeed)
		}
		for k, v := range rec.header {
			if _, set := w.Header()[k]; !set {
				w.Header()[k] = v
			}
		}
		e.write(w, r)
		if !kept {
			// The body was written and is referenced no more: its buffer
			// serves the next uncached response.
			c.putBuffer(rec.buf)
		}
	})
}

func (c *Cache) getBuffer() *bytes.Buffer {
	if b, _ := c.bufs.Get().(*bytes.Buffer); b != nil {
		return b
	}
	return new(bytes.Buffer)
}

// putBuffer returns b to the pool; very large ones are left to the garbage
// collector so that one huge answer does not stay in memory for good.
func (c *Cache) putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	c.bufs.Put(b)
}

// put keeps e under key, unless a flush happened since gen was read; it
// reports whether e was kept.
func (c *Cache) put(key string, e *entry, gen uint64) bool {
	n := int64(len(e.body) + len(e.gz) + len(key) + 256)
	if n > c.maxBytes/8 {
		return false // one page must not evict everything
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return false
	}
	if c.size+n > c.maxBytes {
		clear(c.entries) // simple and safe; hot pages refill at once
		c.size = 0
	}
	if old := c.entries[key]; old != nil {
		c.size -= int64(len(old.body) + len(old.gz) + len(key) + 256)
	}
	c.entries[key] = e
	c.size += n
	return true
}

// write sends a prepared entry, or 304 when the client's copy is current.
func (e *entry) write(w http.ResponseWriter, r *http.Request) {
	v := e.variant(r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since"), acceptsGzip(r))
	e.setHeader(w.Header(), v)
	if v == notModifiedVariant {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.bodyOf(v))
	}
}

// The three answers a cached entry can give.
const (
	plainVariant = iota
	gzipVariant
	notModifiedVariant
)

// variant chooses the answer from the request's conditional headers (their
// first values) and whether the client accepts gzip.
func (e *entry) variant(ifNoneMatch, ifModifiedSince string, gzipOK bool) int {
	if e.notModified(ifNoneMatch, ifModifiedSince) {
		return notModifiedVariant
	}
	if e.gz != nil && gzipOK {
		return gzipVariant
	}
	return plainVariant
}

func (e *entry) bodyOf(variant int) []byte {
	switch variant {
	case gzipVariant:
		return e.gz
	case notModifiedVariant:
		return nil
	}
	return e.body
}

// setHeader sets the entry's headers for one variant: the one place that
// decides them, for net/http's path and the fast lane's alike.
func (e *entry) setHeader(h http.Header, variant int) {
	if e.etag != nil {
		h["Etag"] = e.etag
	}
	if e.lastModified != nil {
		h["Last-Modified"] = e.lastModified
	}
	if e.cacheControl != nil {
		h["Cache-Control"] = e.cacheControl
	}
	if e.location != nil {
		h["Location"] = e.location
	}
	h["Vary"] = varyAE
	if variant == notModifiedVariant {
		return
	}
	h["Content-Type"] = e.ctype
	if variant == gzipVariant {
		h["Content-Encoding"] = gzipValue
		h["Content-Length"] = e.gzLength
	} else {
		h["Content-Length"] = e.length
	}
}

var (
	privateNoCache = []string{"private, no-cache"}
	varyAE         = []string{"Accept-Encoding"}
	gzipValue      = []string{"gzip"}
)

// notModified applies RFC 9110's order: If-None-Match decides when present,
// If-Modified-Since only without it.
func (e *entry) notModified(ifNoneMatch, ifModifiedSince string) bool {
	if e.status != http.StatusOK {
		return false
	}
	if ifNoneMatch != "" {
		return e.etag != nil && etagMatch(ifNoneMatch, e.etag[0])
	}
	if ifModifiedSince != "" && !e.modTime.IsZero() {
		t, err := http.ParseTime(ifModifiedSince)
		return err == nil && !e.modTime.Truncate(time.Second).After(t)
	}
	return false
}

func etagMatch(header, etag string) bool {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		if acceptsGzipValue(v) {
			return true
		}
	}
	return false
}

// acceptsGzipValue reads one Accept-Encoding value: gzip (or x-gzip) listed
// without a zero weight. It allocates nothing.
func acceptsGzipValue(v string) bool {
	for v != "" {
		var part string
		part, v, _ = strings.Cut(v, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && !strings.EqualFold(name, "x-gzip") {
			continue
		}
		if !zeroWeight(params) {
			return true
		}
	}
	return false
}

// zeroWeight reports whether parameters such as " q=0" or "q=0.000" refuse
// the coding; "q=0.5" does not.
func zeroWeight(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			return err == nil && q == 0
		}
	}
	return false
}

// recorder buffers a handler's response so it can be measured, tagged and kept.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	buf         *bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.buf.Write(p)
}

func (r *recorder) entry() *entry {
	body := r.buf.Bytes()
	e := &entry{status: r.status, body: body, length: []string{strconv.Itoa(len(body))}}
	ct := r.header.Get("Content-Type")
	if ct == "" && len(body) > 0 {
		ct = http.DetectContentType(body)
	}
	if ct != "" {
		e.ctype = []string{ct}
	}
	if v := r.header.Get("Location"); v != "" {
		e.location = []string{v}
	}
	if v := r.header.Get("Cache-Control"); v != "" {
		e.cacheControl = []string{v}
	}
	if v := r.header.Get("Last-Modified"); v != "" {
		e.lastModified = []string{v}
		e.modTime, _ = http.ParseTime(v)
	}
	if len(body) > 0 {
		e.etag = []string{`"` + strconv.FormatUint(uint64(crc32.Checksum(body, crcTable)), 36) + "-" + strconv.Itoa(len(body)) + `"`}
	}
	for _, k := range []string{"Content-Type", "Location", "Cache-Control", "Last-Modified", "Content-Length", "Etag"} {
		r.header.Del(k)
	}
	e.compressible = len(body) >= 1024 && compressible(ct)
	return e
}

// compress prepares the gzipped body: once, thoroughly, for a page that will
// be cached; on the fly, quickly, for one that will not.
func (e *entry) compress(level int) {
	if !e.compressible || e.gz != nil {
		return
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, level)
	_, _ = zw.Write(e.body)
	_ = zw.Close()
	e.gz = gz.Bytes()
	e.gzLength = []string{strconv.Itoa(len(e.gz))}
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript")
}
