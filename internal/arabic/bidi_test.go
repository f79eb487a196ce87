package arabic

import (
	"strings"
	"testing"
)

func TestIsolateText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"arabic only", "يعلق الكرملين على محادثات", "يعلق الكرملين على محادثات"},
		{"latin run", "قالت NBC News، إن", "قالت <bdi>NBC News</bdi>، إن"},
		{"apostrophe joins", "مبعوث Washing’s Envoy يصل", "مبعوث <bdi>Washing’s Envoy</bdi> يصل"},
		{"ascii apostrophe escaped", "قال O'Brien إن", "قال <bdi>O&#39;Brien</bdi> إن"},
		{"brackets stay outside", "(CNN) قالت", "(<bdi>CNN</bdi>) قالت"},
		{"quotes stay outside", `قال "Reuters".`, `قال &#34;<bdi>Reuters</bdi>&#34;.`},
		{"trailing joiners stay outside", "وكالة AP, ثم", "وكالة <bdi>AP</bdi>, ثم"},
		{"trailing space and period outside", "عن BBC. ", "عن <bdi>BBC</bdi>. "},
		{"digits alone not wrapped", "18 مارس 2022", "18 مارس 2022"},
		{"digits after letters join", "نظام Windows 11 الجديد", "نظام <bdi>Windows 11</bdi> الجديد"},
		{"digits before letters stay out", "مجموعة 20 G", "مجموعة 20 <bdi>G</bdi>"},
		{"alphanumeric", "قمة G20 في", "قمة <bdi>G20</bdi> في"},
		{"ampersand escaped inside", "شركة AT&T الأمريكية", "شركة <bdi>AT&amp;T</bdi> الأمريكية"},
		{"url", "راجع https://example.com/a_b الآن", "راجع <bdi>https://example.com/a_b</bdi> الآن"},
		{"query is not a joiner", "راجع example.com/?q=x الآن", "راجع <bdi>example.com</bdi>/?<bdi>q</bdi>=<bdi>x</bdi> الآن"},
		{"email", "راسلنا news@example.org اليوم", "راسلنا <bdi>news@example.org</bdi> اليوم"},
		{"hashtag and plus", "وسم C++ و #Go", "وسم <bdi>C</bdi>++ و #<bdi>Go</bdi>"},
		{"accented latin", "مدينة Orléans الفرنسية", "مدينة <bdi>Orléans</bdi> الفرنسية"},
		{"combining mark", "اسم Zoe\u0301 هنا", "اسم <bdi>Zoe\u0301</bdi> هنا"},
		{"two runs", "بين Paris و London", "بين <bdi>Paris</bdi> و <bdi>London</bdi>"},
		{"newline joins", "قالت NBC\nNews إن", "قالت <bdi>NBC\nNews</bdi> إن"},
		{"markup escaped", "نص <b>bold</b>", "نص &lt;<bdi>b</bdi>&gt;<bdi>bold</bdi>&lt;/<bdi>b</bdi>&gt;"},
		{"latin text untouched", "NBC News (Reuters), 2022.", "NBC News (Reuters), 2022."},
		{"latin text still escaped", `Tom & "Jerry" <3`, "Tom &amp; &#34;Jerry&#34; &lt;3"},
		{"hebrew counts as rtl", "שלום NBC", "שלום <bdi>NBC</bdi>"},
		{"invalid utf-8", "عربي \xffNBC\xfe", "عربي \uFFFD<bdi>NBC</bdi>\uFFFD"},
		{"nul replaced", "عربي a\x00b", "عربي <bdi>a</bdi>\uFFFD<bdi>b</bdi>"},
		{"only punctuation", "،؛…", "،؛…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(IsolateText(tt.in)); got != tt.want {
				t.Errorf("IsolateText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsolateTextLong(t *testing.T) {
	in := strings.Repeat("قالت NBC News، ", 50000)
	got := string(IsolateText(in))
	if n := strings.Count(got, "<bdi>NBC News</bdi>"); n != 50000 {
		t.Errorf("got %d isolates, want 50000", n)
	}
	// A long run of joiners with no letter after them must stay linear.
	in = "عربي a" + strings.Repeat(" .", 200000) + "!"
	if got := string(IsolateText(in)); !strings.HasPrefix(got, "عربي <bdi>a</bdi> .") {
		t.Errorf("IsolateText(joiners) = %.40q", got)
	}
}
