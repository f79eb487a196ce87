package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "# عنوان\n\nنص", "<script>x</script>", "[a](javascript:x)", "```\ncode\n```", "| a | b |\n|---|---|\n| 1 | 2 |",
		"<img src=x onerror=y>", "<a href=\"jav&#x09;ascript:x\">x</a>", "> quote\n>> nested", "[^1]\n\n[^1]: note", "\xff\xfe"} {
		f.Add(s)
	}
	r := NewRenderer()
	f.Fuzz(func(t *testing.T, src string) {
		out := r.Render(src)
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input")
		}
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", "javascript:", " onerror=", " onload=", "<iframe", "<style"} {
			if strings.Contains(low, bad) {
				t.Fatalf("output keeps %q: %q", bad, out)
			}
		}
	})
}
