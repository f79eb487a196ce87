package comments_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

const akismetKey = "abc123key"

// akismetServer implements the contract of Akismet's REST API 1.1 as its
// documentation gives it: form POSTs; "invalid" for a bad key; the known
// test author "viagra-test-123" (and the address
// akismet-guaranteed-spam@example.com) always spam; user_role
// administrator never spam. Two test markers of our own: "discard-me" in
// spam adds the pro-tip to discard, and "server-error" answers 500.
type akismetServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls []call
}

type call struct {
	path string
	form url.Values
}

func newAkismetServer(t *testing.T) *akismetServer {
	s := &akismetServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *akismetServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Error(w, "POST a form", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, call{r.URL.Path, r.PostForm})
	s.mu.Unlock()
	f := r.PostForm
	key := f.Get("api_key")
	if r.URL.Path == "/1.1/verify-key" {
		key = f.Get("key")
	}
	if key != akismetKey {
		w.Header().Set("X-akismet-debug-help", "We were unable to parse your blog URI")
		w.Write([]byte("invalid"))
		return
	}
	if r.URL.Path == "/1.1/verify-key" {
		w.Write([]byte("valid"))
		return
	}
	for _, req := range []string{"blog", "user_ip"} {
		if f.Get(req) == "" {
			w.Write([]byte("Missing required field: " + req + "."))
			return
		}
	}
	switch r.URL.Path {
	case "/1.1/submit-spam", "/1.1/submit-ham":
		w.Write([]byte("Thanks for making the web a better place."))
		return
	case "/1.1/comment-check":
	default:
		http.NotFound(w, r)
		return
	}
	if strings.Contains(f.Get("comment_content"), "server-error") {
		http.Error(w, "oops", http.StatusInternalServerError)
		return
	}
	spam := (f.Get("comment_author") == "viagra-test-123" || f.Get("comment_author_email") == "akismet-guaranteed-spam@example.com") &&
		f.Get("user_role") != "administrator"
	if spam && strings.Contains(f.Get("comment_content"), "discard-me") {
		w.Header().Set("X-akismet-pro-tip", "discard")
	}
	if spam {
		w.Write([]byte("true"))
	} else {
		w.Write([]byte("false"))
	}
}

func (s *akismetServer) take() []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.calls
	s.calls = nil
	return out
}

func TestAkismet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := newAkismetServer(t)
		checker := &comments.Akismet{Key: akismetKey, Blog: baseURL, Endpoint: srv.URL, Client: srv.Client()}
		e := newEnv(t, db, func(o *comments.Options) { o.Checker = checker })

		// Spam, by Akismet's test author.
		in := e.input(e.post, "viagra-test-123", "bot@example.com", "cheap pills")
		in.Referrer = "https://news.example.com/somewhere/"
		c := e.create(in)
		if c.Status != comments.Spam || !strings.Contains(c.Reason, "spam check") {
			t.Fatalf("Akismet spam: %s (%s)", c.Status, c.Reason)
		}
		calls := srv.take()
		if len(calls) != 1 || calls[0].path != "/1.1/comment-check" {
			t.Fatalf("calls: %+v", calls)
		}
		f := calls[0].form
		for k, want := range map[string]string{
			"blog": baseURL, "user_ip": in.IP, "user_agent": in.UserAgent, "referrer": in.Referrer,
			"comment_type": "comment", "comment_author": "viagra-test-123", "comment_author_email": "bot@example.com",
			"comment_content": "cheap pills", "blog_lang": "ar", "blog_charset": "UTF-8",
		} {
			if got := f.Get(k); got != want {
				t.Errorf("field %s = %q, want %q", k, got, want)
			}
		}
		if p := f.Get("permalink"); !strings.HasPrefix(p, baseURL+"/post-") {
			t.Errorf("permalink %q", p)
		}

		// Ham follows the usual path: held as a first comment, then trusted.
		ham := e.comment("reader@example.com", "تعليق عادي", 0)
		if ham.Status != comments.Pending || !strings.Contains(ham.Reason, "first comment") {
			t.Fatalf("ham: %s (%s)", ham.Status, ham.Reason)
		}
		if _, err := e.svc.ModerateOne(ctx, comments.ActApprove, ham.ID); err != nil {
			t.Fatal(err)
		}
		if c := e.comment("reader@example.com", "تعليق ثان", 0); c.Status != comments.Approved {
			t.Fatalf("trusted ham: %s (%s)", c.Status, c.Reason)
		}

		// A failing server holds the comment, even a trusted one.
		c = e.comment("reader@example.com", "server-error please", 0)
		if c.Status != comments.Pending || !strings.Contains(c.Reason, "spam check failed") || !strings.Contains(c.Reason, "500") {
			t.Fatalf("server error: %s (%s)", c.Status, c.Reason)
		}
		// So does a request Akismet finds incomplete (no client address).
		in = e.input(e.post, "قارئ", "reader@example.com", "بلا عنوان")
		in.IP = ""
		if c := e.create(in); c.Status != comments.Pending || !strings.Contains(c.Reason, "Missing required field") {
			t.Fatalf("no IP: %s (%s)", c.Status, c.Reason)
		}

		// Discard: nothing stored.
		before := e.count("1 = 1")
		_, err := e.svc.Create(ctx, e.input(e.post, "viagra-test-123", "bot2@example.com", "discard-me now"))
		wantErr(t, err, comments.ErrRejected)
		if e.count("1 = 1") != before {
			t.Fatal("a discarded comment was stored")
		}

		// Staff comments are not sent to Akismet.
		srv.take()
		in = e.input(e.post, "", "", "رد التحرير")
		in.UserID = e.newUser("desk@example.com", staff.Editor)
		if c := e.create(in); c.Status != comments.Approved {
			t.Fatalf("staff: %s", c.Status)
		}
		if calls := srv.take(); len(calls) != 0 {
			t.Fatalf("staff comment checked: %+v", calls)
		}

		// Moderators teach Akismet.
		if _, err := e.svc.ModerateOne(ctx, comments.ActSpam, ham.ID); err != nil {
			t.Fatal(err)
		}
		calls = srv.take()
		if len(calls) != 1 || calls[0].path != "/1.1/submit-spam" || calls[0].form.Get("comment_content") != "تعليق عادي" ||
			calls[0].form.Get("comment_author_email") != "reader@example.com" || calls[0].form.Get("user_ip") == "" {
			t.Fatalf("submit-spam: %+v", calls)
		}
		if _, err := e.svc.ModerateOne(ctx, comments.ActUnspam, ham.ID); err != nil {
			t.Fatal(err)
		}
		if calls := srv.take(); len(calls) != 1 || calls[0].path != "/1.1/submit-ham" {
			t.Fatalf("submit-ham: %+v", calls)
		}

		// Keys.
		if ok, err := checker.VerifyKey(ctx); !ok || err != nil {
			t.Fatalf("verify a good key: %v %v", ok, err)
		}
		badKey := &comments.Akismet{Key: "wrongkey", Blog: baseURL, Endpoint: srv.URL, Client: srv.Client()}
		if ok, err := badKey.VerifyKey(ctx); ok || err != nil {
			t.Fatalf("verify a bad key: %v %v", ok, err)
		}
		_, err = badKey.Check(ctx, &comments.Submission{IP: "192.0.2.1", AuthorName: "x"})
		wantErr(t, err, comments.ErrAkismetKey)
		bad := newEnv(t, db, func(o *comments.Options) { o.Checker = badKey })
		if c := bad.comment("someone@example.com", "مفتاح خاطئ", 0); c.Status != comments.Pending || !strings.Contains(c.Reason, "invalid API key") {
			t.Fatalf("invalid key: %s (%s)", c.Status, c.Reason)
		}
		// A key that is not a host name label never leaves the process.
		srv.take()
		evil := &comments.Akismet{Key: "x.evil.example/", Blog: baseURL, Client: srv.Client()}
		_, err = evil.Check(ctx, &comments.Submission{IP: "192.0.2.1"})
		wantErr(t, err, comments.ErrAkismetKey)
		if calls := srv.take(); len(calls) != 0 {
			t.Fatal("a request went out with a malformed key")
		}
	})
}
