package mail

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	nmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

func testMessage(i int) *Message {
	return &Message{
		From:    nmail.Address{Name: "نشرة الصباح", Address: "news@news.example"},
		To:      []nmail.Address{{Name: "قارئ", Address: fmt.Sprintf("reader%d@example.com", i)}},
		Subject: fmt.Sprintf("العدد %d: أخبار اليوم", i),
		Text:    "مرحباً،\n.\n.سطر يبدأ بنقطة\nhttps://news.example/a",
		HTML:    `<p dir="rtl">مرحباً</p>`,
		Headers: map[string]string{"List-Id": "<daily.news.example>", "List-Unsubscribe": "<https://news.example/u/x>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
	}
}

var (
	rsaSignerOnce sync.Once
	rsaSigner     *Signer
)

// testSigner is an RSA-2048 signer made through LoadOrCreateKey, as the
// server does it.
func testSigner(t testing.TB) *Signer {
	rsaSignerOnce.Do(func() {
		key, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "dkim.pem"))
		if err != nil {
			panic(err)
		}
		if rsaSigner, err = NewSigner("news.example", "nashra", key.(*rsa.PrivateKey)); err != nil {
			panic(err)
		}
	})
	return rsaSigner
}

func TestSMTPDeliversExactSignedBytes(t *testing.T) {
	srv := startSMTP(t, false, nil)
	tr := srv.transport(t, srv.url("smtp", "pool=2"))
	signer := testSigner(t)
	signedTr := Signed(tr, signer)
	dns := map[string]string{signer.DNSName(): signer.DNSRecord()}
	ctx := t.Context()

	// A rendered message goes out as it is, dot-stuffing undone by the server.
	text := &Message{From: nmail.Address{Address: "news@news.example"}, To: []nmail.Address{{Address: "a@example.com"}, {Address: "b@example.com"}},
		Subject: "نقطة", Text: "سطر\n.\n..\n.نقطة في أول السطر"}
	raw, err := text.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.SendRaw(ctx, "news@news.example", []string{"a@example.com", "b@example.com"}, raw); err != nil {
		t.Fatal(err)
	}
	// Signed: the same bytes behind one DKIM-Signature field.
	if err := signedTr.SendRaw(ctx, "news@news.example", []string{"a@example.com"}, raw); err != nil {
		t.Fatal(err)
	}
	// And a whole Message, multipart, Arabic.
	m := testMessage(1)
	if err := signedTr.Send(ctx, m); err != nil {
		t.Fatal(err)
	}

	got := srv.messages()
	if len(got) != 3 {
		t.Fatalf("%d messages arrived", len(got))
	}
	if !bytes.Equal(got[0].data, raw) {
		t.Fatalf("bytes changed in transit:\nsent %q\n got %q", raw, got[0].data)
	}
	if got[0].from != "news@news.example" || strings.Join(got[0].to, ",") != "a@example.com,b@example.com" || !got[0].tls || got[0].user != "news" {
		t.Errorf("envelope %+v", got[0])
	}
	sig, ok := bytes.CutSuffix(got[1].data, raw)
	if !ok || !bytes.HasPrefix(sig, []byte("DKIM-Signature: ")) || bytes.Count(sig, []byte("\r\n")) != bytes.Count(sig, []byte("\r\n "))+1 {
		t.Fatalf("signed message is not one DKIM-Signature field + the message:\n%s", got[1].data)
	}
	for _, r := range got[1:] {
		verifiesOnce(t, r.data, dns)
	}

	msg, err := nmail.ReadMessage(bytes.NewReader(got[2].data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject %q %v", subject, err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, string(b))
	}
	if len(parts) != 2 || !strings.Contains(parts[0], ".سطر يبدأ بنقطة") || !strings.Contains(parts[1], `dir="rtl"`) {
		t.Errorf("parts %q", parts)
	}
	if got[2].to[0] != "reader1@example.com" {
		t.Errorf("envelope recipient %v", got[2].to)
	}
}

func TestSMTPImplicitTLSAndReturnPath(t *testing.T) {
	srv := startSMTP(t, true, nil)
	tr := srv.transport(t, srv.url("smtps", "return_path=bounces%40news.example"))
	if err := tr.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 || !got[0].tls || got[0].from != "bounces@news.example" {
		t.Fatalf("%+v", got)
	}
}

func TestSMTPPoolReusesConnections(t *testing.T) {
	srv := startSMTP(t, false, nil)
	tr := srv.transport(t, srv.url("smtp", "pool=2"))
	sendConcurrently(t, tr, 50, 8)
	if n := len(srv.messages()); n != 50 {
		t.Fatalf("%d messages", n)
	}
	if n := srv.conns.Load(); n > 2 {
		t.Errorf("50 messages over pool=2 opened %d connections", n)
	}
	if n := srv.logins.Load(); n > 2 {
		t.Errorf("%d logins", n)
	}
}

func sendConcurrently(t testing.TB, tr Sender, n, workers int) {
	t.Helper()
	next := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := tr.Send(context.Background(), testMessage(i)); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestSMTPRetriesTemporaryFailures(t *testing.T) {
	srv := startSMTP(t, false, func(s *testSMTP) {
		s.onData = func(n int32) error {
			if n == 1 {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
			}
			return nil
		}
	})
	tr := srv.transport(t, srv.url("smtp", "backoff=10ms"))
	if err := tr.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	if len(srv.messages()) != 1 || srv.datas.Load() != 2 || srv.conns.Load() != 1 {
		t.Errorf("messages %d, DATA %d, connections %d: want 1, 2, 1", len(srv.messages()), srv.datas.Load(), srv.conns.Load())
	}

	// 421 means the server is closing: a new connection, then success.
	srv = startSMTP(t, false, func(s *testSMTP) {
		s.onMail = func(n int32) error {
			if n == 1 {
				return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "shutting down"}
			}
			return nil
		}
	})
	tr = srv.transport(t, srv.url("smtp", "backoff=10ms"))
	if err := tr.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	if len(srv.messages()) != 1 || srv.conns.Load() != 2 {
		t.Errorf("after 421: messages %d, connections %d: want 1, 2", len(srv.messages()), srv.conns.Load())
	}

	// Temporary failures that never end: give up after 1+retries attempts.
	srv = startSMTP(t, false, func(s *testSMTP) {
		s.onData = func(int32) error {
			return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "disk full"}
		}
	})
	tr = srv.transport(t, srv.url("smtp", "backoff=5ms&retries=2"))
	err := tr.Send(t.Context(), testMessage(1))
	var pe *PermanentError
	if err == nil || errors.As(err, &pe) || !strings.Contains(err.Error(), "gave up after 3 attempts") || !strings.Contains(err.Error(), "452") || srv.datas.Load() != 3 {
		t.Errorf("got %v after %d DATA", err, srv.datas.Load())
	}
}

func TestSMTPPermanentFailureIsNotRetried(t *testing.T) {
	srv := startSMTP(t, false, func(s *testSMTP) {
		s.onRcpt = func(to string) error {
			if strings.HasPrefix(to, "gone@") {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
			}
			return nil
		}
	})
	tr := srv.transport(t, srv.url("smtp", "backoff=10ms"))
	m := testMessage(1)
	m.To = []nmail.Address{{Address: "gone@example.com"}}
	err := tr.Send(t.Context(), m)
	var pe *PermanentError
	if !errors.As(err, &pe) || pe.Code != 550 || pe.Command != "RCPT TO" || pe.Recipient != "gone@example.com" || !strings.Contains(pe.Msg, "no such user") {
		t.Fatalf("got %#v (%v)", pe, err)
	}
	if srv.rcpts.Load() != 1 {
		t.Errorf("RCPT tried %d times", srv.rcpts.Load())
	}
	// The session survives the refusal (RSET) and carries the next message.
	if err := tr.Send(t.Context(), testMessage(2)); err != nil {
		t.Fatal(err)
	}
	if srv.conns.Load() != 1 || len(srv.messages()) != 1 {
		t.Errorf("connections %d, messages %d", srv.conns.Load(), len(srv.messages()))
	}
}

func TestSMTPRate(t *testing.T) {
	srv := startSMTP(t, false, nil)
	tr := srv.transport(t, srv.url("smtp", "rate=20"))
	start := time.Now()
	sendConcurrently(t, tr, 40, 8)
	elapsed := time.Since(start)
	if elapsed < 1900*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("40 messages at 20/s took %v", elapsed)
	}
	t.Logf("40 messages at rate=20: %v", elapsed)
}

func TestSMTPLoginAndTLSErrors(t *testing.T) {
	srv := startSMTP(t, false, nil)
	tr := srv.transport(t, fmt.Sprintf("smtp://news:wrong-secret@%s?backoff=10ms", srv.addr))
	err := tr.Send(t.Context(), testMessage(1))
	var pe *PermanentError
	if !errors.Is(err, ErrAuth) || errors.As(err, &pe) || !strings.Contains(err.Error(), "535") || !strings.Contains(err.Error(), `"news"`) {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("the error shows the password: %v", err)
	}
	if srv.logins.Load() != 1 {
		t.Errorf("a refused login was tried %d times", srv.logins.Load())
	}
	t.Logf("wrong password: %v", err)

	// A certificate nobody vouches for: refused, not retried…
	cfg, _ := ParseSMTPURL(srv.url("smtp", "backoff=10ms"))
	untrusting, _ := NewSMTP(cfg, nil)
	defer untrusting.Close()
	before := srv.conns.Load()
	err = untrusting.Send(t.Context(), testMessage(1))
	if err == nil || !strings.Contains(err.Error(), "certificate") || srv.conns.Load() != before+1 {
		t.Errorf("untrusted certificate: %v after %d connections", err, srv.conns.Load()-before)
	}
	t.Logf("untrusted certificate: %v", err)
	// … unless told to skip verification.
	cfg, _ = ParseSMTPURL(srv.url("smtp", "insecure_skip_verify=1"))
	insecure, _ := NewSMTP(cfg, nil)
	defer insecure.Close()
	if err := insecure.Send(t.Context(), testMessage(1)); err != nil {
		t.Errorf("insecure_skip_verify: %v", err)
	}

	// No server at all: retried, then a clear error.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	down := srv.transport(t, fmt.Sprintf("smtp://%s?retries=1&backoff=5ms", addr))
	err = down.Send(t.Context(), testMessage(1))
	if err == nil || !strings.Contains(err.Error(), "gave up after 2 attempts") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("no server: %v", err)
	}
	t.Logf("no server: %v", err)
}

func TestSMTPCloseEndsConnections(t *testing.T) {
	srv := startSMTP(t, false, nil)
	tr := srv.transport(t, srv.url("smtp", "pool=3"))
	sendConcurrently(t, tr, 9, 3)
	if srv.open.Load() == 0 {
		t.Fatal("no connection open before Close")
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return srv.open.Load() == 0 }, "connections still open after Close: %d", func() any { return srv.open.Load() })
	if err := tr.Send(t.Context(), testMessage(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("send after Close: %v", err)
	}
	if err := tr.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestSMTPReplacesConnectionsTheServerClosed(t *testing.T) {
	srv := startSMTP(t, false, func(s *testSMTP) { s.idleTimeout = 200 * time.Millisecond })
	tr := srv.transport(t, srv.url("smtp", "backoff=10s"))
	if err := tr.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return srv.open.Load() == 0 }, "server kept %d idle connections", func() any { return srv.open.Load() })
	start := time.Now()
	if err := tr.Send(t.Context(), testMessage(2)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a stale pooled connection cost a backoff: %v", d)
	}
	if len(srv.messages()) != 2 || srv.conns.Load() != 2 {
		t.Errorf("messages %d, connections %d", len(srv.messages()), srv.conns.Load())
	}
}

func TestSMTPContextCancel(t *testing.T) {
	release := make(chan struct{})
	srv := startSMTP(t, false, func(s *testSMTP) {
		s.onData = func(int32) error { <-release; return nil }
	})
	defer close(release)
	tr := srv.transport(t, srv.url("smtp", ""))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := tr.Send(ctx, testMessage(1))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("got %v after %v", err, time.Since(start))
	}
}

func waitFor(t *testing.T, cond func() bool, format string, arg func() any) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf(format, arg())
		}
	}
}

// BenchmarkSMTP sends through the in-process server over STARTTLS and AUTH,
// pool=4, no rate limit: go test -run '^$' -bench SMTP -benchtime 1000x ./internal/mail/
func BenchmarkSMTP(b *testing.B) {
	for _, sign := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "dkim-rsa2048"}[sign], func(b *testing.B) {
			srv := startSMTP(b, false, func(s *testSMTP) { s.discard = true })
			var tr Transport = srv.transport(b, srv.url("smtp", "pool=4"))
			if sign {
				tr = Signed(tr, testSigner(b))
			}
			b.SetParallelism(4) // 4×GOMAXPROCS senders for 4 connections
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					if err := tr.Send(context.Background(), testMessage(i)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			b.ReportMetric(float64(srv.conns.Load()), "conns")
		})
	}
}
