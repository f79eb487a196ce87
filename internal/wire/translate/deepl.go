package translate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// deepl speaks the DeepL API v2 (https://developers.deepl.com/api-reference/translate):
//
//	POST {base}/v2/translate   Authorization: DeepL-Auth-Key KEY
//	{"text": ["…", …], "target_lang": "AR", "source_lang": "EN", "tag_handling": "html",
//	 "glossary_id": "…", "preserve_formatting": true, "model_type": "…"}
//	200 {"translations": [{"detected_source_language": "EN", "text": "…"}, …]}
//
// Translations come back in the order of text. source_lang is left out to
// have it detected, and is required with a glossary. The whole body must
// stay under 128 KiB. Errors carry {"message": "…"}: 400 bad parameters,
// 403 bad key (or the wrong endpoint for a free key), 404 unknown glossary,
// 413 body too large, 429 too many requests (retry with backoff), 456 quota
// exceeded, 5xx and 529 temporary. Free keys end in ":fx" and use
// api-free.deepl.com.
type deepl struct {
	cl        *client
	base      string
	key       string
	modelType string
	lim       limits

	mu         sync.Mutex
	glossaries map[string]string // glossaryKey → glossary_id, "" when DeepL refused the pair
}

func newDeepL(cl *client, base, key, modelType string, pieceBytes int) *deepl {
	if base == "" {
		base = "https://api.deepl.com"
		if strings.HasSuffix(key, ":fx") {
			base = "https://api-free.deepl.com"
		}
	}
	base = strings.TrimSuffix(base, "/v2")
	return &deepl{
		cl: cl, base: base, key: key, modelType: modelType,
		// 50 texts per request and 128 KiB per body; keep room for JSON.
		lim:        limits{piece: orDefault(pieceBytes, 10000), batchItems: 50, batchBytes: 100 << 10},
		glossaries: map[string]string{},
	}
}

func (d *deepl) name() string   { return DeepL }
func (d *deepl) limits() limits { return d.lim }

func (d *deepl) header() http.Header {
	return http.Header{
		"Authorization": {"DeepL-Auth-Key " + d.key},
		"Content-Type":  {"application/json"},
		"Accept":        {"application/json"},
	}
}

type deeplRequest struct {
	Text               []string `json:"text"`
	TargetLang         string   `json:"target_lang"`
	SourceLang         string   `json:"source_lang,omitempty"`
	TagHandling        string   `json:"tag_handling,omitempty"`
	GlossaryID         string   `json:"glossary_id,omitempty"`
	PreserveFormatting bool     `json:"preserve_formatting"`
	ModelType          string   `json:"model_type,omitempty"`
}

type deeplResponse struct {
	Translations []struct {
		DetectedSourceLanguage string `json:"detected_source_language"`
		Text                   string `json:"text"`
		ModelTypeUsed          string `json:"model_type_used"`
	} `json:"translations"`
}

func (d *deepl) translate(ctx context.Context, b batch) (batchResult, error) {
	req := deeplRequest{
		Text:               b.texts,
		TargetLang:         deeplTarget(b.to),
		SourceLang:         strings.ToUpper(primaryLang(b.from)),
		GlossaryID:         b.glossaryHandle,
		PreserveFormatting: true, // keep the source's punctuation and quotes as they are
		ModelType:          d.modelType,
	}
	if b.format == FormatHTML {
		req.TagHandling = "html"
	}
	if req.SourceLang == "" {
		req.GlossaryID = "" // DeepL requires source_lang with a glossary
	}
	body, err := json.Marshal(req)
	if err != nil {
		return batchResult{}, err
	}
	raw, err := d.cl.do(ctx, call{method: http.MethodPost, url: d.base + "/v2/translate",
		header: d.header(), body: body, decode: decodeDeepLError})
	if err != nil {
		return batchResult{}, err
	}
	var resp deeplResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		return batchResult{}, &Error{Provider: DeepL, Kind: ErrBadAnswer, Status: http.StatusOK,
			Message: fmt.Sprintf("answer is not JSON: %v", err)}
	}
	var r batchResult
	for _, t := range resp.Translations {
		r.texts = append(r.texts, t.Text)
		r.detected = append(r.detected, strings.ToLower(t.DetectedSourceLanguage))
		if t.ModelTypeUsed != "" {
			r.model = t.ModelTypeUsed
		}
	}
	return r, nil
}

// deeplTarget maps an ISO code to DeepL's target_lang: upper case, with
// the variant DeepL requires for English and Portuguese (EN alone is
// deprecated as a target) and simplified script for Chinese.
func deeplTarget(lang string) string {
	switch strings.ToLower(lang) {
	case "en":
		return "EN-US"
	case "pt":
		return "PT-PT"
	case "zh":
		return "ZH-HANS"
	}
	return strings.ToUpper(lang)
}

func decodeDeepLError(status int, _ http.Header, body []byte) *Error {
	var eb struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &eb) == nil && (eb.Message != "" || eb.Detail != "") {
		msg = strings.TrimSpace(eb.Message + " " + eb.Detail)
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	kind, retry := statusKind(status)
	e := &Error{Kind: kind, Message: msg, retryable: retry}
	switch status {
	case 456:
		e.Kind, e.retryable = ErrQuota, false
	case http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong:
		e.tooLarge = true
	}
	return e
}
