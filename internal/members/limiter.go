package members

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// Rate limits on the public forms (subscribe, sign-in link), which mail
// whatever address they are given and so could be used to flood a stranger.
//
// Per address: at most addressLimit links mailed to one address per
// addressWindow, counted from member_tokens in the database, so the limit
// is global across nodes. This is the limit that protects the stranger.
//
// Per IP: at most ipLimit requests per ipWindow from one client address,
// in memory. That limit is PER NODE: with n nodes behind a balancer a
// client may get n×ipLimit requests through. The schema keeps no IP with a
// request (and this package adds no table), and the per-address limit above
// already bounds what any one mailbox receives; the per-IP limit only slows
// a bot spraying many addresses. It counts every request, valid or not.
const (
	ipLimit       = 5
	ipWindow      = 10 * time.Minute
	addressLimit  = 3
	addressWindow = time.Hour
)

// ErrThrottled is what every *ThrottledError is (errors.Is).
var ErrThrottled = errors.New("too many requests")

// ThrottledError refuses a request over a rate limit.
type ThrottledError struct {
	// RetryAfter is how long until a request would be accepted (whole
	// seconds, at least one).
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v: try again in %v", ErrThrottled, e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrThrottled) hold.
func (e *ThrottledError) Unwrap() error { return ErrThrottled }

func throttled(wait time.Duration) *ThrottledError {
	wait = wait.Round(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	return &ThrottledError{RetryAfter: wait}
}

// maxLimiterKeys bounds the clients the per-IP limiter remembers (about
// 100 bytes each).
const maxLimiterKeys = 100_000

// windowLimiter is a sliding-window log: for each key, the times of its
// accepted requests within the window. Memory is bounded by the number of
// keys seen in one window (each holds at most limit times), and keys idle
// for a whole window are swept.
type windowLimiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	hits    map[string][]time.Time
	sweptAt time.Time
}

func newWindowLimiter(limit int, window time.Duration) *windowLimiter {
	return &windowLimiter{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// allow records a request for key at now, or refuses it with a
// *ThrottledError when key already made limit requests within the window.
// A refused request is not recorded, so a client that waits RetryAfter is
// let through.
func (l *windowLimiter) allow(key string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweptAt) >= l.window || len(l.hits) >= maxLimiterKeys {
		for k, ts := range l.hits {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
				delete(l.hits, k)
			}
		}
		l.sweptAt = now
		if len(l.hits) >= maxLimiterKeys {
			// A flood from more clients than we care to remember: forget
			// them all rather than grow without bound. The per-IP limit
			// fails open here; the per-address limit, in the database,
			// still holds.
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
		return throttled(ts[0].Add(l.window).Sub(now))
	}
	l.hits[key] = append(ts, now)
	return nil
}

// checkIP applies the per-IP limit to one kind of request ("subscribe",
// "signin"), each kind with its own allowance. An empty ip (a request from
// the command line or the admin) is not limited.
func (s *Service) checkIP(kind, ip string) error {
	if ip == "" {
		return nil
	}
	return s.ipHits.allow(kind+" "+ipKey(ip), s.now())
}

// ipKey groups client addresses the way they are handed out: an IPv4
// address alone, an IPv6 address by its /64, since one subscriber line gets
// a whole /64 and could otherwise rotate through it. A port is dropped;
// an unparseable value is used as it is (cut short).
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		ap, perr := netip.ParseAddrPort(ip)
		if perr != nil {
			return clip(ip, 64)
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
