package comments

import (
	"context"
	"errors"
	"fmt"

	"nashra.dev/nashra/internal/store"
)

// Edit is a moderator's correction of a comment.
type Edit struct {
	Name string
	URL  string // "" removes the website
	Body string
}

// Edit changes a comment's name, website and text (re-rendered), keeping
// its status; the public sees it marked edited. ErrNotFound when there is
// no such comment; *InvalidError for bad input. A staff comment's name is
// its account's and stays as stored when e.Name is empty.
func (s *Service) Edit(ctx context.Context, id int64, e Edit) (*Comment, error) {
	body, err := s.cleanBody(e.Body)
	if err != nil {
		return nil, err
	}
	website, err := cleanURL(e.URL)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		c, err := lockComment(ctx, tx, id)
		if err != nil {
			return err
		}
		name := c.AuthorName
		if e.Name != "" || c.UserID == 0 {
			if name, err = cleanName(e.Name); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE comments SET author_name = ?, author_url = ?, body_md = ?, body_html = ?,
			updated_at = ? WHERE id = ?`, name, website, body, string(s.md.Render(body)), s.clock(), id)
		if err != nil {
			return err
		}
		return notifyIf(ctx, tx, c.Status == Approved)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Reply posts a staff member's answer to a comment from the admin: an
// approved comment under the same post, by the staff account userID (its
// name and address), placed as any reply is (see Policy.MaxDepth). It is
// allowed when comments are closed, and skips the form and spam checks.
// Answering a pending comment approves it first, as WordPress's "approve
// and reply" does; a comment in spam or trash cannot be answered
// (*InvalidError). The author of the comment answered gets a reply notice
// if they asked for one.
func (s *Service) Reply(ctx context.Context, userID, parentID int64, body string) (*Comment, error) {
	in := Input{UserID: userID, Body: body}
	parent, err := s.Get(ctx, parentID)
	if err != nil {
		return nil, err
	}
	in.PostID = parent.PostID
	c, err := s.prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	c.Status, c.PostTitle = Approved, parent.PostTitle
	maxDepth := s.Policy(ctx).MaxDepth
	var approvedParent bool
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		approvedParent = false
		p, err := lockComment(ctx, tx, parentID)
		if err != nil {
			return err
		}
		if p.Status == Pending {
			if err := s.apply(ctx, tx, ActApprove, p); err != nil {
				return err
			}
			approvedParent = true
		}
		if err := s.place(ctx, tx, c, parentID, true, maxDepth); err != nil {
			return err
		}
		if err := s.insert(ctx, tx, c, ""); err != nil {
			return err
		}
		return tx.Notify(ctx, Topic)
	})
	if errors.Is(err, ErrDuplicate) {
		return nil, fmt.Errorf("%w: unexpected conflict", err)
	}
	if err != nil {
		return nil, err
	}
	if approvedParent {
		s.replyNotice(ctx, parentID)
	}
	s.replyNotice(ctx, c.ID)
	return c, nil
}
