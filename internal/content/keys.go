package content

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// Content API keys give read-only access to what the public site already
// shows (a front end on another host, an app). They are not secrets in the
// strong sense, since they ship in browsers' code, but they can be revoked,
// and only their hashes are stored so that a copy of the database cannot
// pass as the site's clients.

// contentKeyBytes is the entropy of a content key: 128 bits, as hex.
const contentKeyBytes = 16

// keyTouch is how stale last_used_at may grow before a request refreshes it:
// a busy front end must not turn every read into a write.
const keyTouch = time.Minute

// ErrBadContentKey means a content key is unknown, revoked or malformed.
var ErrBadContentKey = errors.New("the content API key is invalid or revoked")

// ContentKey describes a content key; the key itself is shown once, at
// creation. A zero LastUsedAt means never used.
type ContentKey struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// CreateContentKey makes a content key named for its client ("mobile app")
// and returns it: 32 lowercase hex characters.
func (s *Service) CreateContentKey(ctx context.Context, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("%w: a key name of 1 to 100 characters is required", ErrInvalid)
	}
	b := make([]byte, contentKeyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	key := hex.EncodeToString(b)
	_, err := s.db.Exec(ctx, "INSERT INTO content_keys (name, key_hash, created_at) VALUES (?, ?, ?)", name, hashKey(key), s.Now())
	if err != nil {
		return "", err
	}
	return key, nil
}

// CheckContentKey reports whether key is a live content key
// (ErrBadContentKey if not), and records its use at most once per keyTouch.
func (s *Service) CheckContentKey(ctx context.Context, key string) error {
	if !wellFormedKey(key) {
		return ErrBadContentKey
	}
	var id int64
	var lastUsed sql.NullTime
	err := s.db.QueryRow(ctx, "SELECT id, last_used_at FROM content_keys WHERE key_hash = ?", hashKey(key)).Scan(&id, &lastUsed)
	if errors.Is(err, store.ErrNotFound) {
		return ErrBadContentKey
	}
	if err != nil {
		return err
	}
	now := s.Now()
	if !lastUsed.Valid || now.Sub(lastUsed.Time) >= keyTouch {
		if _, err := s.db.Exec(ctx, `UPDATE content_keys SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`, now, id, now.Add(-keyTouch)); err != nil {
			return err
		}
	}
	return nil
}

// ListContentKeys returns every content key, oldest first.
func (s *Service) ListContentKeys(ctx context.Context) ([]ContentKey, error) {
	rows, err := s.db.Query(ctx, "SELECT id, name, created_at, last_used_at FROM content_keys ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContentKey
	for rows.Next() {
		var k ContentKey
		var lastUsed sql.NullTime
		if err := rows.Scan(&k.ID, &k.Name, &k.CreatedAt, &lastUsed); err != nil {
			return nil, err
		}
		k.CreatedAt = k.CreatedAt.UTC()
		if lastUsed.Valid {
			k.LastUsedAt = lastUsed.Time.UTC()
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeContentKey deletes key id, which stops working at once; an unknown
// id is ErrNotFound.
func (s *Service) RevokeContentKey(ctx context.Context, id int64) error {
	res, err := s.db.Exec(ctx, "DELETE FROM content_keys WHERE id = ?", id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// wellFormedKey reports whether key could have come from CreateContentKey
// (lowercase hex only, one spelling per key), so garbage costs no query.
func wellFormedKey(key string) bool {
	if len(key) != 2*contentKeyBytes {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}
