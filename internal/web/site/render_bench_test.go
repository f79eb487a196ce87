package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"nashra.dev/nashra/bench/benchsite"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/store/storetest"

	defaulttheme "nashra.dev/nashra/themes/default"
)

// BenchmarkRenderArticle is the presentation half of an uncached article
// page — the page's data made from posts already read, and the templates
// executed — without the queries, so that template changes can be measured
// apart from the database (internal/app's BenchmarkArticleUncached measures
// the whole request).
//
//	go test -run '^$' -bench RenderArticle ./internal/web/site/
func BenchmarkRenderArticle(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	res, err := benchsite.Fill(ctx, db, benchsite.Options{Posts: 200, MinBody: 28 << 10, MaxBody: 42 << 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	cs := content.New(db, nil)
	h, err := New(ctx, cs, settings.New(db), Options{BaseURL: "http://127.0.0.1:8080", Theme: defaulttheme.FS})
	if err != nil {
		b.Fatal(err)
	}
	p, err := cs.LookupHTML(ctx, res.Target.Slug)
	if err != nil {
		b.Fatal(err)
	}
	editions, err := cs.Editions(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	st := h.cur.Load()
	related, err := st.related.Related(ctx, p, 4)
	if err != nil || len(related) == 0 {
		b.Fatalf("related: %d, %v", len(related), err)
	}
	req := httptest.NewRequest(http.MethodGet, res.Path, nil)
	w := &countingWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.n = 0
		pg, err := h.articlePage(req, st, p, editions, related, false, nil)
		if err != nil {
			b.Fatal(err)
		}
		h.render(w, req, http.StatusOK, "article", pg)
	}
	if w.n < 40<<10 || !strings.Contains(w.last, "</html>") {
		b.Fatalf("page of %d bytes", w.n)
	}
	b.ReportMetric(float64(w.n), "page-bytes")
}

type countingWriter struct {
	header http.Header
	n      int
	last   string
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.last = string(p[max(0, len(p)-16):])
	return len(p), nil
}
