package content

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nashra.dev/nashra/internal/store"
)

const postCols = `p.id, p.type, p.slug, p.title, p.standfirst, %BODY%, p.status, p.visibility, p.lang, p.dir,
	COALESCE(p.category_id, 0), p.published_at, p.created_at, p.updated_at,
	p.featured_image, p.featured_alt, p.featured_caption, p.featured_credit, p.featured_width, p.featured_height, p.featured_srcset,
	p.source_name, p.source_url, p.source_lang, p.source_translated, p.canonical_url, p.translation_group,
	p.seo_title, p.seo_description, p.word_count, p.version, p.preview_token, p.comment_status = 'open'`

var (
	colsWithBody = strings.Replace(postCols, "%BODY%", "p.body_md, p.body_html", 1)
	colsHTML     = strings.Replace(postCols, "%BODY%", "'', p.body_html", 1)
	colsNoBody   = strings.Replace(postCols, "%BODY%", "'', ''", 1)
)

func scanPost(sc interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var published sql.NullTime
	err := sc.Scan(&p.ID, &p.Type, &p.Slug, &p.Title, &p.Standfirst, &p.BodyMD, &p.BodyHTML, &p.Status, &p.Visibility,
		&p.Lang, &p.Dir, &p.CategoryID, &published, &p.CreatedAt, &p.UpdatedAt,
		&p.Featured.URL, &p.Featured.Alt, &p.Featured.Caption, &p.Featured.Credit, &p.Featured.Width, &p.Featured.Height, &p.Featured.SrcSet,
		&p.Source.Name, &p.Source.URL, &p.Source.Lang, &p.Source.Translated, &p.CanonicalURL, &p.TranslationGroup,
		&p.SEOTitle, &p.SEODescription, &p.WordCount, &p.Version, &p.PreviewToken, &p.CommentsOpen)
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
	return s.lookup(ctx, slug, colsWithBody)
}

// LookupHTML is Lookup without the Markdown source (BodyMD is empty), for
// showing the post: the source is as large as the HTML and not needed there.
func (s *Service) LookupHTML(ctx context.Context, slug string) (*Post, error) {
	return s.lookup(ctx, slug, colsHTML)
}

func (s *Service) lookup(ctx context.Context, slug, cols string) (*Post, error) {
	if !plausibleSlug(slug) {
		return nil, ErrNotFound
	}
	p, err := scanPost(s.db.QueryRow(ctx, "SELECT "+cols+
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

// relatedPerTag is how many of each tag's newest posts are considered, so
// that finding related posts costs the same on a site of a hundred posts as
// on one of a million (index-only reads of post_tags).
const relatedPerTag = 40

// Related returns up to n live posts in p's language that share p's tags,
// those sharing more tags first, then the newest; it fills up with the newest
// of p's primary category. p.Tags must be loaded (Lookup and PostByID do).
// One statement: candidates come from the index of each tag and of the
// category, so the cost does not grow with the archive. (RelatedIndex gives
// the same answers from memory, reading only the winners.)
func (s *Service) Related(ctx context.Context, p *Post, n int) ([]Post, error) {
	live := " AND p.type = 'post' AND p.status = 'published' AND p.published_at <= ? AND p.lang = ?"
	var parts []string
	var args []any
	for i, t := range p.Tags {
		if i == 8 {
			break
		}
		parts = append(parts, fmt.Sprintf(`SELECT post_id, 1 AS hit FROM (SELECT pt.post_id FROM post_tags pt
			WHERE pt.tag_id = ? AND pt.post_id <> ? ORDER BY pt.post_id DESC LIMIT %d) c%d`, relatedPerTag, i))
		args = append(args, t.ID, p.ID)
	}
	// The category's newest posts score 0 shared tags; a post found both ways keeps its tag score.
	parts = append(parts, `SELECT post_id, 0 AS hit FROM (SELECT c.id AS post_id FROM posts c WHERE c.category_id = ? AND c.id <> ?
		AND c.type = 'post' AND c.status = 'published' AND c.published_at <= ? ORDER BY c.published_at DESC LIMIT ?) fb`)
	args = append(args, p.CategoryID, p.ID, s.Now(), n*2)
	// CROSS JOIN makes SQLite drive the join from the few candidates rather
	// than from every live post; PostgreSQL plans it freely.
	q := "SELECT " + colsNoBody + ` FROM (SELECT post_id, SUM(hit) AS shared FROM (` + strings.Join(parts, " UNION ALL ") +
		`) cand GROUP BY post_id) t CROSS JOIN posts p WHERE p.id = t.post_id` + live +
		` ORDER BY t.shared DESC, p.published_at DESC, p.id DESC LIMIT ?`
	out, err := s.queryPosts(ctx, q, append(args, s.Now(), p.Lang, n)...)
	if err != nil {
		return nil, err
	}
	return out, s.loadRelations(ctx, out, false)
}

// PostsByIDs loads posts in any status, without their bodies, with their
// authors, categories and tags, in the order of ids; an ID with no post is
// left out. For lists whose order was decided elsewhere (search results).
func (s *Service) PostsByIDs(ctx context.Context, ids []int64) ([]Post, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	found, err := s.queryPosts(ctx, "SELECT "+colsNoBody+" FROM posts p WHERE p.id IN ("+placeholders(len(ids))+")", args...)
	if err != nil {
		return nil, err
	}
	if err := s.loadRelations(ctx, found, true); err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(found))
	for i := range found {
		at[found[i].ID] = i
	}
	out := make([]Post, 0, len(found))
	for _, id := range ids {
		if i, ok := at[id]; ok {
			out = append(out, found[i])
		}
	}
	return out, nil
}
