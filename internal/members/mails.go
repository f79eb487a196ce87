package members

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	netmail "net/mail"
	"net/url"
	"strings"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/mail"
)

// letter is one mail of the service: a heading, a few paragraphs and at
// most one link, rendered as plain text and as HTML that mail clients lay
// out right to left for Arabic (dir on every block, inline styles only,
// tables for layout, Latin runs isolated).
type letter struct {
	lang     string
	subject  string
	heading  string
	paras    []string
	button   string
	link     string
	fallback string
	after    []string
}

// link builds BaseURL + path + ?token=tok.
func (s *Service) link(path, tok string) string {
	return s.opt.BaseURL + path + "?token=" + url.QueryEscape(tok)
}

func joinNames(lang string, ns []Newsletter) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = n.Name
	}
	if lang == "en" {
		return strings.Join(names, ", ")
	}
	return strings.Join(names, "، ")
}

func (s *Service) confirmLetter(lang, email string, ns []Newsletter, tok string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{lang: lang, subject: "Confirm your subscription to " + site, heading: "Confirm your subscription",
			paras: []string{
				fmt.Sprintf("Someone, probably you, asked to subscribe %s to %s (%s).", email, site, joinNames(lang, ns)),
				"Press the button to confirm; nothing will be sent until you do.",
			},
			button: "Confirm my subscription", link: s.link(ConfirmPath, tok), fallback: "Or open this link:",
			after: []string{"The link works once, within 48 hours.",
				"If you did not ask for this, ignore this message: you will not hear from us again."}}
	}
	return letter{lang: lang, subject: "أكّد اشتراكك في " + site, heading: "أكّد اشتراكك",
		paras: []string{
			fmt.Sprintf("طلب أحدهم، وأغلب الظن أنه أنت، اشتراك العنوان %s في %s (%s).", email, site, joinNames(lang, ns)),
			"اضغط الزر لتأكيد الاشتراك؛ لن نرسل إليك شيئًا قبل ذلك.",
		},
		button: "أكّد اشتراكي", link: s.link(ConfirmPath, tok), fallback: "أو افتح هذا الرابط:",
		after: []string{"يعمل الرابط مرة واحدة خلال 48 ساعة.",
			"إن لم تطلب الاشتراك فتجاهل هذه الرسالة، ولن تصلك منا رسائل أخرى."}}
}

func (s *Service) signInLetter(lang, tok string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{lang: lang, subject: "Your sign-in link for " + site, heading: "Sign in",
			paras:  []string{fmt.Sprintf("Press the button to sign in to your account on %s.", site)},
			button: "Sign in", link: s.link(SignInPath, tok), fallback: "Or open this link:",
			after: []string{"The link works once, within 15 minutes.",
				"If you did not ask to sign in, ignore this message: nobody can sign in without it."}}
	}
	return letter{lang: lang, subject: "رابط الدخول إلى " + site, heading: "الدخول إلى حسابك",
		paras:  []string{fmt.Sprintf("اضغط الزر للدخول إلى حسابك في %s.", site)},
		button: "ادخل", link: s.link(SignInPath, tok), fallback: "أو افتح هذا الرابط:",
		after: []string{"يعمل الرابط مرة واحدة خلال 15 دقيقة.",
			"إن لم تطلب الدخول فتجاهل هذه الرسالة؛ لا يستطيع أحد الدخول إلى حسابك بدونها."}}
}

// alreadyLetter answers a subscription request for an address that is
// already subscribed: it says what was added and offers a sign-in link to
// manage the subscription, rather than a confirmation the reader no longer
// needs.
func (s *Service) alreadyLetter(lang, email string, added []Newsletter, tok string) letter {
	l := s.signInLetter(lang, tok)
	site := s.siteTitle()
	if lang == "en" {
		l.subject = "You are subscribed to " + site
		l.heading = "You are already subscribed"
		l.paras = []string{fmt.Sprintf("Someone asked to subscribe %s to %s, and this address is already subscribed.", email, site)}
		if len(added) > 0 {
			l.paras = append(l.paras, "Added to your subscription: "+joinNames(lang, added)+".")
		}
		l.paras = append(l.paras, "To choose your newsletters, how often you get them, or to unsubscribe, sign in:")
		l.button = "Manage my subscription"
		return l
	}
	l.subject = "أنت مشترك في " + site
	l.heading = "أنت مشترك من قبل"
	l.paras = []string{fmt.Sprintf("طلب أحدهم اشتراك العنوان %s في %s، وهذا العنوان مشترك من قبل.", email, site)}
	if len(added) > 0 {
		l.paras = append(l.paras, "أضفنا إلى اشتراكك: "+joinNames(lang, added)+".")
	}
	l.paras = append(l.paras, "لاختيار نشراتك أو عدد رسائلها أو لإلغاء الاشتراك، ادخل إلى حسابك:")
	l.button = "إدارة اشتراكي"
	return l
}

func (s *Service) emailChangeLetter(lang, newEmail, tok string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{lang: lang, subject: "Confirm your new address for " + site, heading: "Confirm your new address",
			paras:  []string{fmt.Sprintf("You asked to use %s for your account on %s.", newEmail, site)},
			button: "Use this address", link: s.link(EmailPath, tok), fallback: "Or open this link:",
			after: []string{"The link works once, within 24 hours.",
				"If you did not ask for this, ignore this message: nothing will change."}}
	}
	return letter{lang: lang, subject: "أكّد عنوانك الجديد في " + site, heading: "أكّد عنوانك الجديد",
		paras:  []string{fmt.Sprintf("طلبتَ استعمال العنوان %s لحسابك في %s.", newEmail, site)},
		button: "استعمل هذا العنوان", link: s.link(EmailPath, tok), fallback: "أو افتح هذا الرابط:",
		after: []string{"يعمل الرابط مرة واحدة خلال 24 ساعة.",
			"إن لم تطلب ذلك فتجاهل هذه الرسالة، ولن يتغير شيء."}}
}

func (s *Service) emailChangedLetter(lang, newEmail string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{lang: lang, subject: "Your address on " + site + " has changed", heading: "Your address has changed",
			paras: []string{fmt.Sprintf("Your account on %s now uses %s instead of this address.", site, newEmail),
				"If you did not do this, contact the site's editors."}}
	}
	return letter{lang: lang, subject: "تغيّر عنوان بريدك في " + site, heading: "تغيّر عنوان بريدك",
		paras: []string{fmt.Sprintf("صار حسابك في %s يستعمل العنوان %s بدلًا من هذا العنوان.", site, newEmail),
			"إن لم تفعل ذلك فتواصل مع محرري الموقع."}}
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
{{end}}{{if .Link}}<p style="margin:22px 0;"><a href="{{.Link}}" style="display:inline-block;padding:12px 22px;background-color:#0f766e;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;">{{.Button}}</a></p>
<p style="margin:0 0 14px;font-size:13px;color:#6b7280;">{{.Fallback}}<br><a href="{{.Link}}" dir="ltr" style="color:#0f766e;word-break:break-all;">{{.Link}}</a></p>
{{end}}{{range .After}}<p style="margin:0 0 10px;font-size:13px;color:#6b7280;">{{.}}</p>
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
	if l.link != "" {
		t.WriteString(l.button + ":\n" + l.link + "\n\n")
	}
	for _, p := range l.after {
		t.WriteString(p + "\n")
	}
	t.WriteString("\n-- \n" + site + "\n")

	dir, align := "rtl", "right"
	if l.lang == "en" {
		dir, align = "ltr", "left"
	}
	block := func(ss []string) []template.HTML {
		out := make([]template.HTML, len(ss))
		for i, s := range ss {
			out[i] = arabic.IsolateText(s) // only escapes text without RTL letters
		}
		return out
	}
	var h bytes.Buffer
	err = letterHTML.Execute(&h, map[string]any{
		"Lang": l.lang, "Dir": dir, "Align": align, "Subject": l.subject, "Site": site,
		"Heading": arabic.IsolateText(l.heading), "Paras": block(l.paras), "After": block(l.after),
		"Link": l.link, "Button": l.button, "Fallback": l.fallback,
	})
	return t.String(), h.String(), err
}

// send mails l to one address.
func (s *Service) send(ctx context.Context, to, name string, l letter) error {
	site := s.siteTitle()
	text, html, err := l.render(site)
	if err != nil {
		return err
	}
	msg := &mail.Message{
		From:    netmail.Address{Name: cleanName(site), Address: s.fromAddress()},
		To:      []netmail.Address{{Name: name, Address: to}},
		Subject: cleanName(l.subject),
		Text:    text,
		HTML:    html,
		// RFC 3834: a reply robot must not answer a mail a robot sent.
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
		Date:    s.now(),
	}
	if err := s.sender.Send(ctx, msg); err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	return nil
}
