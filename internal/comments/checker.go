package comments

import (
	"context"
	"time"
)

// Checker is a spam filter the service consults before storing a comment
// and tells when moderators disagree. Akismet is one; a test or another
// service may be another.
//
// Create calls Check outside any transaction (it may take a network round
// trip). An error never loses the comment: it is held for a moderator with
// the error as its Reason. SubmitSpam and SubmitHam run after a moderator's
// action is committed; their errors are logged, never returned.
type Checker interface {
	Check(ctx context.Context, sub *Submission) (Verdict, error)
	SubmitSpam(ctx context.Context, sub *Submission) error
	SubmitHam(ctx context.Context, sub *Submission) error
}

// Verdict is a Checker's judgement.
type Verdict int

const (
	// Ham: not spam; the comment follows the usual rules.
	Ham Verdict = iota
	// IsSpam: the comment is stored with status Spam, for review.
	IsSpam
	// Discard: certain spam (Akismet's "discard" tip); nothing is stored
	// and Create returns ErrRejected.
	Discard
)

// Submission is a comment as a Checker sees it.
type Submission struct {
	IP, UserAgent, Referrer string
	// Permalink is the post's absolute URL.
	Permalink   string
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	Body        string // the text as typed
	Lang        string // the site's language
	// Role is "administrator" for a staff comment (Akismet never calls
	// those spam), empty otherwise.
	Role      string
	CreatedAt time.Time
}

// submission builds what a Checker is told about a stored comment.
func (s *Service) submission(c *Comment, permalink string) *Submission {
	sub := &Submission{
		IP: c.IP, UserAgent: c.UserAgent, Referrer: c.Referrer, Permalink: permalink,
		AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL,
		Body: c.Body, Lang: s.opt.Lang, CreatedAt: c.CreatedAt,
	}
	if c.UserID != 0 {
		sub.Role = "administrator"
	}
	return sub
}
