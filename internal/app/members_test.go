package app

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestReaderSubscribesConfirmsAndReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		ctx := context.Background()
		p, _ := s.Content.Lookup(ctx, s.Sample)
		in := content.InputOf(p)
		in.Visibility = "members"
		if _, err := s.Content.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		article := "/" + url.PathEscape(s.Sample) + "/"
		locked := s.mustGet(t, article, 200)
		if !strings.Contains(locked, `class="gate"`) {
			t.Fatal("the members' post is not gated for an anonymous reader")
		}

		jar, _ := cookiejar.New(nil)
		reader := &browser{t: t, s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		for email, want := range map[string]int{"not-an-address": 422, "user@localhost": 422, "مستخدم@example.com": 422} {
			if code, body := reader.post("/subscribe", url.Values{"email": {email}}); code != want || strings.Contains(body, "panic") {
				t.Errorf("%q: %d, want %d", email, code, want)
			}
		}
		if code, body := reader.post("/subscribe", url.Values{"email": {"reader@example.com"}, "source": {"footer"}}); code != 200 || !strings.Contains(body, "تحقق من بريدك") {
			t.Fatalf("subscribe: %d", code)
		}
		// The honeypot answers the same, and subscribes no one.
		if code, _ := reader.post("/subscribe", url.Values{"email": {"bot@example.com"}, "website": {"http://spam"}}); code != 200 {
			t.Fatalf("honeypot: %d", code)
		}
		link := strings.TrimPrefix(outboxLink(t, s.Data, "reader@example.com", "/members/confirm?token="), s.URL)
		if code, _ := reader.get(link); code != 200 {
			t.Fatalf("confirm: %d", code)
		}
		if code, _ := reader.get(link); code != http.StatusForbidden {
			t.Fatalf("confirm link used twice: %d", code)
		}
		_, open := reader.get(article)
		if strings.Contains(open, `class="gate"`) || !strings.Contains(open, "بيسكوف") {
			t.Fatal("a confirmed member still sees the gate")
		}
		if locked2 := s.mustGet(t, article, 200); !strings.Contains(locked2, `class="gate"`) {
			t.Fatal("the member's page leaked into the anonymous cache")
		}
		if code, body := reader.get("/members/account"); code != 200 || !strings.Contains(body, "reader@example.com") {
			t.Fatalf("account: %d", code)
		}
		if code, _ := reader.post("/members/account", url.Values{"do": {"newsletters"}, "frequency": {"weekly"}}); code != 200 {
			t.Fatalf("preferences: %d", code)
		}
		if code, _ := reader.post("/members/account", url.Values{"do": {"newsletters"}, "frequency": {"hourly"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("bad frequency: %d", code)
		}
		resp, err := reader.http.Get(s.URL + "/members/account/export")
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("export: %v %v", resp, err)
		}
		resp.Body.Close()

		// Magic-link sign-in: same answer for unknown addresses; links are single-use.
		other := &browser{t: t, s: s, http: &http.Client{Jar: func() http.CookieJar { j, _ := cookiejar.New(nil); return j }(),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		_, known := other.post("/members/signin", url.Values{"email": {"reader@example.com"}})
		_, unknown := other.post("/members/signin", url.Values{"email": {"stranger@example.com"}})
		if !strings.Contains(known, "تحقق من بريدك") || !strings.Contains(unknown, "تحقق من بريدك") {
			t.Fatal("sign-in tells which addresses are members")
		}
		signin := strings.TrimPrefix(outboxLink(t, s.Data, "reader@example.com", "/members/signin?token="), s.URL)
		if code, _ := other.get(signin); code != http.StatusSeeOther {
			t.Fatalf("magic link: %d", code)
		}
		if code, _ := other.get(signin); code != http.StatusForbidden {
			t.Fatalf("magic link reused: %d", code)
		}
		if code, _ := other.post("/members/account", url.Values{"do": {"delete"}, "confirm": {"yes"}}); code != 200 {
			t.Fatalf("delete: %d", code)
		}
		if code, _ := reader.get("/members/account"); code != http.StatusSeeOther {
			t.Fatalf("a deleted member is still signed in: %d", code)
		}
	})
}

func TestSubscribeBurstIsThrottled(t *testing.T) {
	s := startSite(t, storetest.SQLite(t), 16)
	b := &browser{t: t, s: s, http: client}
	throttled := false
	for i := range 12 {
		code, _ := b.post("/subscribe", url.Values{"email": {"burst" + string(rune('a'+i)) + "@example.com"}})
		if code == http.StatusTooManyRequests {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Fatal("12 subscribe posts from one address in a row were not throttled")
	}
}

func TestAdminSubscribersImportAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		newStaffUser(t, db, "au@example.com", staff.Author)
		if code, _ := s.signIn(t, "au@example.com", "a long password").get("/admin/subscribers"); code != http.StatusForbidden {
			t.Fatalf("an author sees subscribers: %d", code)
		}
		ed := s.signIn(t, "ed@example.com", "a long password")
		csv := "Email Address,First Name,Last Name,OPTIN_TIME,TAGS\r\nsalma@example.com,سلمى,,2024-01-02 10:00:00,\"vip\"\r\nnot an email,x,,,\r\nomar@example.org,Omar,Saleh,2024-02-03 11:00:00,\r\n"
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "mailchimp.csv")
		_, _ = fw.Write([]byte(csv))
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/subscribers/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := ed.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), "salma@example.com") || !strings.Contains(string(page), "3:") {
			t.Fatalf("import: %d\n%.2000s", resp.StatusCode, page)
		}
		code, list := ed.get("/admin/subscribers?q=OMAR")
		if code != 200 || !strings.Contains(list, "omar@example.org") || strings.Contains(list, "salma@example.com") {
			t.Fatalf("search: %d", code)
		}
		resp, err = ed.http.Get(s.URL + "/admin/subscribers/export")
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(strings.TrimPrefix(string(out), "\ufeff"), "email,name,status") || !strings.Contains(string(out), "salma@example.com") {
			t.Fatalf("export: %s", out)
		}
		if code, _ := ed.get("/admin/subscribers?status=weird"); code != http.StatusBadRequest {
			t.Fatalf("bad status filter: %d", code)
		}
	})
}
