package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/mmcdole/gofeed"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// commentToken reads the comment form's token from a page.
func commentToken(t *testing.T, page string) string {
	t.Helper()
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no comment form")
	}
	return m[1]
}

// postComment sends the public form as a client at ip (through the
// loopback proxy's X-Forwarded-For) and returns the status, the Location
// and the body.
func postComment(t *testing.T, s *testSite, ip string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func commentForm(postID int64, token, name, email, body string) url.Values {
	return url.Values{"post_id": {fmt.Sprint(postID)}, "token": {token}, "name": {name}, "email": {email}, "comment": {body}}
}

func TestCommentsOnTheSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		p, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		article := "/" + url.PathEscape(s.Sample) + "/"
		page := s.mustGet(t, article, 200)
		for _, want := range []string{`id="comments"`, "لن يُنشر بريدك الإلكتروني", `"commentCount":0`, `name="website"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the article lacks %q", want)
			}
		}
		token := commentToken(t, page)

		// Too fast: refused, everything typed kept. The form is one served
		// just now (the page's own may be older than the fill time on a
		// loaded machine: its render is what dates it).
		code, _, body := postComment(t, s, "198.51.100.1", commentForm(p.ID, s.Svc.Comments.FormToken(p.ID), "سارة", "sara@example.com", "تعليق سريع جداً"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "تمهّل") || !strings.Contains(body, "تعليق سريع جداً") ||
			!strings.Contains(body, `value="sara@example.com"`) {
			t.Fatalf("too fast: %d", code)
		}
		waitFillTime()

		// Bad input: a clear answer, never a 500, and nothing stored.
		for _, c := range []struct {
			form url.Values
			want int
			text string
		}{
			{commentForm(p.ID, token, "", "sara@example.com", "نص"), 422, "اكتب اسمك"},
			{commentForm(p.ID, token, "سارة", "not-an-address", "نص"), 422, "غير صالح"},
			{commentForm(p.ID, token, "سارة", "sara@example.com", "   "), 422, "اكتب تعليقك"},
			{commentForm(p.ID, "forged", "سارة", "sara@example.com", "نص"), 422, "انتهت صلاحية النموذج"},
			{url.Values{"post_id": {"abc"}}, 400, ""},
			{commentForm(999999, token, "سارة", "sara@example.com", "نص"), 404, ""},
			{func() url.Values {
				f := commentForm(p.ID, token, "سارة", "sara@example.com", "نص")
				f.Set("url", "javascript:alert(1)")
				return f
			}(), 422, "http://"},
			{func() url.Values {
				f := commentForm(p.ID, token, "سارة", "sara@example.com", "نص")
				f.Set("parent_id", "987654")
				return f
			}(), 422, "غير موجود"},
		} {
			code, _, body := postComment(t, s, "198.51.100.2", c.form)
			if code != c.want || !strings.Contains(body, c.text) {
				t.Errorf("%v: %d, want %d with %q", c.form, code, c.want, c.text)
			}
		}
		if code, _, _ := postComment(t, s, "198.51.100.2", url.Values{"post_id": {fmt.Sprint(p.ID)}, "comment": {strings.Repeat("x", 70<<10)}}); code != http.StatusRequestEntityTooLarge {
			t.Errorf("a 70 KB form: %d", code)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM comments"); n != 0 {
			t.Fatalf("refused comments stored %d rows", n)
		}

		// A first comment is held; the reader is told so.
		form := commentForm(p.ID, token, "سارة", "sara@example.com", "تعليق **مهم** من [موقعي](https://sara.example/a)")
		form.Set("url", "https://sara.example/")
		code, loc, _ := postComment(t, s, "198.51.100.3", form)
		if code != http.StatusSeeOther || !strings.Contains(loc, "moderation=1") {
			t.Fatalf("first comment: %d %s", code, loc)
		}
		if _, held := s.get(t, strings.TrimPrefix(loc, s.URL)); !strings.Contains(held, "بانتظار مراجعة") {
			t.Fatal("the reader is not told the comment awaits moderation")
		}
		if page := s.mustGet(t, article, 200); strings.Contains(page, "تعليق <strong>مهم</strong>") {
			t.Fatal("a held comment is shown")
		}
		var first int64
		if err := db.QueryRow(ctx, "SELECT id FROM comments WHERE author_email = 'sara@example.com'").Scan(&first); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Svc.Comments.ModerateOne(ctx, comments.ActApprove, first); err != nil {
			t.Fatal(err)
		}
		page = s.mustGet(t, article, 200) // the approval flushed the cache
		for _, want := range []string{"تعليق <strong>مهم</strong>", `rel="nofollow ugc noopener"`, `"commentCount":1`, `"@type":"Comment"`,
			fmt.Sprintf(`id="comment-%d"`, first)} {
			if !strings.Contains(page, want) {
				t.Fatalf("the approved comment's page lacks %q", want)
			}
		}

		// Trusted now: the next comment is shown at once; a reply nests.
		token = commentToken(t, page)
		waitFillTime()
		code, loc, _ = postComment(t, s, "198.51.100.3", commentForm(p.ID, token, "سارة", "SARA@example.com", "تعليق ثانٍ"))
		if code != http.StatusSeeOther || !strings.Contains(loc, "#comment-") {
			t.Fatalf("a trusted commenter's comment: %d %s", code, loc)
		}
		_, reply := s.get(t, fmt.Sprintf("%s?replytocom=%d", article, first))
		if !strings.Contains(reply, fmt.Sprintf(`name="parent_id" value="%d"`, first)) || !strings.Contains(reply, "رداً على") {
			t.Fatal("?replytocom does not set up a reply")
		}
		f := commentForm(p.ID, commentToken(t, reply), "سارة", "sara@example.com", "رد على نفسي")
		f.Set("parent_id", fmt.Sprint(first))
		waitFillTime()
		if code, _, _ := postComment(t, s, "198.51.100.3", f); code != http.StatusSeeOther {
			t.Fatalf("reply: %d", code)
		}
		page = s.mustGet(t, article, 200)
		if !regexp.MustCompile(`(?s)id="comment-` + fmt.Sprint(first) + `".*<ol class="comment-children">.*رد على نفسي`).MatchString(page) {
			t.Fatal("the reply is not nested under its parent")
		}
		// The same form twice: one comment.
		if code, _, _ := postComment(t, s, "198.51.100.3", f); code != http.StatusConflict {
			t.Fatalf("double submit: %d", code)
		}
		_, newest := s.get(t, article+"?comments=newest")
		if strings.Index(newest, "تعليق ثانٍ") > strings.Index(newest, "تعليق <strong>مهم</strong>") {
			t.Fatal("?comments=newest does not put the newest thread first")
		}

		// Feeds.
		fp := gofeed.NewParser()
		for _, path := range []string{"/comments/feed/", article + "feed/"} {
			body := s.mustGet(t, path, 200)
			feed, err := fp.ParseString(body)
			if err != nil || len(feed.Items) != 3 || !strings.Contains(feed.Items[0].Link, "#comment-") {
				t.Fatalf("%s: %v, %d items", path, err, len(feed.Items))
			}
		}

		// Closed by the editor: no form, and the form posted anyway is refused.
		if err := s.Svc.Comments.SetOpen(ctx, p.ID, false); err != nil {
			t.Fatal(err)
		}
		page = s.mustGet(t, article, 200)
		if strings.Contains(page, `name="token"`) || !strings.Contains(page, "التعليقات مغلقة") {
			t.Fatal("a closed post still shows the form")
		}
		if code, _, _ := postComment(t, s, "198.51.100.4", commentForm(p.ID, token, "علي", "ali@example.com", "متأخر")); code != http.StatusForbidden {
			t.Fatalf("comment on a closed post: %d", code)
		}
	})
}

// TestTwoHundredConcurrentComments: 200 readers post at once over
// loopback; every comment lands once.
func TestTwoHundredConcurrentComments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		p, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		token := commentToken(t, s.mustGet(t, "/"+url.PathEscape(s.Sample)+"/", 200))
		waitFillTime()
		const n = 200
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := commentForm(p.ID, token, fmt.Sprintf("قارئ %d", i), fmt.Sprintf("reader%d@example.com", i),
					fmt.Sprintf("تعليق رقم %d", i))
				codes[i], _, _ = postComment(t, s, fmt.Sprintf("198.18.%d.%d", i/250, i%250+1), form) // the benchmarking range: 200 clients
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != http.StatusSeeOther {
				t.Errorf("comment %d: %d", i, c)
			}
		}
		if got := countRows(t, db, "SELECT COUNT(*) FROM comments WHERE post_id = ?", p.ID); got != n {
			t.Fatalf("%d comments stored, want %d", got, n)
		}
		if got := countRows(t, db, "SELECT COUNT(DISTINCT body_md) FROM comments WHERE post_id = ?", p.ID); got != n {
			t.Fatalf("%d distinct comments, want %d", got, n)
		}
	})
}

func countRows(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReplyNoticeAndOneClickUnsubscribe: a commenter who asked is mailed
// when someone answers; the mail's one-click link stops further notices.
func TestReplyNoticeAndOneClickUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		p, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		token := commentToken(t, s.mustGet(t, "/"+url.PathEscape(s.Sample)+"/", 200))
		waitFillTime()
		ask := commentForm(p.ID, token, "هدى", "huda@example.com", "سؤال: متى الموعد؟")
		ask.Set("notify", "1")
		if code, _, _ := postComment(t, s, "198.51.100.20", ask); code != http.StatusSeeOther {
			t.Fatalf("question: %d", code)
		}
		var qid int64
		if err := db.QueryRow(ctx, "SELECT id FROM comments WHERE author_email = 'huda@example.com'").Scan(&qid); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Svc.Comments.ModerateOne(ctx, comments.ActApprove, qid); err != nil {
			t.Fatal(err)
		}
		answer := func(body string) {
			t.Helper()
			f := commentForm(p.ID, token, "سامي", "sami@example.com", body)
			f.Set("parent_id", fmt.Sprint(qid))
			if code, _, _ := postComment(t, s, "198.51.100.21", f); code != http.StatusSeeOther {
				t.Fatalf("answer: %d", code)
			}
			var id int64
			if err := db.QueryRow(ctx, "SELECT id FROM comments WHERE body_md = ?", body).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Svc.Comments.Moderate(ctx, comments.ActApprove, id); err != nil {
				t.Fatal(err)
			}
		}
		answer("الموعد غداً")
		msg := findOutbox(t, s.Data, "huda@example.com", "the reply notice", func(m *mail.Message, body string) bool {
			return strings.Contains(body, "الموعد غداً")
		})
		link := strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>")
		if !strings.Contains(link, "/comments/unsubscribe?token=") || msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("notice headers: %v", msg.Header)
		}
		if strings.Contains(fmt.Sprint(msg.Header), "sami@example.com") {
			t.Fatal("the notice reveals the replier's address")
		}
		path := strings.TrimPrefix(link, s.URL)
		if resp, body := s.get(t, path); resp.StatusCode != 200 || !strings.Contains(body, `action="/comments/unsubscribe?token=`) {
			t.Fatalf("unsubscribe page: %d", resp.StatusCode)
		}
		if resp, _ := s.get(t, "/comments/unsubscribe?token=forged"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("forged token: %d", resp.StatusCode)
		}
		resp, err := client.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("one-click: %d", resp.StatusCode)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM comments WHERE author_email = 'huda@example.com' AND notify = ?", true); n != 0 {
			t.Fatalf("%d comments still ask for notices", n)
		}
	})
}
