package web

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the HTTP figures exported at /metrics.
type Metrics struct {
	requests  *prometheus.CounterVec
	byCode    [600]atomic.Pointer[prometheus.Counter] // resolved label children, so a request costs no label lookup
	duration  prometheus.Histogram
	CacheHit  prometheus.Counter
	CacheMiss prometheus.Counter
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nashra_http_requests_total", Help: "HTTP requests by status code.",
		}, []string{"code"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nashra_http_request_duration_seconds", Help: "Time to answer HTTP requests.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		CacheHit:  prometheus.NewCounter(prometheus.CounterOpts{Name: "nashra_page_cache_hits_total", Help: "Pages served from the page cache."}),
		CacheMiss: prometheus.NewCounter(prometheus.CounterOpts{Name: "nashra_page_cache_misses_total", Help: "Pages rendered because they were not cached."}),
	}
	reg.MustRegister(m.requests, m.duration, m.CacheHit, m.CacheMiss)
	return m
}

// Middleware counts requests by status and times them.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.Observe(sw.status, time.Since(start))
	})
}

// Observe counts one answer; the fast lane calls it for the requests it serves.
func (m *Metrics) Observe(status int, elapsed time.Duration) {
	m.duration.Observe(elapsed.Seconds())
	m.counter(status).Inc()
}

func (m *Metrics) counter(code int) prometheus.Counter {
	if code < 100 || code >= len(m.byCode) {
		return m.requests.WithLabelValues(strconv.Itoa(code))
	}
	if c := m.byCode[code].Load(); c != nil {
		return *c
	}
	c := m.requests.WithLabelValues(strconv.Itoa(code))
	m.byCode[code].Store(&c)
	return c
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
