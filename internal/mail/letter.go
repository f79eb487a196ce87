package mail

import (
	"bytes"
	"html/template"
	"strings"

	"nashra.dev/nashra/internal/arabic"
)

// Letter is a transactional mail (a confirmation, a sign-in link, a reply
// notice): a heading, paragraphs, an optional quoted text, at most one
// button, notes after it and an optional unsubscribe link. Render lays it
// out as plain text and as HTML that mail clients show in the letter's
// direction (dir on every block, inline styles only, tables for layout,
// Latin runs inside Arabic isolated).
type Letter struct {
	Lang     string // "en" for English and left to right; anything else is Arabic
	Subject  string
	Heading  string
	Paras    []string
	Quote    string // a reader's text, shown set apart
	Button   string // the button's label
	Link     string // where the button goes
	Fallback string // a label before the link written out, for clients that hide buttons
	After    []string
	Unsub    string // a one-click unsubscribe link (also sent as List-Unsubscribe)
	UnsubAs  string // its label
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
{{if .Fallback}}<p style="margin:0 0 14px;font-size:13px;color:#6b7280;">{{.Fallback}}<br><a href="{{.Link}}" dir="ltr" style="color:#0f766e;word-break:break-all;">{{.Link}}</a></p>
{{end}}{{end}}{{range .After}}<p style="margin:0 0 10px;font-size:13px;color:#6b7280;">{{.}}</p>
{{end}}{{if .Unsub}}<p style="margin:0 0 10px;font-size:13px;"><a href="{{.Unsub}}" style="color:#6b7280;">{{.UnsubAs}}</a></p>
{{end}}</td></tr></table>
</td></tr></table>
</body>
</html>
`))

// Render builds the letter's plain-text and HTML bodies; site names the
// sender at the top and in the signature.
func (l Letter) Render(site string) (text, html string, err error) {
	var t strings.Builder
	t.WriteString(l.Heading + "\n\n")
	for _, p := range l.Paras {
		t.WriteString(p + "\n\n")
	}
	if l.Quote != "" {
		for _, line := range strings.Split(l.Quote, "\n") {
			t.WriteString("> " + line + "\n")
		}
		t.WriteString("\n")
	}
	if l.Link != "" {
		t.WriteString(l.Button + ":\n" + l.Link + "\n\n")
	}
	for _, p := range l.After {
		t.WriteString(p + "\n")
	}
	if l.Unsub != "" {
		t.WriteString("\n" + l.UnsubAs + ":\n" + l.Unsub + "\n")
	}
	t.WriteString("\n-- \n" + site + "\n")

	dir, align := "rtl", "right"
	if l.Lang == "en" {
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
		"Lang": l.Lang, "Dir": dir, "Align": align, "Subject": l.Subject, "Site": site,
		"Heading": arabic.IsolateText(l.Heading), "Paras": block(l.Paras), "Quote": l.Quote,
		"Link": l.Link, "Button": l.Button, "Fallback": l.Fallback, "After": block(l.After),
		"Unsub": l.Unsub, "UnsubAs": l.UnsubAs,
	})
	return t.String(), h.String(), err
}
