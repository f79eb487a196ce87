package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
)

type settingsView struct {
	Site        settings.Site
	Nav, Social string // one "Name | URL" per line
	Zones       []string
	Comments    bool // the comments fieldset is shown
}

// commonZones are offered first; any IANA name is accepted.
var commonZones = []string{"Asia/Riyadh", "Asia/Dubai", "Asia/Qatar", "Asia/Kuwait", "Asia/Baghdad", "Asia/Amman", "Asia/Beirut",
	"Asia/Damascus", "Asia/Jerusalem", "Africa/Cairo", "Africa/Khartoum", "Africa/Tripoli", "Africa/Tunis", "Africa/Algiers",
	"Africa/Casablanca", "Europe/London", "Europe/Paris", "UTC"}

func (h *Handler) settingsForm(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageSettings) {
		h.forbidden(w, r, u)
		return
	}
	site, err := h.settings.Site(r.Context())
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	h.showSettings(w, r, u, http.StatusOK, site, "")
}

func (h *Handler) showSettings(w http.ResponseWriter, r *http.Request, u *staff.User, status int, site settings.Site, msg string) {
	sv := settingsView{Site: site, Nav: linesOf(site.Nav), Social: linesOf(site.Social), Zones: commonZones, Comments: h.comments != nil}
	h.render(w, r, status, "settings", &view{User: u, Title: tr(u.Locale, "settings"), Error: msg, Data: sv, Section: "settings"})
}

func (h *Handler) settingsSave(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !u.Role.Can(staff.CapManageSettings) {
		h.forbidden(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusRequestEntityTooLarge, "message", &view{User: u, Error: tr(u.Locale, "too_large")})
		return
	}
	f := r.PostForm
	cur, err := h.settings.Site(r.Context())
	if err != nil {
		h.fail(w, r, u, err)
		return
	}
	site := settings.Site{Title: f.Get("title"), Description: f.Get("description"), Lang: f.Get("lang"), Timezone: strings.TrimSpace(f.Get("timezone")),
		Digits: f.Get("digits"), Months: f.Get("months"), Hijri: f.Get("hijri") != "", PublisherLogo: strings.TrimSpace(f.Get("publisher_logo")),
		Permalink: f.Get("permalink"), Gate: f.Get("gate")}
	site.ArchiveDays, _ = strconv.Atoi(f.Get("archive_days"))
	site.TeaserParagraphs, _ = strconv.Atoi(f.Get("teaser_paragraphs"))
	site.PostsPerPage, _ = strconv.Atoi(f.Get("posts_per_page"))
	site.Nav, site.Social = parseLinks(f.Get("nav")), parseLinks(f.Get("social"))
	site.Comments = commentSettings(f, cur.Comments)
	err = h.settings.SaveSite(r.Context(), site)
	switch {
	case errors.Is(err, settings.ErrInvalid):
		site.Comments.AkismetKey = cur.Comments.AkismetKey // the form never carries it back
		h.showSettings(w, r, u, http.StatusUnprocessableEntity, site, err.Error())
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
	}
}

// commentSettings reads the form's Comments fieldset over the current
// settings. A form without the fieldset (its marker field) keeps them; a
// number that is not one becomes -1, which Validate refuses with a message
// naming the field. The Akismet key is write-only: empty keeps the current
// one, "akismet_clear" removes it.
func commentSettings(f url.Values, cur settings.Comments) settings.Comments {
	if f.Get("comments_form") == "" {
		return cur
	}
	num := func(name string, keep, empty int) int {
		v := strings.TrimSpace(f.Get(name))
		switch {
		case !f.Has(name):
			return keep
		case v == "":
			return empty
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return -1
		}
		return n
	}
	c := settings.Comments{OpenByDefault: f.Get("comments_open") != "", HoldAll: f.Get("comments_hold_all") != "",
		Depth: num("comments_depth", cur.Depth, -1), CloseAfterDays: num("comments_close_days", cur.CloseAfterDays, 0),
		MaxLinks: num("comments_max_links", cur.MaxLinks, -1), AkismetKey: cur.AkismetKey}
	if c.Depth == 0 {
		c.Depth = -1 // 0 would mean "the defaults"
	}
	switch key := strings.TrimSpace(f.Get("akismet_key")); {
	case f.Get("akismet_clear") != "":
		c.AkismetKey = ""
	case key != "":
		c.AkismetKey = settings.APIKey(key)
	}
	return c
}

// parseLinks reads "Name | URL" lines; a line without "|" is kept with an
// empty URL so that validation names it instead of dropping it silently.
func parseLinks(text string) []settings.Link {
	var out []settings.Link
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, u, _ := strings.Cut(line, "|")
		out = append(out, settings.Link{Name: strings.TrimSpace(name), URL: strings.TrimSpace(u)})
	}
	return out
}

func linesOf(links []settings.Link) string {
	var b strings.Builder
	for _, l := range links {
		b.WriteString(l.Name + " | " + l.URL + "\n")
	}
	return b.String()
}
