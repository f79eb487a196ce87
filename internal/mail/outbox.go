package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// Outbox writes each message to Dir as NAME.eml (written to a temporary
// file first and renamed, so a reader never sees half a message).
type Outbox struct{ Dir string }

// Send writes the message file.
func (o Outbox) Send(ctx context.Context, m *Message) error {
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	return o.SendRaw(ctx, m.From.Address, addresses(m.To), raw)
}

// SendRaw writes raw as it is; the envelope is not recorded (the headers
// say who the message is for).
func (o Outbox) SendRaw(_ context.Context, _ string, _ []string, raw []byte) error {
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(r[:]) + ".eml"
	tmp, err := os.CreateTemp(o.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	return os.Rename(tmp.Name(), filepath.Join(o.Dir, name))
}
