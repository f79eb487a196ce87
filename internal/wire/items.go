package wire

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Item statuses on the desk.
const (
	ItemNew       = "new"
	ItemDrafted   = "drafted"
	ItemDismissed = "dismissed"
	ItemPublished = "published" // by an 'auto' source
)

// ItemStatuses are the statuses in the inbox's order.
var ItemStatuses = []string{ItemNew, ItemDrafted, ItemPublished, ItemDismissed}

// DeskItem is an item stored on the desk.
type DeskItem struct {
	ID           int64
	SourceID     int64
	SourceName   string
	GUID         string
	URL          string
	CanonicalURL string
	Title        string
	Summary      string
	ContentHTML  string // NOT sanitized
	ContentText  string // paragraphs separated by blank lines
	Authors      string
	Image        string
	Lang         string
	PublishedAt  time.Time // zero: the feed gave no date
	FetchedAt    time.Time
	Fingerprint  uint64
	HasPrint     bool
	ClusterID    int64
	ClusterSize  int // items on the desk in the same story (filled by Items and ItemByID)
	Status       string
	PostID       int64
	ExtractError string

	TranslatedTitle     string
	TranslatedText      string
	TranslatedHTML      string
	TranslatedLang      string
	TranslationProvider string
	TranslationWarnings string // one per line
}

// Paragraphs splits the text for display.
func (it *DeskItem) Paragraphs() []string { return paragraphsOf(it.ContentText) }

// TranslatedParagraphs splits the translation for display.
func (it *DeskItem) TranslatedParagraphs() []string { return paragraphsOf(it.TranslatedText) }

// Warnings lists the translation's warnings.
func (it *DeskItem) Warnings() []string {
	return paragraphsOf(strings.ReplaceAll(it.TranslationWarnings, "\n", "\n\n"))
}

func paragraphsOf(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ItemFilter selects the inbox's items. Zero fields do not filter.
type ItemFilter struct {
	SourceID  int64
	Lang      string
	ClusterID int64
	Status    string
	Page      int // from 1
	PerPage   int // 30 when 0
}

// ItemPage is one page of the inbox.
type ItemPage struct {
	Items   []*DeskItem
	Total   int
	Page    int
	PerPage int
}

// Pages is the number of pages.
func (p ItemPage) Pages() int {
	if p.PerPage <= 0 || p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

const itemColumns = `i.id, i.source_id, s.name, i.guid, i.url, i.canonical_url, i.title, i.summary, i.content_html, i.content_text,
	i.authors, i.image, i.lang, i.published_at, i.fetched_at, i.fingerprint, i.cluster_id, i.status, i.post_id, i.extract_error,
	i.translated_title, i.translated_text, i.translated_html, i.translated_lang, i.translation_provider, i.translation_warnings,
	(SELECT COUNT(*) FROM wire_items c WHERE c.cluster_id = i.cluster_id)`

func scanItem(sc interface{ Scan(...any) error }) (*DeskItem, error) {
	var it DeskItem
	var pub sql.NullTime
	var fp, post sql.NullInt64
	err := sc.Scan(&it.ID, &it.SourceID, &it.SourceName, &it.GUID, &it.URL, &it.CanonicalURL, &it.Title, &it.Summary,
		&it.ContentHTML, &it.ContentText, &it.Authors, &it.Image, &it.Lang, &pub, &it.FetchedAt, &fp, &it.ClusterID, &it.Status,
		&post, &it.ExtractError, &it.TranslatedTitle, &it.TranslatedText, &it.TranslatedHTML, &it.TranslatedLang,
		&it.TranslationProvider, &it.TranslationWarnings, &it.ClusterSize)
	if err != nil {
		return nil, err
	}
	if pub.Valid {
		it.PublishedAt = pub.Time.UTC()
	}
	it.FetchedAt = it.FetchedAt.UTC()
	it.Fingerprint, it.HasPrint = uint64(fp.Int64), fp.Valid
	it.PostID = post.Int64
	return &it, nil
}

// Items lists the inbox, newest first.
func (d *Desk) Items(ctx context.Context, f ItemFilter) (ItemPage, error) {
	if f.Status != "" && !validStatus(f.Status) {
		return ItemPage{}, &InvalidError{Field: "status", Code: "bad_status", Msg: "unknown status"}
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 30
	}
	if f.Page < 1 {
		f.Page = 1
	}
	where, args := []string{"1 = 1"}, []any{}
	if f.SourceID != 0 {
		where, args = append(where, "i.source_id = ?"), append(args, f.SourceID)
	}
	if f.Lang != "" {
		where, args = append(where, "i.lang = ?"), append(args, strings.ToLower(f.Lang))
	}
	if f.ClusterID != 0 {
		where, args = append(where, "i.cluster_id = ?"), append(args, f.ClusterID)
	}
	if f.Status != "" {
		where, args = append(where, "i.status = ?"), append(args, f.Status)
	}
	cond := strings.Join(where, " AND ")
	page := ItemPage{Page: f.Page, PerPage: f.PerPage}
	if err := d.db.QueryRow(ctx, `SELECT COUNT(*) FROM wire_items i WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return page, err
	}
	rows, err := d.db.Query(ctx, `SELECT `+itemColumns+` FROM wire_items i JOIN wire_sources s ON s.id = i.source_id
		WHERE `+cond+` ORDER BY i.fetched_at DESC, i.id DESC LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, it)
	}
	return page, rows.Err()
}

func validStatus(s string) bool {
	for _, v := range ItemStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Languages lists the languages of the items on the desk, for the filter.
func (d *Desk) Languages(ctx context.Context) ([]string, error) {
	rows, err := d.db.Query(ctx, `SELECT DISTINCT lang FROM wire_items WHERE lang <> '' ORDER BY lang`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ItemByID loads one item.
func (d *Desk) ItemByID(ctx context.Context, id int64) (*DeskItem, error) {
	it, err := scanItem(d.db.QueryRow(ctx, `SELECT `+itemColumns+` FROM wire_items i JOIN wire_sources s ON s.id = i.source_id
		WHERE i.id = ?`, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return it, err
}

// Dismiss takes an item out of the inbox (it stays on the desk, so the
// same story is still recognised). A drafted item cannot be dismissed.
func (d *Desk) Dismiss(ctx context.Context, id int64) error {
	res, err := d.db.Exec(ctx, `UPDATE wire_items SET status = 'dismissed' WHERE id = ? AND status = 'new'`, id)
	if err := affected(res, err); errors.Is(err, ErrNotFound) {
		it, err := d.ItemByID(ctx, id)
		if err != nil || it.Status == ItemDismissed {
			return err
		}
		return ErrAlreadyDrafted
	} else if err != nil {
		return err
	}
	return nil
}

// Restore puts a dismissed item back in the inbox.
func (d *Desk) Restore(ctx context.Context, id int64) error {
	res, err := d.db.Exec(ctx, `UPDATE wire_items SET status = 'new' WHERE id = ? AND status = 'dismissed'`, id)
	return affected(res, err)
}
