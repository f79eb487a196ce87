package media

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
)

// maxNameRunes bounds the readable part of a key; the random part already
// makes it unique, the name only helps people and search engines.
const maxNameRunes = 40

// keyBase is the storage key of an upload without its extension:
// "YYYY/MM/<16 random hex>-<slug of the file's name>". The random part makes
// keys unguessable and never reused (so files can be cached forever); the
// month folders keep directories small.
func keyBase(now time.Time, filename string) (string, error) {
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("media: random key: %w", err)
	}
	return fmt.Sprintf("%04d/%02d/%s-%s", now.Year(), int(now.Month()), hex.EncodeToString(r[:]), nameSlug(filename)), nil
}

// nameSlug turns an uploaded file's name into the readable part of its key:
// the base name without extension, slugified, keeping only ASCII letters and
// digits and Arabic letters, at most 40 runes; "image" when nothing is left.
func nameSlug(filename string) string {
	base := cleanFilename(filename)
	base = strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	dash := false
	for _, r := range arabic.Slugify(base) {
		keep := r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') ||
			unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r)
		if !keep {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	s := b.String()
	if rs := []rune(s); len(rs) > maxNameRunes {
		// Cut at a word boundary when that keeps at least half the room.
		cut := maxNameRunes
		for i := maxNameRunes; i >= maxNameRunes/2; i-- {
			if rs[i] == '-' {
				cut = i
				break
			}
		}
		s = strings.TrimRight(string(rs[:cut]), "-")
	}
	if s == "" {
		return "image"
	}
	return s
}

// cleanFilename keeps the last path element of an uploaded name (browsers
// on Windows may send "C:\fakepath\photo.jpg"), as valid UTF-8 without
// control characters, at most 200 runes. It is stored for people to read,
// never used as a path.
func cleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}
