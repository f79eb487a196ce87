package app

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/demo"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/testenv"
)

// testSite is a running server over a demo-filled store, for end-to-end tests.
type testSite struct {
	URL     string
	Data    string
	DB      *store.DB
	Content *content.Service
	Svc     *Services
	Sample  string // the sample article's slug
}

func startSite(t *testing.T, db *store.DB, cacheMB int) *testSite {
	t.Helper()
	return startSiteWith(t, db, cacheMB, nil)
}

// testFillTime is the comment form's minimum fill time on test sites:
// long enough that a form sent at once is refused even on a loaded machine
// (a form token dates itself to the second, so a fresh one may already look
// a second old), short enough that the tests which wait it out do not crawl.
const testFillTime = 2 * time.Second

// waitFillTime waits until a form served now may be sent.
func waitFillTime() { time.Sleep(testFillTime + 100*time.Millisecond) }

// startSiteWith is startSite with the services' options adjusted by opts.
func startSiteWith(t *testing.T, db *store.DB, cacheMB int, opts func(*ServiceOptions)) *testSite {
	t.Helper()
	fixtures := testenv.Fixtures(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	data := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	so := ServiceOptions{Storage: media.NewDiskStorage(data), BaseURL: base, Data: data, NodeID: "test/" + ln.Addr().String(),
		CommentMinFill: testFillTime}
	if opts != nil {
		opts(&so)
	}
	svc, err := NewServices(ctx, db, so, log)
	if err != nil {
		t.Fatal(err)
	}
	cs := svc.Content
	res, err := demo.Load(ctx, demo.Services{Content: cs, Staff: svc.Staff, Settings: svc.Settings},
		demo.Options{Fixtures: fixtures, UploadsDir: data + "/uploads"})
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	if res.SampleSlug == "" {
		t.Fatal("demo did not load the sample article")
	}
	if _, err := svc.Members.EnsureDefaultNewsletter(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := config.Server{Site: config.Site{Data: data, DB: db.URL()}, Addr: ln.Addr().String(), URL: base, CacheMB: cacheMB,
		TrustedProxies: []string{"127.0.0.0/8"}} // as the flag's default: tests name clients by X-Forwarded-For
	srv, err := NewServer(ctx, cfg, svc, log)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	if err := svc.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := svc.Queue.Stop(sctx); err != nil {
			t.Errorf("stop the queue: %v", err)
		}
	})
	return &testSite{URL: cfg.URL, Data: data, DB: db, Content: cs, Svc: svc, Sample: res.SampleSlug}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

var client = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get fetches path (already escaped) and returns the response and body.
func (s *testSite) get(t *testing.T, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// raw sends path exactly as given, even when Go's client would refuse it
// (malformed percent-encoding), as a hostile client would.
func (s *testSite) raw(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// mustGet fetches path and fails unless the status is want.
func (s *testSite) mustGet(t *testing.T, path string, want int) string {
	t.Helper()
	resp, body := s.get(t, path)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d\n%.500s", path, resp.StatusCode, want, body)
	}
	return body
}

func newStaff(db *store.DB) *staff.Service { return staff.New(db, time.Now) }

// findOutbox waits (up to about five seconds) for a message to to in the
// outbox folder for which match, given its headers and decoded body, is true.
func findOutbox(t *testing.T, data, to, what string, match func(msg *mail.Message, body string) bool) *mail.Message {
	t.Helper()
	for range 100 {
		files, _ := filepath.Glob(filepath.Join(data, "outbox", "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			msg, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil || !strings.Contains(msg.Header.Get("To"), to) {
				continue
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
			if match(msg, string(body)) {
				return msg
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no message to %s with %s in the outbox", to, what)
	return nil
}
