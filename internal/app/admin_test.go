package app

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// browser is a signed-in staff member's HTTP client: it keeps cookies and
// does not follow redirects, so tests see each answer.
type browser struct {
	t    *testing.T
	s    *testSite
	http *http.Client
}

func (s *testSite) signIn(t *testing.T, email, password string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	code, _ := b.post("/admin/login", url.Values{"email": {email}, "password": {password}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", email, code)
	}
	return b
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.http.Get(b.s.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.http.PostForm(b.s.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var baseVersion = regexp.MustCompile(`name="base_version" value="(\d+)"`)

// editorForm reads the editor page of post id and returns its form values.
func (b *browser) editorForm(id int64, p *content.Post) url.Values {
	b.t.Helper()
	code, body := b.get("/admin/posts/" + strconv.FormatInt(id, 10))
	if code != 200 {
		b.t.Fatalf("editor: %d", code)
	}
	m := baseVersion.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatal("editor page has no base_version")
	}
	return url.Values{"base_version": {m[1]}, "type": {string(p.Type)}, "title": {p.Title}, "standfirst": {p.Standfirst},
		"body": {p.BodyMD}, "lang": {p.Lang}, "visibility": {p.Visibility}}
}

func newStaffUser(t *testing.T, db *store.DB, email string, role staff.Role) {
	t.Helper()
	if _, err := newStaff(db).Create(context.Background(), staff.NewUser{Email: email, Name: "حساب " + string(role), Role: role, Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
}

func TestAdminSignInAndRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "editor@example.com", staff.Editor)
		newStaffUser(t, db, "contrib@example.com", staff.Contributor)

		anon := &browser{t: t, s: s, http: client}
		if code, _ := anon.get("/admin/posts"); code != http.StatusSeeOther {
			t.Fatalf("anonymous admin: %d", code)
		}
		if code, _ := anon.post("/admin/posts/new", url.Values{"title": {"x"}}); code != http.StatusUnauthorized {
			t.Fatalf("anonymous post: %d", code)
		}
		if code, body := anon.post("/admin/login", url.Values{"email": {"editor@example.com"}, "password": {"wrong password!"}}); code != http.StatusUnauthorized || !strings.Contains(body, "غير صحيحة") {
			t.Fatalf("wrong password: %d", code)
		}

		ed := s.signIn(t, "editor@example.com", "a long password")
		if code, body := ed.get("/admin/posts"); code != 200 || !strings.Contains(body, sampleTitle) {
			t.Fatalf("post list: %d", code)
		}
		if code, _ := ed.get("/admin/posts?status=bogus"); code != http.StatusBadRequest {
			t.Fatalf("bad filter: %d", code)
		}
		for _, p := range []string{"/admin/posts/abc", "/admin/posts/999999", "/admin/posts/-1"} {
			if code, _ := ed.get(p); code != http.StatusNotFound {
				t.Errorf("%s: %d", p, code)
			}
		}

		// A contributor may write a draft but not publish it.
		co := s.signIn(t, "contrib@example.com", "a long password")
		form := url.Values{"title": {"مسودة المساهم"}, "body": {"نص"}, "lang": {"ar"}, "action": {"save"}}
		code, _ := co.post("/admin/posts/new", form)
		if code != http.StatusSeeOther {
			t.Fatalf("contributor save: %d", code)
		}
		form.Set("action", "publish")
		form.Set("title", "محاولة نشر")
		if code, body := co.post("/admin/posts/new", form); code != http.StatusForbidden || !strings.Contains(body, "لا تملك صلاحية النشر") {
			t.Fatalf("contributor publish: %d", code)
		}
		posts, _, err := s.Content.AdminList(context.Background(), content.AdminFilter{Status: content.Published})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range posts {
			if strings.Contains(p.Title, "المساهم") || strings.Contains(p.Title, "محاولة") {
				t.Fatalf("a contributor's post was published: %q", p.Title)
			}
		}
		// A contributor cannot open someone else's post.
		sample, _ := s.Content.Lookup(context.Background(), s.Sample)
		if code, _ := co.get("/admin/posts/" + strconv.FormatInt(sample.ID, 10)); code != http.StatusForbidden {
			t.Fatalf("contributor opens another's post: %d", code)
		}
	})
}

func TestAdminTwoEditorsAndRevisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		ctx := context.Background()
		newStaffUser(t, db, "a@example.com", staff.Editor)
		newStaffUser(t, db, "b@example.com", staff.Editor)
		a, b := s.signIn(t, "a@example.com", "a long password"), s.signIn(t, "b@example.com", "a long password")
		p, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		original := p.BodyMD
		id := strconv.FormatInt(p.ID, 10)
		formA, formB := a.editorForm(p.ID, p), b.editorForm(p.ID, p)

		formA.Set("body", original+"\n\nفقرة أضافها المحرر الأول.")
		formA.Set("action", "save")
		if code, _ := a.post("/admin/posts/"+id, formA); code != http.StatusSeeOther {
			t.Fatalf("first save: %d", code)
		}
		formB.Set("body", original+"\n\nفقرة أضافها المحرر الثاني.")
		formB.Set("action", "save")
		code, body := b.post("/admin/posts/"+id, formB)
		if code != http.StatusConflict || !strings.Contains(body, "فقرة أضافها المحرر الأول") || !strings.Contains(body, "فقرة أضافها المحرر الثاني") {
			t.Fatalf("second save: %d; the page must show both texts", code)
		}
		now, _ := s.Content.PostByID(ctx, p.ID)
		if !strings.Contains(now.BodyMD, "المحرر الأول") || strings.Contains(now.BodyMD, "المحرر الثاني") {
			t.Fatal("the second save overwrote the first")
		}
		// Saving again from the conflict page (which carries the new base) keeps the second editor's text.
		formB.Set("base_version", baseVersion.FindStringSubmatch(body)[1])
		if code, _ := b.post("/admin/posts/"+id, formB); code != http.StatusSeeOther {
			t.Fatalf("save after seeing the conflict: %d", code)
		}

		// Restore the first revision: the exact original text comes back.
		revs, _ := s.Content.Revisions(ctx, p.ID)
		first := revs[len(revs)-1]
		cur, _ := s.Content.PostByID(ctx, p.ID)
		if code, _ := a.get("/admin/posts/" + id + "/revisions?rev=" + strconv.FormatInt(first.ID, 10)); code != 200 {
			t.Fatalf("revision diff: %d", code)
		}
		code, _ = a.post("/admin/posts/"+id+"/revisions/"+strconv.FormatInt(first.ID, 10)+"/restore", url.Values{"base_version": {strconv.Itoa(cur.Version)}})
		if code != http.StatusSeeOther {
			t.Fatalf("restore: %d", code)
		}
		if back, _ := s.Content.PostByID(ctx, p.ID); back.BodyMD != original {
			t.Fatal("restore did not bring back the exact text")
		}

		// Autosave keeps text without touching the post, and the editor offers it back.
		if code, body := a.post("/admin/posts/"+id+"/autosave", url.Values{"title": {p.Title}, "body": {"نص لم يُحفظ بعد"}}); code != 200 || !strings.Contains(body, "saved_at") {
			t.Fatalf("autosave: %d %s", code, body)
		}
		if _, body := a.get("/admin/posts/" + id); !strings.Contains(body, "نص لم يُحفظ بعد") || !strings.Contains(body, "data-restore-autosave") {
			t.Fatal("the editor does not offer the autosave")
		}

		// Live preview is sanitized.
		if code, body := a.post("/admin/preview", url.Values{"body": {"**غامق** <script>alert(1)</script>"}}); code != 200 || strings.Contains(body, "<script") || !strings.Contains(body, "<strong>غامق</strong>") {
			t.Fatalf("preview: %d %s", code, body)
		}

		// A private preview link shows a draft; a wrong token does not.
		draftForm := url.Values{"title": {"مسودة للمعاينة"}, "body": {"نص المسودة"}, "lang": {"ar"}, "action": {"save"}}
		code, _ = a.post("/admin/posts/new", draftForm)
		if code != http.StatusSeeOther {
			t.Fatalf("draft: %d", code)
		}
		drafts, _, _ := s.Content.AdminList(ctx, content.AdminFilter{Status: content.Draft})
		d := drafts[0]
		did := strconv.FormatInt(d.ID, 10)
		f := a.editorForm(d.ID, &d)
		f.Set("action", "preview_link")
		if code, _ := a.post("/admin/posts/"+did, f); code != http.StatusSeeOther {
			t.Fatalf("preview link: %d", code)
		}
		d2, _ := s.Content.PostByID(ctx, d.ID)
		if code := s.mustGetCode(t, "/preview/"+did+"?token="+d2.PreviewToken); code != 200 {
			t.Fatalf("preview with token: %d", code)
		}
		if code := s.mustGetCode(t, "/preview/"+did+"?token=wrong"); code != 404 {
			t.Fatalf("preview with a wrong token: %d", code)
		}

		// Bulk unpublish by an editor.
		code, _ = a.post("/admin/posts/bulk", url.Values{"action": {"unpublish"}, "id": {id}})
		if code != http.StatusSeeOther {
			t.Fatalf("bulk: %d", code)
		}
		s.mustGet(t, "/"+url.PathEscape(s.Sample)+"/", 404)
	})
}

func (s *testSite) mustGetCode(t *testing.T, path string) int {
	t.Helper()
	resp, _ := s.get(t, path)
	return resp.StatusCode
}

func TestScheduledPostGoesLiveOnTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		ed := s.signIn(t, "ed@example.com", "a long password")
		// The site's time zone is the demo's (Asia/Riyadh): the form's time is local to it.
		loc, _ := time.LoadLocation("Asia/Riyadh")
		at := time.Now().Add(3 * time.Second).Truncate(time.Second)
		form := url.Values{"title": {"خبر مجدول بعد ثوان"}, "slug": {"scheduled-soon"}, "body": {"نص"}, "lang": {"ar"},
			"action": {"schedule"}, "publish_at": {at.In(loc).Format("2006-01-02T15:04:05")}}
		if code, body := ed.post("/admin/posts/new", form); code != http.StatusSeeOther {
			t.Fatalf("schedule: %d %.300s", code, body)
		}
		s.mustGet(t, "/scheduled-soon/", 404)
		deadline := at.Add(12 * time.Second)
		for {
			resp, _ := s.get(t, "/scheduled-soon/")
			if resp.StatusCode == 200 {
				t.Logf("live %v after its time", time.Since(at).Round(100*time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("still not live %v after its time", time.Since(at))
			}
			time.Sleep(200 * time.Millisecond)
		}
		form.Set("publish_at", time.Now().Add(-time.Hour).In(loc).Format("2006-01-02T15:04"))
		form.Set("slug", "in-the-past")
		if code, _ := ed.post("/admin/posts/new", form); code != http.StatusUnprocessableEntity {
			t.Fatalf("schedule in the past: %d", code)
		}
	})
}

func TestAdminSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "admin@example.com", staff.Administrator)
		newStaffUser(t, db, "editor@example.com", staff.Editor)
		ed := s.signIn(t, "editor@example.com", "a long password")
		if code, _ := ed.get("/admin/settings"); code != http.StatusForbidden {
			t.Fatalf("editor opens settings: %d", code)
		}
		if code, _ := ed.post("/admin/settings", url.Values{"title": {"x"}}); code != http.StatusForbidden {
			t.Fatalf("editor saves settings: %d", code)
		}
		ad := s.signIn(t, "admin@example.com", "a long password")
		code, body := ad.get("/admin/settings")
		if code != 200 || !strings.Contains(body, `name="timezone"`) || !strings.Contains(body, `href="/admin/settings"`) {
			t.Fatalf("settings form: %d", code)
		}
		form := url.Values{"title": {"نشرة المساء"}, "description": {"وصف"}, "lang": {"ar"}, "timezone": {"Mars/Base"}, "digits": {"arabic"},
			"months": {"levant"}, "posts_per_page": {"5"}, "nav": {"من نحن | /about/\nالاقتصاد | /category/اقتصاد/"}, "social": {"Mastodon | https://example.social/@n"}}
		if code, body := ad.post("/admin/settings", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Mars/Base") {
			t.Fatalf("bad zone: %d", code)
		}
		form.Set("timezone", "Africa/Cairo")
		if code, _ := ad.post("/admin/settings", form); code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		home := s.mustGet(t, "/", 200)
		mustContain(t, home, "نشرة المساء", `href="/about/"`, "example.social", `rel="me noopener"`)
		form.Set("nav", "x | javascript:alert(1)")
		if code, _ := ad.post("/admin/settings", form); code != http.StatusUnprocessableEntity {
			t.Fatalf("script link accepted: %d", code)
		}

		// WordPress's date permalinks: new addresses, old ones redirect.
		form.Set("nav", "")
		form.Set("permalink", "date")
		if code, _ := ad.post("/admin/settings", form); code != http.StatusSeeOther {
			t.Fatalf("permalink: %d", code)
		}
		p, err := s.Content.Lookup(context.Background(), s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		cairo, _ := time.LoadLocation("Africa/Cairo")
		dated := p.PublishedAt.In(cairo).Format("/2006/01/02/") + url.PathEscape(s.Sample) + "/"
		page := s.mustGet(t, dated, 200)
		mustContain(t, page, `<link rel="canonical" href="`+s.URL+dated+`">`)
		old, _ := s.get(t, "/"+url.PathEscape(s.Sample)+"/")
		if old.StatusCode != http.StatusMovedPermanently || old.Header.Get("Location") != dated {
			t.Fatalf("old address: %d → %q, want %q", old.StatusCode, old.Header.Get("Location"), dated)
		}
		mustContain(t, s.mustGet(t, "/feed/", 200), s.URL+dated)
		mustContain(t, s.mustGet(t, "/about/", 200), "من نحن") // pages keep /slug/
		wrongDay, _ := s.get(t, "/1999/01/01/"+url.PathEscape(s.Sample)+"/")
		if wrongDay.StatusCode != http.StatusMovedPermanently || wrongDay.Header.Get("Location") != dated {
			t.Fatalf("wrong date: %d %q", wrongDay.StatusCode, wrongDay.Header.Get("Location"))
		}
	})
}

// outboxLink waits for a message to to appear in the outbox and returns the
// first link in it that contains path.
func outboxLink(t *testing.T, data, to, path string) string {
	t.Helper()
	re := regexp.MustCompile(`https?://\S*` + regexp.QuoteMeta(path) + `\S*`)
	var link string
	findOutbox(t, data, to, "a "+path+" link", func(_ *mail.Message, body string) bool {
		link = re.FindString(body)
		return link != ""
	})
	return link
}

func TestAdminInvitationsAndPasswordResets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "admin@example.com", staff.Administrator)
		newStaffUser(t, db, "author@example.com", staff.Author)
		if code, _ := s.signIn(t, "author@example.com", "a long password").get("/admin/staff"); code != http.StatusForbidden {
			t.Fatalf("an author sees the staff page: %d", code)
		}
		ad := s.signIn(t, "admin@example.com", "a long password")
		if code, _ := ad.post("/admin/staff/invite", url.Values{"email": {"new@example.com"}, "role": {"owner"}}); code != http.StatusForbidden {
			t.Fatalf("an administrator invites an owner: %d", code)
		}
		if code, _ := ad.post("/admin/staff/invite", url.Values{"email": {"not an email"}, "role": {"author"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("bad email: %d", code)
		}
		if code, _ := ad.post("/admin/staff/invite", url.Values{"email": {"new@example.com"}, "role": {"editor"}}); code != http.StatusSeeOther {
			t.Fatalf("invite: %d", code)
		}
		link := outboxLink(t, s.Data, "new@example.com", "/admin/invite?token=")
		path := strings.TrimPrefix(link, s.URL)
		anon := &browser{t: t, s: s, http: client}
		if code, body := anon.get(path); code != 200 || !strings.Contains(body, "new@example.com") {
			t.Fatalf("invite page: %d", code)
		}
		tok := path[strings.Index(path, "token=")+6:]
		tok, _ = url.QueryUnescape(tok)
		if code, _ := anon.post("/admin/invite", url.Values{"token": {tok}, "name": {"عضو جديد"}, "password": {"short"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("short password: %d", code)
		}
		if code, _ := anon.post("/admin/invite", url.Values{"token": {tok}, "name": {"عضو جديد"}, "password": {"a new long password"}}); code != http.StatusSeeOther {
			t.Fatalf("accept: %d", code)
		}
		if code, _ := anon.post("/admin/invite", url.Values{"token": {tok}, "name": {"مرة ثانية"}, "password": {"a new long password"}}); code != http.StatusForbidden {
			t.Fatalf("second use of an invitation: %d", code)
		}
		s.signIn(t, "new@example.com", "a new long password")

		// Reset: the same answer for a real and an unknown address.
		_, real := anon.post("/admin/forgot", url.Values{"email": {"author@example.com"}})
		_, unknown := anon.post("/admin/forgot", url.Values{"email": {"nobody@example.com"}})
		if !strings.Contains(real, "إن كان للعنوان حساب") || !strings.Contains(unknown, "إن كان للعنوان حساب") {
			t.Fatal("the reset form tells which addresses have accounts")
		}
		reset := strings.TrimPrefix(outboxLink(t, s.Data, "author@example.com", "/admin/reset?token="), s.URL)
		rtok, _ := url.QueryUnescape(reset[strings.Index(reset, "token=")+6:])
		if code, _ := anon.get(reset); code != 200 {
			t.Fatalf("reset page: %d", code)
		}
		if code, _ := anon.post("/admin/reset", url.Values{"token": {rtok}, "password": {"the author's new password"}}); code != http.StatusSeeOther {
			t.Fatalf("reset: %d", code)
		}
		if code, _ := anon.post("/admin/reset", url.Values{"token": {rtok}, "password": {"yet another password"}}); code != http.StatusForbidden {
			t.Fatalf("second use of a reset link: %d", code)
		}
		s.signIn(t, "author@example.com", "the author's new password")
		if code, _ := anon.get("/admin/reset?token=garbage"); code != http.StatusForbidden {
			t.Fatalf("garbage token: %d", code)
		}
	})
}

var shownOnce = regexp.MustCompile(`value="(nsh_[A-Za-z0-9_-]+|[0-9a-f]{32})" dir="ltr" aria-label="(token|key)"`)

func (b *browser) apiCall(method, path, token, body string) int {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.s.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAccountTokensAndTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "admin@example.com", staff.Administrator)
		newStaffUser(t, db, "co@example.com", staff.Contributor)
		co := s.signIn(t, "co@example.com", "a long password")
		code, body := co.post("/admin/account", url.Values{"do": {"token"}, "name": {"سكربت"}, "days": {"30"}})
		m := shownOnce.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("token: %d", code)
		}
		tok := m[1]
		if code := co.apiCall("GET", "/api/admin/v1/posts", tok, ""); code != 200 {
			t.Fatalf("API with the new token: %d", code)
		}
		// The contributor's publish is refused by the API too.
		if code := co.apiCall("POST", "/api/admin/v1/posts", tok, `{"posts":[{"title":"نشر مباشر","markdown":"نص","status":"published"}]}`); code != http.StatusForbidden {
			t.Fatalf("contributor publish through the API: %d", code)
		}
		if code := co.apiCall("POST", "/api/admin/v1/posts", tok, `{"posts":[{"title":"مسودة عبر الواجهة","markdown":"نص","status":"draft"}]}`); code != http.StatusCreated {
			t.Fatalf("contributor draft through the API: %d", code)
		}
		if _, body := co.post("/admin/account", url.Values{"do": {"key"}, "name": {"x"}}); !strings.Contains(body, "لا تملك صلاحية") {
			t.Fatal("a contributor made a content key")
		}
		tokens, _ := newStaff(db).ListAPITokens(context.Background(), mustUserID(t, db, "co@example.com"))
		if code, _ := co.post("/admin/account", url.Values{"do": {"revoke_token"}, "id": {strconv.FormatInt(tokens[0].ID, 10)}}); code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", code)
		}
		if code := co.apiCall("GET", "/api/admin/v1/posts", tok, ""); code != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", code)
		}

		ad := s.signIn(t, "admin@example.com", "a long password")
		_, body = ad.post("/admin/account", url.Values{"do": {"key"}, "name": {"تطبيق الجوال"}})
		km := shownOnce.FindStringSubmatch(body)
		if km == nil {
			t.Fatal("no content key shown")
		}
		if r := s.mustGetCode(t, "/api/content/v1/posts?key="+km[1]); r != 200 {
			t.Fatalf("content API with the new key: %d", r)
		}
		if code, _ := ad.post("/admin/account", url.Values{"do": {"locale"}, "locale": {"en"}}); code != http.StatusSeeOther {
			t.Fatalf("locale: %d", code)
		}
		if _, body := ad.get("/admin/posts"); !strings.Contains(body, `<html lang="en" dir="ltr">`) || !strings.Contains(body, "Posts") {
			t.Fatal("the admin did not switch to English")
		}
		if code, _ := ad.post("/admin/account", url.Values{"do": {"password"}, "old": {"wrong one!!"}, "new": {"another long password"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("wrong old password: %d", code)
		}
		if code, _ := ad.post("/admin/account", url.Values{"do": {"password"}, "old": {"a long password"}, "new": {"another long password"}}); code != http.StatusSeeOther {
			t.Fatalf("password change: %d", code)
		}
		if code, _ := ad.get("/admin/posts"); code != 200 {
			t.Fatalf("the session did not survive the password change: %d", code)
		}
		s.signIn(t, "admin@example.com", "another long password")
	})
}

func mustUserID(t *testing.T, db *store.DB, email string) int64 {
	t.Helper()
	u, err := newStaff(db).ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestAdminCategories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		newStaffUser(t, db, "au@example.com", staff.Author)
		if code, _ := s.signIn(t, "au@example.com", "a long password").get("/admin/categories"); code != http.StatusForbidden {
			t.Fatalf("an author manages sections: %d", code)
		}
		ed := s.signIn(t, "ed@example.com", "a long password")
		if code, _ := ed.post("/admin/categories/new", url.Values{"name": {"رياضة"}, "description": {"كرة القدم وغيرها"}}); code != http.StatusSeeOther {
			t.Fatalf("create: %d", code)
		}
		mustContain(t, s.mustGet(t, "/", 200), `href="/category/`+url.PathEscape("رياضة")+`/"`)
		if code, _ := ed.post("/admin/categories/new", url.Values{"name": {"رياضة"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate: %d", code)
		}
		c, err := s.Content.CategoryBySlug(context.Background(), "رياضة")
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(c.ID, 10)
		if code, _ := ed.post("/admin/categories/"+id, url.Values{"name": {"الرياضة"}, "slug": {"sport"}}); code != http.StatusSeeOther {
			t.Fatalf("rename: %d", code)
		}
		s.mustGet(t, "/category/sport/", 200)
		if code, _ := ed.post("/admin/categories/"+id, url.Values{"delete": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("delete: %d", code)
		}
		s.mustGet(t, "/category/sport/", 404)
		if code, _ := ed.post("/admin/categories/abc", url.Values{"name": {"x"}}); code != http.StatusNotFound {
			t.Fatalf("bad id: %d", code)
		}
	})
}
