package mail

import (
	"net/url"
	"strings"
)

// SiteName is the name a site's mails are signed with: the title when
// there is one, else the host of baseURL, else "Nashra".
func SiteName(title func() string, baseURL string) string {
	if title != nil {
		if t := strings.TrimSpace(title()); t != "" {
			return t
		}
	}
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "Nashra"
}

// FromAddress is a site's sender address: from when set, else
// noreply@ the host of baseURL (localhost when it has none).
func FromAddress(from, baseURL string) string {
	if from != "" {
		return from
	}
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "noreply@" + host
}
