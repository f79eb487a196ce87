package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestContentAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		key := "key=" + e.key
		get := func(path string) *resp {
			t.Helper()
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			return e.do(req{method: "GET", path: contentBase + path + sep + key})
		}

		// Keys.
		for _, bad := range []string{"", "?key=", "?key=" + strings.Repeat("0", 32), "?key=" + strings.ToUpper(e.key), "?key=" + e.tok["editor"]} {
			r := e.do(req{method: "GET", path: contentBase + "/posts" + bad})
			e.expect(r, 401, typeUnauthorized, "Content API key")
			if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("key %q: headers %v", bad, r.header)
			}
		}
		// An Admin API token is no substitute for a key.
		e.expect(e.do(req{method: "GET", path: contentBase + "/posts", token: e.tok["editor"]}), 401, typeUnauthorized, "")

		// The list: live posts only, newest first, public headers.
		r := get("/posts")
		e.expect(r, 200, "", "")
		if r.header.Get("Cache-Control") != "public, max-age=60" || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("headers %v", r.header)
		}
		posts := list(t, r, "posts")
		if got := ids(posts); !slices.Equal(got, []int64{e.members.ID, e.published.ID}) {
			t.Errorf("live posts %v", got)
		}
		for _, p := range posts {
			if _, ok := p["markdown"]; ok {
				t.Error("the Content API shows markdown")
			}
			if _, ok := p["version"]; ok {
				t.Error("the Content API shows version")
			}
			switch int64(p["id"].(float64)) {
			case e.members.ID:
				if _, ok := p["html"]; ok || p["access"] != false || p["title"] != e.members.Title {
					t.Errorf("members' post: %v", p)
				}
			case e.published.ID:
				if !strings.Contains(p["html"].(string), "الخبر") || p["access"] != true || len(p["tags"].([]any)) != 2 {
					t.Errorf("public post: %v", p)
				}
			}
		}
		if strings.Contains(string(r.raw), "سر المهنة") {
			t.Error("the members' post's body leaked")
		}

		// Drafts, scheduled posts and draft pages never show, by any path.
		for _, p := range []*content.Post{e.draft, e.scheduled} {
			e.expect(get(fmt.Sprintf("/posts/%d", p.ID)), 404, typeNotFound, "")
			e.expect(get("/posts/slug/"+p.Slug), 404, typeNotFound, "")
		}
		e.expect(get(fmt.Sprintf("/pages/%d", e.draftPage.ID)), 404, typeNotFound, "")
		e.expect(get("/pages/slug/hidden-page"), 404, typeNotFound, "")
		for _, path := range []string{"/posts", "/posts?lang=en", "/pages", "/tags", "/authors", "/posts?tag=draft-only-tag"} {
			body := string(get(path).raw)
			for _, secret := range []string{"secret-draft", "Draft by a contributor", "tomorrow", "Hidden page", "draft-only-tag", "Sara Writer"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s shows %q", path, secret)
				}
			}
		}

		// One post, by id and by slug (Arabic slugs too); posts are not pages.
		p := one(t, get(fmt.Sprintf("/posts/%d", e.published.ID)), "posts")
		if p["slug"] != "climate-summit" || p["status"] != "published" || p["url"] != "https://news.example/climate-summit/" {
			t.Errorf("post %v", p)
		}
		one(t, get("/posts/slug/climate-summit/"), "posts")
		e.expect(get(fmt.Sprintf("/posts/%d", e.page.ID)), 404, typeNotFound, "")
		e.expect(get("/posts/slug/about"), 404, typeNotFound, "")
		e.expect(get(fmt.Sprintf("/pages/%d", e.published.ID)), 404, typeNotFound, "")
		if pg := one(t, get("/pages/slug/about"), "pages"); pg["title"] != "من نحن" {
			t.Errorf("page %v", pg)
		}
		if got := ids(list(t, get("/pages"), "pages")); !slices.Equal(got, []int64{e.page.ID}) {
			t.Errorf("pages %v", got)
		}
		ctx := context.Background()
		in := content.InputOf(e.published)
		in.Slug = "قمة-المناخ"
		if _, err := e.cs.UpdatePost(ctx, e.published.ID, in); err != nil {
			t.Fatal(err)
		}
		one(t, get("/posts/slug/%D9%82%D9%85%D8%A9-%D8%A7%D9%84%D9%85%D9%86%D8%A7%D8%AE"), "posts")
		e.expect(get("/posts/slug/climate-summit"), 404, typeNotFound, "") // old slugs: the site redirects, the API does not

		// Filters and pages.
		for path, want := range map[string][]int64{
			"/posts?tag=مناخ":                       {e.members.ID, e.published.ID},
			"/posts?tag=%D9%82%D9%85%D8%A9":         {e.published.ID},
			"/posts?category=world":                 {e.published.ID}, // through its subcategory
			"/posts?category=economy":               {e.published.ID},
			"/posts?author=" + e.editor.Slug:        {e.members.ID},
			"/posts?lang=en":                        {},
			"/posts?tag=nothing":                    {},
			"/posts?category=nothing&author=nobody": {},
			"/posts?limit=1&page=2":                 {e.published.ID},
		} {
			if got := ids(list(t, get(path), "posts")); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", path, got, want)
			}
		}
		pg := get("/posts?limit=1").json["meta"].(map[string]any)["pagination"].(map[string]any)
		if pg["total"].(float64) != 2 || pg["pages"].(float64) != 2 || pg["next"].(float64) != 2 || pg["prev"] != nil {
			t.Errorf("pagination %v", pg)
		}

		// Taxonomy and people of the public site.
		tags := list(t, get("/tags"), "tags")
		if len(tags) != 2 || tags[0]["name"] != "مناخ" {
			t.Errorf("tags %v", tags)
		}
		if cats := list(t, get("/categories"), "categories"); len(cats) != 2 {
			t.Errorf("categories %v", cats)
		}
		authors := list(t, get("/authors"), "authors")
		if got := ids(authors); !slices.Equal(got, []int64{e.author.ID, e.editor.ID}) && !slices.Equal(got, []int64{e.editor.ID, e.author.ID}) {
			t.Errorf("authors %v", got)
		}
		if strings.Contains(string(get("/authors").raw), "@example.com") {
			t.Error("authors show emails")
		}

		// A revoked key stops at once.
		keys, _ := e.cs.ListContentKeys(ctx)
		if err := e.cs.RevokeContentKey(ctx, keys[0].ID); err != nil {
			t.Fatal(err)
		}
		e.expect(get("/posts"), 401, typeUnauthorized, "")

		// A scheduled post appears once published (the job's work, here by hand).
		key2, _ := e.cs.CreateContentKey(ctx, "second")
		e.clock.advance(25 * time.Hour)
		if _, err := e.cs.PublishDue(ctx, e.scheduled.ID, nil); err != nil {
			t.Fatal(err)
		}
		one(t, e.do(req{method: "GET", path: contentBase + "/posts/slug/tomorrow?key=" + key2}), "posts")
	})
}
