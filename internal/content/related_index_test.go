package content_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// The index must give exactly what the query gives, for every post, on a
// site where tags hold more posts than Related reads of them, with drafts,
// pages, two languages and posts published in the future; and it must see
// a future post come due without a change notice.
func TestRelatedIndexMatchesRelated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var mu sync.Mutex
		now := f.now
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		cs := content.New(db, clock)
		other, err := cs.CreateCategory(ctx, content.CategoryInput{Name: "اقتصاد"})
		if err != nil {
			t.Fatal(err)
		}
		cats := []int64{f.world, f.mideast, other.ID}
		tags := []string{"سوريا", "لبنان", "اقتصاد", "طاقة", "مناخ", "Gaza"}
		rng := rand.New(rand.NewPCG(7, 7))
		var ids []int64
		for i := range 150 {
			in := content.PostInput{Title: fmt.Sprintf("خبر رقم %d", i), BodyMD: "نص", Status: content.Published,
				AuthorIDs: []int64{f.author}, PublishedAt: f.now.Add(-time.Duration(rng.IntN(5000)) * time.Minute)}
			if rng.IntN(4) == 0 {
				in.Lang = "en"
			}
			switch rng.IntN(12) {
			case 0:
				in.Status = content.Draft
			case 1:
				in.Type = content.TypePage
			case 2, 3:
				in.PublishedAt = f.now.Add(time.Duration(1+rng.IntN(120)) * time.Minute) // live later, without notice
			}
			if rng.IntN(6) > 0 {
				in.CategoryIDs = []int64{cats[rng.IntN(len(cats))]}
			}
			for _, k := range rng.Perm(len(tags))[:rng.IntN(5)] {
				in.TagNames = append(in.TagNames, tags[k])
			}
			p, err := cs.CreatePost(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		compare := func(idx *content.RelatedIndex, when string) {
			t.Helper()
			for _, id := range ids {
				p, err := cs.PostByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range []int{1, 4} {
					want, err := cs.Related(ctx, p, n)
					if err != nil {
						t.Fatal(err)
					}
					got, err := idx.Related(ctx, p, n)
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(postIDs(got)) != fmt.Sprint(postIDs(want)) {
						t.Fatalf("%s: post %d, n=%d: index gives %v, the query %v", when, id, n, postIDs(got), postIDs(want))
					}
					for i := range got {
						if len(got[i].Authors) != len(want[i].Authors) || len(got[i].Categories) != len(want[i].Categories) || got[i].Title != want[i].Title {
							t.Fatalf("%s: post %d: related %d loaded differently", when, id, got[i].ID)
						}
					}
				}
			}
		}
		idx := cs.NewRelatedIndex()
		compare(idx, "cold")
		compare(idx, "warm")
		mu.Lock()
		now = now.Add(time.Hour) // some future posts come due; the index was filled before
		mu.Unlock()
		compare(idx, "an hour later")
	})
}

func postIDs(ps []content.Post) []int64 {
	out := make([]int64, len(ps))
	for i := range ps {
		out[i] = ps[i].ID
	}
	return out
}
