package mail

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// dkimHeaders are the fields signed when present: those a reader sees or a
// mail client acts on (RFC 6376 §5.4.1, plus the List-* fields RFC 8058
// wants covered for one-click unsubscribe).
var dkimHeaders = []string{
	"From", "To", "Subject", "Date", "Message-Id", "MIME-Version", "Content-Type",
	"List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
}

// Signer adds a DKIM-Signature (relaxed/relaxed, SHA-256) to outgoing
// messages on behalf of a domain.
type Signer struct {
	domain   string
	selector string
	key      crypto.Signer
}

// NewSigner checks the domain, the selector and the key: RSA of at least
// 2048 bits (RFC 8301 forbids less than 1024; large receivers distrust less
// than 2048) or Ed25519 (RFC 8463; not yet verified everywhere, so publish
// an RSA selector too if you use it).
func NewSigner(domain, selector string, key crypto.Signer) (*Signer, error) {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	if !isDNSName(domain) || !strings.Contains(domain, ".") {
		return nil, fmt.Errorf("dkim: domain %q is not a domain name", domain)
	}
	if !isDNSName(selector) {
		return nil, fmt.Errorf("dkim: selector %q: use letters, digits, hyphens and dots", selector)
	}
	if key == nil {
		return nil, errors.New("dkim: no key")
	}
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		if bits := pub.N.BitLen(); bits < 2048 {
			return nil, fmt.Errorf("dkim: the RSA key has %d bits; at least 2048 are needed", bits)
		}
	case ed25519.PublicKey:
	default:
		return nil, fmt.Errorf("dkim: unsupported key type %T (RSA or Ed25519)", pub)
	}
	return &Signer{domain: domain, selector: selector, key: key}, nil
}

// Sign returns raw with a DKIM-Signature field in front, covering those of
// dkimHeaders the message has. raw must have a From field.
func (s *Signer) Sign(raw []byte) ([]byte, error) {
	present := headerNames(raw)
	var keys []string
	for _, h := range dkimHeaders {
		if present[strings.ToLower(h)] {
			keys = append(keys, h)
		}
	}
	if !present["from"] {
		return nil, fmt.Errorf("%w: dkim: the message has no From field", ErrInvalid)
	}
	ds, err := dkim.NewSigner(&dkim.SignOptions{
		Domain:                 s.domain,
		Selector:               s.selector,
		Signer:                 s.key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             keys,
	})
	if err != nil {
		return nil, err
	}
	if _, err := ds.Write(raw); err != nil {
		ds.Close()
		return nil, err
	}
	if err := ds.Close(); err != nil {
		return nil, err
	}
	sig := ds.Signature() // the whole field, CRLF included
	out := make([]byte, 0, len(sig)+len(raw))
	return append(append(out, sig...), raw...), nil
}

// DNSName is where the public key is published: SELECTOR._domainkey.DOMAIN.
func (s *Signer) DNSName() string { return s.selector + "._domainkey." + s.domain }

// DNSRecord is the TXT value to publish at DNSName, "v=DKIM1; k=rsa; p=…".
// An RSA-2048 value is longer than the 255 bytes of one TXT string: DNS
// hosting panels split it themselves; in a zone file write it as several
// quoted strings side by side.
func (s *Signer) DNSRecord() string { return dnsRecord(s.key.Public()) }

func dnsRecord(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(k)
	default:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return ""
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	}
}

// LoadOrCreateKey reads a private key in PEM (PKCS#8, or PKCS#1 "RSA PRIVATE
// KEY") from path. If there is no file, it makes an RSA-2048 key and writes
// it there in PKCS#8 PEM, mode 0600; two processes starting together end up
// with the same key (the file is linked into place, never overwritten).
func LoadOrCreateKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return parseKey(path, data)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dkim-*.pem") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process was first: use its key
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("dkim key: %w", err)
			}
			return parseKey(path, data)
		}
		return nil, fmt.Errorf("dkim key: %w", err)
	}
	return key, nil
}

func parseKey(path string, data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, fmt.Errorf("dkim key %s: no PRIVATE KEY or RSA PRIVATE KEY block in PEM", path)
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("dkim key %s: %w", path, err)
			}
			return k, nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("dkim key %s: %w", path, err)
			}
			switch k := k.(type) {
			case *rsa.PrivateKey:
				return k, nil
			case ed25519.PrivateKey:
				return k, nil
			default:
				return nil, fmt.Errorf("dkim key %s: unsupported key type %T (RSA or Ed25519)", path, k)
			}
		}
	}
}

// Signed returns a Transport that signs every message with signer before t
// delivers it; with a nil signer it returns t unchanged.
func Signed(t Transport, signer *Signer) Transport {
	if signer == nil {
		return t
	}
	return signed{t: t, s: signer}
}

type signed struct {
	t Transport
	s *Signer
}

func (x signed) Send(ctx context.Context, m *Message) error {
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	return x.SendRaw(ctx, m.From.Address, addresses(m.To), raw)
}

func (x signed) SendRaw(ctx context.Context, from string, to []string, raw []byte) error {
	out, err := x.s.Sign(raw)
	if err != nil {
		return err
	}
	return x.t.SendRaw(ctx, from, to, out)
}

// headerNames lists (lower-cased) the field names of raw's header section.
func headerNames(raw []byte) map[string]bool {
	names := map[string]bool{}
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break // end of the header section
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // folded continuation
		}
		if i := bytes.IndexByte(line, ':'); i > 0 {
			names[strings.ToLower(strings.TrimRight(string(line[:i]), " \t"))] = true
		}
	}
	return names
}

// isDNSName accepts dot-separated labels of letters, digits and hyphens.
func isDNSName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
