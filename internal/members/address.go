package members

import (
	"fmt"
	"net/mail"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// AddressProblem says why an address was refused, so that the web layer can
// word it in the reader's language (AddressError.Message).
type AddressProblem string

const (
	AddrEmpty         AddressProblem = "empty"
	AddrTooLong       AddressProblem = "too-long"
	AddrNoAt          AddressProblem = "no-at"
	AddrDisplayName   AddressProblem = "display-name"
	AddrQuoted        AddressProblem = "quoted"
	AddrSyntax        AddressProblem = "syntax"
	AddrLocalTooLong  AddressProblem = "local-too-long"
	AddrNonASCIILocal AddressProblem = "non-ascii-local"
	AddrIPLiteral     AddressProblem = "ip-literal"
	AddrSingleLabel   AddressProblem = "single-label"
	AddrBadDomain     AddressProblem = "bad-domain"
	AddrReserved      AddressProblem = "reserved"
)

// AddressError refuses an email address and says precisely why.
// errors.Is(err, ErrInvalidEmail) holds.
type AddressError struct {
	Input   string
	Problem AddressProblem
	Domain  string // the domain in question, when the problem is the domain's
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("%v %q: %s", ErrInvalidEmail, e.Input, e.Message("en"))
}

// Unwrap makes errors.Is(err, ErrInvalidEmail) hold.
func (e *AddressError) Unwrap() error { return ErrInvalidEmail }

// Message words the problem for a reader, in Arabic unless lang is "en…".
// It is safe to show: it repeats nothing the reader did not type.
func (e *AddressError) Message(lang string) string {
	d := e.Domain
	if normalizeLang(lang) == "en" {
		switch e.Problem {
		case AddrEmpty:
			return "enter your email address"
		case AddrTooLong:
			return "the address is longer than 254 characters"
		case AddrNoAt:
			return "the address needs an @ between the name and the domain, as in name@example.com"
		case AddrDisplayName:
			return "enter the address alone, without a name or angle brackets (name@example.com)"
		case AddrQuoted:
			return "addresses with quotation marks are not accepted"
		case AddrLocalTooLong:
			return "the part before the @ is longer than 64 characters"
		case AddrNonASCIILocal:
			return "the part before the @ must be in Latin letters, digits and . _ - +: internationalized addresses (SMTPUTF8) are not accepted, because many mail servers cannot deliver to them"
		case AddrIPLiteral:
			return "addresses at an IP address are not accepted: use one at a domain name"
		case AddrSingleLabel:
			return fmt.Sprintf("the domain %q has no dot: it is not a public mail domain (as in example.com)", d)
		case AddrBadDomain:
			return fmt.Sprintf("%q is not a valid domain name", d)
		case AddrReserved:
			return fmt.Sprintf("the domain %q is reserved for tests or private networks and cannot receive mail", d)
		}
		return "this is not an email address; it should look like name@example.com"
	}
	switch e.Problem {
	case AddrEmpty:
		return "اكتب عنوان بريدك الإلكتروني"
	case AddrTooLong:
		return "العنوان أطول من 254 حرفًا"
	case AddrNoAt:
		return "ينقص العنوانَ الرمزُ @ بين الاسم والنطاق، مثل name@example.com"
	case AddrDisplayName:
		return "اكتب العنوان وحده، بلا اسم ولا أقواس (name@example.com)"
	case AddrQuoted:
		return "لا نقبل العناوين التي فيها علامات تنصيص"
	case AddrLocalTooLong:
		return "الجزء الذي قبل @ أطول من 64 حرفًا"
	case AddrNonASCIILocal:
		return "يجب أن يُكتب الجزء الذي قبل @ بحروف لاتينية وأرقام و. _ - + فقط: لا نقبل العناوين الدولية (SMTPUTF8) لأن كثيرًا من خوادم البريد لا تستطيع التسليم إليها"
	case AddrIPLiteral:
		return "لا نقبل عنوانًا على رقم IP؛ استعمل عنوانًا على اسم نطاق"
	case AddrSingleLabel:
		return fmt.Sprintf("النطاق \u2066%s\u2069 بلا نقطة، فليس نطاق بريد عامًا (مثل example.com)", d)
	case AddrBadDomain:
		return fmt.Sprintf("\u2066%s\u2069 ليس اسم نطاق صحيحًا", d)
	case AddrReserved:
		return fmt.Sprintf("النطاق \u2066%s\u2069 محجوز للتجارب أو الشبكات الخاصة ولا يستقبل بريدًا", d)
	}
	return "هذا ليس عنوان بريد إلكتروني؛ يُكتب مثل name@example.com"
}

// reservedTLDs cannot receive mail on the public Internet: the special-use
// names of RFC 2606, 6761, 6762, 7686, 8375 and 9476, ICANN's .internal, and
// the private names most often found in corporate and home networks.
var reservedTLDs = map[string]bool{
	"test": true, "example": true, "invalid": true, "localhost": true, "local": true,
	"localdomain": true, "onion": true, "alt": true, "arpa": true, "internal": true,
	"home": true, "lan": true, "corp": true, "intranet": true, "private": true,
}

// NormalizeEmail checks that in is a deliverable-looking bare address and
// returns its canonical form, or an *AddressError.
//
// Refused: anything net/mail cannot parse as an addr-spec, a display name or
// comment, quoted local parts, more than 254 characters (64 before the @),
// IP-literal or numeric domains, domains without a dot, and — unless
// allowReserved — reserved top-level domains. Local parts with non-ASCII
// letters (EAI, RFC 6531) are refused on purpose: an address like
// مستخدم@example.com needs SMTPUTF8 at every hop, which many servers lack,
// so the confirmation would silently never arrive. Internationalized
// domains are accepted and stored in their ASCII (punycode) form, so that
// one mailbox has one spelling.
//
// The whole address is lowercased. RFC 5321 lets the local part be
// case-sensitive, but no common provider treats it so, and readers type
// their address in whatever case their keyboard gives: lowercasing makes
// "Ali@x.com" and "ali@x.com" one member rather than two.
func NormalizeEmail(in string, allowReserved bool) (string, error) {
	s := strings.TrimSpace(in)
	fail := func(p AddressProblem, domain string) (string, error) {
		return "", &AddressError{Input: clip(in, 300), Problem: p, Domain: clip(domain, 300)}
	}
	switch {
	case s == "":
		return fail(AddrEmpty, "")
	case len(s) > 254:
		return fail(AddrTooLong, "")
	case strings.ContainsAny(s, "<>"):
		return fail(AddrDisplayName, "")
	case strings.Contains(s, `"`):
		return fail(AddrQuoted, "")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return fail(AddrNoAt, "")
	}
	local, domain := s[:at], s[at+1:]
	for i := 0; i < len(local); i++ {
		if local[i] >= 0x80 {
			return fail(AddrNonASCIILocal, "")
		}
	}
	if strings.HasPrefix(domain, "[") {
		return fail(AddrIPLiteral, domain)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return fail(AddrSyntax, "")
	}
	if addr.Name != "" {
		return fail(AddrDisplayName, "")
	}
	if addr.Address != s {
		return fail(AddrSyntax, "") // a comment, or some other decoration
	}
	if len(local) > 64 {
		return fail(AddrLocalTooLong, "")
	}
	ascii, problem := checkDomain(domain, allowReserved)
	if problem != "" {
		return fail(problem, domain)
	}
	out := strings.ToLower(local) + "@" + ascii
	if len(out) > 254 {
		return fail(AddrTooLong, "")
	}
	return out, nil
}

// checkDomain returns the lowercase ASCII form of a mail domain, or why it
// cannot receive mail.
func checkDomain(domain string, allowReserved bool) (string, AddressProblem) {
	ascii := strings.ToLower(domain)
	for i := 0; i < len(domain); i++ {
		if domain[i] >= 0x80 {
			a, err := idna.Lookup.ToASCII(domain)
			if err != nil {
				return "", AddrBadDomain
			}
			ascii = a
			break
		}
	}
	if _, err := netip.ParseAddr(ascii); err == nil {
		return "", AddrIPLiteral
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", AddrSingleLabel
	}
	if len(ascii) > 253 {
		return "", AddrBadDomain
	}
	for _, l := range labels {
		if !ldhLabel(l) {
			return "", AddrBadDomain
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.Trim(tld, "0123456789") == "" {
		return "", AddrBadDomain
	}
	if !allowReserved && reservedTLDs[tld] {
		return "", AddrReserved
	}
	return ascii, ""
}

// ldhLabel reports whether l is a DNS host label: letters, digits and
// hyphens, 1 to 63 of them, not starting or ending with a hyphen.
func ldhLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
