package content

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// FuzzRender checks the safety contract of rendered Markdown on the parsed
// output, as a browser would see it: no script-capable elements, no event
// handler attributes, no javascript: or data: URLs.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "# عنوان\n\nنص", "<script>x</script>", "[a](javascript:x)", "```\ncode\n```", "| a | b |\n|---|---|\n| 1 | 2 |",
		"<img src=x onerror=y>", "<a href=\"jav&#x09;ascript:x\">x</a>", "> quote\n>> nested", "[^1]\n\n[^1]: note", "\xff\xfe",
		"<svg><script>x</script></svg>", "<math><mi xlink:href=\"javascript:x\">", "<iframe src=//evil>", "0 onerror="} {
		f.Add(s)
	}
	r := NewRenderer()
	f.Fuzz(func(t *testing.T, src string) {
		out := r.Render(src)
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input")
		}
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "base", "meta", "link":
					t.Fatalf("output has <%s>: %q", n.Data, out)
				}
				for _, a := range n.Attr {
					key := strings.ToLower(a.Key)
					val := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
					if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
						t.Fatalf("output has attribute %s: %q", a.Key, out)
					}
					if (key == "href" || key == "src") && (strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:") || strings.HasPrefix(val, "vbscript:")) {
						t.Fatalf("output has a %s URL %q: %q", key, a.Val, out)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}
