package settings

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"nashra.dev/nashra/internal/store"
)

// Secret returns the site's secret called name (32 random bytes), creating
// it on first use. Every node reads the same value from the database, so a
// link signed by one node verifies on another. Two nodes creating it at
// once agree: the first insert wins and both read it back.
func (s *Service) Secret(ctx context.Context, name string) ([]byte, error) {
	key := "secret:" + name
	read := func() ([]byte, error) {
		var v string
		if err := s.db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err != nil {
			return nil, err
		}
		return hex.DecodeString(v)
	}
	if b, err := read(); err == nil && len(b) >= 16 {
		return b, nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if _, err := s.db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("store secret %s: %w", name, err)
	}
	return read()
}
