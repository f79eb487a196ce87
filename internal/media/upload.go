package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store"
)

// Upload is one file sent to the library.
type Upload struct {
	// Filename is the name the uploader's device gave the file. It is kept
	// for display and slugified into the key; its extension is ignored.
	Filename string
	// Body is read at most up to Options.MaxBytes+1 bytes and not closed.
	Body io.Reader
	// Alt, Caption and Credit describe the image; they are trimmed and may
	// have at most 1000, 2000 and 300 characters.
	Alt, Caption, Credit string
	// UploadedBy is the staff account's ID, or 0 for none.
	UploadedBy int64
}

// Lengths of the describing texts, in characters. Alt text should be short
// (screen readers read all of it); captions may be a paragraph.
const (
	maxAlt     = 1000
	maxCaption = 2000
	maxCredit  = 300
)

// storedVariant is one element of the media.variants JSON column.
type storedVariant struct {
	Width int    `json:"width"`
	Key   string `json:"key"`
	MIME  string `json:"mime"`
}

// Upload checks, cleans and stores an image and its responsive sizes, then
// records it. Refusals wrap ErrInvalid, ErrNotImage, ErrTooLarge or
// ErrTooManyPixels. When anything fails after the first file is stored, the
// files already stored are deleted again: a failed upload leaves nothing.
func (s *Service) Upload(ctx context.Context, in Upload) (*Item, error) {
	if in.Body == nil {
		return nil, fmt.Errorf("%w: no file was sent", ErrInvalid)
	}
	alt, caption, credit, err := checkTexts(in.Alt, in.Caption, in.Credit)
	if err != nil {
		return nil, err
	}
	c, err := s.readChecked(ctx, in.Body)
	if err != nil {
		return nil, err
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	orig, sizes, err := s.render(ctx, c)
	release()
	if err != nil {
		return nil, err
	}

	now := dbTime(s.now())
	base, err := keyBase(now, in.Filename)
	if err != nil {
		return nil, err
	}
	filename := cleanFilename(in.Filename)
	if filename == "" {
		filename = "image." + orig.f.ext
	}
	it := &Item{
		StorageKey: base + "." + orig.f.ext, Filename: filename, MIME: orig.f.mime,
		Width: orig.width, Height: orig.height, Bytes: int64(len(orig.data)),
		Alt: alt, Caption: caption, Credit: credit, UploadedBy: in.UploadedBy, CreatedAt: now,
	}
	var stored []string
	cleanup := func() {
		// The request may be gone; the files must go anyway.
		ctx := context.WithoutCancel(ctx)
		for _, k := range stored {
			_ = s.st.Delete(ctx, k)
		}
	}
	vars := make([]storedVariant, 0, len(sizes))
	for _, r := range sizes {
		k := fmt.Sprintf("%s-%dw.%s", base, r.width, r.f.ext)
		if err := s.st.Put(ctx, k, bytes.NewReader(r.data), int64(len(r.data)), r.f.mime); err != nil {
			cleanup()
			return nil, err
		}
		stored = append(stored, k)
		vars = append(vars, storedVariant{Width: r.width, Key: k, MIME: r.f.mime})
		it.Variants = append(it.Variants, Variant{Width: r.width, URL: s.st.URL(k), MIME: r.f.mime})
	}
	if err := s.st.Put(ctx, it.StorageKey, bytes.NewReader(orig.data), int64(len(orig.data)), orig.f.mime); err != nil {
		cleanup()
		return nil, err
	}
	stored = append(stored, it.StorageKey)
	it.URL = s.st.URL(it.StorageKey)

	if err := s.insert(ctx, it, vars); err != nil {
		cleanup()
		return nil, err
	}
	return it, nil
}

func (s *Service) insert(ctx context.Context, it *Item, vars []storedVariant) error {
	vj, err := json.Marshal(vars)
	if err != nil {
		return err
	}
	var by any
	if it.UploadedBy != 0 {
		by = it.UploadedBy
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO media (storage_key, filename, mime, width, height, bytes,
			alt, caption, credit, variants, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			it.StorageKey, it.Filename, it.MIME, it.Width, it.Height, it.Bytes,
			it.Alt, it.Caption, it.Credit, string(vj), by, it.CreatedAt).Scan(&it.ID)
	})
	if errors.Is(err, store.ErrReference) {
		return fmt.Errorf("%w: the uploading account %d does not exist", ErrInvalid, it.UploadedBy)
	}
	if err != nil {
		return fmt.Errorf("media: record upload: %w", err)
	}
	return nil
}

// checkTexts trims the describing texts and checks their lengths.
func checkTexts(alt, caption, credit string) (string, string, string, error) {
	var err error
	if alt, err = checkText("alt text", alt, maxAlt); err != nil {
		return "", "", "", err
	}
	if caption, err = checkText("caption", caption, maxCaption); err != nil {
		return "", "", "", err
	}
	if credit, err = checkText("credit", credit, maxCredit); err != nil {
		return "", "", "", err
	}
	return alt, caption, credit, nil
}

func checkText(field, s string, limit int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return "", fmt.Errorf("%w: the %s is not valid text", ErrInvalid, field)
	case utf8.RuneCountInString(s) > limit:
		return "", fmt.Errorf("%w: the %s has %d characters; at most %d are allowed",
			ErrInvalid, field, utf8.RuneCountInString(s), limit)
	}
	return s, nil
}
