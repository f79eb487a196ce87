package content_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestAllTagsAndTagByID: staff see every tag, whatever uses it (a draft, a
// scheduled post, or nothing any more); the public list keeps to live posts.
func TestAllTagsAndTagByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if all, err := f.cs.AllTags(ctx); err != nil || all == nil || len(all) != 0 {
			t.Fatalf("no tags yet: %#v, %v", all, err)
		}
		f.post(t, content.PostInput{Title: "خبر منشور", TagNames: []string{"مناخ", "beta"}})
		f.post(t, content.PostInput{Title: "مسودة", Status: content.Draft, TagNames: []string{"alpha", "draft only"}})
		f.post(t, content.PostInput{Title: "غدا", Status: content.Scheduled, PublishedAt: f.now.Add(24 * time.Hour), TagNames: []string{"zeta"}})
		gone := f.post(t, content.PostInput{Title: "يحذف", TagNames: []string{"orphan", "beta"}})
		if err := f.cs.DeletePost(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}

		all, err := f.cs.AllTags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names, latin []string
		for _, tg := range all {
			names = append(names, tg.Name)
			if tg.Name[0] < 0x80 {
				latin = append(latin, tg.Name)
			}
		}
		// Latin names compare alike in every collation; Arabic ones are
		// checked for presence only (PostgreSQL may sort by its locale).
		if want := []string{"alpha", "beta", "draft only", "orphan", "zeta"}; !slices.Equal(latin, want) {
			t.Errorf("AllTags latin names %v, want %v", latin, want)
		}
		if len(all) != 6 || !slices.Contains(names, "مناخ") {
			t.Errorf("AllTags %v: want 6 tags, مناخ among them", names)
		}

		live, err := f.cs.Tags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var liveNames []string
		for _, tg := range live {
			liveNames = append(liveNames, tg.Name)
		}
		slices.Sort(liveNames)
		if want := []string{"beta", "مناخ"}; !slices.Equal(liveNames, want) {
			t.Errorf("Tags (public) %v, want %v", liveNames, want)
		}

		for _, want := range all {
			got, err := f.cs.TagByID(ctx, want.ID)
			if err != nil {
				t.Fatalf("TagByID(%d): %v", want.ID, err)
			}
			if *got != want {
				t.Errorf("TagByID(%d) = %+v, want %+v", want.ID, *got, want)
			}
		}
		draftOnly := all[slices.IndexFunc(all, func(tg content.Tag) bool { return tg.Name == "draft only" })]
		if draftOnly.Slug != "draft-only" {
			t.Errorf("slug %q", draftOnly.Slug)
		}
		for _, id := range []int64{0, -1, 424242, 1<<63 - 1} {
			if tg, err := f.cs.TagByID(ctx, id); !errors.Is(err, content.ErrNotFound) || tg != nil {
				t.Errorf("TagByID(%d) = %v, %v; want ErrNotFound", id, tg, err)
			}
		}
	})
}
