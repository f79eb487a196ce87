package wire

import (
	"strings"

	"golang.org/x/net/html"
)

// Limits of what fillFromDensity may add, so that a wrong match cannot
// pour a page's sidebar into an article.
const (
	maxLeadBlocks = 4 // before readability's first paragraph
	maxGapBlocks  = 6 // between two of its paragraphs
)

// fillFromDensity gives readability's article back the paragraphs it left
// out — an opening paragraph or standfirst in a sibling container, a
// paragraph wrapped in an element readability judged unlikely — when the
// density extractor kept them in the same run as the article's own
// paragraphs: right before the first one, or between two consecutive ones.
// Paragraphs are matched by their folded text; nothing already in the
// article, no furniture and not the title is added.
func fillFromDensity(root *html.Node, kept []keptBlock, title string) {
	type match struct {
		node *html.Node
		k    int
	}
	var matches []match
	next := 0
	for _, leaf := range leafBlocks(root) {
		text := foldPhrase(textOf(leaf))
		if text == "" {
			continue
		}
		for k := next; k < len(kept); k++ {
			if foldPhrase(kept[k].text) == text {
				matches = append(matches, match{leaf, k})
				next = k + 1
				break
			}
		}
	}
	if len(matches) == 0 {
		return
	}
	whole := foldPhrase(textOf(root))
	title = foldPhrase(title)
	fresh := func(blocks []keptBlock) []keptBlock {
		var out []keptBlock
		for _, b := range blocks {
			if f := foldPhrase(b.text); f != title && !strings.Contains(whole, f) && !furnitureText(b.text) {
				out = append(out, b)
			}
		}
		return out
	}
	first := matches[0]
	j := first.k
	for j > 0 && first.k-j < maxLeadBlocks && kept[j-1].run == kept[first.k].run {
		j--
	}
	for _, b := range fresh(kept[j:first.k]) {
		first.node.Parent.InsertBefore(blockNode(b), first.node)
	}
	for i := 1; i < len(matches); i++ {
		a, b := matches[i-1], matches[i]
		gap := kept[a.k+1 : b.k]
		if len(gap) == 0 || len(gap) > maxGapBlocks || kept[a.k].run != kept[b.k].run {
			continue
		}
		after := a.node
		for _, g := range fresh(gap) {
			n := blockNode(g)
			after.Parent.InsertBefore(n, after.NextSibling)
			after = n
		}
	}
}

// leafBlocks lists, in document order, the block elements of root that
// hold no other block element: its paragraphs, headings, list items.
func leafBlocks(root *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node) bool // reports whether n holds a block
	walk = func(n *html.Node) bool {
		hasBlock := false
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && !invisibleElements[c.Data] && walk(c) {
				hasBlock = true
			}
		}
		isBlock := n.Type == html.ElementNode && blockElements[n.Data] && n.Data != "br" && n.Data != "hr"
		if isBlock && !hasBlock && n.Parent != nil {
			out = append(out, n)
		}
		return hasBlock || isBlock
	}
	walk(root)
	return out
}

func blockNode(b keptBlock) *html.Node {
	tag := "p"
	if b.heading {
		tag = "h3"
	}
	n := &html.Node{Type: html.ElementNode, Data: tag}
	n.AppendChild(&html.Node{Type: html.TextNode, Data: b.text})
	return n
}

// withoutTitle drops the blocks that repeat the article's title: the
// density extractor keeps the headline, which Article has apart.
func withoutTitle(kept []keptBlock, title string) []keptBlock {
	title = foldPhrase(title)
	out := kept[:0:0]
	for _, b := range kept {
		if title == "" || foldPhrase(b.text) != title {
			out = append(out, b)
		}
	}
	return out
}
