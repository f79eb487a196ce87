package translate

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// deeplServer implements the DeepL API v2 translate and glossary-creation
// contract: DeepL-Auth-Key authorisation (403 otherwise), JSON or form
// bodies with text repeated, target_lang required and upper case with
// EN/PT variants, source_lang without variant and required with a
// glossary, tag_handling html|xml, 128 KiB body limit (413), 50 texts,
// a character quota (456), errors as {"message": "…"}.
type deeplServer struct {
	*httptest.Server
	script
	key        string
	quota      int             // characters left; <0: unlimited
	pairs      map[string]bool // glossary pairs supported, "en>ar"
	glossaries map[string]map[string]string

	mu        sync.Mutex
	requests  []deeplRequest
	glossReqs int
}

func newDeepLServer(t *testing.T, key string) *deeplServer {
	s := &deeplServer{key: key, quota: -1, pairs: map[string]bool{"en>ar": true},
		glossaries: map[string]map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/translate", s.translate)
	mux.HandleFunc("POST /v2/glossaries", s.createGlossary)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *deeplServer) fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func (s *deeplServer) calls() []deeplRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]deeplRequest(nil), s.requests...)
}

func (s *deeplServer) authorised(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "DeepL-Auth-Key "+s.key {
		s.fail(w, 403, "Authorization failure, check auth_key")
		return false
	}
	return true
}

// decode reads a JSON or form body into v's fields by name.
func decodeBody(r *http.Request, v any) (int, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return 0, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return len(body), json.Unmarshal(body, v)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return len(body), err
	}
	m := map[string]any{}
	for k, vs := range form {
		if k == "text" {
			m[k] = vs
		} else {
			m[k] = vs[0]
		}
	}
	b, _ := json.Marshal(m)
	return len(body), json.Unmarshal(b, v)
}

func (s *deeplServer) translate(w http.ResponseWriter, r *http.Request) {
	var req deeplRequest
	n, err := decodeBody(r, &req)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if s.next(w) || !s.authorised(w, r) {
		return
	}
	switch {
	case n > 128<<10:
		s.fail(w, 413, "Request Entity Too Large")
	case err != nil:
		s.fail(w, 400, "Bad request. Reason: body does not decode")
	case len(req.Text) == 0:
		s.fail(w, 400, "Parameter 'text' not specified.")
	case len(req.Text) > 50:
		s.fail(w, 413, "Too many texts")
	case req.TargetLang == "":
		s.fail(w, 400, "Parameter 'target_lang' not specified.")
	case req.TargetLang == "EN" || req.TargetLang == "PT":
		s.fail(w, 400, fmt.Sprintf("Value for 'target_lang' not supported: %s is deprecated, use a variant", req.TargetLang))
	case req.TargetLang != "AR" && req.TargetLang != "EN-US" && req.TargetLang != "EN-GB" && req.TargetLang != "FR":
		s.fail(w, 400, "Value for 'target_lang' not supported.")
	case strings.Contains(req.SourceLang, "-") || req.SourceLang != strings.ToUpper(req.SourceLang):
		s.fail(w, 400, "Value for 'source_lang' not supported.")
	case req.TagHandling != "" && req.TagHandling != "html" && req.TagHandling != "xml":
		s.fail(w, 400, "Value for 'tag_handling' not supported.")
	case req.GlossaryID != "" && req.SourceLang == "":
		s.fail(w, 400, "Use of a glossary requires the source_lang parameter to be specified")
	default:
		s.answer(w, req)
	}
}

func (s *deeplServer) answer(w http.ResponseWriter, req deeplRequest) {
	var gloss map[string]string
	if req.GlossaryID != "" {
		s.mu.Lock()
		gloss = s.glossaries[req.GlossaryID]
		s.mu.Unlock()
		if gloss == nil {
			s.fail(w, 404, "Glossary not found")
			return
		}
	}
	chars := 0
	for _, t := range req.Text {
		chars += len([]rune(t))
	}
	s.mu.Lock()
	over := s.quota >= 0 && chars > s.quota
	if !over && s.quota >= 0 {
		s.quota -= chars
	}
	s.mu.Unlock()
	if over {
		s.fail(w, 456, "Quota exceeded. The character limit has been reached.")
		return
	}
	type tr struct {
		Detected string `json:"detected_source_language"`
		Text     string `json:"text"`
		Model    string `json:"model_type_used,omitempty"`
	}
	var out []tr
	for _, t := range req.Text {
		src := req.SourceLang
		if src == "" {
			src = strings.ToUpper(detect(t))
		}
		out = append(out, tr{Detected: src, Text: fakeTranslate(t, req.TagHandling == "html", gloss), Model: req.ModelType})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"translations": out})
}

func (s *deeplServer) createGlossary(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name, SourceLang, TargetLang, Entries, EntriesFormat string
	}
	var raw map[string]string
	_, err := decodeBody(r, &raw)
	s.mu.Lock()
	s.glossReqs++
	s.mu.Unlock()
	if s.next(w) || !s.authorised(w, r) {
		return
	}
	if err != nil {
		s.fail(w, 400, "Bad request")
		return
	}
	req.Name, req.SourceLang, req.TargetLang = raw["name"], raw["source_lang"], raw["target_lang"]
	req.Entries, req.EntriesFormat = raw["entries"], raw["entries_format"]
	if req.Name == "" || req.Entries == "" {
		s.fail(w, 400, "Missing name or entries")
		return
	}
	if req.EntriesFormat != "tsv" && req.EntriesFormat != "" {
		s.fail(w, 400, "Unsupported entries_format")
		return
	}
	if !s.pairs[strings.ToLower(req.SourceLang)+">"+strings.ToLower(req.TargetLang)] {
		s.fail(w, 400, "Unsupported glossary source and target language pair")
		return
	}
	entries := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(req.Entries), "\n") {
		src, tgt, ok := strings.Cut(line, "\t")
		if !ok {
			s.fail(w, 400, "Invalid glossary entries")
			return
		}
		entries[src] = tgt
	}
	s.mu.Lock()
	id := fmt.Sprintf("gl-%d", len(s.glossaries)+1)
	s.glossaries[id] = entries
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"glossary_id": id, "ready": true, "name": req.Name,
		"source_lang": req.SourceLang, "target_lang": req.TargetLang, "entry_count": len(entries)})
}
