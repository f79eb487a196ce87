package api

import (
	"net/url"

	"nashra.dev/nashra/internal/content"
)

// categoryOut is a section of the site. parent_id is null for a top-level
// one; position orders siblings.
type categoryOut struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Slug        string  `json:"slug"`
	Description *string `json:"description"`
	ParentID    *int64  `json:"parent_id"`
	Position    int     `json:"position"`
	URL         string  `json:"url"`
}

// tagOut is a tag, as Ghost shows one.
type tagOut struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Slug        string  `json:"slug"`
	Description *string `json:"description"`
	URL         string  `json:"url"`
}

// authorOut is a staff member as the public sees them: no email, no role.
type authorOut struct {
	ID   int64   `json:"id"`
	Name string  `json:"name"`
	Slug string  `json:"slug"`
	Bio  *string `json:"bio"`
	URL  string  `json:"url"`
}

func (h *Handler) categoryJSON(c *content.Category) categoryOut {
	out := categoryOut{ID: c.ID, Name: c.Name, Slug: c.Slug, Description: null(c.Description), Position: c.Position,
		URL: h.baseURL + "/category/" + url.PathEscape(c.Slug) + "/"}
	if c.ParentID != 0 {
		p := c.ParentID
		out.ParentID = &p
	}
	return out
}

func (h *Handler) categoriesJSON(cats []content.Category) []categoryOut {
	out := make([]categoryOut, 0, len(cats))
	for i := range cats {
		out = append(out, h.categoryJSON(&cats[i]))
	}
	return out
}

func (h *Handler) tagJSON(t *content.Tag) tagOut {
	return tagOut{ID: t.ID, Name: t.Name, Slug: t.Slug, Description: null(t.Description),
		URL: h.baseURL + "/tag/" + url.PathEscape(t.Slug) + "/"}
}

func (h *Handler) tagsJSON(tags []content.Tag) []tagOut {
	out := make([]tagOut, 0, len(tags))
	for i := range tags {
		out = append(out, h.tagJSON(&tags[i]))
	}
	return out
}

func (h *Handler) authorsJSON(authors []content.Author) []authorOut {
	out := make([]authorOut, 0, len(authors))
	for _, a := range authors {
		out = append(out, authorOut{ID: a.ID, Name: a.Name, Slug: a.Slug, Bio: null(a.Bio),
			URL: h.baseURL + "/author/" + url.PathEscape(a.Slug) + "/"})
	}
	return out
}

// whole is the metadata of a list given in one piece (Ghost's limit=all).
func whole(n int) *meta {
	m := newMeta(1, max(n, 1), n)
	return &m
}
