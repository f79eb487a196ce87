package translate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// libre speaks the LibreTranslate API (https://libretranslate.com/docs):
//
//	POST {url}/translate  {"q": "…" | ["…", …], "source": "en" | "auto",
//	                       "target": "ar", "format": "text" | "html", "api_key": "…"}
//	200 {"translatedText": "…" | [...], "detectedLanguage": {"language","confidence"} | [...]}
//
// detectedLanguage comes only when source is "auto", and is a list when q
// is. Errors are {"error": "…"}: 400 for a missing parameter, an
// unsupported language or format, a text over the server's character or
// batch limit ("exceeds text limit"), or a missing key ("… to get an API
// key"); 403 for an invalid key, or for a client banned after too many
// limit violations; 429 "Slowdown: …"; 500 "Cannot translate text: …".
type libre struct {
	cl       *client
	endpoint string
	key      string
	lim      limits
}

func newLibre(cl *client, base, key string, pieceBytes int) *libre {
	return &libre{
		cl:       cl,
		endpoint: base + "/translate",
		key:      key,
		// Public instances limit characters per request (often 2000–5000);
		// a self-hosted one defaults to no limit. Stay under the common case.
		lim: limits{piece: orDefault(pieceBytes, 2000), batchItems: 25, batchBytes: 4 * orDefault(pieceBytes, 2000)},
	}
}

func (l *libre) name() string   { return LibreTranslate }
func (l *libre) limits() limits { return l.lim }

// glossary: LibreTranslate's API takes none, so terms are protected.
func (l *libre) glossary(context.Context, string, string, Glossary) (string, bool, error) {
	return "", false, nil
}

type libreRequest struct {
	Q      any    `json:"q"`
	Source string `json:"source"`
	Target string `json:"target"`
	Format string `json:"format"`
	APIKey string `json:"api_key,omitempty"`
}

type libreDetected struct {
	Language   string  `json:"language"`
	Confidence float64 `json:"confidence"`
}

type libreResponse struct {
	TranslatedText   json.RawMessage `json:"translatedText"`
	DetectedLanguage json.RawMessage `json:"detectedLanguage"`
}

func (l *libre) translate(ctx context.Context, b batch) (batchResult, error) {
	req := libreRequest{Source: b.from, Target: b.to, Format: string(b.format), APIKey: l.key}
	if req.Source == "" {
		req.Source = "auto"
	}
	if len(b.texts) == 1 {
		req.Q = b.texts[0] // servers older than batch support take only a string
	} else {
		req.Q = b.texts
	}
	body, err := json.Marshal(req)
	if err != nil {
		return batchResult{}, err
	}
	raw, err := l.cl.do(ctx, call{
		method: http.MethodPost, url: l.endpoint, body: body,
		header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		decode: decodeLibreError,
	})
	if err != nil {
		return batchResult{}, err
	}
	var resp libreResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		return batchResult{}, l.badAnswer("answer is not JSON: %v", err)
	}
	var r batchResult
	if len(b.texts) == 1 {
		var s string
		if err := json.Unmarshal(resp.TranslatedText, &s); err != nil {
			return batchResult{}, l.badAnswer("translatedText is not a string")
		}
		r.texts = []string{s}
		var d libreDetected
		if len(resp.DetectedLanguage) > 0 && json.Unmarshal(resp.DetectedLanguage, &d) == nil {
			r.detected = []string{d.Language}
		}
		return r, nil
	}
	if err := json.Unmarshal(resp.TranslatedText, &r.texts); err != nil {
		return batchResult{}, l.badAnswer("translatedText is not a list for a batch of %d", len(b.texts))
	}
	var ds []libreDetected
	if len(resp.DetectedLanguage) > 0 && json.Unmarshal(resp.DetectedLanguage, &ds) == nil {
		for _, d := range ds {
			r.detected = append(r.detected, d.Language)
		}
	}
	return r, nil
}

func (l *libre) badAnswer(format string, args ...any) error {
	return &Error{Provider: LibreTranslate, Kind: ErrBadAnswer, Status: http.StatusOK, Message: fmt.Sprintf(format, args...)}
}

var libreLimitRe = regexp.MustCompile(`exceeds (?:text|character) limit`)

func decodeLibreError(status int, _ http.Header, body []byte) *Error {
	var eb struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		msg = eb.Error
	}
	kind, retry := statusKind(status)
	e := &Error{Kind: kind, Message: msg, retryable: retry}
	lower := strings.ToLower(msg)
	switch {
	case status == http.StatusBadRequest && strings.Contains(lower, "api key"):
		e.Kind = ErrAuth // "Visit … to get an API key": the server requires one
	case status == http.StatusBadRequest && libreLimitRe.MatchString(lower):
		e.tooLarge = true
	case status == http.StatusForbidden && strings.Contains(lower, "limits violations"):
		// Banned for repeated 429s: a rate problem, not a key problem, and
		// retrying now only prolongs the ban.
		e.Kind, e.retryable = ErrRateLimited, false
	case status == http.StatusRequestEntityTooLarge:
		e.tooLarge = true
	}
	return e
}
