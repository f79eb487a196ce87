package content

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"nashra.dev/nashra/internal/store"
)

// Revision is a saved state of a post's text. Every save makes one; an
// autosave keeps one per editor and post, replaced each time.
type Revision struct {
	ID                        int64
	PostID                    int64
	Version                   int
	AuthorID                  int64
	AuthorName                string
	Kind                      string // save, autosave or restore
	CreatedAt                 time.Time
	Title, Standfirst, BodyMD string
}

func (s *Service) addRevision(ctx context.Context, tx *store.Tx, postID int64, version int, editor int64, kind, title, standfirst, body string, now time.Time) error {
	var author any
	if editor != 0 {
		author = editor
	}
	_, err := tx.Exec(ctx, `INSERT INTO revisions (post_id, version, author_id, kind, created_at, title, standfirst, body_md)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, postID, version, author, kind, now, title, standfirst, body)
	if err != nil {
		return fmt.Errorf("save revision: %w", err)
	}
	return nil
}

// Revisions lists a post's revisions, newest first, without their text.
func (s *Service) Revisions(ctx context.Context, postID int64) ([]Revision, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id, r.post_id, r.version, COALESCE(r.author_id, 0), COALESCE(u.name, ''), r.kind, r.created_at, r.title
		FROM revisions r LEFT JOIN users u ON u.id = r.author_id WHERE r.post_id = ? ORDER BY r.id DESC LIMIT 200`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.ID, &r.PostID, &r.Version, &r.AuthorID, &r.AuthorName, &r.Kind, &r.CreatedAt, &r.Title); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revision loads one revision of a post, with its text.
func (s *Service) Revision(ctx context.Context, postID, id int64) (*Revision, error) {
	var r Revision
	err := s.db.QueryRow(ctx, `SELECT r.id, r.post_id, r.version, COALESCE(r.author_id, 0), COALESCE(u.name, ''), r.kind, r.created_at,
		r.title, r.standfirst, r.body_md FROM revisions r LEFT JOIN users u ON u.id = r.author_id WHERE r.id = ? AND r.post_id = ?`, id, postID).
		Scan(&r.ID, &r.PostID, &r.Version, &r.AuthorID, &r.AuthorName, &r.Kind, &r.CreatedAt, &r.Title, &r.Standfirst, &r.BodyMD)
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// Autosave keeps the editor's unsaved text as that editor's one autosave
// revision of the post. The post itself is untouched: an autosave never
// publishes half a sentence, and never races another editor's save.
func (s *Service) Autosave(ctx context.Context, postID, editor int64, title, standfirst, body string) (*Revision, error) {
	if len(body) > 2<<20 || len(title) > 4096 || len(standfirst) > 64<<10 {
		return nil, fmt.Errorf("%w: the text is too large", ErrInvalid)
	}
	now := s.Now()
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var version int
		if err := tx.QueryRow(ctx, "SELECT version FROM posts WHERE id = ?", postID).Scan(&version); err != nil {
			return notFound(err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM revisions WHERE post_id = ? AND author_id = ? AND kind = 'autosave'", postID, editor); err != nil {
			return err
		}
		return s.addRevision(ctx, tx, postID, version, editor, "autosave", title, standfirst, body, now)
	})
	if err != nil {
		return nil, err
	}
	return s.LatestAutosave(ctx, postID, editor)
}

// LatestAutosave returns the editor's autosave of the post, if it is newer
// than the post's last save; otherwise ErrNotFound.
func (s *Service) LatestAutosave(ctx context.Context, postID, editor int64) (*Revision, error) {
	var id int64
	var at sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT r.id, p.updated_at FROM revisions r JOIN posts p ON p.id = r.post_id
		WHERE r.post_id = ? AND r.author_id = ? AND r.kind = 'autosave' AND r.created_at >= p.updated_at`, postID, editor).Scan(&id, &at)
	if err != nil {
		return nil, notFound(err)
	}
	return s.Revision(ctx, postID, id)
}

// RestoreRevision brings back a revision's title, standfirst and body as a
// new save (the history keeps everything in between). baseVersion guards
// against restoring over a save the editor has not seen.
func (s *Service) RestoreRevision(ctx context.Context, postID, revID, editor int64, baseVersion int) (*Post, error) {
	rev, err := s.Revision(ctx, postID, revID)
	if err != nil {
		return nil, err
	}
	p, err := s.PostByID(ctx, postID)
	if err != nil {
		return nil, err
	}
	in := InputOf(p)
	in.Title, in.Standfirst, in.BodyMD = rev.Title, rev.Standfirst, rev.BodyMD
	in.BaseVersion, in.EditorID = baseVersion, editor
	return s.UpdatePost(ctx, postID, in)
}

// InputOf gives the input that would save p unchanged: the starting point
// for edits that change a few fields.
func InputOf(p *Post) PostInput {
	in := PostInput{Type: p.Type, Title: p.Title, Slug: p.Slug, Standfirst: p.Standfirst, BodyMD: p.BodyMD, Status: p.Status,
		Visibility: p.Visibility, Lang: p.Lang, Dir: p.Dir, PublishedAt: p.PublishedAt, Featured: p.Featured, Source: p.Source,
		CanonicalURL: p.CanonicalURL, TranslationGroup: p.TranslationGroup, SEOTitle: p.SEOTitle, SEODescription: p.SEODescription,
		BaseVersion: p.Version}
	for _, a := range p.Authors {
		in.AuthorIDs = append(in.AuthorIDs, a.ID)
	}
	if p.CategoryID != 0 {
		in.CategoryIDs = append(in.CategoryIDs, p.CategoryID)
	}
	for _, c := range p.Categories {
		if c.ID != p.CategoryID {
			in.CategoryIDs = append(in.CategoryIDs, c.ID)
		}
	}
	for _, t := range p.Tags {
		in.TagNames = append(in.TagNames, t.Name)
	}
	return in
}
