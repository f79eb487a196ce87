package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestHostileInputs throws malformed and malicious requests at every kind
// of operation. Each must be answered in JSON with a 4xx: never a 500,
// never a panic, never an error in the log (env checks that).
func TestHostileInputs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed := e.tok["editor"]
		key := "?key=" + e.key
		var reqs []req
		badIDs := []string{"0", "-1", "1.5", "1e3", "abc", "99999999999999999999", "9223372036854775807", "%00", "%FF", "١٢",
			"+1", "%201", "0x10", strings.Repeat("9", 500), "1;DROP%20TABLE%20posts", "%2e%2e"}
		for _, id := range badIDs {
			for _, kind := range []string{"posts", "pages", "categories", "tags", "media"} {
				reqs = append(reqs, req{method: "GET", path: adminBase + "/" + kind + "/" + id, token: ed})
			}
			reqs = append(reqs,
				req{method: "PUT", path: adminBase + "/posts/" + id, token: ed, body: `{"posts":[{"title":"x"}]}`},
				req{method: "DELETE", path: adminBase + "/pages/" + id, token: ed},
				req{method: "PUT", path: adminBase + "/media/" + id, token: ed, body: `{"media":[{"alt":"x"}]}`},
				req{method: "DELETE", path: adminBase + "/media/" + id, token: ed},
				req{method: "GET", path: contentBase + "/posts/" + id + key},
				req{method: "GET", path: contentBase + "/pages/" + id + key})
		}
		badSlugs := []string{"%00", "%FF%FE", "a%00b", strings.Repeat("ب", 3000), "..%2F..%2Fetc%2Fpasswd", "%27%20OR%201%3D1--", "%E2%80%AE", "%20"}
		for _, s := range badSlugs {
			reqs = append(reqs, req{method: "GET", path: contentBase + "/posts/slug/" + s + key}, req{method: "GET", path: contentBase + "/pages/slug/" + s + key})
		}
		badQueries := []string{"page=0", "page=-1", "page=abc", "page=1e9", "page=100001", "page=99999999999999999999", "limit=0", "limit=101",
			"limit=-5", "limit=abc", "limit=", "status=bogus", "status=%00", "lang=%00", "lang=%FF", "lang=%3Cscript%3E", "lang=" + strings.Repeat("a", 5000),
			"tag=%00", "tag=%FF", "category=%00", "author=%27%20OR%201%3D1", "author=" + strings.Repeat("x", 5000), "page=2&page=x"}
		for _, q := range badQueries {
			reqs = append(reqs, req{method: "GET", path: adminBase + "/posts?" + q, token: ed}, req{method: "GET", path: adminBase + "/pages?" + q, token: ed},
				req{method: "GET", path: adminBase + "/media?" + q, token: ed},
				req{method: "GET", path: contentBase + "/posts" + key + "&" + q}, req{method: "GET", path: contentBase + "/pages" + key + "&" + q})
		}
		for _, k := range []string{"%00", "%FF", strings.Repeat("a", 5000), "0000000000000000000000000000000g", "&key=x"} {
			reqs = append(reqs, req{method: "GET", path: contentBase + "/posts?key=" + k}, req{method: "GET", path: contentBase + "/tags?key=" + k})
		}
		for _, auth := range []string{"Bearer " + strings.Repeat("A", 10000), "Bearer nsh_" + strings.Repeat("%", 43), "Bearer nsh_\u0628", "Bearer  " + ed + " x"} {
			reqs = append(reqs, req{method: "GET", path: adminBase + "/posts", auth: auth}, req{method: "POST", path: adminBase + "/posts", auth: auth, body: "{"})
		}
		deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
		manyTags := `{"posts":[{"title":"x","tags":[` + strings.TrimSuffix(strings.Repeat(`{"name":"t"},`, 5000), ",") + `]}]}`
		// Refused bodies...
		bodies := []string{deep, `{"posts":[` + deep + `]}`, manyTags, "\xff\xfe{}", `{"posts":[{"title":"` + strings.Repeat("x", 301) + `"}]}`, `{"posts":[{"title":"x","lang":"ar` +
			strings.Repeat("-abcdefgh", 10000) + `"}]}`, `{"posts":[{"title":"x","categories":[{"id":-1}]}]}`, `{"posts":[{"title":"x","authors":[{"id":9223372036854775807}]}]}`,
			`{"posts":[{"title":"x","tags":[{"slug":"\u0000"}]}]}`, `{"posts":[{"title":"x","tags":"a,b"}]}`,
			`{"posts":[{"title":"x","source":"Reuters"}]}`, `null`, `"x"`, `0`,
			`{"__proto__":{}}`, `{"posts":[{"title":"x","id":"1"}]}`}
		for _, b := range bodies {
			reqs = append(reqs, req{method: "POST", path: adminBase + "/posts", token: ed, body: b},
				req{method: "PUT", path: postPath(e.published.ID), token: ed, body: b},
				req{method: "POST", path: adminBase + "/categories", token: ed, body: b})
		}
		// ...and odd ones that are valid, made safe rather than refused.
		odd := []string{`{"posts":[{"title":"\ud800 lone surrogate"}]}`, `{"posts":[{"title":"x","slug":"` + strings.Repeat("ب", 100000) + `"}]}`,
			`{"posts":[{"title":"x","published_at":"9999-12-31T23:59:59Z","status":"published"}]}`,
			`{"posts":[{"title":"x","markdown":"` + strings.Repeat("<script>alert(1)</script>", 1000) + `"}]}`,
			`{"posts":[{"title":"x","slug":"admin"}]}`, `{"posts":[{"title":"١٢٣"}]}`, `{"posts":[{"title":"x","tags":[{"name":"!!!"}]}]}`}
		for _, b := range odd {
			r := e.do(req{method: "POST", path: adminBase + "/posts", token: ed, body: b})
			if r.status != http.StatusCreated {
				t.Errorf("odd body %s: %d %s", short(b), r.status, short(string(r.raw)))
				continue
			}
			p := one(t, r, "posts")
			if html, _ := p["html"].(string); strings.Contains(html, "<script") {
				t.Errorf("a script survived: %s", short(html))
			}
			if slug := p["slug"].(string); slug == "admin" || len([]rune(slug)) > 80 || slug == "" {
				t.Errorf("slug %q", short(slug))
			}
		}
		reqs = append(reqs,
			req{method: "PATCH", path: adminBase + "/posts", token: ed},
			req{method: "DELETE", path: adminBase + "/posts", token: ed},
			req{method: "PUT", path: adminBase + "/categories/1", token: ed},
			req{method: "POST", path: contentBase + "/posts" + key, body: "{}"},
			req{method: "OPTIONS", path: contentBase + "/posts" + key},
			req{method: "GET", path: adminBase + "/", token: ed},
			req{method: "GET", path: adminBase + "/nope", token: ed},
			req{method: "GET", path: contentBase + "/posts/1/extra" + key},
			req{method: "GET", path: contentBase + "/settings" + key},
			req{method: "GET", path: contentBase + "//posts" + key},
			req{method: "GET", path: adminBase + "/posts/%2F..%2F", token: ed},
		)

		counts := map[int]int{}
		for _, r := range reqs {
			name := fmt.Sprintf("%s %s", r.method, short(r.path))
			got := e.do(r)
			counts[got.status]++
			if got.status >= 500 {
				t.Errorf("%s → %d %s", name, got.status, short(string(got.raw)))
			}
			if got.status < 400 && got.status >= 300 {
				t.Logf("%s → %d %s", name, got.status, got.header.Get("Location"))
				continue // the mux's path cleaning redirects (//, ..)
			}
			if got.status < 300 && !strings.HasPrefix(r.path, contentBase) && r.method != "GET" {
				t.Errorf("%s was accepted: %d (body %s)", name, got.status, short(fmt.Sprint(r.body)))
			}
			if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s → %d with Content-Type %q", name, got.status, ct)
			}
		}
		t.Logf("%d hostile requests, by status: %v", len(reqs), counts)
	})
}

// TestRoutingErrors: what no route serves is still answered in JSON.
func TestRoutingErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ed := e.tok["editor"]
		r := e.do(req{method: "PATCH", path: postPath(e.published.ID), token: ed, body: "{}"})
		e.expect(r, http.StatusMethodNotAllowed, typeMethodNotAllowed, "PATCH")
		if allow := r.header.Get("Allow"); !strings.Contains(allow, "PUT") || !strings.Contains(allow, "DELETE") {
			t.Errorf("Allow %q", allow)
		}
		e.expect(e.do(req{method: "DELETE", path: contentBase + "/posts?key=" + e.key}), http.StatusMethodNotAllowed, typeMethodNotAllowed, "")
		e.expect(e.do(req{method: "GET", path: adminBase + "/users", token: ed}), 404, typeNotFound, "no API resource")
		r = e.do(req{method: "GET", path: contentBase + "/nothing"})
		e.expect(r, 404, typeNotFound, "")
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("a Content API 404 is not readable cross-origin")
		}
		// Ghost's clients end paths with a slash.
		e.expect(e.do(req{method: "GET", path: adminBase + "/posts/", token: ed}), 200, "", "")
		e.expect(e.do(req{method: "GET", path: contentBase + "/tags/?key=" + e.key}), 200, "", "")
		if r := e.do(req{method: "GET", path: openAPIPath}); r.header.Get("Access-Control-Allow-Origin") != "*" || r.json["openapi"] != "3.1.0" {
			t.Errorf("openapi.json: %v %s", r.header, short(string(r.raw)))
		}
	})
}
