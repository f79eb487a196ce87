package wire

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// hostGate spaces requests to one host at least delay apart. It is in
// memory, per process: enough for one node polling its sources; nodes that
// share the polling share it through the job queue, which gives each source
// to one node at a time.
type hostGate struct {
	delay time.Duration
	mu    sync.Mutex
	next  map[string]time.Time // host → earliest time of its next request
}

func newHostGate(delay time.Duration) *hostGate {
	return &hostGate{delay: delay, next: make(map[string]time.Time)}
}

// maxGateHosts bounds the map: past it, hosts whose slot is in the past are
// forgotten, as they would not delay anyone anyway.
const maxGateHosts = 4096

// wait reserves the host's next slot and sleeps until it comes, or until
// ctx ends. Reserving before sleeping keeps concurrent callers in order.
func (g *hostGate) wait(ctx context.Context, host string) error {
	if g.delay <= 0 {
		return nil
	}
	host = strings.ToLower(host)
	g.mu.Lock()
	now := time.Now()
	at := g.next[host]
	if at.Before(now) {
		at = now
	}
	g.next[host] = at.Add(g.delay)
	if len(g.next) > maxGateHosts {
		for h, t := range g.next {
			if t.Before(now) {
				delete(g.next, h)
			}
		}
	}
	g.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// politeTransport waits for the host's turn before every request, the
// redirects' included.
type politeTransport struct {
	next http.RoundTripper
	gate *hostGate
}

func (p *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := p.gate.wait(req.Context(), req.URL.Host); err != nil {
		return nil, err
	}
	return p.next.RoundTrip(req)
}
