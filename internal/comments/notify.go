package comments

import (
	"context"
	"net/url"
	"strings"
)

// moderatorRoles are the staff roles with staff.CapModerateComments
// (editor and above). A test keeps the list in step with internal/staff;
// it is spelled out here because domains do not import each other.
func moderatorRoles() []string { return []string{"owner", "administrator", "editor"} }

// replyNotice mails the author of the comment that reply id answers, once
// it is approved: when they asked for notices, and never to the reply's
// own author (same address). It runs at most once per reply, across nodes
// and re-approvals: the reply's notice_done flag is claimed before the
// mail goes, so a mail that fails is logged and not retried.
func (s *Service) replyNotice(ctx context.Context, id int64) {
	if s.sender == nil {
		return
	}
	res, err := s.db.Exec(ctx, "UPDATE comments SET notice_done = ? WHERE id = ? AND status = ? AND notice_done = ?",
		true, id, Approved, false)
	if err != nil {
		s.opt.Log.Warn("reply notice: claim", "comment", id, "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return
	}
	reply, err := s.Get(ctx, id)
	if err != nil {
		s.opt.Log.Warn("reply notice: read reply", "comment", id, "err", err)
		return
	}
	target := reply.ReplyToID
	if target == 0 {
		target = reply.ParentID
	}
	if target == 0 {
		return
	}
	to, err := s.Get(ctx, target)
	if err != nil {
		s.opt.Log.Warn("reply notice: read the comment answered", "comment", target, "err", err)
		return
	}
	if !to.Notify || to.Status != Approved || to.AuthorEmail == reply.AuthorEmail {
		return
	}
	post, _, err := s.post(ctx, s.db, reply.PostID)
	if err != nil {
		s.opt.Log.Warn("reply notice: read post", "post", reply.PostID, "err", err)
		return
	}
	unsub := s.opt.BaseURL + UnsubscribePath + "?token=" + url.QueryEscape(s.unsubscribeToken(to.ID, to.AuthorEmail))
	l := s.replyLetter(reply, post, s.CommentURL(post, reply.ID), unsub)
	if err := s.send(ctx, Recipient{Name: to.AuthorName, Email: to.AuthorEmail}, l); err != nil {
		s.opt.Log.Warn("reply notice not sent", "comment", reply.ID, "err", err)
	}
}

// moderatorNotice mails each moderator, separately, that c is held.
func (s *Service) moderatorNotice(ctx context.Context, c *Comment, post PostRef) {
	if s.sender == nil {
		return
	}
	to, err := s.moderators(ctx)
	if err != nil {
		s.opt.Log.Warn("moderator notice: recipients", "err", err)
		return
	}
	l := s.moderatorLetter(c, post, s.opt.BaseURL+s.opt.AdminPath+"?status="+string(Pending))
	for _, r := range to {
		if r.Email == c.AuthorEmail {
			continue
		}
		if err := s.send(ctx, r, l); err != nil {
			s.opt.Log.Warn("moderator notice not sent", "comment", c.ID, "err", err)
		}
	}
}

// moderators is Options.Moderators, or the staff in moderatorRoles.
func (s *Service) moderators(ctx context.Context) ([]Recipient, error) {
	if s.opt.Moderators != nil {
		return s.opt.Moderators(ctx)
	}
	roles := moderatorRoles()
	args := make([]any, len(roles))
	for i, r := range roles {
		args[i] = r
	}
	rows, err := s.db.Query(ctx, "SELECT name, email FROM users WHERE role IN (?"+strings.Repeat(", ?", len(roles)-1)+
		") ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.Name, &r.Email); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
