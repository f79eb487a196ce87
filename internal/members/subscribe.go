package members

import (
	"context"
	"errors"

	"nashra.dev/nashra/internal/store"
)

// SubscribeInput is a subscription request from the public form (or an
// API client acting for a reader).
type SubscribeInput struct {
	Email           string
	Name            string   // optional
	Lang            string   // the mail's language: "en…" for English, anything else Arabic
	NewsletterSlugs []string // empty: every active newsletter
	Source          string   // where the form was ("footer", "post:123"…); "form" if empty
	IP              string   // the client's address, for the per-IP limit; empty: not limited
}

// Subscribe records a subscription request and mails what the address
// needs next. It never subscribes anyone without their confirming from
// their own mailbox (double opt-in):
//
//   - a new address becomes a pending member with the chosen newsletters
//     and gets a confirmation link (ConfirmTTL, single use);
//   - a pending or unsubscribed member gets the chosen newsletters added
//     and a new confirmation link (they stay as they are until they use it);
//   - an active member gets the newsletters added at once and a notice
//     with a sign-in link to manage the subscription, not a confirmation;
//   - a bounced or complained member is refused with ErrSuppressed, and
//     nothing is written or sent.
//
// The web layer must give the public the same answer ("check your inbox")
// for every one of these, and for ErrSuppressed, so that the form reveals
// nothing about who is subscribed. Errors it may show as they are: an
// *AddressError (ErrInvalidEmail), ErrUnknownNewsletter, and
// *ThrottledError (ErrThrottled) when the IP or the address is over its
// limit (see limiter.go). A mail that cannot be sent is an error returned
// after the request is recorded; the reader may ask again, within the
// limits.
func (s *Service) Subscribe(ctx context.Context, in SubscribeInput) error {
	if err := s.checkIP("subscribe", in.IP); err != nil {
		return err
	}
	email, err := NormalizeEmail(in.Email, s.opt.AllowReservedDomains)
	if err != nil {
		return err
	}
	chosen, err := s.resolveNewsletters(ctx, in.NewsletterSlugs)
	if err != nil {
		return err
	}
	name, lang, source := cleanName(in.Name), normalizeLang(in.Lang), clip(in.Source, 64)
	if source == "" {
		source = "form"
	}
	var (
		l      letter
		toName string
	)
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		m, created, err := s.findOrCreate(ctx, tx, email, name, lang, source)
		if err != nil {
			return err
		}
		if err := lockMember(ctx, tx, m.ID); err != nil {
			return err
		}
		if m.Status.suppressed() {
			return ErrSuppressed
		}
		toName = m.Name
		if m.Status == Active {
			added, err := missingNewsletters(ctx, tx, m.ID, chosen)
			if err != nil {
				return err
			}
			if err := addNewsletters(ctx, tx, m.ID, added); err != nil {
				return err
			}
			tok, err := s.issueLink(ctx, tx, m.ID, kindSignIn, email, SignInTTL)
			if err != nil {
				return err
			}
			l = s.alreadyLetter(m.Lang, email, added, tok)
			return nil
		}
		if !created {
			// The reader is at the form again: their language now is the
			// one to mail in, and a name fills a blank one (never replaces).
			if m.Name == "" {
				m.Name = name
			}
			if _, err := tx.Exec(ctx, "UPDATE members SET name = ?, lang = ?, updated_at = ? WHERE id = ?",
				m.Name, lang, s.clock(), m.ID); err != nil {
				return err
			}
			toName = m.Name
		}
		if err := addNewsletters(ctx, tx, m.ID, chosen); err != nil {
			return err
		}
		tok, err := s.issueLink(ctx, tx, m.ID, kindConfirm, email, ConfirmTTL)
		if err != nil {
			return err
		}
		l = s.confirmLetter(lang, email, chosen, tok)
		return nil
	})
	if err != nil {
		return err
	}
	return s.send(ctx, email, toName, l)
}

// findOrCreate returns the member with email, or creates them pending.
// Two requests racing for one new address end with one member.
func (s *Service) findOrCreate(ctx context.Context, tx *store.Tx, email, name, lang, source string) (*Member, bool, error) {
	m, err := memberWhere(ctx, tx, "m.email = ?", email)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return m, false, err
	}
	now := s.clock()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO members (email, name, status, lang, source, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id`,
		email, name, Pending, lang, source, now, now).Scan(&id)
	created := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	m, err = memberWhere(ctx, tx, "m.email = ?", email)
	return m, created, err
}

// missingNewsletters returns those of ns the member is not linked to.
func missingNewsletters(ctx context.Context, tx *store.Tx, memberID int64, ns []Newsletter) ([]Newsletter, error) {
	rows, err := tx.Query(ctx, "SELECT newsletter_id FROM member_newsletters WHERE member_id = ?", memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		have[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Newsletter
	for _, n := range ns {
		if !have[n.ID] {
			out = append(out, n)
		}
	}
	return out, nil
}

// Confirm spends a confirmation link and makes its member active, with the
// newsletters they chose when subscribing, recording the time as their
// consent (ConfirmedAt). A malformed, unknown, used or expired link is
// ErrBadToken, as is one mailed to an address the member has since
// changed; a member who bounced or complained meanwhile is ErrSuppressed.
// Confirming proves the reader holds the mailbox, so the web layer may
// sign them in with StartSession.
func (s *Service) Confirm(ctx context.Context, token string) (*Member, error) {
	var id int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var email string
		var err error
		id, email, err = s.spendLink(ctx, tx, token, kindConfirm)
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
		if m.Status.suppressed() {
			return ErrSuppressed
		}
		now := s.clock()
		_, err = tx.Exec(ctx, "UPDATE members SET status = ?, confirmed_at = ?, updated_at = ? WHERE id = ?",
			Active, now, now, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}
