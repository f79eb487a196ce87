package members_test

import (
	"errors"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/members"
)

func TestNormalizeEmailRefusesMalformedAndForeignAddresses(t *testing.T) {
	for _, c := range []struct {
		in      string
		problem members.AddressProblem
		says    string // in the English message
	}{
		{"", members.AddrEmpty, "enter your email"},
		{"   ", members.AddrEmpty, "enter your email"},
		{"ali", members.AddrNoAt, "needs an @"},
		{"user@localhost", members.AddrSingleLabel, `"localhost" has no dot`},
		{"a@b", members.AddrSingleLabel, `"b" has no dot`},
		{"user@[127.0.0.1]", members.AddrIPLiteral, "IP address"},
		{"user@[IPv6:::1]", members.AddrIPLiteral, "IP address"},
		{"user@127.0.0.1", members.AddrIPLiteral, "IP address"},
		{"مستخدم@example.com", members.AddrNonASCIILocal, "SMTPUTF8"},
		{"josé@example.com", members.AddrNonASCIILocal, "internationalized addresses"},
		{"Ali <ali@example.com>", members.AddrDisplayName, "without a name"},
		{"<ali@example.com>", members.AddrDisplayName, "without a name"},
		{"ali@example.com (home)", members.AddrDisplayName, "without a name"},
		{`"ali baba"@example.com`, members.AddrQuoted, "quotation marks"},
		{"ali@@example.com", members.AddrSyntax, "not an email address"},
		{"ali..baba@example.com", members.AddrSyntax, "not an email address"},
		{"ali baba@example.com", members.AddrSyntax, "not an email address"},
		{"ali@exa_mple.com", members.AddrBadDomain, "not a valid domain"},
		{"ali@-example.com", members.AddrBadDomain, "not a valid domain"},
		{"ali@example.com.", members.AddrSyntax, "not an email address"},
		{"ali@example.c", members.AddrBadDomain, "not a valid domain"},
		{"ali@example.123", members.AddrBadDomain, "not a valid domain"},
		{"ali@example.test", members.AddrReserved, "reserved"},
		{"ali@example.invalid", members.AddrReserved, "reserved"},
		{"ali@shop.localhost", members.AddrReserved, "reserved"},
		{"ali@foo.example", members.AddrReserved, "reserved"},
		{"ali@printer.local", members.AddrReserved, "reserved"},
		{strings.Repeat("a", 65) + "@example.com", members.AddrLocalTooLong, "64"},
		{"a@" + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 60) + ".com",
			members.AddrTooLong, "254"},
	} {
		_, err := members.NormalizeEmail(c.in, false)
		var ae *members.AddressError
		if !errors.As(err, &ae) || !errors.Is(err, members.ErrInvalidEmail) {
			t.Errorf("%q: want an *AddressError, got %v", c.in, err)
			continue
		}
		if ae.Problem != c.problem {
			t.Errorf("%q: problem %s, want %s (%v)", c.in, ae.Problem, c.problem, err)
		}
		if !strings.Contains(ae.Message("en"), c.says) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: message %q does not say %q", c.in, ae.Message("en"), c.says)
		}
		if ar := ae.Message("ar"); ar == "" || ar == ae.Message("en") {
			t.Errorf("%q: no Arabic message", c.in)
		}
	}
}

func TestNormalizeEmailArabicMessageExplainsEAI(t *testing.T) {
	_, err := members.NormalizeEmail("مستخدم@example.com", false)
	var ae *members.AddressError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	if msg := ae.Message("ar"); !strings.Contains(msg, "SMTPUTF8") || !strings.Contains(msg, "لاتينية") {
		t.Fatalf("Arabic message %q", msg)
	}
}

func TestNormalizeEmailAccepts(t *testing.T) {
	for in, want := range map[string]string{
		"  Ali.Baba+news@Example.COM ": "ali.baba+news@example.com",
		"o'neil@example.co.uk":         "o'neil@example.co.uk",
		"x_y-z@sub.domain-name.org":    "x_y-z@sub.domain-name.org",
		"reader@مثال.مصر":              "reader@xn--mgbh0fb.xn--wgbh1c",
		"reader@BÜCHER.de":             "reader@xn--bcher-kva.de",
	} {
		got, err := members.NormalizeEmail(in, false)
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestReservedDomainsAllowedForTests(t *testing.T) {
	if got, err := members.NormalizeEmail("Reader@Site.TEST", true); err != nil || got != "reader@site.test" {
		t.Fatalf("got %q, %v", got, err)
	}
	// The switch relaxes only the reserved names, never what cannot be an
	// Internet mail domain at all.
	for _, in := range []string{"user@localhost", "user@[127.0.0.1]", "a@b"} {
		if _, err := members.NormalizeEmail(in, true); !errors.Is(err, members.ErrInvalidEmail) {
			t.Errorf("%q accepted with AllowReservedDomains", in)
		}
	}
}
