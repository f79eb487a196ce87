// Package api serves Nashra's JSON APIs, shaped after Ghost's so that its
// clients and habits carry over:
//
//   - the Admin API (/api/admin/v1/) reads and writes content as a staff
//     member, authenticated by an Admin API token (Authorization: Bearer
//     nsh_…), under the same role rules as the admin UI;
//   - the Content API (/api/content/v1/) reads what the public site shows,
//     with a content key (?key=…), for front ends on other hosts;
//   - GET /api/openapi.json describes both (OpenAPI 3.1); a test holds the
//     routes and every answer to that document.
//
// Every answer is JSON, errors included, in Ghost's {"errors":[…]} shape. No
// input, however hostile, is answered with a 500: those are kept for
// failures of the server itself, whose cause goes to the log only.
package api

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/staff"
)

// The APIs' roots. Routes are written without a trailing slash; Ghost's
// clients add one, and both spellings reach the same route.
const (
	adminBase   = "/api/admin/v1"
	contentBase = "/api/content/v1"
	openAPIPath = "/api/openapi.json"
)

// Options configure the APIs.
type Options struct {
	Log *slog.Logger
	// BaseURL is the site's public address without a trailing slash
	// ("https://example.com"); posts' url fields and the OpenAPI document's
	// server are made from it.
	BaseURL string
	// Media is the media library behind /media. Without it those routes
	// answer 501, and the rest of the APIs work as before.
	Media *media.Service
	// PostPath gives a post's site path in the site's permalink style (the
	// public site's); without it posts' url fields use /slug/.
	PostPath func(*content.Post) string
}

// Handler serves both APIs and their OpenAPI document.
type Handler struct {
	content  *content.Service
	staff    *staff.Service
	media    *media.Service // nil: the media routes answer 501
	log      *slog.Logger
	baseURL  string
	postPath func(*content.Post) string
	table    []route
	mux      *http.ServeMux
	openAPI  []byte // the document, with this site's server filled in
}

// route is one operation; the table is both what the mux serves and what
// the OpenAPI test compares with the document.
type route struct {
	method, path string
	handler      http.Handler
}

// New builds the APIs over the content and staff services.
func New(cs *content.Service, ss *staff.Service, opt Options) *Handler {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{content: cs, staff: ss, media: opt.Media, log: log, baseURL: strings.TrimSuffix(opt.BaseURL, "/"), mux: http.NewServeMux(),
		postPath: opt.PostPath}
	if h.postPath == nil {
		h.postPath = func(p *content.Post) string { return content.Permalink(p, content.PermalinkSlug, time.UTC) }
	}
	h.openAPI = openAPIDocument(h.baseURL)
	h.table = h.routes()
	for _, rt := range h.table {
		h.mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	return h
}

// routes is the table of every operation. Keep it in step with openapi.json:
// TestOpenAPIMatchesRoutes fails otherwise.
func (h *Handler) routes() []route {
	a, c := h.adminAuth, h.contentAuth
	post, page := content.TypePost, content.TypePage
	return []route{
		{"GET", openAPIPath, http.HandlerFunc(h.serveOpenAPI)},

		{"GET", adminBase + "/posts", a(h.adminListPosts(post))},
		{"POST", adminBase + "/posts", a(h.adminCreatePost(post))},
		{"GET", adminBase + "/posts/{id}", a(h.adminGetPost(post))},
		{"PUT", adminBase + "/posts/{id}", a(h.adminUpdatePost(post))},
		{"DELETE", adminBase + "/posts/{id}", a(h.adminDeletePost(post))},
		{"GET", adminBase + "/pages", a(h.adminListPosts(page))},
		{"POST", adminBase + "/pages", a(h.adminCreatePost(page))},
		{"GET", adminBase + "/pages/{id}", a(h.adminGetPost(page))},
		{"PUT", adminBase + "/pages/{id}", a(h.adminUpdatePost(page))},
		{"DELETE", adminBase + "/pages/{id}", a(h.adminDeletePost(page))},
		{"GET", adminBase + "/categories", a(h.adminListCategories)},
		{"POST", adminBase + "/categories", a(h.adminCreateCategory)},
		{"GET", adminBase + "/categories/{id}", a(h.adminGetCategory)},
		{"GET", adminBase + "/tags", a(h.adminListTags)},
		{"GET", adminBase + "/tags/{id}", a(h.adminGetTag)},
		{"GET", adminBase + "/media", a(h.withMedia(h.adminListMedia))},
		{"POST", adminBase + "/media", a(h.withMedia(h.adminUploadMedia))},
		{"GET", adminBase + "/media/{id}", a(h.withMedia(h.adminGetMedia))},
		{"PUT", adminBase + "/media/{id}", a(h.withMedia(h.adminUpdateMedia))},
		{"DELETE", adminBase + "/media/{id}", a(h.withMedia(h.adminDeleteMedia))},

		{"GET", contentBase + "/posts", c(h.contentListPosts(post))},
		{"GET", contentBase + "/posts/{id}", c(h.contentGetPost(post))},
		{"GET", contentBase + "/posts/slug/{slug}", c(h.contentPostBySlug(post))},
		{"GET", contentBase + "/pages", c(h.contentListPosts(page))},
		{"GET", contentBase + "/pages/{id}", c(h.contentGetPost(page))},
		{"GET", contentBase + "/pages/slug/{slug}", c(h.contentPostBySlug(page))},
		{"GET", contentBase + "/tags", c(h.contentListTags)},
		{"GET", contentBase + "/categories", c(h.contentListCategories)},
		{"GET", contentBase + "/authors", c(h.contentListAuthors)},
	}
}

// Routes mounts the APIs on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle(adminBase+"/", h)
	mux.Handle(contentBase+"/", h)
	mux.Handle(openAPIPath, h)
}

// ServeHTTP routes a request within the APIs. A path no route knows, or a
// method a path does not take, is answered in JSON like every other error
// (the mux's own answers are plain text).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		r = withPath(r, strings.TrimSuffix(p, "/"))
	}
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	// Let the mux decide between 404 and 405 (and which methods to allow),
	// then say it in JSON.
	rec := &statusRecorder{header: http.Header{}}
	h.mux.ServeHTTP(rec, r)
	if strings.HasPrefix(r.URL.Path, contentBase) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, typ: typeMethodNotAllowed,
			msg: "this address does not take " + r.Method + " requests"})
		return
	}
	writeError(w, errNotFound("no API resource at this address"))
}

// withPath returns a shallow copy of r with another path (and raw path).
func withPath(r *http.Request, p string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = p
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	r2.URL = &u
	return r2
}

// statusRecorder keeps only the status and headers of an answer.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
