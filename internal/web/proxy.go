package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseProxies reads the trusted proxies: addresses or CIDR ranges, in
// entries that may themselves be comma-separated (as an environment
// variable gives them).
func ParseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, entry := range list {
		for _, s := range strings.Split(entry, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if p, err := netip.ParsePrefix(s); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR range", s)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}

// TrustProxies makes r.RemoteAddr the client's address when the request
// comes through a trusted proxy: the right-most address in
// X-Forwarded-For that is not itself a trusted proxy (entries left of it
// are the client's own claims and are ignored). A request from anywhere
// else keeps its peer address, whatever headers it sends; so does one
// whose header holds no valid address.
func TrustProxies(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(r.Header["X-Forwarded-For"]) == 0 { // the common case costs a map lookup
				next.ServeHTTP(w, r)
				return
			}
			peer, err := netip.ParseAddrPort(r.RemoteAddr)
			if err != nil || !isTrusted(peer.Addr()) {
				next.ServeHTTP(w, r)
				return
			}
			hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break // garbage: keep the peer
				}
				if !isTrusted(a) || i == 0 {
					r2 := *r
					r2.RemoteAddr = net.JoinHostPort(a.Unmap().String(), "0")
					next.ServeHTTP(w, &r2)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
