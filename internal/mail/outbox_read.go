package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// OutboxItem is one message in the outbox folder, as the admin lists it.
type OutboxItem struct {
	Name    string // the file's name: NAME.eml
	To      string
	Subject string
	Date    time.Time
	Size    int64
	Text    string // the plain-text part (Read only)
}

// ErrNoMessage: the outbox has no message of that name.
var ErrNoMessage = errors.New("no such message in the outbox")

// Recent lists the newest n messages, newest first, and how many the folder
// holds in all. A missing folder is an empty outbox.
func (o Outbox) Recent(n int) ([]OutboxItem, int, error) {
	names, err := filepath.Glob(filepath.Join(o.Dir, "*.eml"))
	if err != nil {
		return nil, 0, err
	}
	slices.Sort(names) // names start with the time written
	slices.Reverse(names)
	total := len(names)
	names = names[:min(n, total)]
	out := make([]OutboxItem, 0, len(names))
	for _, p := range names {
		it, err := o.read(filepath.Base(p), false)
		if err != nil {
			continue // removed meanwhile, or not a message: not this list's business
		}
		out = append(out, *it)
	}
	return out, total, nil
}

// Read returns one message with its text part. name must be a bare file
// name of the folder (never a path).
func (o Outbox) Read(name string) (*OutboxItem, error) {
	if name != filepath.Base(name) || !strings.HasSuffix(name, ".eml") || strings.HasPrefix(name, ".") {
		return nil, ErrNoMessage
	}
	return o.read(name, true)
}

func (o Outbox) read(name string, body bool) (*OutboxItem, error) {
	raw, err := os.ReadFile(filepath.Join(o.Dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoMessage
	}
	if err != nil {
		return nil, err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("outbox %s: %w", name, err)
	}
	dec := new(mime.WordDecoder)
	it := &OutboxItem{Name: name, Size: int64(len(raw)), To: msg.Header.Get("To")}
	if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		it.Subject = s
	}
	if to, err := dec.DecodeHeader(it.To); err == nil {
		it.To = to
	}
	if d, err := msg.Header.Date(); err == nil {
		it.Date = d
	}
	if body {
		it.Text, err = textPart(msg)
	}
	return it, err
}

// textPart finds the text/plain part of a message, decoded.
func textPart(msg *mail.Message) (string, error) {
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, err := io.ReadAll(io.LimitReader(msg.Body, 1<<20))
		return string(b), err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // undoes quoted-printable
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, err := io.ReadAll(io.LimitReader(p, 1<<20))
			return string(b), err
		}
	}
}
