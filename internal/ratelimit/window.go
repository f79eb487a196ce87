// Package ratelimit holds the in-memory limiter the public forms share
// (subscribing, signing in, commenting): a sliding window per client.
// Limits that must hold across nodes are counted in the database by the
// domain packages; this one is per node and only slows a bot.
package ratelimit

import (
	"net/netip"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxKeys bounds the clients a Window remembers (about 100 bytes each).
const MaxKeys = 100_000

// Window is a sliding-window log: for each key, the times of its accepted
// requests within the window. Memory is bounded by the keys seen in one
// window (each holds at most limit times); keys idle for a whole window are
// swept, and a flood from more than MaxKeys clients forgets them all (the
// limit fails open rather than growing without bound).
type Window struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	hits    map[string][]time.Time
	sweptAt time.Time
}

// NewWindow allows limit requests per key within window.
func NewWindow(limit int, window time.Duration) *Window {
	return &Window{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// Allow records a request for key at now and returns 0, or refuses it and
// returns how long until one would be accepted (whole seconds, at least
// one). A refused request is not recorded, so a client that waits is let
// through.
func (l *Window) Allow(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweptAt) >= l.window || len(l.hits) >= MaxKeys {
		for k, ts := range l.hits {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
				delete(l.hits, k)
			}
		}
		l.sweptAt = now
		if len(l.hits) >= MaxKeys {
			clear(l.hits)
		}
	}
	ts := l.hits[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.limit {
		l.hits[key] = ts
		return max(ts[0].Add(l.window).Sub(now).Round(time.Second), time.Second)
	}
	l.hits[key] = append(ts, now)
	return 0
}

// Len is how many keys the window remembers now.
func (l *Window) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits)
}

// ClientKey groups client addresses the way they are handed out: an IPv4
// address alone, an IPv6 address by its /64, since one subscriber line gets
// a whole /64 and could otherwise rotate through it. A port and a zone are
// dropped; an unparseable value is used as it is (cut to 64 bytes).
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		ap, perr := netip.ParseAddrPort(ip)
		if perr != nil {
			if len(ip) > 64 {
				ip = ip[:64]
				for !utf8.ValidString(ip) {
					ip = ip[:len(ip)-1]
				}
			}
			return ip
		}
		a = ap.Addr()
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
