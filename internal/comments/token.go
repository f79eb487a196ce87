package comments

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
)

// keys are independent HMAC keys derived from Options.Secret, one per use,
// so that a value signed for one purpose (an avatar colour, which the
// public sees) can never pass as another (an unsubscribe link).
type keys struct {
	form, unsubscribe, avatar []byte
}

func deriveKeys(secret []byte) keys {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("nashra/comments/" + purpose))
		return m.Sum(nil)
	}
	return keys{form: derive("form"), unsubscribe: derive("unsubscribe"), avatar: derive("avatar")}
}

func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		// Length-prefixed, so that no two different part lists collide.
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		m.Write(n[:])
		m.Write(p)
	}
	return m.Sum(nil)
}

// tokenEncoding is unpadded base64url: safe in forms and URLs; Strict so
// that each token has one spelling.
func tokenEncoding() *base64.Encoding { return base64.RawURLEncoding.Strict() }

// A form token is base64url(version ‖ post ID ‖ issued ‖ nonce ‖ MAC):
// 1 + 8 + 8 + 12 + 16 bytes. The nonce becomes the comment's submission
// key, unique in the table, so a form sent twice stores one comment.
const (
	formVersion   = 1
	formNonceLen  = 12
	formMACLen    = 16
	formTokenLen  = 1 + 8 + 8 + formNonceLen + formMACLen
	formClockSkew = time.Minute // a token "from the future" by less is accepted (nodes' clocks differ)
)

// FormToken returns the token the comment form for postID must carry (a
// hidden field, passed back as Input.Token). It records when the form was
// served, so that Create can refuse forms filled faster than a person
// could (ErrTooFast) or older than Options.MaxFormAge (ErrBadToken), and a
// random nonce that makes each form good for one comment per author (a
// double submit lands once). It is signed with the site's secret, so it
// works on any node. A page cached for the public may embed it: readers of
// the cached page share the nonce but not the author, and the fill time
// then counts from when the page was rendered, which only makes the check
// more lenient (the cache must keep pages for less than MaxFormAge).
func (s *Service) FormToken(postID int64) string {
	b := make([]byte, 0, formTokenLen)
	b = append(b, formVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(postID))
	b = binary.BigEndian.AppendUint64(b, uint64(s.opt.Now().Unix()))
	nonce := make([]byte, formNonceLen)
	_, _ = rand.Read(nonce)
	b = append(b, nonce...)
	b = append(b, mac(s.keys.form, b)[:formMACLen]...)
	return tokenEncoding().EncodeToString(b)
}

// checkFormToken verifies tok for postID at the service's time and
// returns its nonce (hex), the submission key. It fails with ErrBadToken
// (malformed, forged, another post's, expired) or ErrTooFast.
func (s *Service) checkFormToken(tok string, postID int64) (string, error) {
	if len(tok) != tokenEncoding().EncodedLen(formTokenLen) {
		return "", ErrBadToken
	}
	b, err := tokenEncoding().DecodeString(tok)
	if err != nil || len(b) != formTokenLen || b[0] != formVersion {
		return "", ErrBadToken
	}
	body, sig := b[:formTokenLen-formMACLen], b[formTokenLen-formMACLen:]
	if !hmac.Equal(sig, mac(s.keys.form, body)[:formMACLen]) {
		return "", ErrBadToken
	}
	if int64(binary.BigEndian.Uint64(body[1:9])) != postID {
		return "", ErrBadToken
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(body[9:17])), 0)
	age := s.opt.Now().Sub(issued)
	switch {
	case age < -formClockSkew || age > s.opt.MaxFormAge:
		return "", ErrBadToken
	case s.opt.MinFillTime > 0 && age < s.opt.MinFillTime:
		return "", ErrTooFast
	}
	return fmt.Sprintf("%x", body[17:]), nil
}
