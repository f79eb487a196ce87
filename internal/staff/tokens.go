package staff

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"nashra.dev/nashra/internal/store"
)

// How long one-time links stay valid. A reset link is short-lived because
// mailboxes leak; an invitation waits for someone who may be away a week.
const (
	ResetTTL  = time.Hour
	InviteTTL = 7 * 24 * time.Hour
)

// tokenBytes is the entropy of session tokens and one-time links.
const tokenBytes = 32

// tokenEncoding is unpadded base64url, safe in cookies and URLs; Strict so
// that each token has exactly one spelling.
func tokenEncoding() *base64.Encoding { return base64.RawURLEncoding.Strict() }

// newToken returns tokenBytes random bytes, encoded. Only hashToken of it is
// ever stored.
func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenEncoding().EncodeToString(b), nil
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

// NewResetToken makes a password reset link for the account with email,
// valid for ResetTTL, and returns it with the account to mail it to. It
// replaces any earlier reset link of that account. An unknown email is
// ErrNoAccount, which callers must not reveal to the public.
func (s *Service) NewResetToken(ctx context.Context, email string) (string, *User, error) {
	u, err := s.ByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, ErrNoAccount
	}
	if err != nil {
		return "", nil, err
	}
	tok, err := newToken()
	if err != nil {
		return "", nil, err
	}
	now := s.clock()
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM staff_tokens WHERE kind = 'reset' AND user_id = ?", u.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO staff_tokens (token_hash, kind, user_id, email, expires_at, created_at)
			VALUES (?, 'reset', ?, ?, ?, ?)`, hashToken(tok), u.ID, u.Email, now.Add(ResetTTL), now)
		return err
	})
	if errors.Is(err, store.ErrReference) {
		return "", nil, ErrNoAccount // deleted meanwhile
	}
	if err != nil {
		return "", nil, err
	}
	return tok, u, nil
}

// CheckResetToken reports whether tok is a live reset link (ErrBadToken if
// not), so that a page can say so before asking for a new password.
func (s *Service) CheckResetToken(ctx context.Context, tok string) error {
	_, _, err := s.peekToken(ctx, tok, "reset")
	return err
}

// ResetPassword sets a new password with a reset link, which it spends. A
// password that breaks the rules is ErrInvalid and leaves the link usable; a
// bad, expired or spent link is ErrBadToken. Every session of the account
// ends, and its sign-in lock lifts: the person has proved they read its mail.
func (s *Service) ResetPassword(ctx context.Context, tok, newPassword string) (*User, error) {
	if err := checkPassword(newPassword); err != nil {
		return nil, err
	}
	if !wellFormed(tok) {
		return nil, ErrBadToken
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		var email string
		err := tx.QueryRow(ctx, "DELETE FROM staff_tokens WHERE token_hash = ? AND kind = 'reset' AND expires_at > ? RETURNING user_id",
			hashToken(tok), now).Scan(&id)
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? RETURNING email",
			hash, now, id).Scan(&email)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM login_attempts WHERE key = ?", throttleKey("account:", email)); err != nil {
			return err
		}
		return s.signOutEverywhere(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return s.ByID(ctx, id)
}

// NewInvite makes an invitation link, valid for InviteTTL, for email to join
// the staff with role. It replaces any earlier invitation of that email. An
// email that already has an account is ErrEmailTaken; role owner is refused
// (ErrInvalid): ownership is given by SetRole, by an owner. invitedBy is
// recorded (0 for none, as from the command line); deleting that account
// withdraws its invitations. Whether invitedBy may invite is the caller's to
// check (CapManageStaff, and User.CanAssignRole).
func (s *Service) NewInvite(ctx context.Context, email string, role Role, invitedBy int64) (string, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return "", err
	}
	if !role.Valid() {
		return "", fmt.Errorf("%w: unknown role %q", ErrInvalid, role)
	}
	if role == Owner {
		return "", fmt.Errorf("%w: an owner cannot be invited; invite an administrator and make them owner", ErrInvalid)
	}
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	inviter := sql.NullInt64{Int64: invitedBy, Valid: invitedBy > 0}
	now := s.clock()
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		var taken int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE email = ?", email).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return ErrEmailTaken
		}
		if _, err := tx.Exec(ctx, "DELETE FROM staff_tokens WHERE kind = 'invite' AND email = ?", email); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO staff_tokens (token_hash, kind, user_id, email, role, expires_at, created_at)
			VALUES (?, 'invite', ?, ?, ?, ?, ?)`, hashToken(tok), inviter, email, role, now.Add(InviteTTL), now)
		return err
	})
	if errors.Is(err, store.ErrReference) {
		return "", ErrNoAccount
	}
	if err != nil {
		return "", err
	}
	return tok, nil
}

// Invitation returns the email and role a live invitation link is for, or
// ErrBadToken, so that the page accepting it can show them.
func (s *Service) Invitation(ctx context.Context, tok string) (email string, role Role, err error) {
	return s.peekToken(ctx, tok, "invite")
}

// AcceptInvite spends an invitation link and creates its account, with the
// invited email and role and the given name and password. Invalid name or
// password is ErrInvalid and leaves the link usable; a bad, expired or spent
// link is ErrBadToken; an account made meanwhile with that email is
// ErrEmailTaken.
func (s *Service) AcceptInvite(ctx context.Context, tok, name, password string) (*User, error) {
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	if !wellFormed(tok) {
		return nil, ErrBadToken
	}
	var u *User
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		in := NewUser{Name: name, Password: password}
		err := tx.QueryRow(ctx, "DELETE FROM staff_tokens WHERE token_hash = ? AND kind = 'invite' AND expires_at > ? RETURNING email, role",
			hashToken(tok), s.clock()).Scan(&in.Email, &in.Role)
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		u, err = s.create(ctx, tx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// PruneTokens deletes expired one-time links and reports how many.
func (s *Service) PruneTokens(ctx context.Context) (int64, error) {
	res, err := s.db.Exec(ctx, "DELETE FROM staff_tokens WHERE expires_at <= ?", s.clock())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *Service) peekToken(ctx context.Context, tok, kind string) (email string, role Role, err error) {
	if !wellFormed(tok) {
		return "", "", ErrBadToken
	}
	err = s.db.QueryRow(ctx, "SELECT email, role FROM staff_tokens WHERE token_hash = ? AND kind = ? AND expires_at > ?",
		hashToken(tok), kind, s.clock()).Scan(&email, &role)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", ErrBadToken
	}
	return email, role, err
}
