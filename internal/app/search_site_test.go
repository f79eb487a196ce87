package app

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestSearchPage: /search finds the sample article by either spelling of
// the name and by prefixed forms, on both stores; bad input gets the form
// and a reason, never a 500; browsers are offered the search.
func TestSearchPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		if _, err := s.Svc.Search.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		article := "/" + url.PathEscape(s.Sample) + "/"
		for _, q := range []string{"ديميتريف", "ديمترييف", "وبيسكوف", "المبعوث"} {
			body := s.mustGet(t, "/search?q="+url.QueryEscape(q), 200)
			if !strings.Contains(body, `href="`+article+`"`) || !strings.Contains(body, "<mark>") {
				t.Errorf("search %q does not find the sample article with marked words", q)
			}
		}
		body := s.mustGet(t, "/search?q="+url.QueryEscape("ديميتريف")+"&sort=date&lang=ar", 200)
		if !strings.Contains(body, `href="`+article+`"`) {
			t.Error("filtered search lost the article")
		}
		if body := s.mustGet(t, "/search?q="+url.QueryEscape("ديميتريف")+"&lang=en", 200); strings.Contains(body, `href="`+article+`"`) {
			t.Error("the language filter let an Arabic article through")
		}
		s.mustGet(t, "/search", 200)
		for _, q := range []string{`"`, `' OR 1=1 --`, `NEAR(a b)`, `*`, `^title:x`, `((`, strings.Repeat("كلمة ", 2000), "\xff\xfe"} {
			resp, _ := s.get(t, "/search?q="+url.QueryEscape(q))
			if resp.StatusCode != 200 && resp.StatusCode != 400 {
				t.Errorf("query %.40q: %d", q, resp.StatusCode)
			}
		}
		for _, bad := range []string{"from=yesterday", "sort=random", "page=0", "page=x", "category=nothing-here"} {
			if resp, body := s.get(t, "/search?q=x&"+bad); resp.StatusCode != 400 || !strings.Contains(body, `class="alert"`) {
				t.Errorf("%s: %d", bad, resp.StatusCode)
			}
		}
		osd := s.mustGet(t, "/opensearch.xml", 200)
		var doc struct {
			ShortName string `xml:"ShortName"`
			URL       []struct {
				Template string `xml:"template,attr"`
			} `xml:"Url"`
		}
		if err := xml.Unmarshal([]byte(osd), &doc); err != nil || len(doc.URL) == 0 || !strings.Contains(doc.URL[0].Template, "/search?q={searchTerms}") {
			t.Fatalf("opensearch.xml: %v %+v", err, doc)
		}
		if home := s.mustGet(t, "/", 200); !strings.Contains(home, `rel="search"`) || !strings.Contains(home, `action="/search"`) {
			t.Fatal("pages do not offer the search")
		}
	})
}

// TestAdminSearchFindsDrafts: the newsroom's post list searches every
// status, spelling variants included; the public search does not see drafts.
func TestAdminSearchFindsDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		newStaffUser(t, db, "ed@example.com", staff.Editor)
		ed := s.signIn(t, "ed@example.com", "a long password")
		if code, _ := ed.post("/admin/posts/new", url.Values{"title": {"مسودة عن مؤتمر الطاقة"}, "slug": {"energy-draft"},
			"body": {"تناقش الوزارة خطط الطاقة المتجددة."}, "lang": {"ar"}, "action": {"save"}}); code != 303 {
			t.Fatalf("save draft: %d", code)
		}
		if _, err := s.Svc.Search.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		code, body := ed.get("/admin/posts?q=" + url.QueryEscape("مؤتمرات الطاقه"))
		if code != 200 || !strings.Contains(body, "مسودة عن مؤتمر الطاقة") {
			t.Fatalf("admin search: %d", code)
		}
		if body := s.mustGet(t, "/search?q="+url.QueryEscape("مؤتمر الطاقة"), 200); strings.Contains(body, "مسودة عن مؤتمر الطاقة") {
			t.Fatal("the public search shows a draft")
		}
		if code, _ := ed.get("/admin/posts?q=" + url.QueryEscape(`"`)); code != 200 && code != 400 {
			t.Fatalf("a bad admin query: %d", code)
		}
	})
}
