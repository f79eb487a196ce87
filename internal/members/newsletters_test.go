package members_test

import (
	"strings"
	"testing"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestNewsletters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		def := must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		if def.Name != "النشرة" || def.Slug != "news" || !def.Active {
			t.Fatalf("default: %+v", def)
		}
		if again := must(e.svc.EnsureDefaultNewsletter(ctx))(t); again.ID != def.ID {
			t.Fatalf("a second default: %+v", again)
		}
		breaking := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "  عاجل  ", Description: "الأخبار العاجلة",
			SenderName: "غرفة\nالأخبار", SenderEmail: "Desk@News.Example.com"}))(t)
		if breaking.Slug != "عاجل" || breaking.Name != "عاجل" || breaking.SenderName != "غرفة الأخبار" ||
			breaking.SenderEmail != "desk@news.example.com" || breaking.Position <= def.Position {
			t.Fatalf("created: %+v", breaking)
		}
		daily := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Daily digest", Slug: "Daily Digest"}))(t)
		if daily.Slug != "daily-digest" {
			t.Fatalf("slug %q", daily.Slug)
		}

		for name, in := range map[string]members.NewsletterInput{
			"no name":    {Slug: "x"},
			"no slug":    {Name: "!!!", Slug: "***"},
			"bad sender": {Name: "x", SenderEmail: "desk@localhost"},
			"long name":  {Name: strings.Repeat("ن", 101)},
		} {
			if _, err := e.svc.CreateNewsletter(ctx, in); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		_, err := e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Another", Slug: "news"})
		wantErr(t, err, members.ErrSlugTaken)
		_, err = e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "x", SenderEmail: "a@b"})
		wantErr(t, err, members.ErrInvalidEmail)

		upd := must(e.svc.UpdateNewsletter(ctx, daily.ID, members.NewsletterInput{Name: "الملخص اليومي", Slug: "daily"}))(t)
		if upd.Slug != "daily" || upd.Name != "الملخص اليومي" || upd.Position != daily.Position {
			t.Fatalf("updated: %+v", upd)
		}
		_, err = e.svc.UpdateNewsletter(ctx, daily.ID, members.NewsletterInput{Name: "x", Slug: "news"})
		wantErr(t, err, members.ErrSlugTaken)
		_, err = e.svc.UpdateNewsletter(ctx, 999, members.NewsletterInput{Name: "x"})
		wantErr(t, err, members.ErrNotFound)
		if got := must(e.svc.NewsletterBySlug(ctx, "daily"))(t); got.ID != daily.ID {
			t.Fatalf("by slug: %+v", got)
		}
		_, err = e.svc.NewsletterBySlug(ctx, "nope")
		wantErr(t, err, members.ErrNotFound)

		if err := e.svc.SetNewsletterActive(ctx, breaking.ID, false); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.SetNewsletterActive(ctx, 999, false), members.ErrNotFound)
		ns := must(e.svc.Newsletters(ctx))(t)
		if len(ns) != 2 || ns[0].ID != def.ID || ns[1].ID != daily.ID {
			t.Fatalf("active, by position: %+v", ns)
		}
		if all := must(e.svc.AllNewsletters(ctx))(t); len(all) != 3 {
			t.Fatalf("all: %+v", all)
		}
		// A retired newsletter takes nobody new.
		err = e.svc.Subscribe(ctx, members.SubscribeInput{Email: "r@example.com", NewsletterSlugs: []string{breaking.Slug}})
		wantErr(t, err, members.ErrUnknownNewsletter)
	})
}

func TestEnsureDefaultNewsletterWhenAllAreRetired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		old := must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		if err := e.svc.SetNewsletterActive(ctx, old.ID, false); err != nil {
			t.Fatal(err)
		}
		n := must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		if n.ID == old.ID || n.Slug != "news-2" || !n.Active {
			t.Fatalf("new default: %+v", n)
		}
	})
}
