package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// confirmedReader subscribes email through the public form and confirms
// it by the mailed link.
func confirmedReader(t *testing.T, s *testSite, email string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if code, _ := b.post("/subscribe", url.Values{"email": {email}}); code != 200 {
		t.Fatalf("subscribe %s: %d", email, code)
	}
	if code, _ := b.get(strings.TrimPrefix(outboxLink(t, s.Data, email, "/members/confirm?token="), s.URL)); code != 200 {
		t.Fatalf("confirm %s: %d", email, code)
	}
	return b
}

// TestAdminNewslettersSendsAndBounces: the newsroom's side of newsletters.
// A scheduled post emailed when it goes live; the sends page's progress and
// its pause/cancel answers; a digest sent by hand; the outbox for
// administrators only; the bounce webhook with the key the page shows.
func TestAdminNewslettersSendsAndBounces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		confirmedReader(t, s, "daily@example.com")
		confirmedReader(t, s, "every@example.com")
		if _, err := db.Exec(ctx, "UPDATE members SET frequency = 'daily' WHERE email = 'daily@example.com'"); err != nil {
			t.Fatal(err)
		}
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		newStaffUser(t, db, "admin@example.com", staff.Administrator)
		ed := s.signIn(t, "ed@example.com", "a long password")
		admin := s.signIn(t, "admin@example.com", "a long password")

		// Newsletters: create one with its digest schedule; bad input is refused with a reason.
		code, page := ed.get("/admin/newsletters")
		if code != 200 || !strings.Contains(page, "النشرة") || strings.Contains(page, "Bearer ") {
			t.Fatalf("newsletters page for an editor: %d (the webhook key is for administrators)", code)
		}
		if code, _ := ed.post("/admin/newsletters", url.Values{"name": {"موجز الصباح"}, "slug": {"morning"}, "digest_hour": {"6"},
			"digest_weekday": {"5"}, "include_all": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("create a newsletter: %d", code)
		}
		var hour, day int
		var all bool
		if err := db.QueryRow(ctx, "SELECT digest_hour, digest_weekday, include_all FROM newsletters WHERE slug = 'morning'").Scan(&hour, &day, &all); err != nil ||
			hour != 6 || day != 5 || !all {
			t.Fatalf("stored schedule %d %d %v, %v", hour, day, all, err)
		}
		for _, bad := range []url.Values{{"name": {"x"}, "digest_hour": {"24"}, "digest_weekday": {"1"}},
			{"name": {"x"}, "digest_hour": {"7"}, "digest_weekday": {"sunday"}}, {"name": {""}}, {"name": {"y"}, "slug": {"morning"}}} {
			if code, body := ed.post("/admin/newsletters", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, `class="alert"`) {
				t.Errorf("newsletter %v: %d", bad, code)
			}
		}

		// A scheduled post emailed when it goes live; the editor sees the choice kept.
		loc, _ := time.LoadLocation("Asia/Riyadh")
		at := time.Now().Add(3 * time.Second).Truncate(time.Second)
		form := url.Values{"title": {"خبر مجدول للنشرة"}, "slug": {"scheduled-letter"}, "body": {"نص الخبر."}, "lang": {"ar"},
			"action": {"schedule"}, "publish_at": {at.In(loc).Format("2006-01-02T15:04:05")}, "send_newsletter": {"news"}}
		if code, _ := ed.post("/admin/posts/new", form); code != http.StatusSeeOther {
			t.Fatalf("schedule: %d", code)
		}
		var postID int64
		if err := db.QueryRow(ctx, "SELECT id FROM posts WHERE slug = 'scheduled-letter'").Scan(&postID); err != nil {
			t.Fatal(err)
		}
		if _, body := ed.get(fmt.Sprintf("/admin/posts/%d", postID)); !strings.Contains(body, `<option value="news" selected>`) {
			t.Fatal("the editor does not show the newsletter chosen for the scheduled post")
		}
		for deadline := at.Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if resp, _ := s.get(t, "/scheduled-letter/"); resp.StatusCode == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the scheduled post did not go live")
			}
		}
		outboxMessage(t, s.Data, "every@example.com", "خبر مجدول للنشرة")
		var sendID, total int64
		if err := db.QueryRow(ctx, "SELECT id, total FROM sends WHERE post_id = ?", postID).Scan(&sendID, &total); err != nil || total != 1 {
			t.Fatalf("the post's send: %d recipients, %v (the daily reader waits for the digest)", total, err)
		}

		// The sends list and one send's progress.
		if _, page := ed.get("/admin/newsletters"); !strings.Contains(page, "خبر مجدول للنشرة") {
			t.Fatal("the send is not listed")
		}
		waitSendDone(t, db, sendID)
		code, page = ed.get(fmt.Sprintf("/admin/sends/%d", sendID))
		if code != 200 || !regexp.MustCompile(`data-stat="sent">1<`).MatchString(page) || strings.Contains(page, `http-equiv="refresh"`) {
			t.Fatalf("send page: %d\n%.2000s", code, page)
		}
		if code, _ := ed.post(fmt.Sprintf("/admin/sends/%d/pause", sendID), nil); code != http.StatusSeeOther {
			t.Fatalf("pausing a finished send: %d, want a redirect with a message", code)
		}
		for _, path := range []string{"/admin/sends/99999", "/admin/sends/x"} {
			if code, _ := ed.get(path); code != http.StatusNotFound {
				t.Errorf("%s: %d", path, code)
			}
		}
		if code, _ := ed.post(fmt.Sprintf("/admin/sends/%d/explode", sendID), nil); code != http.StatusNotFound {
			t.Errorf("unknown action: %d", code)
		}

		// A daily digest by hand: the daily reader gets today's emailed post.
		var newsID int64
		if err := db.QueryRow(ctx, "SELECT id FROM newsletters WHERE slug = 'news'").Scan(&newsID); err != nil {
			t.Fatal(err)
		}
		code, _ = ed.post(fmt.Sprintf("/admin/newsletters/%d", newsID), url.Values{"action": {"digest_daily"}})
		if code != http.StatusSeeOther {
			t.Fatalf("digest by hand: %d", code)
		}
		findOutbox(t, s.Data, "daily@example.com", "the digest", func(_ *mail.Message, body string) bool {
			return strings.Contains(body, "خبر مجدول للنشرة")
		})
		if code, body := ed.post(fmt.Sprintf("/admin/newsletters/%d", newsID), url.Values{"action": {"digest_weekly"}}); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "لا مشترك اختار هذا الموجز") {
			t.Fatalf("a weekly digest nobody takes: %d", code)
		}

		// The outbox: administrators only, and only its own files.
		if code, _ := ed.get("/admin/outbox"); code != http.StatusForbidden {
			t.Fatalf("outbox for an editor: %d", code)
		}
		code, page = admin.get("/admin/outbox")
		name := regexp.MustCompile(`href="/admin/outbox/([^"]+\.eml)"`).FindStringSubmatch(page)
		if code != 200 || name == nil || !strings.Contains(page, "daily@example.com") {
			t.Fatalf("outbox: %d\n%.1500s", code, page)
		}
		if code, body := admin.get("/admin/outbox/" + name[1]); code != 200 || !strings.Contains(body, `<pre class="mail"`) {
			t.Fatalf("outbox message: %d", code)
		}
		for _, bad := range []string{"/admin/outbox/..%2Fnashra.db", "/admin/outbox/missing.eml"} {
			if code, _ := admin.get(bad); code != http.StatusNotFound {
				t.Errorf("%s: %d", bad, code)
			}
		}

		// The bounce webhook, with the key the page shows administrators.
		_, page = admin.get("/admin/newsletters")
		key := regexp.MustCompile(`Bearer ([0-9a-f]{64})`).FindStringSubmatch(page)
		if key == nil {
			t.Fatal("the administrator's page shows no webhook key")
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/mail",
			strings.NewReader(`{"type":"complaint","email":"every@example.com","id":"evt-1"}`))
		req.Header.Set("Authorization", "Bearer "+key[1])
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("webhook: %d", resp.StatusCode)
		}
		if st, _ := memberByEmail(db, "every@example.com"); st != "complained" {
			t.Fatalf("after a complaint: %s", st)
		}
		if _, page := ed.get("/admin/newsletters"); !strings.Contains(page, "every@example.com") {
			t.Fatal("the complaint is not listed")
		}
	})
}

// waitSendDone waits until a send has no pending delivery.
func waitSendDone(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	for range 200 {
		var st string
		if err := db.QueryRow(context.Background(), "SELECT status FROM sends WHERE id = ?", id).Scan(&st); err == nil && st == "done" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("send %d did not finish", id)
}
