// Package web holds the HTTP plumbing every part of the site shares:
// security headers, the page cache, metrics, and error pages' status codes.
package web

import "net/http"

// securityHeaders are sent with every answer. The content security policy
// allows nothing from another host: the site's pages, fonts and images are
// all its own, so a reader's browser never contacts anyone else.
var securityHeaders = [...]struct {
	key string
	val []string
}{
	{"Content-Security-Policy", []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; " +
		"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Cross-Origin-Resource-Policy", []string{"same-origin"}},
}

// SecurityHeaders sets the strict headers on every response. The slices are
// shared, never modified, so setting them allocates nothing.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h[kv.key] = kv.val
		}
		next.ServeHTTP(w, r)
	})
}

// Recover turns a panic in a handler into a 500 and a log line instead of a
// dropped connection; tests assert that no input ever reaches it.
func Recover(onPanic func(r *http.Request, v any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					onPanic(r, v)
					http.Error(w, "Internal error", http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
