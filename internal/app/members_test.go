package app

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
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

func TestPublishingSendsTheNewsletterAndOneClickUnsubscribes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		jar, _ := cookiejar.New(nil)
		reader := &browser{t: t, s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		if code, _ := reader.post("/subscribe", url.Values{"email": {"reader@example.com"}}); code != 200 {
			t.Fatalf("subscribe: %d", code)
		}
		if code, _ := reader.get(strings.TrimPrefix(outboxLink(t, s.Data, "reader@example.com", "/members/confirm?token="), s.URL)); code != 200 {
			t.Fatalf("confirm: %d", code)
		}
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		ed := s.signIn(t, "ed@example.com", "a long password")
		form := url.Values{"title": {"خبر للنشرة"}, "slug": {"for-the-newsletter"}, "body": {"نص الخبر مع NBC News."}, "lang": {"ar"},
			"action": {"publish"}, "send_newsletter": {"news"}}
		if code, body := ed.post("/admin/posts/new", form); code != http.StatusSeeOther {
			t.Fatalf("publish: %d %.300s", code, body)
		}
		unsub := outboxLink(t, s.Data, "reader@example.com", "/members/unsubscribe?")
		msg := outboxMessage(t, s.Data, "reader@example.com", "خبر للنشرة")
		if msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(msg.Header.Get("List-Unsubscribe"), "/members/unsubscribe?") ||
			msg.Header.Get("List-Id") == "" {
			t.Fatalf("headers: %v", msg.Header)
		}
		// RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" to the link.
		resp, err := client.Post(unsub, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
		}
		m, err := memberByEmail(db, "reader@example.com")
		if err != nil || m != "unsubscribed" {
			t.Fatalf("status after unsubscribing: %q %v", m, err)
		}
		tampered := strings.Replace(unsub, "sig=", "sig=0", 1)
		if r, _ := s.get(t, strings.TrimPrefix(tampered, s.URL)); r.StatusCode != http.StatusForbidden {
			t.Fatalf("tampered link: %d", r.StatusCode)
		}
	})
}

func memberByEmail(db *store.DB, email string) (string, error) {
	var st string
	err := db.QueryRow(context.Background(), "SELECT status FROM members WHERE email = ?", email).Scan(&st)
	return st, err
}

// outboxMessage finds the message to to whose subject contains subject.
func outboxMessage(t *testing.T, data, to, subject string) *mail.Message {
	t.Helper()
	dec := new(mime.WordDecoder)
	return findOutbox(t, data, to, "the subject "+subject, func(msg *mail.Message, _ string) bool {
		subj, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
		return strings.Contains(subj, subject)
	})
}
