package comments

import (
	"context"
	"fmt"
	"strings"
	"time"

	"nashra.dev/nashra/internal/ratelimit"
	"nashra.dev/nashra/internal/store"
)

// Rate limits on posting comments.
//
// Per client address: Options.IPLimit comments per Options.IPWindow, in
// memory. That limit is PER NODE: with n nodes behind a balancer a client
// may get n×IPLimit through. It slows a bot; the per-address limit holds
// across nodes. It counts attempts that passed the form checks, stored or
// not.
//
// Per email address: Options.EmailLimit comments per Options.EmailWindow,
// counted from the comments table inside the creating transaction, under a
// per-address lock (see lockEmail), so it is exact across nodes.

// RateLimitError refuses a comment over a rate limit.
// errors.Is(err, ErrRateLimited) holds.
type RateLimitError struct {
	// RetryAfter is how long until a comment would be accepted (whole
	// seconds, at least one).
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v: try again in %v", ErrRateLimited, e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrRateLimited) hold.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

func rateLimited(wait time.Duration) *RateLimitError {
	wait = wait.Round(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	return &RateLimitError{RetryAfter: wait}
}

// checkIP applies the per-IP limit; an empty ip (the command line, an
// import) is not limited.
func (s *Service) checkIP(ip string) error {
	if ip == "" || s.ipHits == nil {
		return nil
	}
	if wait := s.ipHits.Allow(ratelimit.ClientKey(ip), s.opt.Now()); wait > 0 {
		return rateLimited(wait)
	}
	return nil
}

// checkEmailRate counts email's comments within the window; tx must hold
// lockEmail(email), so that concurrent comments count each other.
func (s *Service) checkEmailRate(ctx context.Context, tx *store.Tx, email string, now time.Time) error {
	if s.opt.EmailLimit < 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT created_at FROM comments WHERE author_email = ? AND created_at > ?
		ORDER BY created_at DESC LIMIT ?`, email, now.Add(-s.opt.EmailWindow), s.opt.EmailLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	var oldest time.Time
	n := 0
	for rows.Next() {
		if err := rows.Scan(&oldest); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n >= s.opt.EmailLimit {
		return rateLimited(oldest.Add(s.opt.EmailWindow).Sub(now))
	}
	return nil
}

// lockEmail serializes, until tx ends, the transactions creating comments
// from one address, so that the rate count and the duplicate check see
// each other. PostgreSQL takes a transaction-scoped advisory lock on a
// hash of the address; SQLite's transaction already holds the database's
// write lock (_txlock=immediate).
func lockEmail(ctx context.Context, tx *store.Tx, email string) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", advisoryKey("comments:"+strings.ToLower(email)))
	return err
}

// advisoryKey is FNV-1a of s, as PostgreSQL's bigint lock key.
func advisoryKey(s string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return int64(h)
}
