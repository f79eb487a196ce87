package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/settings"

	defaulttheme "nashra.dev/nashra/themes/default"
)

// testTheme loads a theme with the functions of a handler that has no
// services behind it.
func testTheme(base fs.FS, dir string) (*theme, error) {
	h := &Handler{}
	h.cur.Store(&state{site: settings.Defaults(), loc: time.UTC})
	return loadTheme(base, dir, h.funcs(), h.bindFuncs)
}

func TestDefaultThemeLoads(t *testing.T) {
	th, err := testTheme(defaulttheme.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(th.css, "/static/css/style.") || th.assets[th.css] == nil {
		t.Fatalf("stylesheet not fingerprinted: %q", th.css)
	}
	if th.assets["/static/fonts/noto-naskh-arabic-arabic-400.woff2"] == nil {
		t.Fatal("the Arabic font is not embedded")
	}
}

func TestThemeOverridesFileByFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("templates/error.html", `{{define "content"}}<p class="custom-error">{{.Error.Title}}</p>{{end}}`)
	write("static/css/style.css", `body{color:red}`)
	th, err := testTheme(defaulttheme.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := th.pages["error"].ExecuteTemplate(&b, "layout", probePage()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `class="custom-error"`) || !strings.Contains(b.String(), `class="site-header"`) {
		t.Fatal("override not applied, or the default layout lost")
	}
	if string(th.assets[th.css].body) != "body{color:red}" {
		t.Fatal("stylesheet override not applied")
	}

	for name, body := range map[string]string{
		"templates/home.html":    `{{define "content"}}{{.Nope`,
		"templates/article.html": `{{define "content"}}{{template "missing" .}}{{end}}`,
		"templates/archive.html": `{{define "content"}}{{.Archive.NoSuchField}}{{end}}`,
	} {
		bad := t.TempDir()
		p := filepath.Join(bad, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
		_, err := testTheme(defaulttheme.FS, bad)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(name)) {
			t.Errorf("broken %s: got %v, want an error naming the file", name, err)
		}
	}
}
