package site

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"nashra.dev/nashra/internal/content"
)

// Reader says what the person asking may read: nothing more than the public
// (zero value), a member's posts, or paid posts too. The readers feature
// supplies it from the member's session; without it everyone is anonymous.
type Reader func(r *http.Request) (member, paid bool)

// gateView is how a locked post is shown.
type gateView struct {
	Teaser template.HTML // the paragraphs everyone may read
	Rest   template.HTML // the remainder: sent only with a soft gate, hidden until "continue reading"
	Soft   bool
	Paid   bool // a paid post (the call differs from the members' one)
}

// required tells what a post needs: "" (public), "members" or "paid". The
// archive rule turns old public posts into members' posts.
func (h *Handler) required(p *content.Post, now time.Time) string {
	switch p.Visibility {
	case "members", "paid":
		return p.Visibility
	}
	if days := h.site().ArchiveDays; days > 0 && p.Type == content.TypePost && p.PublishedAt.Before(now.AddDate(0, 0, -days)) {
		return "members"
	}
	return ""
}

// gate decides, for one request, whether p is shown whole or behind the
// gate, and prepares the gate's parts.
func (h *Handler) gate(r *http.Request, p *content.Post) *gateView {
	need := h.required(p, h.content.Now())
	if need == "" {
		return nil
	}
	if h.reader != nil {
		member, paid := h.reader(r)
		if paid || (member && need == "members") {
			return nil
		}
	}
	st := h.site()
	teaser, rest := splitParagraphs(p.BodyHTML, st.TeaserParagraphs)
	g := &gateView{Teaser: template.HTML(teaser), Soft: st.Gate != "hard", Paid: need == "paid"}
	if g.Soft {
		g.Rest = template.HTML(rest)
	}
	return g
}

// splitParagraphs cuts trusted, sanitized HTML after its nth top-level
// paragraph, keeping both halves well-formed.
func splitParagraphs(body string, n int) (string, string) {
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "", body
	}
	var head, tail bytes.Buffer
	count := 0
	for _, node := range nodes {
		dst := &head
		if count >= n {
			dst = &tail
		}
		_ = html.Render(dst, node)
		if node.Type == html.ElementNode && node.Data == "p" {
			count++
		}
	}
	return head.String(), tail.String()
}
