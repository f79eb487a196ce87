package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func postPath(id int64) string { return fmt.Sprintf("%s/posts/%d", adminBase, id) }

func TestAdminPostLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed := e.tok["editor"]

		// The list: every post (no pages), newest update first, no bodies or tags.
		r := e.do(req{method: "GET", path: adminBase + "/posts", token: ed})
		e.expect(r, 200, "", "")
		posts := list(t, r, "posts")
		want := []int64{e.scheduled.ID, e.draft.ID, e.members.ID, e.published.ID}
		if got := ids(posts); !slices.Equal(got, want) {
			t.Errorf("list %v, want %v", got, want)
		}
		if _, ok := posts[0]["html"]; ok {
			t.Error("a list carries html")
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		r = e.do(req{method: "GET", path: adminBase + "/posts?status=draft&limit=1&page=1", token: ed})
		if got := ids(list(t, r, "posts")); !slices.Equal(got, []int64{e.draft.ID}) {
			t.Errorf("drafts %v", got)
		}
		pg := r.json["meta"].(map[string]any)["pagination"].(map[string]any)
		if pg["total"].(float64) != 1 || pg["pages"].(float64) != 1 || pg["next"] != nil {
			t.Errorf("pagination %v", pg)
		}
		r = e.do(req{method: "GET", path: adminBase + "/posts?limit=2&page=2", token: ed})
		pg = r.json["meta"].(map[string]any)["pagination"].(map[string]any)
		if got := ids(list(t, r, "posts")); !slices.Equal(got, want[2:]) || pg["prev"].(float64) != 1 || pg["pages"].(float64) != 2 {
			t.Errorf("page 2: %v %v", got, pg)
		}
		r = e.do(req{method: "GET", path: adminBase + "/posts?lang=en", token: ed})
		if got := ids(list(t, r, "posts")); !slices.Equal(got, []int64{e.scheduled.ID, e.draft.ID}) {
			t.Errorf("lang=en %v", got)
		}

		// One post: everything, in Ghost's names.
		r = e.do(req{method: "GET", path: postPath(e.published.ID), token: ed})
		p := one(t, r, "posts")
		for k, v := range map[string]any{
			"title": "قمة المناخ تختتم أعمالها", "slug": "climate-summit", "markdown": "نص **الخبر** <b>x</b>", "custom_excerpt": "ملخص الخبر",
			"status": "published", "visibility": "public", "lang": "ar", "dir": "rtl", "feature_image": nil, "canonical_url": nil,
			"url": "https://news.example/climate-summit/", "published_at": "2026-03-01T09:30:00Z",
		} {
			if p[k] != v {
				t.Errorf("%s = %#v, want %#v", k, p[k], v)
			}
		}
		if html := p["html"].(string); !strings.Contains(html, "<strong>الخبر</strong>") {
			t.Errorf("html %q: want the rendered Markdown", html)
		}
		if cats := p["categories"].([]any); len(cats) != 2 || cats[0].(map[string]any)["slug"] != "economy" ||
			p["primary_category"].(map[string]any)["slug"] != "economy" {
			t.Errorf("categories %v, primary %v", cats, p["primary_category"])
		}
		if tags := p["tags"].([]any); len(tags) != 2 || p["primary_tag"].(map[string]any)["name"] != tags[0].(map[string]any)["name"] {
			t.Errorf("tags %v, primary %v", tags, p["primary_tag"])
		}
		if src := p["source"].(map[string]any); src["name"] != "Reuters" || src["translated"] != true {
			t.Errorf("source %v", src)
		}

		// Create a draft: authored by the token's user, defaults filled in.
		r = e.do(req{method: "POST", path: adminBase + "/posts", token: ed, body: postBody(map[string]any{"title": "خبر جديد", "markdown": "سطر\r\nسطر"})})
		e.expect(r, http.StatusCreated, "", "")
		p = one(t, r, "posts")
		if p["status"] != "draft" || p["published_at"] != nil || p["lang"] != "ar" || p["version"].(float64) != 1 ||
			p["authors"].([]any)[0].(map[string]any)["id"].(float64) != float64(e.editor.ID) || p["markdown"] != "سطر\nسطر" {
			t.Errorf("created %v", p)
		}
		id := int64(p["id"].(float64))

		// Partial update: absent fields keep their values, null clears.
		r = e.do(req{method: "PUT", path: postPath(id), token: ed, body: postBody(map[string]any{
			"version": 1, "custom_excerpt": "ملخص", "tags": []any{map[string]any{"name": "اقتصاد عالمي"}}})})
		e.expect(r, 200, "", "")
		p = one(t, r, "posts")
		if p["title"] != "خبر جديد" || p["custom_excerpt"] != "ملخص" || p["version"].(float64) != 2 || len(p["tags"].([]any)) != 1 {
			t.Errorf("after update %v", p)
		}
		r = e.do(req{method: "PUT", path: postPath(id) + "/", token: ed, body: postBody(map[string]any{"custom_excerpt": nil, "status": "published"})})
		e.expect(r, 200, "", "")
		if p = one(t, r, "posts"); p["custom_excerpt"] != nil || p["status"] != "published" || p["published_at"] != "2026-03-01T09:32:00Z" {
			t.Errorf("after publish %v", p)
		}
		// Unpublishing clears the date, as in the admin.
		r = e.do(req{method: "PUT", path: postPath(id), token: ed, body: postBody(map[string]any{"status": "draft"})})
		if p = one(t, r, "posts"); p["status"] != "draft" || p["published_at"] != nil {
			t.Errorf("after unpublish %v", p)
		}
		// Scheduling.
		at := e.clock.now().Add(time.Hour).Format(time.RFC3339)
		r = e.do(req{method: "PUT", path: postPath(id), token: ed, body: postBody(map[string]any{"status": "scheduled", "published_at": at})})
		if p = one(t, r, "posts"); p["status"] != "scheduled" || p["published_at"] != at {
			t.Errorf("after schedule %v", p)
		}

		// Delete, then it is gone; a page is not a post and the reverse.
		e.expect(e.do(req{method: "DELETE", path: postPath(id), token: ed}), http.StatusNoContent, "", "")
		e.expect(e.do(req{method: "GET", path: postPath(id), token: ed}), 404, typeNotFound, "")
		e.expect(e.do(req{method: "DELETE", path: postPath(id), token: ed}), 404, typeNotFound, "")
		e.expect(e.do(req{method: "GET", path: postPath(e.page.ID), token: ed}), 404, typeNotFound, "")
		e.expect(e.do(req{method: "GET", path: fmt.Sprintf("%s/pages/%d", adminBase, e.published.ID), token: ed}), 404, typeNotFound, "")
		r = e.do(req{method: "GET", path: adminBase + "/pages", token: ed})
		if got := ids(list(t, r, "pages")); !slices.Equal(got, []int64{e.draftPage.ID, e.page.ID}) {
			t.Errorf("pages %v", got)
		}
	})
}

func TestAdminConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed, au := e.tok["editor"], e.tok["author"]
		path := postPath(e.published.ID)
		first := one(t, e.do(req{method: "GET", path: path, token: au}), "posts")

		// The editor saves first; the author's save, from version 1, conflicts.
		e.clock.advance(time.Minute)
		e.expect(e.do(req{method: "PUT", path: path, token: ed, body: postBody(map[string]any{"version": 1, "markdown": "editor's text"})}), 200, "", "")
		r := e.do(req{method: "PUT", path: path, token: au, body: postBody(map[string]any{"version": 1, "markdown": "author's text"})})
		e.expect(r, http.StatusConflict, typeConflict, "version 2")
		if cur := one(t, r, "posts"); cur["markdown"] != "editor's text" || cur["version"].(float64) != 2 {
			t.Errorf("the conflict carries %v, want the editor's version", cur)
		}
		// Ghost's way: updated_at.
		r = e.do(req{method: "PUT", path: path, token: au, body: postBody(map[string]any{"updated_at": first["updated_at"], "title": "x"})})
		e.expect(r, http.StatusConflict, typeConflict, "")
		// Sending back the whole post as read is the same check.
		first["markdown"] = "mine"
		e.expect(e.do(req{method: "PUT", path: path, token: au, body: postBody(first)}), http.StatusConflict, typeConflict, "")
		// With the current version it goes through.
		cur := one(t, r, "posts")
		r = e.do(req{method: "PUT", path: path, token: au, body: postBody(map[string]any{"updated_at": cur["updated_at"], "version": cur["version"], "markdown": "merged"})})
		e.expect(r, 200, "", "")
		if got := one(t, r, "posts"); got["markdown"] != "merged" || got["version"].(float64) != 3 {
			t.Errorf("after merge %v", got)
		}
		// Null concurrency fields (and id) mean "no check", not "version 0".
		r = e.do(req{method: "PUT", path: path, token: au, body: postBody(map[string]any{"version": nil, "updated_at": nil, "id": nil, "html": nil, "title": "t"})})
		e.expect(r, 200, "", "")
		// Pages answer conflicts in their own envelope.
		r = e.do(req{method: "PUT", path: fmt.Sprintf("%s/pages/%d", adminBase, e.page.ID), token: ed, body: map[string]any{"pages": []any{map[string]any{"version": 9}}}})
		e.expect(r, http.StatusConflict, typeConflict, "")
		one(t, r, "pages")
	})
}

func TestAdminRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed, au, au2, co := e.tok["editor"], e.tok["author"], e.tok["author2"], e.tok["contributor"]
		draft := postBody(map[string]any{"title": "مسودة"})
		publish := postBody(map[string]any{"title": "منشور", "status": "published"})
		schedule := postBody(map[string]any{"title": "مجدول", "status": "scheduled", "published_at": "2026-04-01T00:00:00Z"})

		// Contributors: their own drafts only.
		r := e.do(req{method: "POST", path: adminBase + "/posts", token: co, body: draft})
		e.expect(r, http.StatusCreated, "", "")
		mine := int64(one(t, r, "posts")["id"].(float64))
		e.expect(e.do(req{method: "POST", path: adminBase + "/posts", token: co, body: publish}), 403, typeNoPermission, "contributors may not publish")
		e.expect(e.do(req{method: "POST", path: adminBase + "/posts", token: co, body: schedule}), 403, typeNoPermission, "contributors may not publish")
		e.expect(e.do(req{method: "PUT", path: postPath(mine), token: co, body: postBody(map[string]any{"status": "published"})}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "PUT", path: postPath(mine), token: co, body: postBody(map[string]any{"markdown": "more"})}), 200, "", "")
		e.expect(e.do(req{method: "POST", path: adminBase + "/posts", token: co,
			body: postBody(map[string]any{"title": "x", "authors": []any{map[string]any{"id": e.editor.ID}}})}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "GET", path: postPath(e.published.ID), token: co}), 403, typeNoPermission, "own posts")
		e.expect(e.do(req{method: "PUT", path: postPath(e.published.ID), token: co, body: postBody(map[string]any{"title": "x"})}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "DELETE", path: postPath(e.published.ID), token: co}), 403, typeNoPermission, "")
		r = e.do(req{method: "GET", path: adminBase + "/posts", token: co})
		if got := ids(list(t, r, "posts")); !slices.Equal(got, []int64{mine, e.draft.ID}) {
			t.Errorf("a contributor lists %v", got)
		}
		// Once an editor publishes it, the contributor can no longer change it.
		e.expect(e.do(req{method: "PUT", path: postPath(mine), token: ed, body: postBody(map[string]any{"status": "published"})}), 200, "", "")
		e.expect(e.do(req{method: "PUT", path: postPath(mine), token: co, body: postBody(map[string]any{"title": "y"})}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "DELETE", path: postPath(mine), token: co}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "DELETE", path: postPath(e.draft.ID), token: co}), http.StatusNoContent, "", "")

		// Authors: their own posts, published or not; not others'.
		e.expect(e.do(req{method: "POST", path: adminBase + "/posts", token: au, body: publish}), http.StatusCreated, "", "")
		e.expect(e.do(req{method: "PUT", path: postPath(e.published.ID), token: au, body: postBody(map[string]any{"title": "edited"})}), 200, "", "")
		e.expect(e.do(req{method: "PUT", path: postPath(e.published.ID), token: au2, body: postBody(map[string]any{"title": "theirs"})}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "GET", path: postPath(e.published.ID), token: au2}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "DELETE", path: postPath(e.published.ID), token: au2}), 403, typeNoPermission, "")
		// An author may add a co-author, but not hand the post away.
		e.expect(e.do(req{method: "PUT", path: postPath(e.published.ID), token: au, body: postBody(map[string]any{
			"authors": []any{map[string]any{"id": e.author2.ID}}})}), 403, typeNoPermission, "other authors")
		e.expect(e.do(req{method: "PUT", path: postPath(e.published.ID), token: au, body: postBody(map[string]any{
			"authors": []any{map[string]any{"id": e.author.ID}, map[string]any{"id": e.author2.ID}}})}), 200, "", "")
		e.expect(e.do(req{method: "GET", path: postPath(e.published.ID), token: au2}), 200, "", "")
		e.expect(e.do(req{method: "POST", path: adminBase + "/categories", token: au,
			body: map[string]any{"categories": []any{map[string]any{"name": "x"}}}}), 403, typeNoPermission, "categories")

		// Editors: everything.
		e.expect(e.do(req{method: "PUT", path: postPath(e.published.ID), token: ed, body: postBody(map[string]any{"status": "draft"})}), 200, "", "")
		e.expect(e.do(req{method: "DELETE", path: postPath(e.published.ID), token: ed}), http.StatusNoContent, "", "")
		cat := map[string]any{"categories": []any{map[string]any{"name": "رياضة"}}}
		r = e.do(req{method: "POST", path: adminBase + "/categories", token: ed, body: cat})
		e.expect(r, http.StatusCreated, "", "")
		c := one(t, r, "categories")
		if c["slug"] != "رياضة" || c["parent_id"] != nil || c["url"] != "https://news.example/category/%D8%B1%D9%8A%D8%A7%D8%B6%D8%A9/" {
			t.Errorf("category %v", c)
		}
		e.expect(e.do(req{method: "POST", path: adminBase + "/categories", token: ed, body: cat}), http.StatusConflict, typeConflict, "slug")
		e.expect(e.do(req{method: "POST", path: adminBase + "/categories", token: ed,
			body: map[string]any{"categories": []any{map[string]any{"name": "y", "parent_id": 999999}}}}), 422, typeValidation, "")
	})
}
