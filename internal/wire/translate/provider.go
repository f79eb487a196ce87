package translate

import (
	"context"
	"fmt"
	"strings"
)

// Provider translates wire copy through one machine-translation service.
// Implementations are safe for concurrent use; they share one rate limiter
// per Provider value.
type Provider interface {
	// Translate translates req. On success every source segment has its
	// translation beside it, in order, and Result.Warnings lists what the
	// editor should look at (a number, bracket or name that did not come
	// through). The error, when not nil, wraps one of the Err* kinds.
	Translate(ctx context.Context, req Request) (Result, error)
	// Name is the provider's config name: "libretranslate", "deepl", "openai".
	Name() string
}

// Format says what Request text is.
type Format string

const (
	// FormatText is plain text; paragraphs are separated by blank lines.
	FormatText Format = "text"
	// FormatHTML is an HTML fragment: markup is kept, only text is
	// translated, and paragraphs are the block elements.
	FormatHTML Format = "html"
)

// Request is one translation job: either Text, which is split into
// paragraphs and reassembled, or Segments, each translated as one unit
// (long ones are split internally and rejoined) and returned one for one.
type Request struct {
	Text     string
	Segments []string
	// From is the ISO 639-1 code of the source ("en"), optionally with a
	// region ("pt-BR"); "" or "auto" asks the provider to detect it.
	From string
	// To is the ISO 639-1 code of the target, optionally with a region.
	To       string
	Format   Format // "" means FormatText
	Glossary Glossary
}

// Segment is one source unit and its translation, kept side by side for
// the editor.
type Segment struct {
	Source string
	Text   string
}

// Warning is something the editor should check in one segment.
type Warning struct {
	Segment int    // index into Result.Segments
	Code    string // e.g. "number-missing", "bracket-untranslated", "spelling-unified"
	Message string // e.g. "number 500 missing"
}

func (w Warning) String() string { return fmt.Sprintf("segment %d: %s", w.Segment+1, w.Message) }

// Warning codes.
const (
	WarnNumberMissing       = "number-missing"
	WarnBracketMissing      = "bracket-missing"
	WarnBracketUntranslated = "bracket-untranslated"
	WarnQuoteMissing        = "quote-missing"
	WarnNameMissing         = "name-missing"
	WarnMarkupChanged       = "markup-changed"
	WarnPlaceholderLost     = "placeholder-lost"
	WarnSpellingUnified     = "spelling-unified"
)

// Result is a translated draft. For a Text request, Text is the whole
// translation reassembled with the source's own paragraph breaks and Source
// the original; Segments are its paragraphs. For a Segments request,
// Segments[i] answers Request.Segments[i] and Text joins them with blank
// lines.
type Result struct {
	Source       string
	Text         string
	Segments     []Segment
	DetectedFrom string // the source language the provider detected, lower case; "" when not reported
	Provider     string
	Model        string // the model the provider says it used, when it says
	Warnings     []Warning
}

// validate checks req and returns it normalised (format defaulted, codes
// lower-cased, "auto" folded into "").
func (req Request) validate() (Request, error) {
	if req.Text != "" && len(req.Segments) > 0 {
		return req, badRequest("set Text or Segments, not both")
	}
	if req.Text == "" && len(req.Segments) == 0 {
		return req, badRequest("nothing to translate: Text and Segments are empty")
	}
	switch req.Format {
	case "":
		req.Format = FormatText
	case FormatText, FormatHTML:
	default:
		return req, badRequest("format %q: want text or html", req.Format)
	}
	from := strings.TrimSpace(req.From)
	if strings.EqualFold(from, "auto") {
		from = ""
	}
	if from != "" && !validLang(from) {
		return req, badRequest("source language %q: want an ISO 639-1 code such as en", req.From)
	}
	to := strings.TrimSpace(req.To)
	if !validLang(to) {
		return req, badRequest("target language %q: want an ISO 639-1 code such as ar", req.To)
	}
	req.From, req.To = normLang(from), normLang(to)
	if err := req.Glossary.Validate(); err != nil {
		return req, err
	}
	return req, nil
}

// validLang accepts "en", "EN", "pt-BR", "zh-Hans", "en_US".
func validLang(s string) bool {
	primary, region, hasRegion := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	if len(primary) != 2 || !isASCIILetters(primary) {
		return false
	}
	if hasRegion && (len(region) < 2 || len(region) > 4 || !isASCIILetters(region)) {
		return false
	}
	return true
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// normLang gives "pt-BR" for "PT_br": primary lower case, region upper
// case (script subtags such as "Hans" keep a capital initial).
func normLang(s string) string {
	primary, region, ok := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	primary = strings.ToLower(primary)
	if !ok {
		return primary
	}
	if len(region) == 4 {
		return primary + "-" + strings.ToUpper(region[:1]) + strings.ToLower(region[1:])
	}
	return primary + "-" + strings.ToUpper(region)
}

// primaryLang is "pt" for "pt-BR".
func primaryLang(s string) string {
	p, _, _ := strings.Cut(s, "-")
	return p
}
