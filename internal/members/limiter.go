package members

import (
	"errors"
	"fmt"
	"time"

	"nashra.dev/nashra/internal/ratelimit"
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

// checkIP applies the per-IP limit to one kind of request ("subscribe",
// "signin"), each kind with its own allowance. An empty ip (a request from
// the command line or the admin) is not limited.
func (s *Service) checkIP(kind, ip string) error {
	if ip == "" {
		return nil
	}
	if wait := s.ipHits.Allow(kind+" "+ratelimit.ClientKey(ip), s.now()); wait > 0 {
		return throttled(wait)
	}
	return nil
}
