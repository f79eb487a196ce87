package content

import (
	"context"
	"strings"
)

// loadRelations fills Authors, Categories and (when full) Tags for posts in
// one query for all of them: a page of twenty cards costs one round trip,
// not sixty.
func (s *Service) loadRelations(ctx context.Context, posts []Post, full bool) error {
	if len(posts) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(posts))
	ids := make([]any, len(posts))
	for i := range posts {
		idx[posts[i].ID] = i
		ids[i] = posts[i].ID
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(posts)), ",") + ")"
	// kind, post, id, parent, slug, name, text, position
	q := `SELECT 'a', pa.post_id, u.id, 0, u.slug, u.name, u.bio, pa.position FROM post_authors pa
		JOIN users u ON u.id = pa.user_id WHERE pa.post_id IN ` + in + `
		UNION ALL SELECT 'c', pc.post_id, c.id, COALESCE(c.parent_id, 0), c.slug, c.name, c.description, c.position
		FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id IN ` + in
	args := append(append([]any{}, ids...), ids...)
	if full {
		q += ` UNION ALL SELECT 't', pt.post_id, t.id, 0, t.slug, t.name, t.description, 0
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id IN ` + in
		args = append(args, ids...)
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY 1, 2, 8, 6", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, slug, name, text string
		var pid, id, parent int64
		var pos int
		if err := rows.Scan(&kind, &pid, &id, &parent, &slug, &name, &text, &pos); err != nil {
			return err
		}
		p := &posts[idx[pid]]
		switch kind {
		case "a":
			p.Authors = append(p.Authors, Author{ID: id, Name: name, Slug: slug, Bio: text})
		case "c":
			p.Categories = append(p.Categories, Category{ID: id, ParentID: parent, Slug: slug, Name: name, Description: text, Position: pos})
		case "t":
			p.Tags = append(p.Tags, Tag{ID: id, Slug: slug, Name: name, Description: text})
		}
	}
	return rows.Err()
}
