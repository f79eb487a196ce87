package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCacheServesFlushesAndRevalidates(t *testing.T) {
	var renders atomic.Int32
	body := strings.Repeat("نص ", 1000)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		switch r.URL.Path {
		case "/private":
			w.Header().Set("Cache-Control", "private")
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	})
	var hits, misses int
	c := NewCache(1<<20, func() { hits++ }, func() { misses++ })
	srv := c.Middleware(h)
	get := func(path string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	first := get("/a")
	second := get("/a", "Accept-Encoding", "gzip, deflate")
	if renders.Load() != 1 || hits != 1 || misses != 1 {
		t.Fatalf("renders=%d hits=%d misses=%d", renders.Load(), hits, misses)
	}
	if first.Body.String() != body || first.Header().Get("Content-Length") == "" || first.Header().Get("Etag") == "" {
		t.Fatalf("first response incomplete: %v", first.Header())
	}
	if second.Header().Get("Content-Encoding") != "gzip" || second.Body.Len() >= len(body) {
		t.Fatalf("not compressed: %v", second.Header())
	}
	if r := get("/a", "If-None-Match", first.Header().Get("Etag")); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
		t.Fatalf("If-None-Match: %d", r.Code)
	}
	if r := get("/a", "Accept-Encoding", "gzip;q=0"); r.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip sent although refused with q=0")
	}
	c.Flush()
	get("/a")
	if renders.Load() != 2 {
		t.Fatalf("flush did not force a render: %d", renders.Load())
	}
	for range 2 {
		get("/private")
		get("/missing")
		get("/a?x=1")
	}
	if renders.Load() != 8 {
		t.Fatalf("private, 404 and query responses must not be cached: renders=%d", renders.Load())
	}
	if c.Len() != 1 {
		t.Fatalf("cache holds %d entries, want 1", c.Len())
	}
}

func TestCacheStaysWithinItsBudget(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strings.Repeat("x", 10_000))) })
	c := NewCache(100_000, nil, nil)
	srv := c.Middleware(h)
	for i := range 100 {
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/p"+strings.Repeat("x", i), nil))
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.size > c.maxBytes {
		t.Fatalf("cache holds %d bytes, budget %d", c.size, c.maxBytes)
	}
}

func TestDisabledCacheStillAnswersConditionally(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) })
	srv := NewCache(0, nil, nil).Middleware(h)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("Etag"))
	rec2 := httptest.NewRecorder()
	srv.ServeHTTP(rec2, req)
	if rec2.Code != http.StatusNotModified {
		t.Fatalf("got %d", rec2.Code)
	}
}

// A HEAD request that misses must not leave its bodiless answer for GETs:
// http.ServeContent and http.Redirect write no body for HEAD.
func TestCacheKeepsNoHeadAnswer(t *testing.T) {
	h := http.NewServeMux()
	h.HandleFunc("/file.css", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "file.css", time.Time{}, strings.NewReader("body { color: red }"))
	})
	h.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	c := NewCache(1<<20, nil, nil)
	srv := c.Middleware(h)
	for _, path := range []string{"/file.css", "/old"} {
		head := httptest.NewRecorder()
		srv.ServeHTTP(head, httptest.NewRequest(http.MethodHead, path, nil))
		if head.Body.Len() != 0 {
			t.Fatalf("HEAD %s: a body", path)
		}
		for range 2 { // the second from the cache
			get := httptest.NewRecorder()
			srv.ServeHTTP(get, httptest.NewRequest(http.MethodGet, path, nil))
			if get.Body.Len() == 0 || get.Header().Get("Content-Length") != strconv.Itoa(get.Body.Len()) {
				t.Fatalf("GET %s after HEAD: %d bytes, Content-Length %q", path, get.Body.Len(), get.Header().Get("Content-Length"))
			}
		}
	}
}
