package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
)

// openAPISource is the hand-written OpenAPI 3.1 document of both APIs.
//
//go:embed openapi.json
var openAPISource []byte

// openAPIDocument is the document with this site's address as its server,
// made once: the answer is then a ready byte slice.
func openAPIDocument(baseURL string) []byte {
	if baseURL == "" {
		return openAPISource
	}
	var doc map[string]any
	if err := json.Unmarshal(openAPISource, &doc); err != nil {
		return openAPISource // a test holds the document valid
	}
	doc["servers"] = []map[string]string{{"url": baseURL}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return openAPISource
	}
	return b
}

// serveOpenAPI serves the document to anyone: it describes the APIs, not
// any content, and API tools fetch it from other origins.
func (h *Handler) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(len(h.openAPI)))
	hd.Set("Cache-Control", "public, max-age=300")
	hd.Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(h.openAPI)
}
