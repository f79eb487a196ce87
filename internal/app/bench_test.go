package app

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"nashra.dev/nashra/bench/benchsite"
	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/store/storetest"
)

// The render-path benchmarks: the real handler (security headers, metrics,
// CSRF check, page cache, public site) over a SQLite site of a few hundred
// generated Arabic articles, one request at a time, in process. The load
// test over loopback is bench/load.sh; figures are in bench/README.md.
//
//	go test -run '^$' -bench . -benchtime 2s ./internal/app/

func BenchmarkArticleCached(b *testing.B)   { benchPage(b, 64, articlePath) }
func BenchmarkArticleUncached(b *testing.B) { benchPage(b, 0, articlePath) }
func BenchmarkHomeCached(b *testing.B)      { benchPage(b, 64, homePath) }
func BenchmarkHomeUncached(b *testing.B)    { benchPage(b, 0, homePath) }

func articlePath(r benchsite.Result) string { return r.Path }
func homePath(benchsite.Result) string      { return "/" }

// benchSite sizes the site: by default a few hundred articles of 5–10 KB of
// Markdown, big enough that queries do not run on toy tables, yet quick to
// fill (a second or two). NASHRA_BENCH_POSTS and NASHRA_BENCH_BODY_KB
// ("28-42") change it, e.g. to profile the site bench/load.sh serves.
func benchSite(b *testing.B) benchsite.Options {
	opt := benchsite.Options{Posts: 300, MinBody: 5 << 10, MaxBody: 10 << 10, Seed: 1}
	if v := os.Getenv("NASHRA_BENCH_POSTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("NASHRA_BENCH_POSTS: %v", err)
		}
		opt.Posts = n
	}
	if v := os.Getenv("NASHRA_BENCH_BODY_KB"); v != "" {
		lo, hi, _ := strings.Cut(v, "-")
		minKB, err1 := strconv.Atoi(lo)
		maxKB, err2 := strconv.Atoi(cmp.Or(hi, lo))
		if err1 != nil || err2 != nil {
			b.Fatalf("NASHRA_BENCH_BODY_KB: want MIN-MAX in KB, got %q", v)
		}
		opt.MinBody, opt.MaxBody = minKB<<10, maxKB<<10
	}
	return opt
}

func benchPage(b *testing.B, cacheMB int, path func(benchsite.Result) string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := storetest.SQLite(b)
	res, err := benchsite.Fill(ctx, db, benchSite(b))
	if err != nil {
		b.Fatal(err)
	}
	data := b.TempDir()
	cfg := config.Server{Site: config.Site{Data: data, DB: db.URL()}, Addr: "127.0.0.1:0", URL: "http://127.0.0.1:8080", CacheMB: cacheMB}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := NewServices(ctx, db, ServiceOptions{Storage: media.NewDiskStorage(data), BaseURL: "http://127.0.0.1", Data: data}, log)
	if err != nil {
		b.Fatal(err)
	}
	// Index the site for search first: the server's indexer would otherwise
	// analyze every post on start, in the background, during the timing.
	if _, err := svc.Search.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	srv, err := NewServer(ctx, cfg, svc, log)
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler

	// The request a load tester sends: no Accept-Encoding, so the page goes
	// out whole, as the static file nginx serves in bench/load.sh does.
	req := httptest.NewRequest(http.MethodGet, path(res), nil)
	w := &discardWriter{header: http.Header{}}
	h.ServeHTTP(w, req) // fills the cache when there is one
	if w.status != http.StatusOK || w.n < 1024 {
		b.Fatalf("GET %s: status %d, %d bytes", req.URL.Path, w.status, w.n)
	}
	size := w.n

	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
	}
	if w.status != http.StatusOK || w.n != size {
		b.Fatalf("GET %s: status %d, %d bytes, want 200 and %d", req.URL.Path, w.status, w.n, size)
	}
	b.ReportMetric(float64(size), "page-bytes")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// discardWriter is a ResponseWriter that keeps nothing but the status and
// the byte count, and reuses its header map, so that allocations reported
// are the handler's own, not a recorder's growing buffer.
type discardWriter struct {
	header http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
func (w *discardWriter) reset() {
	clear(w.header)
	w.status, w.n = 0, 0
}
