package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestBadBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed := e.tok["editor"]
		create, update := adminBase+"/posts", postPath(e.published.ID)
		big := `{"posts":[{"title":"big","markdown":"` + strings.Repeat("ب", 1<<20+10) + `"}]}`
		past := e.clock.now().Add(-1).Format("2006-01-02T15:04:05Z")
		for _, tc := range []struct {
			name, method, path string
			body               any
			ctype              string
			status             int
			typ, msg           string
		}{
			{"malformed", "POST", create, `{"posts":[{"title":}]}`, "", 400, typeBadRequest, "malformed JSON"},
			{"truncated", "POST", create, `{"posts":[{"title":"x"`, "", 400, typeBadRequest, "ends in the middle"},
			{"empty", "POST", create, "", "application/json", 400, typeBadRequest, "empty"},
			{"trailing data", "POST", create, `{"posts":[{"title":"x"}]} {}`, "", 400, typeBadRequest, "nothing after it"},
			{"not an object", "POST", create, `[1,2]`, "", 400, typeBadRequest, "must be a JSON object"},
			{"unknown field", "POST", create, `{"posts":[{"title":"x","titel":"y"}]}`, "", 400, typeBadRequest, `unknown field "titel"`},
			{"unknown envelope field", "POST", create, `{"posts":[{"title":"x"}],"extra":1}`, "", 400, typeBadRequest, `unknown field "extra"`},
			{"unknown nested field", "POST", create, `{"posts":[{"title":"x","tags":[{"nam":"y"}]}]}`, "", 400, typeBadRequest, `unknown field "nam"`},
			{"unknown source field", "PUT", update, `{"posts":[{"source":{"name":"a","link":"b"}}]}`, "", 400, typeBadRequest, `unknown field "link"`},
			{"content API field", "PUT", update, `{"posts":[{"access":true}]}`, "", 400, typeBadRequest, `unknown field "access"`},
			{"wrong type", "POST", create, `{"posts":[{"title":5}]}`, "", 400, typeBadRequest, `"title" must be a string`},
			{"wrong nested type", "POST", create, `{"posts":[{"title":"x","authors":[{"id":"1"}]}]}`, "", 400, typeBadRequest, "must be an integer"},
			{"fractional id", "POST", create, `{"posts":[{"title":"x","categories":[{"id":1.5}]}]}`, "", 400, typeBadRequest, "integer"},
			{"huge number", "PUT", update, `{"posts":[{"version":1e400}]}`, "", 400, typeBadRequest, ""},
			{"no envelope", "POST", create, `{"title":"x"}`, "", 400, typeBadRequest, `unknown field "title"`},
			{"page envelope for a post", "POST", create, `{"pages":[{"title":"x"}]}`, "", 400, typeBadRequest, `unknown field "pages"`},
			{"empty envelope", "POST", create, `{"posts":[]}`, "", 400, typeBadRequest, "exactly one post"},
			{"two posts", "POST", create, `{"posts":[{"title":"a"},{"title":"b"}]}`, "", 400, typeBadRequest, "exactly one"},
			{"null envelope", "PUT", update, `{"posts":null}`, "", 400, typeBadRequest, "exactly one"},
			{"oversized", "POST", create, big, "", 413, typeTooLarge, "2 MB"},
			{"oversized update", "PUT", update, big, "", 413, typeTooLarge, "2 MB"},
			{"text/plain", "POST", create, `{"posts":[{"title":"x"}]}`, "text/plain", 415, typeUnsupportedMedia, "application/json"},
			{"form", "POST", create, "title=x", "application/x-www-form-urlencoded", 415, typeUnsupportedMedia, ""},
			{"no content type", "PUT", update, `{"posts":[{"title":"x"}]}`, "-", 415, typeUnsupportedMedia, ""},
			{"latin-1", "POST", create, `{"posts":[{"title":"x"}]}`, "application/json; charset=iso-8859-1", 415, typeUnsupportedMedia, "UTF-8"},
			{"bad media type", "POST", create, `{}`, "application/json; ;;", 415, typeUnsupportedMedia, ""},
			{"no title", "POST", create, `{"posts":[{"markdown":"x"}]}`, "", 422, typeValidation, "title is required"},
			{"null title", "PUT", update, `{"posts":[{"title":null}]}`, "", 422, typeValidation, "title is required"},
			{"NUL in title", "POST", create, `{"posts":[{"title":"a\u0000b"}]}`, "", 422, typeValidation, "title contains a NUL"},
			{"NUL in a tag", "POST", create, `{"posts":[{"title":"a","tags":[{"name":"\u0000"}]}]}`, "", 422, typeValidation, "NUL"},
			{"NUL in source", "PUT", update, `{"posts":[{"source":{"name":"\u0000"}}]}`, "", 422, typeValidation, "NUL"},
			{"bad status", "POST", create, `{"posts":[{"title":"a","status":"live"}]}`, "", 422, typeValidation, "status must be"},
			{"bad visibility", "POST", create, `{"posts":[{"title":"a","visibility":"secret"}]}`, "", 422, typeValidation, "visibility"},
			{"bad lang", "POST", create, `{"posts":[{"title":"a","lang":"Arabic!"}]}`, "", 422, typeValidation, "language"},
			{"bad dir", "POST", create, `{"posts":[{"title":"a","dir":"up"}]}`, "", 422, typeValidation, "direction"},
			{"bad date", "POST", create, `{"posts":[{"title":"a","published_at":"yesterday"}]}`, "", 422, typeValidation, "published_at must be"},
			{"bad updated_at", "PUT", update, `{"posts":[{"updated_at":"1/2/2026"}]}`, "", 422, typeValidation, "updated_at must be"},
			{"year zero", "POST", create, `{"posts":[{"title":"a","published_at":"0000-01-01T00:00:00Z"}]}`, "", 422, typeValidation, ""},
			{"scheduled in the past", "POST", create, `{"posts":[{"title":"a","status":"scheduled","published_at":"` + past + `"}]}`, "", 422, typeValidation, "future"},
			{"scheduled without date", "PUT", update, `{"posts":[{"status":"scheduled"}]}`, "", 422, typeValidation, "future"},
			{"bad canonical", "POST", create, `{"posts":[{"title":"a","canonical_url":"javascript:alert(1)"}]}`, "", 422, typeValidation, "canonical"},
			{"bad image", "POST", create, `{"posts":[{"title":"a","feature_image":"data:x"}]}`, "", 422, typeValidation, "featured image"},
			{"html on create", "POST", create, `{"posts":[{"title":"a","html":"<p>x</p>"}]}`, "", 422, typeValidation, "send markdown"},
			{"html edited", "PUT", update, `{"posts":[{"html":"<p>x</p>"}]}`, "", 422, typeValidation, "send markdown"},
			{"id mismatch", "PUT", update, `{"posts":[{"id":999}]}`, "", 400, typeBadRequest, "id in the body"},
			{"unknown author", "POST", create, `{"posts":[{"title":"a","authors":[{"id":424242}]}]}`, "", 422, typeValidation, "unknown author"},
			{"no authors", "POST", create, `{"posts":[{"title":"a","authors":[]}]}`, "", 422, typeValidation, "at least one author"},
			{"author without id", "POST", create, `{"posts":[{"title":"a","authors":[{"name":"x"}]}]}`, "", 422, typeValidation, "needs its id"},
			{"unknown category", "POST", create, `{"posts":[{"title":"a","categories":[{"id":424242}]}]}`, "", 422, typeValidation, "unknown category"},
			{"unknown tag slug", "POST", create, `{"posts":[{"title":"a","tags":[{"slug":"nope"}]}]}`, "", 422, typeValidation, "no tag has the slug"},
			{"unknown tag id", "POST", create, `{"posts":[{"title":"a","tags":[{"id":424242}]}]}`, "", 422, typeValidation, "no tag has the id"},
			{"empty tag", "POST", create, `{"posts":[{"title":"a","tags":[{}]}]}`, "", 422, typeValidation, "needs a name"},
			{"category: unknown field", "POST", adminBase + "/categories", `{"categories":[{"name":"a","colour":"red"}]}`, "", 400, typeBadRequest, `unknown field "colour"`},
			{"category: no name", "POST", adminBase + "/categories", `{"categories":[{"slug":"a"}]}`, "", 422, typeValidation, "name"},
			{"category: position", "POST", adminBase + "/categories", `{"categories":[{"name":"a","position":99999999999}]}`, "", 422, typeValidation, "position"},
			{"category: two", "POST", adminBase + "/categories", `{"categories":[{"name":"a"},{"name":"b"}]}`, "", 400, typeBadRequest, "exactly one"},
			{"category: NUL", "POST", adminBase + "/categories", `{"categories":[{"name":"\u0000"}]}`, "", 422, typeValidation, "NUL"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := req{method: tc.method, path: tc.path, token: ed, body: tc.body, ctype: tc.ctype}
				if tc.ctype == "-" {
					r.ctype, r.header = "", map[string]string{"Content-Type": ""}
				}
				e.expect(e.do(r), tc.status, tc.typ, tc.msg)
			})
		}
		// None of it changed the post.
		p := one(t, e.do(req{method: "GET", path: update, token: ed}), "posts")
		if p["version"].(float64) != 1 || p["title"] != e.published.Title {
			t.Errorf("the refused bodies changed the post: %v", p)
		}
		// An unknown author is refused by validation for an editor (who may
		// write for anyone), by the role rules for an author.
		r := e.do(req{method: "POST", path: create, token: ed, body: fmt.Sprintf(`{"posts":[{"title":"a","authors":[{"id":%d},{"id":424242}]}]}`, e.editor.ID)})
		e.expect(r, 422, typeValidation, "unknown author")
		e.expect(e.do(req{method: "POST", path: create, token: e.tok["author"], body: `{"posts":[{"title":"a","authors":[{"id":424242}]}]}`}),
			http.StatusForbidden, typeNoPermission, "")
	})
}
