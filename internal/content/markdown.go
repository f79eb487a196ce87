package content

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"

	"nashra.dev/nashra/internal/arabic"
)

// Renderer turns a post's Markdown into HTML that is safe to put in a page.
// Raw HTML in the Markdown is allowed through to the sanitizer rather than
// dropped, so that imported posts keep their figures and tables; the
// sanitizer's allow-list is what guarantees safety.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewRenderer builds the Markdown pipeline: CommonMark + GFM, heading IDs that
// keep Arabic letters (goldmark's own drop them), then an allow-list sanitizer.
func NewRenderer() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]{1,100}$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "a")
	p.AllowElements("figure", "figcaption", "bdi", "mark", "small", "time")
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(rtl|ltr|auto)$`)).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)).Globally()
	p.AllowAttrs("datetime").OnElements("time")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	return &Renderer{md: md, policy: p}
}

// Render converts Markdown to sanitized HTML. It never fails on odd input:
// every byte sequence is some Markdown.
func (r *Renderer) Render(src string) string {
	var buf bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{seen: map[string]int{}}))
	if err := r.md.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		// goldmark only fails on writer errors, which a bytes.Buffer never returns.
		return r.policy.Sanitize(fmt.Sprintf("<p>%s</p>", bluemonday.StrictPolicy().Sanitize(src)))
	}
	return r.policy.Sanitize(buf.String())
}

// Sanitize cleans an HTML fragment from outside (imports, feeds) with the same
// allow-list as rendered Markdown.
func (r *Renderer) Sanitize(h string) string { return r.policy.Sanitize(h) }

// headingIDs makes anchors from heading text with the slug rules, so that an
// Arabic heading gets a readable Arabic anchor, unique within the document.
type headingIDs struct{ seen map[string]int }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	id := arabic.Slugify(string(value))
	if id == "" {
		id = "section"
	}
	n := h.seen[id]
	h.seen[id] = n + 1
	if n > 0 {
		id += "-" + strconv.Itoa(n+1)
	}
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.seen[string(value)]++ }
