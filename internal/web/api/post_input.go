package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
)

// postEnvelope and pageEnvelope are the bodies of POST and PUT: Ghost's
// {"posts": [{…}]}, with exactly one element.
type postEnvelope struct {
	Posts []postIn `json:"posts"`
}

type pageEnvelope struct {
	Pages []postIn `json:"pages"`
}

// postIn is a post as a client sends it. Every field is optional: on create
// an absent field takes its default, on update it keeps its value (PUT is a
// partial update, as in Ghost). Read-only fields of postOut are accepted, so
// that a post read from the API can be sent back whole, and otherwise
// ignored, except that id must be the address's and html must be unchanged
// (it is made from markdown; a client editing html would lose its edit).
type postIn struct {
	ID              opt[int64]      `json:"id"`
	HTML            opt[string]     `json:"html"`
	CreatedAt       json.RawMessage `json:"created_at"`
	URL             json.RawMessage `json:"url"`
	PrimaryTag      json.RawMessage `json:"primary_tag"`
	PrimaryCategory json.RawMessage `json:"primary_category"`

	Title               opt[string]     `json:"title"`
	Slug                opt[string]     `json:"slug"`
	Markdown            opt[string]     `json:"markdown"`
	FeatureImage        opt[string]     `json:"feature_image"`
	FeatureImageAlt     opt[string]     `json:"feature_image_alt"`
	FeatureImageCaption opt[string]     `json:"feature_image_caption"`
	CustomExcerpt       opt[string]     `json:"custom_excerpt"`
	Status              opt[string]     `json:"status"`
	Visibility          opt[string]     `json:"visibility"`
	PublishedAt         opt[string]     `json:"published_at"`
	UpdatedAt           opt[string]     `json:"updated_at"`
	Authors             opt[[]refIn]    `json:"authors"`
	Tags                opt[[]refIn]    `json:"tags"`
	Categories          opt[[]refIn]    `json:"categories"`
	Lang                opt[string]     `json:"lang"`
	Dir                 opt[string]     `json:"dir"`
	CanonicalURL        opt[string]     `json:"canonical_url"`
	MetaTitle           opt[string]     `json:"meta_title"`
	MetaDescription     opt[string]     `json:"meta_description"`
	Source              opt[sourceJSON] `json:"source"`
	Version             opt[int]        `json:"version"`
}

// refIn names an author or category (by id) or a tag (by name, else slug,
// else id). It takes refOut's fields so that a post's own lists can be sent
// back; for authors and categories only id counts.
type refIn struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// opt is a field a body may leave out, set, or set to null (which clears it
// to its default). Its value is decoded as strictly as the body itself.
type opt[T any] struct {
	Set, Null bool
	V         T
}

func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		var zero T
		o.V = zero
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&o.V)
}

// Caps on a post's lists: far above any real story, low enough that one
// request cannot make the server create thousands of tags.
const (
	maxAuthors    = 20
	maxCategories = 20
	maxTags       = 100
)

// applyPost writes the fields b sets over in. known are the post's own
// tags, which spare a lookup when a tag is named by id.
func (h *Handler) applyPost(ctx context.Context, b *postIn, in *content.PostInput, known []content.Tag) error {
	texts := []struct {
		name string
		o    opt[string]
		dst  *string
	}{
		{"title", b.Title, &in.Title}, {"slug", b.Slug, &in.Slug}, {"markdown", b.Markdown, &in.BodyMD},
		{"custom_excerpt", b.CustomExcerpt, &in.Standfirst}, {"feature_image_alt", b.FeatureImageAlt, &in.Featured.Alt},
		{"feature_image_caption", b.FeatureImageCaption, &in.Featured.Caption}, {"visibility", b.Visibility, &in.Visibility},
		{"dir", b.Dir, &in.Dir}, {"canonical_url", b.CanonicalURL, &in.CanonicalURL},
		{"meta_title", b.MetaTitle, &in.SEOTitle}, {"meta_description", b.MetaDescription, &in.SEODescription},
	}
	for _, t := range texts {
		if !t.o.Set {
			continue
		}
		if e := checkText(t.name, t.o.V); e != nil {
			return e
		}
		*t.dst = t.o.V
	}
	in.BodyMD = strings.ReplaceAll(in.BodyMD, "\r\n", "\n")
	if b.FeatureImage.Set && b.FeatureImage.V != in.Featured.URL {
		if e := checkText("feature_image", b.FeatureImage.V); e != nil {
			return e
		}
		// Size, variants and credit were the old image's; alt and caption
		// are the client's to send with it.
		in.Featured = content.Image{URL: b.FeatureImage.V, Alt: in.Featured.Alt, Caption: in.Featured.Caption}
	}
	if b.Status.Set {
		switch s := content.Status(b.Status.V); s {
		case content.Draft, content.Scheduled, content.Published:
			in.Status = s
		default:
			return errValidation("status must be draft, scheduled or published")
		}
	}
	if b.Lang.Set {
		if len(b.Lang.V) > maxLangTag {
			return errValidation("lang must be a language tag such as ar or en")
		}
		in.Lang = b.Lang.V
		if !b.Dir.Set {
			in.Dir = "" // follows the new language
		}
	}
	if b.PublishedAt.Set {
		t, e := parseTime("published_at", b.PublishedAt.V)
		if e != nil {
			return e
		}
		in.PublishedAt = t
	}
	if b.Source.Set {
		s := b.Source.V
		for name, v := range map[string]string{"source.name": s.Name, "source.url": s.URL, "source.lang": s.Lang} {
			if e := checkText(name, v); e != nil {
				return e
			}
		}
		if len(s.Lang) > maxLangTag {
			return errValidation("source.lang must be a language tag such as en or fr")
		}
		in.Source = content.Source{Name: s.Name, URL: s.URL, Lang: s.Lang, Translated: s.Translated}
	}
	for _, l := range []struct {
		name   string
		n, max int
	}{{"authors", len(b.Authors.V), maxAuthors}, {"categories", len(b.Categories.V), maxCategories}, {"tags", len(b.Tags.V), maxTags}} {
		if l.n > l.max {
			return errValidation(fmt.Sprintf("a post has at most %d %s", l.max, l.name))
		}
	}
	if b.Authors.Set {
		if len(b.Authors.V) == 0 {
			return errValidation("a post needs at least one author")
		}
		ids, e := refIDs("authors", b.Authors.V)
		if e != nil {
			return e
		}
		in.AuthorIDs = ids
	}
	if b.Categories.Set {
		ids, e := refIDs("categories", b.Categories.V)
		if e != nil {
			return e
		}
		in.CategoryIDs = ids
	}
	if b.Tags.Set {
		names, err := h.tagNames(ctx, b.Tags.V, known)
		if err != nil {
			return err
		}
		in.TagNames = names
	}
	return nil
}

func refIDs(field string, refs []refIn) ([]int64, *apiError) {
	ids := make([]int64, 0, len(refs))
	for _, r := range refs {
		if r.ID <= 0 {
			return nil, errValidation(fmt.Sprintf("each of %s needs its id", field))
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// tagNames turns tag references into the names content saves tags by. New
// names create tags; slugs and ids must name existing ones, in use or not.
// known are tags already looked up (the post's own), which spare a query.
func (h *Handler) tagNames(ctx context.Context, refs []refIn, known []content.Tag) ([]string, error) {
	names := make([]string, 0, len(refs))
	for _, r := range refs {
		switch {
		case strings.TrimSpace(r.Name) != "":
			if e := checkText("tags.name", r.Name); e != nil {
				return nil, e
			}
			names = append(names, r.Name)
		case r.Slug != "":
			t, err := h.content.TagBySlug(ctx, r.Slug)
			if errors.Is(err, content.ErrNotFound) {
				return nil, errValidation(fmt.Sprintf("no tag has the slug %q", r.Slug))
			}
			if err != nil {
				return nil, err
			}
			names = append(names, t.Name)
		case r.ID > 0:
			if i := slices.IndexFunc(known, func(t content.Tag) bool { return t.ID == r.ID }); i >= 0 {
				names = append(names, known[i].Name)
				continue
			}
			t, err := h.content.TagByID(ctx, r.ID)
			if errors.Is(err, content.ErrNotFound) {
				return nil, errValidation(fmt.Sprintf("no tag has the id %d; name the tag instead", r.ID))
			}
			if err != nil {
				return nil, err
			}
			names = append(names, t.Name)
		default:
			return nil, errValidation("each tag needs a name, a slug or an id")
		}
	}
	return names, nil
}

// checkText refuses text no database can store (PostgreSQL refuses NUL).
func checkText(field, s string) *apiError {
	if strings.IndexByte(s, 0) >= 0 {
		return errValidation(fmt.Sprintf("%s contains a NUL character", field))
	}
	return nil
}

// parseTime reads an RFC 3339 time; "" is none.
func parseTime(field, s string) (time.Time, *apiError) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.Year() < 1000 {
		return time.Time{}, errValidation(fmt.Sprintf("%s must be a date and time such as 2026-03-01T09:30:00Z", field))
	}
	return t.UTC().Truncate(time.Second), nil
}
