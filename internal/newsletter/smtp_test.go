package newsletter

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"nashra.dev/nashra/internal/mail"
)

var testRaw = []byte("From: a@example.test\r\nTo: b@example.test\r\nSubject: x\r\n\r\n.line with a dot\r\nbody\r\n")

func TestDotStuffing(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"a\r\n":                   "a\r\n",
		"a":                       "a\r\n",
		".a\r\n..b\r\nc\r\n.\r\n": "..a\r\n...b\r\nc\r\n..\r\n",
		"x\r\n.":                  "x\r\n..\r\n",
	} {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		if err := writeDotStuffed(w, []byte(in)); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%q: %q, want %q", in, b.String(), want)
		}
	}
}

// TestTwoPhase checks the order of things on the wire: the body reaches
// the server before the commit runs, nothing is accepted unless the commit
// lets the dot go, and a refusal after the dot is reported as such.
func TestTwoPhase(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	refuse := error(nil)
	setRefuse := func(err error) { mu.Lock(); refuse = err; mu.Unlock() }
	sk := startSink(t, true, func(s *sink) {
		s.onData = func([]string) error { mu.Lock(); defer mu.Unlock(); return refuse }
	})
	tr := NewSMTP(sk.config(), nil)
	defer tr.Close()

	// A commit that fails: no dot, no message, and the transport goes on.
	boom := errors.New("database down")
	err := tr.SendTwoPhase(ctx, "a@example.test", "b@example.test", testRaw, func(func() error) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("failed commit: %v", err)
	}
	// A commit that returns without releasing the message is refused too.
	if err := tr.SendTwoPhase(ctx, "a@example.test", "b@example.test", testRaw, func(func() error) error { return nil }); err == nil {
		t.Fatal("a commit that never called dot succeeded")
	}
	// A context that ends before the commit: the commit never runs.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := tr.SendTwoPhase(cctx, "a@example.test", "b@example.test", testRaw, func(func() error) error {
		t.Error("commit ran after the context ended")
		return nil
	}); err == nil {
		t.Fatal("a cancelled send succeeded")
	}
	time.Sleep(50 * time.Millisecond)
	if n := sk.total.Load(); n != 0 {
		t.Fatalf("the server accepted %d messages", n)
	}

	// The happy path.
	committed := false
	if err := tr.SendTwoPhase(ctx, "a@example.test", "b@example.test", testRaw, func(dot func() error) error {
		committed = true
		return dot()
	}); err != nil || !committed {
		t.Fatalf("send: %v (committed %v)", err, committed)
	}
	if got := sk.messages("b@example.test"); len(got) != 1 || !bytes.Equal(got[0], testRaw) {
		t.Fatalf("received %q, want the bytes sent", got)
	}

	// Refusals after the dot.
	setRefuse(&smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "spam"})
	var ce *CommittedError
	var pe *mail.PermanentError
	err = tr.SendTwoPhase(ctx, "a@example.test", "c@example.test", testRaw, func(dot func() error) error { return dot() })
	if !errors.As(err, &ce) || !ce.Refused || !errors.As(err, &pe) || pe.Code != 554 || pe.Command != "DATA" {
		t.Fatalf("554 after the dot: %#v", err)
	}
	setRefuse(errTemp)
	err = tr.SendTwoPhase(ctx, "a@example.test", "c@example.test", testRaw, func(dot func() error) error { return dot() })
	if !errors.As(err, &ce) || !ce.Refused || errors.As(err, &pe) {
		t.Fatalf("451 after the dot: %#v", err)
	}
	// A 5xx at RCPT is permanent and names the recipient; commit never runs.
	setRefuse(nil)
	sk.mu.Lock()
	sk.onRcpt = func(to string, _ int) error { return errNoUser }
	sk.mu.Unlock()
	err = tr.SendTwoPhase(ctx, "a@example.test", "d@example.test", testRaw, func(func() error) error {
		t.Error("commit ran for a refused recipient")
		return nil
	})
	if !errors.As(err, &pe) || pe.Command != "RCPT TO" || pe.Recipient != "d@example.test" || pe.Code != 550 {
		t.Fatalf("550 at RCPT: %#v", err)
	}
}

func TestSMTPPoolAndRate(t *testing.T) {
	sk := startSink(t, false, nil)
	cfg := sk.config()
	cfg.Pool, cfg.Rate = 2, 100
	tr := NewSMTP(cfg, nil)
	start := time.Now()
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			errs <- tr.SendRaw(context.Background(), "a@example.test", []string{"b@example.test"}, testRaw)
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("20 messages at 100/s took %v", d)
	}
	if n := sk.conns.Load(); n > 2 {
		t.Errorf("%d connections for a pool of 2", n)
	}
	tr.Close()
	if err := tr.SendRaw(context.Background(), "a@example.test", []string{"b@example.test"}, testRaw); !errors.Is(err, mail.ErrClosed) {
		t.Errorf("send after Close: %v", err)
	}
}

// TestStartTLSAuth: STARTTLS with a verified certificate, then AUTH PLAIN.
func TestStartTLSAuth(t *testing.T) {
	cert, roots := selfSigned(t)
	sk := startSink(t, false, func(s *sink) {
		s.user, s.pass = "news", "correct horse"
		s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	})
	cfg := sk.config()
	cfg.TLS, cfg.RootCAs, cfg.Username, cfg.Password = mail.TLSStartTLS, roots, "news", "correct horse"
	tr := NewSMTP(cfg, nil)
	defer tr.Close()
	if err := tr.SendRaw(context.Background(), "a@example.test", []string{"b@example.test"}, testRaw); err != nil {
		t.Fatal(err)
	}
	cfg.Password = "wrong"
	bad := NewSMTP(cfg, nil)
	defer bad.Close()
	if err := bad.SendRaw(context.Background(), "a@example.test", []string{"b@example.test"}, testRaw); !errors.Is(err, mail.ErrAuth) {
		t.Errorf("wrong password: %v", err)
	}
	cfg.RootCAs = nil
	untrusted := NewSMTP(cfg, nil)
	defer untrusted.Close()
	if err := untrusted.SendRaw(context.Background(), "a@example.test", []string{"b@example.test"}, testRaw); err == nil {
		t.Error("an unverified certificate was accepted")
	}
	if sk.total.Load() != 1 {
		t.Errorf("%d messages accepted, want 1", sk.total.Load())
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "newsletter test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}
