package wire

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/testenv"
)

// fixture returns the path of a file under the shared fixtures folder,
// skipping the test when the folder is absent (see testenv.Fixtures).
func fixture(t testing.TB, parts ...string) string {
	t.Helper()
	return filepath.Join(append([]string{testenv.Fixtures(t)}, parts...)...)
}

// fixturesDir is where the fixtures are when they are, without skipping.
func fixturesDir() string {
	if dir := os.Getenv("NASHRA_FIXTURES"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "..", "shared", "fixtures")
}

// optionalFixture reads a fixture file when the fixtures folder is there,
// and returns nil otherwise: for tests that have a fallback.
func optionalFixture(parts ...string) []byte {
	b, err := os.ReadFile(filepath.Join(append([]string{fixturesDir()}, parts...)...))
	if err != nil {
		return nil
	}
	return b
}

func readFixture(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixture(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// feedparserHeaderRE reads the "Header: Content-type: …" line feedparser's
// test files carry in their leading comment: the HTTP header to simulate.
var feedparserHeaderRE = regexp.MustCompile(`(?im)^Header:\s*Content-type:\s*(.+?)\s*$`)

func fixtureContentType(data []byte) string {
	head := data
	if len(head) > 2048 {
		head = head[:2048]
	}
	if m := feedparserHeaderRE.FindSubmatch(head); m != nil {
		return strings.TrimSpace(string(m[1]))
	}
	return ""
}
