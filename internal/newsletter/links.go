package newsletter

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// Links makes and checks the per-recipient unsubscribe links
// BASE/members/unsubscribe?m=MEMBER&n=NEWSLETTER&sig=SIG, where SIG is an
// HMAC-SHA256 of the two ids under Secret. The link needs no session and no
// database row: the signature is the proof that the site sent it to that
// member, so it keeps working from an old email, and one POST to it
// (RFC 8058 one-click) is enough.
type Links struct {
	BaseURL string // no trailing slash
	Secret  []byte
}

// UnsubscribeURL is member m's link for newsletter n.
func (l Links) UnsubscribeURL(m, n int64) string {
	return l.BaseURL + "/members/unsubscribe?m=" + strconv.FormatInt(m, 10) +
		"&n=" + strconv.FormatInt(n, 10) + "&sig=" + l.sign(m, n)
}

// Verify reports whether sig is the signature of (m, n), in constant time.
func (l Links) Verify(m, n int64, sig string) bool {
	if len(l.Secret) == 0 || sig == "" {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(l.sign(m, n)))
}

func (l Links) sign(m, n int64) string {
	h := hmac.New(sha256.New, l.Secret)
	// A separator that cannot occur in a number keeps (1, 23) and (12, 3) apart.
	h.Write([]byte("unsubscribe:" + strconv.FormatInt(m, 10) + ":" + strconv.FormatInt(n, 10)))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}
