package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

const sampleTitle = "يعلق الكرملين على محادثات"

func TestPublicSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		article := "/" + url.PathEscape(s.Sample) + "/"

		t.Run("home", func(t *testing.T) {
			body := s.mustGet(t, "/", 200)
			mustContain(t, body, `<html lang="ar" dir="rtl">`, sampleTitle, `class="back-to-top"`, `class="subscribe-form"`)
		})

		t.Run("article", func(t *testing.T) {
			body := s.mustGet(t, article, 200)
			mustContain(t, body, `<article class="article" lang="ar" dir="rtl">`, `<html lang="ar" dir="rtl">`,
				`<bdi>NBC News</bdi>`, `class="source-credit"`, "RT World News", `rel="canonical"`, `property="og:title"`,
				`name="twitter:card"`, "/static/css/style.")
			h1 := regexp.MustCompile(`(?s)<h1 class="article__title">(.*?)</h1>`).FindStringSubmatch(body)
			if h1 == nil || strings.Contains(h1[1], "RT World News") || !strings.Contains(h1[1], sampleTitle) {
				t.Fatalf("headline should carry the title without the source: %q", h1)
			}
			ld := jsonLD(t, body)
			if ld["@type"] != "NewsArticle" || ld["isAccessibleForFree"] != true {
				t.Errorf("JSON-LD type/access: %v %v", ld["@type"], ld["isAccessibleForFree"])
			}
			authors, _ := ld["author"].([]any)
			if len(authors) == 0 || authors[0].(map[string]any)["name"] != "فريق التحرير" {
				t.Errorf("JSON-LD author: %v", ld["author"])
			}
			based, _ := ld["isBasedOn"].(map[string]any)
			if pub, _ := based["publisher"].(map[string]any); pub["name"] != "RT World News" || based["inLanguage"] != "en" {
				t.Errorf("JSON-LD source: %v", ld["isBasedOn"])
			}
			for _, k := range []string{"datePublished", "dateModified", "publisher", "headline"} {
				if ld[k] == nil {
					t.Errorf("JSON-LD lacks %s", k)
				}
			}
		})

		t.Run("editions are linked with hreflang", func(t *testing.T) {
			body := s.mustGet(t, "/"+url.PathEscape("افتتاح-أكبر-محطة-للطاقة-الشمسية-في-المنطقة-بقدرة-2-غيغاواط")+"/", 200)
			mustContain(t, body, `hreflang="en"`, `Read in English`, `<link rel="alternate" hreflang="ar"`)
			en := s.mustGet(t, "/regions-largest-solar-plant-opens-with-2-gw-of-capacity/", 200)
			mustContain(t, en, `<html lang="en" dir="ltr">`, `hreflang="ar"`, `اقرأ بالعربية`)
		})

		t.Run("archives", func(t *testing.T) {
			mustContain(t, s.mustGet(t, "/category/"+url.PathEscape("أخبار-العالم")+"/", 200), sampleTitle, "الشرق الأوسط")
			mustContain(t, s.mustGet(t, "/category/"+url.PathEscape("الشرق-الأوسط")+"/", 200), "المياه", `class="breadcrumbs"`)
			mustContain(t, s.mustGet(t, "/tag/"+url.PathEscape("روسيا")+"/", 200), sampleTitle)
			mustContain(t, s.mustGet(t, "/author/"+url.PathEscape("فريق-التحرير")+"/", 200), sampleTitle)
			y := time.Now().UTC().Format("2006")
			mustContain(t, s.mustGet(t, "/"+y+"/", 200), sampleTitle)
			mustContain(t, s.mustGet(t, "/about/", 200), "من نحن")
		})

		t.Run("feeds parse", func(t *testing.T) {
			for _, path := range []string{"/feed/", "/feed/atom/", "/feed.json", "/category/" + url.PathEscape("أخبار-العالم") + "/feed/",
				"/tag/" + url.PathEscape("روسيا") + "/feed/atom/", "/author/" + url.PathEscape("فريق-التحرير") + "/feed.json"} {
				body := s.mustGet(t, path, 200)
				f, err := gofeed.NewParser().ParseString(body)
				if err != nil {
					t.Fatalf("%s does not parse: %v", path, err)
				}
				if len(f.Items) == 0 || !strings.Contains(f.Items[0].Title, sampleTitle) {
					t.Fatalf("%s: newest item is %q", path, f.Items[0].Title)
				}
				if !strings.Contains(f.Items[0].Content+f.Items[0].Description, "RT World News") && strings.HasPrefix(path, "/feed/") {
					t.Errorf("%s: item lacks the source credit", path)
				}
			}
		})

		t.Run("sitemaps are well-formed", func(t *testing.T) {
			index := s.mustGet(t, "/sitemap.xml", 200)
			wellFormed(t, "/sitemap.xml", index)
			locs := regexp.MustCompile(`<loc>(.*?)</loc>`).FindAllStringSubmatch(index, -1)
			if len(locs) < 5 {
				t.Fatalf("sitemap index lists %d parts", len(locs))
			}
			all := ""
			for _, l := range locs {
				path := strings.TrimPrefix(l[1], s.URL)
				body := s.mustGet(t, path, 200)
				wellFormed(t, path, body)
				all += body
			}
			mustContain(t, all, url.PathEscape(s.Sample), `hreflang="en"`)
			news := s.mustGet(t, "/news-sitemap.xml", 200)
			wellFormed(t, "/news-sitemap.xml", news)
			mustContain(t, news, "<news:title>"+sampleTitle, "<news:language>ar</news:language>")
			mustContain(t, s.mustGet(t, "/robots.txt", 200), "Sitemap: "+s.URL+"/sitemap.xml", "Disallow: /admin/")
		})

		t.Run("conditional GET answers 304", func(t *testing.T) {
			resp, _ := s.get(t, article)
			etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
			}
			if r, _ := s.get(t, article, "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
				t.Fatalf("If-None-Match: %d", r.StatusCode)
			}
			if r, _ := s.get(t, article, "If-Modified-Since", lm); r.StatusCode != http.StatusNotModified {
				t.Fatalf("If-Modified-Since: %d", r.StatusCode)
			}
			if r, _ := s.get(t, article, "If-None-Match", `"other"`); r.StatusCode != http.StatusOK {
				t.Fatalf("stale ETag: %d", r.StatusCode)
			}
		})

		t.Run("compression and headers", func(t *testing.T) {
			resp, body := s.get(t, article, "Accept-Encoding", "gzip")
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("not gzipped: %v", resp.Header)
			}
			zr, err := gzip.NewReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			mustContain(t, string(plain), sampleTitle)
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("missing %s", h)
				}
			}
			css := regexp.MustCompile(`/static/css/style\.[a-z0-9]+\.css`).FindString(string(plain))
			r, _ := s.get(t, css)
			if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("stylesheet %s: %d %q", css, r.StatusCode, r.Header.Get("Cache-Control"))
			}
			mustContain(t, s.mustGet(t, "/healthz", 200), `"status":"ok"`)
			mustContain(t, s.mustGet(t, "/metrics", 200), "nashra_http_requests_total", "nashra_page_cache_hits_total")
		})

		t.Run("a change invalidates the cache", func(t *testing.T) {
			ctx := context.Background()
			s.mustGet(t, article, 200) // cached now
			p, err := s.Content.Lookup(ctx, s.Sample)
			if err != nil {
				t.Fatal(err)
			}
			in := content.InputOf(p)
			in.Title = p.Title + " (محدّث)"
			up, err := s.Content.UpdatePost(ctx, p.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			in.BaseVersion = up.Version
			mustContain(t, s.mustGet(t, article, 200), "(محدّث)")
			mustContain(t, s.mustGet(t, "/", 200), "(محدّث)")

			in.Slug = "kremlin-envoy"
			if _, err := s.Content.UpdatePost(ctx, p.ID, in); err != nil {
				t.Fatal(err)
			}
			resp, _ := s.get(t, article)
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/kremlin-envoy/" {
				t.Fatalf("old slug: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			s.mustGet(t, "/kremlin-envoy/", 200)
			if err := s.Content.DeletePost(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
			s.mustGet(t, "/kremlin-envoy/", http.StatusGone)
			s.mustGet(t, article, http.StatusGone)
		})
	})
}

func TestBadInputNeverFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		cases := map[string]int{
			"/nope/": 404, "/nope": 301, "/%zz/": 400, "/%D8%/": 400, "/page/0/": 404, "/page/1/": 404, "/page/01/": 404,
			"/page/99999999999999999999999/": 404, "/page/-1/": 404, "/page/abc/": 404, "/page/100000/": 404,
			"/category/nope/": 404, "/category/nope/feed/": 404, "/tag/nope/page/2/": 404, "/author/x/feed.json": 404,
			"/2026/13/": 404, "/2026/02/31/": 404, "/2026/1/": 404, "/9999/": 200, "/2026/01/01/page/x/": 404,
			"/sitemap-posts-0.xml": 404, "/sitemap-posts-99999999999999999999.xml": 404, "/sitemap-nope.xml": 404,
			"/static/nope.css": 404, "/uploads/": 404, "/uploads/../nashra.db": 307, "/uploads/%2e%2e/nashra.db": 404, "/a/b/c/": 404,
			"/" + strings.Repeat("ب", 3000) + "/": 404, "/%00/": 404, "/feed/?q=%3Cscript%3E": 200,
			"/admin/setup?token=nope": 403,
		}
		for path, want := range cases {
			resp, body := s.raw(t, path)
			if resp.StatusCode != want {
				t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
			}
			if resp.StatusCode >= 500 || strings.Contains(body, "panic") {
				t.Errorf("GET %s: server error %d", path, resp.StatusCode)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader("x"))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST /: %d", resp.StatusCode)
		}
		req, _ = http.NewRequest(http.MethodPost, s.URL+"/admin/setup", strings.NewReader("token=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
		}
	})
}

func TestScheduledPostsWaitForTheirTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		ctx := context.Background()
		_, err := s.Content.CreatePost(ctx, content.PostInput{Title: "خبر مجدول للغد", Slug: "tomorrow", Status: content.Scheduled,
			PublishedAt: time.Now().Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		s.mustGet(t, "/tomorrow/", 404)
		if body := s.mustGet(t, "/feed/", 200); strings.Contains(body, "خبر مجدول") {
			t.Fatal("a scheduled post is in the feed")
		}
	})
}

func TestOwnerSetupLinkWorksOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		ss := newStaff(db)
		tok, err := ss.NewSetupToken(context.Background(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.mustGet(t, "/admin/setup?token="+tok, 200), `name="password"`)
		post := func(form url.Values) int {
			resp, err := client.PostForm(s.URL+"/admin/setup", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		form := url.Values{"token": {tok}, "name": {"مالك الموقع"}, "email": {"owner@example.com"}, "password": {"short"}}
		if code := post(form); code != http.StatusUnprocessableEntity {
			t.Fatalf("short password: %d", code)
		}
		form.Set("password", "a long enough password")
		if code := post(form); code != http.StatusOK {
			t.Fatalf("setup: %d", code)
		}
		if code := post(form); code != http.StatusForbidden {
			t.Fatalf("second use: %d", code)
		}
		if _, err := ss.Authenticate(context.Background(), "owner@example.com", "a long enough password"); err != nil {
			t.Fatalf("owner cannot sign in: %v", err)
		}
	})
}

func mustContain(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("body lacks %q", p)
		}
	}
}

func jsonLD(t *testing.T, body string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	return v
}

func wellFormed(t *testing.T, name, body string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader([]byte(body)))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
}

func TestMembersGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		ctx := context.Background()
		p, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		in := content.InputOf(p)
		in.Visibility = "members"
		if _, err := s.Content.UpdatePost(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		article := "/" + url.PathEscape(s.Sample) + "/"
		body := s.mustGet(t, article, 200)
		mustContain(t, body, `class="gate"`, "اشترك الآن للاستمرار في القراءة", `href="#continue"`, `class="article__body prose paywalled" id="continue"`,
			"ديمترييف")
		ld := jsonLD(t, body)
		part, _ := ld["hasPart"].(map[string]any)
		if ld["isAccessibleForFree"] != false || part["cssSelector"] != ".paywalled" {
			t.Fatalf("JSON-LD access: %v %v", ld["isAccessibleForFree"], ld["hasPart"])
		}
		teaser := regexp.MustCompile(`(?s)<div class="article__body prose">(.*?)</div>`).FindStringSubmatch(body)
		if teaser == nil || strings.Count(teaser[1], "<p>") != 2 {
			t.Fatalf("teaser should hold two paragraphs: %q", teaser)
		}

		// A hard gate does not send the rest at all.
		st := settings.New(db)
		site, _ := st.Site(ctx)
		site.Gate = "hard"
		if err := st.SaveSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		body = s.mustGet(t, article, 200)
		if strings.Contains(body, `id="continue"`) || strings.Contains(body, "بيسكوف") {
			t.Fatal("a hard gate sent the locked text")
		}
		// The archive rule locks old public posts too.
		site.Gate, site.ArchiveDays = "soft", 1
		if err := st.SaveSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.mustGet(t, "/"+url.PathEscape("اجتماع-إقليمي-لبحث-إدارة-المياه-المشتركة")+"/", 200), `class="gate"`)
	})
}
