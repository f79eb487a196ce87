package members

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"nashra.dev/nashra/internal/store"
)

// How long mailed links stay valid. A sign-in link is short-lived because
// it opens a session; a confirmation waits for a reader who may check mail
// only the next day.
const (
	ConfirmTTL     = 48 * time.Hour
	SignInTTL      = 15 * time.Minute
	EmailChangeTTL = 24 * time.Hour
)

// Paths the mailed links point at, under Options.BaseURL, each with
// ?token=…: the web layer serves them with Confirm, SignIn and
// ConfirmEmailChange.
const (
	ConfirmPath = "/members/confirm"
	SignInPath  = "/members/signin"
	EmailPath   = "/members/email"
)

// Kinds of mailed link, as member_tokens.kind stores them.
const (
	kindConfirm = "confirm"
	kindSignIn  = "signin"
	kindEmail   = "email"
)

// tokenBytes is the entropy of session tokens and mailed links.
const tokenBytes = 32

// tokenEncoding is unpadded base64url, safe in cookies and URLs; Strict so
// that each token has exactly one spelling.
func tokenEncoding() *base64.Encoding { return base64.RawURLEncoding.Strict() }

// newToken returns tokenBytes random bytes, encoded. Only its hashToken is
// stored, so a copy of the database opens no session and confirms nothing.
func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenEncoding().EncodeToString(b), nil
}

// hashToken is the stored form of a token: SHA-256, hex. A token has 256
// random bits, so a fast unsalted hash is enough.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// wellFormed reports whether tok could have come from newToken, so that
// garbage is refused without a query.
func wellFormed(tok string) bool {
	if len(tok) != tokenEncoding().EncodedLen(tokenBytes) {
		return false
	}
	_, err := tokenEncoding().DecodeString(tok)
	return err == nil
}

// issueLink makes a one-time link of kind for memberID, to be mailed to
// email, valid for ttl, and returns its token. It enforces the per-address
// limit (see limiter.go): every link row counts, spent or not, for an hour
// after it was made, which is why spending a link keeps its row (see
// spendLink) and pruning waits for the hour to pass. tx must hold the
// member's lock (lockMember) so that concurrent requests count each other.
func (s *Service) issueLink(ctx context.Context, tx *store.Tx, memberID int64, kind, email string, ttl time.Duration) (string, error) {
	now := s.clock()
	// Read the times rather than MIN(created_at): SQLite returns an
	// aggregate of a DATETIME column as text, not as a time.
	rows, err := tx.Query(ctx, `SELECT created_at FROM member_tokens
		WHERE member_id = ? AND email = ? AND created_at > ? ORDER BY created_at`, memberID, email, now.Add(-addressWindow))
	if err != nil {
		return "", err
	}
	var recent []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return "", err
		}
		recent = append(recent, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(recent) >= addressLimit {
		return "", throttled(recent[len(recent)-addressLimit].Add(addressWindow).Sub(now))
	}
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	_, err = tx.Exec(ctx, `INSERT INTO member_tokens (token_hash, member_id, kind, email, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, hashToken(tok), memberID, kind, email, now, now.Add(ttl))
	if errors.Is(err, store.ErrReference) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return tok, nil
}

// spendLink uses up a live link of kind and returns whom it was for. A
// link is spent by moving its expiry to now rather than deleting it, so it
// still counts against the address's hourly limit; the update's condition
// makes two concurrent uses of one link succeed once. Malformed, unknown,
// expired and spent links are all ErrBadToken.
func (s *Service) spendLink(ctx context.Context, tx *store.Tx, tok, kind string) (memberID int64, email string, err error) {
	if !wellFormed(tok) {
		return 0, "", ErrBadToken
	}
	now := s.clock()
	err = tx.QueryRow(ctx, `UPDATE member_tokens SET expires_at = ?
		WHERE token_hash = ? AND kind = ? AND expires_at > ? RETURNING member_id, email`,
		now, hashToken(tok), kind, now).Scan(&memberID, &email)
	if errors.Is(err, store.ErrNotFound) {
		return 0, "", ErrBadToken
	}
	return memberID, email, err
}

// Prune deletes mailed links that can no longer be used nor count against a
// limit, and expired sessions, and reports how many rows went. Expired
// links and sessions are already refused; pruning only keeps the tables
// small, so any node may run it at any time.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	now := s.clock()
	var total int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM member_tokens WHERE expires_at <= ? AND created_at <= ?",
			now, now.Add(-addressWindow))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		res, err = tx.Exec(ctx, "DELETE FROM member_sessions WHERE expires_at <= ?", now)
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		total = n + m
		return nil
	})
	return total, err
}
