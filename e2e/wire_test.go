package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/testenv"
)

// TestWireExtract runs 'nashra wire extract' on a saved page and on a
// fixture page served from loopback, which the SSRF guard refuses until the
// command is told to allow it.
func TestWireExtract(t *testing.T) {
	fixtures := testenv.Fixtures(t)
	pagePath := filepath.Join(fixtures, "extraction", "trafilatura", "pages", "automobilwoche.de-VW-Betriebsversammlung.html")
	page, err := os.ReadFile(pagePath)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/article.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		w.Write(page)
	}))
	defer srv.Close()

	wantArticle := func(t *testing.T, out string) {
		t.Helper()
		for _, want := range []string{"Title:", "Krach vor der VW-Betriebsversammlung", "Language:  de", "Date:", "Haussegen hängt schief"} {
			if !strings.Contains(out, want) {
				t.Fatalf("output lacks %q:\n%.1500s", want, out)
			}
		}
	}
	t.Run("file", func(t *testing.T) {
		out, code := run(t, "wire", "extract", pagePath)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		wantArticle(t, out)
	})
	t.Run("loopback URL refused", func(t *testing.T) {
		out, code := run(t, "wire", "extract", srv.URL+"/article.html")
		wantOneErrorLine(t, out, code, "blocked address 127.0.0.1 (loopback)")
		if !strings.Contains(out, "--allow-private") {
			t.Errorf("the error should name the flag that allows it:\n%s", out)
		}
	})
	t.Run("loopback URL allowed", func(t *testing.T) {
		for _, flags := range [][]string{{"--allow-private"}, {"--allow", "127.0.0.1"}} {
			args := append([]string{"wire", "extract", srv.URL + "/article.html"}, flags...)
			out, code := run(t, args...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s", flags, code, out)
			}
			wantArticle(t, out)
			if !strings.Contains(out, "URL:       "+srv.URL+"/article.html") {
				t.Errorf("%v: no URL line:\n%.500s", flags, out)
			}
		}
	})
	t.Run("errors", func(t *testing.T) {
		feed := filepath.Join(fixtures, "feeds", "gofeed", "parser__universal__rss_feed.xml")
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"wire", "extract", filepath.Join(t.TempDir(), "missing.html")}, "no such file"},
			{[]string{"wire", "extract", feed}, "this is a feed"},
			{[]string{"wire", "extract", srv.URL + "/gone", "--allow-private"}, "HTTP 404"},
			{[]string{"wire", "extract", "http://169.254.169.254/latest/meta-data/"}, "link-local"},
			{[]string{"wire", "extract", "http://10.0.0.1/", "--allow", "not-a-cidr"}, "--allow"},
		} {
			out, code := run(t, c.args...)
			wantOneErrorLine(t, out, code, c.want)
		}
	})
}

func wantOneErrorLine(t *testing.T, out string, code int, want string) {
	t.Helper()
	lines := nonEmptyLines(out)
	if code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "nashra: error:") || !strings.Contains(out, want) ||
		strings.Contains(out, "panic") {
		t.Fatalf("want exit 1 and one error line containing %q, got exit %d:\n%s", want, code, out)
	}
}
