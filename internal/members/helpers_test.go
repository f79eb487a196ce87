package members_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
)

// testClock is a clock the test moves by hand; safe to read from goroutines.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const baseURL = "https://news.example.com"

// env is a members service over a real store, mailing into an outbox folder.
type env struct {
	t      *testing.T
	db     *store.DB
	svc    *members.Service
	clock  *testClock
	outbox string
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{t: t, db: db, clock: &testClock{t: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}, outbox: t.TempDir()}
	e.svc = members.New(db, mail.Outbox{Dir: e.outbox}, e.clock.now, members.Options{
		BaseURL: baseURL + "/", SiteTitle: func() string { return "صحيفة الغد" }, FromAddress: "news@news.example.com",
		AllowReservedDomains: true,
	})
	return e
}

var ctx = context.Background()

// sent is one message read back from the outbox.
type sent struct {
	To, Subject, Text, HTML string
	Header                  netmail.Header
}

// takeMail reads, parses and removes every message in the outbox, oldest
// first, so that each step of a test sees only what it caused.
func (e *env) takeMail() []sent {
	e.t.Helper()
	files, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil {
		e.t.Fatal(err)
	}
	sort.Strings(files)
	var out []sent
	for _, f := range files {
		out = append(out, parseEML(e.t, f))
		if err := os.Remove(f); err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// oneMail is takeMail when exactly one message is expected.
func (e *env) oneMail() sent {
	e.t.Helper()
	ms := e.takeMail()
	if len(ms) != 1 {
		e.t.Fatalf("want 1 message in the outbox, have %d: %+v", len(ms), ms)
	}
	return ms[0]
}

func (e *env) noMail() {
	e.t.Helper()
	if ms := e.takeMail(); len(ms) != 0 {
		e.t.Fatalf("want no message, have %d: to %s %q", len(ms), ms[0].To, ms[0].Subject)
	}
}

// parseEML reads an .eml file as a mail client would: headers with
// RFC 2047 words decoded, and each MIME part's quoted-printable undone.
func parseEML(t *testing.T, path string) sent {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := netmail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s is not RFC 5322: %v", path, err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	to, err := netmail.ParseAddress(msg.Header.Get("To"))
	if err != nil {
		t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
	}
	s := sent{To: to.Address, Subject: subject, Header: msg.Header}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("decode part: %v", err)
		}
		text := strings.ReplaceAll(string(b), "\r\n", "\n")
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			s.Text = text
		case "text/html":
			s.HTML = text
		}
	}
	if s.Text == "" || s.HTML == "" {
		t.Fatalf("want a text and an HTML part: %+v", s)
	}
	return s
}

// token finds the token of the link to path in a message's text, and checks
// that the HTML carries the same link.
func (s sent) token(t *testing.T, path string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(baseURL+path) + `\?token=([A-Za-z0-9_-]+)`)
	m := re.FindStringSubmatch(s.Text)
	if m == nil {
		t.Fatalf("no %s link in the text:\n%s", path, s.Text)
	}
	if !strings.Contains(s.HTML, `href="`+m[0]+`"`) {
		t.Fatalf("the HTML lacks the link %s:\n%s", m[0], s.HTML)
	}
	return m[1]
}

// subscribe makes an active member with the default newsletter, through the
// public path, and empties the outbox.
func (e *env) subscribe(email string) *members.Member {
	e.t.Helper()
	if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: email, Name: "قارئ " + email}); err != nil {
		e.t.Fatalf("subscribe %s: %v", email, err)
	}
	m, err := e.svc.Confirm(ctx, e.oneMail().token(e.t, members.ConfirmPath))
	if err != nil {
		e.t.Fatalf("confirm %s: %v", email, err)
	}
	return m
}

// must(f())(t) is f's value, or a fatal error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("want %v, got %v", target, err)
	}
}
