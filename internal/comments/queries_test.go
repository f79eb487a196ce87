package comments_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestListOrderAndTree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.approved("a@example.com", "first thread", 0)
		b := e.approved("b@example.com", "الخيط الثاني", 0)
		a1 := e.approved("c@example.com", "reply to a", a.ID)
		a2 := e.approved("d@example.com", "another reply to a", a.ID)
		a11 := e.approved("e@example.com", "رد على الرد", a1.ID)
		e.comment("held@example.com", "held reply", a.ID) // not shown

		l, err := e.svc.List(ctx, e.post, comments.Oldest)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{a.ID, a1.ID, a11.ID, a2.ID, b.ID}
		if !slices.Equal(ids(l), want) {
			t.Fatalf("oldest: %v, want %v", ids(l), want)
		}
		depths := []int{0, 1, 2, 1, 0}
		for i, p := range l {
			if p.Depth != depths[i] {
				t.Fatalf("depth of %d = %d, want %d", p.ID, p.Depth, depths[i])
			}
		}
		if l[0].Dir != "ltr" || l[4].Dir != "rtl" {
			t.Fatalf("directions %q %q", l[0].Dir, l[4].Dir)
		}
		l, _ = e.svc.List(ctx, e.post, comments.Newest)
		// Threads newest first; replies still read down.
		if want := []int64{b.ID, a.ID, a1.ID, a11.ID, a2.ID}; !slices.Equal(ids(l), want) {
			t.Fatalf("newest: %v, want %v", ids(l), want)
		}
		tree := comments.Tree(l)
		if len(tree) != 2 || tree[1].ID != a.ID || len(tree[1].Replies) != 2 || tree[1].Replies[0].Replies[0].ID != a11.ID {
			t.Fatalf("tree: %+v", tree)
		}
		if l, err := e.svc.List(ctx, e.newPost("فارغ", time.Hour), comments.Oldest); err != nil || len(l) != 0 {
			t.Fatalf("empty post: %v %v", l, err)
		}
	})
}

func TestCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		other := e.newPost("خبر آخر", time.Hour)
		empty := e.newPost("خبر بلا تعليقات", time.Hour)
		e.approved("a@example.com", "واحد", 0)
		e.approved("b@example.com", "اثنان", 0)
		e.comment("c@example.com", "محجوز", 0)
		in := e.input(other, "س", "a@example.com", "على الآخر")
		e.create(in)
		got, err := e.svc.Counts(ctx, []int64{e.post, other, empty, 999999})
		if err != nil {
			t.Fatal(err)
		}
		if got[e.post] != 2 || got[other] != 1 || got[empty] != 0 || len(got) != 4 {
			t.Fatalf("counts %v", got)
		}
		if got, err := e.svc.Counts(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no posts: %v %v", got, err)
		}
	})
}

func TestFeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.approved("a@example.com", "قديم", 0)
		b := e.approved("b@example.com", "حديث", a.ID)
		e.comment("c@example.com", "محجوز", 0)
		locked := e.newPost("للأعضاء", time.Hour)
		lc := e.create(e.input(locked, "س", "a@example.com", "على خبر للأعضاء"))
		if lc.Status != comments.Approved {
			t.Fatalf("status %s", lc.Status)
		}
		if _, err := db.Exec(ctx, "UPDATE posts SET visibility = 'members' WHERE id = ?", locked); err != nil {
			t.Fatal(err)
		}
		feed, err := e.svc.Recent(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) != 2 || feed[0].ID != b.ID || feed[1].ID != a.ID {
			t.Fatalf("site feed: %+v", feed)
		}
		f := feed[0]
		if f.Post.ID != e.post || f.Post.Title != "خبر اليوم" || !strings.HasPrefix(f.Post.Slug, "post-") || f.Post.Type != "post" ||
			f.Post.PublishedAt.IsZero() || f.Depth != 1 || !strings.Contains(string(f.BodyHTML), "حديث") {
			t.Fatalf("feed item: %+v", f)
		}
		if got, want := e.svc.CommentURL(f.Post, f.ID), baseURL+"/"+f.Post.Slug+"/#comment-"+strconv.FormatInt(f.ID, 10); got != want {
			t.Fatalf("comment URL %q", got)
		}
		if feed, _ := e.svc.Recent(ctx, 1); len(feed) != 1 || feed[0].ID != b.ID {
			t.Fatalf("limit 1: %+v", feed)
		}
		if feed, _ := e.svc.RecentForPost(ctx, e.post, 10); len(feed) != 2 {
			t.Fatalf("post feed: %d items", len(feed))
		}
		if feed, _ := e.svc.RecentForPost(ctx, locked, 10); len(feed) != 0 {
			t.Fatalf("members-only post feed: %d items", len(feed))
		}
	})
}

func TestQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.EmailLimit = -1 })
		other := e.newPost("خبر آخر", time.Hour)
		var held []int64
		for i := range 5 {
			held = append(held, e.comment("new"+string(rune('a'+i))+"@example.com", "تعليق محجوز رقم "+string(rune('1'+i)), 0).ID)
		}
		ok := e.approved("known@example.com", "Special_Word 100% here", 0)
		in := e.input(other, "Other Post", "known@example.com", "على الخبر الآخر")
		onOther := e.create(in)
		if _, err := e.svc.ModerateOne(ctx, comments.ActSpam, held[4]); err != nil {
			t.Fatal(err)
		}

		page, err := e.svc.Queue(ctx, comments.Filter{Status: comments.Pending, PerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		// Newest first, two a page.
		if page.Total != 4 || page.Pages() != 2 || len(page.Comments) != 2 || page.Comments[0].ID != held[3] ||
			page.Comments[0].AuthorEmail == "" || page.Comments[0].PostTitle != "خبر اليوم" {
			t.Fatalf("page 1: total %d, %d comments, first %+v", page.Total, len(page.Comments), page.Comments[0])
		}
		page, _ = e.svc.Queue(ctx, comments.Filter{Status: comments.Pending, PerPage: 2, Page: 2})
		if len(page.Comments) != 2 || page.Comments[1].ID != held[0] {
			t.Fatalf("page 2: %+v", page.Comments)
		}
		// "All" is pending and approved.
		if page, _ := e.svc.Queue(ctx, comments.Filter{}); page.Total != 6 {
			t.Fatalf("all: %d", page.Total)
		}
		if page, _ := e.svc.Queue(ctx, comments.Filter{PostID: other}); page.Total != 1 || page.Comments[0].ID != onOther.ID {
			t.Fatalf("by post: %+v", page)
		}
		for q, want := range map[string]int64{
			"SPECIAL_word": ok.ID,   // any case, and _ is not a wildcard
			"100%":         ok.ID,   // nor %
			"newb@":        held[1], // the address
			"رقم 3":        held[2],
		} {
			page, err := e.svc.Queue(ctx, comments.Filter{Search: q})
			if err != nil || page.Total != 1 || page.Comments[0].ID != want {
				t.Errorf("search %q: %+v %v", q, page, err)
			}
		}
		if page, _ := e.svc.Queue(ctx, comments.Filter{Search: "_"}); page.Total != 1 {
			t.Errorf("search _: %d matches", page.Total)
		}
		if page, _ := e.svc.Queue(ctx, comments.Filter{Status: comments.Spam}); page.Total != 1 || page.Comments[0].ID != held[4] {
			t.Fatalf("spam: %+v", page)
		}
		_, err = e.svc.Queue(ctx, comments.Filter{Status: "published"})
		wantErr(t, err, comments.ErrInvalid)

		counts, err := e.svc.StatusCounts(ctx, 0)
		if err != nil || counts[comments.Pending] != 4 || counts[comments.Approved] != 2 || counts[comments.Spam] != 1 || counts[comments.Trash] != 0 {
			t.Fatalf("counts: %v %v", counts, err)
		}
		if counts, _ := e.svc.StatusCounts(ctx, other); counts[comments.Approved] != 1 || counts[comments.Pending] != 0 {
			t.Fatalf("counts on the other post: %v", counts)
		}
	})
}
