package comments

import "context"

// Policy is the part of the rules an editor may change while the site runs
// (the admin's comment settings). Each field means what the Options field
// of the same name means, zero values included: MaxDepth 0 is 5, MaxLinks
// 0 is 2 and a negative MaxLinks holds any comment with a link,
// CloseAfterDays 0 never closes, a nil Checker checks nothing.
//
// The service asks Options.Policy once per call and applies that answer
// throughout the call, so a comment is never judged by half of one policy
// and half of another.
type Policy struct {
	MaxDepth       int
	CloseAfterDays int
	HoldAll        bool
	MaxLinks       int
	Checker        Checker
}

// normalized fills in the zero-value meanings. It is idempotent: a
// normalized policy has MaxDepth ≥ 1, MaxLinks > 0 or -1 (any link is
// held), CloseAfterDays ≥ 0, and normalizing it again changes nothing.
func (p Policy) normalized() Policy {
	if p.MaxDepth <= 0 {
		p.MaxDepth = 5
	}
	if p.MaxLinks == 0 {
		p.MaxLinks = 2
	} else if p.MaxLinks < 0 {
		p.MaxLinks = -1
	}
	if p.CloseAfterDays < 0 {
		p.CloseAfterDays = 0
	}
	return p
}

// linksAllowed is how many links a comment may have before it is held.
func (p Policy) linksAllowed() int { return max(p.MaxLinks, 0) }

// Policy returns the rules in force now, normalized (MaxDepth at least 1,
// MaxLinks positive or -1). The site's comment form may use MaxDepth to
// leave out the reply link on comments at the deepest level.
func (s *Service) Policy(ctx context.Context) Policy {
	if s.opt.Policy == nil {
		return s.static
	}
	return s.opt.Policy(ctx).normalized()
}
