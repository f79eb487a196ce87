// Package testenv finds what tests need from the machine — the shared
// fixtures folder and Chromium — and skips or fails, as the NASHRA_REQUIRE_*
// variables say, when they are missing.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot is the folder holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// Fixtures returns the shared fixtures folder: NASHRA_FIXTURES, or
// ../shared/fixtures beside the repository. When it is absent the test skips,
// or fails under NASHRA_REQUIRE_FIXTURES=1.
func Fixtures(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("NASHRA_FIXTURES")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared", "fixtures")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if _, err := os.Stat(filepath.Join(dir, "seed-article.txt")); err != nil {
		if os.Getenv("NASHRA_REQUIRE_FIXTURES") == "1" {
			t.Fatalf("fixtures are required (NASHRA_REQUIRE_FIXTURES=1) but %s has no seed-article.txt", dir)
		}
		t.Skipf("skipping: fixtures not found at %s (set NASHRA_FIXTURES)", dir)
	}
	return dir
}

// Chromium returns the path of Debian's chromium, skipping the test when it
// is absent unless NASHRA_REQUIRE_BROWSER=1.
func Chromium(t testing.TB) string {
	t.Helper()
	const path = "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("NASHRA_REQUIRE_BROWSER") == "1" {
			t.Fatalf("Chromium is required (NASHRA_REQUIRE_BROWSER=1) but %s is missing: apt-get install chromium", path)
		}
		t.Skipf("skipping browser test: %s not found", path)
	}
	return path
}
