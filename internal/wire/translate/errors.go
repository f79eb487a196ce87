package translate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The kinds of failure a Provider reports. Every error returned by
// Translate wraps exactly one of them (test with errors.Is), usually inside
// an *Error that carries the provider's own message and, for rate limits,
// how long to wait.
var (
	// ErrAuth: the key is missing, wrong, revoked, or not allowed to use
	// this endpoint. Retrying does not help; the configuration must change.
	ErrAuth = errors.New("authentication failed")
	// ErrQuota: the account's character or spending quota is used up
	// (DeepL 456, OpenAI insufficient_quota). Retrying before the quota
	// resets does not help.
	ErrQuota = errors.New("quota exceeded")
	// ErrRateLimited: too many requests. The *Error's RetryAfter says how
	// long the provider asked to wait, when it said so. It is returned only
	// after the client's own bounded retries gave up, or when the wait asked
	// for does not fit the retry budget: a job queue can reschedule then.
	ErrRateLimited = errors.New("rate limited")
	// ErrBadRequest: the request was refused as invalid (unsupported
	// language, bad parameter, text too large) or failed local validation.
	ErrBadRequest = errors.New("bad request")
	// ErrUnavailable: the provider failed or could not be reached (5xx,
	// timeouts, connection errors) even after retries.
	ErrUnavailable = errors.New("provider unavailable")
	// ErrBadAnswer: the provider answered 200 with something unusable: a
	// body that does not decode, or a chat answer that dropped or merged
	// segments even after being asked again.
	ErrBadAnswer = errors.New("unusable answer")
	// ErrConfig: New was given an invalid Config.
	ErrConfig = errors.New("invalid translation config")
)

// Error is a failure reported by, or on the way to, a translation provider.
// Its text never contains the API key: provider messages and transport
// errors are scrubbed of it before they are stored here.
type Error struct {
	Provider   string        // "libretranslate", "deepl", "openai"
	Kind       error         // one of the Err* sentinels above
	Status     int           // HTTP status, 0 when no answer came
	Code       string        // the provider's error code or type, when it gives one
	Message    string        // the provider's message (or the transport's), key removed
	RetryAfter time.Duration // wait the provider asked for, 0 when it did not say

	retryable bool // the shared client may try again
	tooLarge  bool // the request was too big: a smaller batch may succeed
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("translate: ")
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.Error())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrRateLimited) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

// badRequest is a local validation failure, before any HTTP request.
func badRequest(format string, args ...any) error {
	return &Error{Kind: ErrBadRequest, Message: fmt.Sprintf(format, args...)}
}

// redact removes every occurrence of key from s. Keys shorter than four
// bytes are not searched for: they would blank out ordinary words, and no
// real provider issues them.
func redact(s, key string) string {
	if len(key) < 4 {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

// limitMessage keeps a provider message readable in logs and error strings.
func limitMessage(s string) string {
	s = strings.TrimSpace(s)
	const max = 300
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
