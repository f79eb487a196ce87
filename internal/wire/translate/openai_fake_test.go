package translate

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// chatServer implements the OpenAI chat-completions contract: Bearer
// authorisation (401 with an error object otherwise), known models (404
// model_not_found), a messages list, errors as {"error": {"message",
// "type", "code"}}, and a "model" that follows this package's prompt: it
// reads the glossary lines of the system prompt and the [[[n]]] markers of
// the user message, and answers each segment with the fake dictionary.
// Behaviours queue up per request to imitate a model's slips.
type chatServer struct {
	*httptest.Server
	script
	key    string
	models map[string]bool

	mu       sync.Mutex
	requests []chatRequest
	slips    []string // one per request, consumed in order: see answer
}

func newChatServer(t *testing.T, key string) *chatServer {
	s := &chatServer{key: key, models: map[string]bool{"nashra-mt": true}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.complete)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *chatServer) calls() []chatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]chatRequest(nil), s.requests...)
}

func (s *chatServer) slip(kinds ...string) {
	s.mu.Lock()
	s.slips = append(s.slips, kinds...)
	s.mu.Unlock()
}

func chatError(w http.ResponseWriter, status int, msg, typ, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
}

var (
	glossLineRe = regexp.MustCompile(`(?m)^\s*- (.+) → (.+)$`)
	segMarkRe   = regexp.MustCompile(`(?m)^\[\[\[(\d+)\]\]\]\n`)
	tokRe       = regexp.MustCompile(`⟦\d+⟧`)
)

func (s *chatServer) complete(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	slip := ""
	if len(s.slips) > 0 {
		slip, s.slips = s.slips[0], s.slips[1:]
	}
	s.mu.Unlock()
	if s.next(w) {
		return
	}
	if auth := r.Header.Get("Authorization"); auth != "Bearer "+s.key {
		// Like the real API, echo the key given (here in full, to prove the
		// client scrubs it).
		chatError(w, 401, "Incorrect API key provided: "+strings.TrimPrefix(auth, "Bearer ")+".", "invalid_request_error", "invalid_api_key")
		return
	}
	switch {
	case err != nil:
		chatError(w, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "")
		return
	case !s.models[req.Model]:
		chatError(w, 404, "The model `"+req.Model+"` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
		return
	case len(req.Messages) < 2 || req.Messages[0].Role != "system" || req.Messages[len(req.Messages)-1].Role != "user":
		chatError(w, 400, "messages: want a system message and a user message", "invalid_request_error", "")
		return
	}
	system, user := req.Messages[0].Content, req.Messages[1].Content
	gloss := map[string]string{}
	for _, m := range glossLineRe.FindAllStringSubmatch(system, -1) {
		gloss[m[1]] = m[2]
	}
	html := strings.Contains(system, "HTML fragments")
	locs := segMarkRe.FindAllStringSubmatchIndex(user, -1)
	var b strings.Builder
	if strings.Contains(system, "[[[source: xx]]]") {
		b.WriteString("[[[source: " + detect(user) + "]]]\n")
	}
	for k, m := range locs {
		end := len(user)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		if slip == "drop" && k == len(locs)-1 && len(locs) > 1 {
			break
		}
		seg := strings.TrimSpace(user[m[1]:end])
		out := fakeTranslate(seg, html, gloss)
		switch slip {
		case "lose-token":
			out = strings.Replace(out, tokRe.FindString(out), "", 1)
		case "break-tags":
			out = strings.ReplaceAll(strings.ReplaceAll(out, "<b>", ""), "</b>", "")
		}
		b.WriteString(user[m[0]:m[1]] + out + "\n\n")
	}
	content := strings.TrimSpace(b.String())
	switch slip {
	case "chatty":
		content = "Sure! Here is the translation:\n\n```text\n" + content + "\n```"
	case "fence":
		content = "```\n" + content + "\n```"
	}
	finish := "stop"
	if slip == "cut" {
		content, finish = content[:len(content)/2], "length"
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": req.Model + "-2025-01",
		"choices": []map[string]any{{"index": 0, "finish_reason": finish,
			"message": map[string]string{"role": "assistant", "content": content}}},
		"usage": map[string]int{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
	})
}
