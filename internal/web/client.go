package web

import (
	"net"
	"net/http"
)

// ClientIP is the client's address, used for throttling: the peer's, which
// TrustProxies has replaced by the forwarded client's when the peer is a
// trusted proxy (X-Forwarded-For is never read here).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
