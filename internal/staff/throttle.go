package staff

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Login throttling. Failures are counted per key in fixed windows that open
// at a key's first failure; a key that reaches its limit within the window is
// locked for throttleLock, and every attempt under it is refused without the
// password being checked. So an account gets accountLimit tries per window
// (the next attempt is refused, even with the right password), and an address
// addressLimit tries across all accounts. The counts live in the database so
// that every node enforces the same limits.
const (
	throttleWindow = 15 * time.Minute
	throttleLock   = 15 * time.Minute
	accountLimit   = 5
	addressLimit   = 20
)

// ErrThrottled is what every *ThrottledError is (errors.Is).
var ErrThrottled = errors.New("too many failed sign-ins")

// ThrottledError refuses a sign-in while its account or address is locked.
type ThrottledError struct {
	// RetryAfter is how long until the lock lifts (whole seconds).
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v: try again in %v", ErrThrottled, e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrThrottled) hold.
func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// Login signs in with an email and password from ip. A locked account or
// address is *ThrottledError, checked before the password; wrong credentials
// are ErrInvalid, the same for an unknown email as for a wrong password
// (unknown emails are counted and locked alike, so locks reveal nothing
// either). A failure counts against both the account and the address; a
// success clears the account's count but not the address's, so that one
// known password does not buy an address more guesses at other accounts.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*User, error) {
	account := throttleKey("account:", strings.ToLower(strings.TrimSpace(email)))
	address := throttleKey("address:", strings.TrimSpace(ip))
	if err := s.checkThrottle(ctx, account, address); err != nil {
		return nil, err
	}
	u, err := s.Authenticate(ctx, email, password)
	if errors.Is(err, ErrInvalid) {
		if ferr := errors.Join(s.recordFailure(ctx, account, accountLimit),
			s.recordFailure(ctx, address, addressLimit)); ferr != nil {
			return nil, errors.Join(ErrInvalid, ferr)
		}
		return nil, ErrInvalid
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(ctx, "DELETE FROM login_attempts WHERE key = ?", account); err != nil {
		return nil, err
	}
	return u, nil
}

// checkThrottle returns a *ThrottledError when any of keys is locked, with
// the longest wait among them.
func (s *Service) checkThrottle(ctx context.Context, keys ...string) error {
	now := s.clock()
	var wait time.Duration
	for _, k := range keys {
		var until sql.NullTime
		err := s.db.QueryRow(ctx, "SELECT locked_until FROM login_attempts WHERE key = ?", k).Scan(&until)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if until.Valid && until.Time.After(now) {
			wait = max(wait, until.Time.Sub(now))
		}
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait.Round(time.Second)}
	}
	return nil
}

// recordFailure counts one failure for key and locks it on reaching limit.
// The count is incremented by a single upsert, which both dialects apply
// atomically against the row's latest committed value (PostgreSQL locks the
// row and re-reads it), so concurrent failures from many nodes are never
// lost; the lock is set in the same transaction, while the row is held.
func (s *Service) recordFailure(ctx context.Context, key string, limit int) error {
	now := s.clock()
	stale := now.Add(-throttleWindow)
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		var failures int
		err := tx.QueryRow(ctx, `INSERT INTO login_attempts (key, failures, window_start, locked_until)
			VALUES (?, 1, ?, NULL)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN login_attempts.window_start <= ? THEN 1 ELSE login_attempts.failures + 1 END,
				locked_until = CASE WHEN login_attempts.window_start <= ? THEN NULL ELSE login_attempts.locked_until END,
				window_start = CASE WHEN login_attempts.window_start <= ? THEN excluded.window_start ELSE login_attempts.window_start END
			RETURNING failures`, key, now, stale, stale, stale).Scan(&failures)
		if err != nil || failures < limit {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE login_attempts SET locked_until = ? WHERE key = ?", now.Add(throttleLock), key)
		return err
	})
}

// PruneLoginAttempts deletes counts whose window and lock are both over, and
// reports how many. Guessing from many addresses leaves a row per address;
// this keeps the table from growing with them.
func (s *Service) PruneLoginAttempts(ctx context.Context) (int64, error) {
	now := s.clock()
	res, err := s.db.Exec(ctx, "DELETE FROM login_attempts WHERE window_start <= ? AND (locked_until IS NULL OR locked_until <= ?)",
		now.Add(-throttleWindow), now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// throttleKey bounds a key built from outside input: an email cannot be
// longer than 254 bytes, nor an address (IPv6 with a zone) than 64.
func throttleKey(prefix, v string) string { return prefix + clip(v, 254) }
