package members

import (
	"context"
	"errors"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Member sessions last SessionTTL from the latest request that refreshed
// them (a sliding expiry): a reader who visits once a month stays signed in.
const (
	SessionTTL = 30 * 24 * time.Hour
	// sessionTouch is how stale last_seen_at may grow before a request
	// refreshes it (and the expiry): a write per page view of every reader
	// would make reading a write on the database.
	sessionTouch = time.Minute
)

// errUnknownAddress ends a sign-in request for an address nobody has; the
// caller answers as on success.
var errUnknownAddress = errors.New("unknown address")

// SendSignInLink mails a sign-in link (SignInTTL, single use) to the member
// with email. The public answer must be the same whatever happens next, so:
// an unknown address returns nil and sends nothing; a pending member is
// sent a new confirmation instead (confirming is what they still owe, and
// it proves the same mailbox); a bounced or complained member is
// ErrSuppressed, to be answered as success. A malformed address is an
// *AddressError, and the limits of Subscribe apply (*ThrottledError), with
// the per-IP allowance counted apart from subscribing.
func (s *Service) SendSignInLink(ctx context.Context, email, ip string) error {
	if err := s.checkIP("signin", ip); err != nil {
		return err
	}
	addr, err := NormalizeEmail(email, s.opt.AllowReservedDomains)
	if err != nil {
		return err
	}
	var (
		l    letter
		name string
	)
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		m, err := memberWhere(ctx, tx, "m.email = ?", addr)
		if errors.Is(err, ErrNotFound) {
			return errUnknownAddress
		}
		if err != nil {
			return err
		}
		if err := lockMember(ctx, tx, m.ID); err != nil {
			return err
		}
		name = m.Name
		switch {
		case m.Status.suppressed():
			return ErrSuppressed
		case m.Status == Pending:
			ns, err := memberNewsletters(ctx, tx, m.ID)
			if err != nil {
				return err
			}
			tok, err := s.issueLink(ctx, tx, m.ID, kindConfirm, addr, ConfirmTTL)
			if err != nil {
				return err
			}
			l = s.confirmLetter(m.Lang, addr, ns, tok)
		default:
			tok, err := s.issueLink(ctx, tx, m.ID, kindSignIn, addr, SignInTTL)
			if err != nil {
				return err
			}
			l = s.signInLetter(m.Lang, tok)
		}
		return nil
	})
	if errors.Is(err, errUnknownAddress) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.send(ctx, addr, name, l)
}

// SignIn spends a sign-in link and opens a session for its member,
// returning the session token (for a cookie) and the member. A malformed,
// unknown, used or expired link is ErrBadToken, as is one mailed to an
// address the member has since changed.
func (s *Service) SignIn(ctx context.Context, token string) (string, *Member, error) {
	var (
		session string
		id      int64
	)
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var email string
		var err error
		id, email, err = s.spendLink(ctx, tx, token, kindSignIn)
		if err != nil {
			return err
		}
		m, err := memberWhere(ctx, tx, "m.id = ?", id)
		if err != nil {
			return err
		}
		if m.Email != email {
			return ErrBadToken
		}
		session, err = s.startSession(ctx, tx, id)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	m, err := s.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	return session, m, nil
}

// StartSession opens a session for memberID and returns its token. Only
// its SHA-256 is stored. The caller must already know the reader holds the
// member's mailbox: Confirm and ConfirmEmailChange prove it as SignIn does.
// An unknown member is ErrNotFound.
func (s *Service) StartSession(ctx context.Context, memberID int64) (string, error) {
	var tok string
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		tok, err = s.startSession(ctx, tx, memberID)
		return err
	})
	return tok, err
}

func (s *Service) startSession(ctx context.Context, tx *store.Tx, memberID int64) (string, error) {
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	now := s.clock()
	_, err = tx.Exec(ctx, `INSERT INTO member_sessions (token_hash, member_id, created_at, expires_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?)`, hashToken(tok), memberID, now, now.Add(SessionTTL), now)
	if errors.Is(err, store.ErrReference) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return tok, nil
}

// SessionMember returns the member signed in with token, or ErrNoSession.
// The member is read afresh on every call (a status or paid change takes
// effect at the next request), without Newsletters and Labels. Each call
// at least sessionTouch after the last refresh moves the expiry to
// SessionTTL from now; a deleted member's sessions are gone with them.
func (s *Service) SessionMember(ctx context.Context, token string) (*Member, error) {
	if !wellFormed(token) {
		return nil, ErrNoSession
	}
	var ms memberScan
	var expires, lastSeen time.Time
	err := s.db.QueryRow(ctx, `SELECT s.expires_at, s.last_seen_at, `+memberColumns+`
		FROM member_sessions s JOIN members m ON m.id = s.member_id WHERE s.token_hash = ?`, hashToken(token)).
		Scan(append([]any{&expires, &lastSeen}, ms.dest()...)...)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if !now.Before(expires) {
		return nil, ErrNoSession
	}
	if now.Sub(lastSeen) >= sessionTouch {
		// The condition keeps concurrent requests of one browser from all
		// writing the same minute.
		if _, err := s.db.Exec(ctx, `UPDATE member_sessions SET last_seen_at = ?, expires_at = ?
			WHERE token_hash = ? AND last_seen_at <= ?`,
			now, now.Add(SessionTTL), hashToken(token), now.Add(-sessionTouch)); err != nil {
			return nil, err
		}
	}
	return ms.finish(), nil
}

// EndSession signs token out. Ending an unknown or malformed token is not
// an error: signing out twice leaves the same state.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if !wellFormed(token) {
		return nil
	}
	_, err := s.db.Exec(ctx, "DELETE FROM member_sessions WHERE token_hash = ?", hashToken(token))
	return err
}

// EndAllSessions signs memberID out everywhere ("not you? sign out all").
func (s *Service) EndAllSessions(ctx context.Context, memberID int64) error {
	_, err := s.db.Exec(ctx, "DELETE FROM member_sessions WHERE member_id = ?", memberID)
	return err
}
