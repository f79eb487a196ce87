package comments

import (
	"context"
	"database/sql"
)

// FeedComment is a comment for a comment feed: its public view and the
// post it is on, enough for the web layer to build the item's link
// (content.Permalink from the post's type, slug and date, + "#comment-ID")
// and title ("Comment on POST by NAME").
type FeedComment struct {
	Public
	Post PostRef
}

// Recent returns the latest approved comments on every published post
// open to the public (not members-only or paid ones), newest first: the
// site's comments feed (/comments/feed/). limit is 1 to 100 (default 20).
func (s *Service) Recent(ctx context.Context, limit int) ([]FeedComment, error) {
	return s.recent(ctx, 0, limit)
}

// RecentForPost returns the latest approved comments on one post, newest
// first, for its comments feed (/slug/feed/); none when the post is not
// published or not public.
func (s *Service) RecentForPost(ctx context.Context, postID int64, limit int) ([]FeedComment, error) {
	return s.recent(ctx, postID, limit)
}

func (s *Service) recent(ctx context.Context, postID int64, limit int) ([]FeedComment, error) {
	if limit < 1 || limit > 100 {
		limit = 20
	}
	q := "SELECT " + commentColumns + ", p.type, p.slug, p.published_at" + commentFrom +
		" WHERE c.status = ? AND p.status = 'published' AND p.visibility = 'public'"
	args := []any{Approved}
	if postID != 0 {
		q += " AND c.post_id = ?"
		args = append(args, postID)
	}
	q += " ORDER BY c.created_at DESC, c.id DESC LIMIT ?"
	rows, err := s.db.Query(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FeedComment
	for rows.Next() {
		var (
			cs        commentScan
			p         PostRef
			published sql.NullTime
		)
		if err := rows.Scan(append(cs.dest(), &p.Type, &p.Slug, &published)...); err != nil {
			return nil, err
		}
		c := cs.finish()
		p.ID, p.Title = c.PostID, c.PostTitle
		if published.Valid {
			p.PublishedAt = published.Time.UTC()
		}
		// In a feed a reply is not nested; its depth is still its level.
		out = append(out, FeedComment{Public: s.public(c), Post: p})
	}
	return out, rows.Err()
}
