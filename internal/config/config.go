// Package config holds Nashra's configuration: defaults, then NASHRA_*
// environment variables, then flags (kong applies them in that order). The
// structs are passed down explicitly; nothing reads configuration globally.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/web"
)

// Site says where a site's data lives. Every subcommand that touches a site
// embeds it.
type Site struct {
	Data string `name:"data" env:"NASHRA_DATA" default:"./nashra-data" help:"Folder for the SQLite database, uploads, outbox and theme overrides."`
	DB   string `name:"db" env:"NASHRA_DB" help:"Database: a postgres:// URL selects PostgreSQL; empty means the SQLite file DATA/nashra.db."`
}

// Server configures 'nashra serve'.
type Server struct {
	Site
	Addr     string `name:"addr" env:"NASHRA_ADDR" default:"127.0.0.1:8080" help:"Address to listen on."`
	URL      string `name:"url" env:"NASHRA_URL" help:"Public base URL of the site (default http://ADDR)."`
	Demo     bool   `name:"demo" env:"NASHRA_DEMO" help:"Load demo content (Arabic and English articles) into an empty site."`
	SMTP     string `name:"smtp" env:"NASHRA_SMTP" help:"SMTP URL for outgoing mail; empty writes mail to DATA/outbox."`
	CacheMB  int    `name:"cache-mb" env:"NASHRA_CACHE_MB" default:"64" help:"Memory for cached pages, in MB; 0 turns the page cache off."`
	Fixtures string `name:"fixtures" env:"NASHRA_FIXTURES" default:"../shared/fixtures" help:"Fixtures folder the demo reads the sample article from."`
	JSONLogs bool   `name:"json-logs" env:"NASHRA_JSON_LOGS" help:"Write logs as JSON lines instead of text."`
	// NoFastLane turns off the fast lane, which answers page-cache hits on
	// HTTP/1.1 connections without net/http (see internal/web/fastlane.go):
	// a switch to rule it out when tracking down a problem.
	NoFastLane bool `name:"no-fast-lane" env:"NASHRA_NO_FAST_LANE" help:"Answer cached pages through net/http too, instead of the fast lane."`
	// TrustedProxies are the reverse proxies (and CDN edges) whose
	// X-Forwarded-For names the client: rate limits count per client, not
	// per proxy. Loopback is trusted by default (a proxy on the same host).
	TrustedProxies []string  `name:"trusted-proxies" env:"NASHRA_TRUSTED_PROXIES" default:"127.0.0.0/8,::1/128" help:"Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; empty trusts none."`
	Translate      Translate `embed:"" prefix:"translate-" envprefix:"NASHRA_TRANSLATE_"`
	S3             S3        `embed:"" prefix:"s3-" envprefix:"NASHRA_S3_"`
	// AllowTestDomains accepts subscriber addresses at reserved domains
	// (example.com's .test, .invalid…), which no mail reaches: tests only.
	AllowTestDomains bool `name:"allow-test-domains" env:"NASHRA_ALLOW_TEST_DOMAINS" hidden:""`
}

// Translate configures the wire desk's machine translation; without a
// provider the desk offers none.
type Translate struct {
	Provider string `name:"provider" env:"PROVIDER" enum:",libretranslate,deepl,openai" default:"" help:"Machine translation for the wire desk: libretranslate, deepl or openai (any OpenAI-compatible chat API); empty: none."`
	URL      string `name:"url" env:"URL" help:"The translation API's base URL (default: the provider's public one)."`
	Key      string `name:"key" env:"KEY" help:"The translation API key (prefer the environment variable)."`
	Model    string `name:"model" env:"MODEL" help:"The chat model (openai) or model type (deepl)."`
	Glossary string `name:"glossary" env:"GLOSSARY" type:"path" help:"A UTF-8 file of 'source = target' lines (one spelling of each name) given to every translation."`
}

// S3 selects S3-compatible object storage for media; without an endpoint,
// media live under DATA/uploads.
type S3 struct {
	Endpoint  string `name:"endpoint" env:"ENDPOINT" help:"S3 endpoint host:port (e.g. s3.eu-central-1.amazonaws.com); empty stores media on disk."`
	Bucket    string `name:"bucket" env:"BUCKET" help:"S3 bucket for media."`
	AccessKey string `name:"access-key" env:"ACCESS_KEY" help:"S3 access key."`
	SecretKey string `name:"secret-key" env:"SECRET_KEY" help:"S3 secret key (prefer the environment variable)."`
	Region    string `name:"region" env:"REGION" help:"S3 region."`
	Insecure  bool   `name:"insecure" env:"INSECURE" help:"Talk to the S3 endpoint over plain HTTP (local test servers only)."`
	PublicURL string `name:"public-url" env:"PUBLIC_URL" help:"Public base URL of the bucket or its CDN, used in pages."`
}

// DBURL is the database to open: the --db value, or the SQLite file in Data.
func (s Site) DBURL() string {
	if s.DB != "" {
		return s.DB
	}
	return filepath.Join(s.Data, "nashra.db")
}

// Validate checks the site settings and makes sure the data folder exists and
// is writable, so that a mistake is one clear line at start, not a failure
// deep inside a request.
func (s Site) Validate() error {
	if s.DB != "" {
		if strings.Contains(s.DB, "://") && !store.IsPostgresURL(s.DB) {
			return fmt.Errorf("--db %q: use a postgres:// URL, or leave it empty for SQLite", store.Redact(s.DB))
		}
		if store.IsPostgresURL(s.DB) {
			u, err := url.Parse(s.DB)
			if err != nil || u.Host == "" {
				return fmt.Errorf("--db: %q is not a valid PostgreSQL URL (postgres://user@host:5432/database)", store.Redact(s.DB))
			}
		}
	}
	if s.Data == "" {
		return errors.New("--data: a data folder is required")
	}
	if err := os.MkdirAll(s.Data, 0o750); err != nil {
		return fmt.Errorf("data folder %s cannot be created: %w", s.Data, unwrapPath(err))
	}
	probe, err := os.CreateTemp(s.Data, ".write-test-*")
	if err != nil {
		return fmt.Errorf("data folder %s is not writable: %w", s.Data, unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// Validate checks the server settings.
func (c *Server) Validate() error {
	if err := c.Site.Validate(); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: expected host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if c.URL == "" {
		c.URL = "http://" + c.Addr
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: expected an http(s) URL such as https://news.example", c.URL)
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.SMTP != "" {
		if _, err := mail.ParseSMTPURL(c.SMTP); err != nil {
			return fmt.Errorf("--smtp: %w", err) // the error shows the URL with its password hidden
		}
	}
	if c.S3.Endpoint != "" && (c.S3.Bucket == "" || c.S3.PublicURL == "") {
		return errors.New("--s3-endpoint needs --s3-bucket and --s3-public-url")
	}
	if _, err := web.ParseProxies(c.TrustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if c.CacheMB < 0 {
		return errors.New("--cache-mb must be 0 or more")
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
