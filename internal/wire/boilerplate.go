package wire

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"nashra.dev/nashra/internal/arabic"
)

// Readability keeps some of a page's furniture when it sits inside the
// article's container: share bars, subscribe boxes (WordPress' Jetpack puts
// them in the post body), comment forms, "back to top" links, "related"
// lists, copyright and reading-time lines. cleanBoilerplate removes them by
// three kinds of evidence, each bounded so that article text cannot go:
//   - class or id naming furniture, on an element holding under a third of
//     the article's text;
//   - a short block whose whole text is a furniture phrase, in the
//     languages the wire desk reads ("Related stories", "اقرأ أيضاً",
//     "Weitere Artikel"…); after such a heading, the link list it titles;
//   - short link-dense paragraphs that announce another article ("Read
//     more: …"), lines that are only a copyright, a date or a reading time.

// boilerplateAttrRE matches class and id values of page furniture.
var boilerplateAttrRE = regexp.MustCompile(`(?i)(^|[\s_-])(share|sharing|sharedaddy|social|subscri\w*|newsletter|signup|related|relatedposts|recommend\w*|promo|breadcrumbs?|comment-?(form|respond|notes|reply)|respond|reply-title|back-?to-?top|go-?to-?top|scroll-?to-?top|to-?top|more-?stories|read-?also|see-?also|outbrain|taboola|advert\w*|sponsor\w*|cookie\w*|paywall|jp-relatedposts|wpcnt|post-?tags|tag-?links|author-?box|print-?button)($|[\s_-])`)

// commentAttrRE matches class and id values of comment sections, which
// the density extractor must not take for the article: comments are long,
// sentence-like and link-poor.
var commentAttrRE = regexp.MustCompile(`(?i)(^|[\s_-])(comments?|commentlist|comment-list|disqus|discussion|talkback|leserkommentare)($|[\s_-])`)

// furniturePhrases are whole texts of furniture blocks, compared after
// foldPhrase. Keep them specific: a phrase here removes any short block
// that says exactly it.
var furniturePhrases = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range []string{
		// English
		"related", "related articles", "related stories", "related coverage", "related content", "related posts",
		"related news", "read more", "read also", "also read", "see also", "more from", "more stories", "more on this story",
		"you may also like", "you might also like", "recommended", "recommended stories", "most read", "most popular",
		"share", "share this", "share this article", "share this story", "share on facebook", "share on twitter",
		"follow us", "subscribe", "subscribe now", "sign up", "newsletter", "back to top", "go to top", "top", "to top",
		"leave a reply", "leave a comment", "post a comment", "comments", "advertisement", "continue reading",
		"print", "email", "tweet", "like this", "like this:", "share this:", "related articles:", "related:",
		// French, Spanish, Portuguese, Italian, German, Turkish
		"lire aussi", "à lire aussi", "a lire aussi", "sur le même sujet", "permalien", "articles et vidéos sur le sujet",
		"partager", "lee también", "ver también", "más información", "noticias relacionadas", "compartir",
		"veja também", "leia também", "leia mais", "saiba mais", "compartilhe", "leggi anche", "condividi",
		"weitere artikel", "mehr zum thema", "lesen sie auch", "das könnte sie auch interessieren", "teilen",
		"artikel teilen", "zum seitenanfang", "nach oben", "ilgili haberler", "paylaş",
		// Arabic
		"اقرأ أيضاً", "إقرأ أيضاً", "مواضيع ذات صلة", "أخبار ذات صلة",
		"مقالات ذات صلة", "شارك", "شارك هذا", "شارك المقال", "شارك الخبر", "تابعنا", "اشترك", "اشترك الآن",
		"العودة إلى الأعلى", "للأعلى", "إلى الأعلى", "زر الذهاب إلى الأعلى", "الذهاب إلى الأعلى",
		"اترك تعليقاً", "اترك رداً", "التعليقات", "إعلان", "الأكثر قراءة", "المزيد",
	} {
		m[foldPhrase(p)] = true
	}
	return m
}()

// furniturePrefixes start furniture sentences that go on with a site's
// name or details: "اكتشاف المزيد من موقع …", "Your email address will
// not be published…". A block starting with one and shorter than 200
// letters is furniture. Folded with foldPhrase.
var furniturePrefixes = foldAll(
	"your email address will not be published", "required fields are marked", "subscribe to get the latest posts",
	"subscribe now to keep reading", "discover more from", "sign up for our newsletter", "sign up to our newsletter",
	"all rights reserved", "copyright ©", "©", "alle rechte vorbehalten", "tous droits réservés",
	"todos los derechos reservados", "اكتشاف المزيد من", "اشترك للحصول على أحدث", "اشترك الآن للاستمرار",
	"لن يتم نشر عنوان بريدك الإلكتروني", "الحقول الإلزامية مشار إليها", "جميع الحقوق محفوظة",
)

// creditPrefixes start the picture credits that sit between paragraphs
// ("Image: Jane Doe / Agency"); with their colon, so that a paragraph
// opening with the word "Image" is not one.
var creditPrefixes = []string{
	"image:", "images:", "photo:", "photos:", "photograph:", "picture:", "credit:", "foto:", "fotos:", "bild:",
	"crédit photo", "photo :", "صورة:", "الصورة:", "تصوير:",
}

// announcePrefixes start a paragraph that points to another article:
// furniture when the rest of it is a link. Folded with foldPhrase.
var announcePrefixes = foldAll(
	"read more", "read also", "also read", "see also", "lesen sie auch", "mehr zum thema", "lire aussi",
	"à lire aussi", "leia também", "veja também", "lee también", "leggi anche", "اقرأ أيضاً",
)

func foldAll(phrases ...string) []string {
	out := make([]string, len(phrases))
	for i, p := range phrases {
		out[i] = foldPhrase(p)
	}
	return out
}

var (
	readingTimeRE = regexp.MustCompile(`(?i)^\d+\s*(min|mins|minutes?|minuten|minutos|minuti|دقائق|دقيقة)\.?(\s+(read|de lecture|lesezeit|de leitura|de lectura|di lettura|قراءة|للقراءة))?$`)
	datelineRE    = regexp.MustCompile(`^(last updated|updated|published|posted|pubblicato|ultima modifica|aggiornato|zuletzt aktualisiert|aktualisiert|veröffentlicht|stand|mis à jour|publié|actualizado|publicado|atualizado|آخر تحديث|تاريخ النشر|نشر في|نُشر في)\b.*\d`)
	dateLineRE    = regexp.MustCompile(`^\d{1,2}\.?\s+\p{L}+\.?\s+\d{4}(,?\s+\d{1,2}[:.]\d{2}(\s*(uhr|h))?)?$`)
)

// foldPhrase folds a short text for comparing it with the phrase lists:
// Arabic spelling variants folded as search folds them (arabic.Normalize:
// harakat, tatweel, alef and hamza forms, ta marbuta), lowercased,
// punctuation and arrows turned into spaces, spaces collapsed — so that
// "Related Stories:" and "RELATED STORIES", "اقرأ أيضاً" and "اقرا ايضا",
// compare equal.
func foldPhrase(s string) string {
	s = strings.ToLower(strings.Map(func(r rune) rune {
		switch r {
		case ':', '.', '!', '|', '»', '«', '›', '>', '→', '↑', '▲', '^', '*', '،', '؛':
			return ' '
		}
		return r
	}, arabic.Normalize(s)))
	return strings.Join(strings.Fields(s), " ")
}

// cleanBoilerplate removes page furniture from an extracted article.
func cleanBoilerplate(root *html.Node) {
	total := utf8.RuneCountInString(textOf(root))
	var remove []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n != root && isFurniture(n, total) {
			remove = append(remove, n)
			if next := nextElement(n); next != nil && isLinkList(next) && isHeading(n) {
				remove = append(remove, next)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	for _, n := range remove {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// isFurniture decides for one element; total is the article's length in
// letters, which bounds what a class name alone may remove.
func isFurniture(n *html.Node, total int) bool {
	switch n.Data {
	case "button", "input", "select", "textarea":
		return true
	}
	text := collapseSpaces(textOf(n))
	length := utf8.RuneCountInString(text)
	// A form or nav is furniture unless it holds the article: some sites
	// (ASP.NET ones) wrap the whole page in one <form>. Made of links, it is
	// furniture whatever its size.
	if (n.Data == "form" || n.Data == "nav") && (length*3 < total || linkDensity(n) > 0.5) {
		return true
	}
	attrs := attr(n, "class") + " " + attr(n, "id")
	if strings.TrimSpace(attrs) != "" && boilerplateAttrRE.MatchString(attrs) && length*3 < total {
		return true
	}
	if !blockElements[n.Data] && n.Data != "a" && n.Data != "span" {
		return false
	}
	if length == 0 || length > 200 {
		return false
	}
	if n.Data != "td" && n.Data != "th" && furnitureText(text) {
		return true
	}
	// "Read more: <a>…</a>" announces another article when the rest is
	// mostly a link.
	folded := foldPhrase(text)
	for _, p := range announcePrefixes {
		if strings.HasPrefix(folded, p) && linkDensity(n) >= 0.4 {
			return true
		}
	}
	return false
}

// furnitureText judges a block by its text alone: a furniture phrase, a
// furniture sentence, a reading time, or a line that is only a date or a
// "published/updated" stamp. Blocks over 200 letters are never furniture.
func furnitureText(text string) bool {
	text = collapseSpaces(text)
	length := utf8.RuneCountInString(text)
	if length == 0 || length > 200 {
		return false
	}
	folded := foldPhrase(text)
	if furniturePhrases[folded] || readingTimeRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	if strings.ContainsAny(text, "0123456789٠١٢٣٤٥٦٧٨٩") {
		if dateLineRE.MatchString(lower) || (length < 120 && datelineRE.MatchString(lower)) {
			return true
		}
		if length >= 8 && length <= 60 && !parseFeedDate(text).IsZero() {
			return true
		}
	}
	for _, p := range furniturePrefixes {
		if strings.HasPrefix(folded, p) {
			return true
		}
	}
	if length < 100 {
		for _, p := range creditPrefixes {
			if strings.HasPrefix(lower, p) {
				return true
			}
		}
	}
	return false
}

// isLinkList reports whether n is a list (or a block of them) whose text is
// mostly links: the body of a "Related" box.
func isLinkList(n *html.Node) bool {
	switch n.Data {
	case "ul", "ol", "div", "section", "aside":
	default:
		return false
	}
	return textOf(n) != "" && linkDensity(n) > 0.6
}

func isHeading(n *html.Node) bool {
	switch n.Data {
	case "h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "div", "span":
		return true
	}
	return false
}

func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
			return nil
		}
	}
	return nil
}

// textOf is the text of n and its descendants, invisible elements skipped.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if invisibleElements[n.Data] {
				return
			}
			if blockElements[n.Data] {
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// linkDensity is the share of n's letters that are inside links.
func linkDensity(n *html.Node) float64 {
	all := utf8.RuneCountInString(strings.Join(strings.Fields(textOf(n)), ""))
	if all == 0 {
		return 0
	}
	linked := 0
	var walk func(*html.Node)
	walk = func(m *html.Node) {
		if m.Type == html.ElementNode && m.Data == "a" {
			linked += utf8.RuneCountInString(strings.Join(strings.Fields(textOf(m)), ""))
			return
		}
		for c := m.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return float64(linked) / float64(all)
}
