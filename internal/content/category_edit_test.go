package content_test

import (
	"context"
	"errors"
	"testing"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestCategoryEditing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := f.post(t, content.PostInput{Title: "خبر", CategoryIDs: []int64{f.mideast}})
		if _, err := f.cs.UpdateCategory(ctx, f.world, content.CategoryInput{Name: "العالم", ParentID: f.mideast}); !errors.Is(err, content.ErrInvalid) {
			t.Fatalf("cycle: %v", err)
		}
		if _, err := f.cs.UpdateCategory(ctx, f.world, content.CategoryInput{Name: "العالم", ParentID: f.world}); !errors.Is(err, content.ErrInvalid) {
			t.Fatalf("self parent: %v", err)
		}
		if _, err := f.cs.UpdateCategory(ctx, f.mideast, content.CategoryInput{Name: "x", Slug: "أخبار-العالم"}); !errors.Is(err, content.ErrInvalid) {
			t.Fatalf("duplicate slug: %v", err)
		}
		c, err := f.cs.UpdateCategory(ctx, f.world, content.CategoryInput{Name: "العالم", Slug: "world", Description: "d"})
		if err != nil || c.Slug != "world" || c.Name != "العالم" {
			t.Fatalf("rename: %+v %v", c, err)
		}
		if err := f.cs.DeleteCategory(ctx, f.world); err != nil {
			t.Fatal(err)
		}
		me, err := f.cs.CategoryByID(ctx, f.mideast)
		if err != nil || me.ParentID != 0 {
			t.Fatalf("child not moved up: %+v %v", me, err)
		}
		if err := f.cs.DeleteCategory(ctx, f.mideast); err != nil {
			t.Fatal(err)
		}
		got, err := f.cs.PostByID(ctx, p.ID)
		if err != nil || len(got.Categories) != 0 || got.CategoryID != 0 {
			t.Fatalf("post after its section was deleted: %+v %v", got, err)
		}
		if err := f.cs.DeleteCategory(ctx, f.mideast); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("double delete: %v", err)
		}
	})
}
