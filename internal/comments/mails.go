package comments

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/mail"
)

// letter is a mail of the service (see mail.Letter).
type letter = mail.Letter

// english reports whether mails are written in English.
func (s *Service) english() bool { return strings.HasPrefix(strings.ToLower(s.opt.Lang), "en") }

func (s *Service) siteTitle() string { return mail.SiteName(s.opt.SiteTitle, s.opt.BaseURL) }

func (s *Service) fromAddress() string { return mail.FromAddress(s.opt.FromAddress, s.opt.BaseURL) }

// excerpt cuts a comment's text for a mail.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// send mails l to one recipient. Errors are returned for the caller to log.
func (s *Service) send(ctx context.Context, to Recipient, l letter) error {
	if s.sender == nil {
		return nil
	}
	site := s.siteTitle()
	text, html, err := l.Render(site)
	if err != nil {
		return err
	}
	headers := map[string]string{"Auto-Submitted": "auto-generated"} // RFC 3834: robots must not answer
	if l.Unsub != "" {
		// RFC 2369 and RFC 8058: mail clients show an unsubscribe button
		// that POSTs to the link.
		headers["List-Unsubscribe"] = "<" + l.Unsub + ">"
		headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	msg := &mail.Message{
		From:    netmail.Address{Name: collapse(site), Address: s.fromAddress()},
		To:      []netmail.Address{{Name: collapse(to.Name), Address: to.Email}},
		Subject: collapse(l.Subject),
		Text:    text,
		HTML:    html,
		Headers: headers,
		Date:    s.opt.Now(),
	}
	if err := s.sender.Send(ctx, msg); err != nil {
		return fmt.Errorf("mail to %s: %w", to.Email, err)
	}
	return nil
}

func (s *Service) replyLetter(reply *Comment, post PostRef, link, unsub string) letter {
	if s.english() {
		return letter{Lang: "en", Subject: fmt.Sprintf("%s replied to your comment on “%s”", reply.AuthorName, post.Title),
			Heading: reply.AuthorName + " replied to your comment",
			Paras:   []string{fmt.Sprintf("On “%s”, %s wrote:", post.Title, reply.AuthorName)},
			Quote:   excerpt(reply.Body, 600), Button: "Read the reply", Link: link,
			After: []string{"You get this mail because you asked to be told of replies to your comment."},
			Unsub: unsub, UnsubAs: "Stop mails about replies to my comments"}
	}
	return letter{Lang: "ar", Subject: fmt.Sprintf("ردّ %s على تعليقك في «%s»", reply.AuthorName, post.Title),
		Heading: fmt.Sprintf("ردّ %s على تعليقك", reply.AuthorName),
		Paras:   []string{fmt.Sprintf("كتب %s في «%s»:", reply.AuthorName, post.Title)},
		Quote:   excerpt(reply.Body, 600), Button: "اقرأ الرد", Link: link,
		After: []string{"وصلتك هذه الرسالة لأنك طلبت إعلامك بالردود على تعليقك."},
		Unsub: unsub, UnsubAs: "أوقف رسائل الردود على تعليقاتي"}
}

func (s *Service) moderatorLetter(c *Comment, post PostRef, link string) letter {
	who := fmt.Sprintf("%s <%s>", c.AuthorName, c.AuthorEmail)
	if c.AuthorURL != "" {
		who += " " + c.AuthorURL
	}
	if c.IP != "" {
		who += " (" + c.IP + ")"
	}
	if s.english() {
		return letter{Lang: "en", Subject: fmt.Sprintf("A comment on “%s” awaits moderation", post.Title),
			Heading: "A comment awaits moderation",
			Paras:   []string{fmt.Sprintf("On “%s”, %s wrote:", post.Title, who)},
			Quote:   excerpt(c.Body, 1000), Button: "Moderate comments", Link: link,
			After: []string{"Held because: " + c.Reason}}
	}
	return letter{Lang: "ar", Subject: fmt.Sprintf("تعليق على «%s» ينتظر المراجعة", post.Title),
		Heading: "تعليق ينتظر المراجعة",
		Paras:   []string{fmt.Sprintf("كتب %s في «%s»:", who, post.Title)},
		Quote:   excerpt(c.Body, 1000), Button: "راجع التعليقات", Link: link,
		After: []string{"سبب الحجز: " + c.Reason}}
}
