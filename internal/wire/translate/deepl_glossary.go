package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// glossary creates, once per Provider and glossary content, a DeepL
// glossary (POST /v2/glossaries, entries as TSV) and hands its id to every
// batch, so that DeepL itself writes the names and can inflect them. DeepL
// needs a known source language for that; for detected sources, a pair
// DeepL refuses (400), or a glossary that is not ready at once, the terms
// are protected by placeholders instead. Glossaries are immutable on DeepL,
// so an edited glossary is a new one; old ones are left for the operator to
// delete (the account holds up to 1000).
func (d *deepl) glossary(ctx context.Context, from, to string, g Glossary) (string, bool, error) {
	if from == "" || len(g) == 0 {
		return "", false, nil
	}
	src, tgt := primaryLang(from), primaryLang(to)
	var tsv strings.Builder
	for _, t := range g.bySourceLength() {
		tsv.WriteString(t.Source + "\t" + t.Target + "\n")
	}
	sum := sha256.Sum256([]byte(src + "\x00" + tgt + "\x00" + tsv.String()))
	key := hex.EncodeToString(sum[:8])

	d.mu.Lock()
	id, known := d.glossaries[key]
	d.mu.Unlock()
	if known {
		return id, id != "", nil
	}

	body, err := json.Marshal(map[string]string{
		"name":           "nashra-" + key,
		"source_lang":    src,
		"target_lang":    tgt,
		"entries":        tsv.String(),
		"entries_format": "tsv",
	})
	if err != nil {
		return "", false, err
	}
	raw, err := d.cl.do(ctx, call{method: http.MethodPost, url: d.base + "/v2/glossaries",
		header: d.header(), body: body, decode: decodeDeepLError})
	var e *Error
	if errors.As(err, &e) && errors.Is(err, ErrBadRequest) {
		d.remember(key, "") // pair not supported for glossaries: placeholders it is
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var resp struct {
		GlossaryID string `json:"glossary_id"`
		Ready      *bool  `json:"ready"`
	}
	if json.Unmarshal(raw, &resp) != nil || resp.GlossaryID == "" {
		return "", false, &Error{Provider: DeepL, Kind: ErrBadAnswer, Status: http.StatusOK,
			Message: "glossary answer has no glossary_id"}
	}
	if resp.Ready != nil && !*resp.Ready {
		return "", false, nil // not usable yet; ask again on the next request
	}
	d.remember(key, resp.GlossaryID)
	return resp.GlossaryID, true, nil
}

func (d *deepl) remember(key, id string) {
	d.mu.Lock()
	d.glossaries[key] = id
	d.mu.Unlock()
}
