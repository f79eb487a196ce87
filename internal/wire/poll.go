package wire

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// PollResult is what one poll of one source did.
type PollResult struct {
	SourceID    int64
	Name, URL   string
	Status      string // StatusOK or StatusError
	NotModified bool   // the feed answered 304: nothing to read
	Found       int    // items in the feed
	New         int    // items stored
	Duplicates  int    // items already stored (same GUID, or same URL from this source)
	Clustered   int    // new items joined to a story already on the desk
	Published   int    // items an 'auto' source published
	Extracted   int    // items completed from their page
	ErrorKind   string // see Source.LastErrorKind
	Err         error  // the failure, when Status is StatusError
	Took        time.Duration
}

// maxItemsPerPoll bounds the work of one poll on a huge feed.
const maxItemsPerPoll = 200

// Poll polls one source now, whether or not it is due, and records the
// outcome on the source. The error is only for the desk's own failures
// (unknown source, database); the source's are in the result.
func (d *Desk) Poll(ctx context.Context, sourceID int64) (PollResult, error) {
	src, err := d.SourceByID(ctx, sourceID)
	if err != nil {
		return PollResult{SourceID: sourceID}, err
	}
	return d.pollOne(ctx, src)
}

// PollDue polls every active source whose next poll is due, a few at a
// time (Concurrency), each within SourceTimeout: one failing or hanging
// source never stops the others. A source another node or run is polling
// is skipped (each due source is claimed before its poll).
func (d *Desk) PollDue(ctx context.Context) ([]PollResult, error) {
	now := d.clock()
	srcs, err := d.Sources(ctx)
	if err != nil {
		return nil, err
	}
	var due []*Source
	for _, s := range srcs {
		if !s.Active || s.NextPollAt.After(now) {
			continue
		}
		// The claim: move next_poll_at past this poll's end, so a second
		// PollDue meanwhile leaves the source alone.
		lease := now.Add(d.opt.SourceTimeout + time.Minute)
		res, err := d.db.Exec(ctx, `UPDATE wire_sources SET next_poll_at = ? WHERE id = ? AND active = ? AND next_poll_at <= ?`,
			lease, s.ID, true, now)
		if affected(res, err) != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		due = append(due, s)
	}
	return d.pollMany(ctx, due), nil
}

// PollAll polls every active source now, due or not.
func (d *Desk) PollAll(ctx context.Context) ([]PollResult, error) {
	srcs, err := d.Sources(ctx)
	if err != nil {
		return nil, err
	}
	var active []*Source
	for _, s := range srcs {
		if s.Active {
			active = append(active, s)
		}
	}
	return d.pollMany(ctx, active), nil
}

func (d *Desk) pollMany(ctx context.Context, srcs []*Source) []PollResult {
	out := make([]PollResult, len(srcs))
	sem := make(chan struct{}, d.opt.Concurrency)
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = PollResult{SourceID: s.ID, Name: s.Name, URL: s.URL, Status: StatusError, ErrorKind: "timeout",
					Err: fmt.Errorf("not polled: %w", ctx.Err())}
				return
			}
			defer func() { <-sem }()
			res, err := d.pollOne(ctx, s)
			if err != nil && res.Err == nil {
				res.Status, res.ErrorKind, res.Err = StatusError, "other", err
			}
			out[i] = res
		}()
	}
	wg.Wait()
	return out
}

// pollOne polls src within SourceTimeout and records the outcome, even when
// the poll panicked or ran out of time.
func (d *Desk) pollOne(ctx context.Context, src *Source) (res PollResult, err error) {
	start := time.Now()
	res = PollResult{SourceID: src.ID, Name: src.Name, URL: src.URL}
	pctx, cancel := context.WithTimeout(ctx, d.opt.SourceTimeout)
	defer cancel()
	var validators [2]string
	func() {
		defer func() {
			if p := recover(); p != nil {
				d.log.Error("wire: poll panicked", "source", src.ID, "panic", p, "stack", string(debug.Stack()))
				res.Err = fmt.Errorf("internal error while reading the feed: %v", p)
			}
		}()
		validators, res.Err = d.poll(pctx, src, &res)
	}()
	if res.Err != nil && pctx.Err() != nil && ctx.Err() == nil && errors.Is(res.Err, ErrTimeout) {
		res.Err = &Error{Kind: ErrTimeout, URL: src.URL, Err: res.Err,
			Msg: fmt.Sprintf("timed out: no complete answer within %s (the per-source limit)", d.opt.SourceTimeout)}
	}
	res.Took = time.Since(start)
	// Record with a context of its own: the poll's may be over.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer rcancel()
	now := d.clock()
	if res.Err == nil {
		res.Status = StatusOK
		_, err = d.db.Exec(rctx, `UPDATE wire_sources SET etag = ?, last_modified = ?, last_polled_at = ?, next_poll_at = ?,
			last_status = 'ok', last_error_kind = '', last_error = '', error_count = 0, items_found = items_found + ? WHERE id = ?`,
			validators[0], validators[1], now, now.Add(time.Duration(src.IntervalMinutes)*time.Minute), res.New, src.ID)
		return res, err
	}
	res.Status, res.ErrorKind = StatusError, ErrorKind(res.Err)
	msg := oneLineError(res.Err)
	next := now.Add(d.backoff(src, src.ErrorCount+1, res.Err))
	d.log.Warn("wire: poll failed", "source", src.ID, "url", src.URL, "kind", res.ErrorKind, "err", msg)
	_, err = d.db.Exec(rctx, `UPDATE wire_sources SET last_polled_at = ?, next_poll_at = ?, last_status = 'error',
		last_error_kind = ?, last_error = ?, error_count = error_count + 1, items_found = items_found + ? WHERE id = ?`,
		now, next, res.ErrorKind, msg, res.New, src.ID)
	return res, err
}

// backoff is the wait after the n-th failure in a row: the interval
// doubled n times, at most MaxBackoff; longer when the server asked for it
// (Retry-After), within the same cap.
func (d *Desk) backoff(src *Source, n int, cause error) time.Duration {
	wait := time.Duration(src.IntervalMinutes) * time.Minute
	for i := 0; i < n && wait < d.opt.MaxBackoff; i++ {
		wait *= 2
	}
	var e *Error
	if errors.As(cause, &e) && e.RetryAfter > wait {
		wait = e.RetryAfter
	}
	return min(wait, d.opt.MaxBackoff)
}

// ErrorKind names the kind of a poll failure for the admin.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrTooManyRedirects):
		return "redirects"
	case errors.Is(err, ErrBlocked):
		return "blocked"
	case errors.Is(err, ErrUnreachable):
		return "unreachable"
	case errors.Is(err, ErrHTTPStatus):
		return "http_status"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	}
	return "other"
}

// oneLineError is an error as last_error keeps it: one line, at most 500
// characters.
func oneLineError(err error) string {
	s := oneLine(strings.ToValidUTF8(err.Error(), "?"))
	if utf8.RuneCountInString(s) > 500 {
		s = string([]rune(s)[:499]) + "…"
	}
	return s
}

// poll fetches and reads the feed, storing its new items. It returns the
// validators to keep for the next conditional fetch.
func (d *Desk) poll(ctx context.Context, src *Source, res *PollResult) ([2]string, error) {
	keep := [2]string{src.ETag, src.LastModified}
	resp, err := d.fetch.Fetch(ctx, Request{URL: src.URL, ETag: src.ETag, LastModified: src.LastModified})
	if err != nil {
		return keep, err
	}
	validators := [2]string{resp.ETag, resp.LastModified}
	if resp.NotModified {
		res.NotModified = true
		return validators, nil
	}
	feed, err := ParseFeed(resp.Body, resp.ContentType, src.URL)
	if err != nil {
		return keep, err
	}
	items := feed.Items
	res.Found = len(items)
	if len(items) > maxItemsPerPoll {
		items = items[:maxItemsPerPoll]
	}
	st, err := d.newIngest(ctx, src)
	if err != nil {
		return keep, err
	}
	// Oldest first, so that the first of a story on the desk is the oldest.
	for i := len(items) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return keep, &Error{Kind: ErrTimeout, URL: src.URL, Err: err,
				Msg: fmt.Sprintf("timed out after storing %d new items of %d", res.New, len(items))}
		}
		if err := st.add(ctx, items[i], res); err != nil {
			return keep, err
		}
	}
	return validators, nil
}

// letters counts the letters and digits of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
