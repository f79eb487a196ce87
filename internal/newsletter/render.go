package newsletter

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"nashra.dev/nashra/internal/arabic"
	"nashra.dev/nashra/internal/content"
	nmail "nashra.dev/nashra/internal/mail"
)

//go:embed letter.html
var letterHTML string

var letterTmpl = template.Must(template.New("letter").Parse(letterHTML))

// unsubPlaceholder stands for the recipient's unsubscribe address in a
// letter rendered once per send; personal puts the real one in its place.
const unsubPlaceholder = "https://unsubscribe.invalid/nashra-placeholder"

// labels are the letter's own words, in the post's language.
type labels struct {
	ReadOnSite, Source, Translated, By, Unsubscribe, Why, Latest string
	Daily, Weekly                                                string
	lang                                                         string
}

// labelsFor picks the labels for text's script: Arabic if it has Arabic
// letters, English otherwise.
func labelsFor(text string) labels {
	if arabic.TextDirection(text) == "rtl" {
		return arabicLabels
	}
	return englishLabels
}

// date writes t's date in the labels' language.
func (lb labels) date(t time.Time) string {
	return arabic.FormatDate(t, lb.lang, arabic.DateStyle{})
}

var arabicLabels = labels{
	ReadOnSite:  "اقرأ على الموقع",
	Source:      "المصدر",
	Translated:  "ترجمة آلية",
	By:          "بقلم",
	Unsubscribe: "إلغاء الاشتراك",
	Why:         "وصلتك هذه الرسالة لأنك مشترك في نشرة «%s».",
	Latest:      "أحدث المقالات",
	Daily:       "موجز اليوم",
	Weekly:      "موجز الأسبوع",
	lang:        "ar",
}

var englishLabels = labels{
	ReadOnSite:  "Read on the site",
	Source:      "Source",
	Translated:  "machine-translated",
	By:          "By",
	Unsubscribe: "Unsubscribe",
	Why:         "You receive this because you subscribed to “%s”.",
	Latest:      "Latest posts",
	Daily:       "daily digest",
	Weekly:      "weekly digest",
	lang:        "en",
}

// letter is a send's message rendered once, for all its recipients, with
// the placeholder where each one's unsubscribe address goes.
type letter struct {
	from       mail.Address
	subject    string
	newsletter int64
	listID     string
	html, text string
}

// item is one post in a letter.
type item struct {
	Kicker, Title, Standfirst, Byline string
	Image, ImageAlt, ImageCaption     string
	Body                              template.HTML
	SourceName, SourceURL             string
	Translated                        bool
	URL                               string
	text                              string
}

// Render builds the message that carries post p, from newsletter nl, to
// member m: an HTML part (right to left for Arabic, inline styles, one
// column without layout tables) and a plain-text part, with one-click
// unsubscribe (RFC 8058) and List-Id headers.
func (e *Engine) Render(p *content.Post, nl Newsletter, m Member) (*nmail.Message, error) {
	l, err := e.letter(nl, p.Title, []content.Post{*p}, true)
	if err != nil {
		return nil, err
	}
	return l.personal(m, e.links, e.opt.UnsubscribeMailto, e.now()), nil
}

// RenderDigest builds a digest of posts (titles, standfirsts and links).
func (e *Engine) RenderDigest(posts []content.Post, nl Newsletter, subject string, m Member) (*nmail.Message, error) {
	l, err := e.letter(nl, subject, posts, false)
	if err != nil {
		return nil, err
	}
	return l.personal(m, e.links, e.opt.UnsubscribeMailto, e.now()), nil
}

func (e *Engine) letter(nl Newsletter, subject string, posts []content.Post, full bool) (*letter, error) {
	if len(posts) == 0 {
		return nil, fmt.Errorf("%w: nothing to send", ErrInvalid)
	}
	lang, dir := langDir(posts[0].Lang, posts[0].Dir)
	lb := englishLabels
	if strings.HasPrefix(lang, "ar") {
		lb = arabicLabels
	}
	items := make([]item, len(posts))
	for i := range posts {
		items[i] = e.item(&posts[i], lb, dir, full)
	}
	from := e.opt.From
	if nl.SenderEmail != "" {
		from = mail.Address{Name: nl.SenderName, Address: nl.SenderEmail}
	}
	if from.Name == "" {
		from.Name = nl.Name
	}
	align := "left"
	if dir == "rtl" {
		align = "right"
	}
	data := map[string]any{
		"Lang": lang, "Dir": dir, "Align": align, "Subject": subject, "Newsletter": nl.Name,
		"Items": items, "Full": full, "L": lb, "Why": fmt.Sprintf(lb.Why, nl.Name),
		"Unsubscribe": template.URL(unsubPlaceholder), "Site": e.links.BaseURL,
	}
	var h bytes.Buffer
	if err := letterTmpl.Execute(&h, data); err != nil {
		return nil, err
	}
	var t strings.Builder
	t.WriteString(nl.Name + "\n\n")
	if !full {
		t.WriteString(lb.Latest + "\n\n")
	}
	for i, it := range items {
		if i > 0 {
			t.WriteString("\n\n")
		}
		t.WriteString(it.text)
	}
	t.WriteString("\n\n-- \n" + fmt.Sprintf(lb.Why, nl.Name) + "\n" + lb.Unsubscribe + ": " + unsubPlaceholder + "\n")
	return &letter{from: from, subject: subject, newsletter: nl.ID, listID: e.listID(nl), html: h.String(), text: t.String()}, nil
}

func (e *Engine) item(p *content.Post, lb labels, dir string, full bool) item {
	base := e.links.BaseURL
	it := item{Title: p.Title, Standfirst: p.Standfirst, URL: e.opt.PostURL(p),
		SourceName: p.Source.Name, SourceURL: p.Source.URL, Translated: p.Source.Translated}
	if c := p.Category(); c != nil {
		it.Kicker = c.Name
	}
	var names []string
	for _, a := range p.Authors {
		names = append(names, a.Name)
	}
	if len(names) > 0 {
		it.Byline = lb.By + " " + strings.Join(names, "، ")
	}
	if p.Featured.URL != "" {
		it.Image, it.ImageAlt = absolute(p.Featured.URL, base), p.Featured.Alt
		it.ImageCaption = strings.TrimSpace(strings.Join(nonEmpty(p.Featured.Caption, p.Featured.Credit), " — "))
	}
	var t strings.Builder
	if it.Kicker != "" && full {
		t.WriteString(it.Kicker + "\n")
	}
	if full {
		t.WriteString(it.Title + "\n")
	} else {
		t.WriteString("• " + it.Title + "\n")
	}
	if it.Byline != "" && full {
		t.WriteString(it.Byline + "\n")
	}
	if it.Standfirst != "" {
		t.WriteString("\n" + it.Standfirst + "\n")
	}
	if full {
		it.Body = template.HTML(emailHTML(p.BodyHTML, base, dir)) //nolint:gosec // the body was sanitized when saved; emailHTML drops scripts again
		if body := plainText(p.BodyHTML, base); body != "" {
			t.WriteString("\n" + body + "\n")
		}
		if it.SourceName != "" {
			t.WriteString("\n" + lb.Source + ": " + it.SourceName)
			if it.Translated {
				t.WriteString(" (" + lb.Translated + ")")
			}
			if it.SourceURL != "" {
				t.WriteString(" <" + it.SourceURL + ">")
			}
			t.WriteString("\n")
		}
	}
	t.WriteString("\n" + lb.ReadOnSite + ": " + it.URL)
	it.text = t.String()
	return it
}

// personal is the letter addressed to one member.
func (l *letter) personal(m Member, links Links, mailto string, now time.Time) *nmail.Message {
	u := links.UnsubscribeURL(m.ID, l.newsletter)
	unsub := "<" + u + ">"
	if mailto != "" {
		unsub += ", <mailto:" + mailto + "?subject=unsubscribe>"
	}
	return &nmail.Message{
		From:    l.from,
		To:      []mail.Address{{Name: m.Name, Address: m.Email}},
		Subject: l.subject,
		Text:    strings.ReplaceAll(l.text, unsubPlaceholder, u),
		HTML:    strings.ReplaceAll(l.html, unsubPlaceholder, template.HTMLEscapeString(u)),
		Headers: map[string]string{
			"List-Unsubscribe":      unsub,
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"List-Id":               l.listID,
		},
		Date: now,
	}
}

// listID is RFC 2919's List-Id: the newsletter's name, then
// <SLUG.SITE-HOST>; a slug that is not plain ASCII is replaced by its id.
func (e *Engine) listID(nl Newsletter) string {
	slug := strings.ToLower(nl.Slug)
	ok := slug != ""
	for _, r := range slug {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-')) {
			ok = false
			break
		}
	}
	if !ok {
		slug = fmt.Sprintf("newsletter-%d", nl.ID)
	}
	id := "<" + slug + "." + e.host + ">"
	name := strings.TrimSpace(nl.Name)
	switch {
	case name == "":
		return id
	case isASCII(name):
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `" ` + id
	}
	return mime.QEncoding.Encode("utf-8", name) + " " + id
}

// langDir is the letter's language and direction: the post's, defaulting
// to Arabic, right to left.
func langDir(lang, dir string) (string, string) {
	if lang == "" {
		lang = "ar"
	}
	if dir != "rtl" && dir != "ltr" {
		dir = "ltr"
		switch strings.SplitN(lang, "-", 2)[0] {
		case "ar", "fa", "ur", "he", "ps", "ckb", "yi":
			dir = "rtl"
		}
	}
	return lang, dir
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
