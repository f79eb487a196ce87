package api

import (
	"bytes"
	"encoding/json"
	"time"

	"nashra.dev/nashra/internal/content"
)

// postOut is a post or page as both APIs show it: Ghost's field names, with
// Nashra's additions (markdown, categories, lang, dir, source, version).
// Empty optional text is null, as in Ghost. Fields an answer does not carry
// are absent rather than empty: lists leave out bodies and tags, and the
// Content API leaves out markdown, version and a gated post's html.
type postOut struct {
	ID                  int64           `json:"id"`
	Title               string          `json:"title"`
	Slug                string          `json:"slug"`
	HTML                field[string]   `json:"html,omitzero"`
	Markdown            field[string]   `json:"markdown,omitzero"`
	FeatureImage        *string         `json:"feature_image"`
	FeatureImageAlt     *string         `json:"feature_image_alt"`
	FeatureImageCaption *string         `json:"feature_image_caption"`
	CustomExcerpt       *string         `json:"custom_excerpt"`
	Status              content.Status  `json:"status"`
	Visibility          string          `json:"visibility"`
	Access              field[bool]     `json:"access,omitzero"`
	PublishedAt         *string         `json:"published_at"`
	CreatedAt           string          `json:"created_at"`
	UpdatedAt           string          `json:"updated_at"`
	Authors             []refOut        `json:"authors"`
	Tags                field[[]refOut] `json:"tags,omitzero"`
	PrimaryTag          field[*refOut]  `json:"primary_tag,omitzero"`
	Categories          []refOut        `json:"categories"`
	PrimaryCategory     *refOut         `json:"primary_category"`
	Lang                string          `json:"lang"`
	Dir                 string          `json:"dir"`
	CanonicalURL        *string         `json:"canonical_url"`
	MetaTitle           *string         `json:"meta_title"`
	MetaDescription     *string         `json:"meta_description"`
	Source              *sourceJSON     `json:"source"`
	Version             field[int]      `json:"version,omitzero"`
	URL                 string          `json:"url"`
}

// refOut is an author, tag or category inside a post.
type refOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// sourceJSON credits the outlet a story came from.
type sourceJSON struct {
	Name       string `json:"name"`
	URL        string `json:"url"`
	Lang       string `json:"lang"`
	Translated bool   `json:"translated"`
}

// field is a value an answer may leave out (omitzero drops it when unset),
// which a plain zero value cannot say: a post without tags has "tags": [],
// a list that did not load tags has no "tags" at all.
type field[T any] struct {
	set bool
	v   T
}

func some[T any](v T) field[T] { return field[T]{set: true, v: v} }

func (f field[T]) IsZero() bool { return !f.set }

func (f field[T]) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(f.v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// postView says which of a post's parts an answer carries.
type postView struct {
	body   bool // html (and markdown, for the Admin API)
	tags   bool // tags were loaded (single posts, Content API lists)
	public bool // the Content API: no markdown or version; gated posts without html
}

// postJSON shapes p for an answer.
func (h *Handler) postJSON(p *content.Post, v postView) postOut {
	out := postOut{
		ID: p.ID, Title: p.Title, Slug: p.Slug, Status: p.Status, Visibility: p.Visibility,
		FeatureImage: null(p.Featured.URL), FeatureImageAlt: null(p.Featured.Alt), FeatureImageCaption: null(p.Featured.Caption),
		CustomExcerpt: null(p.Standfirst), CreatedAt: stamp(p.CreatedAt), UpdatedAt: stamp(p.UpdatedAt),
		Lang: p.Lang, Dir: p.Dir, CanonicalURL: null(p.CanonicalURL), MetaTitle: null(p.SEOTitle), MetaDescription: null(p.SEODescription),
		Authors: make([]refOut, 0, len(p.Authors)), Categories: make([]refOut, 0, len(p.Categories)),
		URL: h.baseURL + h.postPath(p),
	}
	if !p.PublishedAt.IsZero() {
		s := stamp(p.PublishedAt)
		out.PublishedAt = &s
	}
	for _, a := range p.Authors {
		out.Authors = append(out.Authors, refOut{ID: a.ID, Name: a.Name, Slug: a.Slug})
	}
	// The primary category comes first, as it does when saving.
	if c := p.Category(); c != nil {
		out.PrimaryCategory = &refOut{ID: c.ID, Name: c.Name, Slug: c.Slug}
		out.Categories = append(out.Categories, *out.PrimaryCategory)
	}
	for _, c := range p.Categories {
		if out.PrimaryCategory == nil || c.ID != out.PrimaryCategory.ID {
			out.Categories = append(out.Categories, refOut{ID: c.ID, Name: c.Name, Slug: c.Slug})
		}
	}
	if v.tags {
		tags := make([]refOut, 0, len(p.Tags))
		for _, t := range p.Tags {
			tags = append(tags, refOut{ID: t.ID, Name: t.Name, Slug: t.Slug})
		}
		out.Tags = some(tags)
		var primary *refOut
		if len(tags) > 0 {
			primary = &tags[0]
		}
		out.PrimaryTag = some(primary)
	}
	if p.Source.Name != "" || p.Source.URL != "" {
		out.Source = &sourceJSON{Name: p.Source.Name, URL: p.Source.URL, Lang: p.Source.Lang, Translated: p.Source.Translated}
	}
	if !v.public {
		out.Version = some(p.Version)
		if v.body {
			out.HTML, out.Markdown = some(p.BodyHTML), some(p.BodyMD)
		}
		return out
	}
	access := p.Visibility == "public"
	out.Access = some(access)
	if v.body && access {
		out.HTML = some(p.BodyHTML)
	}
	return out
}

// null is s, or JSON null when s is empty.
func null(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// stamp formats a stored time (UTC, whole seconds) as RFC 3339.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// envelope wraps resources the way Ghost does: {"posts": [...]} or
// {"pages": [...]}, with list metadata when it is a list.
func envelope(typ content.Type, posts []postOut, m *meta) map[string]any {
	out := map[string]any{resourceName(typ): posts}
	if m != nil {
		out["meta"] = m
	}
	return out
}

func resourceName(typ content.Type) string {
	if typ == content.TypePage {
		return "pages"
	}
	return "posts"
}
