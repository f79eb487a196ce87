package api

import (
	"fmt"
	"slices"
	"testing"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestAdminTagsIncludeDrafts: staff see every tag, the public only those of
// live posts.
func TestAdminTagsIncludeDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		co := e.tok["contributor"]
		tags := list(t, e.do(req{method: "GET", path: adminBase + "/tags", token: co}), "tags")
		var names []string
		for _, tg := range tags {
			names = append(names, tg["name"].(string))
		}
		if len(names) != 3 || names[0] != "draft-only-tag" || !slices.Contains(names, "مناخ") || !slices.Contains(names, "قمة") {
			t.Errorf("admin tags %v: want draft-only-tag first (by name), then the live ones", names)
		}
		draftTag := tags[0]
		r := e.do(req{method: "GET", path: adminBase + fmt.Sprintf("/tags/%v", draftTag["id"]), token: co})
		if got := one(t, r, "tags"); got["slug"] != "draft-only-tag" || got["url"] != "https://news.example/tag/draft-only-tag/" {
			t.Errorf("tag %v", got)
		}
		e.expect(e.do(req{method: "GET", path: adminBase + "/tags/424242", token: co}), 404, typeNotFound, "no tag")
		for _, tg := range list(t, e.do(req{method: "GET", path: contentBase + "/tags?key=" + e.key}), "tags") {
			if tg["name"] == "draft-only-tag" {
				t.Error("the Content API lists a draft's tag")
			}
		}
		// A tag seen in the list can be put on a post by id.
		r = e.do(req{method: "PUT", path: postPath(e.published.ID), token: e.tok["editor"],
			body: postBody(map[string]any{"tags": []any{map[string]any{"id": draftTag["id"]}}})})
		if got := one(t, r, "posts")["tags"].([]any); len(got) != 1 || got[0].(map[string]any)["name"] != "draft-only-tag" {
			t.Errorf("tags by id: %v", got)
		}
	})
}
