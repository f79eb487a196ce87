package comments

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/bidi"

	"nashra.dev/nashra/internal/arabic"
)

// linkRel is what every link in a comment carries: search engines must not
// credit it (nofollow, ugc), and the page it opens gets no handle on ours.
const linkRel = "nofollow ugc noopener"

// Renderer turns a comment's text into safe HTML. Readers get a small
// Markdown subset: paragraphs, line breaks (a single newline is one),
// emphasis, strong, inline code, code blocks, block quotes, lists, links
// and bare URLs. There are no headings, no images (an image becomes a link
// to it), no raw HTML (it shows as the text that was typed), no tables.
//
// Safety does not rest on the parser: goldmark runs without
// html.WithUnsafe (dangerous URLs are dropped), and its output then goes
// through a bluemonday allow-list that keeps only the elements above,
// only http, https and mailto links, and no attribute beyond href, title,
// rel, start and a code block's language class.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewRenderer builds the pipeline. A Renderer is safe for concurrent use.
func NewRenderer() *Renderer {
	// goldmark's default parsers with their default priorities, less
	// setext and ATX headings, thematic breaks, HTML blocks and raw inline
	// HTML: their text stays, as paragraphs and escaped characters.
	blocks := []util.PrioritizedValue{
		util.Prioritized(parser.NewListParser(), 300),
		util.Prioritized(parser.NewListItemParser(), 400),
		util.Prioritized(parser.NewCodeBlockParser(), 500),
		util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
		util.Prioritized(parser.NewBlockquoteParser(), 800),
		util.Prioritized(parser.NewParagraphParser(), 1000),
	}
	inlines := []util.PrioritizedValue{
		util.Prioritized(parser.NewCodeSpanParser(), 100),
		util.Prioritized(parser.NewLinkParser(), 200),
		util.Prioritized(parser.NewAutoLinkParser(), 300),
		util.Prioritized(parser.NewEmphasisParser(), 500),
	}
	p := parser.NewParser(
		parser.WithBlockParsers(blocks...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(commentTransformer{}, 100)),
	)
	md := goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(extension.NewLinkify(
			extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"}))),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)

	pol := bluemonday.NewPolicy()
	pol.AllowElements("p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li")
	pol.AllowAttrs("href").OnElements("a")
	pol.AllowAttrs("title").Matching(regexp.MustCompile(`^[^<>]{0,200}$`)).OnElements("a")
	pol.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	pol.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	pol.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+#-]{1,30}$`)).OnElements("code")
	pol.AllowURLSchemes("http", "https", "mailto")
	pol.RequireParseableURLs(true)
	pol.RequireNoFollowOnLinks(true) // defence in depth: linkRel already says it
	return &Renderer{md: md, policy: pol}
}

// Render converts a comment's text to safe HTML. It never fails: every
// string is some Markdown. Paragraphs and list items carry dir="auto", so
// an English comment lays out left to right on an Arabic page and the
// reverse; in right-to-left text, Latin runs are isolated in <bdi> (see
// arabic.IsolateHTML).
func (r *Renderer) Render(src string) template.HTML {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only when its writer does; a bytes.Buffer does not.
		buf.Reset()
		buf.WriteString("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	out := r.policy.Sanitize(buf.String())
	// After sanitizing, a "<p>" in the output can only be a tag (text has
	// its "<" escaped), and the policy allows no attribute on these
	// elements, so adding a fixed attribute here is safe.
	out = arabic.IsolateHTML(out)
	out = strings.NewReplacer("<p>", `<p dir="auto">`, "<li>", `<li dir="auto">`).Replace(out)
	return template.HTML(out)
}

// commentTransformer prepares the tree for rendering: every link gets
// linkRel; a link to anything but http, https or mailto becomes its text
// (rather than an <a> without an address); and every image becomes a link
// to it (comments show no images: they would let a commenter load
// anything into the page and learn who reads it).
type commentTransformer struct{}

func (commentTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	type swap struct{ old, new ast.Node }
	var swaps []swap
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Link:
			if !safeDestination(v.Destination) {
				swaps = append(swaps, swap{v, nil})
			} else {
				v.SetAttributeString("rel", []byte(linkRel))
			}
		case *ast.AutoLink:
			if v.AutoLinkType != ast.AutoLinkEmail && !safeDestination(v.URL(src)) {
				swaps = append(swaps, swap{v, ast.NewString(v.Label(src))})
			} else {
				v.SetAttributeString("rel", []byte(linkRel))
			}
		case *ast.Image:
			var link ast.Node
			if safeDestination(v.Destination) {
				l := ast.NewLink()
				l.Destination, l.Title = v.Destination, v.Title
				l.SetAttributeString("rel", []byte(linkRel))
				link = l
			}
			swaps = append(swaps, swap{v, link})
		}
		return ast.WalkContinue, nil
	})
	for _, sw := range swaps {
		parent := sw.old.Parent()
		if parent == nil {
			continue
		}
		// The node's children (its text) move to the replacement, or in
		// its place when there is none.
		var kids []ast.Node
		for c := sw.old.FirstChild(); c != nil; c = c.NextSibling() {
			kids = append(kids, c)
		}
		if sw.new != nil {
			for _, c := range kids {
				sw.new.AppendChild(sw.new, c)
			}
			parent.ReplaceChild(parent, sw.old, sw.new)
			continue
		}
		for _, c := range kids {
			parent.InsertBefore(parent, sw.old, c)
		}
		parent.RemoveChild(parent, sw.old)
	}
}

// safeDestination reports whether a link may point at dest: an absolute
// http or https URL, or mailto. (The sanitizer checks again.)
func safeDestination(dest []byte) bool {
	d := strings.ToLower(string(dest))
	return strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "mailto:")
}

// countLinks counts the links in rendered HTML: what the Policy's MaxLinks
// limits, bare URLs included.
func countLinks(h template.HTML) int { return strings.Count(string(h), "<a href=") }

// textDir is the direction of a comment's text: that of its first
// strongly directional character, as dir="auto" would find it; def when
// it has none (digits, punctuation, emoji).
func textDir(s, def string) string {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L:
			return "ltr"
		case bidi.R, bidi.AL:
			return "rtl"
		}
	}
	return def
}
