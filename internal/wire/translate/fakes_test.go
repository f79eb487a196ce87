package translate

import (
	"context"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// The fake servers "translate" English to Arabic word by word with this
// dictionary, and leave every other word, digit, token and punctuation
// mark as it is, so tests can assert content and order exactly. "Dmitriev"
// alone is deliberately given a variant spelling (the sample article's
// slip) so that glossary unification has something to fix.
var fakeDict = map[string]string{
	"kremlin": "الكرملين", "said": "قال", "met": "التقى", "officials": "المسؤولين",
	"in": "في", "on": "في", "for": "لمدة", "days": "أيام", "talks": "محادثات",
	"president": "الرئيس", "russian": "الروسي", "vladimir": "فلاديمير", "putin": "بوتين",
	"dmitriev": "ديميتريف", "kirill": "كيريل", "peskov": "بيسكوف", "washington": "واشنطن",
	"envoy": "المبعوث", "there": "هناك", "is": "يوجد", "cautious": "حذر", "optimism": "تفاؤل",
	"one": "واحد", "two": "اثنان", "three": "ثلاثة", "four": "أربعة", "paragraph": "فقرة",
	"the": "", "a": "", "with": "مع", "and": "و", "visited": "زار", "people": "شخص",
	"bonjour": "مرحبا", "hello": "مرحبا", "world": "العالم", "news": "أخبار",
}

var (
	fakeWordRe = regexp.MustCompile(`[A-Za-z]+`)
	fakeTagRe  = regexp.MustCompile(`<[^>]*>`)
)

// fakeTranslate translates the text of s (outside tags when html) with
// fakeDict, after replacing the glossary's sources (exact, case-sensitive)
// with their targets.
func fakeTranslate(s string, html bool, glossary map[string]string) string {
	tr := func(text string) string {
		srcs := slices.Collect(maps.Keys(glossary))
		slices.SortFunc(srcs, func(a, b string) int { return len(b) - len(a) }) // longest first
		for _, src := range srcs {
			text = strings.ReplaceAll(text, src, glossary[src])
		}
		out := fakeWordRe.ReplaceAllStringFunc(text, func(w string) string {
			if t, ok := fakeDict[strings.ToLower(w)]; ok {
				return t
			}
			return w
		})
		return strings.Join(strings.Fields(out), " ") // a dropped word leaves one space
	}
	if !html {
		return tr(s)
	}
	var b strings.Builder
	last := 0
	for _, loc := range fakeTagRe.FindAllStringIndex(s, -1) {
		b.WriteString(trKeepSpace(s[last:loc[0]], tr))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(trKeepSpace(s[last:], tr))
	return b.String()
}

// trKeepSpace translates a text node, keeping its outer spaces.
func trKeepSpace(s string, tr func(string) string) string {
	core := strings.TrimSpace(s)
	if core == "" {
		return s
	}
	i := strings.Index(s, core)
	return s[:i] + tr(core) + s[i+len(core):]
}

// detect is the fakes' language detection: Arabic letters mean "ar".
func detect(s string) string {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return "ar"
		}
	}
	return "en"
}

// fakeClock records the waits the client asks for and advances at once,
// so retry tests run instantly and can assert the waits.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// script is a queue of canned failures a fake server answers before it
// serves normally: each entry answers one request.
type script struct {
	mu    sync.Mutex
	steps []func(w http.ResponseWriter) bool // true: answered, stop
}

func (s *script) push(f ...func(w http.ResponseWriter) bool) {
	s.mu.Lock()
	s.steps = append(s.steps, f...)
	s.mu.Unlock()
}

// next runs the next canned step, reporting whether it answered.
func (s *script) next(w http.ResponseWriter) bool {
	s.mu.Lock()
	if len(s.steps) == 0 {
		s.mu.Unlock()
		return false
	}
	f := s.steps[0]
	s.steps = s.steps[1:]
	s.mu.Unlock()
	return f(w)
}

// respond is a canned answer with headers.
func respond(status int, body string, headers ...string) func(http.ResponseWriter) bool {
	return func(w http.ResponseWriter) bool {
		for k := 0; k+1 < len(headers); k += 2 {
			w.Header().Set(headers[k], headers[k+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
		return true
	}
}

// newTestProvider builds a provider on the fake clock with fast backoff.
func newTestProvider(t *testing.T, cfg Config, clk clock) Provider {
	t.Helper()
	if cfg.Retry.BaseDelay == 0 {
		cfg.Retry.BaseDelay = 100 * time.Millisecond
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	p, err := newWithClock(cfg, clk)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func hasWarning(ws []Warning, code, substr string) bool {
	for _, w := range ws {
		if w.Code == code && strings.Contains(w.Message, substr) {
			return true
		}
	}
	return false
}
