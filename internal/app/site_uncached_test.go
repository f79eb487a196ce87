package app

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// Without the page cache, the site still keeps a few things in memory
// between requests — the related-posts index, the header, footer and cards
// rendered once — and each change notice must drop them: a new, edited,
// unpublished post or a renamed section shows on the next request, and so
// does a renamed author, which sends no notice.
func TestUncachedSiteSeesChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 0)
		cs := s.Content
		sec, err := cs.CreateCategory(ctx, content.CategoryInput{Name: "قسم التجربة", Slug: "test-section"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := cs.CreatePost(ctx, content.PostInput{Title: "المقال الأول", BodyMD: "نص.", Status: content.Published,
			CategoryIDs: []int64{sec.ID}, TagNames: []string{"وسم-التجربة"}})
		if err != nil {
			t.Fatal(err)
		}
		article := "/" + url.PathEscape(a.Slug) + "/"
		for range 2 { // the second answer comes from what the first kept
			body := s.mustGet(t, article, 200)
			mustContain(t, body, "قسم التجربة")
			if strings.Contains(body, "مقال مرتبط") {
				t.Fatal("a related post before there is one")
			}
		}

		var author int64
		if err := db.QueryRow(ctx, "SELECT id FROM users ORDER BY id LIMIT 1").Scan(&author); err != nil {
			t.Fatal(err)
		}
		b, err := cs.CreatePost(ctx, content.PostInput{Title: "مقال مرتبط", BodyMD: "نص.", Status: content.Published,
			TagNames: []string{"وسم-التجربة"}, AuthorIDs: []int64{author}})
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.mustGet(t, article, 200), "مقال مرتبط")

		// Renaming a staff member sends no change notice; the related post's
		// card (rendered once, then reused) must show the new name all the same.
		if _, err := db.Exec(ctx, "UPDATE users SET name = ? WHERE id = ?", "كاتب باسم جديد", author); err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.mustGet(t, article, 200), "كاتب باسم جديد")

		full, err := cs.PostByID(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := content.InputOf(full)
		in.Title = "مقال مرتبط معدّل"
		if _, err := cs.UpdatePost(ctx, b.ID, in); err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.mustGet(t, article, 200), "مقال مرتبط معدّل")

		in.Status, in.BaseVersion = content.Draft, 0
		if _, err := cs.UpdatePost(ctx, b.ID, in); err != nil {
			t.Fatal(err)
		}
		if body := s.mustGet(t, article, 200); strings.Contains(body, "مقال مرتبط") {
			t.Fatal("an unpublished post is still shown as related")
		}

		if _, err := cs.UpdateCategory(ctx, sec.ID, content.CategoryInput{Name: "قسم مُعاد تسميته", Slug: "test-section"}); err != nil {
			t.Fatal(err)
		}
		body := s.mustGet(t, article, 200)
		mustContain(t, body, "قسم مُعاد تسميته")
		if strings.Contains(body, "قسم التجربة") {
			t.Fatal("the old section name is still shown (navigation or kicker)")
		}
	})
}
