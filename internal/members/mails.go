package members

import (
	"context"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"

	"nashra.dev/nashra/internal/mail"
)

// letter is a mail of the service (see mail.Letter).
type letter = mail.Letter

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
		return letter{Lang: lang, Subject: "Confirm your subscription to " + site, Heading: "Confirm your subscription",
			Paras: []string{
				fmt.Sprintf("Someone, probably you, asked to subscribe %s to %s (%s).", email, site, joinNames(lang, ns)),
				"Press the button to confirm; nothing will be sent until you do.",
			},
			Button: "Confirm my subscription", Link: s.link(ConfirmPath, tok), Fallback: "Or open this Link:",
			After: []string{"The link works once, within 48 hours.",
				"If you did not ask for this, ignore this message: you will not hear from us again."}}
	}
	return letter{Lang: lang, Subject: "أكّد اشتراكك في " + site, Heading: "أكّد اشتراكك",
		Paras: []string{
			fmt.Sprintf("طلب أحدهم، وأغلب الظن أنه أنت، اشتراك العنوان %s في %s (%s).", email, site, joinNames(lang, ns)),
			"اضغط الزر لتأكيد الاشتراك؛ لن نرسل إليك شيئًا قبل ذلك.",
		},
		Button: "أكّد اشتراكي", Link: s.link(ConfirmPath, tok), Fallback: "أو افتح هذا الرابط:",
		After: []string{"يعمل الرابط مرة واحدة خلال 48 ساعة.",
			"إن لم تطلب الاشتراك فتجاهل هذه الرسالة، ولن تصلك منا رسائل أخرى."}}
}

func (s *Service) signInLetter(lang, tok string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{Lang: lang, Subject: "Your sign-in link for " + site, Heading: "Sign in",
			Paras:  []string{fmt.Sprintf("Press the button to sign in to your account on %s.", site)},
			Button: "Sign in", Link: s.link(SignInPath, tok), Fallback: "Or open this Link:",
			After: []string{"The link works once, within 15 minutes.",
				"If you did not ask to sign in, ignore this message: nobody can sign in without it."}}
	}
	return letter{Lang: lang, Subject: "رابط الدخول إلى " + site, Heading: "الدخول إلى حسابك",
		Paras:  []string{fmt.Sprintf("اضغط الزر للدخول إلى حسابك في %s.", site)},
		Button: "ادخل", Link: s.link(SignInPath, tok), Fallback: "أو افتح هذا الرابط:",
		After: []string{"يعمل الرابط مرة واحدة خلال 15 دقيقة.",
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
		l.Subject = "You are subscribed to " + site
		l.Heading = "You are already subscribed"
		l.Paras = []string{fmt.Sprintf("Someone asked to subscribe %s to %s, and this address is already subscribed.", email, site)}
		if len(added) > 0 {
			l.Paras = append(l.Paras, "Added to your subscription: "+joinNames(lang, added)+".")
		}
		l.Paras = append(l.Paras, "To choose your newsletters, how often you get them, or to unsubscribe, sign in:")
		l.Button = "Manage my subscription"
		return l
	}
	l.Subject = "أنت مشترك في " + site
	l.Heading = "أنت مشترك من قبل"
	l.Paras = []string{fmt.Sprintf("طلب أحدهم اشتراك العنوان %s في %s، وهذا العنوان مشترك من قبل.", email, site)}
	if len(added) > 0 {
		l.Paras = append(l.Paras, "أضفنا إلى اشتراكك: "+joinNames(lang, added)+".")
	}
	l.Paras = append(l.Paras, "لاختيار نشراتك أو عدد رسائلها أو لإلغاء الاشتراك، ادخل إلى حسابك:")
	l.Button = "إدارة اشتراكي"
	return l
}

func (s *Service) emailChangeLetter(lang, newEmail, tok string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{Lang: lang, Subject: "Confirm your new address for " + site, Heading: "Confirm your new address",
			Paras:  []string{fmt.Sprintf("You asked to use %s for your account on %s.", newEmail, site)},
			Button: "Use this address", Link: s.link(EmailPath, tok), Fallback: "Or open this Link:",
			After: []string{"The link works once, within 24 hours.",
				"If you did not ask for this, ignore this message: nothing will change."}}
	}
	return letter{Lang: lang, Subject: "أكّد عنوانك الجديد في " + site, Heading: "أكّد عنوانك الجديد",
		Paras:  []string{fmt.Sprintf("طلبتَ استعمال العنوان %s لحسابك في %s.", newEmail, site)},
		Button: "استعمل هذا العنوان", Link: s.link(EmailPath, tok), Fallback: "أو افتح هذا الرابط:",
		After: []string{"يعمل الرابط مرة واحدة خلال 24 ساعة.",
			"إن لم تطلب ذلك فتجاهل هذه الرسالة، ولن يتغير شيء."}}
}

func (s *Service) emailChangedLetter(lang, newEmail string) letter {
	site := s.siteTitle()
	if lang == "en" {
		return letter{Lang: lang, Subject: "Your address on " + site + " has changed", Heading: "Your address has changed",
			Paras: []string{fmt.Sprintf("Your account on %s now uses %s instead of this address.", site, newEmail),
				"If you did not do this, contact the site's editors."}}
	}
	return letter{Lang: lang, Subject: "تغيّر عنوان بريدك في " + site, Heading: "تغيّر عنوان بريدك",
		Paras: []string{fmt.Sprintf("صار حسابك في %s يستعمل العنوان %s بدلًا من هذا العنوان.", site, newEmail),
			"إن لم تفعل ذلك فتواصل مع محرري الموقع."}}
}

// send mails l to one address.
func (s *Service) send(ctx context.Context, to, name string, l letter) error {
	site := s.siteTitle()
	text, html, err := l.Render(site)
	if err != nil {
		return err
	}
	msg := &mail.Message{
		From:    netmail.Address{Name: cleanName(site), Address: s.fromAddress()},
		To:      []netmail.Address{{Name: name, Address: to}},
		Subject: cleanName(l.Subject),
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
