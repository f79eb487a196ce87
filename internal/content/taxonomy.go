package content

import (
	"context"
	"fmt"
	"strings"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/store"
)

// CategoryInput creates or edits a category.
type CategoryInput struct {
	Name, Slug, Description string
	ParentID                int64
	Position                int
}

// CreateCategory adds a section. Slugs are unique; a parent must exist.
func (s *Service) CreateCategory(ctx context.Context, in CategoryInput) (*Category, error) {
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
	var parent any
	if in.ParentID != 0 {
		parent = in.ParentID
	}
	var id int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO categories (parent_id, slug, name, description, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, parent, slug, in.Name, in.Description, in.Position, s.Now()).Scan(&id)
		if err != nil {
			return fmt.Errorf("create category %q: %w", slug, err)
		}
		return tx.Notify(ctx, Topic)
	})
	if err != nil {
		return nil, err
	}
	return &Category{ID: id, ParentID: in.ParentID, Slug: slug, Name: in.Name, Description: in.Description, Position: in.Position}, nil
}

const categoryCols = "id, COALESCE(parent_id, 0), slug, name, description, position"

func scanCategory(sc interface{ Scan(...any) error }) (Category, error) {
	var c Category
	err := sc.Scan(&c.ID, &c.ParentID, &c.Slug, &c.Name, &c.Description, &c.Position)
	return c, err
}

// CategoryBySlug finds a category.
func (s *Service) CategoryBySlug(ctx context.Context, slug string) (*Category, error) {
	if !plausibleSlug(slug) {
		return nil, ErrNotFound
	}
	c, err := scanCategory(s.db.QueryRow(ctx, "SELECT "+categoryCols+" FROM categories WHERE slug = ?", slug))
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// Categories lists every category in display order.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.db.Query(ctx, "SELECT "+categoryCols+" FROM categories ORDER BY position, name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Ancestors returns the chain of parents of c, outermost first (breadcrumbs).
func Ancestors(all []Category, c *Category) []Category {
	byID := make(map[int64]Category, len(all))
	for _, x := range all {
		byID[x.ID] = x
	}
	var chain []Category
	seen := map[int64]bool{c.ID: true}
	for id := c.ParentID; id != 0 && !seen[id]; {
		p, ok := byID[id]
		if !ok {
			break
		}
		seen[id] = true
		chain = append([]Category{p}, chain...)
		id = p.ParentID
	}
	return chain
}

// TagBySlug finds a tag.
func (s *Service) TagBySlug(ctx context.Context, slug string) (*Tag, error) {
	if !plausibleSlug(slug) {
		return nil, ErrNotFound
	}
	var t Tag
	err := s.db.QueryRow(ctx, "SELECT id, slug, name, description FROM tags WHERE slug = ?", slug).
		Scan(&t.ID, &t.Slug, &t.Name, &t.Description)
	if err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// Tags lists the tags used by at least one live post, most used first.
func (s *Service) Tags(ctx context.Context) ([]Tag, error) {
	rows, err := s.db.Query(ctx, `SELECT t.id, t.slug, t.name, t.description FROM tags t
		JOIN post_tags pt ON pt.tag_id = t.id JOIN posts p ON p.id = pt.post_id
		WHERE p.status = 'published' AND p.published_at <= ?
		GROUP BY t.id, t.slug, t.name, t.description ORDER BY COUNT(*) DESC, t.name`, s.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Description); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ensureTags returns the IDs of the named tags, creating those that are new.
func (s *Service) ensureTags(ctx context.Context, tx *store.Tx, names []string) ([]int64, error) {
	var ids []int64
	for _, name := range names {
		name = strings.TrimSpace(name)
		slug := arabic.Slugify(name)
		if slug == "" {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tags (slug, name, created_at) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING`,
			slug, name, s.Now()); err != nil {
			return nil, err
		}
		var id int64
		if err := tx.QueryRow(ctx, "SELECT id FROM tags WHERE slug = ?", slug).Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// AuthorBySlug finds a staff member by their public slug.
func (s *Service) AuthorBySlug(ctx context.Context, slug string) (*Author, error) {
	if !plausibleSlug(slug) {
		return nil, ErrNotFound
	}
	var a Author
	err := s.db.QueryRow(ctx, "SELECT id, name, slug, bio FROM users WHERE slug = ?", slug).Scan(&a.ID, &a.Name, &a.Slug, &a.Bio)
	if err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// Authors lists staff who have at least one live post.
func (s *Service) Authors(ctx context.Context) ([]Author, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT u.id, u.name, u.slug, u.bio FROM users u
		JOIN post_authors pa ON pa.user_id = u.id JOIN posts p ON p.id = pa.post_id
		WHERE p.status = 'published' AND p.published_at <= ? ORDER BY u.name`, s.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Author
	for rows.Next() {
		var a Author
		if err := rows.Scan(&a.ID, &a.Name, &a.Slug, &a.Bio); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
