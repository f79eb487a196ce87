package members_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// The four shapes below are small, made-up files with the columns of each
// service's subscriber export.

const jetpackCSV = `email,date subscribed,status
reader1@example.com,2023-05-01 10:00:00,subscribed
Reader2@Example.com,2024-01-15 08:30:00,unsubscribed
not-an-email,2024-01-01 00:00:00,subscribed
reader1@example.com,2022-01-01 00:00:00,subscribed
,,
reader3@example.com,"March 3, 2024",subscribed
reader4@example.com,03/04/2024,subscribed
`

const substackCSV = `email,active_subscription,expiry,plan,email_disabled,created_at
paid@example.com,true,2027-01-01,yearly,false,2023-02-03T04:05:06.000Z
free@example.com,false,,free,false,2023-02-04T00:00:00.000Z
disabled@example.com,false,,free,true,2023-02-05T00:00:00.000Z
user@localhost,false,,free,false,2023-02-06T00:00:00.000Z
`

const ghostCSV = `id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,status
1,huda@example.com,هدى كمال,"met at the fair, 2023",true,false,,2022-11-01T09:00:00.000Z,,"VIP, مانحون",paid
2,omar@example.com,Omar,,false,false,,2022-12-01T09:00:00.000Z,,,free
3,مستخدم@example.com,x,,true,false,,2022-12-02T09:00:00.000Z,,,free
4,comped@example.com,,,true,true,,2022-12-03T09:00:00.000Z,,Press,comped
`

// Mailchimp: Excel in many locales writes semicolons and a byte-order mark.
const mailchimpCSV = "\uFEFF" + `Email Address;First Name;Last Name;MEMBER_RATING;OPTIN_TIME;OPTIN_IP;CONFIRM_TIME;CONFIRM_IP;LAST_CHANGED;LEID;EUID;NOTES;TAGS
sara@example.com;Sara;Nasser;2;2021-06-01 12:00:00;;2021-06-01 12:05:00;;2021-06-01 12:05:00;123;abc;;"""Donor"",""قراء"""
"sara@@example.com";Bad;Row;1;2021-06-02 12:00:00;;;;;124;abd;;
foo@bar;Single;Label;1;2021-06-02 12:00:00;;;;;125;abe;;
khalid@example.com;خالد;;4;2021-07-01 08:00:00;;;;;126;abf;;"""VIP"""
`

func TestImportJetpack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var progress [][2]int
		res, err := e.svc.Import(ctx, strings.NewReader(jetpackCSV), members.ImportOptions{Label: "jetpack",
			Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "jetpack" || res.Added != 4 || res.Updated != 0 || res.Skipped != 1 || res.Merged != 1 {
			t.Fatalf("result: %+v", res)
		}
		if len(res.Errors) != 1 || res.Errors[0].Line != 4 || !strings.Contains(res.Errors[0].Msg, "not-an-email") {
			t.Fatalf("errors: %+v", res.Errors)
		}
		// An ambiguous day/month date is left out with a warning, not guessed.
		if len(res.Warnings) != 1 || res.Warnings[0].Line != 8 || !strings.Contains(res.Warnings[0].Msg, "03/04/2024") {
			t.Fatalf("warnings: %+v", res.Warnings)
		}
		if len(progress) != 2 || progress[1] != [2]int{4, 4} {
			t.Fatalf("progress: %v", progress)
		}
		r1 := must(e.svc.ByEmail(ctx, "reader1@example.com"))(t)
		if r1.Status != members.Active || !r1.CreatedAt.Equal(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)) ||
			r1.Source != "import:jetpack" || len(r1.Labels) != 1 || r1.Labels[0] != "jetpack" || len(r1.Newsletters) != 1 {
			t.Fatalf("merged row: %+v", r1)
		}
		r2 := must(e.svc.ByEmail(ctx, "reader2@example.com"))(t)
		if r2.Status != members.Unsubscribed || r2.UnsubscribedAt.IsZero() || len(r2.Newsletters) != 0 {
			t.Fatalf("unsubscribed row: %+v", r2)
		}
		r3 := must(e.svc.ByEmail(ctx, "reader3@example.com"))(t)
		if !r3.CreatedAt.Equal(time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("date: %v", r3.CreatedAt)
		}
		e.noMail() // importing mails nobody
	})
}

func TestImportSubstack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		daily := must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Daily", Slug: "daily"}))(t)
		res, err := e.svc.Import(ctx, strings.NewReader(substackCSV), members.ImportOptions{NewsletterSlugs: []string{"daily"},
			Status: members.Pending})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "substack" || res.Added != 3 || res.Skipped != 1 || res.Errors[0].Line != 5 ||
			!strings.Contains(res.Errors[0].Msg, "has no dot") {
			t.Fatalf("result: %+v", res)
		}
		if strings.Join(res.IgnoredColumns, ",") != "expiry,plan" {
			t.Fatalf("ignored: %v", res.IgnoredColumns)
		}
		paid := must(e.svc.ByEmail(ctx, "paid@example.com"))(t)
		if !paid.Paid || paid.Status != members.Pending || len(paid.Newsletters) != 1 || paid.Newsletters[0].ID != daily.ID ||
			!paid.CreatedAt.Equal(time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC)) {
			t.Fatalf("paid: %+v", paid)
		}
		if free := must(e.svc.ByEmail(ctx, "free@example.com"))(t); free.Paid {
			t.Fatalf("free: %+v", free)
		}
		if d := must(e.svc.ByEmail(ctx, "disabled@example.com"))(t); d.Status != members.Unsubscribed {
			t.Fatalf("email_disabled: %+v", d)
		}
	})
}

func TestImportGhost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		res, err := e.svc.Import(ctx, strings.NewReader(ghostCSV), members.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "ghost" || res.Added != 3 || res.Skipped != 1 || res.Errors[0].Line != 4 ||
			!strings.Contains(res.Errors[0].Msg, "SMTPUTF8") {
			t.Fatalf("result: %+v", res)
		}
		if strings.Join(res.IgnoredColumns, ",") != "id,note,stripe_customer_id,deleted_at" {
			t.Fatalf("ignored: %v", res.IgnoredColumns)
		}
		huda := must(e.svc.ByEmail(ctx, "huda@example.com"))(t)
		if huda.Name != "هدى كمال" || !huda.Paid || huda.Status != members.Active || strings.Join(huda.Labels, "|") != "VIP|مانحون" {
			t.Fatalf("huda: %+v", huda)
		}
		if omar := must(e.svc.ByEmail(ctx, "omar@example.com"))(t); omar.Status != members.Unsubscribed || omar.Paid {
			t.Fatalf("omar: %+v", omar)
		}
		if c := must(e.svc.ByEmail(ctx, "comped@example.com"))(t); !c.Paid || c.Labels[0] != "Press" {
			t.Fatalf("comped: %+v", c)
		}
	})
}

func TestImportMailchimp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		res, err := e.svc.Import(ctx, strings.NewReader(mailchimpCSV), members.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "mailchimp" || res.Added != 2 || res.Skipped != 2 || len(res.Errors) != 2 ||
			res.Errors[0].Line != 3 || res.Errors[1].Line != 4 {
			t.Fatalf("result: %+v", res)
		}
		sara := must(e.svc.ByEmail(ctx, "sara@example.com"))(t)
		if sara.Name != "Sara Nasser" || strings.Join(sara.Labels, "|") != "Donor|قراء" ||
			!sara.CreatedAt.Equal(time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)) ||
			!sara.ConfirmedAt.Equal(time.Date(2021, 6, 1, 12, 5, 0, 0, time.UTC)) {
			t.Fatalf("sara: %+v", sara)
		}
		if k := must(e.svc.ByEmail(ctx, "khalid@example.com"))(t); k.Name != "خالد" || k.Labels[0] != "VIP" {
			t.Fatalf("khalid: %+v", k)
		}
	})
}

func TestImportNeverResubscribesAndOnlyAdds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		left := e.subscribe("left@example.com")
		must(0, e.svc.Unsubscribe(ctx, left.ID, 0))(t)
		staying := e.subscribe("stay@example.com")
		must(0, e.svc.AddLabel(ctx, staying.ID, "old"))(t)
		must(0, e.svc.SetPaid(ctx, staying.ID, true))(t)
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "pending@example.com"}); err != nil {
			t.Fatal(err)
		}
		e.takeMail()
		file := "Email;Name;Labels;Paid;Status\nleft@example.com;Left;x;no;active\nstay@example.com;New Name;new;false;active\n" +
			"pending@example.com;P;;;active\ngone@example.com;;;;unsubscribed\n"
		res, err := e.svc.Import(ctx, strings.NewReader(file), members.ImportOptions{})
		if err != nil || res.Added != 1 || res.Updated != 3 || res.Format != "csv" {
			t.Fatalf("%+v %v", res, err)
		}
		if got := must(e.svc.Get(ctx, left.ID))(t); got.Status != members.Unsubscribed || len(got.Newsletters) != 0 {
			t.Fatalf("resubscribed by a file: %+v", got)
		}
		got := must(e.svc.Get(ctx, staying.ID))(t)
		if got.Name != staying.Name || !got.Paid || strings.Join(got.Labels, "|") != "new|old" {
			t.Fatalf("existing member lost something: %+v", got)
		}
		if p := must(e.svc.ByEmail(ctx, "pending@example.com"))(t); p.Status != members.Active {
			t.Fatalf("pending: %+v", p)
		}
		if g := must(e.svc.ByEmail(ctx, "gone@example.com"))(t); g.Status != members.Unsubscribed {
			t.Fatalf("gone: %+v", g)
		}
		// A file may record that someone left elsewhere.
		res, err = e.svc.Import(ctx, strings.NewReader("email,status\nstay@example.com,unsubscribed\n"), members.ImportOptions{})
		if err != nil || res.Updated != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		if got := must(e.svc.Get(ctx, staying.ID))(t); got.Status != members.Unsubscribed {
			t.Fatalf("status %s", got.Status)
		}
	})
}

func TestImportRefusesUnreadableFilesAndBadOptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for name, file := range map[string]string{
			"empty":           "",
			"no email column": "name,created_at\nAli,2024-01-01\n",
			"not UTF-8":       "email,name\nali@example.com,\xc7\xe1\xdf\xca\xc7\xc8\n", // Windows-1256
		} {
			_, err := e.svc.Import(ctx, strings.NewReader(file), members.ImportOptions{})
			wantErr(t, err, members.ErrBadCSV)
			if name == "not UTF-8" && !strings.Contains(err.Error(), "CSV UTF-8") {
				t.Errorf("no advice: %v", err)
			}
		}
		ok := "email\nali@example.com\n"
		_, err := e.svc.Import(ctx, strings.NewReader(ok), members.ImportOptions{Status: members.Bounced})
		wantErr(t, err, members.ErrInvalid)
		_, err = e.svc.Import(ctx, strings.NewReader(ok), members.ImportOptions{Label: "a,b"})
		wantErr(t, err, members.ErrInvalid)
		_, err = e.svc.Import(ctx, strings.NewReader(ok), members.ImportOptions{NewsletterSlugs: []string{"nope"}})
		wantErr(t, err, members.ErrUnknownNewsletter)
		if _, total, _ := e.svc.List(ctx, members.Filter{}); total != 0 {
			t.Fatalf("%d members written", total)
		}
	})
}

func TestImportUTF16TabsAndBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Excel's "Unicode text": UTF-16 LE with a byte-order mark, tabs.
		text := "E-mail\tالاسم\nnour@example.com\tنور\n"
		u16 := []byte{0xFF, 0xFE}
		for _, r := range text {
			u16 = append(u16, byte(r), byte(r>>8))
		}
		res, err := e.svc.Import(ctx, strings.NewReader(string(u16)), members.ImportOptions{})
		if err != nil || res.Added != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		if n := must(e.svc.ByEmail(ctx, "nour@example.com"))(t); n.Name != "نور" {
			t.Fatalf("%+v", n)
		}

		var b strings.Builder
		b.WriteString("email,name\n")
		for i := range 1203 {
			b.WriteString("r" + strconv.Itoa(i) + "@example.com,Reader " + strconv.Itoa(i) + "\n")
		}
		var progress []int
		res, err = e.svc.Import(ctx, strings.NewReader(b.String()), members.ImportOptions{
			Progress: func(done, total int) {
				if total != 1203 {
					t.Errorf("total %d", total)
				}
				progress = append(progress, done)
			}})
		if err != nil || res.Added != 1203 {
			t.Fatalf("%+v %v", res, err)
		}
		if len(progress) != 4 || progress[1] != 500 || progress[3] != 1203 {
			t.Fatalf("progress %v", progress)
		}
		if _, total, _ := e.svc.List(ctx, members.Filter{Status: members.Active}); total != 1204 {
			t.Fatalf("%d active", total)
		}
	})
}
