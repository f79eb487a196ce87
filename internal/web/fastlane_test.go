package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// laneSite is the same small site served twice: by net/http alone, and
// through the fast lane, each with its own page cache.
type laneSite struct {
	plain, lane string // addresses
	fast        *FastLane
}

func laneHandler() http.Handler {
	mux := http.NewServeMux()
	page := strings.Repeat("<p>نص عربي، وبعض English.</p>\n", 400)
	mux.HandleFunc("GET /a", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Last-Modified", "Sun, 29 Nov 2026 06:00:00 GMT")
		io.WriteString(w, page)
	})
	mux.HandleFunc("GET /ar/مقال/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<h1>مقال</h1>"+page)
	})
	mux.HandleFunc("GET /a/b", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "slash "+r.URL.Path) })
	mux.HandleFunc("GET /small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("GET /moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusMovedPermanently) })
	mux.HandleFunc("GET /gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("GET /nostore", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, "fresh")
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(append([]byte("got "), b...))
	})
	return mux
}

func startLaneSite(t testing.TB, opts LaneOptions) *laneSite {
	t.Helper()
	s := &laneSite{}
	for i := range 2 {
		cache := NewCache(1<<20, nil, nil)
		h := SecurityHeaders(cache.Middleware(laneHandler()))
		srv := &http.Server{Handler: h, ReadHeaderTimeout: opts.HeaderTimeout, IdleTimeout: opts.IdleTimeout}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			s.plain = ln.Addr().String()
		} else {
			s.lane = ln.Addr().String()
			s.fast = cache.NewFastLane(ln, opts)
			ln = s.fast
		}
		go srv.Serve(ln)
		t.Cleanup(func() {
			srv.Close()
			if i == 1 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				s.fast.Shutdown(ctx)
			}
		})
	}
	// Fill both caches: the lane's first sight of each path is a miss it
	// hands to net/http, which renders and keeps the page.
	for _, addr := range []string{s.plain, s.lane} {
		for _, p := range []string{"/a", "/ar/%D9%85%D9%82%D8%A7%D9%84/", "/a/b", "/small", "/moved", "/gone", "/nostore"} {
			exchange(t, addr, "GET "+p+" HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
			exchange(t, addr, "GET "+p+" HTTP/1.1\r\nHost: x\r\n\r\n")
		}
	}
	return s
}

// exchange writes raw request bytes on a new connection, half-closes it, and
// returns everything the server answers until it closes.
func exchange(t testing.TB, addr, raw string) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	out, err := io.ReadAll(c)
	if err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("read: %v", err)
	}
	return out
}

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)

func sameAnswer(t *testing.T, s *laneSite, raw string) (plain, lane []byte) {
	t.Helper()
	plain = dateLine.ReplaceAll(exchange(t, s.plain, raw), []byte("Date: -\r"))
	lane = dateLine.ReplaceAll(exchange(t, s.lane, raw), []byte("Date: -\r"))
	if !bytes.Equal(plain, lane) {
		t.Errorf("request %q\nnet/http answered:\n%s\nthe lane answered:\n%s", raw, clip(plain), clip(lane))
	}
	return plain, lane
}

func clip(b []byte) string {
	if len(b) > 1500 {
		return string(b[:1500]) + "…"
	}
	return string(b)
}

// TestFastLaneAnswersAsNetHTTP sends the same raw requests to net/http and to
// the lane and wants byte-identical answers (Date aside), and checks which
// requests the lane itself answered and which it handed over.
func TestFastLaneAnswersAsNetHTTP(t *testing.T) {
	s := startLaneSite(t, LaneOptions{HeaderTimeout: 2 * time.Second, IdleTimeout: 2 * time.Second})
	const h = "Host: news.example\r\n"
	cases := []struct {
		name   string
		raw    string
		served int64 // requests the lane answers itself
	}{
		{"hit", "GET /a HTTP/1.1\r\n" + h + "\r\n", 1},
		{"hit gzip", "GET /a HTTP/1.1\r\n" + h + "Accept-Encoding: gzip, deflate, br\r\n\r\n", 1},
		{"hit gzip zero weight", "GET /a HTTP/1.1\r\n" + h + "Accept-Encoding: br, gzip;q=0\r\n\r\n", 1},
		{"hit gzip half weight", "GET /a HTTP/1.1\r\n" + h + "Accept-Encoding: gzip;q=0.5\r\n\r\n", 1},
		{"hit accept-encoding twice", "GET /a HTTP/1.1\r\n" + h + "Accept-Encoding: br\r\naccept-encoding: GZIP\r\n\r\n", 1},
		{"head", "HEAD /a HTTP/1.1\r\n" + h + "\r\n", 1},
		{"head gzip", "HEAD /a HTTP/1.1\r\n" + h + "Accept-Encoding: gzip\r\n\r\n", 1},
		{"arabic path", "GET /ar/%D9%85%D9%82%D8%A7%D9%84/ HTTP/1.1\r\n" + h + "\r\n", 1},
		{"arabic path lower-case escapes", "GET /ar/%d9%85%d9%82%d8%a7%d9%84/ HTTP/1.1\r\n" + h + "\r\n", 0},
		{"escaped slash is a different page", "GET /a%2Fb HTTP/1.1\r\n" + h + "\r\n", 0},
		{"small", "GET /small HTTP/1.1\r\n" + h + "\r\n", 1},
		{"redirect", "GET /moved HTTP/1.1\r\n" + h + "\r\n", 1},
		{"gone", "GET /gone HTTP/1.1\r\n" + h + "\r\n", 1},
		{"etag", "GET /a HTTP/1.1\r\n" + h + "If-None-Match: \"nope\", *\r\n\r\n", 1},
		{"etag no match", "GET /a HTTP/1.1\r\n" + h + "If-None-Match: \"nope\"\r\n\r\n", 1},
		{"etag empty first", "GET /a HTTP/1.1\r\n" + h + "If-None-Match:\r\nIf-None-Match: *\r\n\r\n", 1},
		{"if-modified-since empty first", "GET /a HTTP/1.1\r\n" + h + "If-Modified-Since: \r\nIf-Modified-Since: Sun, 29 Nov 2026 07:00:00 GMT\r\n\r\n", 1},
		{"if-modified-since", "GET /a HTTP/1.1\r\n" + h + "If-Modified-Since: Sun, 29 Nov 2026 07:00:00 GMT\r\n\r\n", 1},
		{"if-modified-since earlier", "GET /a HTTP/1.1\r\n" + h + "If-Modified-Since: Sun, 29 Nov 2026 05:00:00 GMT\r\n\r\n", 1},
		{"if-modified-since garbage", "GET /a HTTP/1.1\r\n" + h + "If-Modified-Since: yesterday\r\n\r\n", 1},
		{"connection keep-alive", "GET /a HTTP/1.1\r\n" + h + "Connection: Keep-Alive\r\n\r\n", 1},
		{"pipelined hits", "GET /a HTTP/1.1\r\n" + h + "\r\nGET /small HTTP/1.1\r\n" + h + "\r\nHEAD /gone HTTP/1.1\r\n" + h + "\r\n", 3},
		{"pipelined hit then miss then hit", "GET /small HTTP/1.1\r\n" + h + "\r\nGET /nostore HTTP/1.1\r\n" + h + "\r\nGET /small HTTP/1.1\r\n" + h + "\r\n", 1},
		{"values with tabs and spaces", "GET /small HTTP/1.1\r\nHost:\tnews.example \r\nAccept:  */*\t\r\n\r\n", 1},

		{"not cached", "GET /nostore HTTP/1.1\r\n" + h + "\r\n", 0},
		{"unknown", "GET /nothing HTTP/1.1\r\n" + h + "\r\n", 0},
		{"query", "GET /a?x=1 HTTP/1.1\r\n" + h + "\r\n", 0},
		{"cookie", "GET /a HTTP/1.1\r\n" + h + "Cookie: nashra_member=1\r\n\r\n", 0},
		{"post", "POST /form HTTP/1.1\r\n" + h + "Content-Length: 3\r\n\r\nabc", 0},
		{"get with body", "GET /a HTTP/1.1\r\n" + h + "Content-Length: 3\r\n\r\nabc", 0},
		{"smuggling", "GET /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0},
		{"smuggling with space", "GET /a HTTP/1.1\r\n" + h + "Content-Length : 3\r\n\r\nabc", 0},
		{"http/1.0", "GET /a HTTP/1.0\r\n\r\n", 0},
		{"http/1.0 keep-alive", "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0},
		{"connection close", "GET /a HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n", 0},
		{"no host", "GET /a HTTP/1.1\r\n\r\n", 0},
		{"two hosts", "GET /a HTTP/1.1\r\n" + h + h + "\r\n", 0},
		{"bad host", "GET /a HTTP/1.1\r\nHost: a b\r\n\r\n", 0},
		{"absolute form", "GET http://news.example/a HTTP/1.1\r\n" + h + "\r\n", 0},
		{"asterisk", "OPTIONS * HTTP/1.1\r\n" + h + "\r\n", 0},
		{"bare LF", "GET /a HTTP/1.1\n" + h[:len(h)-2] + "\n\n", 0},
		{"stray CRLF first", "\r\nGET /a HTTP/1.1\r\n" + h + "\r\n", 0},
		{"obs-fold", "GET /a HTTP/1.1\r\n" + h + "X-A: 1\r\n 2\r\n\r\n", 0},
		{"NUL in value", "GET /a HTTP/1.1\r\n" + h + "X-A: 1\x002\r\n\r\n", 0},
		{"CR in value", "GET /a HTTP/1.1\r\n" + h + "X-A: 1\r2\r\n\r\n", 0},
		{"bad header name", "GET /a HTTP/1.1\r\n" + h + "X(A): 1\r\n\r\n", 0},
		{"no colon", "GET /a HTTP/1.1\r\n" + h + "garbage\r\n\r\n", 0},
		{"bad escape", "GET /a%zz HTTP/1.1\r\n" + h + "\r\n", 0},
		{"raw non-ASCII path", "GET /ar/مقال/ HTTP/1.1\r\n" + h + "\r\n", 0},
		{"double space", "GET  /a HTTP/1.1\r\n" + h + "\r\n", 0},
		{"lower-case method", "get /a HTTP/1.1\r\n" + h + "\r\n", 0},
		{"upgrade", "GET /a HTTP/1.1\r\n" + h + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 0},
		{"h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0},
		{"huge head", "GET /a HTTP/1.1\r\n" + h + "X-Big: " + strings.Repeat("x", 6000) + "\r\n\r\n", 0},
		{"incomplete head", "GET /a HTTP/1.1\r\n" + h, 0},
		{"nothing", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := s.fast.Stats()
			plain, _ := sameAnswer(t, s, tc.raw)
			after, _ := s.fast.Stats()
			if got := after - before; got != tc.served {
				t.Errorf("the lane answered %d requests itself, want %d", got, tc.served)
			}
			if tc.served > 0 && !bytes.HasPrefix(plain, []byte("HTTP/1.1 ")) {
				t.Errorf("no answer: %q", plain)
			}
		})
	}
}

// TestFastLaneKeepAlive reads answers one by one on a connection that the
// lane serves, then hands over, then net/http serves.
func TestFastLaneKeepAlive(t *testing.T) {
	s := startLaneSite(t, LaneOptions{HeaderTimeout: 2 * time.Second, IdleTimeout: 2 * time.Second})
	c, err := net.Dial("tcp", s.lane)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	get := func(path string, wantStatus int, wantBody string) {
		t.Helper()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != wantStatus || !strings.Contains(string(b), wantBody) {
			t.Fatalf("GET %s: %d %q", path, res.StatusCode, clip(b))
		}
		for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Etag", "Date", "Content-Length"} {
			if res.Header.Get(k) == "" {
				t.Errorf("GET %s: no %s header", path, k)
			}
		}
	}
	served0, handed0 := s.fast.Stats()
	check := func(wantServed, wantHanded int64) {
		t.Helper()
		served, handed := s.fast.Stats()
		if served-served0 != wantServed || handed-handed0 != wantHanded {
			t.Fatalf("served %d, handed %d; want %d and %d", served-served0, handed-handed0, wantServed, wantHanded)
		}
	}
	get("/small", 200, "ok")
	get("/a", 200, "نص عربي")
	check(2, 0)
	get("/nostore", 200, "fresh") // a miss: the connection goes to net/http
	get("/small", 200, "ok")      // and stays there
	check(2, 1)
}

// TestFastLaneTimeoutsAndShutdown: a head that never ends is dropped at the
// header timeout, an idle connection at the idle timeout, and Shutdown closes
// idle connections at once.
func TestFastLaneTimeoutsAndShutdown(t *testing.T) {
	s := startLaneSite(t, LaneOptions{HeaderTimeout: 300 * time.Millisecond, IdleTimeout: 600 * time.Millisecond})
	closedWithin := func(c net.Conn, d time.Duration) bool {
		c.SetReadDeadline(time.Now().Add(d))
		_, err := io.ReadAll(c)
		return err == nil || errors.Is(err, syscall.ECONNRESET) // EOF or reset, not a timeout
	}
	// send opens a connection, writes raw on it and, when asked, reads one answer.
	send := func(raw string, answer bool) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", s.lane)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		io.WriteString(c, raw)
		if answer {
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}
		return c
	}
	if !closedWithin(send("GET /a HTTP/1.1\r\nHost: x\r\n", false), 2*time.Second) {
		t.Error("an unfinished head kept its connection past the header timeout")
	}
	if !closedWithin(send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n", true), 2*time.Second) {
		t.Error("an idle connection outlived the idle timeout")
	}
	// A head that starts late and then trickles gets the header timeout
	// from the connection's start, not a fresh one after its first byte or
	// after a hand-over (the 5 KB head goes to net/http).
	for _, head := range []string{"GET /a HTTP/1.1\r\nHost: x\r\n", "GET /a HTTP/1.1\r\nX-Big: " + strings.Repeat("x", 5000)} {
		c, err := net.Dial("tcp", s.lane)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		closed := make(chan time.Duration, 1)
		go func() {
			io.ReadAll(c)
			closed <- time.Since(start)
		}()
		time.Sleep(200 * time.Millisecond)
		io.WriteString(c, head[:len(head)-20])
		for i := len(head) - 20; i < len(head); i++ {
			time.Sleep(50 * time.Millisecond)
			if _, err := c.Write([]byte{head[i]}); err != nil {
				break
			}
		}
		select {
		case d := <-closed:
			if d > 420*time.Millisecond {
				t.Errorf("a trickled head of %d bytes was cut after %v; the header timeout is 300ms", len(head), d)
			}
		case <-time.After(3 * time.Second):
			t.Errorf("a trickled head of %d bytes was never cut", len(head))
		}
		c.Close()
	}

	kept := send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n", true)
	halfway := send("GET /small HTTP/1.1\r\nHost:", false) // a head under way counts as idle, as in net/http
	time.Sleep(50 * time.Millisecond)                      // the lane is reading it
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := s.fast.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("shutdown took %v with only idle connections", d)
	}
	if !closedWithin(kept, time.Second) {
		t.Error("shutdown left an idle connection open")
	}
	if !closedWithin(halfway, time.Second) {
		t.Error("shutdown left open a connection sending its head")
	}
	if _, err := net.DialTimeout("tcp", s.lane, time.Second); err == nil {
		// The listener is closed: a connect may still succeed in the
		// kernel's backlog on some systems, but nothing must answer it.
		t.Log("connect after shutdown succeeded at the TCP level")
	}
}

// FuzzFastLane sends arbitrary bytes to net/http and to the lane: the answers
// must be identical (Date aside).
func FuzzFastLane(f *testing.F) {
	for _, seed := range []string{
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nIf-None-Match: *\r\n\r\n",
		"HEAD /ar/%D9%85%D9%82%D8%A7%D9%84/ HTTP/1.1\r\nHost: x\r\n\r\nGET /small HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nGET /a HTTP/1.1\r\n\r\n",
		"GET /moved HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Sun, 29 Nov 2026 07:00:00 GMT\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	s := startLaneSite(f, LaneOptions{HeaderTimeout: 2 * time.Second, IdleTimeout: 2 * time.Second})
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 8192 {
			return
		}
		sameAnswer(t, s, string(raw))
	})
}
