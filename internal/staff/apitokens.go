package staff

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// APITokenPrefix starts every Admin API token, so that a leaked one is
// recognisable (secret scanners, logs) and cannot be mistaken for a session.
const APITokenPrefix = "nsh_"

// apiTokenTouch is how stale last_used_at may grow before a request
// refreshes it: a script calling the API in a loop must not turn every call
// into a write.
const apiTokenTouch = time.Minute

// Errors of the Admin API's credentials.
var (
	// ErrBadAPIToken means a token is unknown, revoked, malformed or expired.
	// Callers answer 401 and say no more about which.
	ErrBadAPIToken = errors.New("the API token is invalid or revoked")
	// ErrAPITokenExpired is the one case worth telling apart (the remedy is
	// a new token, not a fixed typo). It is also an ErrBadAPIToken.
	ErrAPITokenExpired = fmt.Errorf("the API token has expired: %w", ErrBadAPIToken)
	// ErrNoAPIToken means no token of that user has that ID. It is also a
	// store.ErrNotFound.
	ErrNoAPIToken = fmt.Errorf("no such API token: %w", store.ErrNotFound)
)

// APIToken describes an Admin API token; the secret itself is shown once, at
// creation, and never stored. Zero times mean "never" (no expiry, not used).
type APIToken struct {
	ID, UserID int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
}

// CreateAPIToken makes an Admin API token that acts as userID, with that
// account's role at the time of each request. ttl 0 means it never expires.
// name says what it is for ("newsroom importer"); it is required. Only the
// token's SHA-256 is stored, so a copy of the database grants nothing. An
// unknown user is ErrNoAccount.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("%w: a token name of 1 to 100 characters is required", ErrInvalid)
	}
	if ttl < 0 {
		return "", fmt.Errorf("%w: a token's lifetime cannot be negative", ErrInvalid)
	}
	secret, err := newToken()
	if err != nil {
		return "", err
	}
	tok := APITokenPrefix + secret
	now := s.clock()
	var expires sql.NullTime
	if ttl > 0 {
		expires = sql.NullTime{Time: now.Add(ttl).Truncate(time.Second), Valid: true}
	}
	_, err = s.db.Exec(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, userID, name, hashToken(tok), now, expires)
	if errors.Is(err, store.ErrReference) {
		return "", ErrNoAccount
	}
	if err != nil {
		return "", err
	}
	return tok, nil
}

// wellFormedAPIToken reports whether tok could have come from
// CreateAPIToken, so that garbage is refused without a query.
func wellFormedAPIToken(tok string) bool {
	rest, ok := strings.CutPrefix(tok, APITokenPrefix)
	return ok && wellFormed(rest)
}

// APITokenUser returns the account an Admin API token acts as, read afresh
// (a role change applies at the next request). Unknown, revoked or malformed
// tokens are ErrBadAPIToken; expired ones ErrAPITokenExpired. It records the
// use, at most once per apiTokenTouch.
func (s *Service) APITokenUser(ctx context.Context, token string) (*User, error) {
	if !wellFormedAPIToken(token) {
		return nil, ErrBadAPIToken
	}
	var u User
	var id int64
	var expires, lastUsed sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT t.id, t.expires_at, t.last_used_at, `+userColumnsU+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hashToken(token)).
		Scan(append([]any{&id, &expires, &lastUsed}, u.scanDest()...)...)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadAPIToken
	}
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if expires.Valid && !now.Before(expires.Time) {
		return nil, ErrAPITokenExpired
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) >= apiTokenTouch {
		// The condition keeps concurrent requests with one token from all
		// writing the same minute.
		if _, err := s.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`, now, id, now.Add(-apiTokenTouch)); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// ListAPITokens returns userID's tokens, oldest first, expired ones included
// (so that their owner sees why a script stopped working).
func (s *Service) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.db.Query(ctx, `SELECT id, user_id, name, created_at, expires_at, last_used_at
		FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var expires, lastUsed sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &expires, &lastUsed); err != nil {
			return nil, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		if expires.Valid {
			t.ExpiresAt = expires.Time.UTC()
		}
		if lastUsed.Valid {
			t.LastUsedAt = lastUsed.Time.UTC()
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken deletes userID's token id; it stops working at once. A
// token of another user, or none, is ErrNoAPIToken: one may revoke only one's
// own (an administrator removes someone's access by removing the account).
func (s *Service) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	res, err := s.db.Exec(ctx, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNoAPIToken
	}
	return nil
}
