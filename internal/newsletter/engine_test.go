package newsletter

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestSend500(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 500)
		sk := startSink(t, true, nil)
		_, key, _ := ed25519.GenerateKey(rand.Reader)
		signer, err := nmail.NewSigner("news.example.test", "nashra", key)
		if err != nil {
			t.Fatal(err)
		}
		tr := NewSMTP(sk.config(), signer)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		if send.Total != 500 || send.Subject != s.post.Title || send.Status != StatusSending {
			t.Fatalf("send = %+v", send)
		}
		if _, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID}); !errors.Is(err, ErrAlreadySent) {
			t.Fatalf("second send of the post: %v, want ErrAlreadySent", err)
		}
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sk.counts(), s.emails)

		lookup := func(domain string) ([]string, error) {
			if domain != signer.DNSName() {
				return nil, errors.New("no such record")
			}
			return []string{signer.DNSRecord()}, nil
		}
		for i, addr := range s.emails {
			raw := sk.messages(addr)[0]
			checkMessage(t, e, raw, addr, s.newsletter, i == 0)
			vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil || len(vs) != 1 || vs[0].Err != nil {
				t.Fatalf("%s: DKIM does not verify: %v %+v", addr, err, vs)
			}
		}

		st, err := e.Progress(ctx, send.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 500 || st.Sent != 500 || st.Failed != 0 || st.Pending != 0 || st.Status != StatusDone ||
			st.Rate <= 0 || st.StartedAt.IsZero() || st.FinishedAt.IsZero() {
			t.Errorf("progress = %+v", st)
		}
	})
}

// checkMessage parses one received message as MIME and checks its headers,
// its two parts and its unsubscribe link.
func checkMessage(t *testing.T, e *Engine, raw []byte, addr string, newsletter int64, verbose bool) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: not RFC 5322: %v", addr, err)
	}
	h := msg.Header
	if to, err := mail.ParseAddress(h.Get("To")); err != nil || to.Address != addr {
		t.Fatalf("%s: To = %q", addr, h.Get("To"))
	}
	if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("%s: List-Unsubscribe-Post = %q", addr, h.Get("List-Unsubscribe-Post"))
	}
	if !strings.HasSuffix(h.Get("List-Id"), "<breaking.news.example.test>") {
		t.Errorf("%s: List-Id = %q", addr, h.Get("List-Id"))
	}
	lu := h.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<https://news.example.test/members/unsubscribe?") ||
		!strings.Contains(lu, "<mailto:unsubscribe@news.example.test?subject=unsubscribe>") {
		t.Fatalf("%s: List-Unsubscribe = %q", addr, lu)
	}
	link := lu[1:strings.IndexByte(lu, '>')]
	u, _ := url.Parse(link)
	m, _ := strconv.ParseInt(u.Query().Get("m"), 10, 64)
	n, _ := strconv.ParseInt(u.Query().Get("n"), 10, 64)
	if n != newsletter || !e.VerifyUnsubscribe(m, n, u.Query().Get("sig")) || e.VerifyUnsubscribe(m+1, n, u.Query().Get("sig")) {
		t.Fatalf("%s: unsubscribe link %s does not verify as its own", addr, link)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("%s: Content-Type %q", addr, h.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	parts := map[string]string{}
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: part: %v", addr, err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("%s: part: %v", addr, err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	text, html := parts["text/plain"], parts["text/html"]
	for _, want := range []string{"اجتماع في الرياض", "\n.سطر يبدأ بنقطة", link} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: the text part lacks %q:\n%s", addr, want, text)
		}
	}
	for _, want := range []string{`<html dir="rtl" lang="ar">`, "اجتماع في الرياض", strings.ReplaceAll(link, "&", "&amp;")} {
		if !strings.Contains(html, want) {
			t.Errorf("%s: the HTML part lacks %q", addr, want)
		}
	}
	if verbose && testing.Verbose() {
		t.Logf("one message, %d bytes:\n%s", len(raw), raw[:min(len(raw), 1500)])
	}
}

// TestResumeAfterCancel stops a send by cancelling its context midway (the
// in-process cousin of the SIGKILL test), then runs it again.
func TestResumeAfterCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 500)
		sk := startSink(t, false, nil)
		cfg := sk.config()
		cfg.Rate = 2000 // slow enough to stop it midway
		tr := NewSMTP(cfg, nil)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() { errc <- e.RunSend(rctx, send.ID) }()
		waitFor(t, 30*time.Second, func() bool { return sk.total.Load() >= 150 })
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("RunSend after cancel = %v", err)
		}
		st, _ := e.Progress(ctx, send.ID)
		if got := sk.total.Load(); st.Sent != int(got) || st.Pending != 500-int(got) {
			t.Errorf("after the cancel: %d received, progress %+v", got, st)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM deliveries WHERE status = 'claimed'"); n != 0 {
			t.Errorf("%d rows still claimed after the run ended", n)
		}
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sk.counts(), s.emails)
		if st, _ := e.Progress(ctx, send.ID); st.Status != StatusDone || st.Sent != 500 {
			t.Errorf("progress = %+v", st)
		}
	})
}

func TestPauseResumeCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 200)
		sk := startSink(t, false, nil)
		cfg := sk.config()
		cfg.Rate = 1000
		tr := NewSMTP(cfg, nil)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- e.RunSend(ctx, send.ID) }()
		waitFor(t, 30*time.Second, func() bool { return sk.total.Load() >= 40 })
		if err := e.Pause(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatalf("RunSend of a paused send = %v, want nil", err)
		}
		st, _ := e.Progress(ctx, send.ID)
		if st.Status != StatusPaused || st.Pending == 0 || st.Sent != int(sk.total.Load()) {
			t.Errorf("paused: %+v, %d received", st, sk.total.Load())
		}
		if n := count(t, db, "SELECT COUNT(*) FROM deliveries WHERE status = 'claimed'"); n != 0 {
			t.Errorf("%d rows still claimed after the pause", n)
		}
		if err := e.Pause(ctx, send.ID); !errors.Is(err, ErrState) {
			t.Errorf("pausing twice: %v", err)
		}
		if err := e.RunSend(ctx, send.ID); err != nil || sk.total.Load() != int64(st.Sent) {
			t.Errorf("a paused send must not run: %v", err)
		}
		if err := e.Resume(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sk.counts(), s.emails)

		// Cancel a second send midway: the rest are skipped.
		mustExec(t, db, "UPDATE members SET frequency = 'daily'")
		send2, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, Kind: KindDigest, Subject: "موجز اليوم"})
		if err != nil {
			t.Fatal(err)
		}
		before := sk.total.Load()
		go func() { errc <- e.RunSend(ctx, send2.ID) }()
		waitFor(t, 30*time.Second, func() bool { return sk.total.Load() >= before+40 })
		if err := e.Cancel(ctx, send2.ID); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		st, _ = e.Progress(ctx, send2.ID)
		got := int(sk.total.Load() - before)
		if st.Status != StatusCancelled || st.Sent != got || st.Skipped != 200-got || st.Pending != 0 || st.FinishedAt.IsZero() {
			t.Errorf("cancelled: %+v, %d received", st, got)
		}
		if err := e.Resume(ctx, send2.ID); !errors.Is(err, ErrState) {
			t.Errorf("resuming a cancelled send: %v", err)
		}
	})
}

// TestUnsubscribedMidway: a member who unsubscribes while the send runs is
// skipped, not sent to.
func TestUnsubscribedMidway(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seed(t, db, 10)
		sk := startSink(t, false, nil)
		tr := NewSMTP(sk.config(), nil)
		defer tr.Close()
		e := newEngine(t, db, tr, "node-a")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "UPDATE members SET status = 'unsubscribed' WHERE email = ?", email(2))
		mustExec(t, db, "DELETE FROM member_newsletters WHERE member_id = (SELECT id FROM members WHERE email = ?)", email(4))
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		want := append(append([]string{s.emails[0]}, s.emails[2]), s.emails[4:]...)
		checkExactlyOnce(t, sk.counts(), want)
		if st, _ := e.Progress(ctx, send.ID); st.Skipped != 2 || st.Sent != 8 || st.Status != StatusDone {
			t.Errorf("progress = %+v", st)
		}
	})
}

// TestOutbox: a transport that cannot stop before committing (the outbox
// folder) is checkpointed after each file.
func TestOutbox(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	s := seed(t, db, 25)
	dir := t.TempDir()
	e := newEngine(t, db, nmail.Outbox{Dir: dir}, "node-a")
	send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.RunSend(ctx, send.ID); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(dir + "/*.eml")
	if len(files) != 25 {
		t.Errorf("%d files in the outbox, want 25", len(files))
	}
	if st, _ := e.Progress(ctx, send.ID); st.Sent != 25 || st.Status != StatusDone {
		t.Errorf("progress = %+v", st)
	}
}

func TestCreateSendChecks(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	s := seed(t, db, 3)
	e := newEngine(t, db, nmail.Outbox{Dir: t.TempDir()}, "node-a")
	for _, c := range []struct {
		in   SendInput
		want error
	}{
		{SendInput{NewsletterID: 999, PostID: s.post.ID}, ErrNotFound},
		{SendInput{NewsletterID: s.newsletter}, ErrInvalid},
		{SendInput{NewsletterID: s.newsletter, PostID: 999}, ErrInvalid},
		{SendInput{NewsletterID: s.newsletter, PostID: s.post.ID, Kind: "poster"}, ErrInvalid},
		{SendInput{NewsletterID: s.newsletter, PostID: s.post.ID, Subject: "a\r\nBcc: x@example.test"}, ErrInvalid},
	} {
		if _, err := e.CreateSend(ctx, c.in); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.in, err, c.want)
		}
	}
	if _, err := e.Send(ctx, 12345); !errors.Is(err, ErrNotFound) {
		t.Errorf("Send(unknown) = %v", err)
	}
}
