package content

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/store"
)

// PostInput is what an editor (or an import, or the demo) submits.
type PostInput struct {
	Type             Type
	Title            string
	Slug             string // optional: made from the title when empty
	Standfirst       string
	BodyMD           string
	Status           Status
	Visibility       string
	Lang, Dir        string // Dir defaults from Lang
	PublishedAt      time.Time
	AuthorIDs        []int64
	CategoryIDs      []int64 // the first is the primary category
	TagNames         []string
	Featured         Image
	Source           Source
	CanonicalURL     string
	TranslationGroup string
	SEOTitle         string
	SEODescription   string

	// BaseVersion is the version the editor started from: a save over a newer
	// version fails with *ConflictError. Zero skips the check (imports, demo).
	BaseVersion int
	// EditorID is the staff member saving, recorded on the revision.
	EditorID int64
}

var langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// reserved slugs would shadow the site's own paths.
var reserved = map[string]bool{
	"feed": true, "page": true, "category": true, "tag": true, "author": true, "search": true,
	"admin": true, "api": true, "static": true, "uploads": true, "healthz": true, "metrics": true,
	"sitemap.xml": true, "robots.txt": true, "feed.json": true, "news-sitemap.xml": true, "subscribe": true,
}

// validate normalises in and reports the first problem as ErrInvalid.
func (in *PostInput) validate(now time.Time) error {
	in.Title = strings.TrimSpace(in.Title)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	if in.Type == "" {
		in.Type = TypePost
	}
	if in.Type != TypePost && in.Type != TypePage {
		return bad("unknown type %q", in.Type)
	}
	if in.Title == "" {
		return bad("a title is required")
	}
	for name, v := range map[string]string{"title": in.Title, "standfirst": in.Standfirst, "body": in.BodyMD} {
		if !utf8.ValidString(v) {
			return bad("the %s is not valid UTF-8 text", name)
		}
	}
	if utf8.RuneCountInString(in.Title) > 300 {
		return bad("the title is longer than 300 characters")
	}
	if len(in.BodyMD) > 2<<20 {
		return bad("the body is larger than 2 MB")
	}
	switch in.Status {
	case "":
		in.Status = Draft
	case Draft, Scheduled, Published:
	default:
		return bad("unknown status %q", in.Status)
	}
	switch in.Visibility {
	case "":
		in.Visibility = "public"
	case "public", "members", "paid":
	default:
		return bad("unknown visibility %q", in.Visibility)
	}
	if in.Lang == "" {
		in.Lang = "ar"
	}
	if !langPattern.MatchString(in.Lang) {
		return bad("invalid language code %q", in.Lang)
	}
	if in.Dir == "" {
		in.Dir = arabic.Direction(in.Lang)
	}
	if in.Dir != "rtl" && in.Dir != "ltr" {
		return bad("direction must be rtl or ltr")
	}
	if in.Status != Draft && in.PublishedAt.IsZero() {
		in.PublishedAt = now
	}
	if in.Status == Scheduled && !in.PublishedAt.After(now) {
		in.Status = Published // a schedule in the past is simply published
	}
	for name, u := range map[string]string{"source URL": in.Source.URL, "canonical URL": in.CanonicalURL} {
		if u != "" && !isHTTPURL(u) {
			return bad("the %s must be an http or https address", name)
		}
	}
	if in.Featured.URL != "" && !isHTTPURL(in.Featured.URL) && !strings.HasPrefix(in.Featured.URL, "/") {
		return bad("the featured image must be an http(s) address or a path on this site")
	}
	if in.Source.Lang != "" && !langPattern.MatchString(in.Source.Lang) {
		return bad("invalid source language %q", in.Source.Lang)
	}
	return nil
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// CreatePost stores a new post or page and tells listeners.
func (s *Service) CreatePost(ctx context.Context, in PostInput) (*Post, error) {
	now := s.Now()
	if err := in.validate(now); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		slug, err := s.uniqueSlug(ctx, tx, in.Slug, in.Title, 0)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO posts (type, slug, title, created_at, updated_at, status)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, in.Type, slug, in.Title, now, now, in.Status).Scan(&id)
		if err != nil {
			return err
		}
		if err := s.writePost(ctx, tx, id, slug, &in, now); err != nil {
			return err
		}
		if err := s.addRevision(ctx, tx, id, 1, in.EditorID, "save", in.Title, in.Standfirst, in.BodyMD, now); err != nil {
			return err
		}
		return tx.Notify(ctx, Topic)
	})
	if err != nil {
		return nil, err
	}
	return s.PostByID(ctx, id)
}

// UpdatePost replaces a post's fields. A changed slug keeps the old one in
// the slug history, so old links answer 301 to the new address.
func (s *Service) UpdatePost(ctx context.Context, id int64, in PostInput) (*Post, error) {
	now := s.Now()
	if err := in.validate(now); err != nil {
		return nil, err
	}
	conflict := false
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var oldSlug string
		var version int
		if err := tx.QueryRow(ctx, "SELECT slug, version FROM posts WHERE id = ?", id).Scan(&oldSlug, &version); err != nil {
			return notFound(err)
		}
		if in.BaseVersion != 0 && in.BaseVersion != version {
			conflict = true
			return errConflict
		}
		want := in.Slug
		if want == "" {
			want = oldSlug
		}
		slug, err := s.uniqueSlug(ctx, tx, want, in.Title, id)
		if err != nil {
			return err
		}
		if slug != oldSlug {
			if _, err := tx.Exec(ctx, `INSERT INTO slug_history (slug, post_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT (slug) DO UPDATE SET post_id = excluded.post_id, created_at = excluded.created_at`,
				oldSlug, id, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM slug_history WHERE slug = ?", slug); err != nil {
				return err
			}
		}
		if err := s.writePost(ctx, tx, id, slug, &in, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE posts SET version = ? WHERE id = ?", version+1, id); err != nil {
			return err
		}
		if err := s.addRevision(ctx, tx, id, version+1, in.EditorID, "save", in.Title, in.Standfirst, in.BodyMD, now); err != nil {
			return err
		}
		return tx.Notify(ctx, Topic)
	})
	if conflict {
		current, err := s.PostByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, &ConflictError{Current: current}
	}
	if err != nil {
		return nil, err
	}
	return s.PostByID(ctx, id)
}

// errConflict rolls back a save that lost the race; UpdatePost turns it
// into a *ConflictError carrying the winner's version.
var errConflict = errors.New("version conflict")

// DeletePost removes a post; its addresses answer 410 Gone from then on.
func (s *Service) DeletePost(ctx context.Context, id int64) error {
	now := s.Now()
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		var slug string
		if err := tx.QueryRow(ctx, "SELECT slug FROM posts WHERE id = ?", id).Scan(&slug); err != nil {
			return notFound(err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM posts WHERE id = ?", id); err != nil {
			return err
		}
		// Old slugs of the post lost their post_id through ON DELETE SET NULL.
		if _, err := tx.Exec(ctx, `INSERT INTO slug_history (slug, post_id, created_at) VALUES (?, NULL, ?)
			ON CONFLICT (slug) DO UPDATE SET post_id = NULL`, slug, now); err != nil {
			return err
		}
		return tx.Notify(ctx, Topic)
	})
}

// writePost writes every field but the slug's history and links.
func (s *Service) writePost(ctx context.Context, tx *store.Tx, id int64, slug string, in *PostInput, now time.Time) error {
	html := s.md.Render(in.BodyMD)
	if in.Dir == "rtl" {
		// Isolate Latin runs ("NBC News") once, at save, so every read is free of the cost.
		html = arabic.IsolateHTML(html)
	}
	var published any
	if !in.PublishedAt.IsZero() {
		published = dbTime(in.PublishedAt)
	}
	var primary any
	if len(in.CategoryIDs) > 0 {
		primary = in.CategoryIDs[0]
	}
	words := arabic.WordCount(in.Standfirst) + arabic.WordCount(in.BodyMD)
	_, err := tx.Exec(ctx, `UPDATE posts SET type = ?, slug = ?, title = ?, standfirst = ?, body_md = ?, body_html = ?,
		status = ?, visibility = ?, lang = ?, dir = ?, category_id = ?, published_at = ?, updated_at = ?,
		featured_image = ?, featured_alt = ?, featured_caption = ?, featured_credit = ?, featured_width = ?, featured_height = ?, featured_srcset = ?,
		source_name = ?, source_url = ?, source_lang = ?, source_translated = ?, canonical_url = ?, translation_group = ?,
		seo_title = ?, seo_description = ?, word_count = ? WHERE id = ?`,
		in.Type, slug, in.Title, strings.TrimSpace(in.Standfirst), in.BodyMD, html,
		in.Status, in.Visibility, in.Lang, in.Dir, primary, published, now,
		in.Featured.URL, in.Featured.Alt, in.Featured.Caption, in.Featured.Credit, in.Featured.Width, in.Featured.Height, in.Featured.SrcSet,
		strings.TrimSpace(in.Source.Name), in.Source.URL, in.Source.Lang, in.Source.Translated, in.CanonicalURL, in.TranslationGroup,
		in.SEOTitle, in.SEODescription, words, id)
	if errors.Is(err, store.ErrReference) {
		return fmt.Errorf("%w: unknown category %v", ErrInvalid, primary)
	}
	if err != nil {
		return fmt.Errorf("save post: %w", err)
	}
	if in.Status == Scheduled {
		if err := s.schedule(ctx, tx, id, in.PublishedAt); err != nil {
			return fmt.Errorf("schedule post: %w", err)
		}
	}
	return s.writeLinks(ctx, tx, id, in)
}

func (s *Service) writeLinks(ctx context.Context, tx *store.Tx, id int64, in *PostInput) error {
	for _, table := range []string{"post_authors", "post_categories", "post_tags"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE post_id = ?", id); err != nil {
			return err
		}
	}
	for i, uid := range dedupe(in.AuthorIDs) {
		if _, err := tx.Exec(ctx, "INSERT INTO post_authors (post_id, user_id, position) VALUES (?, ?, ?)", id, uid, i); err != nil {
			return fmt.Errorf("%w: unknown author %d", ErrInvalid, uid)
		}
	}
	for _, cid := range dedupe(in.CategoryIDs) {
		if _, err := tx.Exec(ctx, "INSERT INTO post_categories (post_id, category_id) VALUES (?, ?)", id, cid); err != nil {
			return fmt.Errorf("%w: unknown category %d", ErrInvalid, cid)
		}
	}
	tagIDs, err := s.ensureTags(ctx, tx, in.TagNames)
	if err != nil {
		return err
	}
	for _, tid := range dedupe(tagIDs) {
		if _, err := tx.Exec(ctx, "INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)", id, tid); err != nil {
			return err
		}
	}
	return nil
}

// uniqueSlug makes a slug from want (or the title) that no other post uses,
// now or in its history, and that does not shadow a site path.
func (s *Service) uniqueSlug(ctx context.Context, tx *store.Tx, want, title string, self int64) (string, error) {
	base := arabic.Slugify(want)
	if base == "" {
		base = arabic.Slugify(title)
	}
	if base == "" {
		base = "post"
	}
	if isDigits(base) {
		base = "n-" + base // a bare number would read as a date archive
	}
	for n := 1; n < 1000; n++ {
		cand := base
		if n > 1 {
			cand = base + "-" + strconv.Itoa(n)
		}
		if reserved[cand] {
			continue
		}
		var taken int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM posts WHERE slug = ? AND id <> ?`, cand, self).Scan(&taken)
		if err != nil {
			return "", err
		}
		if taken == 0 {
			err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM slug_history WHERE slug = ? AND (post_id IS NULL OR post_id <> ?)`, cand, self).Scan(&taken)
			if err != nil {
				return "", err
			}
		}
		if taken == 0 {
			return cand, nil
		}
	}
	return "", fmt.Errorf("%w: no free slug near %q", ErrInvalid, base)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}
