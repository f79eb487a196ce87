package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTrustProxies(t *testing.T) {
	trusted, err := ParseProxies([]string{"127.0.0.0/8, ::1", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProxies([]string{"10.0.0.0/8,not-an-ip"}); err == nil {
		t.Fatal("a bad entry was accepted")
	}
	var got string
	h := TrustProxies(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }))
	for _, c := range []struct{ peer, xff, want string }{
		{"203.0.113.9:4000", "198.51.100.1", "203.0.113.9"},          // not a proxy: headers ignored
		{"127.0.0.1:4000", "", "127.0.0.1"},                          // a proxy, no header
		{"127.0.0.1:4000", "198.51.100.1", "198.51.100.1"},           // nginx on the host
		{"127.0.0.1:4000", "6.6.6.6, 198.51.100.1", "198.51.100.1"},  // a forged left entry is ignored
		{"127.0.0.1:4000", "198.51.100.1, 10.1.2.3", "198.51.100.1"}, // CDN edge, then the local proxy
		{"127.0.0.1:4000", "10.1.2.3, 10.4.5.6", "10.1.2.3"},         // all trusted: the left-most
		{"127.0.0.1:4000", "not-an-ip", "127.0.0.1"},                 // garbage: the peer
		{"[::1]:4000", "2001:db8::7", "2001:db8::7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}
