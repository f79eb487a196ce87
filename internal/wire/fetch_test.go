package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testFetcher allows loopback (the httptest server) and waits for no one.
func testFetcher(cfg FetchConfig) *Fetcher {
	if cfg.Allow == nil {
		cfg.Allow = LoopbackOnly()
	}
	cfg.NoHostDelay = cfg.HostDelay == 0
	return NewFetcher(cfg)
}

// byteGenerator yields n bytes without holding them, counting what was
// actually read: the 50 MB test must not allocate 50 MB.
type byteGenerator struct {
	left int64
	read *atomic.Int64
}

func (g *byteGenerator) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > g.left {
		n = g.left
	}
	for i := range p[:n] {
		p[i] = 'a'
	}
	g.left -= n
	g.read.Add(n)
	return int(n), nil
}

// wireServer serves a fixture feed and page (small stand-ins without the
// fixtures) and every misbehaviour the fetcher must survive.
func wireServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	feed := optionalFixture("feeds", "misc", "ghost-migrate-libsyn-podcast-feed.xml")
	if feed == nil {
		feed = []byte(`<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://example.org/x</link></item></channel></rss>`)
	}
	page := optionalFixture("extraction", "trafilatura", "pages", "automobilwoche.de-VW-Betriebsversammlung.html")
	release := make(chan struct{})
	served := new(atomic.Int64)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		const etag = `"v1"`
		const modified = "Mon, 02 Jan 2006 15:04:05 GMT"
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == modified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	})
	mux.HandleFunc("/ua", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.UserAgent()) })
	mux.HandleFunc("/page-header", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		w.Write(page)
	})
	mux.HandleFunc("/page-meta", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(page)
	})
	mux.HandleFunc("/slow-headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss>"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	big := func(declare bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			const size = 50 << 20
			if declare {
				w.Header().Set("Content-Length", strconv.Itoa(size))
			}
			io.Copy(w, &byteGenerator{left: size, read: served})
		}
	}
	mux.HandleFunc("/big-chunked", big(false))
	mux.HandleFunc("/big-declared", big(true))
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/pong", http.StatusFound) })
	mux.HandleFunc("/pong", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ping", http.StatusFound) })
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			io.WriteString(w, "arrived")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.0.0.1/admin", http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(code)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { close(release); srv.Close() })
	return srv, served
}

// wantKind checks that err is an *Error of the given kind with a one-line
// message containing want.
func wantKind(t *testing.T, err error, kind error, want string) {
	t.Helper()
	var e *Error
	switch {
	case err == nil:
		t.Fatalf("no error, want %v", kind)
	case !errors.Is(err, kind) || !errors.As(err, &e):
		t.Fatalf("error %v (%T), want kind %v", err, err, kind)
	case !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n"):
		t.Fatalf("error %q, want one line containing %q", err, want)
	}
}

func TestFetchFeedAndConditionalGet(t *testing.T) {
	srv, _ := wireServer(t)
	f := testFetcher(FetchConfig{})
	ctx := context.Background()
	resp, err := f.Get(ctx, srv.URL+"/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if resp.NotModified || resp.ETag != `"v1"` || resp.LastModified == "" || len(resp.Body) == 0 {
		t.Fatalf("first fetch: %+v", resp)
	}
	feed, err := ParseFeed(resp.Body, resp.ContentType, resp.URL)
	if err != nil || len(feed.Items) == 0 {
		t.Fatalf("parse fetched feed: %v", err)
	}
	for _, r := range []Request{
		{URL: srv.URL + "/feed.xml", ETag: resp.ETag},
		{URL: srv.URL + "/feed.xml", LastModified: resp.LastModified},
	} {
		again, err := f.Fetch(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if !again.NotModified || again.StatusCode != 304 || len(again.Body) != 0 || again.ETag != `"v1"` {
			t.Fatalf("conditional fetch: %+v", again)
		}
	}
	ua, err := f.Get(ctx, srv.URL+"/ua")
	if err != nil || !strings.Contains(string(ua.Body), "Nashra") {
		t.Fatalf("User-Agent %q, %v", ua.Body, err)
	}
}

func TestFetchTimeouts(t *testing.T) {
	srv, _ := wireServer(t)
	ctx := context.Background()
	f := testFetcher(FetchConfig{HeaderTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := f.Get(ctx, srv.URL+"/slow-headers")
	wantKind(t, err, ErrTimeout, "timed out")
	if time.Since(start) > 3*time.Second {
		t.Errorf("header timeout took %v", time.Since(start))
	}
	f = testFetcher(FetchConfig{Timeout: 300 * time.Millisecond})
	_, err = f.Get(ctx, srv.URL+"/slow-body")
	wantKind(t, err, ErrTimeout, "timed out")
}

func TestFetchSizeLimit(t *testing.T) {
	srv, served := wireServer(t)
	f := testFetcher(FetchConfig{}) // the default 10 MB limit
	for _, path := range []string{"/big-chunked", "/big-declared"} {
		served.Store(0)
		_, err := f.Get(context.Background(), srv.URL+path)
		wantKind(t, err, ErrTooLarge, "larger than the 10 MB limit")
		// The server may have pushed some megabytes into socket buffers,
		// but nowhere near the 50 MB it offered.
		if n := served.Load(); n > 20<<20 {
			t.Errorf("%s: the server got to write %d bytes", path, n)
		}
		t.Logf("%s: %v (server wrote %d bytes)", path, err, served.Load())
	}
}

func TestFetchRedirects(t *testing.T) {
	srv, _ := wireServer(t)
	f := testFetcher(FetchConfig{})
	ctx := context.Background()
	resp, err := f.Get(ctx, srv.URL+"/chain/5")
	if err != nil || string(resp.Body) != "arrived" || !strings.HasSuffix(resp.URL, "/chain/0") {
		t.Fatalf("5 redirects must be followed: %v", err)
	}
	_, err = f.Get(ctx, srv.URL+"/chain/6")
	wantKind(t, err, ErrTooManyRedirects, "stopped after 5")
	_, err = f.Get(ctx, srv.URL+"/loop")
	wantKind(t, err, ErrTooManyRedirects, "redirect loop")
	_, err = f.Get(ctx, srv.URL+"/ping")
	wantKind(t, err, ErrTooManyRedirects, "redirect loop")
	// Every redirect target is checked again.
	_, err = f.Get(ctx, srv.URL+"/to-private")
	wantKind(t, err, ErrBlocked, "10.0.0.1")
	_, err = f.Get(ctx, srv.URL+"/to-metadata")
	wantKind(t, err, ErrBlocked, "link-local")
	_, err = f.Get(ctx, srv.URL+"/to-file")
	wantKind(t, err, ErrBlocked, `scheme "file" not allowed`)
}

func TestFetchBlockedAddresses(t *testing.T) {
	srv, _ := wireServer(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	strict := NewFetcher(FetchConfig{NoHostDelay: true, ConnectTimeout: 2 * time.Second})
	cases := []struct{ url, want string }{
		{srv.URL + "/feed.xml", "loopback"},
		{"http://localhost:" + port + "/feed.xml", "loopback"}, // a name: checked once resolved
		{"http://10.1.2.3/", "private network"},
		{"http://192.168.1.1/", "private network"},
		{"http://169.254.169.254/latest/meta-data/", "link-local"},
		{"http://100.64.0.1/", "carrier-grade NAT"},
		{"http://0.0.0.0:" + port + "/", "unspecified"},
		{"http://[::1]:" + port + "/", "loopback"},
		{"http://[::ffff:127.0.0.1]:" + port + "/", "loopback"},
		{"http://[64:ff9b::a00:1]/", "private network"},
		{"http://[fd00::1]/", "unique local"},
		{"http://[fe80::1]/", "link-local"},
		{"http://224.0.0.1/", "multicast"},
		{"ftp://example.com/feed", `scheme "ftp" not allowed`},
		{"file:///etc/passwd", `scheme "file" not allowed`},
		{"gopher://127.0.0.1:" + port + "/", `scheme "gopher" not allowed`},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			_, err := strict.Get(context.Background(), c.url)
			wantKind(t, err, ErrBlocked, c.want)
		})
	}
	// The same server is reachable once loopback is allowed.
	if _, err := testFetcher(FetchConfig{}).Get(context.Background(), srv.URL+"/feed.xml"); err != nil {
		t.Fatalf("allowed loopback: %v", err)
	}
}

func TestFetchStatusAndMalformed(t *testing.T) {
	srv, _ := wireServer(t)
	f := testFetcher(FetchConfig{})
	ctx := context.Background()
	_, err := f.Get(ctx, srv.URL+"/status/404")
	wantKind(t, err, ErrHTTPStatus, "HTTP 404 Not Found")
	_, err = f.Get(ctx, srv.URL+"/status/503")
	wantKind(t, err, ErrHTTPStatus, "HTTP 503")
	var e *Error
	if errors.As(err, &e); e.StatusCode != 503 || e.RetryAfter != 2*time.Minute {
		t.Errorf("503: %+v", e)
	}
	for _, u := range []string{"", "not a url", "http://", "/relative/feed.xml", "http://[::1", "http://exa mple.com/"} {
		_, err := f.Get(ctx, u)
		wantKind(t, err, ErrMalformed, "")
	}
	// A closed port: nothing listens there any more.
	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.URL
	closed.Close()
	_, err = f.Get(ctx, addr+"/feed.xml")
	wantKind(t, err, ErrUnreachable, "connection refused")
	_, err = f.Get(ctx, "http://nonexistent.invalid/feed.xml")
	wantKind(t, err, ErrUnreachable, "host not found")
}

func TestFetchDecodesNonUTF8Pages(t *testing.T) {
	fixture(t) // the windows-1252 page is a fixture
	srv, _ := wireServer(t)
	f := testFetcher(FetchConfig{})
	for _, path := range []string{"/page-header", "/page-meta"} {
		resp, err := f.Get(context.Background(), srv.URL+path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(resp.Text())
		if !strings.Contains(text, "Haussegen hängt schief") || strings.Contains(text, "\uFFFD") {
			t.Errorf("%s: windows-1252 page not decoded", path)
		}
		a, err := ExtractResponse(resp)
		if err != nil || !strings.Contains(a.Title, "Krach vor der VW-Betriebsversammlung") || !strings.Contains(a.Text, "Haussegen hängt schief") {
			t.Errorf("%s: extracted %q, %v", path, a.Title, err)
		}
	}
}

func TestFetchHostDelay(t *testing.T) {
	srv, _ := wireServer(t)
	f := testFetcher(FetchConfig{HostDelay: 150 * time.Millisecond})
	start := time.Now()
	for range 3 {
		if _, err := f.Get(context.Background(), srv.URL+"/ua"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("3 requests to one host took %v, want at least 2 delays of 150ms", d)
	}
	// A waiting request gives up with its context.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	f.Get(context.Background(), srv.URL+"/ua")
	_, err := f.Get(ctx, srv.URL+"/ua")
	wantKind(t, err, ErrTimeout, "")
}
