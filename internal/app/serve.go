// Package app is the composition root: it opens the store, builds the
// services and the HTTP server, and runs each subcommand. One file per
// subcommand.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/demo"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/web"
	"nashra.dev/nashra/internal/web/admin"
	"nashra.dev/nashra/internal/web/api"
	"nashra.dev/nashra/internal/web/hooks"
	"nashra.dev/nashra/internal/web/site"
	defaulttheme "nashra.dev/nashra/themes/default"
)

// Serve runs the site until ctx ends (SIGINT or SIGTERM), then shuts down in
// order: stop accepting, finish requests in flight, close the database.
func Serve(ctx context.Context, cfg config.Server, out io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := NewLogger(out, cfg.JSONLogs)
	tuneGC()
	db, err := openSite(ctx, cfg.Site, log)
	if err != nil {
		return err
	}
	defer db.Close()

	st, err := MediaStorage(ctx, cfg.Data, cfg.S3)
	if err != nil {
		return err
	}
	mailer, closeMail, err := newMailer(cfg, log)
	if err != nil {
		return err
	}
	defer closeMail()
	translator, glossary, err := newTranslator(cfg.Translate)
	if err != nil {
		return err
	}
	if translator != nil {
		log.Info("wire desk translation", "provider", translator.Name(), "glossary_terms", len(glossary))
	}
	host, _ := os.Hostname()
	svc, err := NewServices(ctx, db, ServiceOptions{Storage: st, BaseURL: cfg.URL, Data: cfg.Data, Mail: mailer.Site, BulkMail: mailer.Bulk,
		NodeID: host + "/" + cfg.Addr, AllowTestDomains: cfg.AllowTestDomains, Translator: translator, Glossary: glossary}, log)
	if err != nil {
		return err
	}
	uploads := filepath.Join(cfg.Data, "uploads")
	if cfg.Demo {
		res, err := demo.Load(ctx, demo.Services{Content: svc.Content, Staff: svc.Staff, Settings: svc.Settings},
			demo.Options{Fixtures: cfg.Fixtures, UploadsDir: uploads, Log: log})
		if err != nil {
			return fmt.Errorf("load demo content: %w", err)
		}
		if res.Posts > 0 {
			log.Info("demo content loaded", "posts", res.Posts, "sample", res.SampleSlug)
		}
	}
	if _, err := svc.Members.EnsureDefaultNewsletter(ctx); err != nil {
		return err
	}
	if ids, err := svc.Newsletter.Recover(ctx); err != nil {
		return fmt.Errorf("resume newsletter sends: %w", err)
	} else if len(ids) > 0 {
		log.Info("resuming newsletter sends interrupted on this node", "sends", ids)
	}
	srv, err := NewServer(ctx, cfg, svc, log)
	if err != nil {
		return err
	}
	if err := svc.Queue.Start(ctx); err != nil {
		return fmt.Errorf("start the job queue: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	fmt.Fprintf(out, "Nashra is running at %s/\n", cfg.URL)
	if owner, err := svc.Staff.HasOwner(ctx); err == nil && !owner {
		tok, err := svc.Staff.NewSetupToken(ctx, 24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Create the owner account (link valid once, for 24 hours): %s/admin/setup?token=%s\n", cfg.URL, tok)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := svc.Queue.Stop(sctx); err != nil {
		return fmt.Errorf("stop the job queue: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openSite opens and migrates the site's database.
func openSite(ctx context.Context, sc config.Site, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, sc.DBURL())
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "dialect", db.Dialect(), "applied", strings.Join(applied, ", "))
	}
	return db, nil
}

// NewServer wires the HTTP side: the public site behind the page cache, the
// admin, health and metrics, all behind security headers and CSRF checks.
func NewServer(ctx context.Context, cfg config.Server, svc *Services, log *slog.Logger) (*Server, error) {
	db, cs, ss, set := svc.DB, svc.Content, svc.Staff, svc.Settings
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := web.NewMetrics(reg)

	sh, err := site.New(ctx, cs, set, site.Options{BaseURL: cfg.URL, Theme: defaulttheme.FS,
		ThemeDir: filepath.Join(cfg.Data, "theme"), Log: log, Members: svc.Members,
		VerifyUnsubscribe: svc.Newsletter.VerifyUnsubscribe, Comments: svc.Comments, Search: svc.Search})
	if err != nil {
		return nil, err
	}
	cache := web.NewCache(int64(cfg.CacheMB)<<20, metrics.CacheHit.Inc, metrics.CacheMiss.Inc)
	cache.Bypass(site.HasMemberCookie)
	db.Subscribe(func(topic string) {
		// Reload first, then flush: a page rendered after the flush must see
		// the new state. A comment changes no site state, only pages.
		if topic != comments.Topic {
			if err := sh.Reload(context.WithoutCancel(ctx)); err != nil {
				log.Error("reload site state", "err", err)
			}
		}
		cache.Flush()
	})
	go db.Listen(ctx, log)
	go svc.Search.Follow(ctx, log) // the search index follows content changes

	siteMux := http.NewServeMux()
	sh.Routes(siteMux)
	public := cache.Middleware(siteMux)
	outbox := ""
	if cfg.SMTP == "" {
		outbox = filepath.Join(cfg.Data, "outbox")
	}
	ah, err := admin.New(ss, cs, set, admin.Options{Log: log, BaseURL: cfg.URL,
		Mail: svc.Mail, Media: svc.Media, Members: svc.Members,
		Newsletter: svc.Newsletter, Comments: svc.Comments, Outbox: outbox, Search: svc.Search, Wire: svc.Wire})
	if err != nil {
		return nil, err
	}
	app := http.NewServeMux()
	(&admin.Setup{Staff: ss, Log: log}).Routes(app)
	ah.Routes(app)
	api.New(cs, ss, api.Options{Log: log, BaseURL: cfg.URL, Media: svc.Media, PostPath: sh.PostPath}).Routes(app)
	app.Handle(hooks.MailPath, &hooks.Mail{Rec: svc.Members, Log: log,
		Key: func(ctx context.Context) ([]byte, error) { return set.Secret(ctx, admin.MailWebhookSecret) }})
	app.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	app.HandleFunc("GET /healthz", health(db))
	app.Handle("GET /uploads/", http.StripPrefix("/uploads/", uploadsHandler(filepath.Join(cfg.Data, "uploads"))))

	// Public pages go straight to the page cache, before any routing: a
	// cache hit then costs a map lookup, not a walk of the route table.
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAppPath(r.URL.Path) {
			app.ServeHTTP(w, r)
			return
		}
		public.ServeHTTP(w, r)
	})
	h = http.NewCrossOriginProtection().Handler(h)
	h = metrics.Middleware(h)
	h = web.SecurityHeaders(h)
	proxies, err := web.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	h = web.TrustProxies(proxies)(h)
	h = web.Recover(func(r *http.Request, v any) { log.Error("panic", "path", r.URL.Path, "panic", v) })(h)
	srv := &Server{Server: &http.Server{
		Addr: cfg.Addr, Handler: h,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
	if cfg.CacheMB > 0 && !cfg.NoFastLane {
		srv.lane = func(ln net.Listener) *web.FastLane {
			return cache.NewFastLane(ln, web.LaneOptions{HeaderTimeout: srv.ReadHeaderTimeout,
				IdleTimeout: srv.IdleTimeout, WriteTimeout: srv.WriteTimeout, Observe: metrics.Observe})
		}
		laneStat := func(answers bool) func() float64 {
			return func() float64 {
				a, h := srv.laneStats()
				if answers {
					return float64(a)
				}
				return float64(h)
			}
		}
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "nashra_fast_lane_answers_total",
				Help: "Cached pages the fast lane answered itself."}, laneStat(true)),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "nashra_fast_lane_handovers_total",
				Help: "Connections the fast lane handed to net/http (a request it does not answer)."}, laneStat(false)))
	}
	return srv, nil
}

// Server is the site's HTTP side: net/http's server, with the page cache's
// fast lane in front of it unless the cache or the lane is turned off.
type Server struct {
	*http.Server
	lane func(net.Listener) *web.FastLane

	mu      sync.Mutex
	serving *web.FastLane
	stopped bool // Shutdown or Close was called
}

// Serve answers on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	if s.lane != nil {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return http.ErrServerClosed
		}
		s.serving = s.lane(ln)
		ln = s.serving
		s.mu.Unlock()
	}
	err := s.Server.Serve(ln)
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped && errors.Is(err, net.ErrClosed) {
		err = http.ErrServerClosed // the lane's listener closed before net/http marked its shutdown
	}
	return err
}

// markStopped records that the server is stopping and returns its lane, if
// one is serving.
func (s *Server) markStopped() *web.FastLane {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	return s.serving
}

// laneStats is the serving lane's counts (zero before Serve).
func (s *Server) laneStats() (answers, handovers int64) {
	s.mu.Lock()
	l := s.serving
	s.mu.Unlock()
	if l == nil {
		return 0, 0
	}
	return l.Stats()
}

// Shutdown stops accepting, then waits for the answers under way, net/http's
// and the lane's.
func (s *Server) Shutdown(ctx context.Context) error {
	l := s.markStopped()
	if l == nil {
		return s.Server.Shutdown(ctx)
	}
	laneDone := make(chan error, 1)
	go func() { laneDone <- l.Shutdown(ctx) }() // both at once: neither waits on the other's slow client
	err := s.Server.Shutdown(ctx)
	return errors.Join(err, <-laneDone)
}

// Close closes the listener and every connection at once.
func (s *Server) Close() error {
	l := s.markStopped()
	err := s.Server.Close()
	if l != nil {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = l.Shutdown(ctx) // a done context: close them all now
	}
	return err
}

// isAppPath tells the paths served by the application itself (admin, APIs,
// uploads, webhooks, operations) from the public site's.
func isAppPath(p string) bool {
	for _, prefix := range []string{"/admin/", "/api/", "/uploads/", "/webhooks/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return p == "/metrics" || p == "/healthz" || p == "/admin" || p == "/api"
}

func health(db *store.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := db.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"status":"unavailable","database":%q}`+"\n", string(db.Dialect()))
			return
		}
		fmt.Fprintf(w, `{"status":"ok","database":%q}`+"\n", string(db.Dialect()))
	}
}

// uploadsHandler serves files under dir, never directory listings.
func uploadsHandler(dir string) http.Handler {
	fs := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(filepath.Clean("/"+r.URL.Path)))); err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		// Keys are random and never reused: a file at an address never changes.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		fs.ServeHTTP(w, r)
	})
}

// tuneGC trades memory for CPU: rendering a page allocates a few hundred KB
// that die at once, and with the default GOGC=100 the collector runs every
// few requests. A larger heap goal with a soft limit keeps it cheap without
// letting memory grow unbounded. GOGC and GOMEMLIMIT, when set, win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}

// NewLogger makes the process's structured logger.
func NewLogger(out io.Writer, json bool) *slog.Logger {
	if json {
		return slog.New(slog.NewJSONHandler(out, nil))
	}
	return slog.New(slog.NewTextHandler(out, nil))
}
