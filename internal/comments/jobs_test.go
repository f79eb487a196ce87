package comments_test

import (
	"testing"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// The daily purge deletes spam and trash past their age, and nothing else.
func TestPurgeWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		spam := e.comment("s@example.com", "رسالة مزعجة", 0)
		trash := e.comment("t@example.com", "إلى المحذوفات", 0)
		kept := e.approved("k@example.com", "يبقى", 0)
		if _, err := e.svc.ModerateOne(ctx, comments.ActSpam, spam.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ModerateOne(ctx, comments.ActTrash, trash.ID); err != nil {
			t.Fatal(err)
		}
		w := &comments.PurgeWorker{Comments: e.svc}
		if err := w.Work(ctx, &river.Job[comments.PurgeArgs]{}); err != nil {
			t.Fatal(err)
		}
		if e.count("1 = 1") != 3 {
			t.Fatal("a fresh comment was purged")
		}
		e.clock.advance(comments.DefaultSpamAge + time.Hour)
		if err := w.Work(ctx, &river.Job[comments.PurgeArgs]{}); err != nil {
			t.Fatal(err)
		}
		if n := e.count("id IN (?, ?)", spam.ID, trash.ID); n != 0 {
			t.Fatalf("%d old spam and trash left", n)
		}
		e.wantStatus(kept.ID, comments.Approved)
		if (comments.PurgeArgs{}).Kind() != "comments.purge" || comments.PeriodicPurge() == nil {
			t.Fatal("job kind or schedule")
		}
	})
}
