package api

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// docOperations lists the document's operations as "METHOD /path".
func docOperations(t *testing.T, d *openAPIDoc) []string {
	t.Helper()
	var ops []string
	paths, _ := d.root["paths"].(map[string]any)
	for p, item := range paths {
		for k := range item.(map[string]any) {
			switch k {
			case "get", "put", "post", "delete", "patch", "head", "options":
				ops = append(ops, strings.ToUpper(k)+" "+p)
			case "parameters", "summary", "description":
			default:
				t.Errorf("path %s: unexpected key %q", p, k)
			}
		}
	}
	sort.Strings(ops)
	return ops
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	d, err := parseOpenAPI(openAPISource)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if d.root["openapi"] != "3.1.0" {
		t.Errorf("openapi version %v", d.root["openapi"])
	}
	var routes []string
	for _, rt := range New(nil, nil, Options{}).table {
		routes = append(routes, rt.method+" "+rt.path)
	}
	sort.Strings(routes)
	ops := docOperations(t, d)
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json documents %s, which no route serves", op)
		}
	}

	// Every operation: a summary, its security, its path parameters, a
	// response for server failures; and every $ref resolves.
	for _, name := range ops {
		method, path, _ := strings.Cut(name, " ")
		_, op, _ := d.operation(method, path)
		if op["summary"] == nil {
			t.Errorf("%s has no summary", name)
		}
		sec, ok := op["security"].([]any)
		switch {
		case !ok:
			t.Errorf("%s does not state its security", name)
		case strings.HasPrefix(path, adminBase) && (len(sec) != 1 || sec[0].(map[string]any)["AdminToken"] == nil):
			t.Errorf("%s: security %v, want AdminToken", name, sec)
		case strings.HasPrefix(path, contentBase) && (len(sec) != 1 || sec[0].(map[string]any)["ContentKey"] == nil):
			t.Errorf("%s: security %v, want ContentKey", name, sec)
		}
		if path != openAPIPath && op["responses"].(map[string]any)["default"] == nil {
			t.Errorf("%s has no default response", name)
		}
		item := d.root["paths"].(map[string]any)[path].(map[string]any)
		var declared []string
		for _, p := range append(asAnySlice(item["parameters"]), asAnySlice(op["parameters"])...) {
			if pm, err := d.resolve(p); err == nil && pm["in"] == "path" {
				declared = append(declared, pm["name"].(string))
			}
		}
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") && !slices.Contains(declared, strings.Trim(seg, "{}")) {
				t.Errorf("%s does not declare its path parameter %s", name, seg)
			}
		}
	}
	walkRefs(d.root, func(ref string) {
		if _, err := d.resolve(map[string]any{"$ref": ref}); err != nil {
			t.Error(err)
		}
	})

	// The served copy names the site as its server.
	served, err := parseOpenAPI(New(nil, nil, Options{BaseURL: "https://news.example/"}).openAPI)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(served.root["servers"]) != "[map[url:https://news.example]]" {
		t.Errorf("servers %v", served.root["servers"])
	}
}

func asAnySlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				fn(s)
			}
			walkRefs(x, fn)
		}
	case []any:
		for _, x := range v {
			walkRefs(x, fn)
		}
	}
}

// TestEveryOperationMatchesOpenAPI calls every operation on its success
// path; env.do checks each answer (and each accepted body) against the
// document. It then checks that each operation was seen answering with its
// first documented success status.
func TestEveryOperationMatchesOpenAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed := e.tok["editor"]
		key := "?key=" + e.key
		pid, gid := strconv.FormatInt(e.published.ID, 10), strconv.FormatInt(e.page.ID, 10)
		calls := []req{
			{method: "GET", path: openAPIPath},
			{method: "GET", path: adminBase + "/posts", token: ed},
			{method: "GET", path: adminBase + "/posts/" + pid, token: ed},
			{method: "GET", path: adminBase + "/pages", token: ed},
			{method: "GET", path: adminBase + "/pages/" + gid, token: ed},
			{method: "GET", path: adminBase + "/categories", token: ed},
			{method: "GET", path: adminBase + fmt.Sprintf("/categories/%d", e.world.ID), token: ed},
			{method: "POST", path: adminBase + "/categories", token: ed, body: map[string]any{"categories": []any{
				map[string]any{"name": "رياضة", "slug": "sport", "description": "كرة", "parent_id": e.world.ID, "position": 3}}}},
			{method: "GET", path: adminBase + "/tags", token: ed},
			{method: "GET", path: adminBase + "/media", token: ed},
			{method: "GET", path: contentBase + "/posts" + key},
			{method: "GET", path: contentBase + "/posts/" + pid + key},
			{method: "GET", path: contentBase + "/posts/slug/climate-summit" + key},
			{method: "GET", path: contentBase + "/pages" + key},
			{method: "GET", path: contentBase + "/pages/" + gid + key},
			{method: "GET", path: contentBase + "/pages/slug/about" + key},
			{method: "GET", path: contentBase + "/tags" + key},
			{method: "GET", path: contentBase + "/categories" + key},
			{method: "GET", path: contentBase + "/authors" + key},
		}
		for _, c := range calls {
			r := e.do(c)
			if r.status >= 300 {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.status, short(string(r.raw)))
			}
		}
		tags := list(t, e.do(req{method: "GET", path: adminBase + "/tags", token: ed}), "tags")
		e.expect(e.do(req{method: "GET", path: adminBase + fmt.Sprintf("/tags/%d", ids(tags)[0]), token: ed}), 200, "", "")

		// The media library: an upload with every field, read, sent back
		// whole, deleted.
		body, ctype := form(t, textField("alt", "وصف"), textField("caption", "تعليق"), textField("credit", "Nashra"), textField("purpose", "image"),
			fileField("file", "photo.jpg", photo(t, 600, 400)))
		up := e.do(req{method: "POST", path: adminBase + "/media", token: ed, body: body, ctype: ctype})
		e.expect(up, http.StatusCreated, "", "")
		item := one(t, up, "media")
		mid := adminBase + fmt.Sprintf("/media/%d", int64(item["id"].(float64)))
		e.expect(e.do(req{method: "GET", path: mid, token: ed}), http.StatusOK, "", "")
		item["caption"] = "تعليق آخر"
		e.expect(e.do(req{method: "PUT", path: mid, token: ed, body: map[string]any{"media": []any{item}}}), http.StatusOK, "", "")
		e.expect(e.do(req{method: "DELETE", path: mid, token: ed}), http.StatusNoContent, "", "")

		for _, kind := range []string{"posts", "pages"} {
			created := e.do(req{method: "POST", path: adminBase + "/" + kind, token: ed, body: map[string]any{kind: []any{map[string]any{
				"title": "Every field", "slug": "every-field-" + kind, "markdown": "Body *text*", "status": "published", "visibility": "public",
				"feature_image": "https://example.com/i.jpg", "feature_image_alt": "alt", "feature_image_caption": "caption",
				"custom_excerpt": "excerpt", "published_at": "2026-03-01T08:00:00Z", "authors": []any{map[string]any{"id": e.author.ID}},
				"tags": []any{map[string]any{"name": "new tag"}, map[string]any{"slug": "مناخ"}}, "categories": []any{map[string]any{"id": e.world.ID}},
				"lang": "en", "dir": "ltr", "canonical_url": "https://example.com/original", "meta_title": "mt", "meta_description": "md",
				"source": map[string]any{"name": "AP", "url": "https://example.com/ap", "lang": "en", "translated": false},
			}}}})
			e.expect(created, http.StatusCreated, "", "")
			got := one(t, created, kind)
			id := strconv.FormatInt(int64(got["id"].(float64)), 10)
			if loc := created.header.Get("Location"); loc != adminBase+"/"+kind+"/"+id {
				t.Errorf("Location %q", loc)
			}
			// A post read from the API can be sent back whole.
			got["title"] = "Every field, edited"
			updated := e.do(req{method: "PUT", path: adminBase + "/" + kind + "/" + id, token: ed, body: map[string]any{kind: []any{got}}})
			e.expect(updated, http.StatusOK, "", "")
			if p := one(t, updated, kind); p["title"] != "Every field, edited" || p["version"].(float64) != 2 {
				t.Errorf("round trip: %v", p)
			}
			e.expect(e.do(req{method: "DELETE", path: adminBase + "/" + kind + "/" + id, token: ed}), http.StatusNoContent, "", "")
		}

		for _, op := range docOperations(t, e.doc) {
			method, path, _ := strings.Cut(op, " ")
			_, o, _ := e.doc.operation(method, path)
			want := ""
			for code := range o["responses"].(map[string]any) {
				if strings.HasPrefix(code, "2") && (want == "" || code < want) {
					want = code
				}
			}
			if !e.seen[op+" "+want] {
				t.Errorf("%s was not seen answering %s", op, want)
			}
		}
	})
}
