package comments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"nashra.dev/nashra/internal/store"
)

const commentColumns = `c.id, c.post_id, c.parent_id, c.reply_to_id, c.depth, c.status, c.prev_status, c.reason,
	c.author_name, c.author_email, c.author_url, c.member_id, c.user_id, c.ip, c.user_agent, c.referrer,
	c.notify, c.created_at, c.updated_at, c.body_md, c.body_html, p.title`

const commentFrom = ` FROM comments c JOIN posts p ON p.id = c.post_id`

// commentScan receives commentColumns.
type commentScan struct {
	c                               Comment
	parent, replyTo, member, userID sql.NullInt64
	html                            string
}

func (cs *commentScan) dest() []any {
	c := &cs.c
	return []any{&c.ID, &c.PostID, &cs.parent, &cs.replyTo, &c.Depth, &c.Status, &c.PrevStatus, &c.Reason,
		&c.AuthorName, &c.AuthorEmail, &c.AuthorURL, &cs.member, &cs.userID, &c.IP, &c.UserAgent, &c.Referrer,
		&c.Notify, &c.CreatedAt, &c.UpdatedAt, &c.Body, &cs.html, &c.PostTitle}
}

func (cs *commentScan) finish() *Comment {
	c := cs.c
	c.ParentID, c.ReplyToID, c.MemberID, c.UserID = cs.parent.Int64, cs.replyTo.Int64, cs.member.Int64, cs.userID.Int64
	// body_html was sanitized when stored.
	c.BodyHTML = template.HTML(cs.html) //nolint:gosec
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c
}

func scanComments(rows *sql.Rows) ([]Comment, error) {
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var cs commentScan
		if err := rows.Scan(cs.dest()...); err != nil {
			return nil, err
		}
		out = append(out, *cs.finish())
	}
	return out, rows.Err()
}

func getComment(ctx context.Context, q querier, id int64) (*Comment, error) {
	var cs commentScan
	err := q.QueryRow(ctx, "SELECT "+commentColumns+commentFrom+" WHERE c.id = ?", id).Scan(cs.dest()...)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: no comment %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return cs.finish(), nil
}

// Get returns a comment in full, for moderators; ErrNotFound when none.
func (s *Service) Get(ctx context.Context, id int64) (*Comment, error) {
	return getComment(ctx, s.db, id)
}

// Filter selects comments for the moderation queue.
type Filter struct {
	// Status: one status, or "" for pending and approved together
	// (WordPress's "All": spam and trash are reviewed apart).
	Status Status
	// PostID limits the queue to one post (0: every post).
	PostID int64
	// Search finds text, case-insensitively, in the name, email, website,
	// client address or text.
	Search string
	// Page counts from 1; PerPage is 1 to 200, default 20.
	Page, PerPage int
}

// QueuePage is one page of the moderation queue, newest first.
type QueuePage struct {
	Comments []Comment
	Total    int // comments matching the filter on every page
	Page     int
	PerPage  int
}

// Pages is how many pages the filter's comments fill (at least 1).
func (p *QueuePage) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// Queue lists comments for moderators, newest first, filtered and paged.
// An unknown status is *InvalidError.
func (s *Service) Queue(ctx context.Context, f Filter) (*QueuePage, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 || f.PerPage > 200 {
		f.PerPage = 20
	}
	var (
		where []string
		args  []any
	)
	switch {
	case f.Status == "":
		where = append(where, "c.status IN (?, ?)")
		args = append(args, Pending, Approved)
	case f.Status.Valid():
		where = append(where, "c.status = ?")
		args = append(args, f.Status)
	default:
		return nil, invalid("status", "bad-status", "unknown status %q", f.Status)
	}
	if f.PostID != 0 {
		where = append(where, "c.post_id = ?")
		args = append(args, f.PostID)
	}
	if q := strings.ToLower(strings.TrimSpace(clip(f.Search, 200))); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, `(LOWER(c.author_name) LIKE ? ESCAPE '\' OR c.author_email LIKE ? ESCAPE '\'
			OR LOWER(c.author_url) LIKE ? ESCAPE '\' OR c.ip LIKE ? ESCAPE '\' OR LOWER(c.body_md) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, like)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	page := &QueuePage{Page: f.Page, PerPage: f.PerPage}
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM comments c"+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+commentColumns+commentFrom+cond+
		" ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?",
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, err
	}
	if page.Comments, err = scanComments(rows); err != nil {
		return nil, err
	}
	return page, nil
}

// escapeLike escapes LIKE's wildcards (and the escape character) in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// StatusCounts counts comments by status, for the queue's tabs: on one
// post, or on every post when postID is 0. Every status is in the map.
func (s *Service) StatusCounts(ctx context.Context, postID int64) (map[Status]int, error) {
	q, args := "SELECT status, COUNT(*) FROM comments GROUP BY status", []any(nil)
	if postID != 0 {
		q, args = "SELECT status, COUNT(*) FROM comments WHERE post_id = ? GROUP BY status", []any{postID}
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Status]int{}
	for _, st := range Statuses {
		out[st] = 0
	}
	for rows.Next() {
		var (
			st Status
			n  int
		)
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// PendingCount counts the comments awaiting a moderator, on every post:
// the admin's menu badge, one count over the status index.
func (s *Service) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM comments WHERE status = ?", Pending).Scan(&n)
	return n, err
}
