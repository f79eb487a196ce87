package translate

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// libreServer implements the LibreTranslate /translate contract as its
// documentation and server describe it: JSON or form bodies; q a string or
// a list; source a code or "auto"; errors as {"error": "…"} with 400 for
// missing parameters, unsupported languages and formats, requests over the
// character or batch limit, and a missing required key; 403 for an invalid
// key; 429 "Slowdown: …"; 500 for a failed translation.
type libreServer struct {
	*httptest.Server
	script
	keys       map[string]bool // when non-empty, a key is required
	charLimit  int             // -1: none
	batchLimit int             // -1: none
	langs      map[string]bool
	digits     bool // "localise" digits in Arabic output: ⟦1⟧ comes back ⟦ ١ ⟧

	mu       sync.Mutex
	requests []libreRequest
}

func newLibreServer(t *testing.T) *libreServer {
	s := &libreServer{charLimit: -1, batchLimit: -1, keys: map[string]bool{},
		langs: map[string]bool{"en": true, "ar": true, "fr": true}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /translate", s.translate)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *libreServer) fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (s *libreServer) calls() []libreRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]libreRequest(nil), s.requests...)
}

func (s *libreServer) translate(w http.ResponseWriter, r *http.Request) {
	var req libreRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			s.fail(w, 400, "Invalid JSON format")
			return
		}
	} else {
		r.ParseForm()
		req = libreRequest{Q: r.Form.Get("q"), Source: r.Form.Get("source"), Target: r.Form.Get("target"),
			Format: r.Form.Get("format"), APIKey: r.Form.Get("api_key")}
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if s.next(w) {
		return
	}
	if len(s.keys) > 0 {
		if req.APIKey == "" {
			s.fail(w, 400, "Visit https://portal.libretranslate.com to get an API key")
			return
		}
		if !s.keys[req.APIKey] {
			s.fail(w, 403, "Invalid API key")
			return
		}
	}
	var q []string
	batch := false
	switch v := req.Q.(type) {
	case string:
		q = []string{v}
	case []any:
		batch = true
		for _, x := range v {
			str, _ := x.(string)
			q = append(q, str)
		}
	}
	switch {
	case len(q) == 0 || (!batch && q[0] == ""):
		s.fail(w, 400, "Invalid request: missing q parameter")
		return
	case req.Source == "":
		s.fail(w, 400, "Invalid request: missing source parameter")
		return
	case req.Target == "":
		s.fail(w, 400, "Invalid request: missing target parameter")
		return
	}
	if batch && s.batchLimit != -1 && len(q) > s.batchLimit {
		s.fail(w, 400, fmt.Sprintf("Invalid request: request (%d) exceeds text limit (%d)", len(q), s.batchLimit))
		return
	}
	chars := 0
	for _, x := range q {
		chars += len([]rune(x))
	}
	if s.charLimit != -1 && chars > s.charLimit {
		s.fail(w, 400, fmt.Sprintf("Invalid request: request (%d) exceeds text limit (%d)", chars, s.charLimit))
		return
	}
	if req.Source != "auto" && !s.langs[req.Source] {
		s.fail(w, 400, req.Source+" is not supported")
		return
	}
	if !s.langs[req.Target] {
		s.fail(w, 400, req.Target+" is not supported")
		return
	}
	if req.Format == "" {
		req.Format = "text"
	}
	if req.Format != "text" && req.Format != "html" {
		s.fail(w, 400, req.Format+" format is not supported")
		return
	}
	var out []string
	var det []libreDetected
	for _, x := range q {
		t := fakeTranslate(x, req.Format == "html", nil)
		if s.digits && req.Target == "ar" {
			t = localiseDigits(t)
		}
		out = append(out, t)
		det = append(det, libreDetected{Language: detect(x), Confidence: 90})
	}
	resp := map[string]any{}
	if batch {
		resp["translatedText"] = out
		if req.Source == "auto" {
			resp["detectedLanguage"] = det
		}
	} else {
		resp["translatedText"] = out[0]
		if req.Source == "auto" {
			resp["detectedLanguage"] = det[0]
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// localiseDigits writes Arabic-Indic digits and pads placeholders, as
// engines localising numbers for Arabic do.
func localiseDigits(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "⟦", "⟦ "), "⟧", " ⟧")
	var b strings.Builder
	for _, r := range s {
		if '0' <= r && r <= '9' {
			r = 0x0660 + (r - '0')
		}
		b.WriteRune(r)
	}
	return b.String()
}
