package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	cases := []struct {
		name string
		cfg  Server
		want string // "" means valid
	}{
		{"defaults", Server{Site: Site{Data: filepath.Join(dir, "d")}, Addr: "127.0.0.1:8080"}, ""},
		{"postgres url", Server{Site: Site{Data: dir, DB: "postgres://u@h:5432/db"}, Addr: ":80"}, ""},
		{"mysql url", Server{Site: Site{Data: dir, DB: "mysql://u@h/db"}, Addr: ":80"}, "use a postgres:// URL"},
		{"broken postgres", Server{Site: Site{Data: dir, DB: "postgres://%zz"}, Addr: ":80"}, "not a valid PostgreSQL URL"},
		{"data is a file", Server{Site: Site{Data: filepath.Join(file, "x")}, Addr: ":80"}, "cannot be created"},
		{"bad addr", Server{Site: Site{Data: dir}, Addr: "8080"}, "expected host:port"},
		{"bad url", Server{Site: Site{Data: dir}, Addr: ":80", URL: "ftp://x"}, "--url"},
		{"negative cache", Server{Site: Site{Data: dir}, Addr: ":80", CacheMB: -1}, "cache-mb"},
		{"bad proxy", Server{Site: Site{Data: dir}, Addr: ":80", TrustedProxies: []string{"10.0.0.0/8,proxy.local"}}, "trusted-proxies"},
		{"smtp url", Server{Site: Site{Data: dir}, Addr: ":80", SMTP: "smtps://news:s3cret@mail.example:465?pool=2&rate=10"}, ""},
		{"bad smtp url", Server{Site: Site{Data: dir}, Addr: ":80", SMTP: "smtp://news:s3cret@mail.example:99999"}, `--smtp: invalid SMTP URL "smtp://news:xxxxx@mail.example:99999"`},
		{"smtp wrong scheme", Server{Site: Site{Data: dir}, Addr: ":80", SMTP: "http://mail.example"}, "scheme must be smtp:// or smtps://"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		cases = append(cases, struct {
			name string
			cfg  Server
			want string
		}{"read-only data", Server{Site: Site{Data: ro}, Addr: ":80"}, "not writable"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
	if got := (Site{Data: "x"}).DBURL(); got != filepath.Join("x", "nashra.db") {
		t.Errorf("DBURL = %q", got)
	}
}
