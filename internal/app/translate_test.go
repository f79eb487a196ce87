package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/config"
)

func TestNewTranslator(t *testing.T) {
	if p, g, err := newTranslator(config.Translate{}); p != nil || g != nil || err != nil {
		t.Fatalf("no provider: %v %v %v", p, g, err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "glossary.txt")
	if err := os.WriteFile(good, []byte("# names\nKirill Dmitriev = كيريل دميترييف\n\nPeskov = بيسكوف\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, g, err := newTranslator(config.Translate{Provider: "libretranslate", URL: "http://127.0.0.1:5000", Glossary: good})
	if err != nil || p == nil || len(g) != 2 || g[0].Target != "كيريل دميترييف" {
		t.Fatalf("libretranslate with a glossary: %v %+v %v", p, g, err)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("Peskov = بيسكوف\nno equals sign here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []config.Translate{
		{Provider: "libretranslate", URL: "http://127.0.0.1:5000", Glossary: bad},
		{Provider: "libretranslate", URL: "http://127.0.0.1:5000", Glossary: filepath.Join(dir, "missing.txt")},
		{Provider: "deepl"},                             // no key
		{Provider: "openai", URL: "http://127.0.0.1:1"}, // no model
	} {
		if _, _, err := newTranslator(c); err == nil || !strings.Contains(err.Error(), "translate") {
			t.Errorf("%+v: %v, want a clear error", c, err)
		}
	}
}
