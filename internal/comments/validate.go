package comments

import (
	netmail "net/mail"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits on what a commenter types, in characters (runes).
const (
	maxNameRunes = 100
	maxURLBytes  = 200
	maxEmail     = 254
)

// clip makes s storable text (PostgreSQL refuses invalid UTF-8 and NUL) of
// at most n bytes, without splitting a character, and trims spaces.
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = strings.TrimSpace(strings.ToValidUTF8(s[:n], ""))
	}
	return s
}

// collapse turns control characters (line breaks included: names go into
// mail headers) and bidi overrides into spaces, collapses runs of spaces
// and trims. Bidi overrides are dropped because in a name they can make
// the rest of a line read backwards.
func collapse(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			return ' '
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

// cleanName checks a commenter's name: 1 to maxNameRunes characters once
// collapsed.
func cleanName(s string) (string, error) {
	s = collapse(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", invalid("name", "required", "a name is required")
	case n > maxNameRunes:
		return "", invalid("name", "too-long", "the name is longer than %d characters", maxNameRunes)
	}
	return s, nil
}

// normalizeEmail checks an address and returns it lowercased. It accepts
// a bare address with a dotted domain; no display name, no quotes.
func normalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("email", "required", "an email address is required (it is never shown)")
	}
	if len(s) > maxEmail {
		return "", invalid("email", "too-long", "the email address is longer than %d characters", maxEmail)
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, "\"<>") {
		return "", invalid("email", "bad-email", "this is not an email address; it should look like name@example.com")
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at < 1 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || strings.HasPrefix(domain, "[") {
		return "", invalid("email", "bad-email", "this is not an email address; it should look like name@example.com")
	}
	return strings.ToLower(s), nil
}

// emailDomain is the part of a normalized address after the @.
func emailDomain(email string) string {
	return email[strings.LastIndexByte(email, '@')+1:]
}

// cleanURL checks an optional website: http or https, with a host, no
// user name or password, no spaces, at most maxURLBytes. A bare host
// ("example.com/me") is taken as https. Empty stays empty.
func cleanURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > maxURLBytes {
		return "", invalid("url", "too-long", "the website address is longer than %d characters", maxURLBytes)
	}
	if !strings.Contains(s, "://") && !strings.Contains(s, ":") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	bad := invalid("url", "bad-url", "the website must be an http:// or https:// address")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Opaque != "" || strings.ContainsAny(s, " \t\r\n\\<>\"'`") || !utf8.ValidString(s) {
		return "", bad
	}
	if h := u.Hostname(); h == "" || strings.HasPrefix(h, ".") || strings.Contains(h, "..") {
		return "", bad
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	out := u.String()
	if len(out) > maxURLBytes {
		return "", invalid("url", "too-long", "the website address is longer than %d characters", maxURLBytes)
	}
	return out, nil
}

// cleanBody makes the text storable (valid UTF-8, no NUL, \n line ends,
// no trailing spaces) and checks its length.
func (s *Service) cleanBody(body string) (string, error) {
	body = strings.ReplaceAll(strings.ToValidUTF8(body, "\uFFFD"), "\x00", "")
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	body = strings.TrimSpace(body)
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return "", invalid("body", "required", "the comment is empty")
	case n > s.opt.MaxBodyRunes:
		return "", invalid("body", "too-long", "the comment is longer than %d characters", s.opt.MaxBodyRunes)
	}
	return body, nil
}
