package translate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// maxAnswerBytes bounds what is read from a provider: a translation of the
// largest batch fits many times over; anything bigger is a broken server.
const maxAnswerBytes = 16 << 20

// RetryPolicy bounds the shared client's retries of transient failures
// (429, 500, 502, 503, 504, 529, timeouts and connection errors).
type RetryPolicy struct {
	// MaxAttempts counts the first try: 4 means up to three retries.
	MaxAttempts int
	// BaseDelay is the first backoff; each retry doubles it, up to MaxDelay,
	// and a random jitter of up to half of it is taken off so that clients
	// that failed together do not retry together.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxElapsed bounds one call, waits included. A Retry-After longer than
	// what is left ends the call with ErrRateLimited at once, carrying the
	// wait, so a job queue can reschedule instead of a worker sleeping.
	MaxElapsed time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 2 * time.Minute
	}
	return p
}

// backoff is the wait before retry number n (1 for the first retry).
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d - rand.N(d/2+1)
}

// client is the HTTP side shared by every provider: one per Provider, so
// its limiter spaces that provider's requests across goroutines.
type client struct {
	provider string
	key      string // only to scrub it from messages; never logged
	http     *http.Client
	timeout  time.Duration // per attempt
	retry    RetryPolicy
	limiter  *limiter
	clock    clock
	log      *slog.Logger
}

// call is one HTTP request as a provider describes it. decode turns a non-2xx
// answer into an *Error with its Kind and retryable/tooLarge flags set.
type call struct {
	method string
	url    string
	header http.Header
	body   []byte
	decode func(status int, h http.Header, body []byte) *Error
}

// do sends c, retrying transient failures per the RetryPolicy, and returns
// the body of the first 2xx answer. Every error it returns is an *Error,
// or the context's own error when ctx ended first.
func (cl *client) do(ctx context.Context, c call) ([]byte, error) {
	start := cl.clock.Now()
	left := func() time.Duration {
		l := cl.retry.MaxElapsed - cl.clock.Now().Sub(start)
		if dl, ok := ctx.Deadline(); ok {
			l = min(l, dl.Sub(cl.clock.Now()))
		}
		return l
	}
	for attempt := 1; ; attempt++ {
		if d, err := cl.limiter.wait(ctx, left()); err != nil {
			if errors.Is(err, errPaused) {
				return nil, &Error{Provider: cl.provider, Kind: ErrRateLimited, RetryAfter: d,
					Message: "the provider asked for a pause that outlasts this call's retry budget"}
			}
			return nil, err
		}
		body, e := cl.once(ctx, c)
		if e == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e.Provider = cl.provider
		e.Message = limitMessage(redact(e.Message, cl.key))
		if !e.retryable || attempt >= cl.retry.MaxAttempts {
			return nil, e
		}
		wait := cl.retry.backoff(attempt)
		if e.RetryAfter > 0 {
			wait = e.RetryAfter
			if e.Kind == ErrRateLimited {
				cl.limiter.holdUntil(cl.clock.Now().Add(e.RetryAfter))
			}
		}
		if wait >= left() {
			return nil, e
		}
		cl.log.LogAttrs(ctx, slog.LevelDebug, "translate: retrying",
			slog.String("provider", cl.provider), slog.Int("status", e.Status),
			slog.Int("attempt", attempt), slog.Duration("wait", wait),
			slog.String("kind", e.Kind.Error()))
		if err := cl.clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// once is a single attempt under the per-attempt timeout.
func (cl *client) once(ctx context.Context, c call) ([]byte, *Error) {
	actx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, c.method, c.url, bytes.NewReader(c.body))
	if err != nil {
		return nil, &Error{Kind: ErrBadRequest, Message: redact(err.Error(), cl.key)}
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", "nashra-wire-translate/1")
	resp, err := cl.http.Do(req)
	if err != nil {
		return nil, cl.transportError(actx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, cl.transportError(actx, err)
	}
	if len(body) > maxAnswerBytes {
		return nil, &Error{Kind: ErrBadAnswer, Status: resp.StatusCode, Message: "answer larger than 16 MiB"}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return body, nil
	}
	e := c.decode(resp.StatusCode, resp.Header, body)
	if e.Status == 0 {
		e.Status = resp.StatusCode
	}
	if e.RetryAfter == 0 && (e.Kind == ErrRateLimited || e.Kind == ErrUnavailable) {
		e.RetryAfter = retryAfter(resp.Header, cl.clock.Now())
	}
	return body, e
}

func (cl *client) transportError(actx context.Context, err error) *Error {
	msg := redact(err.Error(), cl.key)
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		msg = fmt.Sprintf("no answer within %s", cl.timeout)
	}
	return &Error{Kind: ErrUnavailable, Message: msg, retryable: true}
}

// statusKind is the common reading of an HTTP status; providers refine it.
func statusKind(status int) (kind error, retryable bool) {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrAuth, false
	case status == http.StatusTooManyRequests:
		return ErrRateLimited, true
	case status == http.StatusInternalServerError, status == http.StatusBadGateway,
		status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout,
		status == 529: // DeepL: too many requests overall, try later
		return ErrUnavailable, true
	case status >= 500:
		return ErrUnavailable, false
	default:
		return ErrBadRequest, false
	}
}
