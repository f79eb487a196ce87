package content

import (
	"context"
	"fmt"
	"strings"
)

// AdminFilter selects posts for the newsroom's list: any status. Zero
// fields do not filter.
type AdminFilter struct {
	Status               Status
	Type                 Type
	AuthorID, CategoryID int64
	Lang                 string
	Limit, Offset        int
}

// AdminList returns posts for the admin, most recently updated first, with
// authors and categories, and the total the filter selects.
func (s *Service) AdminList(ctx context.Context, f AdminFilter) ([]Post, int, error) {
	var conds []string
	var args []any
	switch f.Status {
	case "":
	case Draft, Scheduled, Published:
		conds, args = append(conds, "p.status = ?"), append(args, f.Status)
	default:
		return nil, 0, fmt.Errorf("%w: unknown status %q", ErrInvalid, f.Status)
	}
	switch f.Type {
	case "":
	case TypePost, TypePage:
		conds, args = append(conds, "p.type = ?"), append(args, f.Type)
	default:
		return nil, 0, fmt.Errorf("%w: unknown type %q", ErrInvalid, f.Type)
	}
	if f.AuthorID != 0 {
		conds, args = append(conds, "p.id IN (SELECT post_id FROM post_authors WHERE user_id = ?)"), append(args, f.AuthorID)
	}
	if f.CategoryID != 0 {
		conds, args = append(conds, "p.id IN (SELECT post_id FROM post_categories WHERE category_id = ?)"), append(args, f.CategoryID)
	}
	if f.Lang != "" {
		if !langPattern.MatchString(f.Lang) {
			return nil, 0, fmt.Errorf("%w: invalid language %q", ErrInvalid, f.Lang)
		}
		conds, args = append(conds, "p.lang = ?"), append(args, f.Lang)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM posts p"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 30
	}
	posts, err := s.queryPosts(ctx, "SELECT "+colsNoBody+" FROM posts p"+where+" ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?",
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	return posts, total, s.loadRelations(ctx, posts, false)
}
