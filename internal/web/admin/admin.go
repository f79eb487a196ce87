// Package admin is the newsroom's admin at /admin/: sign-in, the post list,
// the editor with revisions, and the first-run owner setup. It is
// server-rendered and works without JavaScript; the editor's script only adds
// the toolbar, live preview, autosave and word count.
package admin

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/members"
	"nashra.dev/nashra/internal/newsletter"
	"nashra.dev/nashra/internal/search"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/wire"
)

//go:embed templates static
var files embed.FS

// Handler serves /admin/ and the draft preview.
type Handler struct {
	staff      *staff.Service
	content    *content.Service
	settings   *settings.Service
	log        *slog.Logger
	secure     bool   // the site is served over https: cookies get Secure
	base       string // the site's public URL, for links in emails
	mail       nmail.Sender
	media      *media.Service
	members    *members.Service
	newsletter *newsletter.Engine
	comments   *comments.Service
	outbox     nmail.Outbox // where mail goes without SMTP (Dir empty: SMTP is set)
	search     *search.Index
	wire       *wire.Desk
	pages      map[string]*template.Template
	static     http.Handler
}

// Options configure the admin.
type Options struct {
	Log        *slog.Logger
	BaseURL    string
	Mail       nmail.Sender // invitations and password resets
	Media      *media.Service
	Members    *members.Service
	Newsletter *newsletter.Engine
	Comments   *comments.Service // nil: no moderation pages, no comment settings
	Outbox     string            // the outbox folder, when mail goes there (no SMTP)
	Search     *search.Index     // the posts list's search box (nil: none)
	Wire       *wire.Desk        // the wire desk (nil: no wire pages)
}

// New parses the admin's templates.
func New(ss *staff.Service, cs *content.Service, set *settings.Service, opt Options) (*Handler, error) {
	h := &Handler{staff: ss, content: cs, settings: set, log: opt.Log, secure: strings.HasPrefix(opt.BaseURL, "https://"),
		base: strings.TrimRight(opt.BaseURL, "/"), mail: opt.Mail, media: opt.Media, members: opt.Members,
		newsletter: opt.Newsletter, comments: opt.Comments, outbox: nmail.Outbox{Dir: opt.Outbox}, search: opt.Search}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.pages = map[string]*template.Template{}
	for _, name := range []string{"login", "posts", "edit", "revisions", "message", "settings", "staff", "forgot", "reset", "invite", "media", "account", "categories", "subscribers", "newsletters", "send", "outbox", "comments", "comment"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		h.pages[name] = t
	}
	if err := h.wirePages(opt.Wire); err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(files, "static")
	h.static = http.StripPrefix("/admin/static/", http.FileServerFS(sub))
	return h, nil
}

// Routes registers the admin's paths on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle("GET /admin/static/", h.static)
	mux.HandleFunc("GET /admin/login", h.loginForm)
	mux.HandleFunc("POST /admin/login", h.login)
	mux.HandleFunc("POST /admin/logout", h.logout)
	mux.Handle("GET /admin/{$}", h.auth(h.dashboard))
	mux.Handle("GET /admin", h.auth(h.dashboard))
	mux.Handle("GET /admin/posts", h.auth(h.postList))
	mux.Handle("POST /admin/posts/bulk", h.auth(h.postBulk))
	mux.Handle("GET /admin/posts/new", h.auth(h.postNew))
	mux.Handle("POST /admin/posts/new", h.auth(h.postCreate))
	mux.Handle("GET /admin/posts/{id}", h.auth(h.postEdit))
	mux.Handle("POST /admin/posts/{id}", h.auth(h.postSave))
	mux.Handle("POST /admin/posts/{id}/autosave", h.auth(h.postAutosave))
	mux.Handle("POST /admin/preview", h.auth(h.preview))
	mux.Handle("GET /admin/posts/{id}/revisions", h.auth(h.revisionList))
	mux.Handle("POST /admin/posts/{id}/revisions/{rev}/restore", h.auth(h.revisionRestore))
	mux.HandleFunc("GET /admin/forgot", h.forgotForm)
	mux.HandleFunc("POST /admin/forgot", h.forgot)
	mux.HandleFunc("GET /admin/reset", h.resetForm)
	mux.HandleFunc("POST /admin/reset", h.reset)
	mux.HandleFunc("GET /admin/invite", h.inviteForm)
	mux.HandleFunc("POST /admin/invite", h.acceptInvite)
	mux.Handle("GET /admin/staff", h.auth(h.staffList))
	mux.Handle("POST /admin/staff/invite", h.auth(h.staffInvite))
	mux.Handle("POST /admin/staff/{id}/role", h.auth(h.staffRole))
	mux.Handle("GET /admin/media", h.auth(h.mediaList))
	mux.Handle("POST /admin/media", h.auth(h.mediaUpload))
	mux.Handle("POST /admin/media/{id}", h.auth(h.mediaUpdate))
	mux.Handle("GET /admin/subscribers", h.auth(h.subscribers))
	mux.Handle("POST /admin/subscribers/import", h.auth(h.subscribersImport))
	mux.Handle("GET /admin/subscribers/export", h.auth(h.subscribersExport))
	mux.Handle("POST /admin/subscribers/{id}", h.auth(h.subscriberSave))
	mux.Handle("GET /admin/newsletters", h.auth(h.newsletters))
	mux.Handle("POST /admin/newsletters", h.auth(h.newsletterCreate))
	mux.Handle("POST /admin/newsletters/{id}", h.auth(h.newsletterSave))
	mux.Handle("GET /admin/sends/{id}", h.auth(h.sendPage))
	mux.Handle("POST /admin/sends/{id}/{action}", h.auth(h.sendAction))
	mux.Handle("GET /admin/outbox", h.auth(h.outboxList))
	mux.Handle("GET /admin/outbox/{name}", h.auth(h.outboxMessage))
	mux.Handle("GET /admin/categories", h.auth(h.categories))
	mux.Handle("POST /admin/categories/{id}", h.auth(h.categorySave))
	mux.Handle("GET /admin/account", h.auth(h.account))
	mux.Handle("POST /admin/account", h.auth(h.accountSave))
	mux.Handle("GET /admin/comments", h.auth(h.commentQueue))
	mux.Handle("POST /admin/comments/bulk", h.auth(h.commentBulk))
	mux.Handle("POST /admin/comments/blocklist", h.auth(h.blockAdd))
	mux.Handle("POST /admin/comments/blocklist/{id}/delete", h.auth(h.blockRemove))
	mux.Handle("GET /admin/comments/{id}", h.auth(h.commentPage))
	mux.Handle("POST /admin/comments/{id}", h.auth(h.commentEdit))
	mux.Handle("POST /admin/comments/{id}/reply", h.auth(h.commentReply))
	mux.Handle("POST /admin/comments/{id}/{action}", h.auth(h.commentAction))
	h.wireRoutes(mux)
	mux.Handle("GET /admin/settings", h.auth(h.settingsForm))
	mux.Handle("POST /admin/settings", h.auth(h.settingsSave))
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, u *staff.User) {
	http.Redirect(w, r, "/admin/posts", http.StatusSeeOther)
}

// view is what every admin template receives.
type view struct {
	User    *staff.User
	Lang    string
	Dir     string
	Title   string
	Flash   string
	Error   string
	Site    settings.Site
	Data    any
	Section string
	// Moderator: the user may moderate comments (the menu shows them);
	// Pending is how many await a moderator, for the menu's badge.
	Moderator bool
	Pending   int
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	if v.Lang == "" {
		v.Lang = "ar"
		if v.User != nil && v.User.Locale != "" {
			v.Lang = v.User.Locale
		}
	}
	v.Dir = "rtl"
	if v.Lang != "ar" {
		v.Dir = "ltr"
	}
	if site, err := h.settings.Site(r.Context()); err == nil {
		v.Site = site
	}
	if v.User != nil && h.canModerate(v.User) {
		v.Moderator = true
		v.Pending, _ = h.comments.PendingCount(r.Context())
	}
	if v.Flash == "" {
		if c, err := r.Cookie("nashra_flash"); err == nil {
			v.Flash = flashText(v.Lang, c.Value)
			http.SetCookie(w, &http.Cookie{Name: "nashra_flash", Path: "/admin/", MaxAge: -1})
		}
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.log.Error("admin render", "page", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// flash leaves a one-line message for the next page (after a redirect).
func flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: "nashra_flash", Value: key, Path: "/admin/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func flashText(lang, key string) string {
	if msg := tr(lang, "flash_"+key); msg != "flash_"+key {
		return msg
	}
	return ""
}

var funcs = template.FuncMap{
	"T": tr,
	"dict": func(kv ...any) map[string]any { // for passing several values to a sub-template
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	"has": func(ids []int64, id int64) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	},
	"join": strings.Join,
	"list": func(s ...string) []string { return s },
}
