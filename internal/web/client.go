package web

import (
	"net"
	"net/http"
)

// ClientIP is the peer's address, used for throttling. Proxies'
// X-Forwarded-For is not trusted: behind a reverse proxy every client shares
// the proxy's address until a trusted-proxy setting exists.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
