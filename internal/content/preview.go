package content

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
)

// NewPreviewToken gives a post a secret for its private preview link (a
// draft can be shown to someone without an account). Asking again replaces
// the secret, which revokes the old link.
func (s *Service) NewPreviewToken(ctx context.Context, id int64) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	res, err := s.db.Exec(ctx, "UPDATE posts SET preview_token = ? WHERE id = ?", tok, id)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", ErrNotFound
	}
	return tok, nil
}

// PreviewPost returns a post in any status when token is its preview secret.
func (s *Service) PreviewPost(ctx context.Context, id int64, token string) (*Post, error) {
	p, err := s.PostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.PreviewToken == "" || token == "" || subtle.ConstantTimeCompare([]byte(p.PreviewToken), []byte(token)) != 1 {
		return nil, ErrNotFound
	}
	return p, nil
}
