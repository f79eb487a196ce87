package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

// testClock is the services' clock, moved by hand.
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

// env is the APIs served over a real store, with a newsroom in it: one
// staff member of each role, their tokens, a content key, and posts and
// pages in every state.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	cs     *content.Service
	ss     *staff.Service
	ms     *media.Service
	data   string // the media storage's data folder: files are under data/uploads
	clock  *testClock
	doc    *openAPIDoc
	logs   *syncBuffer
	seen   map[string]bool // "METHOD template status" of checked answers
	seenMu sync.Mutex

	editor, author, author2, contributor *staff.User
	tok                                  map[string]string // by role name; "expired" too
	key                                  string
	world, economy                       *content.Category

	published, members, draft, scheduled, page, draftPage *content.Post
}

const goodPassword = "a long enough password"

// testMaxBytes is the media library's file limit in tests: small, so that
// refusing a file over it is cheap.
const testMaxBytes = 512 << 10

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, clock: &testClock{t: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}, logs: &syncBuffer{},
		tok: map[string]string{}, seen: map[string]bool{}}
	e.cs, e.ss = content.New(db, e.clock.now), staff.New(db, e.clock.now)
	e.data = t.TempDir()
	e.ms = media.New(db, media.NewDiskStorage(e.data), e.clock.now, media.Options{MaxBytes: testMaxBytes})
	mk := func(key, email, name string, role staff.Role) *staff.User {
		u, err := e.ss.Create(ctx, staff.NewUser{Email: email, Name: name, Role: role, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := e.ss.CreateAPIToken(ctx, u.ID, "tests", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tok[key] = tok
		return u
	}
	e.editor = mk("editor", "hala@example.com", "هالة المحررة", staff.Editor)
	e.author = mk("author", "maher@example.com", "ماهر الكاتب", staff.Author)
	e.author2 = mk("author2", "sara@example.com", "Sara Writer", staff.Author)
	e.contributor = mk("contributor", "kamal@example.com", "كمال المساهم", staff.Contributor)
	expired, err := e.ss.CreateAPIToken(ctx, e.editor.ID, "short-lived", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	e.tok["expired"] = expired
	if e.key, err = e.cs.CreateContentKey(ctx, "front end"); err != nil {
		t.Fatal(err)
	}
	if e.world, err = e.cs.CreateCategory(ctx, content.CategoryInput{Name: "أخبار العالم", Slug: "world"}); err != nil {
		t.Fatal(err)
	}
	if e.economy, err = e.cs.CreateCategory(ctx, content.CategoryInput{Name: "اقتصاد", Slug: "economy", ParentID: e.world.ID}); err != nil {
		t.Fatal(err)
	}
	post := func(in content.PostInput) *content.Post {
		p, err := e.cs.CreatePost(ctx, in)
		if err != nil {
			t.Fatalf("create %q: %v", in.Title, err)
		}
		return p
	}
	e.published = post(content.PostInput{Title: "قمة المناخ تختتم أعمالها", Slug: "climate-summit", BodyMD: "نص **الخبر** <b>x</b>",
		Standfirst: "ملخص الخبر", Status: content.Published, AuthorIDs: []int64{e.author.ID}, CategoryIDs: []int64{e.economy.ID, e.world.ID},
		TagNames: []string{"مناخ", "قمة"}, Source: content.Source{Name: "Reuters", URL: "https://example.com/a", Lang: "en", Translated: true}})
	e.members = post(content.PostInput{Title: "تحليل للمشتركين", Slug: "members-analysis", BodyMD: "سر المهنة", Status: content.Published,
		Visibility: "members", AuthorIDs: []int64{e.editor.ID}, TagNames: []string{"مناخ"}, Lang: "ar"})
	e.draft = post(content.PostInput{Title: "Draft by a contributor", Slug: "secret-draft", BodyMD: "not yet", Lang: "en",
		AuthorIDs: []int64{e.contributor.ID}, TagNames: []string{"draft-only-tag"}})
	e.scheduled = post(content.PostInput{Title: "Tomorrow's story", Slug: "tomorrow", BodyMD: "soon", Lang: "en", Status: content.Scheduled,
		PublishedAt: e.clock.now().Add(24 * time.Hour), AuthorIDs: []int64{e.editor.ID}})
	e.page = post(content.PostInput{Type: content.TypePage, Title: "من نحن", Slug: "about", BodyMD: "عن الموقع", Status: content.Published,
		AuthorIDs: []int64{e.editor.ID}})
	e.draftPage = post(content.PostInput{Type: content.TypePage, Title: "Hidden page", Slug: "hidden-page", BodyMD: "x", Lang: "en",
		AuthorIDs: []int64{e.editor.ID}})
	// Let the published posts be in the past, and the short-lived token expire.
	e.clock.advance(2 * time.Minute)

	h := New(e.cs, e.ss, Options{Log: slog.New(slog.NewTextHandler(e.logs, nil)), BaseURL: "https://news.example", Media: e.ms})
	mux := http.NewServeMux()
	h.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() {
		if strings.Contains(e.logs.String(), "level=ERROR") {
			t.Errorf("errors were logged:\n%s", e.logs.String())
		}
	})
	res, err := http.Get(e.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if e.doc, err = parseOpenAPI(b); err != nil {
		t.Fatalf("the served OpenAPI document does not parse: %v", err)
	}
	return e
}

// syncBuffer collects the handler's log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// req is one request of a test.
type req struct {
	method, path string
	token        string // sent as Authorization: Bearer token, unless auth is set
	auth         string // the raw Authorization header
	body         any    // a string or []byte is sent as is; anything else as JSON
	ctype        string // Content-Type; application/json when there is a body
	chunked      bool   // send the body without a Content-Length
	header       map[string]string
}

// noRedirects shows a test the redirect itself.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// resp is an answer, with its body decoded when it is JSON.
type resp struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

// do sends r and checks the answer against the OpenAPI document: any
// answer to a documented operation must be documented and match its
// schema, and any answer at all must be JSON. Successful requests' bodies
// are checked against the documented request schema too.
func (e *env) do(r req) *resp {
	e.t.Helper()
	var body io.Reader
	var sent []byte
	switch b := r.body.(type) {
	case nil:
	case string:
		sent = []byte(b)
	case []byte:
		sent = b
	default:
		var err error
		if sent, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	if sent != nil {
		body = bytes.NewReader(sent)
		if r.chunked {
			body = io.MultiReader(body) // a reader of unknown length
		}
	}
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if sent != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	switch {
	case r.auth != "":
		hr.Header.Set("Authorization", r.auth)
	case r.token != "":
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := noRedirects.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	out := &resp{status: res.StatusCode, header: res.Header}
	if out.raw, err = io.ReadAll(res.Body); err != nil {
		e.t.Fatal(err)
	}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return out // the mux's own redirects to a cleaned path, before any API code
	}
	if len(out.raw) > 0 {
		if err := json.Unmarshal(out.raw, &out.json); err != nil {
			e.t.Errorf("%s %s: %d answer is not a JSON object: %q", r.method, r.path, res.StatusCode, short(string(out.raw)))
		}
	}
	path, _, _ := strings.Cut(r.path, "?")
	tpl, op, ok := e.doc.operation(r.method, path)
	if !ok {
		// Not an operation: it must still be a JSON error.
		for _, msg := range e.doc.checkJSON(map[string]any{"$ref": "#/components/schemas/Error"}, out.raw) {
			e.t.Errorf("%s %s → %d: %s", r.method, r.path, res.StatusCode, msg)
		}
		return out
	}
	for _, msg := range e.doc.checkResponse(op, res.StatusCode, res.Header, out.raw) {
		e.t.Errorf("%s %s → %d does not match the OpenAPI document: %s", r.method, r.path, res.StatusCode, msg)
	}
	if sent != nil && res.StatusCode < 300 {
		body, mt := sent, "application/json"
		if ct := hr.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/form-data") {
			mt = "multipart/form-data"
			if body, err = formJSON(sent, ct); err != nil {
				e.t.Errorf("%s %s: the accepted form does not parse: %v", r.method, r.path, err)
			}
		}
		schema := e.doc.requestSchema(op, mt)
		if schema == nil {
			e.t.Errorf("%s %s: a %s body was accepted, but the OpenAPI document describes none", r.method, r.path, mt)
		} else {
			for _, msg := range e.doc.checkJSON(schema, body) {
				e.t.Errorf("%s %s: the accepted request body does not match the OpenAPI document: %s", r.method, r.path, msg)
			}
		}
	}
	e.seenMu.Lock()
	e.seen[r.method+" "+tpl+" "+strconv.Itoa(res.StatusCode)] = true
	e.seenMu.Unlock()
	return out
}

// expect fails the test unless the answer has status and, for errors, the
// error type and a message containing msg.
func (e *env) expect(r *resp, status int, errType, msg string) {
	e.t.Helper()
	if r.status != status {
		e.t.Errorf("status %d, want %d: %s", r.status, status, short(string(r.raw)))
		return
	}
	if errType == "" {
		return
	}
	errs, _ := r.json["errors"].([]any)
	if len(errs) != 1 {
		e.t.Errorf("want one error, got %s", short(string(r.raw)))
		return
	}
	first, _ := errs[0].(map[string]any)
	if first["type"] != errType || !strings.Contains(first["message"].(string), msg) {
		e.t.Errorf("error %v %q, want %s containing %q", first["type"], first["message"], errType, msg)
	}
}

// one returns the single resource of an envelope such as {"posts":[…]}.
func one(t *testing.T, r *resp, key string) map[string]any {
	t.Helper()
	list, _ := r.json[key].([]any)
	if len(list) != 1 {
		t.Fatalf("want one of %s, got %s", key, short(string(r.raw)))
	}
	return list[0].(map[string]any)
}

// list returns the resources of an envelope.
func list(t *testing.T, r *resp, key string) []map[string]any {
	t.Helper()
	raw, ok := r.json[key].([]any)
	if !ok {
		t.Fatalf("no %s in %s", key, short(string(r.raw)))
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

// ids lists the id of each resource.
func ids(items []map[string]any) []int64 {
	out := make([]int64, len(items))
	for i, x := range items {
		out[i] = int64(x["id"].(float64))
	}
	return out
}

// postBody wraps fields as Ghost's single-post envelope.
func postBody(fields map[string]any) map[string]any {
	return map[string]any{"posts": []any{fields}}
}
