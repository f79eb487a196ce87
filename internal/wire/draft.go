package wire

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/wire/translate"
)

// MakeDraft makes a draft post of an item, by userID, crediting its source
// (name, link, language, and whether the text is a machine translation) and
// pointing its canonical URL at the original. With useTranslation the
// stored translation is the draft's text. An item gets one post: a second
// call fails with ErrAlreadyDrafted.
func (d *Desk) MakeDraft(ctx context.Context, itemID, userID int64, useTranslation bool) (*content.Post, error) {
	it, err := d.ItemByID(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if useTranslation && it.TranslatedText == "" {
		return nil, fmt.Errorf("%w: the item has no translation yet", ErrInvalid)
	}
	src, err := d.SourceByID(ctx, it.SourceID)
	if err != nil {
		return nil, err
	}
	in := postInput(src, it, useTranslation)
	in.Status, in.AuthorIDs, in.EditorID = content.Draft, []int64{userID}, userID
	return d.claimAndPost(ctx, it, ItemDrafted, in)
}

// autoPublish publishes an 'auto' source's new item, unless its story is
// already a post (another source brought it first).
func (d *Desk) autoPublish(ctx context.Context, src *Source, itemID, cluster int64) (bool, error) {
	var n int
	if err := d.db.QueryRow(ctx, `SELECT COUNT(*) FROM wire_items WHERE cluster_id = ? AND post_id IS NOT NULL`, cluster).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	it, err := d.ItemByID(ctx, itemID)
	if err != nil {
		return false, err
	}
	in := postInput(src, it, false)
	in.Status = content.Published
	if src.CreatedBy != 0 {
		in.AuthorIDs, in.EditorID = []int64{src.CreatedBy}, src.CreatedBy
	}
	if _, err := d.claimAndPost(ctx, it, ItemPublished, in); err != nil {
		return false, err
	}
	return true, nil
}

// claimAndPost marks the item as taken before making its post, so two
// editors clicking at once never make two posts; a failed post gives the
// item back.
func (d *Desk) claimAndPost(ctx context.Context, it *DeskItem, status string, in content.PostInput) (*content.Post, error) {
	if d.posts == nil {
		return nil, errors.New("wire: the desk has no content service")
	}
	res, err := d.db.Exec(ctx, `UPDATE wire_items SET status = ? WHERE id = ? AND post_id IS NULL AND status IN ('new','dismissed')`,
		status, it.ID)
	if err := affected(res, err); errors.Is(err, ErrNotFound) {
		return nil, ErrAlreadyDrafted
	} else if err != nil {
		return nil, err
	}
	p, err := d.posts.CreatePost(ctx, in)
	if err != nil {
		rctx := context.WithoutCancel(ctx)
		if _, rerr := d.db.Exec(rctx, `UPDATE wire_items SET status = ? WHERE id = ?`, it.Status, it.ID); rerr != nil {
			d.log.Error("wire: give an item back", "item", it.ID, "err", rerr)
		}
		return nil, err
	}
	if _, err := d.db.Exec(ctx, `UPDATE wire_items SET post_id = ? WHERE id = ?`, p.ID, it.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// postInput is a post made of an item, crediting its source.
func postInput(src *Source, it *DeskItem, useTranslation bool) content.PostInput {
	title, text, lang := it.Title, it.ContentText, it.Lang
	if useTranslation {
		title, text, lang = firstNonEmpty(it.TranslatedTitle, it.Title), it.TranslatedText, it.TranslatedLang
	}
	title = truncateRunes(collapseSpaces(title), 300)
	if title == "" {
		title = truncateRunes(collapseSpaces(text), 120)
	}
	if title == "" {
		title = src.Name
	}
	standfirst := ""
	if !useTranslation && it.Summary != "" && !strings.HasPrefix(collapseSpaces(text), collapseSpaces(it.Summary)) {
		standfirst = truncateRunes(collapseSpaces(it.Summary), 600)
	}
	in := content.PostInput{
		Title:      title,
		Standfirst: standfirst,
		BodyMD:     markdownParagraphs(text),
		Lang:       postLang(lang),
		Source:     content.Source{Name: src.Name, URL: creditURL(it), Lang: postLang(it.Lang), Translated: useTranslation},
	}
	if isHTTP(it.URL) {
		in.CanonicalURL = it.URL
	}
	if src.CategoryID != 0 {
		in.CategoryIDs = []int64{src.CategoryID}
	}
	if isHTTP(it.Image) {
		in.Featured = content.Image{URL: it.Image, Credit: src.Name}
	}
	return in
}

func creditURL(it *DeskItem) string {
	if isHTTP(it.URL) {
		return it.URL
	}
	return ""
}

// postLang is a language code content accepts ("" lets it default).
func postLang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if l == "" || !sourceLangRE.MatchString(l) {
		return ""
	}
	return l
}

// markdownParagraphs turns plain text paragraphs into Markdown that renders
// as the same text: characters Markdown would read as markup are escaped.
func markdownParagraphs(text string) string {
	var out []string
	for _, p := range paragraphsOf(text) {
		out = append(out, escapeMarkdown(collapseSpaces(p)))
	}
	s := strings.Join(out, "\n\n")
	if len(s) > 2<<20-1024 {
		s = strings.ToValidUTF8(s[:2<<20-1024], "")
	}
	return s
}

func escapeMarkdown(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	s := b.String()
	// A paragraph opening with a list marker or a numbered-list "1." would
	// become a list.
	if len(s) > 1 && (s[0] == '-' || s[0] == '+') && s[1] == ' ' {
		s = `\` + s
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && i < 10 && (s[i] == '.' || s[i] == ')') {
		s = s[:i] + `\` + s[i:]
	}
	return s
}

// Translate translates an item's title and text into to (an ISO 639-1
// code) with the configured provider, and stores the translation beside the
// original with the provider's warnings.
func (d *Desk) Translate(ctx context.Context, itemID int64, to string) (*DeskItem, error) {
	if d.tr == nil {
		return nil, ErrNoTranslator
	}
	to = strings.ToLower(strings.TrimSpace(to))
	if !sourceLangRE.MatchString(to) {
		return nil, &InvalidError{Field: "to", Code: "bad_lang", Msg: "the target language must be a code such as ar or en"}
	}
	it, err := d.ItemByID(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(it.ContentText) == "" && strings.TrimSpace(it.Title) == "" {
		return nil, ErrNoText
	}
	segments := []string{firstNonEmpty(it.Title, "-")}
	paras := paragraphsOf(it.ContentText)
	segments = append(segments, paras...)
	res, err := d.tr.Translate(ctx, translate.Request{Segments: segments, From: postLang(it.Lang), To: to,
		Format: translate.FormatText, Glossary: d.opt.Glossary})
	if err != nil {
		return nil, err
	}
	if len(res.Segments) != len(segments) {
		return nil, fmt.Errorf("wire: the provider answered %d segments for %d", len(res.Segments), len(segments))
	}
	title := res.Segments[0].Text
	var body []string
	var htm strings.Builder
	for _, s := range res.Segments[1:] {
		body = append(body, s.Text)
		htm.WriteString("<p>" + html.EscapeString(s.Text) + "</p>\n")
	}
	var warns []string
	for _, w := range res.Warnings {
		if w.Segment == 0 {
			warns = append(warns, "title: "+w.Message)
		} else {
			warns = append(warns, fmt.Sprintf("paragraph %d: %s", w.Segment, w.Message))
		}
	}
	provider := res.Provider
	if provider == "" {
		provider = d.tr.Name()
	}
	if res.Model != "" {
		provider += " (" + res.Model + ")"
	}
	_, err = d.db.Exec(ctx, `UPDATE wire_items SET translated_title = ?, translated_text = ?, translated_html = ?,
		translated_lang = ?, translation_provider = ?, translation_warnings = ? WHERE id = ?`,
		validUTF8(title), validUTF8(strings.Join(body, "\n\n")), validUTF8(htm.String()), to, provider,
		validUTF8(strings.Join(warns, "\n")), it.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	return d.ItemByID(ctx, itemID)
}
