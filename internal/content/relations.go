package content

import (
	"context"
	"strings"
)

// loadRelations fills Authors and Categories (and Tags when full) for posts
// with one query per relation, not one per post.
func (s *Service) loadRelations(ctx context.Context, posts []Post, full bool) error {
	if len(posts) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(posts))
	args := make([]any, len(posts))
	for i := range posts {
		idx[posts[i].ID] = i
		args[i] = posts[i].ID
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(posts)), ",") + ")"

	rows, err := s.db.Query(ctx, `SELECT pa.post_id, u.id, u.name, u.slug, u.bio FROM post_authors pa
		JOIN users u ON u.id = pa.user_id WHERE pa.post_id IN `+in+` ORDER BY pa.post_id, pa.position`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var pid int64
		var a Author
		if err := rows.Scan(&pid, &a.ID, &a.Name, &a.Slug, &a.Bio); err != nil {
			rows.Close()
			return err
		}
		posts[idx[pid]].Authors = append(posts[idx[pid]].Authors, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = s.db.Query(ctx, `SELECT pc.post_id, `+categoryCols+` FROM post_categories pc
		JOIN categories c ON c.id = pc.category_id WHERE pc.post_id IN `+in+` ORDER BY pc.post_id, c.position, c.name`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var pid int64
		var c Category
		if err := rows.Scan(&pid, &c.ID, &c.ParentID, &c.Slug, &c.Name, &c.Description, &c.Position); err != nil {
			rows.Close()
			return err
		}
		posts[idx[pid]].Categories = append(posts[idx[pid]].Categories, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if !full {
		return nil
	}

	rows, err = s.db.Query(ctx, `SELECT pt.post_id, t.id, t.slug, t.name, t.description FROM post_tags pt
		JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id IN `+in+` ORDER BY pt.post_id, t.name`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var t Tag
		if err := rows.Scan(&pid, &t.ID, &t.Slug, &t.Name, &t.Description); err != nil {
			return err
		}
		posts[idx[pid]].Tags = append(posts[idx[pid]].Tags, t)
	}
	return rows.Err()
}
