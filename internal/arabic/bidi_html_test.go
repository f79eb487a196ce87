package arabic

import (
	"strings"
	"testing"
)

func TestIsolateHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraph",
			"<p>قالت NBC News، إن</p>",
			"<p>قالت <bdi>NBC News</bdi>، إن</p>"},
		{"no rtl letter is unchanged",
			`<p class="x">NBC News &amp; <b>CNN</b></p>`,
			`<p class="x">NBC News &amp; <b>CNN</b></p>`},
		{"attributes untouched",
			`<p>انظر <a href="https://example.com/NBC" title="NBC News">NBC News</a>.</p>`,
			`<p>انظر <a href="https://example.com/NBC" title="NBC News"><bdi>NBC News</bdi></a>.</p>`},
		{"nested inline markup",
			"<p>قال <strong>رئيس <em>Apple Inc</em>.</strong> إن</p>",
			"<p>قال <strong>رئيس <em><bdi>Apple Inc</bdi></em>.</strong> إن</p>"},
		{"runs do not cross tags",
			"<p>قالت <b>NBC</b> News</p>",
			"<p>قالت <b><bdi>NBC</bdi></b> <bdi>News</bdi></p>"},
		{"entity inside a run kept as written",
			"<p>شركة AT&amp;T الأمريكية</p>",
			"<p>شركة <bdi>AT&amp;T</bdi> الأمريكية</p>"},
		{"numeric reference for a letter",
			"<p>حرف &#x41;BC هنا</p>",
			"<p>حرف <bdi>&#x41;BC</bdi> هنا</p>"},
		{"nbsp reference joins",
			"<p>قالت NBC&nbsp;News.</p>",
			"<p>قالت <bdi>NBC&nbsp;News</bdi>.</p>"},
		{"quote references stay outside",
			"<p>قال &quot;Reuters&quot; إن</p>",
			"<p>قال &quot;<bdi>Reuters</bdi>&quot; إن</p>"},
		{"legacy reference swallowing letters is atomic",
			"<p>عربي &ampxyz</p>",
			"<p>عربي &ampxyz</p>"},
		{"unknown reference is plain text",
			"<p>عربي &zzz; x</p>",
			"<p>عربي &<bdi>zzz</bdi>; <bdi>x</bdi></p>"},
		{"pre code untouched",
			"<p>مثال:</p>\n<pre><code class=\"language-go\">fmt.Println(\"NBC\")\n</code></pre>\n<p>ثم Go</p>",
			"<p>مثال:</p>\n<pre><code class=\"language-go\">fmt.Println(\"NBC\")\n</code></pre>\n<p>ثم <bdi>Go</bdi></p>"},
		{"inline code kbd samp untouched",
			"<p>اكتب <code>go test</code> ثم <kbd>Ctrl</kbd> و<samp>OK</samp></p>",
			"<p>اكتب <code>go test</code> ثم <kbd>Ctrl</kbd> و<samp>OK</samp></p>"},
		{"script and style untouched",
			"<p>نص</p><script>var a = 'NBC' < 3;</script><style>p { font: Arial }</style>",
			"<p>نص</p><script>var a = 'NBC' < 3;</script><style>p { font: Arial }</style>"},
		{"existing bdi and bdo untouched",
			"<p>قالت <bdi>NBC News</bdi> و<bdo dir=\"ltr\">CNN</bdo></p>",
			"<p>قالت <bdi>NBC News</bdi> و<bdo dir=\"ltr\">CNN</bdo></p>"},
		{"dir attribute skips subtree",
			"<p>قال <span dir=\"ltr\">Hi <span>there</span> you</span> ثم Bye</p>",
			"<p>قال <span dir=\"ltr\">Hi <span>there</span> you</span> ثم <bdi>Bye</bdi></p>"},
		{"dir attribute on block",
			"<blockquote dir=\"ltr\"><p>English quote</p></blockquote><p>عربي Yes</p>",
			"<blockquote dir=\"ltr\"><p>English quote</p></blockquote><p>عربي <bdi>Yes</bdi></p>"},
		{"uppercase tags",
			"<P>عربي <CODE>NBC</CODE> CNN</P>",
			"<P>عربي <CODE>NBC</CODE> <bdi>CNN</bdi></P>"},
		{"void elements do not open",
			"<p>صورة<br>NBC<img src=\"a.png\" alt=\"NBC\"> CNN<hr/>BBC</p>",
			"<p>صورة<br><bdi>NBC</bdi><img src=\"a.png\" alt=\"NBC\"> <bdi>CNN</bdi><hr/><bdi>BBC</bdi></p>"},
		{"comments untouched",
			"<!-- NBC News --><p>عربي</p>",
			"<!-- NBC News --><p>عربي</p>"},
		{"lists and tables",
			"<ul><li>بند Alpha</li></ul><table><tr><td>خلية Beta</td></tr></table>",
			"<ul><li>بند <bdi>Alpha</bdi></li></ul><table><tr><td>خلية <bdi>Beta</bdi></td></tr></table>"},
		{"digits alone not wrapped",
			"<p>18 مارس 2022</p>",
			"<p>18 مارس 2022</p>"},
		{"textarea and title untouched",
			"<title>عنوان NBC</title><textarea>عربي NBC</textarea>",
			"<title>عنوان NBC</title><textarea>عربي NBC</textarea>"},
		{"unfinished tag at the end kept",
			"<p>عربي NBC</p><a href=\"x",
			"<p>عربي <bdi>NBC</bdi></p><a href=\"x"},
		{"stray end tag ignored",
			"<p>عربي</code> NBC</p>",
			"<p>عربي</code> <bdi>NBC</bdi></p>"},
		{"plain text fragment",
			"قالت NBC News، إن",
			"قالت <bdi>NBC News</bdi>، إن"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := IsolateHTML(tt.in)
			if got != tt.want {
				t.Errorf("IsolateHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if back := stripBdi(got); !strings.Contains(strings.ToLower(tt.in), "bdi") && back != tt.in {
				t.Errorf("stripping <bdi> gives %q, want the input back", back)
			}
		})
	}
}

func TestIsolateHTMLLong(t *testing.T) {
	in := strings.Repeat("<p>قالت <em>NBC News</em>، إن</p>\n", 20000)
	want := strings.Repeat("<p>قالت <em><bdi>NBC News</bdi></em>، إن</p>\n", 20000)
	if got := IsolateHTML(in); got != want {
		t.Errorf("IsolateHTML(long) differs")
	}
	// Unclosed elements and stray end tags must stay cheap.
	in = "عربي" + strings.Repeat("<b>", 50000) + strings.Repeat("</i>", 50000) + "NBC"
	if got := IsolateHTML(in); !strings.HasSuffix(got, "<bdi>NBC</bdi>") {
		t.Errorf("IsolateHTML(unclosed) = …%q", got[len(got)-20:])
	}
}

func stripBdi(s string) string {
	return strings.NewReplacer("<bdi>", "", "</bdi>", "").Replace(s)
}

// FuzzIsolateHTML checks that IsolateHTML only ever inserts <bdi> and </bdi>
// (so stripping them gives back the input, for any input that had no "bdi"
// of its own), that they balance, that a second pass changes nothing, and
// that on text without markup or
// characters that need escaping it agrees with IsolateText.
func FuzzIsolateHTML(f *testing.F) {
	for _, s := range []string{
		"<p>قالت NBC News، إن</p>", "عربي AT&amp;T &ampx &#x41; &zzz;", "<pre><code>NBC</code></pre> عربي x",
		"<span dir=ltr>a</span> عربي b", "<a href=\"x", "عربي <textarea>NBC", "عربي \xffx\x00y", "عربي a\r\nb",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := IsolateHTML(in)
		if again := IsolateHTML(out); again != out {
			t.Fatalf("IsolateHTML not idempotent on %q: %q then %q", in, out, again)
		}
		if strings.Contains(strings.ToLower(in), "bdi") {
			return
		}
		if back := stripBdi(out); back != in {
			t.Fatalf("IsolateHTML(%q) = %q: stripping <bdi> gives %q", in, out, back)
		}
		if o, c := strings.Count(out, "<bdi>"), strings.Count(out, "</bdi>"); o != c {
			t.Fatalf("IsolateHTML(%q) = %q: %d <bdi> but %d </bdi>", in, out, o, c)
		}
		if !strings.ContainsAny(in, "<>&\"'\x00") && utf8ValidNoNUL(in) {
			if text := string(IsolateText(in)); text != out {
				t.Fatalf("on plain text %q IsolateHTML = %q but IsolateText = %q", in, out, text)
			}
		}
	})
}

func utf8ValidNoNUL(s string) bool {
	return strings.ToValidUTF8(s, "") == s && !strings.Contains(s, "\x00")
}
