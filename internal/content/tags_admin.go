package content

import "context"

// Tags as staff see them. The public lists (Tags) show only the tags of live
// posts, so that a draft's tags stay unannounced; the newsroom needs every
// tag, including those only drafts and scheduled posts use, and those no
// post uses any more, to choose from and to refer to by id.

// AllTags lists every tag by name, in the database's collation (PostgreSQL
// orders by its locale, SQLite by code point); ties go by id.
func (s *Service) AllTags(ctx context.Context) ([]Tag, error) {
	rows, err := s.db.Query(ctx, "SELECT id, slug, name, description FROM tags ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Tag{}
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Description); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TagByID finds a tag, whether or not any post uses it; an unknown id is
// ErrNotFound.
func (s *Service) TagByID(ctx context.Context, id int64) (*Tag, error) {
	if id <= 0 {
		return nil, ErrNotFound
	}
	var t Tag
	err := s.db.QueryRow(ctx, "SELECT id, slug, name, description FROM tags WHERE id = ?", id).
		Scan(&t.ID, &t.Slug, &t.Name, &t.Description)
	if err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}
