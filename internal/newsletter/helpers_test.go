package newsletter

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
)

// sink is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that records
// every message it accepts, by envelope recipient. A message whose DATA did
// not end with the final dot (the client hung up or was killed) is not
// accepted and not recorded, as a real server would drop it.
type sink struct {
	addr  string
	srv   *smtp.Server
	keep  bool // keep each message's bytes (off for the large tests)
	light bool // count messages, but not per recipient (benchmarks)

	// onRcpt may refuse a recipient; n counts its RCPT commands so far.
	onRcpt func(to string, n int) error
	// onData may refuse a message after its final dot.
	onData func(to []string) error
	// With a user, the server offers STARTTLS (tlsConfig) and requires
	// AUTH PLAIN after it.
	user, pass string
	tlsConfig  *tls.Config
	conns      atomic.Int64

	total atomic.Int64
	mu    sync.Mutex
	count map[string]int
	rcpts map[string]int
	data  map[string][][]byte
}

func startSink(t testing.TB, keep bool, configure func(*sink)) *sink {
	t.Helper()
	s := &sink{keep: keep, count: map[string]int{}, rcpts: map[string]int{}, data: map[string][][]byte{}}
	if configure != nil {
		configure(s)
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.TLSConfig = s.tlsConfig
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go s.srv.Serve(countingListener{l, &s.conns})
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *sink) config() mail.SMTPConfig {
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return mail.SMTPConfig{Host: host, Port: p, TLS: mail.TLSNone, Pool: 8, Timeout: 10 * time.Second, HELO: "test"}
}

// counts returns a copy of the per-recipient message counts.
func (s *sink) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.count))
	for k, v := range s.count {
		out[k] = v
	}
	return out
}

func (s *sink) messages(to string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[to]
}

type sinkSession struct {
	s      *sink
	to     []string
	authed bool
}

func (x *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if x.s.user == "" || user != x.s.user || pass != x.s.pass {
			return smtp.ErrAuthFailed
		}
		x.authed = true
		return nil
	}), nil
}

func (x *sinkSession) Mail(string, *smtp.MailOptions) error {
	if x.s.user != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	n := 0
	if !x.s.light {
		x.s.rcpts[to]++
		n = x.s.rcpts[to]
	}
	hook := x.s.onRcpt
	x.s.mu.Unlock()
	if hook != nil {
		if err := hook(to, n); err != nil {
			return err
		}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err // no final dot: nothing accepted
	}
	x.s.mu.Lock()
	hook := x.s.onData
	x.s.mu.Unlock()
	if hook != nil {
		if err := hook(x.to); err != nil {
			return err
		}
	}
	x.s.mu.Lock()
	for _, to := range x.to {
		if x.s.light {
			break
		}
		x.s.count[to]++
		if x.s.keep {
			x.s.data[to] = append(x.s.data[to], b)
		}
	}
	x.s.mu.Unlock()
	x.s.total.Add(int64(len(x.to)))
	return nil
}

func (x *sinkSession) Reset()        { x.to = nil }
func (x *sinkSession) Logout() error { return nil }

type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// site is a newsletter with members and a post to send.
type site struct {
	newsletter int64
	post       *content.Post
	emails     []string // of the subscribed, active members, in id order
}

func email(i int) string { return fmt.Sprintf("reader%d@example.test", i) }

// seed makes a newsletter, n active members subscribed to it (and a few
// who must not receive it: unsubscribed, and active but not subscribed),
// and a published Arabic post (a message of about 10 KB).
func seed(t testing.TB, db *store.DB, n int) *site { return seedPost(t, db, n, false) }

// seedPost is seed with, when short, a post of one line (a message of about
// 2 KB: the crash test's cost is then the protocol, not the bytes).
func seedPost(t testing.TB, db *store.DB, n int, short bool) *site {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	var s site
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO newsletters (slug, name, sender_name, sender_email, created_at)
			VALUES ('breaking', 'عاجل', 'نشرة', 'news@example.test', ?) RETURNING id`, now).Scan(&s.newsletter); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO members (email, name, status, created_at, updated_at)
			WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < CAST(? AS INTEGER))
			SELECT 'reader' || i || '@example.test', 'قارئ ' || i, 'active', ?, ? FROM seq`, n, now, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO member_newsletters (member_id, newsletter_id) SELECT id, ? FROM members`, s.newsletter); err != nil {
			return err
		}
		// Two who must get nothing.
		if _, err := tx.Exec(ctx, `INSERT INTO members (email, status, created_at, updated_at) VALUES
			('gone@example.test', 'unsubscribed', ?, ?), ('other@example.test', 'active', ?, ?)`, now, now, now, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO member_newsletters (member_id, newsletter_id)
			SELECT id, ? FROM members WHERE email = 'gone@example.test'`, s.newsletter)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		s.emails = append(s.emails, email(i))
	}
	cs := content.New(db, time.Now)
	if short {
		s.post, err = cs.CreatePost(ctx, content.PostInput{Title: "عاجل", BodyMD: "خبر قصير.",
			Status: content.Published, Lang: "ar", PublishedAt: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return &s
	}
	s.post, err = cs.CreatePost(ctx, content.PostInput{
		Title:      "اجتماع في الرياض لبحث التعاون الإقليمي",
		Standfirst: "وزراء يناقشون خطة مشتركة للنقل والطاقة خلال السنوات المقبلة",
		BodyMD: "قال مسؤولون إن الاجتماع **ناقش** مشاريع الربط الكهربائي.\n\n" +
			"## ما الذي اتُّفق عليه\n\n- خط قطار جديد\n- شبكة كهرباء مشتركة\n\n" +
			"> «نريد نتائج ملموسة» قال أحد الوزراء.\n\n.سطر يبدأ بنقطة\n\n" +
			"[التفاصيل الكاملة](/reports/2025/) و[المصدر](https://example.org/a?x=1&y=2).",
		Status: content.Published, Lang: "ar", PublishedAt: now.Add(-time.Hour),
		Source:   content.Source{Name: "وكالة الأنباء", URL: "https://example.org/a", Lang: "en", Translated: true},
		Featured: content.Image{URL: "/media/riyadh.jpg", Alt: "قاعة الاجتماع", Caption: "الوزراء في الرياض", Credit: "تصوير: فريق الموقع"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &s
}

func testOptions(node string) Options {
	return Options{
		BaseURL:           "https://news.example.test",
		NodeID:            node,
		BatchSize:         50,
		Workers:           4,
		UnsubscribeSecret: []byte("0123456789abcdef-test-secret"),
		UnsubscribeMailto: "unsubscribe@news.example.test",
		RetryBackoff:      10 * time.Millisecond,
		PollInterval:      50 * time.Millisecond,
		Log:               testLog(),
	}
}

func testLog() *slog.Logger {
	if os.Getenv("NASHRA_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newEngine(t testing.TB, db *store.DB, tr mail.Transport, node string) *Engine {
	t.Helper()
	e, err := New(db, tr, time.Now, testOptions(node))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// checkExactlyOnce fails the test unless every address in want got exactly
// one message and nobody else got any; it reports how many were duplicated
// and how many skipped.
func checkExactlyOnce(t testing.TB, got map[string]int, want []string) {
	t.Helper()
	dup, missing, extra := 0, 0, 0
	var examples []string
	wanted := make(map[string]bool, len(want))
	for _, a := range want {
		wanted[a] = true
		switch n := got[a]; {
		case n == 0:
			missing++
			if len(examples) < 5 {
				examples = append(examples, a+": none")
			}
		case n > 1:
			dup += n - 1
			if len(examples) < 5 {
				examples = append(examples, fmt.Sprintf("%s: %d", a, n))
			}
		}
	}
	for a := range got {
		if !wanted[a] {
			extra++
			if len(examples) < 5 {
				examples = append(examples, a+": not a recipient")
			}
		}
	}
	if dup+missing+extra > 0 {
		t.Errorf("%d recipients: %d duplicate messages, %d skipped, %d to non-recipients (e.g. %s)",
			len(want), dup, missing, extra, strings.Join(examples, "; "))
	}
}

func waitFor(t testing.TB, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var errTemp = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "greylisted, try later"}
var errNoUser = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}

var _ = errors.New

func count(t testing.TB, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustExec(t testing.TB, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}
