package mail

import (
	"strings"
	"testing"
)

func TestLetterRender(t *testing.T) {
	l := Letter{Lang: "ar", Subject: "أكّد اشتراكك", Heading: "أكّد اشتراكك في NBC News", Paras: []string{"فقرة <b>ليست وسماً</b>"},
		Quote: "سطر أول\nسطر ثانٍ", Button: "أكّد", Link: "https://news.example/confirm?token=a&b=c", Fallback: "أو افتح هذا الرابط:",
		After: []string{"ملاحظة"}, Unsub: "https://news.example/u?t=1", UnsubAs: "إلغاء"}
	text, html, err := l.Render("صحيفة")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"أكّد اشتراكك في NBC News\n\n", "> سطر أول\n> سطر ثانٍ\n", "أكّد:\nhttps://news.example/confirm?token=a&b=c\n",
		"إلغاء:\nhttps://news.example/u?t=1\n", "\n-- \nصحيفة\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{`dir="rtl"`, `<bdi>NBC News</bdi>`, "&lt;", "token=a&amp;b=c", "أو افتح هذا الرابط:",
		`href="https://news.example/u?t=1"`, "<blockquote"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(html, "<b>") {
		t.Error("a paragraph's markup went through unescaped")
	}
	en := Letter{Lang: "en", Subject: "s", Heading: "Sign in", Paras: []string{"p"}}
	_, html, err = en.Render("Daily")
	if err != nil || !strings.Contains(html, `dir="ltr"`) || strings.Contains(html, "<blockquote") || strings.Contains(html, "<a href") {
		t.Fatalf("a letter without link, quote or unsubscribe: %v\n%s", err, html)
	}
}
