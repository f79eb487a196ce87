package newsletter

import (
	"context"
	"errors"
	"fmt"

	"nashra.dev/nashra/internal/store"
)

// SetPublishEmails records the newsletters a post is to be emailed to when
// it goes live (an editor scheduling it, or saving a draft, picks them),
// replacing any earlier choice; none clears it. The sends are made by
// SendOnPublish when the post is published, by whichever node publishes it.
func (e *Engine) SetPublishEmails(ctx context.Context, postID int64, newsletterIDs []int64, by int64) error {
	now := e.clock()
	return e.db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM post_emails WHERE post_id = ?", postID); err != nil {
			return err
		}
		for _, id := range newsletterIDs {
			_, err := tx.Exec(ctx, `INSERT INTO post_emails (post_id, newsletter_id, created_by, created_at)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, postID, id, nullID(by), now) // the same one twice: once
			if errors.Is(err, store.ErrReference) {
				return fmt.Errorf("%w: no post %d or newsletter %d", ErrInvalid, postID, id)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// PublishEmails lists the newsletters a post waits to be emailed to.
func (e *Engine) PublishEmails(ctx context.Context, postID int64) ([]int64, error) {
	return store.Int64s(e.db.Query(ctx, "SELECT newsletter_id FROM post_emails WHERE post_id = ? ORDER BY newsletter_id", postID))
}

// SendOnPublish makes the sends a published post waits for and forgets the
// wish. A post that is not (or no longer) published keeps it. Each post
// goes to a newsletter once (the sends' unique key), so two nodes, or a
// retry after a crash between the send and the forgetting, cannot mail it
// twice.
func (e *Engine) SendOnPublish(ctx context.Context, postID int64) ([]*Send, error) {
	var published bool
	err := e.db.QueryRow(ctx, "SELECT status = 'published' FROM posts WHERE id = ?", postID).Scan(&published)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !published) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := e.db.Query(ctx, "SELECT newsletter_id, created_by FROM post_emails WHERE post_id = ?", postID)
	if err != nil {
		return nil, err
	}
	type wish struct{ newsletter, by int64 }
	var wishes []wish
	for rows.Next() {
		var w wish
		var by *int64
		if err := rows.Scan(&w.newsletter, &by); err != nil {
			rows.Close()
			return nil, err
		}
		if by != nil {
			w.by = *by
		}
		wishes = append(wishes, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var made []*Send
	for _, w := range wishes {
		s, err := e.CreateSend(ctx, SendInput{NewsletterID: w.newsletter, PostID: postID, CreatedBy: w.by})
		switch {
		case err == nil:
			made = append(made, s)
		case errors.Is(err, ErrAlreadySent), errors.Is(err, ErrNotFound):
		default:
			return made, err
		}
		if _, err := e.db.Exec(ctx, "DELETE FROM post_emails WHERE post_id = ? AND newsletter_id = ?", postID, w.newsletter); err != nil {
			return made, err
		}
	}
	return made, nil
}

// SendDueEmails is the safety net behind SendOnPublish: every published
// post that still waits for an email gets it (the node that published it
// may have died in between). The resume sweep calls it.
func (e *Engine) SendDueEmails(ctx context.Context) error {
	ids, err := store.Int64s(e.db.Query(ctx, `SELECT DISTINCT pe.post_id FROM post_emails pe
		JOIN posts p ON p.id = pe.post_id WHERE p.status = 'published' ORDER BY pe.post_id`))
	if err != nil {
		return err
	}
	for _, id := range ids {
		made, err := e.SendOnPublish(ctx, id)
		if err != nil {
			return err
		}
		for _, s := range made {
			e.log.Info("newsletter send for a published post", "send_id", s.ID, "post_id", id)
		}
	}
	return nil
}
