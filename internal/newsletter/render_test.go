package newsletter

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store/storetest"
	"nashra.dev/nashra/internal/testenv"
)

// renderParts renders and parses the message back: what a mail client sees.
func renderParts(t *testing.T, m *nmail.Message) (mail.Header, string, string) {
	t.Helper()
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return msg.Header, parts["text/plain"], parts["text/html"]
}

func renderEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(storetest.SQLite(t), nmail.Outbox{Dir: t.TempDir()}, func() time.Time {
		return time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)
	}, testOptions("render"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var (
	breaking = Newsletter{ID: 7, Slug: "breaking", Name: "عاجل", SenderName: "نشرة الموقع", SenderEmail: "news@example.test"}
	reader   = Member{ID: 42, Email: "reader@example.test", Name: "قارئ"}
)

func TestRenderShapes(t *testing.T) {
	e := renderEngine(t)
	cases := []struct {
		name      string
		post      content.Post
		html, txt []string // must appear
		notHTML   []string // must not
	}{
		{
			name: "arabic with source, image and relative links",
			post: content.Post{ID: 1, Slug: "اجتماع-الرياض", Title: "اجتماع في الرياض", Standfirst: "وزراء يناقشون خطة مشتركة",
				Lang: "ar", Dir: "rtl", PublishedAt: time.Date(2025, 3, 27, 9, 0, 0, 0, time.UTC),
				BodyHTML: `<p>قال <strong>مسؤولون</strong> إن <a href="/reports/">التقرير</a> جاهز.</p>` +
					`<blockquote><p>«نريد نتائج»</p></blockquote><ul><li>قطار</li><li>كهرباء</li></ul>` +
					`<figure><img src="/media/a.jpg" srcset="/media/a-480.jpg 480w" alt="صورة" loading="lazy"><figcaption>شرح</figcaption></figure>` +
					`<script>alert(1)</script><iframe src="https://video.example/x"></iframe>`,
				Source:     content.Source{Name: "وكالة الأنباء", URL: "https://example.org/a", Translated: true},
				Featured:   content.Image{URL: "/media/cover.jpg", Alt: "الغلاف", Credit: "تصوير: فريق"},
				Authors:    []content.Author{{Name: "سلمى"}, {Name: "خالد"}},
				Categories: []content.Category{{ID: 3, Name: "أخبار العالم"}}, CategoryID: 3},
			html: []string{`<html dir="rtl" lang="ar">`, `<div dir="rtl" lang="ar" style="direction:rtl;text-align:right;`,
				`href="https://news.example.test/reports/"`, `src="https://news.example.test/media/a.jpg"`,
				`src="https://news.example.test/media/cover.jpg"`, "border-right:4px solid", "max-width:100%",
				"أخبار العالم", "بقلم سلمى، خالد", "وكالة الأنباء</a> (ترجمة آلية)", "اقرأ على الموقع",
				`href="https://news.example.test/%D8%A7%D8%AC%D8%AA%D9%85%D8%A7%D8%B9-%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6/"`,
				"إلغاء الاشتراك", "unsubscribe?m=42&amp;n=7&amp;sig="},
			notHTML: []string{"<script", "alert(1)", "<iframe", "srcset", "loading=", "<table", "<style"},
			txt: []string{"أخبار العالم\nاجتماع في الرياض\nبقلم سلمى، خالد\n\nوزراء يناقشون خطة مشتركة\n\n",
				"قال مسؤولون إن التقرير <https://news.example.test/reports/> جاهز.\n\n«نريد نتائج»\n\n• قطار\n• كهرباء",
				"المصدر: وكالة الأنباء (ترجمة آلية) <https://example.org/a>",
				"اقرأ على الموقع: https://news.example.test/", "إلغاء الاشتراك: https://news.example.test/members/unsubscribe?m=42&n=7&sig="},
		},
		{
			name: "english, left to right, no extras",
			post: content.Post{ID: 2, Slug: "talks", Title: "Talks resume", Lang: "en", Dir: "ltr",
				BodyHTML: "<p>First paragraph.</p>\n<p>Second &amp; last.</p>"},
			html:    []string{`<html dir="ltr" lang="en">`, "text-align:left", "Read on the site", "Unsubscribe"},
			notHTML: []string{`dir="rtl"`, "Source:"},
			txt:     []string{"Talks resume\n\nFirst paragraph.\n\nSecond & last.\n\nRead on the site: https://news.example.test/talks/"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := e.Render(&c.post, breaking, reader)
			if err != nil {
				t.Fatal(err)
			}
			h, text, html := renderParts(t, m)
			for _, want := range c.html {
				if !strings.Contains(html, want) {
					t.Errorf("HTML lacks %q", want)
				}
			}
			for _, bad := range c.notHTML {
				if strings.Contains(html, bad) {
					t.Errorf("HTML has %q", bad)
				}
			}
			for _, want := range c.txt {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if h.Get("Subject") == "" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
				h.Get("List-Id") != "=?utf-8?q?=D8=B9=D8=A7=D8=AC=D9=84?= <breaking.news.example.test>" {
				t.Errorf("headers: %v", h)
			}
			from, _ := mail.ParseAddress(h.Get("From"))
			if from.Address != "news@example.test" || from.Name != "نشرة الموقع" {
				t.Errorf("From = %v", from)
			}
			if dir := os.Getenv("NASHRA_ARTIFACTS"); dir != "" {
				_ = os.MkdirAll(dir, 0o755)
				_ = os.WriteFile(filepath.Join(dir, "newsletter-"+c.post.Slug+".html"), []byte(html), 0o644)
			}
		})
	}
}

func TestRenderDigest(t *testing.T) {
	e := renderEngine(t)
	posts := []content.Post{
		{ID: 1, Slug: "one", Title: "الأول", Standfirst: "ملخص الأول", Lang: "ar", BodyHTML: "<p>نص طويل لا يظهر</p>"},
		{ID: 2, Slug: "two", Title: "الثاني", Lang: "ar"},
	}
	m, err := e.RenderDigest(posts, breaking, "موجز اليوم", reader)
	if err != nil {
		t.Fatal(err)
	}
	h, text, html := renderParts(t, m)
	for _, want := range []string{"أحدث المقالات", "الأول", "ملخص الأول", "الثاني", "https://news.example.test/two/"} {
		if !strings.Contains(html, want) || !strings.Contains(text, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	if strings.Contains(html, "نص طويل") {
		t.Error("a digest carries titles and standfirsts, not bodies")
	}
	if dec, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); dec != "موجز اليوم" {
		t.Errorf("Subject = %q", dec)
	}
}

// TestRenderSampleArticle renders the shape of the sample page (category,
// headline with the source glued on, standfirst, paragraphs), read from the
// shared fixture at run time.
func TestRenderSampleArticle(t *testing.T) {
	f, err := os.Open(filepath.Join(testenv.Fixtures(t), "seed-article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 5 {
		t.Fatalf("the sample has %d lines", len(lines))
	}
	title, source, _ := strings.Cut(lines[1], " – ")
	var body strings.Builder
	for _, p := range lines[3:8] {
		body.WriteString("<p>" + templateEscape(p) + "</p>\n")
	}
	post := content.Post{ID: 9, Slug: "sample", Title: title, Standfirst: lines[2], Lang: "ar", Dir: "rtl",
		BodyHTML: body.String(), Source: content.Source{Name: source, Translated: true},
		Categories: []content.Category{{ID: 1, Name: lines[0]}}, CategoryID: 1}
	m, err := e(t).Render(&post, breaking, reader)
	if err != nil {
		t.Fatal(err)
	}
	_, text, html := renderParts(t, m)
	for _, want := range []string{lines[0], title, lines[2], lines[3], "المصدر: " + source} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
		if !strings.Contains(html, templateEscape(want)) && !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if !strings.Contains(html, `<html dir="rtl" lang="ar">`) {
		t.Error("not right to left")
	}
}

func e(t *testing.T) *Engine { return renderEngine(t) }

func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestUnsubscribeLinks(t *testing.T) {
	l := Links{BaseURL: "https://x.test", Secret: []byte("0123456789abcdef")}
	u := l.UnsubscribeURL(12, 3)
	sig := u[strings.Index(u, "sig=")+4:]
	if !l.Verify(12, 3, sig) {
		t.Fatal("own signature refused")
	}
	for _, c := range []struct {
		m, n int64
		sig  string
	}{{1, 23, sig}, {12, 4, sig}, {12, 3, ""}, {12, 3, sig[:len(sig)-1]}, {123, 3, sig}} {
		if l.Verify(c.m, c.n, c.sig) {
			t.Errorf("Verify(%d, %d, %q) accepted", c.m, c.n, c.sig)
		}
	}
	other := Links{BaseURL: l.BaseURL, Secret: []byte("another secret, 16+ bytes")}
	if other.Verify(12, 3, sig) {
		t.Error("a signature under another secret was accepted")
	}
}
