package mail

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	nmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutboxWritesParsableMessages(t *testing.T) {
	dir := t.TempDir()
	m := &Message{
		From: nmail.Address{Name: "نشرة", Address: "news@example.com"}, To: []nmail.Address{{Name: "قارئ", Address: "reader@example.com"}},
		Subject: "دعوة للانضمام إلى غرفة الأخبار", Text: "مرحباً،\nهذا رابط الدعوة: https://example.com/x", HTML: "<p dir=\"rtl\">مرحباً</p>",
		Headers: map[string]string{"List-Id": "<news.example.com>"},
	}
	if err := (Outbox{Dir: dir}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	msg, err := nmail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Fatalf("subject %q %v", subject, err)
	}
	if msg.Header.Get("List-Id") != "<news.example.com>" || msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" {
		t.Fatalf("headers: %v", msg.Header)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p) // multipart decodes quoted-printable
		parts = append(parts, p.Header.Get("Content-Type")+"\n"+string(body))
	}
	if len(parts) != 2 || !strings.Contains(parts[0], "رابط الدعوة") || !strings.HasPrefix(parts[1], "text/html") {
		t.Fatalf("parts: %q", parts)
	}
}

func TestRefusesBrokenMessages(t *testing.T) {
	ok := Message{From: nmail.Address{Address: "a@example.com"}, To: []nmail.Address{{Address: "b@example.com"}}, Subject: "s", Text: "t"}
	for name, mutate := range map[string]func(*Message){
		"no recipient":         func(m *Message) { m.To = nil },
		"no text":              func(m *Message) { m.Text = " " },
		"header injection":     func(m *Message) { m.Subject = "x\r\nBcc: victim@example.com" },
		"extra header newline": func(m *Message) { m.Headers = map[string]string{"X": "a\nb"} },
	} {
		m := ok
		mutate(&m)
		if _, err := m.Bytes(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
