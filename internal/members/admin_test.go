package members_test

import (
	"testing"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestListFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		daily := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Daily", Slug: "daily"}))(t)
		add := func(email, name string, slugs ...string) *members.Member {
			if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: email, Name: name, NewsletterSlugs: slugs}); err != nil {
				t.Fatal(err)
			}
			e.takeMail()
			return must(e.svc.ByEmail(ctx, email))(t)
		}
		ali := add("ali@example.com", "Ali Hassan", "news")
		salma := add("salma@example.org", "سلمى الخطيب", "daily")
		pct := add("deal@example.net", "50% off", "news")
		under := add("under_score@example.net", "x_y", "news")
		plain := add("underxscore@example.net", "xay", "news")
		if err := e.svc.SetStatus(ctx, ali.ID, members.Active); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AddLabel(ctx, salma.ID, "VIP"); err != nil {
			t.Fatal(err)
		}
		ids := func(ms []members.Member) []int64 {
			var out []int64
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		for name, c := range map[string]struct {
			f    members.Filter
			want []int64
		}{
			"all, newest first":     {members.Filter{}, []int64{plain.ID, under.ID, pct.ID, salma.ID, ali.ID}},
			"query ignores case":    {members.Filter{Query: "ALI"}, []int64{ali.ID}},
			"query on the name":     {members.Filter{Query: "hassan"}, []int64{ali.ID}},
			"query in Arabic":       {members.Filter{Query: "الخطيب"}, []int64{salma.ID}},
			"percent is literal":    {members.Filter{Query: "%"}, []int64{pct.ID}},
			"underscore is literal": {members.Filter{Query: "r_s"}, []int64{under.ID}},
			"status":                {members.Filter{Status: members.Active}, []int64{ali.ID}},
			"label":                 {members.Filter{Label: "VIP"}, []int64{salma.ID}},
			"newsletter":            {members.Filter{NewsletterID: daily.ID}, []int64{salma.ID}},
			"combined":              {members.Filter{Query: "example.net", Status: members.Pending}, []int64{plain.ID, under.ID, pct.ID}},
			"nothing":               {members.Filter{Query: "zzz"}, nil},
		} {
			ms, total, err := e.svc.List(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := ids(ms); len(got) != len(c.want) || total != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
				t.Errorf("%s: got %v (total %d), want %v", name, got, total, c.want)
			}
		}
		page, total, err := e.svc.List(ctx, members.Filter{Limit: 2, Offset: 2})
		if err != nil || total != 5 || len(page) != 2 || page[0].ID != pct.ID || page[1].ID != salma.ID {
			t.Fatalf("page: %v %d %v", ids(page), total, err)
		}
		if len(page[1].Labels) != 1 || page[1].Labels[0] != "VIP" || len(page[1].Newsletters) != 1 || page[1].Newsletters[0].Slug != "daily" {
			t.Fatalf("relations: %+v", page[1])
		}
		for _, f := range []members.Filter{{Status: "gone"}, {Limit: -1}, {Offset: -5}} {
			_, _, err := e.svc.List(ctx, f)
			wantErr(t, err, members.ErrInvalid)
		}
	})
}

func TestAdminChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m := e.subscribe("reader@example.com")

		_, err := e.svc.Get(ctx, 999)
		wantErr(t, err, members.ErrNotFound)
		wantErr(t, e.svc.SetStatus(ctx, m.ID, "deleted"), members.ErrInvalid)
		wantErr(t, e.svc.SetStatus(ctx, 999, members.Active), members.ErrNotFound)
		if err := e.svc.SetStatus(ctx, m.ID, members.Unsubscribed); err != nil {
			t.Fatal(err)
		}
		got := must(e.svc.Get(ctx, m.ID))(t)
		if got.Status != members.Unsubscribed || got.UnsubscribedAt.IsZero() || len(got.Newsletters) != 1 {
			t.Fatalf("unsubscribed by hand: %+v", got)
		}
		if err := e.svc.SetStatus(ctx, m.ID, members.Active); err != nil {
			t.Fatal(err)
		}

		for _, l := range []string{"مانحون", "2026", "مانحون"} {
			if err := e.svc.AddLabel(ctx, m.ID, l); err != nil {
				t.Fatal(err)
			}
		}
		wantErr(t, e.svc.AddLabel(ctx, m.ID, "a,b"), members.ErrInvalid)
		wantErr(t, e.svc.AddLabel(ctx, m.ID, "  "), members.ErrInvalid)
		wantErr(t, e.svc.AddLabel(ctx, 999, "x"), members.ErrNotFound)
		if got := must(e.svc.Get(ctx, m.ID))(t); len(got.Labels) != 2 {
			t.Fatalf("labels: %v", got.Labels)
		}
		if lc := must(e.svc.Labels(ctx))(t); len(lc) != 2 || lc[0].Label != "2026" || lc[0].Members != 1 {
			t.Fatalf("label counts: %+v", lc)
		}
		if err := e.svc.RemoveLabel(ctx, m.ID, "2026"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RemoveLabel(ctx, m.ID, "never"); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); len(got.Labels) != 1 || got.Labels[0] != "مانحون" {
			t.Fatalf("labels: %v", got.Labels)
		}

		if err := e.svc.SetPaid(ctx, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, m.ID))(t); !got.Paid {
			t.Fatal("not paid")
		}
		wantErr(t, e.svc.SetPaid(ctx, 999, true), members.ErrNotFound)
	})
}

func TestBouncesAndComplaints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.subscribe("a@example.com")
		b := e.subscribe("b@example.com")
		if err := e.svc.MarkComplained(ctx, "B@EXAMPLE.COM"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.MarkBounced(ctx, " b@example.com "); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, b.ID))(t); got.Status != members.Complained {
			t.Fatalf("a complaint was downgraded to %s", got.Status)
		}
		if err := e.svc.MarkBounced(ctx, "a@example.com"); err != nil {
			t.Fatal(err)
		}
		if got := must(e.svc.Get(ctx, a.ID))(t); got.Status != members.Bounced {
			t.Fatalf("status %s", got.Status)
		}
		wantErr(t, e.svc.MarkBounced(ctx, "nobody@example.com"), members.ErrNotFound)
		wantErr(t, e.svc.MarkComplained(ctx, "not an address"), members.ErrNotFound)
		if rs := must(e.svc.ActiveRecipients(ctx, a.Newsletters[0].ID, 0, 10))(t); len(rs) != 0 {
			t.Fatalf("suppressed recipients: %+v", rs)
		}
	})
}

func TestActiveRecipientsPagesByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		news := must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		other := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Other", Slug: "other"}))(t)
		var want []int64
		for i := range 7 {
			m := e.subscribe("r" + string(rune('a'+i)) + "@example.com")
			switch i {
			case 2:
				must(0, e.svc.SetStatus(ctx, m.ID, members.Unsubscribed))(t)
			case 4:
				must(0, e.svc.Unsubscribe(ctx, m.ID, news.ID))(t)
			default:
				want = append(want, m.ID)
			}
		}
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "pending@example.com"}); err != nil {
			t.Fatal(err)
		}
		var got []int64
		var after int64
		for {
			page := must(e.svc.ActiveRecipients(ctx, news.ID, after, 2))(t)
			if len(page) == 0 {
				break
			}
			for _, m := range page {
				if m.Status != members.Active || m.Email == "" {
					t.Fatalf("recipient %+v", m)
				}
				got = append(got, m.ID)
			}
			after = page[len(page)-1].ID
		}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
		if rs := must(e.svc.ActiveRecipients(ctx, other.ID, 0, 100))(t); len(rs) != 7-1 {
			t.Fatalf("other newsletter: %d", len(rs))
		}
		_, err := e.svc.ActiveRecipients(ctx, news.ID, 0, 0)
		wantErr(t, err, members.ErrInvalid)
	})
}
