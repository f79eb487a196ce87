package comments

import (
	"context"
	"errors"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Purge deletes for good the spam older than spamAge and the trash older
// than trashAge (by the time it went there; zero or negative leaves that
// status alone), as WordPress empties them after 15 and 30 days. Replies
// move up, as with ActDelete. Any node may run it at any time (a daily
// job); it reports how many comments went.
func (s *Service) Purge(ctx context.Context, spamAge, trashAge time.Duration) (int, error) {
	now := s.clock()
	total := 0
	for _, p := range []struct {
		st  Status
		age time.Duration
	}{{Spam, spamAge}, {Trash, trashAge}} {
		if p.age <= 0 {
			continue
		}
		rows, err := s.db.Query(ctx, "SELECT id FROM comments WHERE status = ? AND COALESCE(status_at, created_at) < ? ORDER BY id",
			p.st, now.Add(-p.age))
		if err != nil {
			return total, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return total, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		// In batches, so that a large backlog never holds the write lock long.
		for start := 0; start < len(ids); start += 100 {
			batch := ids[start:min(start+100, len(ids))]
			n := 0
			err := s.db.WithTx(ctx, func(tx *store.Tx) error {
				n = 0
				for _, id := range batch {
					c, err := lockComment(ctx, tx, id)
					if errors.Is(err, ErrNotFound) {
						continue // deleted meanwhile
					}
					if err != nil {
						return err
					}
					if c.Status != p.st {
						continue // restored meanwhile
					}
					if err := deleteComment(ctx, tx, c); err != nil {
						return err
					}
					n++
				}
				return nil
			})
			if err != nil {
				return total, err
			}
			total += n
		}
	}
	return total, nil
}
