package comments

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"nashra.dev/nashra/internal/store"
)

// Action is a moderator's action on comments.
type Action string

// The moderation state machine. An action applies only from the statuses
// listed; on any other comment it does nothing (Moderate reports it
// skipped).
const (
	// ActApprove: pending → approved. The author's address becomes
	// trusted: their next comments are approved without waiting.
	ActApprove Action = "approve"
	// ActUnapprove: approved → pending.
	ActUnapprove Action = "unapprove"
	// ActSpam: pending, approved or trash → spam; the Checker is told.
	ActSpam Action = "spam"
	// ActUnspam: spam → pending (a moderator then approves it or not); the
	// Checker is told it is ham.
	ActUnspam Action = "unspam"
	// ActTrash: pending, approved or spam → trash, remembering the status.
	ActTrash Action = "trash"
	// ActRestore: trash → the status it had before.
	ActRestore Action = "restore"
	// ActDelete: spam or trash → deleted for good. Its replies move up to
	// its parent.
	ActDelete Action = "delete"
)

// from lists the statuses an action applies to.
func (a Action) from() []Status {
	switch a {
	case ActApprove:
		return []Status{Pending}
	case ActUnapprove:
		return []Status{Approved}
	case ActSpam:
		return []Status{Pending, Approved, Trash}
	case ActUnspam:
		return []Status{Spam}
	case ActTrash:
		return []Status{Pending, Approved, Spam}
	case ActRestore:
		return []Status{Trash}
	case ActDelete:
		return []Status{Spam, Trash}
	}
	return nil
}

// BulkResult says what a bulk action did to each comment asked about.
type BulkResult struct {
	Changed []int64 // the action applied
	Skipped []int64 // the action does not apply to the comment's status
	Missing []int64 // no such comment
}

// Moderate applies act to the comments ids, in one transaction, and
// reports which changed (in ascending ID order; repeats count once). An unknown action is *InvalidError. After the
// commit, newly approved replies send their reply notices, and the
// Checker is told of spam (ActSpam) and ham (ActUnspam); failures of those
// are logged.
func (s *Service) Moderate(ctx context.Context, act Action, ids ...int64) (*BulkResult, error) {
	from := act.from()
	if from == nil {
		return nil, invalid("action", "bad-action", "unknown action %q", act)
	}
	res := &BulkResult{}
	var changed []*Comment
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		res, changed = &BulkResult{}, nil
		for _, id := range uniq(ids) {
			c, err := lockComment(ctx, tx, id)
			if errors.Is(err, ErrNotFound) {
				res.Missing = append(res.Missing, id)
				continue
			}
			if err != nil {
				return err
			}
			if !slices.Contains(from, c.Status) {
				res.Skipped = append(res.Skipped, id)
				continue
			}
			if err := s.apply(ctx, tx, act, c); err != nil {
				return err
			}
			res.Changed = append(res.Changed, id)
			changed = append(changed, c)
		}
		if len(changed) > 0 {
			return tx.Notify(ctx, Topic)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var checker Checker // the Policy's, read once for the batch
	if len(changed) > 0 && (act == ActSpam || act == ActUnspam) {
		checker = s.Policy(ctx).Checker
	}
	for _, c := range changed {
		s.afterModeration(ctx, act, c, checker)
	}
	return res, nil
}

// ModerateOne applies act to one comment: ErrNotFound when it does not
// exist, ErrTransition when the action does not apply to its status. It
// returns the comment as it now is (nil after ActDelete).
func (s *Service) ModerateOne(ctx context.Context, act Action, id int64) (*Comment, error) {
	res, err := s.Moderate(ctx, act, id)
	switch {
	case err != nil:
		return nil, err
	case len(res.Missing) > 0:
		return nil, fmt.Errorf("%w: no comment %d", ErrNotFound, id)
	case len(res.Skipped) > 0:
		return nil, ErrTransition
	case act == ActDelete:
		return nil, nil
	}
	return s.Get(ctx, id)
}

// apply changes c (locked in tx) by act, in the database and in c.
func (s *Service) apply(ctx context.Context, tx *store.Tx, act Action, c *Comment) error {
	if act == ActDelete {
		return deleteComment(ctx, tx, c)
	}
	to, prev := Status(""), Status("")
	switch act {
	case ActApprove:
		to = Approved
	case ActUnapprove, ActUnspam:
		to = Pending
	case ActSpam:
		to = Spam
	case ActTrash:
		to, prev = Trash, c.Status
	case ActRestore:
		to = c.PrevStatus
		if !to.Valid() || to == Trash {
			to = Pending
		}
	}
	_, err := tx.Exec(ctx, "UPDATE comments SET status = ?, prev_status = ?, status_at = ? WHERE id = ?", to, prev, s.clock(), c.ID)
	c.Status, c.PrevStatus = to, prev
	return err
}

// deleteComment removes c for good. Its replies move up to c's parent and
// their subtrees one level up, so that threads stay whole.
func deleteComment(ctx context.Context, tx *store.Tx, c *Comment) error {
	if _, err := tx.Exec(ctx, `UPDATE comments SET depth = depth - 1 WHERE depth > 0 AND id IN (
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM comments WHERE parent_id = ?
			UNION ALL
			SELECT k.id FROM comments k JOIN sub ON k.parent_id = sub.id
		) SELECT id FROM sub)`, c.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE comments SET parent_id = ? WHERE parent_id = ?", nullID(c.ParentID), c.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM comments WHERE id = ?", c.ID)
	return err
}

// afterModeration runs an action's side effects once it is committed;
// checker is told of spam and ham.
func (s *Service) afterModeration(ctx context.Context, act Action, c *Comment, checker Checker) {
	switch act {
	case ActApprove:
		s.replyNotice(ctx, c.ID)
	case ActRestore:
		if c.Status == Approved {
			s.replyNotice(ctx, c.ID)
		}
	case ActSpam, ActUnspam:
		if checker == nil || c.UserID != 0 {
			return
		}
		post, _, err := s.post(ctx, s.db, c.PostID)
		if err != nil {
			s.opt.Log.Warn("comment spam report: read post", "comment", c.ID, "err", err)
			return
		}
		sub := s.submission(c, s.permalink(post))
		if act == ActSpam {
			err = checker.SubmitSpam(ctx, sub)
		} else {
			err = checker.SubmitHam(ctx, sub)
		}
		if err != nil {
			s.opt.Log.Warn("comment spam report failed", "comment", c.ID, "action", act, "err", err)
		}
	}
}

// lockComment reads a comment for update within tx. On SQLite the
// transaction already holds the write lock.
func lockComment(ctx context.Context, tx *store.Tx, id int64) (*Comment, error) {
	if tx.Dialect() == store.Postgres {
		var got int64
		err := tx.QueryRow(ctx, "SELECT id FROM comments WHERE id = ? FOR UPDATE", id).Scan(&got)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: no comment %d", ErrNotFound, id)
		}
		if err != nil {
			return nil, err
		}
	}
	return getComment(ctx, tx, id)
}

// uniq returns ids without repeats, in ascending order, so that
// transactions locking comments (PostgreSQL's FOR UPDATE) all take their
// locks in one order and cannot deadlock each other.
func uniq(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
