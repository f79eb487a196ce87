package wire

import (
	"errors"
	"fmt"
	"time"
)

// The kinds of failure a fetch or a parse can end in. Errors returned by this
// package match exactly one of them with errors.Is, so that callers (the
// scheduler deciding whether to retry, the admin page explaining a failure)
// never have to read messages.
var (
	// ErrTimeout: connecting, the TLS handshake, waiting for the headers or
	// reading the whole response took longer than allowed, or the caller's
	// context ended (errors.Is(err, context.Canceled) tells that case).
	ErrTimeout = errors.New("timed out")
	// ErrTooLarge: the response (or the page given to Extract) is bigger
	// than the size limit; a response is not read past the limit.
	ErrTooLarge = errors.New("response too large")
	// ErrTooManyRedirects: more redirects than allowed, or a redirect loop.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBlocked: the URL's scheme or the address its host resolves to is
	// not one the wire desk may reach (private, loopback, link-local…).
	ErrBlocked = errors.New("blocked address")
	// ErrUnreachable: the host could not be resolved or connected to, or the
	// connection failed (refused, reset, TLS certificate not valid).
	ErrUnreachable = errors.New("unreachable")
	// ErrHTTPStatus: the server answered with a status other than 2xx or 304.
	ErrHTTPStatus = errors.New("unexpected HTTP status")
	// ErrMalformed: the URL, the response or the document cannot be
	// understood (not a URL, not a feed, no article text…).
	ErrMalformed = errors.New("malformed input")
)

// Error is the error of a fetch, a parse or an extraction: a Kind (one of
// the Err* values above) for programs, a Msg for people (one line, safe to
// show), and the underlying cause for logs.
type Error struct {
	Kind       error
	URL        string
	Msg        string
	StatusCode int           // set with ErrHTTPStatus
	RetryAfter time.Duration // from a Retry-After header in seconds, when sent
	Err        error         // the cause, when there is one
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" && e.Kind != nil {
		msg = e.Kind.Error()
	}
	if e.URL == "" {
		return msg
	}
	return fmt.Sprintf("fetch %s: %s", e.URL, msg)
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
