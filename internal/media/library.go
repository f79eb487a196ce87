package media

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"nashra.dev/nashra/internal/store"
)

const itemCols = `id, storage_key, filename, mime, width, height, bytes, alt, caption, credit,
	variants, COALESCE(uploaded_by, 0), created_at`

// scan reads one row of itemCols, building URLs from the current storage.
func (s *Service) scan(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var vj string
	err := sc.Scan(&it.ID, &it.StorageKey, &it.Filename, &it.MIME, &it.Width, &it.Height, &it.Bytes,
		&it.Alt, &it.Caption, &it.Credit, &vj, &it.UploadedBy, &it.CreatedAt)
	if err != nil {
		return it, err
	}
	it.CreatedAt = it.CreatedAt.UTC()
	it.URL = s.st.URL(it.StorageKey)
	vars, err := parseVariants(vj)
	if err != nil {
		return it, fmt.Errorf("media %d: %w", it.ID, err)
	}
	for _, v := range vars {
		it.Variants = append(it.Variants, Variant{Width: v.Width, URL: s.st.URL(v.Key), MIME: v.MIME})
	}
	return it, nil
}

func parseVariants(vj string) ([]storedVariant, error) {
	var vars []storedVariant
	if err := json.Unmarshal([]byte(vj), &vars); err != nil {
		return nil, fmt.Errorf("damaged variants column: %w", err)
	}
	slices.SortFunc(vars, func(a, b storedVariant) int { return a.Width - b.Width })
	return vars, nil
}

// Get returns one item; an unknown ID is ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (*Item, error) {
	it, err := s.scan(s.db.QueryRow(ctx, "SELECT "+itemCols+" FROM media WHERE id = ?", id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: no media item %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// Default and largest page sizes of List.
const (
	defaultPage = 50
	maxPage     = 200
)

// List returns a page of items, newest first, and how many there are in all.
// A limit of 0 or less means 50, and more than 200 means 200.
func (s *Service) List(ctx context.Context, limit, offset int) ([]Item, int, error) {
	if limit <= 0 {
		limit = defaultPage
	}
	limit = min(limit, maxPage)
	offset = max(offset, 0)
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM media").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+itemCols+" FROM media ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	items := []Item{}
	for rows.Next() {
		it, err := s.scan(rows)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, it)
	}
	return items, total, rows.Err()
}

// Update replaces an item's alt text, caption and credit (the file itself
// never changes: upload a new one instead). Texts are trimmed; too long is
// ErrInvalid, an unknown ID ErrNotFound.
func (s *Service) Update(ctx context.Context, id int64, alt, caption, credit string) (*Item, error) {
	alt, caption, credit, err := checkTexts(alt, caption, credit)
	if err != nil {
		return nil, err
	}
	res, err := s.db.Exec(ctx, "UPDATE media SET alt = ?, caption = ?, credit = ? WHERE id = ?", alt, caption, credit, id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("%w: no media item %d", ErrNotFound, id)
	}
	return s.Get(ctx, id)
}

// Delete removes an item and then its files. The row goes first: should a
// file deletion fail, the library never lists an item whose files are gone;
// the error then names the files left behind, and nothing refers to them.
// Posts that show the image by URL are not changed.
func (s *Service) Delete(ctx context.Context, id int64) error {
	var key, vj string
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "DELETE FROM media WHERE id = ? RETURNING storage_key, variants", id).Scan(&key, &vj)
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: no media item %d", ErrNotFound, id)
	}
	if err != nil {
		return err
	}
	keys := []string{key}
	var errs []error
	vars, err := parseVariants(vj)
	if err != nil {
		errs = append(errs, err) // the original still goes
	}
	for _, v := range vars {
		keys = append(keys, v.Key)
	}
	for _, k := range keys {
		if err := s.st.Delete(context.WithoutCancel(ctx), k); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("media %d: record deleted, but files remain in storage: %w", id, err)
	}
	return nil
}

// ByURL finds the item whose original is served at u (the address an editor
// pasted as a featured image), so that pages can offer its responsive sizes.
func (s *Service) ByURL(ctx context.Context, u string) (*Item, error) {
	prefix := s.st.URL("")
	if prefix == "" || !strings.HasPrefix(u, prefix) {
		return nil, fmt.Errorf("%w: %q is not in the media library", ErrNotFound, u)
	}
	key, err := url.PathUnescape(strings.TrimPrefix(strings.TrimPrefix(u, prefix), "/"))
	if err != nil || key == "" {
		return nil, fmt.Errorf("%w: %q is not in the media library", ErrNotFound, u)
	}
	it, err := s.scan(s.db.QueryRow(ctx, "SELECT "+itemCols+" FROM media WHERE storage_key = ?", key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %q is not in the media library", ErrNotFound, u)
	}
	if err != nil {
		return nil, err
	}
	return &it, nil
}
