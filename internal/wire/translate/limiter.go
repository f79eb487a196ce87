package translate

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clock is the time source of the client and its limiter; tests replace it
// so that waits are recorded instead of slept.
type clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// limiter spaces requests to one provider at most 1/rate apart, across all
// goroutines using the same Provider. It also holds every caller back when
// the provider asked for a pause (Retry-After on a 429), so that concurrent
// translations do not keep hitting a limit one of them already met.
type limiter struct {
	clock    clock
	interval time.Duration // 0: no spacing
	mu       sync.Mutex
	next     time.Time // earliest start of the next request
}

func newLimiter(c clock, perSecond float64) *limiter {
	l := &limiter{clock: c}
	if perSecond > 0 && !math.IsInf(perSecond, 1) {
		l.interval = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

// wait blocks until the caller may send its request, or ctx is done. When
// that would take longer than budget (the provider asked for a long pause)
// it does not wait or take a slot, and returns the wait with errPaused. A
// slot taken by a caller whose context ends is not given back: the limiter
// errs on the side of sending less.
func (l *limiter) wait(ctx context.Context, budget time.Duration) (time.Duration, error) {
	l.mu.Lock()
	now := l.clock.Now()
	start := now
	if l.next.After(start) {
		start = l.next
	}
	d := start.Sub(now)
	if d > 0 && d > budget {
		l.mu.Unlock()
		return d, errPaused
	}
	l.next = start.Add(l.interval)
	l.mu.Unlock()
	if d > 0 {
		return d, l.clock.Sleep(ctx, d)
	}
	return 0, ctx.Err()
}

var errPaused = errors.New("paused by the provider")

// holdUntil makes no request start before t.
func (l *limiter) holdUntil(t time.Time) {
	l.mu.Lock()
	if t.After(l.next) {
		l.next = t
	}
	l.mu.Unlock()
}

// retryAfter reads how long a provider asked the client to wait:
// Retry-After in seconds or as an HTTP date (RFC 9110), OpenAI's
// retry-after-ms, and, failing those, OpenAI's x-ratelimit-reset-requests /
// x-ratelimit-reset-tokens ("1s", "6m0s", "20ms") for the limit whose
// x-ratelimit-remaining-* is 0. It returns 0 when the answer says nothing.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil {
			if s > 0 && s < 1e9 {
				return time.Duration(s * float64(time.Second))
			}
			return 0
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
			return 0
		}
	}
	var d time.Duration
	for _, which := range []string{"requests", "tokens"} {
		if strings.TrimSpace(h.Get("X-Ratelimit-Remaining-"+which)) != "0" {
			continue
		}
		if r, err := time.ParseDuration(strings.TrimSpace(h.Get("X-Ratelimit-Reset-" + which))); err == nil && r > d {
			d = r
		}
	}
	return d
}
