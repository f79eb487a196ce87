package content_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestSecondEditorIsToldAndNothingIsLost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		other, err := staff.New(db, time.Now).Create(ctx, staff.NewUser{Email: "b@example.com", Name: "محرر ثان", Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		p := f.post(t, content.PostInput{Title: "الأصل", BodyMD: "سطر أول\nسطر ثان"})
		if p.Version != 1 {
			t.Fatalf("new post version %d", p.Version)
		}
		// Both open version 1.
		first, second := content.InputOf(p), content.InputOf(p)
		first.BodyMD, first.EditorID = "سطر أول\nتعديل المحرر الأول", f.author
		saved, err := f.cs.UpdatePost(ctx, p.ID, first)
		if err != nil || saved.Version != 2 {
			t.Fatalf("first save: %v (version %d)", err, saved.Version)
		}
		second.BodyMD, second.EditorID = "سطر أول\nتعديل المحرر الثاني", other.ID
		_, err = f.cs.UpdatePost(ctx, p.ID, second)
		var conflict *content.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("second save: %v, want a conflict", err)
		}
		if conflict.Current.Version != 2 || !strings.Contains(conflict.Current.BodyMD, "المحرر الأول") {
			t.Fatalf("conflict does not show the other's change: %+v", conflict.Current)
		}
		now, _ := f.cs.PostByID(ctx, p.ID)
		if now.BodyMD != first.BodyMD {
			t.Fatalf("the first editor's save was overwritten: %q", now.BodyMD)
		}
		// The second editor merges and saves on top of version 2.
		second.BaseVersion = 2
		if _, err := f.cs.UpdatePost(ctx, p.ID, second); err != nil {
			t.Fatal(err)
		}
		revs, err := f.cs.Revisions(ctx, p.ID)
		if err != nil || len(revs) != 3 || revs[0].AuthorName != "محرر ثان" || revs[2].Version != 1 {
			t.Fatalf("revisions: %+v %v", revs, err)
		}
	})
}

func TestRestoreBringsBackTheExactText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		original := "«نص أصلي» مع NBC News\n\n- بند\n- بند آخر\n\n```\ncode  with  spaces\n```\n"
		p := f.post(t, content.PostInput{Title: "عنوان أصلي", Standfirst: "مقدمة", BodyMD: original})
		in := content.InputOf(p)
		in.Title, in.Standfirst, in.BodyMD = "عنوان جديد", "مقدمة جديدة", "نص مختلف تماماً"
		if _, err := f.cs.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		revs, _ := f.cs.Revisions(ctx, p.ID)
		first := revs[len(revs)-1]
		restored, err := f.cs.RestoreRevision(ctx, p.ID, first.ID, f.author, 2)
		if err != nil {
			t.Fatal(err)
		}
		if restored.BodyMD != original || restored.Title != "عنوان أصلي" || restored.Standfirst != "مقدمة" {
			t.Fatalf("restored %q / %q / %q", restored.Title, restored.Standfirst, restored.BodyMD)
		}
		if _, err := f.cs.RestoreRevision(ctx, p.ID, first.ID, f.author, 2); err == nil {
			t.Fatal("a restore over a newer version was accepted")
		}
		if _, err := f.cs.Revision(ctx, p.ID+1000, first.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("a revision read through another post: %v", err)
		}
	})
}

func TestAutosaveKeepsOnePerEditorAndLeavesThePost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := f.post(t, content.PostInput{Title: "عنوان", BodyMD: "محفوظ"})
		for _, body := range []string{"مسودة 1", "مسودة 2"} {
			if _, err := f.cs.Autosave(ctx, p.ID, f.author, "عنوان", "", body); err != nil {
				t.Fatal(err)
			}
		}
		auto, err := f.cs.LatestAutosave(ctx, p.ID, f.author)
		if err != nil || auto.BodyMD != "مسودة 2" {
			t.Fatalf("autosave: %+v %v", auto, err)
		}
		revs, _ := f.cs.Revisions(ctx, p.ID)
		if len(revs) != 2 {
			t.Fatalf("%d revisions, want the save and one autosave", len(revs))
		}
		if now, _ := f.cs.PostByID(ctx, p.ID); now.BodyMD != "محفوظ" || now.Version != 1 {
			t.Fatal("autosave changed the post")
		}
		if _, err := f.cs.Autosave(ctx, 99999, f.author, "x", "", "y"); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("autosave of a missing post: %v", err)
		}
	})
}

func TestDiff(t *testing.T) {
	got := content.Diff("a\nb\nc", "a\nx\nc\nd")
	var b strings.Builder
	for _, l := range got {
		b.WriteByte(l.Op)
		b.WriteString(l.Text)
		b.WriteByte('|')
	}
	if b.String() != " a|-b|+x| c|+d|" {
		t.Fatalf("diff = %s", b.String())
	}
	if len(content.Diff("", "")) != 0 {
		t.Fatal("empty diff")
	}
	big := strings.Repeat("سطر\n", 5000)
	if d := content.Diff(big, big+"x"); len(d) == 0 {
		t.Fatal("big diff empty")
	}
}
