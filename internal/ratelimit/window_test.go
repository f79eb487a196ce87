package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

func TestWindowSlides(t *testing.T) {
	l := NewWindow(3, time.Minute)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, at := range []time.Duration{0, 10 * time.Second, 20 * time.Second} {
		if wait := l.Allow("k", t0.Add(at)); wait != 0 {
			t.Fatalf("request %d refused for %v", i+1, wait)
		}
	}
	if wait := l.Allow("k", t0.Add(30*time.Second)); wait != 30*time.Second {
		t.Fatalf("fourth: wait %v, want 30s", wait)
	}
	if wait := l.Allow("other", t0.Add(30*time.Second)); wait != 0 {
		t.Fatalf("another key refused: %v", wait)
	}
	// The refused request was not counted: at 60s the first leaves the window.
	if wait := l.Allow("k", t0.Add(60*time.Second)); wait != 0 {
		t.Fatalf("after the first left the window: %v", wait)
	}
	if wait := l.Allow("k", t0.Add(61*time.Second)); wait == 0 {
		t.Fatal("the window holds three again")
	}
	if wait := l.Allow("k", t0.Add(69*time.Second+600*time.Millisecond)); wait != time.Second {
		t.Fatalf("a wait under a second rounds up to one: %v", wait)
	}
}

func TestWindowForgetsIdleAndBoundsKeys(t *testing.T) {
	l := NewWindow(1, time.Minute)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxKeys + 10 {
		l.Allow(strconv.Itoa(i), t0)
	}
	if n := l.Len(); n > MaxKeys {
		t.Fatalf("%d keys remembered", n)
	}
	l.Allow("late", t0.Add(2*time.Minute))
	if n := l.Len(); n != 1 {
		t.Fatalf("idle keys not swept: %d", n)
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.5":           "203.0.113.5",
		"203.0.113.5:8080":      "203.0.113.5",
		"::ffff:203.0.113.5":    "203.0.113.5",
		"2001:db8:1:2:3:4:5:6":  "2001:db8:1:2::/64",
		"[2001:db8:1:2::9]:443": "2001:db8:1:2::/64",
		"fe80::1%eth0":          "fe80::/64",
		"not an ip":             "not an ip",
	} {
		if got := ClientKey(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
