package e2e

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestServeDemoAndStopCleanly(t *testing.T) {
	data := t.TempDir()
	n := serve(t, "--demo", "--data", data)
	setup := n.SetupURL()
	if setup == "" {
		t.Errorf("serve printed no owner setup link:\n%s", n.Log())
	}
	code, body := get(t, n.URL+"/")
	if code != 200 || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "يعلق الكرملين") {
		t.Fatalf("home: %d\n%.300s", code, body)
	}
	if code, _ := get(t, setup); code != 200 {
		t.Errorf("setup link: %d", code)
	}
	if _, err := os.Stat(filepath.Join(data, "nashra.db")); err != nil {
		t.Errorf("no SQLite file in the data folder: %v", err)
	}
}

func TestStartErrorsAreOneClearLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	if err := os.MkdirAll(filepath.Join(broken, "theme", "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "theme", "templates", "home.html"), []byte(`{{define "content"}}{{.Nope`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"invalid db url", []string{"serve", "--data", dir, "--db", "postgres://%zz"}, "not a valid PostgreSQL URL"},
		{"other db scheme", []string{"serve", "--data", dir, "--db", "mysql://root@localhost/x"}, "use a postgres:// URL"},
		{"unreachable postgres", []string{"serve", "--data", dir, "--db", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, "connect to PostgreSQL"},
		{"unwritable data folder", []string{"serve", "--data", filepath.Join(file, "data")}, "data folder"},
		{"broken theme", []string{"serve", "--data", broken}, "templates/home.html"},
		{"bad addr", []string{"serve", "--data", dir, "--addr", "nowhere"}, "--addr"},
		{"migrate, unwritable", []string{"migrate", "--data", filepath.Join(file, "x")}, "data folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := run(t, c.args...)
			if code == 0 {
				t.Fatalf("exit 0, want failure\n%s", out)
			}
			lines := nonEmptyLines(out)
			errLines := 0
			for _, l := range lines {
				if strings.Contains(l, "error") {
					errLines++
				}
			}
			if errLines != 1 || !strings.Contains(out, c.want) || strings.Contains(out, "panic") || strings.Contains(out, "goroutine") {
				t.Fatalf("want one error line mentioning %q, got:\n%s", c.want, out)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	data := t.TempDir()
	out, code := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "nashra ") {
		t.Fatalf("version: %d %q", code, out)
	}
	out, code = run(t, "migrate", "--data", data)
	if code != 0 || !strings.Contains(out, "Schema is at version") {
		t.Fatalf("migrate: %d %s", code, out)
	}
	out, code = run(t, "migrate", "--data", data)
	if code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate again: %d %s", code, out)
	}
	out, code = run(t, "user", "add", "--data", data, "--email", "editor@example.com", "--name", "محررة", "--role", "editor", "--password", "correct horse battery")
	if code != 0 || !strings.Contains(out, "Created editor") {
		t.Fatalf("user add: %d %s", code, out)
	}
	// Flags after arguments, and the same email twice.
	out, code = run(t, "user", "add", "--email", "editor@example.com", "--name", "x", "--data", data, "--password", "correct horse battery")
	if code == 0 || !strings.Contains(out, "already exists") {
		t.Fatalf("duplicate user: %d %s", code, out)
	}
	out, code = run(t, "user", "add", "--data", data, "--email", "not-an-email", "--name", "x")
	if code == 0 || !strings.Contains(out, "not an email address") {
		t.Fatalf("bad email: %d %s", code, out)
	}
	out, code = run(t, "user", "add", "--data", data, "--email", "gen@example.com", "--name", "Generated")
	if code != 0 || !strings.Contains(out, "Password (shown once)") {
		t.Fatalf("generated password: %d %s", code, out)
	}

	copyPath := filepath.Join(t.TempDir(), "backup.db")
	out, code = run(t, "backup", copyPath, "--data", data)
	if code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var users int
	if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM users").Scan(&users); err != nil || users != 2 {
		t.Fatalf("backup holds %d users (%v), want 2", users, err)
	}
	if out, code = run(t, "backup", copyPath, "--data", data); code == 0 || !strings.Contains(out, "already exists") {
		t.Fatalf("backup over an existing file: %d %s", code, out)
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
