package comments

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"nashra.dev/nashra/internal/arabic"
)

// Public is a comment as the site, its feeds and its APIs show it. It has
// no email address, client address or moderation detail, by construction:
// whatever renders a Public cannot leak them.
type Public struct {
	ID     int64
	PostID int64
	// ParentID is the comment it is shown under (0: top level). When the
	// comment it answered is not shown (held, spam, trashed), it is shown
	// under that one's nearest shown ancestor, or at the top.
	ParentID int64
	// Depth is the level it is shown at, from 0, below Policy.MaxDepth.
	Depth      int
	AuthorName string
	// AuthorURL is the author's website (http or https), or "". Templates
	// link it with rel="nofollow ugc".
	AuthorURL string
	// Initials and AvatarColor draw a letter avatar: a CSS colour on which
	// white text is readable. AvatarID is stable per commenter and site
	// (16 hex digits of an HMAC of the address under the site's secret).
	Initials    string
	AvatarColor string
	AvatarID    string
	// Staff marks a comment by a staff account (the newsroom answering).
	Staff bool
	// BodyHTML is the sanitized text, ready for a template.
	BodyHTML template.HTML
	// Dir is "rtl" or "ltr", from the text's first strong character (the
	// site's direction when it has none): for the comment's container.
	Dir       string
	CreatedAt time.Time
	// Edited is set when a moderator changed the comment after it was sent.
	Edited bool
}

// public makes the public view of c (its ParentID and Depth as shown).
func (s *Service) public(c *Comment) Public {
	id, color := s.avatar(c.AuthorEmail)
	return Public{
		ID: c.ID, PostID: c.PostID, ParentID: c.ParentID, Depth: c.Depth,
		AuthorName: c.AuthorName, AuthorURL: c.AuthorURL,
		Initials: initials(c.AuthorName), AvatarColor: color, AvatarID: id,
		Staff: c.UserID != 0, BodyHTML: c.BodyHTML, Dir: textDir(c.Body, arabic.Direction(s.opt.Lang)),
		CreatedAt: c.CreatedAt, Edited: c.UpdatedAt.After(c.CreatedAt),
	}
}

// Order is how threads are sorted.
type Order int

const (
	// Oldest puts the first thread first (a conversation, read down).
	Oldest Order = iota
	// Newest puts the latest thread first.
	Newest
)

// List returns a post's approved comments, flat, in reading order: each
// thread's comments follow their parent, with Depth set, so a template
// can indent by Depth (or build nesting with Tree). order sorts the
// threads; replies within a thread always read oldest first.
func (s *Service) List(ctx context.Context, postID int64, order Order) ([]Public, error) {
	rows, err := s.db.Query(ctx, "SELECT "+commentColumns+commentFrom+
		" WHERE c.post_id = ? AND c.status = ? ORDER BY c.created_at, c.id", postID, Approved)
	if err != nil {
		return nil, err
	}
	shown, err := scanComments(rows)
	if err != nil || len(shown) == 0 {
		return nil, err
	}
	// The hidden comments that shown ones hang under, to find their
	// nearest shown ancestor.
	hidden := map[int64]int64{}
	rows, err = s.db.Query(ctx, `SELECT id, parent_id FROM comments WHERE post_id = ? AND status <> ?
		AND id IN (SELECT parent_id FROM comments WHERE post_id = ? AND parent_id IS NOT NULL)`, postID, Approved, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id     int64
			parent sql.NullInt64
		)
		if err := rows.Scan(&id, &parent); err != nil {
			return nil, err
		}
		hidden[id] = parent.Int64
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.thread(shown, hidden, order, s.Policy(ctx).MaxDepth), nil
}

// thread orders shown comments (oldest first) into reading order. hidden
// maps each hidden parent to its own parent; no comment is shown deeper
// than maxDepth allows.
func (s *Service) thread(shown []Comment, hidden map[int64]int64, order Order, maxDepth int) []Public {
	isShown := make(map[int64]bool, len(shown))
	for _, c := range shown {
		isShown[c.ID] = true
	}
	children := map[int64][]*Comment{}
	for i := range shown {
		c := &shown[i]
		p := c.ParentID
		for steps := 0; p != 0 && !isShown[p] && steps < 1000; steps++ {
			p = hidden[p] // an unknown parent (deleted) gives 0: the top
		}
		if !isShown[p] {
			p = 0
		}
		c.ParentID = p
		children[p] = append(children[p], c)
	}
	if order == Newest {
		slices.Reverse(children[0]) // they came oldest first
	}
	out := make([]Public, 0, len(shown))
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, c := range children[parent] {
			c.Depth = min(depth, maxDepth-1)
			out = append(out, s.public(c))
			if depth < 1000 {
				walk(c.ID, depth+1)
			}
		}
	}
	walk(0, 0)
	return out
}

// Node is a comment with its replies, for templates that nest lists.
type Node struct {
	Public
	Replies []*Node
}

// Tree nests a List's flat result: each comment under its ParentID.
func Tree(flat []Public) []*Node {
	byID := make(map[int64]*Node, len(flat))
	var top []*Node
	for i := range flat {
		n := &Node{Public: flat[i]}
		byID[n.ID] = n
		if p, ok := byID[n.ParentID]; ok && n.ParentID != 0 {
			p.Replies = append(p.Replies, n)
		} else {
			top = append(top, n)
		}
	}
	return top
}

// Counts returns the number of approved comments of each post in postIDs
// (0 for a post without any), in one query per 1000 posts.
func (s *Service) Counts(ctx context.Context, postIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(postIDs))
	for _, id := range postIDs {
		out[id] = 0
	}
	for start := 0; start < len(postIDs); start += 1000 {
		chunk := postIDs[start:min(start+1000, len(postIDs))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, Approved)
		for _, id := range chunk {
			args = append(args, id)
		}
		q := fmt.Sprintf("SELECT post_id, COUNT(*) FROM comments WHERE status = ? AND post_id IN (%s) GROUP BY post_id",
			strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ","))
		rows, err := s.db.Query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
