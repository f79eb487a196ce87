package members

import (
	"context"
	"errors"
	"fmt"

	"nashra.dev/nashra/internal/store"
)

// SetNewsletters replaces the newsletters a signed-in member receives and,
// unless frequency is empty, how often (every, daily or weekly). Choosing
// none makes an active member unsubscribed; choosing some makes an
// unsubscribed member active again without a new confirmation, since a
// session proves they hold the mailbox. A pending member stays pending.
// Unknown or retired slugs are ErrUnknownNewsletter; a bounced or
// complained member is ErrSuppressed (the admin must clear that first).
func (s *Service) SetNewsletters(ctx context.Context, memberID int64, slugs []string, frequency string) error {
	freq := Frequency(frequency)
	if freq != "" && freq != Every && freq != Daily && freq != Weekly {
		return fmt.Errorf("%w: unknown frequency %q (every, daily, weekly)", ErrInvalid, frequency)
	}
	var chosen []Newsletter
	if len(slugs) > 0 {
		var err error
		if chosen, err = s.resolveNewsletters(ctx, slugs); err != nil {
			return err
		}
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		m, err := memberWhere(ctx, tx, "m.id = ?", memberID)
		if err != nil {
			return err
		}
		if m.Status.suppressed() {
			return ErrSuppressed
		}
		if _, err := tx.Exec(ctx, "DELETE FROM member_newsletters WHERE member_id = ?", memberID); err != nil {
			return err
		}
		if err := addNewsletters(ctx, tx, memberID, chosen); err != nil {
			return err
		}
		if freq == "" {
			freq = m.Frequency
		}
		now := s.clock()
		switch {
		case len(chosen) == 0 && m.Status == Active:
			_, err = tx.Exec(ctx, "UPDATE members SET status = ?, frequency = ?, unsubscribed_at = ?, updated_at = ? WHERE id = ?",
				Unsubscribed, freq, now, now, memberID)
		case len(chosen) > 0 && m.Status == Unsubscribed:
			_, err = tx.Exec(ctx, "UPDATE members SET status = ?, frequency = ?, updated_at = ? WHERE id = ?",
				Active, freq, now, memberID)
		default:
			_, err = tx.Exec(ctx, "UPDATE members SET frequency = ?, updated_at = ? WHERE id = ?", freq, now, memberID)
		}
		return err
	})
}

// Unsubscribe takes a member off one newsletter, or off every one when
// newsletterID is 0. Leaving the last one makes an active (or pending)
// member unsubscribed, recording UnsubscribedAt; they keep their account
// and may still sign in. Unsubscribing twice is not an error (one-click
// links get clicked twice); an unknown member is ErrNotFound. A bounced or
// complained member keeps that status.
func (s *Service) Unsubscribe(ctx context.Context, memberID, newsletterID int64) error {
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		m, err := memberWhere(ctx, tx, "m.id = ?", memberID)
		if err != nil {
			return err
		}
		if newsletterID == 0 {
			_, err = tx.Exec(ctx, "DELETE FROM member_newsletters WHERE member_id = ?", memberID)
		} else {
			_, err = tx.Exec(ctx, "DELETE FROM member_newsletters WHERE member_id = ? AND newsletter_id = ?", memberID, newsletterID)
		}
		if err != nil {
			return err
		}
		var left int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM member_newsletters WHERE member_id = ?", memberID).Scan(&left); err != nil {
			return err
		}
		if left > 0 || (m.Status != Active && m.Status != Pending) {
			return nil
		}
		now := s.clock()
		_, err = tx.Exec(ctx, "UPDATE members SET status = ?, unsubscribed_at = ?, updated_at = ? WHERE id = ?",
			Unsubscribed, now, now, memberID)
		return err
	})
}

// RequestEmailChange mails a confirmation link (EmailChangeTTL, single
// use) to newEmail; the member's address changes only when it is used
// (ConfirmEmailChange), so nobody can move an account to a mailbox they do
// not read. An address another member has is ErrEmailTaken; the member's
// own address is ErrInvalid. Besides the per-address limit, a member may
// ask for at most addressLimit changes an hour (*ThrottledError), so an
// account cannot be used to mail many strangers.
func (s *Service) RequestEmailChange(ctx context.Context, memberID int64, newEmail string) error {
	addr, err := NormalizeEmail(newEmail, s.opt.AllowReservedDomains)
	if err != nil {
		return err
	}
	var (
		l    letter
		name string
	)
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		m, err := memberWhere(ctx, tx, "m.id = ?", memberID)
		if err != nil {
			return err
		}
		if m.Email == addr {
			return fmt.Errorf("%w: %s is already this account's address", ErrInvalid, addr)
		}
		if err := lockMember(ctx, tx, memberID); err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM members WHERE email = ?", addr).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return ErrEmailTaken
		}
		if err := s.checkMemberEmailChanges(ctx, tx, memberID); err != nil {
			return err
		}
		tok, err := s.issueLink(ctx, tx, memberID, kindEmail, addr, EmailChangeTTL)
		if err != nil {
			return err
		}
		l, name = s.emailChangeLetter(m.Lang, addr, tok), m.Name
		return nil
	})
	if err != nil {
		return err
	}
	return s.send(ctx, addr, name, l)
}

// checkMemberEmailChanges bounds the address-change links one member may
// have mailed per addressWindow, whatever the addresses.
func (s *Service) checkMemberEmailChanges(ctx context.Context, tx *store.Tx, memberID int64) error {
	now := s.clock()
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM member_tokens WHERE member_id = ? AND kind = ? AND created_at > ?",
		memberID, kindEmail, now.Add(-addressWindow)).Scan(&n); err != nil {
		return err
	}
	if n >= addressLimit {
		return throttled(addressWindow) // an upper bound; precise enough for a rare case
	}
	return nil
}

// ConfirmEmailChange spends an address-change link and moves its member to
// the new address, returning the member. A malformed, unknown, used or
// expired link is ErrBadToken; an address taken meanwhile is ErrEmailTaken.
// A bounced member becomes active: the bounce was the old mailbox's, and
// the new one has just proved it receives mail. The old address is told of
// the change (unless it bounced or complained), so that a stolen session
// cannot move an account silently; failing to tell it is logged, not
// returned, since the change is done.
func (s *Service) ConfirmEmailChange(ctx context.Context, token string) (*Member, error) {
	var old Member
	var newEmail string
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		id, email, err := s.spendLink(ctx, tx, token, kindEmail)
		if err != nil {
			return err
		}
		m, err := memberWhere(ctx, tx, "m.id = ?", id)
		if err != nil {
			return err
		}
		old, newEmail = *m, email
		if m.Email == email {
			return nil
		}
		status := m.Status
		if status == Bounced {
			status = Active
		}
		_, err = tx.Exec(ctx, "UPDATE members SET email = ?, status = ?, updated_at = ? WHERE id = ?",
			email, status, s.clock(), id)
		if errors.Is(err, store.ErrConflict) {
			return ErrEmailTaken
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if old.Email != newEmail && !old.Status.suppressed() {
		if err := s.send(ctx, old.Email, old.Name, s.emailChangedLetter(old.Lang, newEmail)); err != nil {
			s.opt.Log.WarnContext(ctx, "members: could not tell the old address of an address change",
				"member", old.ID, "err", err)
		}
	}
	return s.Get(ctx, old.ID)
}
