package content_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestScheduledPostHookRunsOnce: whichever of the publish job and the sweep
// gets to a due post first publishes it and runs the after-publish hook (the
// newsletter's email); the other finds nothing to do.
func TestScheduledPostHookRunsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		cs := content.New(db, clock)
		u, err := staff.New(db, clock).Create(ctx, staff.NewUser{Email: "desk@example.com", Name: "التحرير", Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		var hooked []int64
		hook := func(_ context.Context, id int64) error { hooked = append(hooked, id); return nil }
		sweep := &content.SweepWorker{Content: cs, OnPublished: hook}
		job := &content.PublishWorker{Content: cs, OnPublished: hook}

		a, err := cs.CreatePost(ctx, content.PostInput{Title: "أ", Status: content.Scheduled, PublishedAt: now.Add(time.Minute), AuthorIDs: []int64{u.ID}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := cs.CreatePost(ctx, content.PostInput{Title: "ب", Status: content.Scheduled, PublishedAt: now.Add(3 * time.Minute), AuthorIDs: []int64{u.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := sweep.Work(ctx, &river.Job[content.SweepArgs]{}); err != nil || len(hooked) != 0 {
			t.Fatalf("before the time: hook ran for %v, %v", hooked, err)
		}
		// The sweep gets to a before its job; b's job gets to it first.
		now = now.Add(2 * time.Minute)
		if err := sweep.Work(ctx, &river.Job[content.SweepArgs]{}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		for _, id := range []int64{a.ID, b.ID} {
			if err := job.Work(ctx, &river.Job[content.PublishArgs]{Args: content.PublishArgs{PostID: id}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sweep.Work(ctx, &river.Job[content.SweepArgs]{}); err != nil {
			t.Fatal(err)
		}
		if len(hooked) != 2 || hooked[0] != a.ID || hooked[1] != b.ID {
			t.Fatalf("hook ran for %v, want each of %d and %d once", hooked, a.ID, b.ID)
		}
	})
}
