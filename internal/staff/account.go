package staff

import (
	"context"
	"errors"
	"fmt"

	"nashra.dev/nashra/internal/store"
)

var (
	// ErrNoAccount means no staff account has that ID or email. It is also a
	// store.ErrNotFound. Public pages (password reset) must not reveal it.
	ErrNoAccount = fmt.Errorf("no such account: %w", store.ErrNotFound)
	// ErrLastOwner refuses a change that would leave the site without an owner.
	ErrLastOwner = errors.New("the site's last owner cannot be given another role")
)

// userColumns are what scanDest reads, in its order.
const (
	userColumns  = "id, email, name, slug, bio, role, locale, created_at"
	userColumnsU = "u.id, u.email, u.name, u.slug, u.bio, u.role, u.locale, u.created_at"
)

func (u *User) scanDest() []any {
	return []any{&u.ID, &u.Email, &u.Name, &u.Slug, &u.Bio, &u.Role, &u.Locale, &u.CreatedAt}
}

// ByID finds an account, or ErrNoAccount.
func (s *Service) ByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id).Scan(u.scanDest()...)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoAccount
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// List returns every staff account, oldest first.
func (s *Service) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(u.scanDest()...); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetRole gives account id a new role. The site keeps at least one owner:
// demoting the only one is ErrLastOwner. Whether the person asking may make
// this change is the caller's to check (User.CanAssignRole).
func (s *Service) SetRole(ctx context.Context, id int64, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("%w: unknown role %q", ErrInvalid, role)
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		// On PostgreSQL, lock the owners' rows first: two owners demoting each
		// other at once would otherwise both see the other still owner. The
		// second waits here, then counts what the first committed. (SQLite's
		// transactions already run one at a time.)
		q := "SELECT COUNT(*) FROM users WHERE role = 'owner'"
		if tx.Dialect() == store.Postgres {
			q = "SELECT COUNT(*) FROM (SELECT id FROM users WHERE role = 'owner' FOR UPDATE) owners"
		}
		var owners int
		if err := tx.QueryRow(ctx, q).Scan(&owners); err != nil {
			return err
		}
		var current Role
		err := tx.QueryRow(ctx, "SELECT role FROM users WHERE id = ?", id).Scan(&current)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNoAccount
		}
		if err != nil || current == role {
			return err
		}
		if current == Owner && owners <= 1 {
			return ErrLastOwner
		}
		_, err = tx.Exec(ctx, "UPDATE users SET role = ?, updated_at = ? WHERE id = ?", role, s.clock(), id)
		return err
	})
}

// SetLocale sets the language of account id's admin: "ar" or "en".
func (s *Service) SetLocale(ctx context.Context, id int64, locale string) error {
	switch locale {
	case "ar", "en":
	default:
		return fmt.Errorf("%w: unknown locale %q (ar, en)", ErrInvalid, locale)
	}
	res, err := s.db.Exec(ctx, "UPDATE users SET locale = ?, updated_at = ? WHERE id = ?", locale, s.clock(), id)
	return oneRow(res, err)
}

// SetPassword changes account id's password after checking the current one
// (a wrong one is ErrInvalid), and ends all of its sessions and outstanding
// reset links: whoever knew the old password is signed out. The caller
// starts a fresh session for the person who made the change.
func (s *Service) SetPassword(ctx context.Context, id int64, oldPassword, newPassword string) error {
	if err := checkPassword(newPassword); err != nil {
		return err
	}
	var oldHash string
	err := s.db.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", id).Scan(&oldHash)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoAccount
	}
	if err != nil {
		return err
	}
	if ok, err := VerifyPassword(oldHash, oldPassword); err != nil || !ok {
		return fmt.Errorf("%w: the current password is wrong", ErrInvalid)
	}
	newHash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		// Matching the old hash refuses a change raced by another one.
		res, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?",
			newHash, s.clock(), id, oldHash)
		if err := oneRow(res, err); errors.Is(err, ErrNoAccount) {
			return fmt.Errorf("%w: the password was changed meanwhile", ErrInvalid)
		} else if err != nil {
			return err
		}
		return s.signOutEverywhere(ctx, tx, id)
	})
}

// signOutEverywhere ends id's sessions and spends its reset links, as any
// change of password must.
func (s *Service) signOutEverywhere(ctx context.Context, tx *store.Tx, id int64) error {
	if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM staff_tokens WHERE kind = 'reset' AND user_id = ?", id)
	return err
}

// oneRow turns an update that matched no row into ErrNoAccount.
func oneRow(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNoAccount
	}
	return nil
}
