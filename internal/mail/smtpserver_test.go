package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testSMTP is a real SMTP server (emersion/go-smtp) in the test process, on
// 127.0.0.1: STARTTLS (or implicit TLS) with a certificate made for the
// test, AUTH PLAIN only after TLS, and counters for what clients did.
type testSMTP struct {
	addr       string
	roots      *x509.CertPool
	user, pass string
	srv        *smtp.Server

	conns  atomic.Int32 // TCP connections accepted
	open   atomic.Int32 // accepted and not yet closed
	logins atomic.Int32
	mails  atomic.Int32
	rcpts  atomic.Int32
	datas  atomic.Int32

	// hooks, set before the first connection
	onMail      func(n int32) error
	onRcpt      func(to string) error
	onData      func(n int32) error
	discard     bool          // count messages but keep none (benchmarks)
	idleTimeout time.Duration // hang up on clients silent this long (default 10s)

	mu       sync.Mutex
	received []received
}

type received struct {
	from string
	to   []string
	data []byte
	tls  bool
	user string
}

var (
	testCertOnce sync.Once
	testCert     tls.Certificate
	testRoots    *x509.CertPool
)

// selfSigned makes one ECDSA certificate for 127.0.0.1 and localhost.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	testCertOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1),
			Subject:      pkix.Name{CommonName: "nashra test SMTP"},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(24 * time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			IsCA:         true, BasicConstraintsValid: true,
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			DNSNames:    []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		testCert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}
		testRoots = x509.NewCertPool()
		testRoots.AddCert(cert)
	})
	return testCert, testRoots
}

// startSMTP starts the server; configure may set hooks before it listens.
func startSMTP(t testing.TB, implicitTLS bool, configure func(*testSMTP)) *testSMTP {
	t.Helper()
	cert, roots := selfSigned(t)
	s := &testSMTP{roots: roots, user: "news", pass: "correct horse"}
	if configure != nil {
		configure(s)
	}
	// go-smtp starts a new Session after STARTTLS: count connections at
	// the listener instead.
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{s: s, c: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.ReadTimeout = 10 * time.Second
	if s.idleTimeout > 0 {
		s.srv.ReadTimeout = s.idleTimeout
	}
	s.srv.WriteTimeout = 10 * time.Second
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var l net.Listener = countingListener{inner, s}
	if implicitTLS {
		l = tls.NewListener(l, s.srv.TLSConfig)
	}
	s.addr = l.Addr().String()
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// url is an SMTP URL for this server with the right password.
func (s *testSMTP) url(scheme, query string) string {
	return fmt.Sprintf("%s://%s:%s@%s?%s", scheme, s.user, "correct%20horse", s.addr, query)
}

// transport parses rawURL and trusts the test certificate.
func (s *testSMTP) transport(t testing.TB, rawURL string) *SMTP {
	t.Helper()
	cfg, err := ParseSMTPURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RootCAs = s.roots
	tr, err := NewSMTP(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func (s *testSMTP) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

type testSession struct {
	s    *testSMTP
	c    *smtp.Conn
	user string
	from string
	to   []string
}

func (x *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		x.s.logins.Add(1)
		if user != x.s.user || pass != x.s.pass {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *testSession) Mail(from string, _ *smtp.MailOptions) error {
	n := x.s.mails.Add(1)
	if x.user == "" {
		return smtp.ErrAuthRequired
	}
	if x.s.onMail != nil {
		if err := x.s.onMail(n); err != nil {
			return err
		}
	}
	x.from = from
	return nil
}

func (x *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.rcpts.Add(1)
	if x.s.onRcpt != nil {
		if err := x.s.onRcpt(to); err != nil {
			return err
		}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	n := x.s.datas.Add(1)
	if x.s.onData != nil {
		if err := x.s.onData(n); err != nil {
			return err
		}
	}
	_, isTLS := x.c.TLSConnectionState()
	x.s.mu.Lock()
	if x.s.discard {
		x.s.received = append(x.s.received, received{})
	} else {
		x.s.received = append(x.s.received, received{from: x.from, to: x.to, data: b, tls: isTLS, user: x.user})
	}
	x.s.mu.Unlock()
	return nil
}

func (x *testSession) Reset() { x.from, x.to = "", nil }

func (x *testSession) Logout() error { return nil }

type countingListener struct {
	net.Listener
	s *testSMTP
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.conns.Add(1)
	l.s.open.Add(1)
	return &countedConn{Conn: c, s: l.s}, nil
}

type countedConn struct {
	net.Conn
	s    *testSMTP
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.s.open.Add(-1) })
	return c.Conn.Close()
}
