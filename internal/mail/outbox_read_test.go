package mail

import (
	"context"
	"errors"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOutboxRecentAndRead(t *testing.T) {
	o := Outbox{Dir: filepath.Join(t.TempDir(), "outbox")}
	if items, total, err := o.Recent(10); err != nil || total != 0 || len(items) != 0 {
		t.Fatalf("missing folder: %v %d %v", items, total, err)
	}
	for i, subject := range []string{"الأول", "second", "الثالث"} {
		m := &Message{From: netmail.Address{Address: "news@example.com"}, To: []netmail.Address{{Name: "قارئ", Address: "r@example.com"}},
			Subject: subject, Text: "نص الرسالة " + subject + " = ok", HTML: "<p>x</p>", Date: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)}
		if err := o.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // file names order by the time written
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "zz-broken.eml"), []byte("not a message"), 0o600); err != nil {
		t.Fatal(err)
	}
	items, total, err := o.Recent(3)
	if err != nil || total != 4 {
		t.Fatalf("Recent: %d total, %v", total, err)
	}
	if len(items) != 2 || items[0].Subject != "الثالث" || items[1].Subject != "second" || !strings.Contains(items[0].To, "قارئ") {
		t.Fatalf("Recent(3) = %+v (the unreadable file is left out)", items)
	}
	got, err := o.Read(items[0].Name)
	if err != nil || got.Text != "نص الرسالة الثالث = ok" {
		t.Fatalf("Read = %+v, %v", got, err)
	}
	for _, bad := range []string{"../outbox/" + items[0].Name, "/etc/passwd", ".tmp-1.eml", "missing.eml", "x.txt"} {
		if _, err := o.Read(bad); !errors.Is(err, ErrNoMessage) {
			t.Errorf("Read(%q) = %v, want ErrNoMessage", bad, err)
		}
	}
}
