package site

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"html/template"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// pageNames are the templates a theme provides; each defines "content" and
// is parsed together with layout.html and partials.html.
var pageNames = []string{"home", "article", "archive", "error", "members", "search"}

// theme is a parsed theme: one template set per page, and static assets held
// in memory with fingerprinted names.
type theme struct {
	pages  map[string]*template.Template
	assets map[string]*asset // by URL path under /static/
	css    string            // URL of the fingerprinted stylesheet
}

type asset struct {
	body      []byte
	ctype     string
	etag      string
	immutable bool
}

// overlay reads a file from the override folder when it exists there, and
// from the embedded theme otherwise: a site replaces the theme file by file.
type overlay struct {
	dir  string // DATA/theme, may not exist
	base fs.FS
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if o.dir != "" {
		b, err := os.ReadFile(filepath.Join(o.dir, filepath.FromSlash(name)))
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return fs.ReadFile(o.base, name)
}

// loadTheme parses every template and reads every asset, so that a broken
// theme is reported once, at start, with the file and line at fault. bind,
// when not nil, gives each page's template set functions of its own.
func loadTheme(base fs.FS, overrideDir string, funcs template.FuncMap, bind func(page string, t *template.Template) template.FuncMap) (*theme, error) {
	src := overlay{dir: overrideDir, base: base}
	th := &theme{pages: map[string]*template.Template{}, assets: map[string]*asset{}}
	shared := []string{"layout", "partials"}
	for _, name := range pageNames {
		t := template.New(name).Funcs(funcs)
		for _, f := range append(shared, name) {
			file := "templates/" + f + ".html"
			b, err := src.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("theme: %s: %w", file, err)
			}
			if _, err := t.New(file).Parse(string(b)); err != nil {
				return nil, fmt.Errorf("theme: %w", err)
			}
		}
		if t.Lookup("layout") == nil || t.Lookup("content") == nil {
			return nil, fmt.Errorf("theme: templates/%s.html must define \"content\" and layout.html must define \"layout\"", name)
		}
		if bind != nil {
			t.Funcs(bind(name, t))
		}
		// Execute once against an empty page so that errors which only show
		// at run time (a missing template, a bad call) are caught at start.
		if err := t.ExecuteTemplate(&bytes.Buffer{}, "layout", probePage()); err != nil {
			return nil, fmt.Errorf("theme: templates/%s.html: %w", name, err)
		}
		th.pages[name] = t
	}
	if err := th.loadAssets(base, overrideDir); err != nil {
		return nil, err
	}
	return th, nil
}

func (th *theme) loadAssets(base fs.FS, overrideDir string) error {
	src := overlay{dir: overrideDir, base: base}
	names := map[string]bool{}
	_ = fs.WalkDir(base, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names[p] = true
		}
		return nil
	})
	if overrideDir != "" {
		_ = filepath.WalkDir(filepath.Join(overrideDir, "static"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(overrideDir, p)
				names[filepath.ToSlash(rel)] = true
			}
			return nil
		})
	}
	for name := range names {
		b, err := src.ReadFile(name)
		if err != nil {
			return fmt.Errorf("theme: %s: %w", name, err)
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		sum := strconv.FormatUint(uint64(crc32.Checksum(b, crcTable)), 36)
		a := &asset{body: b, ctype: ctype, etag: `"` + sum + `"`}
		urlPath := "/" + name
		if strings.HasSuffix(name, ".css") {
			// Fingerprinted: the name changes with the content, so browsers may keep it for a year.
			urlPath = "/" + strings.TrimSuffix(name, ".css") + "." + sum + ".css"
			a.immutable = true
		}
		th.assets[urlPath] = a
		if name == "static/css/style.css" {
			th.css = urlPath
		}
	}
	if th.css == "" {
		return errors.New("theme: static/css/style.css is missing")
	}
	return nil
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)
