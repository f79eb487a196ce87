package app

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/wire/translate"
)

// newTranslator builds the wire desk's translation provider from the
// configuration; none (nil) when no provider is named.
func newTranslator(c config.Translate) (translate.Provider, translate.Glossary, error) {
	if c.Provider == "" {
		return nil, nil, nil
	}
	p, err := translate.New(translate.Config{Provider: c.Provider, URL: c.URL, Key: c.Key, Model: c.Model})
	if err != nil {
		return nil, nil, fmt.Errorf("--translate-provider: %w", err)
	}
	var g translate.Glossary
	if c.Glossary != "" {
		if g, err = readGlossary(c.Glossary); err != nil {
			return nil, nil, err
		}
	}
	return p, g, nil
}

// readGlossary reads "source = target" lines; blank lines and lines
// starting with # are skipped. A bad line is an error naming it.
func readGlossary(path string) (translate.Glossary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--translate-glossary: %w", err)
	}
	defer f.Close()
	var g translate.Glossary
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		src, dst, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("--translate-glossary %s:%d: want 'source = target'", path, n)
		}
		g = append(g, translate.Term{Source: strings.TrimSpace(src), Target: strings.TrimSpace(dst)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--translate-glossary: %w", err)
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("--translate-glossary %s: %w", path, err)
	}
	return g, nil
}
