package mail

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParseSMTPURL(t *testing.T) {
	good := []struct {
		in   string
		want SMTPConfig
	}{
		{"smtp://news:s3cret@mail.example:587", SMTPConfig{Host: "mail.example", Port: 587, Username: "news", Password: "s3cret", TLS: TLSStartTLS, Pool: 4, Timeout: 30 * time.Second, Retries: 3, Backoff: time.Second}},
		{"smtp://mail.example", SMTPConfig{Host: "mail.example", Port: 587, TLS: TLSStartTLS, Pool: 4, Timeout: 30 * time.Second, Retries: 3, Backoff: time.Second}},
		{"smtps://news@example.com:p%40ss%2Fw@smtp.example", SMTPConfig{Host: "smtp.example", Port: 465, Username: "news@example.com", Password: "p@ss/w", TLS: TLSImplicit, Pool: 4, Timeout: 30 * time.Second, Retries: 3, Backoff: time.Second}},
		{"smtp://127.0.0.1:25?tls=none&pool=1&rate=0.5&timeout=5s&retries=0&backoff=250ms&return_path=bounces%40news.example&helo=news.example&insecure_skip_verify=1",
			SMTPConfig{Host: "127.0.0.1", Port: 25, TLS: TLSNone, Pool: 1, Rate: 0.5, Timeout: 5 * time.Second, Retries: 0, Backoff: 250 * time.Millisecond, ReturnPath: "bounces@news.example", HELO: "news.example", InsecureSkipVerify: true}},
		{"SMTP://[::1]:2525/", SMTPConfig{Host: "::1", Port: 2525, TLS: TLSStartTLS, Pool: 4, Timeout: 30 * time.Second, Retries: 3, Backoff: time.Second}},
	}
	for _, g := range good {
		got, err := ParseSMTPURL(g.in)
		if err != nil {
			t.Errorf("%s: %v", g.in, err)
			continue
		}
		if got != g.want {
			t.Errorf("%s:\n got %#v\nwant %#v", g.in, got, g.want)
		}
		// The redacted form parses back to the same settings, password aside.
		back, err := ParseSMTPURL(got.Redacted())
		if err != nil {
			t.Errorf("%s: redacted form %s does not parse: %v", g.in, got.Redacted(), err)
			continue
		}
		if g.want.Password != "" {
			back.Password = g.want.Password
		}
		if back != g.want {
			t.Errorf("%s: redacted form %s parses to %v", g.in, got.Redacted(), back)
		}
	}

	bad := []struct{ in, want string }{
		{"", "empty"},
		{"http://u:hunter2@mail.example", `not "http"`},
		{"mail.example:587", "scheme must be smtp:// or smtps://"},
		{"smtp://u:hunter2@:587", "no host"},
		{"smtp:///", "no host"},
		{"smtp://u:hunter2@mail.example:smtp", "invalid port"},
		{"smtp://u:hunter2@mail.example:0", "port \"0\""},
		{"smtp://u:hunter2@mail.example:70000", "port \"70000\""},
		{"smtp://u:hunt%zzer2@mail.example", "percent-encoded"},
		{"smtp://mail.example/x", "unexpected path"},
		{"smtp://u:hunter2@mail.example?pool=0", "pool=\"0\""},
		{"smtp://u:hunter2@mail.example?pool=many", "pool=\"many\""},
		{"smtp://u:hunter2@mail.example?rate=-1", "rate=\"-1\""},
		{"smtp://u:hunter2@mail.example?rate=NaN", "rate=\"NaN\""},
		{"smtp://u:hunter2@mail.example?timeout=30", "timeout=\"30\""},
		{"smtp://u:hunter2@mail.example?retries=99", "retries=\"99\""},
		{"smtp://u:hunter2@mail.example?tls=maybe", "tls=\"maybe\""},
		{"smtps://u:hunter2@mail.example?tls=none", "contradicts smtps://"},
		{"smtp://u:hunter2@mail.example?insecure_skip_verify=yes", "insecure_skip_verify"},
		{"smtp://u:hunter2@mail.example?poll=4", `unknown option "poll"`},
		{"smtp://u:hunter2@mail.example?pool=2&pool=3", "given 2 times"},
		{"smtp://u:hunter2@mail.example?return_path=Bounces+<b@x>", "return_path"},
		{"smtp://:hunter2@mail.example", "password without a user name"},
	}
	for _, b := range bad {
		_, err := ParseSMTPURL(b.in)
		if err == nil || !errors.Is(err, ErrSMTPURL) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: got %v, want an ErrSMTPURL containing %q", b.in, err, b.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "hunt%zz") {
			t.Errorf("%q: the error shows the password: %v", b.in, err)
		}
	}
}

func TestSMTPConfigNeverShowsThePassword(t *testing.T) {
	c, err := ParseSMTPURL("smtps://news:hunter2@mail.example?rate=10")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Redacted(), "smtps://news:xxxxx@mail.example:465?rate=10"; got != want {
		t.Errorf("Redacted = %q, want %q", got, want)
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("mail", "smtp", c)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("mail", "smtp", c)
	shown := fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c) + fmt.Sprint(c) + fmt.Sprintf("%v", &c) + logs.String()
	if strings.Contains(shown, "hunter2") {
		t.Fatalf("password shown: %s", shown)
	}
	if !strings.Contains(logs.String(), "news:xxxxx@mail.example") {
		t.Errorf("logs: %s", logs.String())
	}
	if got := redactRawURL("smtp://u:pa?ss@host?return_path=b@x"); strings.Contains(got, "pa?ss") || strings.Contains(got, "ss@") {
		t.Errorf("redactRawURL = %q", got)
	}
}
