package comments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"nashra.dev/nashra/internal/store"
)

// Input is a comment sent from the site's form.
type Input struct {
	PostID int64
	// ParentID is the comment replied to; 0 starts a thread.
	ParentID int64
	// Name, Email and URL are what the form says. For a signed-in member
	// or staff member they are ignored (URL excepted): the account's name
	// and address are used.
	Name, Email, URL string
	Body             string
	// Notify asks for a mail when someone replies to this comment.
	Notify bool
	// MemberID and UserID name the signed-in account the comment comes
	// from. The web layer sets them from the session, never from the form.
	MemberID int64
	UserID   int64
	// The request's client address, User-Agent and Referer: for the
	// limits, the blocklist and the Checker.
	IP, UserAgent, Referrer string
	// Token is the form's FormToken; Honeypot the hidden field a person
	// leaves empty.
	Token    string
	Honeypot string
}

// Create checks a comment and stores it, approved, held or as spam.
//
// Refused, with nothing stored: a filled honeypot (ErrRejected), a bad or
// expired token (ErrBadToken), a form sent too fast (ErrTooFast), a client
// or address over its rate (*RateLimitError), bad input (*InvalidError), a
// missing post (ErrNotFound), closed comments (ErrClosed, see Open), a
// second comment from one form or the same text again from the same
// address on the post (ErrDuplicate), and what the Checker says to
// discard (ErrRejected).
//
// Otherwise the comment is stored, and its Status says what happened:
//
//   - Approved: by staff (UserID), or from an address that has an approved
//     comment already (trusted), unless held or spam below;
//   - Spam: matched a blocklist rule with effect spam, or the Checker said so;
//   - Pending: the address's first comment, a blocklist rule with effect
//     hold, more links than the Policy's MaxLinks, its HoldAll, or a Checker
//     that failed (its error is the Reason: a comment is never lost to it).
//
// Reason says why a comment was held or judged spam. Once it is committed,
// an approved reply mails the author of the comment it answers (if they
// asked, and are not its author), and a held comment mails the
// moderators; mail failures are logged, not returned.
//
// A reply deeper than the Policy's MaxDepth goes up to the deepest allowed
// ancestor; ReplyToID keeps the comment actually answered. The Policy is
// read once, when the call starts.
func (s *Service) Create(ctx context.Context, in Input) (*Comment, error) {
	if strings.TrimSpace(in.Honeypot) != "" {
		return nil, ErrRejected
	}
	nonce, err := s.checkFormToken(in.Token, in.PostID)
	if err != nil {
		return nil, err
	}
	if err := s.checkIP(in.IP); err != nil {
		return nil, err
	}
	c, err := s.prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	pol := s.Policy(ctx)
	post, reason, err := s.openPost(ctx, s.db, in.PostID, pol)
	if err != nil {
		return nil, err
	}
	if reason != ReasonNone {
		return nil, fmt.Errorf("%w (%s)", ErrClosed, reason)
	}
	c.PostTitle = post.Title
	if err := s.place(ctx, s.db, c, in.ParentID, false, pol.MaxDepth); err != nil {
		return nil, err
	}
	if err := s.screen(ctx, c, post, pol); err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := lockEmail(ctx, tx, c.AuthorEmail); err != nil {
			return err
		}
		if c.UserID == 0 {
			if err := s.checkEmailRate(ctx, tx, c.AuthorEmail, c.CreatedAt); err != nil {
				return err
			}
		}
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM comments WHERE post_id = ? AND author_email = ? AND body_md = ?
			AND status <> ? LIMIT 1`, c.PostID, c.AuthorEmail, c.Body, Trash).Scan(&one)
		if err == nil {
			return ErrDuplicate
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := s.insert(ctx, tx, c, submissionKey(nonce, c.AuthorEmail)); err != nil {
			return err
		}
		return notifyIf(ctx, tx, c.Status == Approved)
	})
	if err != nil {
		return nil, err
	}
	switch c.Status {
	case Approved:
		s.replyNotice(ctx, c.ID)
	case Pending:
		s.moderatorNotice(ctx, c, post)
	}
	return c, nil
}

// prepare validates the input into a comment, with the account's name and
// address when it comes from one, and its text rendered.
func (s *Service) prepare(ctx context.Context, in Input) (*Comment, error) {
	body, err := s.cleanBody(in.Body)
	if err != nil {
		return nil, err
	}
	website, err := cleanURL(in.URL)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	c := &Comment{
		PostID: in.PostID, AuthorURL: website, Notify: in.Notify, Body: body, BodyHTML: s.md.Render(body),
		IP: clip(in.IP, 64), UserAgent: clip(collapse(in.UserAgent), 500), Referrer: clip(in.Referrer, 500),
		CreatedAt: now, UpdatedAt: now,
	}
	switch {
	case in.UserID != 0:
		err := s.db.QueryRow(ctx, "SELECT name, email FROM users WHERE id = ?", in.UserID).Scan(&c.AuthorName, &c.AuthorEmail)
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalid("account", "bad-account", "no staff account %d", in.UserID)
		}
		if err != nil {
			return nil, err
		}
		c.UserID = in.UserID
	case in.MemberID != 0:
		err := s.db.QueryRow(ctx, "SELECT name, email FROM members WHERE id = ?", in.MemberID).Scan(&c.AuthorName, &c.AuthorEmail)
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalid("account", "bad-account", "no member account %d", in.MemberID)
		}
		if err != nil {
			return nil, err
		}
		c.MemberID = in.MemberID
		if collapse(c.AuthorName) == "" { // a member without a name gives one in the form
			c.AuthorName = in.Name
		}
	default:
		c.AuthorName, c.AuthorEmail = in.Name, in.Email
	}
	if c.AuthorName, err = cleanName(c.AuthorName); err != nil {
		return nil, err
	}
	if c.AuthorEmail, err = normalizeEmail(c.AuthorEmail); err != nil {
		return nil, err
	}
	return c, nil
}

// place puts c in its thread under replyTo: it sets ParentID, ReplyToID
// and Depth, going up from replyTo while the reply would be deeper than
// maxDepth allows. The comment replied to must be on the same post and
// approved (a moderator's reply, anyOpen, may answer a pending one).
func (s *Service) place(ctx context.Context, q querier, c *Comment, replyTo int64, anyOpen bool, maxDepth int) error {
	if replyTo == 0 {
		return nil
	}
	type node struct {
		id, parent int64
		depth      int
	}
	load := func(id int64) (node, int64, Status, error) {
		n := node{id: id}
		var (
			post   int64
			status Status
			parent *int64
		)
		err := q.QueryRow(ctx, "SELECT post_id, parent_id, depth, status FROM comments WHERE id = ?", id).
			Scan(&post, &parent, &n.depth, &status)
		if parent != nil {
			n.parent = *parent
		}
		return n, post, status, err
	}
	cur, post, status, err := load(replyTo)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (post != c.PostID ||
		!(status == Approved || anyOpen && status == Pending))) {
		return invalid("parent", "bad-parent", "the comment you are replying to is not on this page")
	}
	if err != nil {
		return err
	}
	c.ReplyToID = replyTo
	for steps := 0; cur.depth+1 > maxDepth-1; steps++ {
		if cur.parent == 0 || steps > 1000 {
			c.ParentID, c.Depth = 0, 0
			return nil
		}
		if cur, _, _, err = load(cur.parent); err != nil {
			return err
		}
	}
	c.ParentID, c.Depth = cur.id, cur.depth+1
	return nil
}

// screen decides the status of a new comment (see Create). It may call
// pol's Checker; it returns ErrRejected when the Checker says to discard.
func (s *Service) screen(ctx context.Context, c *Comment, post PostRef, pol Policy) error {
	if c.UserID != 0 {
		c.Status = Approved
		return nil
	}
	rule, err := s.blocked(ctx, c)
	if err != nil {
		return err
	}
	if rule != nil && rule.Effect == EffectSpam {
		c.Status, c.Reason = Spam, fmt.Sprintf("blocklist: %s %q", rule.Kind, rule.Value)
		return nil
	}
	var hold []string
	if rule != nil {
		hold = append(hold, fmt.Sprintf("blocklist: %s %q", rule.Kind, rule.Value))
	}
	if pol.Checker != nil {
		v, err := pol.Checker.Check(ctx, s.submission(c, s.permalink(post)))
		switch {
		case err != nil:
			s.opt.Log.Warn("comment spam check failed; holding the comment", "post", c.PostID, "err", err)
			hold = append(hold, "spam check failed: "+clip(err.Error(), 300))
		case v == Discard:
			return ErrRejected
		case v == IsSpam:
			c.Status, c.Reason = Spam, "spam check: spam"
			return nil
		}
	}
	if n := countLinks(c.BodyHTML); n > pol.linksAllowed() {
		hold = append(hold, fmt.Sprintf("%d links (more than %d)", n, pol.linksAllowed()))
	}
	if pol.HoldAll {
		hold = append(hold, "every comment is held")
	}
	if len(hold) > 0 {
		c.Status, c.Reason = Pending, strings.Join(hold, "; ")
		return nil
	}
	var one int
	err = s.db.QueryRow(ctx, "SELECT 1 FROM comments WHERE author_email = ? AND status = ? LIMIT 1",
		c.AuthorEmail, Approved).Scan(&one)
	switch {
	case err == nil:
		c.Status = Approved
	case errors.Is(err, store.ErrNotFound):
		c.Status, c.Reason = Pending, "first comment from this address"
	default:
		return err
	}
	return nil
}

// submissionKey makes a form's nonce one comment per author: a page
// served from the cache gives every reader the same form token, so the
// nonce alone would let only the first of them comment, while a double
// submit by one reader must still land once.
func submissionKey(nonce, email string) string {
	if nonce == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return nonce + ":" + hex.EncodeToString(sum[:8])
}

// insert writes a new comment and sets its ID. A submission key already
// used is ErrDuplicate.
func (s *Service) insert(ctx context.Context, tx *store.Tx, c *Comment, submissionKey string) error {
	var key any
	if submissionKey != "" {
		key = submissionKey
	}
	err := tx.QueryRow(ctx, `INSERT INTO comments (post_id, parent_id, reply_to_id, depth, status, reason,
		author_name, author_email, author_url, member_id, user_id, ip, user_agent, referrer,
		notify, submission_key, created_at, updated_at, body_md, body_html)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.PostID, nullID(c.ParentID), nullID(c.ReplyToID), c.Depth, c.Status, c.Reason,
		c.AuthorName, c.AuthorEmail, c.AuthorURL, nullID(c.MemberID), nullID(c.UserID), c.IP, c.UserAgent, c.Referrer,
		c.Notify, key, c.CreatedAt, c.UpdatedAt, c.Body, string(c.BodyHTML)).Scan(&c.ID)
	switch {
	case errors.Is(err, store.ErrConflict):
		return ErrDuplicate
	case errors.Is(err, store.ErrReference):
		return fmt.Errorf("%w: the post or the comment replied to was deleted", ErrNotFound)
	}
	return err
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
