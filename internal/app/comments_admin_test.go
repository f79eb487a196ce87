package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// siteComments builds the site's comments service as the app wires it
// (secret, settings-driven policy), over the test site's store: readers'
// comments come in through it, as they would from the site's form.
func siteComments(t *testing.T, s *testSite) *comments.Service {
	t.Helper()
	ctx := context.Background()
	svc, err := NewServices(ctx, s.DB, ServiceOptions{Storage: media.NewDiskStorage(s.Data), BaseURL: s.URL, Data: s.Data,
		NodeID: "test/comments", CommentMinFill: testFillTime}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = svc.Queue.Stop(sctx) // never started: this only closes its pool
	})
	return svc.Comments
}

// commentForms hands out comment form tokens served long enough ago to pass the
// minimum fill time: made in a batch, then one wait.
type commentForms struct {
	t    *testing.T
	cs   *comments.Service
	toks map[int64][]string
	ips  int
}

func newForms(t *testing.T, cs *comments.Service, n int, posts ...int64) *commentForms {
	f := &commentForms{t: t, cs: cs, toks: map[int64][]string{}}
	for _, p := range posts {
		for range n {
			f.toks[p] = append(f.toks[p], cs.FormToken(p))
		}
	}
	waitFillTime()
	return f
}

// send posts a reader's comment on post and returns it, or the error.
func (f *commentForms) send(post int64, name, email, body string) (*comments.Comment, error) {
	f.t.Helper()
	if len(f.toks[post]) == 0 {
		f.t.Fatal("out of form tokens")
	}
	tok := f.toks[post][0]
	f.toks[post] = f.toks[post][1:]
	f.ips++
	return f.cs.Create(context.Background(), comments.Input{PostID: post, Name: name, Email: email, Body: body, Token: tok,
		IP: fmt.Sprintf("198.51.100.%d", f.ips), UserAgent: "Mozilla/5.0 (test)"})
}

func (f *commentForms) mustSend(post int64, name, email, body string) *comments.Comment {
	f.t.Helper()
	c, err := f.send(post, name, email, body)
	if err != nil {
		f.t.Fatalf("comment %q: %v", body, err)
	}
	return c
}

func wantCommentStatus(t *testing.T, cs *comments.Service, id int64, want comments.Status) {
	t.Helper()
	c, err := cs.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("comment %d: %v", id, err)
	}
	if c.Status != want {
		t.Fatalf("comment %d is %s, want %s", id, c.Status, want)
	}
}

// wantAdminCode checks an admin answer's status, and that no answer is a 500.
func wantAdminCode(t *testing.T, what string, code, want int, body string) {
	t.Helper()
	if code != want {
		t.Fatalf("%s: status %d, want %d\n%.400s", what, code, want, body)
	}
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

func TestCommentsAdminModeration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		cs := siteComments(t, s)
		newStaffUser(t, db, "editor@example.com", staff.Editor)
		newStaffUser(t, db, "author@example.com", staff.Author)
		sample, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		post := sample.ID
		f := newForms(t, cs, 8, post)

		a := f.mustSend(post, "قارئة أولى", "first@example.com", "تعليق **أول** على الخبر")
		b := f.mustSend(post, "Spam Bot", "bot1@spam.example", "cheap pills")
		c := f.mustSend(post, "Spam Bot 2", "bot2@spam.example", "more pills")
		d := f.mustSend(post, "قارئ رابع", "fourth@example.com", "تعليق يُرمى ثم يُستعاد")
		e := f.mustSend(post, "قارئ خامس", "fifth@example.com", "سؤال للتحرير؟")
		for _, x := range []*comments.Comment{a, b, c, d, e} {
			if x.Status != comments.Pending {
				t.Fatalf("a first comment is %s", x.Status)
			}
		}

		// An author may not moderate, and is not offered to.
		au := s.signIn(t, "author@example.com", "a long password")
		for _, p := range []string{"/admin/comments", "/admin/comments/" + idStr(a.ID)} {
			code, body := au.get(p)
			wantAdminCode(t, "author GET "+p, code, http.StatusForbidden, body)
		}
		for _, p := range []string{"/admin/comments/bulk", "/admin/comments/" + idStr(a.ID) + "/approve", "/admin/comments/" + idStr(a.ID),
			"/admin/comments/" + idStr(a.ID) + "/reply", "/admin/comments/blocklist"} {
			code, body := au.post(p, url.Values{"action": {"approve"}, "id": {idStr(a.ID)}, "body": {"x"}, "kind": {"word"}, "value": {"xx"}})
			wantAdminCode(t, "author POST "+p, code, http.StatusForbidden, body)
		}
		if _, body := au.get("/admin/posts"); strings.Contains(body, `href="/admin/comments"`) {
			t.Fatal("the author's menu offers comments")
		}
		wantCommentStatus(t, cs, a.ID, comments.Pending)

		// The queue, as an editor sees it.
		ed := s.signIn(t, "editor@example.com", "a long password")
		code, body := ed.get("/admin/comments")
		wantAdminCode(t, "queue", code, 200, body)
		mustContain(t, body, "قارئة أولى", "first@example.com", "198.51.100.1", "<strong>أول</strong>", "first comment from this address",
			sample.Title, `href="/admin/comments?status=pending"`, "(5)", `class="badge"`,
			`formaction="/admin/comments/`+idStr(a.ID)+`/approve"`, `name="action"`, `id="blocklist"`)
		code, body = ed.get("/admin/comments?q=" + url.QueryEscape("قارئة"))
		wantAdminCode(t, "search", code, 200, body)
		if !strings.Contains(body, "first@example.com") || strings.Contains(body, "bot1@spam.example") {
			t.Fatal("search does not filter")
		}
		code, body = ed.get("/admin/comments?post=" + idStr(post) + "&status=pending")
		wantAdminCode(t, "post filter", code, 200, body)
		mustContain(t, body, "fifth@example.com")
		for p, want := range map[string]int{
			"/admin/comments?status=bogus": http.StatusBadRequest, "/admin/comments?post=abc": http.StatusBadRequest,
			"/admin/comments?post=999999": http.StatusNotFound, "/admin/comments?page=x": http.StatusBadRequest,
			"/admin/comments?page=99": 200, "/admin/comments/999999": http.StatusNotFound, "/admin/comments/abc": http.StatusNotFound,
			"/admin/comments?q=" + strings.Repeat("x", 300): http.StatusBadRequest,
		} {
			code, body := ed.get(p)
			wantAdminCode(t, p, code, want, body)
		}

		// Approve one: back to the filtered queue it came from.
		back := "/admin/comments?status=pending"
		resp := ed.postResp("/admin/comments/"+idStr(a.ID)+"/approve", url.Values{"back": {back}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != back {
			t.Fatalf("approve: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		wantCommentStatus(t, cs, a.ID, comments.Approved)
		if _, body := ed.get(back); !strings.Contains(body, "نُشر التعليق") {
			t.Fatal("no flash after approving")
		}
		// A back address off the queue is ignored.
		resp = ed.postResp("/admin/comments/"+idStr(a.ID)+"/unapprove", url.Values{"back": {"https://evil.example/"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/comments" {
			t.Fatalf("foreign back: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		ed.mustPost("/admin/comments/"+idStr(a.ID)+"/approve", nil, http.StatusSeeOther)

		// Bulk: spam two.
		ed.mustPost("/admin/comments/bulk", url.Values{"action": {"spam"}, "id": {idStr(b.ID), idStr(c.ID)}, "back": {"/admin/comments"}}, http.StatusSeeOther)
		wantCommentStatus(t, cs, b.ID, comments.Spam)
		wantCommentStatus(t, cs, c.ID, comments.Spam)
		code, body = ed.get("/admin/comments?status=spam")
		wantAdminCode(t, "spam tab", code, 200, body)
		mustContain(t, body, "bot1@spam.example", "bot2@spam.example", `formaction="/admin/comments/`+idStr(b.ID)+`/unspam"`,
			`formaction="/admin/comments/`+idStr(b.ID)+`/delete"`)
		// Bulk refusals: a clear answer, never a 500.
		for what, form := range map[string]url.Values{
			"bogus action": {"action": {"explode"}, "id": {idStr(b.ID)}},
			"bad id":       {"action": {"trash"}, "id": {"abc"}},
		} {
			code, body := ed.post("/admin/comments/bulk", form)
			wantAdminCode(t, "bulk "+what, code, http.StatusBadRequest, body)
		}
		for what, form := range map[string]url.Values{
			"no action": {"action": {""}, "id": {idStr(b.ID)}},
			"none":      {"action": {"trash"}},
		} {
			code, body := ed.post("/admin/comments/bulk", form)
			wantAdminCode(t, "bulk "+what, code, http.StatusSeeOther, body)
		}
		wantCommentStatus(t, cs, b.ID, comments.Spam)
		// A bulk action on comments it does not fit changes the others only.
		ed.mustPost("/admin/comments/bulk", url.Values{"action": {"approve"}, "id": {idStr(b.ID), idStr(e.ID), "999999"}}, http.StatusSeeOther)
		wantCommentStatus(t, cs, b.ID, comments.Spam)
		ed.mustPost("/admin/comments/"+idStr(e.ID)+"/unapprove", nil, http.StatusSeeOther)

		// Trash and restore; actions that do not apply say so.
		ed.mustPost("/admin/comments/"+idStr(d.ID)+"/trash", nil, http.StatusSeeOther)
		wantCommentStatus(t, cs, d.ID, comments.Trash)
		code, body = ed.get("/admin/comments?status=trash")
		wantAdminCode(t, "trash tab", code, 200, body)
		mustContain(t, body, "fourth@example.com", `/admin/comments/`+idStr(d.ID)+`/restore`)
		ed.mustPost("/admin/comments/"+idStr(d.ID)+"/restore", nil, http.StatusSeeOther)
		wantCommentStatus(t, cs, d.ID, comments.Pending)
		for p, want := range map[string]int{
			"/admin/comments/" + idStr(d.ID) + "/restore": http.StatusConflict,
			"/admin/comments/" + idStr(d.ID) + "/delete":  http.StatusConflict,
			"/admin/comments/" + idStr(d.ID) + "/explode": http.StatusBadRequest,
			"/admin/comments/999999/approve":              http.StatusNotFound,
			"/admin/comments/abc/approve":                 http.StatusNotFound,
		} {
			code, body := ed.post(p, nil)
			wantAdminCode(t, p, code, want, body)
		}
		// Delete for good, from spam: its page goes.
		ed.mustPost("/admin/comments/"+idStr(c.ID)+"/delete", url.Values{"back": {"/admin/comments/" + idStr(c.ID)}}, http.StatusSeeOther)
		if _, err := cs.Get(ctx, c.ID); err == nil {
			t.Fatal("deleted comment still there")
		}
		code, body = ed.get("/admin/comments/" + idStr(c.ID))
		wantAdminCode(t, "deleted comment page", code, http.StatusNotFound, body)

		// Edit: the text is rendered again.
		code, body = ed.get("/admin/comments/" + idStr(a.ID))
		wantAdminCode(t, "comment page", code, 200, body)
		mustContain(t, body, `name="body"`, "تعليق **أول** على الخبر", "first@example.com", `action="/admin/comments/`+idStr(a.ID)+`/reply"`)
		ed.mustPost("/admin/comments/"+idStr(a.ID), url.Values{"name": {"قارئة مصححة"}, "url": {"example.org/me"}, "body": {"نص _مصحح_ مع [رابط](https://example.org)"}}, http.StatusSeeOther)
		got, _ := cs.Get(ctx, a.ID)
		if got.AuthorName != "قارئة مصححة" || got.AuthorURL != "https://example.org/me" || !strings.Contains(string(got.BodyHTML), "<em>مصحح</em>") ||
			strings.Contains(string(got.BodyHTML), "<strong>أول</strong>") || got.Status != comments.Approved {
			t.Fatalf("edited: %+v", got)
		}
		for what, form := range map[string]url.Values{
			"empty body": {"name": {"س"}, "body": {"  "}},
			"script url": {"name": {"س"}, "url": {"javascript:alert(1)"}, "body": {"x"}},
			"no name":    {"name": {""}, "body": {"x"}},
		} {
			code, body := ed.post("/admin/comments/"+idStr(a.ID), form)
			wantAdminCode(t, "edit "+what, code, http.StatusUnprocessableEntity, body)
			if !strings.Contains(body, `class="alert"`) {
				t.Fatalf("edit %s: no message", what)
			}
		}
		code, body = ed.post("/admin/comments/999999", url.Values{"name": {"س"}, "body": {"x"}})
		wantAdminCode(t, "edit unknown", code, http.StatusNotFound, body)

		// Reply: approved, by the editor; answering a held comment approves it.
		ed.mustPost("/admin/comments/"+idStr(e.ID)+"/reply", url.Values{"body": {"شكراً على سؤالك"}}, http.StatusSeeOther)
		wantCommentStatus(t, cs, e.ID, comments.Approved)
		list, err := cs.List(ctx, post, comments.Oldest)
		if err != nil {
			t.Fatal(err)
		}
		var reply *comments.Public
		for i := range list {
			if strings.Contains(string(list[i].BodyHTML), "شكراً على سؤالك") {
				reply = &list[i]
			}
		}
		if reply == nil || !reply.Staff || reply.ParentID != e.ID {
			t.Fatalf("staff reply not shown under its comment: %+v", reply)
		}
		for what, p := range map[string]string{"to spam": idStr(b.ID), "empty": idStr(e.ID)} {
			body := "رد"
			if what == "empty" {
				body = ""
			}
			code, page := ed.post("/admin/comments/"+p+"/reply", url.Values{"body": {body}})
			wantAdminCode(t, "reply "+what, code, http.StatusUnprocessableEntity, page)
		}
		code, body = ed.post("/admin/comments/999999/reply", url.Values{"body": {"x"}})
		wantAdminCode(t, "reply unknown", code, http.StatusNotFound, body)

		// The blocklist.
		ed.mustPost("/admin/comments/blocklist", url.Values{"kind": {"domain"}, "value": {"Spam.Example"}, "effect": {"spam"}}, http.StatusSeeOther)
		rules, _ := cs.Blocklist(ctx)
		if len(rules) != 1 || rules[0].Value != "spam.example" || rules[0].Effect != comments.EffectSpam {
			t.Fatalf("rules: %+v", rules)
		}
		_, body = ed.get("/admin/comments")
		mustContain(t, body, "spam.example", `/admin/comments/blocklist/`+idStr(rules[0].ID)+`/delete`)
		if x := f.mustSend(post, "Bot 3", "bot3@mail.spam.example", "pills again"); x.Status != comments.Spam {
			t.Fatalf("blocked domain: %s", x.Status)
		}
		for what, form := range map[string]url.Values{
			"bad ip":     {"kind": {"ip"}, "value": {"not an address"}, "effect": {"spam"}},
			"bad kind":   {"kind": {"bogus"}, "value": {"x@example.com"}, "effect": {"spam"}},
			"bad effect": {"kind": {"word"}, "value": {"pills"}, "effect": {"explode"}},
			"short word": {"kind": {"word"}, "value": {"x"}, "effect": {"hold"}},
		} {
			code, body := ed.post("/admin/comments/blocklist", form)
			wantAdminCode(t, "block "+what, code, http.StatusUnprocessableEntity, body)
			if !strings.Contains(body, `class="alert"`) || !strings.Contains(body, `id="blocklist"`) {
				t.Fatalf("block %s: no message on the page", what)
			}
		}
		ed.mustPost("/admin/comments/blocklist/"+idStr(rules[0].ID)+"/delete", nil, http.StatusSeeOther)
		if rules, _ := cs.Blocklist(ctx); len(rules) != 0 {
			t.Fatalf("rule not removed: %+v", rules)
		}
		for _, p := range []string{"/admin/comments/blocklist/" + idStr(rules[0].ID) + "/delete", "/admin/comments/blocklist/abc/delete"} {
			code, body := ed.post(p, nil)
			wantAdminCode(t, p, code, http.StatusNotFound, body)
		}
	})
}

// commentSettingsForm is the admin settings form with the site's current values
// and the comment fieldset.
func commentSettingsForm(site settings.Site) url.Values {
	c := site.Comments
	form := url.Values{"title": {site.Title}, "description": {site.Description}, "lang": {site.Lang}, "timezone": {site.Timezone},
		"digits": {site.Digits}, "months": {site.Months}, "posts_per_page": {strconv.Itoa(site.PostsPerPage)},
		"permalink": {site.Permalink}, "gate": {site.Gate}, "teaser_paragraphs": {strconv.Itoa(site.TeaserParagraphs)},
		"comments_form": {"1"}, "comments_depth": {strconv.Itoa(c.Depth)}, "comments_close_days": {strconv.Itoa(c.CloseAfterDays)},
		"comments_max_links": {strconv.Itoa(c.MaxLinks)}}
	if c.OpenByDefault {
		form.Set("comments_open", "1")
	}
	if c.HoldAll {
		form.Set("comments_hold_all", "1")
	}
	return form
}

func TestCommentsAdminSettingsAndEditor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		cs := siteComments(t, s)
		set := settings.New(db)
		newStaffUser(t, db, "admin@example.com", staff.Administrator)
		sample, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		post := sample.ID
		f := newForms(t, cs, 6, post)
		ad := s.signIn(t, "admin@example.com", "a long password")

		trusted := f.mustSend(post, "قارئ", "reader@example.com", "أول تعليق")
		ad.mustPost("/admin/comments/"+idStr(trusted.ID)+"/approve", nil, http.StatusSeeOther)
		if x := f.mustSend(post, "قارئ", "reader@example.com", "ثاني تعليق"); x.Status != comments.Approved {
			t.Fatalf("trusted reader: %s (%s)", x.Status, x.Reason)
		}

		code, body := ad.get("/admin/settings")
		wantAdminCode(t, "settings", code, 200, body)
		mustContain(t, body, `name="comments_depth"`, `name="comments_hold_all"`, `name="akismet_key"`, `name="comments_open" value="1" checked`)

		// Hold everything, two levels: the next comment waits, replies nest once.
		site, _ := set.Site(ctx)
		form := commentSettingsForm(site)
		form.Set("comments_hold_all", "1")
		form.Set("comments_depth", "2")
		ad.mustPost("/admin/settings", form, http.StatusSeeOther)
		if x := f.mustSend(post, "قارئ", "reader@example.com", "ثالث تعليق"); x.Status != comments.Pending || !strings.Contains(x.Reason, "every comment is held") {
			t.Fatalf("hold all: %s (%s)", x.Status, x.Reason)
		}
		admin := mustUserID(t, db, "admin@example.com")
		r1, err := cs.Reply(ctx, admin, trusted.ID, "رد أول")
		if err != nil || r1.Depth != 1 {
			t.Fatalf("reply: %+v %v", r1, err)
		}
		r2, err := cs.Reply(ctx, admin, r1.ID, "رد على الرد")
		if err != nil || r2.Depth != 1 || r2.ParentID != trusted.ID || r2.ReplyToID != r1.ID {
			t.Fatalf("reply past the depth: %+v %v", r2, err)
		}
		if p := cs.Policy(ctx); p.MaxDepth != 2 || !p.HoldAll || p.MaxLinks != 2 {
			t.Fatalf("policy from settings: %+v", p)
		}
		// Zero links allowed: the setting's 0 holds any link.
		form.Set("comments_hold_all", "")
		form.Set("comments_max_links", "0")
		ad.mustPost("/admin/settings", form, http.StatusSeeOther)
		if x := f.mustSend(post, "قارئ", "reader@example.com", "انظر https://example.org"); x.Status != comments.Pending || !strings.Contains(x.Reason, "links") {
			t.Fatalf("no links allowed: %s (%s)", x.Status, x.Reason)
		}

		// Bad values: a message, nothing saved.
		for what, mutate := range map[string]func(url.Values){
			"too deep":     func(v url.Values) { v.Set("comments_depth", "11") },
			"zero depth":   func(v url.Values) { v.Set("comments_depth", "0") },
			"words":        func(v url.Values) { v.Set("comments_depth", "five") },
			"links":        func(v url.Values) { v.Set("comments_max_links", "-3") },
			"days":         func(v url.Values) { v.Set("comments_close_days", "-1") },
			"akismet junk": func(v url.Values) { v.Set("akismet_key", "abc.evil.example") },
		} {
			bad := url.Values{}
			for k, v := range form {
				bad[k] = append([]string(nil), v...)
			}
			mutate(bad)
			code, body := ad.post("/admin/settings", bad)
			wantAdminCode(t, "settings "+what, code, http.StatusUnprocessableEntity, body)
			if !strings.Contains(body, `class="alert"`) || strings.Contains(body, "abc.evil.example") {
				t.Fatalf("settings %s: no message, or the key shown", what)
			}
		}
		if site, _ := set.Site(ctx); site.Comments.Depth != 2 || site.Comments.MaxLinks != 0 {
			t.Fatalf("a refused save changed the settings: %+v", site.Comments)
		}

		// The Akismet key: write-only, masked, kept when left blank, cleared on demand.
		// (No comment is sent while it is set: it would call Akismet.)
		form.Set("akismet_key", "abcdef123456")
		ad.mustPost("/admin/settings", form, http.StatusSeeOther)
		if site, _ := set.Site(ctx); site.Comments.AkismetKey != "abcdef123456" {
			t.Fatalf("key not saved: %q", string(site.Comments.AkismetKey))
		}
		if p := cs.Policy(ctx); p.Checker == nil {
			t.Fatal("no Akismet checker once the key is set")
		} else if a, ok := p.Checker.(*comments.Akismet); !ok || a.Key != "abcdef123456" || a.Blog != s.URL+"/" {
			t.Fatalf("checker: %+v", p.Checker)
		}
		_, body = ad.get("/admin/settings")
		if strings.Contains(body, "abcdef123456") || !strings.Contains(body, "3456") || !strings.Contains(body, `name="akismet_clear"`) {
			t.Fatal("the settings page shows the key, or no hint of it")
		}
		form.Del("akismet_key")
		ad.mustPost("/admin/settings", form, http.StatusSeeOther)
		if site, _ := set.Site(ctx); site.Comments.AkismetKey != "abcdef123456" {
			t.Fatal("a blank key field dropped the key")
		}
		form.Set("akismet_clear", "1")
		ad.mustPost("/admin/settings", form, http.StatusSeeOther)
		form.Del("akismet_clear")
		if site, _ := set.Site(ctx); site.Comments.AkismetKey != "" {
			t.Fatal("the key was not cleared")
		}
		if p := cs.Policy(ctx); p.Checker != nil {
			t.Fatal("a checker without a key")
		}
		// A form without the comments fieldset (an older page) keeps them.
		old := commentSettingsForm(site)
		for k := range old {
			if strings.HasPrefix(k, "comments_") {
				old.Del(k)
			}
		}
		ad.mustPost("/admin/settings", old, http.StatusSeeOther)
		if site, _ := set.Site(ctx); site.Comments.Depth != 2 || site.Comments.MaxLinks != 0 {
			t.Fatalf("a form without the fieldset changed them: %+v", site.Comments)
		}

		// The editor's switch.
		code, body = ad.get("/admin/posts/" + idStr(post))
		wantAdminCode(t, "editor", code, 200, body)
		mustContain(t, body, `name="comments_open" value="1" checked`, `href="/admin/comments?post=`+idStr(post)+`"`)
		ef := ad.editorForm(post, sample)
		ef.Set("action", "save")
		ef.Set("comments_form", "1")
		ad.mustPost("/admin/posts/"+idStr(post), ef, http.StatusSeeOther)
		if open, why, _ := cs.Open(ctx, post); open || why != comments.ReasonClosed {
			t.Fatalf("closed by the editor: %v %q", open, why)
		}
		if _, err := f.send(post, "قارئ", "reader@example.com", "بعد الإغلاق"); err == nil {
			t.Fatal("a comment on a closed post")
		}
		if _, body := ad.get("/admin/posts/" + idStr(post)); strings.Contains(body, `name="comments_open" value="1" checked`) {
			t.Fatal("the editor shows closed comments as open")
		}
		// A save without the field (another client) leaves it alone.
		ef = ad.editorForm(post, sample)
		ef.Set("action", "save")
		ad.mustPost("/admin/posts/"+idStr(post), ef, http.StatusSeeOther)
		if open, _, _ := cs.Open(ctx, post); open {
			t.Fatal("a form without the checkbox reopened comments")
		}
		ef = ad.editorForm(post, sample)
		ef.Set("action", "save")
		ef.Set("comments_form", "1")
		ef.Set("comments_open", "1")
		ad.mustPost("/admin/posts/"+idStr(post), ef, http.StatusSeeOther)
		if open, _, _ := cs.Open(ctx, post); !open {
			t.Fatal("not reopened")
		}

		// New posts follow the site's default.
		form.Del("comments_open")
		ad.mustPost("/admin/settings", form, http.StatusSeeOther)
		if _, body := ad.get("/admin/posts/new"); !strings.Contains(body, `name="comments_open"`) || strings.Contains(body, `name="comments_open" value="1" checked`) {
			t.Fatal("the new post form ignores the default")
		}
		code, _ = ad.post("/admin/posts/new", url.Values{"title": {"خبر بلا تعليقات"}, "body": {"نص"}, "lang": {"ar"}, "action": {"publish"}})
		wantAdminCode(t, "new post", code, http.StatusSeeOther, "")
		posts, _, _ := s.Content.AdminList(ctx, content.AdminFilter{Status: content.Published})
		var fresh int64
		for _, p := range posts {
			if p.Title == "خبر بلا تعليقات" {
				fresh = p.ID
			}
		}
		if open, err := cs.SwitchedOpen(ctx, fresh); err != nil || open {
			t.Fatalf("new post's comments: open %v, %v", open, err)
		}
	})
}

// postResp posts form and returns the response (its body closed).
func (b *browser) postResp(path string, form url.Values) *http.Response {
	b.t.Helper()
	resp, err := b.http.PostForm(b.s.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// mustPost posts form and fails unless the status is want.
func (b *browser) mustPost(path string, form url.Values, want int) string {
	b.t.Helper()
	code, body := b.post(path, form)
	if code != want {
		b.t.Fatalf("POST %s: status %d, want %d\n%.400s", path, code, want, body)
	}
	return body
}
