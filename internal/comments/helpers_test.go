package comments_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

var ctx = context.Background()

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

// recorder is a mail.Sender that keeps what it is given.
type recorder struct {
	mu   sync.Mutex
	msgs []*mail.Message
}

func (r *recorder) Send(_ context.Context, m *mail.Message) error {
	if _, err := m.Bytes(); err != nil { // the real transports would refuse it too
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

// take returns and forgets what was sent.
func (r *recorder) take() []*mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.msgs
	r.msgs = nil
	return out
}

const baseURL = "https://news.example.com"

var secret = []byte("0123456789abcdef0123456789abcdef")

// env is a comments service over a real store, with a hand-moved clock
// and a recording mailer.
type env struct {
	t     *testing.T
	db    *store.DB
	svc   *comments.Service
	clock *testClock
	mail  *recorder
	post  int64 // a published post, open for comments
	ips   int   // gives each comment its own client address by default
	posts int   // numbers the posts' slugs
}

func newEnv(t *testing.T, db *store.DB, tune ...func(*comments.Options)) *env {
	t.Helper()
	e := &env{t: t, db: db, clock: &testClock{t: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}, mail: &recorder{}}
	opt := comments.Options{
		Secret: secret, Now: e.clock.now, BaseURL: baseURL + "/", SiteTitle: func() string { return "صحيفة الغد" },
		FromAddress: "news@news.example.com",
		// Moderators are asked for explicitly, so that tests that do not
		// care about them get no mail for held comments.
		Moderators: func(context.Context) ([]comments.Recipient, error) { return nil, nil },
	}
	for _, f := range tune {
		f(&opt)
	}
	svc, err := comments.New(db, e.mail, opt)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	e.post = e.newPost("خبر اليوم", time.Hour)
	return e
}

// newPost inserts a post published age ago (0: a draft).
func (e *env) newPost(title string, age time.Duration) int64 {
	e.t.Helper()
	now := e.clock.now().UTC().Truncate(time.Second)
	status, published := "published", any(now.Add(-age))
	if age == 0 {
		status, published = "draft", nil
	}
	var id int64
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO posts (type, slug, title, status, published_at, created_at, updated_at)
			VALUES ('post', ?, ?, ?, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("post-%d-%d", e.posts, time.Now().UnixNano()), title, status, published, now, now).Scan(&id)
	})
	e.posts++
	if err != nil {
		e.t.Fatalf("insert post: %v", err)
	}
	return id
}

// newUser makes a staff account.
func (e *env) newUser(email string, role staff.Role) int64 {
	e.t.Helper()
	u, err := staff.New(e.db, e.clock.now).Create(ctx, staff.NewUser{Email: email, Name: "محرر " + email, Role: role, Password: "a long password"})
	if err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return u.ID
}

// newMember makes an active member.
func (e *env) newMember(email, name string) int64 {
	e.t.Helper()
	now := e.clock.now().UTC().Truncate(time.Second)
	var id int64
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO members (email, name, status, created_at, updated_at)
			VALUES (?, ?, 'active', ?, ?) RETURNING id`, email, name, now, now).Scan(&id)
	})
	if err != nil {
		e.t.Fatalf("insert member: %v", err)
	}
	return id
}

// input is a form for post from name <email>, with a token served five
// seconds ago (the clock moves on) and a client address of its own.
func (e *env) input(post int64, name, email, body string) comments.Input {
	tok := e.svc.FormToken(post)
	e.clock.advance(5 * time.Second)
	e.ips++
	return comments.Input{PostID: post, Name: name, Email: email, Body: body, Token: tok,
		IP: fmt.Sprintf("198.51.100.%d", e.ips%250+1), UserAgent: "Mozilla/5.0 (test)"}
}

// create sends in and fails the test on an error.
func (e *env) create(in comments.Input) *comments.Comment {
	e.t.Helper()
	c, err := e.svc.Create(ctx, in)
	if err != nil {
		e.t.Fatalf("create %q: %v", in.Body, err)
	}
	return c
}

// comment posts body on the env's post, replying to parent (0: none).
func (e *env) comment(email, body string, parent int64) *comments.Comment {
	e.t.Helper()
	in := e.input(e.post, "قارئ "+email, email, body)
	in.ParentID = parent
	return e.create(in)
}

// approved posts a comment and approves it if it was held.
func (e *env) approved(email, body string, parent int64) *comments.Comment {
	e.t.Helper()
	c := e.comment(email, body, parent)
	if c.Status == comments.Pending {
		got, err := e.svc.ModerateOne(ctx, comments.ActApprove, c.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		c = got
	}
	if c.Status != comments.Approved {
		e.t.Fatalf("comment %q is %s (%s)", body, c.Status, c.Reason)
	}
	return c
}

func (e *env) status(id int64) comments.Status {
	e.t.Helper()
	c, err := e.svc.Get(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Status
}

func (e *env) wantStatus(id int64, want comments.Status) {
	e.t.Helper()
	if got := e.status(id); got != want {
		e.t.Fatalf("comment %d is %s, want %s", id, got, want)
	}
}

// count counts rows of comments matching where.
func (e *env) count(where string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM comments WHERE "+where, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("want %v, got %v", target, err)
	}
}

func ids(ps []comments.Public) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
