package comments

import (
	"context"
	"crypto/hmac"
	"encoding/binary"
	"errors"
)

// UnsubscribePath is where reply notices' unsubscribe links point, under
// Options.BaseURL, with ?token=…. The web layer serves it: GET shows
// CheckUnsubscribe's answer and a button; POST (the button, and mail
// clients' RFC 8058 one-click) calls Unsubscribe. A GET must not
// unsubscribe: mail scanners open links.
const UnsubscribePath = "/comments/unsubscribe"

// An unsubscribe token is base64url(comment ID ‖ MAC), the MAC binding the
// ID to the comment's address under the site's secret, so it cannot be
// forged or moved to another comment, and it carries no address. It does
// not expire: a notice is a promise to stop that should keep.
const unsubMACLen = 16

func (s *Service) unsubscribeToken(commentID int64, email string) string {
	b := binary.BigEndian.AppendUint64(nil, uint64(commentID))
	b = append(b, s.unsubscribeMAC(b, email)...)
	return tokenEncoding().EncodeToString(b)
}

func (s *Service) unsubscribeMAC(id []byte, email string) []byte {
	return mac(s.keys.unsubscribe, id, []byte(email))[:unsubMACLen]
}

// Unsubscription is what an unsubscribe link is about, for its page.
type Unsubscription struct {
	CommentID int64
	PostTitle string
	// Name is the commenter's name. The address is not given: whoever
	// holds the link sees no more than the public does.
	Name string
}

// CheckUnsubscribe verifies an unsubscribe token without changing
// anything: ErrBadUnsubscribe for a malformed, forged or tampered token,
// or one whose comment is gone.
func (s *Service) CheckUnsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	c, err := s.verifyUnsubscribe(ctx, token)
	if err != nil {
		return nil, err
	}
	return &Unsubscription{CommentID: c.ID, PostTitle: c.PostTitle, Name: c.AuthorName}, nil
}

// Unsubscribe stops reply notices to the address of the token's comment,
// for every comment it ever sent: a reader who asks to stop once should
// not have to ask per comment. A comment sent later with "notify me"
// ticked asks again, and is honoured. It reports how many comments were
// switched off (0 when already off: using a link twice is not an error).
func (s *Service) Unsubscribe(ctx context.Context, token string) (int, error) {
	c, err := s.verifyUnsubscribe(ctx, token)
	if err != nil {
		return 0, err
	}
	res, err := s.db.Exec(ctx, "UPDATE comments SET notify = ? WHERE author_email = ? AND notify = ?",
		false, c.AuthorEmail, true)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (s *Service) verifyUnsubscribe(ctx context.Context, token string) (*Comment, error) {
	const n = 8 + unsubMACLen
	if len(token) != tokenEncoding().EncodedLen(n) {
		return nil, ErrBadUnsubscribe
	}
	b, err := tokenEncoding().DecodeString(token)
	if err != nil || len(b) != n {
		return nil, ErrBadUnsubscribe
	}
	c, err := s.Get(ctx, int64(binary.BigEndian.Uint64(b[:8])))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrBadUnsubscribe
	}
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(b[8:], s.unsubscribeMAC(b[:8], c.AuthorEmail)) {
		return nil, ErrBadUnsubscribe
	}
	return c, nil
}
