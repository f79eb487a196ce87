package app

import (
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store/storetest"
)

// TestFastLaneMatchesNetHTTP asks the real site for its cached pages twice:
// once as the fast lane answers them, once with a cookie (which sends the
// request to net/http; a cookie other than a member's still gets the cached
// page) and wants the same status, headers and body, Date aside. A header
// some middleware adds to net/http's answers only would show here.
func TestFastLaneMatchesNetHTTP(t *testing.T) {
	s := startSite(t, storetest.SQLite(t), 16)
	host := strings.TrimPrefix(s.URL, "http://")
	paths := []string{"/", "/" + url.PathEscape(s.Sample) + "/", "/feed/", "/feed/atom/", "/feed.json",
		"/sitemap.xml", "/robots.txt", "/opensearch.xml", "/static/favicon.svg"}
	date := regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)
	raw := func(req string) string {
		t.Helper()
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, req)
		c.(*net.TCPConn).CloseWrite()
		b, _ := io.ReadAll(c)
		return date.ReplaceAllString(string(b), "Date: -\r")
	}
	answers := func() float64 {
		m := regexp.MustCompile(`(?m)^nashra_fast_lane_answers_total (\S+)$`).FindStringSubmatch(s.mustGet(t, "/metrics", 200))
		if m == nil {
			t.Fatal("no nashra_fast_lane_answers_total in /metrics")
		}
		n, _ := strconv.ParseFloat(m[1], 64)
		return n
	}
	before := answers()
	for _, p := range paths {
		s.mustGet(t, p, 200) // renders and caches
		for _, ae := range []string{"", "Accept-Encoding: gzip\r\n"} {
			head := "GET " + p + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: test\r\n" + ae
			lane := raw(head + "\r\n")
			netHTTP := raw(head + "Cookie: theme=dark\r\n\r\n")
			if !strings.HasPrefix(lane, "HTTP/1.1 200 OK\r\n") {
				t.Fatalf("GET %s: %.200q", p, lane)
			}
			if lane != netHTTP {
				t.Errorf("GET %s (%q): the lane and net/http differ\nlane:\n%.1500s\nnet/http:\n%.1500s", p, ae, lane, netHTTP)
			}
		}
	}
	if got := answers() - before; got < float64(2*len(paths)) {
		t.Errorf("the fast lane answered %v of the %d cached requests", got, 2*len(paths))
	}
}
