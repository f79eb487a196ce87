package wire

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The density extractor is the second opinion beside readability, after
// jusText (Pomikálek, 2011): the page is cut into text blocks in reading
// order, each block is judged on its own — long, few links, written in
// sentences — and then by its neighbours, so that the short paragraphs and
// headings of an article come with it while menus, link lists and footers,
// made of short linked blocks, stay out. It needs no container to win, so it
// still finds the text of pages whose markup readability misreads: a short
// teaser-only article, an article beside a large table.

// textBlock is one block of the page in reading order.
type textBlock struct {
	text    string
	letters int     // letters and digits, CJK characters counted thrice
	links   float64 // share of letters inside links
	heading bool
	class   blockClass
	// furniture: a date line, a "share" label… It is dropped but does not
	// part the blocks around it.
	furniture bool
}

type blockClass int

const (
	classBad blockClass = iota
	classShort
	classNearGood
	classGood
)

// skippedContainers are not article text for the density extractor, unless
// one holds a third of the page (a <form> around the whole page, as ASP.NET
// sites have). <aside> and <header> are not among them: some sites put the
// whole article in one.
var skippedContainers = map[string]bool{
	"nav": true, "footer": true, "form": true, "menu": true,
	"figcaption": true, "label": true, "option": true, "dialog": true,
}

// densityBlocks cuts the page into blocks, skipping invisible elements,
// containers that are never article text, and furniture by class or id.
func densityBlocks(doc *html.Node) []textBlock {
	total := weightedLetters(textOf(doc))
	var blocks []textBlock
	var cur, link strings.Builder
	heading := false
	flush := func() {
		text := collapseSpaces(cur.String())
		if text != "" {
			n := weightedLetters(text)
			l := 0.0
			if n > 0 {
				l = float64(weightedLetters(link.String())) / float64(n)
			}
			blocks = append(blocks, textBlock{text: text, letters: n, links: min(l, 1), heading: heading})
		}
		cur.Reset()
		link.Reset()
		heading = false
	}
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			if inLink {
				link.WriteString(n.Data)
			}
			return
		case html.ElementNode:
			if invisibleElements[n.Data] || hiddenElement(n) {
				return
			}
			cls := attr(n, "class") + " " + attr(n, "id")
			if (skippedContainers[n.Data] || strings.TrimSpace(cls) != "" &&
				(boilerplateAttrRE.MatchString(cls) || commentAttrRE.MatchString(cls))) &&
				weightedLetters(textOf(n))*3 < total {
				return // furniture, unless it holds a third of the page or more
			}
		case html.DocumentNode:
		default:
			return
		}
		block := n.Type == html.ElementNode && blockElements[n.Data]
		if block {
			flush()
			heading = len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6'
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink || (n.Type == html.ElementNode && n.Data == "a"))
		}
		if block {
			flush()
		}
	}
	walk(doc, false)
	flush()
	return blocks
}

// hiddenElement: hidden by attribute or inline style.
func hiddenElement(n *html.Node) bool {
	if attr(n, "hidden") != "" || attr(n, "aria-hidden") == "true" {
		return true
	}
	style := strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", "")
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// weightedLetters counts letters and digits; a Han, kana or Hangul
// character, a word by itself, counts as three.
func weightedLetters(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			n += 3
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			n++
		}
	}
	return n
}

// classifyBlocks judges each block alone (jusText's thresholds, with sentence
// punctuation standing in for stopwords in scripts without a profile),
// then by its neighbours.
func classifyBlocks(blocks []textBlock) {
	for i := range blocks {
		b := &blocks[i]
		sw := stopwordShare(b.text)
		sentences := strings.ContainsAny(b.text, ".!?。！？؟،,;")
		switch {
		case b.links > 0.2:
			b.class = classBad
		case b.letters < 70:
			b.class = classShort
		case b.letters >= 200 && (sw >= 0.25 || sw < 0 && sentences):
			b.class = classGood
		case sw >= 0.2 || sw < 0 && sentences:
			b.class = classNearGood
		default:
			b.class = classBad
		}
		if furnitureText(b.text) {
			b.class, b.furniture = classBad, true
		}
	}
	// Then by context, as jusText does: a near-good block is kept unless
	// the nearest good-or-bad blocks on both sides are bad; a short block
	// is kept between two good ones, dropped between two bad ones, and
	// otherwise kept when neither nearest judged block is bad. Edges count
	// as bad; furniture lines are looked through. A heading right before a good block is kept.
	neighbour := func(i, step int, skipNearGood bool) blockClass {
		for j := i + step; j >= 0 && j < len(blocks); j += step {
			c := blocks[j].class
			if c == classShort || blocks[j].furniture || (skipNearGood && c == classNearGood) {
				continue
			}
			return c
		}
		return classBad
	}
	judged := make([]blockClass, len(blocks))
	for i, b := range blocks {
		judged[i] = b.class
		switch b.class {
		case classNearGood:
			if neighbour(i, -1, true) == classBad && neighbour(i, 1, true) == classBad {
				judged[i] = classBad
			} else {
				judged[i] = classGood
			}
		case classShort:
			prev, next := neighbour(i, -1, true), neighbour(i, 1, true)
			switch {
			case prev == classGood && next == classGood:
				judged[i] = classGood
			case prev == classBad && next == classBad:
				judged[i] = classBad
			case neighbour(i, -1, false) != classBad && neighbour(i, 1, false) != classBad:
				judged[i] = classGood
			default:
				judged[i] = classBad
			}
			if b.heading && neighbour(i, 1, false) == classGood {
				judged[i] = classGood
			}
		}
	}
	for i := range blocks {
		blocks[i].class = judged[i]
	}
}

// stopwordShare is the share of a block's words that are frequent words of
// a profiled language, or -1 for text that is not in the Latin script.
func stopwordShare(text string) float64 {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	if len(words) == 0 {
		return 0
	}
	latin := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if r < 0x250 {
			latin++
		}
	}
	if latin*2 < len(words) {
		return -1
	}
	hits := 0
	for _, w := range words {
		if _, ok := stopwordIndex[strings.ToLower(w)]; ok {
			hits++
		}
	}
	return float64(hits) / float64(len(words))
}

// keptBlock is a block the density extractor keeps, with the run it is
// part of: kept blocks with no dropped block of text between them.
type keptBlock struct {
	text    string
	heading bool
	run     int
}

// densityExtract runs the density extractor over a parsed page.
func densityExtract(doc *html.Node) []keptBlock {
	blocks := densityBlocks(doc)
	classifyBlocks(blocks)
	var out []keptBlock
	run := 0
	for _, b := range blocks {
		if b.class != classGood {
			if b.letters >= 20 && !b.furniture { // nor do an image credit or a date line
				run++
			}
			continue
		}
		out = append(out, keptBlock{text: b.text, heading: b.heading, run: run})
	}
	return out
}

func keptTexts(kept []keptBlock) []string {
	out := make([]string, len(kept))
	for i, b := range kept {
		out[i] = b.text
	}
	return out
}

// keptHTML writes kept blocks as simple markup: headings and paragraphs.
func keptHTML(kept []keptBlock) string {
	var b strings.Builder
	b.WriteString("<div>")
	for _, k := range kept {
		tag := "p"
		if k.heading {
			tag = "h3"
		}
		b.WriteString("<" + tag + ">" + html.EscapeString(k.text) + "</" + tag + ">")
	}
	b.WriteString("</div>")
	return b.String()
}

// proseLetters measures how much of a text is prose: the letters of its
// paragraphs of at least 80 (weighted) letters. A list of names or a table
// scores low however long it is.
func proseLetters(paragraphs []string) int {
	n := 0
	for _, p := range paragraphs {
		if l := weightedLetters(p); l >= 80 {
			n += l
		}
	}
	return n
}
