package mail

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	nmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"nashra.dev/nashra/internal/testenv"
)

// dkimFixtures is ../shared/fixtures/email/dkim (go-msgauth's test data).
func dkimFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(testenv.Fixtures(t), "email", "dkim")
	if _, err := os.Stat(filepath.Join(dir, "vectors.json")); err != nil {
		if os.Getenv("NASHRA_REQUIRE_FIXTURES") == "1" {
			t.Fatalf("fixtures are required but %s is missing", dir)
		}
		t.Skipf("skipping: %s not found", dir)
	}
	return dir
}

func readFixture(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureDNS answers TXT lookups from dns-txt-records.json, never the network.
func fixtureDNS(t *testing.T, dir string) map[string]string {
	t.Helper()
	var f struct{ Records map[string]string }
	if err := json.Unmarshal(readFixture(t, dir, "dns-txt-records.json"), &f); err != nil {
		t.Fatal(err)
	}
	return f.Records
}

// verify checks raw's signatures against records only.
func verify(raw []byte, records map[string]string, max int) ([]*dkim.Verification, error) {
	return dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		MaxVerifications: max,
		LookupTXT: func(name string) ([]string, error) {
			if r, ok := records[name]; ok {
				return []string{r}, nil
			}
			return nil, fmt.Errorf("no TXT record for %s in the test DNS", name)
		},
	})
}

func verifiesOnce(t *testing.T, raw []byte, records map[string]string) *dkim.Verification {
	t.Helper()
	vs, err := verify(raw, records, 0)
	if err != nil || len(vs) != 1 {
		t.Fatalf("verify: %d verifications, %v", len(vs), err)
	}
	if vs[0].Err != nil {
		t.Fatalf("signature does not verify: %v", vs[0].Err)
	}
	return vs[0]
}

func fixtureEd25519(t *testing.T, dir string) ed25519.PrivateKey {
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(readFixture(t, dir, "keys/test-ed25519-seed.b64"))))
	if err != nil || len(seed) != ed25519.SeedSize {
		t.Fatalf("seed: %v", err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

func TestFixtureSignaturesVerify(t *testing.T) {
	dir := dkimFixtures(t)
	dns := fixtureDNS(t, dir)
	for _, c := range []struct {
		file, domain string
		headers      int
	}{
		{"rfc6376-appendix-a-signed-rsa-simple.eml", "example.com", 6},
		{"signed-rsa-raw-pkcs1-key.eml", "example.com", 6}, // key published as raw PKCS#1
		{"sign-expected-rsa-sha256-simple.eml", "example.org", 5},
		{"sign-expected-ed25519-sha256-simple.eml", "football.example.com", 5},
	} {
		t.Run(c.file, func(t *testing.T) {
			raw := readFixture(t, dir, c.file)
			v := verifiesOnce(t, raw, dns)
			if v.Domain != c.domain || len(v.HeaderKeys) != c.headers {
				t.Errorf("domain %s, headers %v", v.Domain, v.HeaderKeys)
			}
			tampered := bytes.Replace(raw, []byte("Subject: Is dinner ready?"), []byte("Subject: Is dinner ready!"), 1)
			if bytes.Equal(tampered, raw) {
				t.Fatal("fixture has no Subject to tamper with")
			}
			vs, err := verify(tampered, dns, 0)
			if err != nil || len(vs) != 1 || vs[0].Err == nil || dkim.IsTempFail(vs[0].Err) {
				t.Fatalf("tampered message: %v %v", vs, err)
			}
		})
	}
	if vs, err := verify(readFixture(t, dir, "unsigned.eml"), dns, 0); err != nil || len(vs) != 0 {
		t.Errorf("unsigned: %d verifications, %v", len(vs), err)
	}
	vs, err := verify(readFixture(t, dir, "too-many-signatures.eml"), dns, 2)
	if !errors.Is(err, dkim.ErrTooManySignatures) || len(vs) != 2 {
		t.Errorf("too many signatures: %d verifications, %v", len(vs), err)
	}
}

func TestSignerWithFixtureKeys(t *testing.T) {
	dir := dkimFixtures(t)
	dns := fixtureDNS(t, dir)
	input := readFixture(t, dir, "sign-input.eml")

	// The fixtures' RSA key has 1024 bits: fine to verify with, too weak to sign with.
	rsaKey, err := parseKey("test-rsa-private-key.pem", readFixture(t, dir, "keys/test-rsa-private-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSigner("example.org", "brisbane", rsaKey); err == nil || !strings.Contains(err.Error(), "1024 bits") {
		t.Errorf("1024-bit key accepted: %v", err)
	}
	// Our TXT value for that key is the one the fixtures publish (SPKI).
	if got, want := dnsRecord(rsaKey.Public()), "v=DKIM1; k=rsa; "+strings.TrimPrefix(dns["brisbane._domainkey.example.org"], "v=DKIM1; "); got != want {
		t.Errorf("RSA DNS record\n got %s\nwant %s", got, want)
	}

	s, err := NewSigner("football.example.com", "brisbane", fixtureEd25519(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.DNSRecord(); got != dns["brisbane._domainkey.football.example.com"] {
		t.Errorf("DNSRecord = %q, fixture publishes %q", got, dns["brisbane._domainkey.football.example.com"])
	}
	if s.DNSName() != "brisbane._domainkey.football.example.com" {
		t.Errorf("DNSName = %s", s.DNSName())
	}
	signed, err := s.Sign(input)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(signed, input) || !bytes.HasPrefix(signed, []byte("DKIM-Signature: ")) {
		t.Fatalf("signed message is not signature + input:\n%s", signed)
	}
	v := verifiesOnce(t, signed, dns)
	if got := strings.Join(v.HeaderKeys, ":"); got != "From:To:Subject:Date:Message-Id" {
		t.Errorf("signed headers %s", got)
	}
	sig := string(signed[:len(signed)-len(input)])
	for _, tag := range []string{"a=ed25519-sha256", "c=relaxed/relaxed", "d=football.example.com", "s=brisbane"} {
		if !strings.Contains(sig, tag) {
			t.Errorf("signature lacks %s:\n%s", tag, sig)
		}
	}
	// Relaxed canonicalization: re-folded whitespace still verifies …
	refolded := bytes.Replace(signed, []byte("Subject: Is dinner ready?"), []byte("Subject:  Is dinner\r\n  ready?"), 1)
	verifiesOnce(t, refolded, dns)
	// … a changed word does not.
	tampered := bytes.Replace(signed, []byte("To: Suzie Q"), []byte("To: Suzie X"), 1)
	if vs, _ := verify(tampered, dns, 0); len(vs) != 1 || vs[0].Err == nil {
		t.Errorf("tampered To verifies")
	}
}

func TestSignerRefuses(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(nil)
	for name, f := range map[string]func() error{
		"no domain":    func() error { _, err := NewSigner("", "s", edKey); return err },
		"bare label":   func() error { _, err := NewSigner("localhost", "s", edKey); return err },
		"bad selector": func() error { _, err := NewSigner("news.example", "a b", edKey); return err },
		"no key":       func() error { _, err := NewSigner("news.example", "s", nil); return err },
		"no From field": func() error {
			s, _ := NewSigner("news.example", "s", edKey)
			_, err := s.Sign([]byte("To: a@b\r\n\r\nx\r\n"))
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dkim", "key.pem")
	// Two callers at once end with one key.
	var wg sync.WaitGroup
	keys := make([]crypto.Signer, 2)
	errs := make([]error, 2)
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = LoadOrCreateKey(path) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st.Mode(), err)
	}
	again, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k, ok := again.(*rsa.PrivateKey)
	if !ok || k.N.BitLen() != 2048 || !k.Equal(keys[0]) || !k.Equal(keys[1]) {
		t.Fatalf("reloaded key differs or is not RSA-2048 (%T)", again)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".dkim-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	s, err := NewSigner("news.example", "nashra", again)
	if err != nil {
		t.Fatal(err)
	}
	rec := s.DNSRecord()
	if !strings.HasPrefix(rec, "v=DKIM1; k=rsa; p=MIIBIjAN") {
		t.Errorf("DNSRecord = %s", rec)
	}
	m := &Message{From: nmail.Address{Name: "نشرة", Address: "news@news.example"}, To: []nmail.Address{{Address: "r@example.com"}},
		Subject: "عنوان", Text: "نص", HTML: "<p>نص</p>", Headers: map[string]string{
			"List-Id": "<daily.news.example>", "List-Unsubscribe": "<https://news.example/u/x>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(raw)
	if err != nil {
		t.Fatal(err)
	}
	v := verifiesOnce(t, signed, map[string]string{s.DNSName(): rec})
	want := "From:To:Subject:Date:Message-Id:MIME-Version:Content-Type:List-Id:List-Unsubscribe:List-Unsubscribe-Post"
	if got := strings.Join(v.HeaderKeys, ":"); got != want {
		t.Errorf("signed headers\n got %s\nwant %s", got, want)
	}

	os.WriteFile(filepath.Join(filepath.Dir(path), "junk.pem"), []byte("not a key"), 0o600)
	if _, err := LoadOrCreateKey(filepath.Join(filepath.Dir(path), "junk.pem")); err == nil || !strings.Contains(err.Error(), "PEM") {
		t.Errorf("junk key: %v", err)
	}
}

func TestSignedOutbox(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(nil)
	s, err := NewSigner("news.example", "ed", edKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := Signed(Outbox{Dir: dir}, s)
	m := &Message{From: nmail.Address{Address: "news@news.example"}, To: []nmail.Address{{Address: "r@example.com"}}, Subject: "s", Text: "t"}
	if err := tr.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	verifiesOnce(t, raw, map[string]string{s.DNSName(): s.DNSRecord()})
	if Signed(Outbox{Dir: dir}, nil) != (Outbox{Dir: dir}) {
		t.Error("Signed with no signer should return the transport itself")
	}
}
