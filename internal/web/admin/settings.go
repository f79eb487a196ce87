package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
)

type settingsView struct {
	Site        settings.Site
	Nav, Social string // one "Name | URL" per line
	Zones       []string
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
	sv := settingsView{Site: site, Nav: linesOf(site.Nav), Social: linesOf(site.Social), Zones: commonZones}
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
	site := settings.Site{Title: f.Get("title"), Description: f.Get("description"), Lang: f.Get("lang"), Timezone: strings.TrimSpace(f.Get("timezone")),
		Digits: f.Get("digits"), Months: f.Get("months"), Hijri: f.Get("hijri") != "", PublisherLogo: strings.TrimSpace(f.Get("publisher_logo")),
		Permalink: f.Get("permalink"), Gate: f.Get("gate")}
	site.ArchiveDays, _ = strconv.Atoi(f.Get("archive_days"))
	site.TeaserParagraphs, _ = strconv.Atoi(f.Get("teaser_paragraphs"))
	site.PostsPerPage, _ = strconv.Atoi(f.Get("posts_per_page"))
	site.Nav, site.Social = parseLinks(f.Get("nav")), parseLinks(f.Get("social"))
	err := h.settings.SaveSite(r.Context(), site)
	switch {
	case errors.Is(err, settings.ErrInvalid):
		h.showSettings(w, r, u, http.StatusUnprocessableEntity, site, err.Error())
	case err != nil:
		h.fail(w, r, u, err)
	default:
		flash(w, "saved")
		http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
	}
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
