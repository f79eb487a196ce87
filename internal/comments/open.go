package comments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Reason says why comments on a post are closed.
type Reason string

const (
	// ReasonNone: comments are open.
	ReasonNone Reason = ""
	// ReasonClosed: an editor closed them (SetOpen).
	ReasonClosed Reason = "closed"
	// ReasonAged: the post was published the Policy's CloseAfterDays ago or
	// more.
	ReasonAged Reason = "aged"
	// ReasonUnpublished: the post is a draft or scheduled.
	ReasonUnpublished Reason = "unpublished"
)

// Open reports whether readers may comment on the post now, and if not,
// why: its editor closed comments, it is older than the Policy's
// CloseAfterDays, or it is not published. A post that does not
// exist is ErrNotFound. Whether the reader may see the post at all
// (members-only, paid) is the web layer's question, asked before this one.
// Staff replies from the admin (Reply) are not bound by it.
func (s *Service) Open(ctx context.Context, postID int64) (bool, Reason, error) {
	_, reason, err := s.openPost(ctx, s.db, postID, s.Policy(ctx))
	return reason == ReasonNone && err == nil, reason, err
}

// SwitchedOpen reports the editor's switch of a post (SetOpen), whatever
// its age or status: for the editor's checkbox, where Open would answer
// "unpublished" for a draft. ErrNotFound when there is no such post.
func (s *Service) SwitchedOpen(ctx context.Context, postID int64) (bool, error) {
	var switched string
	err := s.db.QueryRow(ctx, "SELECT comment_status FROM posts WHERE id = ?", postID).Scan(&switched)
	if errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("%w: no post %d", ErrNotFound, postID)
	}
	return switched != "closed", err
}

// openPost reads a post with its comment switch and applies the rules.
func (s *Service) openPost(ctx context.Context, q querier, postID int64, pol Policy) (PostRef, Reason, error) {
	var (
		p         PostRef
		published sql.NullTime
		status    string
		switched  string
	)
	err := q.QueryRow(ctx, `SELECT id, type, slug, title, published_at, status, comment_status
		FROM posts WHERE id = ?`, postID).Scan(&p.ID, &p.Type, &p.Slug, &p.Title, &published, &status, &switched)
	if errors.Is(err, store.ErrNotFound) {
		return p, ReasonNone, fmt.Errorf("%w: no post %d", ErrNotFound, postID)
	}
	if err != nil {
		return p, ReasonNone, err
	}
	if published.Valid {
		p.PublishedAt = published.Time.UTC()
	}
	return p, s.closedBecause(status, switched, p.PublishedAt, pol.CloseAfterDays), nil
}

// closedBecause is the rule: unpublished, then the editor's switch, then
// the age (closeAfterDays, 0: never).
func (s *Service) closedBecause(status, switched string, published time.Time, closeAfterDays int) Reason {
	switch {
	case status != "published" || published.IsZero() || published.After(s.opt.Now()):
		return ReasonUnpublished
	case switched == "closed":
		return ReasonClosed
	case closeAfterDays > 0 &&
		!s.opt.Now().Before(published.Add(time.Duration(closeAfterDays)*24*time.Hour)):
		return ReasonAged
	}
	return ReasonNone
}

// SetOpen opens or closes comments on a post (its comment_status). Opening
// does not lift the automatic close by age: a post past the Policy's
// CloseAfterDays stays closed whatever its switch says.
// ErrNotFound when there is no such post.
func (s *Service) SetOpen(ctx context.Context, postID int64, open bool) error {
	v := "closed"
	if open {
		v = "open"
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE posts SET comment_status = ? WHERE id = ?", v, postID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: no post %d", ErrNotFound, postID)
		}
		return tx.Notify(ctx, Topic) // the post's page shows or hides the form
	})
}
