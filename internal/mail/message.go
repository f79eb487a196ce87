// Package mail builds outgoing messages (plain text and HTML) and delivers
// them: to an SMTP server when one is configured, otherwise to the outbox
// folder DATA/outbox/, one RFC 5322 file per message, so that a person (and
// a test) can read exactly what would have been sent.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"sort"
	"strings"
	"time"
)

// Message is one email.
type Message struct {
	From    mail.Address
	To      []mail.Address
	Subject string
	Text    string            // required: every message has a plain-text part
	HTML    string            // optional
	Headers map[string]string // extra headers (List-Unsubscribe, List-Id…)
	Date    time.Time
}

// ErrInvalid marks a message that cannot be built.
var ErrInvalid = errors.New("invalid message")

// Bytes renders the message as RFC 5322 with MIME parts: text/plain alone,
// or multipart/alternative with the HTML last (the part clients prefer).
func (m *Message) Bytes() ([]byte, error) {
	if len(m.To) == 0 || m.From.Address == "" {
		return nil, fmt.Errorf("%w: a message needs a sender and at least one recipient", ErrInvalid)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, fmt.Errorf("%w: a message needs a plain-text body", ErrInvalid)
	}
	for k, v := range m.Headers {
		if strings.ContainsAny(k+v, "\r\n") {
			return nil, fmt.Errorf("%w: header %q contains a line break", ErrInvalid, k)
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: the subject contains a line break", ErrInvalid)
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	h := textproto.MIMEHeader{}
	h.Set("From", m.From.String())
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = a.String()
	}
	h.Set("To", strings.Join(to, ", "))
	h.Set("Subject", mime.BEncoding.Encode("utf-8", m.Subject))
	h.Set("Date", date.Format(time.RFC1123Z))
	h.Set("Message-Id", messageID(m.From.Address))
	h.Set("Mime-Version", "1.0")
	for k, v := range m.Headers {
		h.Set(k, v)
	}
	if m.HTML == "" {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		writeHeader(&b, h)
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		// End on a line break, as RFC 5322 lines do: SMTP would add one
		// before the final dot anyway, and the outbox file should hold
		// exactly the bytes the server receives.
		if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			b.WriteString("\r\n")
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	h.Set("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	writeHeader(&b, h)
	for _, part := range []struct{ ctype, body string }{{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ctype}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeHeader(b *bytes.Buffer, h textproto.MIMEHeader) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
}

func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
		return err
	}
	return qp.Close()
}

func messageID(from string) string {
	var r [12]byte
	_, _ = rand.Read(r[:])
	domain := "nashra.local"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
