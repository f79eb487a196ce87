package members

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestWindowLimiterSlides(t *testing.T) {
	l := newWindowLimiter(3, time.Minute)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, at := range []time.Duration{0, 10 * time.Second, 20 * time.Second} {
		if err := l.allow("k", t0.Add(at)); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	err := l.allow("k", t0.Add(30*time.Second))
	var te *ThrottledError
	if !errors.As(err, &te) || te.RetryAfter != 30*time.Second {
		t.Fatalf("fourth: %v", err)
	}
	if err := l.allow("other", t0.Add(30*time.Second)); err != nil {
		t.Fatalf("other key: %v", err)
	}
	// The refused request was not counted: at 60s the first leaves the window.
	if err := l.allow("k", t0.Add(60*time.Second)); err != nil {
		t.Fatalf("after the first left the window: %v", err)
	}
	if err := l.allow("k", t0.Add(61*time.Second)); err == nil {
		t.Fatal("the window holds three again")
	}
}

func TestWindowLimiterForgetsIdleAndBoundsKeys(t *testing.T) {
	l := newWindowLimiter(1, time.Minute)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range maxLimiterKeys + 10 {
		_ = l.allow(strconv.Itoa(i), t0)
	}
	if n := len(l.hits); n > maxLimiterKeys {
		t.Fatalf("%d keys remembered", n)
	}
	_ = l.allow("late", t0.Add(2*time.Minute))
	if n := len(l.hits); n != 1 {
		t.Fatalf("idle keys not swept: %d", n)
	}
}

func TestIPKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.5":           "203.0.113.5",
		"203.0.113.5:8080":      "203.0.113.5",
		"::ffff:203.0.113.5":    "203.0.113.5",
		"2001:db8:1:2:3:4:5:6":  "2001:db8:1:2::/64",
		"[2001:db8:1:2::9]:443": "2001:db8:1:2::/64",
		"fe80::1%eth0":          "fe80::/64",
		"not an ip":             "not an ip",
	} {
		if got := ipKey(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
