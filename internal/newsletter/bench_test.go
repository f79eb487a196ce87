package newsletter

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// BenchmarkSend100k measures a whole send, RunSend from the first claim to
// the send marked done, to an SMTP sink in the same process over loopback:
// 100,000 recipients by default (NASHRA_BENCH_RECIPIENTS), the Arabic test
// post (about 10 KB a message), the two-phase SMTP path with 4 workers and
// a pool of 8 connections. It reports messages per second and the peak of
// the Go heap in use (runtime.ReadMemStats every 50 ms; the sink, which
// only counts, is in the same heap). Sub-benchmarks: SQLite and PostgreSQL (with
// NASHRA_TEST_POSTGRES), each without DKIM and with an RSA-2048 signature
// per message (what `nashra serve` does). Seeding and CreateSend are not
// timed; CreateSend's time is reported as create-ms.
//
//	go test -run '^$' -bench Send100k -benchtime 1x ./internal/newsletter/
func BenchmarkSend100k(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("NASHRA_BENCH_RECIPIENTS")); err == nil && v > 0 {
		n = v
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := nmail.NewSigner("news.example.test", "nashra", key)
	if err != nil {
		b.Fatal(err)
	}
	stores := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}}
	if os.Getenv("NASHRA_TEST_POSTGRES") != "" {
		stores = append(stores, struct {
			name string
			open func(testing.TB) *store.DB
		}{"postgres", storetest.Postgres})
	}
	for _, st := range stores {
		for _, sig := range []struct {
			name string
			s    *nmail.Signer
		}{{"nodkim", nil}, {"dkim", signer}} {
			b.Run(st.name+"/"+sig.name, func(b *testing.B) {
				for range b.N {
					benchSend(b, st.open(b), n, sig.s)
				}
			})
		}
	}
}

func benchSend(b *testing.B, db *store.DB, n int, signer *nmail.Signer) {
	b.StopTimer()
	ctx := context.Background()
	s := seed(b, db, n)
	sk := startSink(b, false, func(s *sink) { s.light = true })
	tr := NewSMTP(sk.config(), signer)
	defer tr.Close()
	opt := testOptions("bench")
	opt.BatchSize = 200
	e, err := New(db, tr, time.Now, opt)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
	if err != nil {
		b.Fatal(err)
	}
	create := time.Since(t0)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	b.StartTimer()
	start := time.Now()
	if err := e.RunSend(ctx, send.ID); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	<-done
	if got := sk.total.Load(); got != int64(n) {
		b.Fatalf("the sink received %d messages, want %d", got, n)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(base.HeapInuse)/(1<<20), "start-heap-MB")
	b.ReportMetric(float64(create.Milliseconds()), "create-ms")
}
