package content

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

const postCols = `p.id, p.type, p.slug, p.title, p.standfirst, %BODY%, p.status, p.visibility, p.lang, p.dir,
	COALESCE(p.category_id, 0), p.published_at, p.created_at, p.updated_at,
	p.featured_image, p.featured_alt, p.featured_caption, p.featured_credit, p.featured_width, p.featured_height,
	p.source_name, p.source_url, p.source_lang, p.source_translated, p.canonical_url, p.translation_group,
	p.seo_title, p.seo_description, p.word_count`

var (
	colsWithBody = strings.Replace(postCols, "%BODY%", "p.body_md, p.body_html", 1)
	colsNoBody   = strings.Replace(postCols, "%BODY%", "'', ''", 1)
)

func scanPost(sc interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var published sql.NullTime
	err := sc.Scan(&p.ID, &p.Type, &p.Slug, &p.Title, &p.Standfirst, &p.BodyMD, &p.BodyHTML, &p.Status, &p.Visibility,
		&p.Lang, &p.Dir, &p.CategoryID, &published, &p.CreatedAt, &p.UpdatedAt,
		&p.Featured.URL, &p.Featured.Alt, &p.Featured.Caption, &p.Featured.Credit, &p.Featured.Width, &p.Featured.Height,
		&p.Source.Name, &p.Source.URL, &p.Source.Lang, &p.Source.Translated, &p.CanonicalURL, &p.TranslationGroup,
		&p.SEOTitle, &p.SEODescription, &p.WordCount)
	if published.Valid {
		p.PublishedAt = published.Time.UTC()
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// PostByID loads a post in any status, with its authors, categories and tags.
func (s *Service) PostByID(ctx context.Context, id int64) (*Post, error) {
	p, err := scanPost(s.db.QueryRow(ctx, "SELECT "+colsWithBody+" FROM posts p WHERE p.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	posts := []Post{p}
	if err := s.loadRelations(ctx, posts, true); err != nil {
		return nil, err
	}
	return &posts[0], nil
}

// Lookup finds the live post or page at slug, for the public site. An old
// slug gives *Moved with the current one; a deleted post's slug gives
// ErrGone; anything else unknown or not yet live is ErrNotFound.
func (s *Service) Lookup(ctx context.Context, slug string) (*Post, error) {
	if !plausibleSlug(slug) {
		return nil, ErrNotFound
	}
	p, err := scanPost(s.db.QueryRow(ctx, "SELECT "+colsWithBody+
		" FROM posts p WHERE p.slug = ? AND p.status = 'published' AND p.published_at <= ?", slug, s.Now()))
	if err == nil {
		posts := []Post{p}
		if err := s.loadRelations(ctx, posts, true); err != nil {
			return nil, err
		}
		return &posts[0], nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var current sql.NullString
	err = s.db.QueryRow(ctx, `SELECT p.slug FROM slug_history h LEFT JOIN posts p ON p.id = h.post_id
		AND p.status = 'published' AND p.published_at <= ? WHERE h.slug = ?`, s.Now(), slug).Scan(&current)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrNotFound
	case err != nil:
		return nil, err
	case current.Valid:
		return nil, &Moved{Slug: current.String}
	}
	var exists int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM slug_history h JOIN posts p ON p.id = h.post_id WHERE h.slug = ?", slug).Scan(&exists); err != nil {
		return nil, err
	}
	if exists > 0 {
		return nil, ErrNotFound // renamed, and the post is not live now
	}
	return nil, ErrGone
}

// Filter selects live posts for listings. Zero fields do not filter.
type Filter struct {
	Type                 Type // default TypePost
	CategoryID           int64
	IncludeSubcategories bool
	TagID, AuthorID      int64
	Lang                 string
	From, To             time.Time // published in [From, To)
	ExcludeID            int64
	WithBody             bool
	Limit, Offset        int
}

func (s *Service) where(f Filter) (string, []any) {
	typ := f.Type
	if typ == "" {
		typ = TypePost
	}
	conds := []string{"p.type = ?", "p.status = 'published'", "p.published_at <= ?"}
	args := []any{typ, s.Now()}
	if f.CategoryID != 0 {
		if f.IncludeSubcategories {
			conds = append(conds, `p.id IN (SELECT pc.post_id FROM post_categories pc WHERE pc.category_id IN (
				WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
				SELECT id FROM sub))`)
		} else {
			conds = append(conds, "p.id IN (SELECT pc.post_id FROM post_categories pc WHERE pc.category_id = ?)")
		}
		args = append(args, f.CategoryID)
	}
	if f.TagID != 0 {
		conds = append(conds, "p.id IN (SELECT pt.post_id FROM post_tags pt WHERE pt.tag_id = ?)")
		args = append(args, f.TagID)
	}
	if f.AuthorID != 0 {
		conds = append(conds, "p.id IN (SELECT pa.post_id FROM post_authors pa WHERE pa.user_id = ?)")
		args = append(args, f.AuthorID)
	}
	if f.Lang != "" {
		conds = append(conds, "p.lang = ?")
		args = append(args, f.Lang)
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.published_at >= ?")
		args = append(args, dbTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.published_at < ?")
		args = append(args, dbTime(f.To))
	}
	if f.ExcludeID != 0 {
		conds = append(conds, "p.id <> ?")
		args = append(args, f.ExcludeID)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns live posts newest first, with authors and categories.
func (s *Service) List(ctx context.Context, f Filter) ([]Post, error) {
	where, args := s.where(f)
	cols := colsNoBody
	if f.WithBody {
		cols = colsWithBody
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 20
	}
	q := "SELECT " + cols + " FROM posts p" + where + " ORDER BY p.published_at DESC, p.id DESC LIMIT ? OFFSET ?"
	out, err := s.queryPosts(ctx, q, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, err
	}
	return out, s.loadRelations(ctx, out, f.WithBody)
}

// queryPosts runs a query selecting post columns and scans every row.
func (s *Service) queryPosts(ctx context.Context, q string, args ...any) ([]Post, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Count counts the live posts a filter selects.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) {
	where, args := s.where(f)
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM posts p"+where, args...).Scan(&n)
	return n, err
}

// Editions returns the other live language editions of p's story.
func (s *Service) Editions(ctx context.Context, p *Post) ([]Post, error) {
	if p.TranslationGroup == "" {
		return nil, nil
	}
	return s.queryPosts(ctx, "SELECT "+colsNoBody+` FROM posts p WHERE p.translation_group = ? AND p.id <> ?
		AND p.status = 'published' AND p.published_at <= ? ORDER BY p.lang`, p.TranslationGroup, p.ID, s.Now())
}

// Related returns up to n live posts that share p's tags or primary
// category, those sharing more tags first, then the newest.
func (s *Service) Related(ctx context.Context, p *Post, n int) ([]Post, error) {
	out, err := s.queryPosts(ctx, "SELECT "+colsNoBody+` FROM posts p
		LEFT JOIN (SELECT pt.post_id, COUNT(*) AS shared FROM post_tags pt
			WHERE pt.tag_id IN (SELECT tag_id FROM post_tags WHERE post_id = ?) GROUP BY pt.post_id) t ON t.post_id = p.id
		WHERE p.id <> ? AND p.type = 'post' AND p.status = 'published' AND p.published_at <= ? AND p.lang = ?
		AND (t.shared > 0 OR p.category_id = ?)
		ORDER BY COALESCE(t.shared, 0) DESC, p.published_at DESC, p.id DESC LIMIT ?`,
		p.ID, p.ID, s.Now(), p.Lang, p.CategoryID, n)
	if err != nil {
		return nil, err
	}
	return out, s.loadRelations(ctx, out, false)
}
