package wire

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// seedArticle splits the fixtures' sample article (a WordPress + Jetpack
// page captured as text, see SOURCES.md) into its headline, its text, and
// the site furniture that follows «اكتشاف المزيد من موقع تجاربنا».
func seedArticle(t testing.TB) (category, headline string, body, furniture []string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(string(readFixture(t, "seed-article.txt")), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	cut := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "اكتشاف المزيد من") {
			cut = i
			break
		}
	}
	if len(lines) < 6 || cut < 4 {
		t.Fatalf("unexpected seed article layout (%d lines, furniture at %d)", len(lines), cut)
	}
	return lines[0], lines[1], lines[2:cut], lines[cut:]
}

// seedPage lays the sample article out the way a WordPress theme with
// Jetpack does; with bare set, every class and id is left out, so that only
// the furniture's wording can give it away.
func seedPage(category, headline string, body, furniture []string, bare bool) string {
	c := func(s string) string {
		if bare {
			return ""
		}
		return " " + s
	}
	e := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>%s – موقع تجاربنا</title>`, e(headline))
	b.WriteString(`<meta property="og:site_name" content="موقع تجاربنا"><meta property="article:published_time" content="2025-04-04T10:00:00+03:00"></head>`)
	fmt.Fprintf(&b, `<body><header%s><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/category/world/">%s</a></li><li><a href="/category/sport/">رياضة</a></li></ul></nav></header>`, c(`id="masthead"`), e(category))
	fmt.Fprintf(&b, `<main><article%s><header%s><span><a href="/category/world/">%s</a></span><h1%s>%s</h1>`, c(`class="post type-post"`), c(`class="entry-header"`), e(category), c(`class="entry-title"`), e(headline))
	fmt.Fprintf(&b, `<span%s>بقلم <a href="/author/desk/">فريق التحرير</a></span></header><div%s>`, c(`class="byline author"`), c(`class="entry-content"`))
	for _, p := range body {
		fmt.Fprintf(&b, "<p>%s</p>\n", e(p))
	}
	fmt.Fprintf(&b, `<div%s><h2>%s</h2><p>%s</p><form><input type="email"><button>اشترك</button></form></div></div></article>`,
		c(`class="wp-block-jetpack-subscriptions"`), e(furniture[0]), e(furniture[1]))
	fmt.Fprintf(&b, `<div%s><div%s><h3%s>%s</h3><form%s><p%s>%s</p><textarea></textarea></form></div></div></main>`,
		c(`id="comments" class="comments-area"`), c(`id="respond" class="comment-respond"`), c(`id="reply-title"`), e(furniture[2]),
		c(`id="commentform"`), c(`class="comment-notes"`), e(furniture[3]))
	fmt.Fprintf(&b, `<a href="#"%s>%s</a>`, c(`id="back-to-top" class="go-to-top"`), e(furniture[4]))
	fmt.Fprintf(&b, `<div%s><h2>%s</h2><p>%s</p><a href="#">%s</a></div>`, c(`class="jetpack-subscribe-overlay"`), e(furniture[5]), e(furniture[6]), e(furniture[len(furniture)-1]))
	b.WriteString(`<footer><p>جميع الحقوق محفوظة © 2025 موقع تجاربنا</p></footer></body></html>`)
	return b.String()
}

// TestExtractArabicSeedArticle: the Arabic article comes out whole, in
// Arabic, without the subscribe box, the comment form, the back-to-top
// button or the subscribe overlay, whether or not their markup names them.
func TestExtractArabicSeedArticle(t *testing.T) {
	category, headline, body, furniture := seedArticle(t)
	if len(furniture) < 8 {
		t.Fatalf("furniture: %q", furniture)
	}
	for _, bare := range []bool{false, true} {
		t.Run(fmt.Sprintf("bare=%v", bare), func(t *testing.T) {
			page := seedPage(category, headline, body, furniture, bare)
			a, err := Extract([]byte(page), "https://example.org/2025/04/04/kremlin-envoy/")
			if err != nil {
				t.Fatal(err)
			}
			text := collapseSpaces(a.Text)
			for _, p := range body {
				if !strings.Contains(text, collapseSpaces(p)) {
					t.Errorf("paragraph missing: %.80q", p)
				}
			}
			for _, f := range furniture {
				if strings.Contains(text, collapseSpaces(f)) {
					t.Errorf("furniture kept: %q", f)
				}
			}
			if a.Lang != "ar" || !strings.Contains(a.Title, "يعلق الكرملين") || a.Published.IsZero() || a.SiteName != "موقع تجاربنا" {
				t.Errorf("metadata: lang %q title %q published %v site %q", a.Lang, a.Title, a.Published, a.SiteName)
			}
			_, _, f1 := tokenF1(a.Text, strings.Join(body, "\n"))
			t.Logf("F1 against the article's own text: %.3f", f1)
			if f1 < 0.97 {
				t.Errorf("F1 %.3f", f1)
			}
		})
	}
}

func TestExtractRefusesNonArticles(t *testing.T) {
	for name, page := range map[string]string{
		"empty":      "",
		"whitespace": "  \n\t ",
		"binary":     "\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n",
		"no text":    "<html><body><img src=a.png><script>var x = 'a long script that is not text';</script></body></html>",
		"menu only":  `<html><body><nav><a href="/">Home</a> <a href="/a">About</a></nav></body></html>`,
		"a feed":     `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>x</title></item></channel></rss>`,
	} {
		_, err := Extract([]byte(page), "https://example.org/")
		if !errors.Is(err, ErrMalformed) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestExtractRefusesHugePages(t *testing.T) {
	page := append([]byte("<html><body><p>"), bytes.Repeat([]byte("word "), 2<<20+1)...)
	if _, err := Extract(page, ""); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a page over 10 MB: %v", err)
	}
}

func TestExtractNonUTF8Page(t *testing.T) {
	// A windows-1256 page that declares its charset only in <meta>.
	sentence := "مبعوث الروسي يلتقي مسؤولين في البيت الأبيض هذا الأسبوع. "
	src := `<html><head><meta charset="windows-1256"><title>الكرملين</title></head><body><article><p>` +
		strings.Repeat(sentence, 12) + `</p></article></body></html>`
	page, err := charmap.Windows1256.NewEncoder().Bytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Extract(page, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, strings.TrimSpace(sentence)) || a.Lang != "ar" || a.Title != "الكرملين" {
		t.Fatalf("lang %q title %q text %.200q", a.Lang, a.Title, a.Text)
	}
}
