package wire

import (
	"errors"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"HTTP://Example.COM/a/b", "http://example.com/a/b"},
		{"https://example.com:443/x", "https://example.com/x"},
		{"http://example.com:80/x", "http://example.com/x"},
		{"http://example.com:8080/x", "http://example.com:8080/x"},
		{"https://example.com", "https://example.com/"},
		{"https://example.com./news/", "https://example.com/news/"},
		{"https://example.com/a/./b/../c#section-2", "https://example.com/a/c"},
		{"https://example.com/story?utm_source=tw&utm_medium=social&id=7&fbclid=abc", "https://example.com/story?id=7"},
		{"https://example.com/story?b=2&a=1&UTM_Campaign=x&a=0", "https://example.com/story?a=1&a=0&b=2"},
		{"https://example.com/story?gclid=1&mc_cid=2&_ga=3&ref_src=twsrc", "https://example.com/story"},
		{"https://user:pw@example.com/x", "https://example.com/x"},
		{"https://ar.example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1?q=%D8%B3", "https://ar.example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1?q=%D8%B3"},
		{"https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"},
		{"  https://example.com/x?  ", "https://example.com/x"},
	}
	for _, c := range cases {
		got, err := CanonicalURL(c.in)
		if err != nil || got != c.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
			continue
		}
		if again, _ := CanonicalURL(got); again != got {
			t.Errorf("not idempotent: %q → %q", got, again)
		}
	}
	for _, bad := range []string{"", "/relative", "mailto:a@b.c", "javascript:alert(1)", "http://", "http://[::1", "ftp://example.com/"} {
		if _, err := CanonicalURL(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("CanonicalURL(%q): %v, want ErrMalformed", bad, err)
		}
	}
}

func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{"https://example.com/a?utm_x=1&b=2#f", "http://EXAMPLE.com:80/../a/./b", "https://x/%zz?%zz=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CanonicalURL(s)
		if err != nil {
			return
		}
		again, err := CanonicalURL(got)
		if err != nil || again != got {
			t.Fatalf("%q → %q → %q, %v", s, got, again, err)
		}
	})
}
