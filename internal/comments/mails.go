package comments

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	netmail "net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/mail"
)

// letter is one mail of the service: a heading, paragraphs, at most one
// button, notes after it and an optional unsubscribe link, rendered as
// plain text and as HTML laid out in the site's direction.
type letter struct {
	lang    string
	subject string
	heading string
	paras   []string
	quote   string // a comment's text, shown set apart
	button  string
	link    string
	after   []string
	unsub   string // the one-click unsubscribe link, also sent as List-Unsubscribe
	unsubAs string // its label
}

// english reports whether mails are written in English.
func (s *Service) english() bool { return strings.HasPrefix(strings.ToLower(s.opt.Lang), "en") }

func (s *Service) siteTitle() string {
	if s.opt.SiteTitle != nil {
		if t := strings.TrimSpace(s.opt.SiteTitle()); t != "" {
			return t
		}
	}
	if u, err := url.Parse(s.opt.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "Nashra"
}

func (s *Service) fromAddress() string {
	if s.opt.FromAddress != "" {
		return s.opt.FromAddress
	}
	host := "localhost"
	if u, err := url.Parse(s.opt.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "noreply@" + host
}

// excerpt cuts a comment's text for a mail.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

var letterHTML = template.Must(template.New("letter").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body dir="{{.Dir}}" style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" dir="{{.Dir}}" style="max-width:560px;background-color:#ffffff;border-radius:6px;">
<tr><td dir="{{.Dir}}" align="{{.Align}}" style="padding:28px 24px;font-family:Tahoma,Arial,sans-serif;font-size:16px;line-height:1.7;color:#1f2937;text-align:{{.Align}};direction:{{.Dir}};">
<p style="margin:0 0 8px;font-size:13px;color:#6b7280;">{{.Site}}</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.4;color:#111827;">{{.Heading}}</h1>
{{range .Paras}}<p style="margin:0 0 14px;">{{.}}</p>
{{end}}{{if .Quote}}<blockquote dir="auto" style="margin:0 0 16px;padding:8px 14px;border-inline-start:3px solid #d1d5db;color:#374151;white-space:pre-wrap;">{{.Quote}}</blockquote>
{{end}}{{if .Link}}<p style="margin:22px 0;"><a href="{{.Link}}" style="display:inline-block;padding:12px 22px;background-color:#0f766e;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;">{{.Button}}</a></p>
{{end}}{{range .After}}<p style="margin:0 0 10px;font-size:13px;color:#6b7280;">{{.}}</p>
{{end}}{{if .Unsub}}<p style="margin:0 0 10px;font-size:13px;"><a href="{{.Unsub}}" style="color:#6b7280;">{{.UnsubAs}}</a></p>
{{end}}</td></tr></table>
</td></tr></table>
</body>
</html>
`))

// render builds the mail's plain-text and HTML bodies.
func (l letter) render(site string) (text, html string, err error) {
	var t strings.Builder
	t.WriteString(l.heading + "\n\n")
	for _, p := range l.paras {
		t.WriteString(p + "\n\n")
	}
	if l.quote != "" {
		for _, line := range strings.Split(l.quote, "\n") {
			t.WriteString("> " + line + "\n")
		}
		t.WriteString("\n")
	}
	if l.link != "" {
		t.WriteString(l.button + ":\n" + l.link + "\n\n")
	}
	for _, p := range l.after {
		t.WriteString(p + "\n")
	}
	if l.unsub != "" {
		t.WriteString("\n" + l.unsubAs + ":\n" + l.unsub + "\n")
	}
	t.WriteString("\n-- \n" + site + "\n")

	dir, align := "rtl", "right"
	if l.lang == "en" {
		dir, align = "ltr", "left"
	}
	block := func(ss []string) []template.HTML {
		out := make([]template.HTML, len(ss))
		for i, s := range ss {
			out[i] = arabic.IsolateText(s) // escapes
		}
		return out
	}
	var h bytes.Buffer
	err = letterHTML.Execute(&h, map[string]any{
		"Lang": l.lang, "Dir": dir, "Align": align, "Subject": l.subject, "Site": site,
		"Heading": arabic.IsolateText(l.heading), "Paras": block(l.paras), "Quote": l.quote,
		"Link": l.link, "Button": l.button, "After": block(l.after), "Unsub": l.unsub, "UnsubAs": l.unsubAs,
	})
	return t.String(), h.String(), err
}

// send mails l to one recipient. Errors are returned for the caller to log.
func (s *Service) send(ctx context.Context, to Recipient, l letter) error {
	if s.sender == nil {
		return nil
	}
	site := s.siteTitle()
	text, html, err := l.render(site)
	if err != nil {
		return err
	}
	headers := map[string]string{"Auto-Submitted": "auto-generated"} // RFC 3834: robots must not answer
	if l.unsub != "" {
		// RFC 2369 and RFC 8058: mail clients show an unsubscribe button
		// that POSTs to the link.
		headers["List-Unsubscribe"] = "<" + l.unsub + ">"
		headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	msg := &mail.Message{
		From:    netmail.Address{Name: collapse(site), Address: s.fromAddress()},
		To:      []netmail.Address{{Name: collapse(to.Name), Address: to.Email}},
		Subject: collapse(l.subject),
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
		return letter{lang: "en", subject: fmt.Sprintf("%s replied to your comment on “%s”", reply.AuthorName, post.Title),
			heading: reply.AuthorName + " replied to your comment",
			paras:   []string{fmt.Sprintf("On “%s”, %s wrote:", post.Title, reply.AuthorName)},
			quote:   excerpt(reply.Body, 600), button: "Read the reply", link: link,
			after: []string{"You get this mail because you asked to be told of replies to your comment."},
			unsub: unsub, unsubAs: "Stop mails about replies to my comments"}
	}
	return letter{lang: "ar", subject: fmt.Sprintf("ردّ %s على تعليقك في «%s»", reply.AuthorName, post.Title),
		heading: fmt.Sprintf("ردّ %s على تعليقك", reply.AuthorName),
		paras:   []string{fmt.Sprintf("كتب %s في «%s»:", reply.AuthorName, post.Title)},
		quote:   excerpt(reply.Body, 600), button: "اقرأ الرد", link: link,
		after: []string{"وصلتك هذه الرسالة لأنك طلبت إعلامك بالردود على تعليقك."},
		unsub: unsub, unsubAs: "أوقف رسائل الردود على تعليقاتي"}
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
		return letter{lang: "en", subject: fmt.Sprintf("A comment on “%s” awaits moderation", post.Title),
			heading: "A comment awaits moderation",
			paras:   []string{fmt.Sprintf("On “%s”, %s wrote:", post.Title, who)},
			quote:   excerpt(c.Body, 1000), button: "Moderate comments", link: link,
			after: []string{"Held because: " + c.Reason}}
	}
	return letter{lang: "ar", subject: fmt.Sprintf("تعليق على «%s» ينتظر المراجعة", post.Title),
		heading: "تعليق ينتظر المراجعة",
		paras:   []string{fmt.Sprintf("كتب %s في «%s»:", who, post.Title)},
		quote:   excerpt(c.Body, 1000), button: "راجع التعليقات", link: link,
		after: []string{"سبب الحجز: " + c.Reason}}
}
