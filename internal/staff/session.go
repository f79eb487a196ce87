package staff

import (
	"context"
	"errors"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Session lifetimes. A session ends after SessionIdle without a request, and
// in any case SessionMax after it started, so that a stolen cookie does not
// live for ever however busy its thief keeps it.
const (
	SessionIdle = 14 * 24 * time.Hour
	SessionMax  = 30 * 24 * time.Hour
	// sessionTouch is how stale last_seen_at may grow before a request
	// refreshes it: a write per request would make every page view of every
	// editor a write on the database.
	sessionTouch = time.Minute
)

// ErrNoSession means a session token is unknown, expired, ended or malformed.
// Callers treat the person as signed out.
var ErrNoSession = errors.New("not signed in")

// StartSession opens a session for userID and returns its token, for a
// cookie. Only the token's SHA-256 is stored, so a copy of the database does
// not sign anyone in. ip and userAgent are kept to show the user where they
// are signed in; they are cut to sane lengths. An unknown user is ErrNoAccount.
func (s *Service) StartSession(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	now := s.clock()
	_, err = s.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		hashToken(tok), userID, now, now.Add(SessionMax), now, clip(ip, 64), clip(userAgent, 512))
	if errors.Is(err, store.ErrReference) {
		return "", ErrNoAccount
	}
	if err != nil {
		return "", err
	}
	return tok, nil
}

// SessionUser returns the account signed in with token, or ErrNoSession. The
// account is read afresh on every call, so a role change takes effect at the
// next request. It writes last_seen_at at most once per sessionTouch.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if !wellFormed(token) {
		return nil, ErrNoSession
	}
	var u User
	var expires, lastSeen time.Time
	err := s.db.QueryRow(ctx, `SELECT s.expires_at, s.last_seen_at, `+userColumnsU+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hashToken(token)).
		Scan(append([]any{&expires, &lastSeen}, u.scanDest()...)...)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if !now.Before(expires) || !now.Before(lastSeen.Add(SessionIdle)) {
		return nil, ErrNoSession
	}
	if now.Sub(lastSeen) >= sessionTouch {
		// The condition keeps concurrent requests of one browser from all
		// writing the same minute.
		if _, err := s.db.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at <= ?",
			now, hashToken(token), now.Add(-sessionTouch)); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// EndSession signs token out. Ending an unknown or malformed token is not an
// error: signing out twice leaves the same state.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if !wellFormed(token) {
		return nil
	}
	_, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	return err
}

// EndAllSessions signs userID out everywhere, as after a password change.
func (s *Service) EndAllSessions(ctx context.Context, userID int64) error {
	_, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return err
}

// PruneSessions deletes expired sessions and reports how many. They are
// already refused; pruning only keeps the table small, so any node may run it
// at any time.
func (s *Service) PruneSessions(ctx context.Context) (int64, error) {
	now := s.clock()
	res, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?", now, now.Add(-SessionIdle))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// clip makes s storable text (PostgreSQL refuses invalid UTF-8 and NUL) of
// at most n bytes, without splitting a character.
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}
