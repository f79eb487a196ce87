package content

import (
	"net/url"
	"time"
)

// Permalink styles, as WordPress names them: a site moving from WordPress
// keeps its addresses by choosing the style it had.
const (
	PermalinkSlug  = "slug"  // /slug/
	PermalinkDate  = "date"  // /2025/03/28/slug/
	PermalinkMonth = "month" // /2025/03/slug/
)

// Permalink is the site path of p in the given style; dates are read in
// loc, the site's time zone. Pages, and posts not yet dated, always use /slug/.
func Permalink(p *Post, style string, loc *time.Location) string {
	slug := url.PathEscape(p.Slug)
	if p.Type == TypePage || p.PublishedAt.IsZero() {
		return "/" + slug + "/"
	}
	t := p.PublishedAt.In(loc)
	switch style {
	case PermalinkDate:
		return t.Format("/2006/01/02/") + slug + "/"
	case PermalinkMonth:
		return t.Format("/2006/01/") + slug + "/"
	}
	return "/" + slug + "/"
}
