package translate

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Provider names, as Config.Provider takes them.
const (
	LibreTranslate = "libretranslate"
	DeepL          = "deepl"
	OpenAI         = "openai"
)

// Config chooses and configures one provider. Its String and LogValue
// never show Key.
type Config struct {
	// Provider is "libretranslate", "deepl" or "openai" (any server with an
	// OpenAI-compatible chat-completions API).
	Provider string
	// URL is the API's base: a LibreTranslate server ("http://lt:5000"),
	// a DeepL base (default: https://api-free.deepl.com for keys ending in
	// ":fx", https://api.deepl.com otherwise), or an OpenAI-compatible base
	// ("https://api.openai.com", or one ending in /v1, or the full
	// /v1/chat/completions URL; default https://api.openai.com/v1).
	URL string
	// Key is the API key. Required for DeepL and for api.openai.com;
	// optional for LibreTranslate and for self-hosted chat servers.
	Key string
	// Model is the chat model (required for openai); for DeepL, an optional
	// model_type ("quality_optimized", "latency_optimized",
	// "prefer_quality_optimized"). LibreTranslate has none.
	Model string
	// RatePerSecond spaces requests to at most this many per second
	// (0: no spacing). Fractions are allowed: 0.5 is one every two seconds.
	RatePerSecond float64
	// Timeout bounds one HTTP attempt (default 60s).
	Timeout time.Duration
	// Retry bounds retries of transient failures; zero fields take defaults.
	Retry RetryPolicy
	// MaxSegmentBytes overrides the provider's default size of one text
	// sent (LibreTranslate 2000, DeepL 10000, OpenAI 6000 bytes).
	MaxSegmentBytes int
	// HTTPClient is used when set (a proxy, custom TLS); its own Timeout,
	// if any, applies on top of Timeout.
	HTTPClient *http.Client
	// Logger receives retry notices at debug level; nil discards them.
	Logger *slog.Logger
}

// String shows the config for people, with the key masked.
func (c Config) String() string {
	return fmt.Sprintf("translate.Config{Provider:%s URL:%s Key:%s Model:%s RatePerSecond:%g Timeout:%s}",
		c.Provider, c.URL, maskKey(c.Key), c.Model, c.RatePerSecond, c.Timeout)
}

// LogValue keeps the key out of structured logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("provider", c.Provider), slog.String("url", c.URL),
		slog.String("key", maskKey(c.Key)), slog.String("model", c.Model),
		slog.Float64("rate_per_second", c.RatePerSecond), slog.Duration("timeout", c.Timeout))
}

func maskKey(k string) string {
	if k == "" {
		return "(none)"
	}
	return "(set)"
}

// Validate reports the first problem of c, wrapping ErrConfig.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	switch c.Provider {
	case LibreTranslate, DeepL, OpenAI:
	case "":
		return bad("provider is required: libretranslate, deepl or openai")
	default:
		return bad("unknown provider %q: want libretranslate, deepl or openai", c.Provider)
	}
	if c.URL == "" && c.Provider == LibreTranslate {
		return bad("libretranslate needs the URL of its server")
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil {
			return bad("URL does not parse") // the parse error may echo secrets
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return bad("URL %s: want http:// or https:// and a host", u.Redacted())
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return bad("URL must not carry credentials, a query or a fragment: put the key in Key")
		}
	}
	if strings.ContainsAny(c.Key, "\r\n") {
		return bad("key contains a line break")
	}
	switch c.Provider {
	case LibreTranslate:
		if c.Model != "" {
			return bad("libretranslate has no models; leave Model empty")
		}
	case DeepL:
		if c.Key == "" {
			return bad("deepl needs an API key")
		}
		switch c.Model {
		case "", "quality_optimized", "latency_optimized", "prefer_quality_optimized":
		default:
			return bad("deepl model_type %q: want quality_optimized, latency_optimized or prefer_quality_optimized", c.Model)
		}
	case OpenAI:
		if c.Model == "" {
			return bad("openai needs a Model (e.g. gpt-4o-mini, or the name a local server gives)")
		}
		if c.Key == "" && (c.URL == "" || strings.HasSuffix(hostOf(c.URL), "openai.com")) {
			return bad("api.openai.com needs an API key")
		}
	}
	if math.IsNaN(c.RatePerSecond) || c.RatePerSecond < 0 {
		return bad("RatePerSecond must be 0 (no limit) or positive")
	}
	if c.Timeout < 0 || c.MaxSegmentBytes < 0 || c.Retry.MaxAttempts < 0 || c.Retry.MaxElapsed < 0 {
		return bad("Timeout, MaxSegmentBytes and Retry must not be negative")
	}
	if c.MaxSegmentBytes > 0 && c.MaxSegmentBytes < 200 {
		return bad("MaxSegmentBytes %d is too small to hold a sentence (min 200)", c.MaxSegmentBytes)
	}
	return nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// New validates cfg and returns its Provider.
func New(cfg Config) (Provider, error) {
	return newWithClock(cfg, realClock{})
}

func newWithClock(cfg Config, clk clock) (Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cl := &client{
		provider: cfg.Provider,
		key:      cfg.Key,
		http:     hc,
		timeout:  cfg.Timeout,
		retry:    cfg.Retry.withDefaults(),
		limiter:  newLimiter(clk, cfg.RatePerSecond),
		clock:    clk,
		log:      log,
	}
	base := strings.TrimRight(cfg.URL, "/")
	var eng engine
	switch cfg.Provider {
	case LibreTranslate:
		eng = newLibre(cl, base, cfg.Key, cfg.MaxSegmentBytes)
	case DeepL:
		eng = newDeepL(cl, base, cfg.Key, cfg.Model, cfg.MaxSegmentBytes)
	case OpenAI:
		eng = newOpenAI(cl, base, cfg.Key, cfg.Model, cfg.MaxSegmentBytes)
	}
	return &pipeline{eng: eng}, nil
}

// orDefault returns v when positive, else def.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
