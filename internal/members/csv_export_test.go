package members_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestExportCSVAndReimport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		must(e.svc.EnsureDefaultNewsletter(ctx))(t)
		must(e.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Daily", Slug: "daily"}))(t)
		a := e.subscribe("ali@example.com")
		must(0, e.svc.AddLabel(ctx, a.ID, "VIP"))(t)
		must(0, e.svc.AddLabel(ctx, a.ID, "=HYPERLINK(1)"))(t)
		must(0, e.svc.SetPaid(ctx, a.ID, true))(t)
		if err := e.svc.Subscribe(ctx, members.SubscribeInput{Email: "evil@example.com", Name: "=cmd|' /C calc'!A0",
			NewsletterSlugs: []string{"daily"}}); err != nil {
			t.Fatal(err)
		}
		e.takeMail()

		var out bytes.Buffer
		if err := e.svc.ExportCSV(ctx, &out, members.Filter{Limit: 1}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(out.Bytes(), []byte("\uFEFFemail,name,status,newsletters,labels,paid,created_at,confirmed_at\r\n")) &&
			!bytes.HasPrefix(out.Bytes(), []byte("\uFEFFemail,name,status,newsletters,labels,paid,created_at,confirmed_at\n")) {
			t.Fatalf("header:\n%s", out.String())
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 { // the header and both members: Limit does not apply
			t.Fatalf("%d records: %q", len(recs), recs)
		}
		ali := recs[1]
		want := []string{"ali@example.com", "قارئ ali@example.com", "active", "news,daily", "'=HYPERLINK(1),VIP", "true",
			"2026-03-01T09:30:00Z", "2026-03-01T09:30:00Z"}
		if strings.Join(ali, "|") != strings.Join(want, "|") {
			t.Fatalf("row\n got %q\nwant %q", ali, want)
		}
		if evil := recs[2]; evil[1] != "'=cmd|' /C calc'!A0" || evil[2] != "pending" || evil[7] != "" {
			t.Fatalf("row %q", evil)
		}

		var filtered bytes.Buffer
		if err := e.svc.ExportCSV(ctx, &filtered, members.Filter{Status: members.Pending}); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(filtered.String(), "\n"); n != 2 {
			t.Fatalf("filtered export has %d lines:\n%s", n, filtered.String())
		}
		wantErr(t, e.svc.ExportCSV(ctx, &filtered, members.Filter{Status: "nope"}), members.ErrInvalid)

		// The export reads back into another site unchanged.
		var db2 *store.DB
		if db.Dialect() == store.Postgres {
			db2 = storetest.Postgres(t)
		} else {
			db2 = storetest.SQLite(t)
		}
		e2 := newEnv(t, db2)
		must(e2.svc.EnsureDefaultNewsletter(ctx))(t)
		must(e2.svc.CreateNewsletter(ctx, members.NewsletterInput{Name: "Daily", Slug: "daily"}))(t)
		res, err := e2.svc.Import(ctx, bytes.NewReader(out.Bytes()), members.ImportOptions{})
		if err != nil || res.Added != 2 || len(res.Errors) != 0 || len(res.Warnings) != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		var again bytes.Buffer
		if err := e2.svc.ExportCSV(ctx, &again, members.Filter{}); err != nil {
			t.Fatal(err)
		}
		if again.String() != out.String() {
			t.Fatalf("round trip differs:\n%s\n---\n%s", out.String(), again.String())
		}
	})
}
