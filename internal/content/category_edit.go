package content

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/store"
)

// CategoryByID finds a category.
func (s *Service) CategoryByID(ctx context.Context, id int64) (*Category, error) {
	c, err := scanCategory(s.db.QueryRow(ctx, "SELECT "+categoryCols+" FROM categories WHERE id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// UpdateCategory renames, moves or re-describes a section. A parent may not
// be the category itself or one of its descendants (no cycles).
func (s *Service) UpdateCategory(ctx context.Context, id int64, in CategoryInput) (*Category, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, fmt.Errorf("%w: a category needs a name", ErrInvalid)
	}
	slug := arabic.Slugify(in.Slug)
	if slug == "" {
		slug = arabic.Slugify(in.Name)
	}
	if slug == "" {
		return nil, fmt.Errorf("%w: the category name gives an empty slug", ErrInvalid)
	}
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var parent any
		if in.ParentID != 0 {
			// Walk up from the new parent: meeting id would close a cycle.
			for p, hops := in.ParentID, 0; p != 0; hops++ {
				if p == id || hops > 100 {
					return fmt.Errorf("%w: a section cannot be inside itself", ErrInvalid)
				}
				var next int64
				if err := tx.QueryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM categories WHERE id = ?", p).Scan(&next); err != nil {
					if errors.Is(err, store.ErrNotFound) {
						return fmt.Errorf("%w: unknown parent section", ErrInvalid)
					}
					return err
				}
				p = next
			}
			parent = in.ParentID
		}
		res, err := tx.Exec(ctx, `UPDATE categories SET parent_id = ?, slug = ?, name = ?, description = ?, position = ? WHERE id = ?`,
			parent, slug, in.Name, in.Description, in.Position, id)
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: another section already uses the address %q", ErrInvalid, slug)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return tx.Notify(ctx, Topic)
	})
	if err != nil {
		return nil, err
	}
	return s.CategoryByID(ctx, id)
}

// DeleteCategory removes a section. Its posts stay, without it; its
// sub-sections move up to its parent.
func (s *Service) DeleteCategory(ctx context.Context, id int64) error {
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		var parent any
		var p int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM categories WHERE id = ?", id).Scan(&p); err != nil {
			return notFound(err)
		}
		if p != 0 {
			parent = p
		}
		if _, err := tx.Exec(ctx, "UPDATE categories SET parent_id = ? WHERE parent_id = ?", parent, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM categories WHERE id = ?", id); err != nil {
			return err
		}
		return tx.Notify(ctx, Topic)
	})
}
