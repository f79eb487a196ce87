package newsletter

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// The sender process of TestCrashSIGKILL is this test binary run again
// with these variables set; TestHelperSender is its body.
const (
	envHelper = "NASHRA_NEWSLETTER_HELPER" // "1" in the sender process
	envDSN    = "NASHRA_NEWSLETTER_DSN"
	envSMTP   = "NASHRA_NEWSLETTER_SMTP"
	envSend   = "NASHRA_NEWSLETTER_SEND"
	envNode   = "NASHRA_NEWSLETTER_NODE"
)

// TestCrashSIGKILL is the crash test: a send to 20,000 subscribers
// by a separate process that is killed with SIGKILL (no deferred function,
// no cleanup, connections cut mid-transaction) once the SMTP sink has about
// 5,000 messages, then started again, must deliver exactly one message to
// each. On SQLite one node does it; on PostgreSQL two nodes work the send
// together and one of them is killed and restarted.
// NASHRA_CRASH_RECIPIENTS changes the size.
func TestCrashSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts sender processes; not in -short")
	}
	n := 20_000
	if raceDetector {
		// Under -race (as CI runs) the sender processes are race-built
		// too, and 20,000 would take three minutes: the same test at a
		// quarter of the size. Run without -race for the figure.
		n = 5_000
		t.Logf("race detector on: %d recipients instead of 20,000", n)
	}
	if v, err := strconv.Atoi(os.Getenv("NASHRA_CRASH_RECIPIENTS")); err == nil && v > 0 {
		n = v
	}
	killAt := int64(n / 4)
	storetest.EachURL(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		s := seedPost(t, db, n, true)
		sk := startSink(t, false, nil)
		e := newEngine(t, db, mail.Outbox{Dir: t.TempDir()}, "creator")
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		nodes := []string{"node-a"}
		if db.Dialect() == store.Postgres {
			nodes = append(nodes, "node-b")
		}
		start := time.Now()
		procs := map[string]*sender{}
		for _, node := range nodes {
			procs[node] = startSender(t, dsn, sk.addr, send.ID, node)
		}
		waitFor(t, 3*time.Minute, func() bool { return sk.total.Load() >= killAt })
		victim := procs["node-a"]
		if err := victim.cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = victim.wait()
		atKill := sk.total.Load()
		var claimed, sent int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM deliveries WHERE send_id = ? AND status = 'claimed' AND claimed_by LIKE 'node-a:%'", send.ID).Scan(&claimed)
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM deliveries WHERE send_id = ? AND status = 'sent'", send.ID).Scan(&sent)
		t.Logf("node-a killed (SIGKILL) after %v: the sink had %d messages, the database %d rows sent, %d rows left claimed by the dead process",
			time.Since(start).Round(time.Millisecond), atKill, sent, claimed)
		var dead string // the killed engine's claim token
		_ = db.QueryRow(ctx, "SELECT MIN(claimed_by) FROM deliveries WHERE send_id = ? AND claimed_by LIKE 'node-a:%'", send.ID).Scan(&dead)

		procs["node-a"] = startSender(t, dsn, sk.addr, send.ID, "node-a")
		for node, p := range procs {
			if err := p.wait(); err != nil {
				t.Fatalf("%s: %v\n%s", node, err, p.out.String())
			}
		}
		got := sk.counts()
		st, err := e.Progress(ctx, send.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Sort what was not received exactly once. A duplicate breaks the
		// guarantee. A skip is explained only if its row was checkpointed
		// 'sent' by the killed process: the kill fell between its commit
		// and its final dot, the window deliver.go admits (a few µs; at
		// most one member per worker). Anything else is a bug.
		dup, window, other := 0, 0, 0
		for _, a := range s.emails {
			switch c := got[a]; {
			case c > 1:
				dup += c - 1
			case c == 0:
				var status, by string
				_ = db.QueryRow(ctx, `SELECT d.status, d.claimed_by FROM deliveries d JOIN members m ON m.id = d.member_id
					WHERE d.send_id = ? AND m.email = ?`, send.ID, a).Scan(&status, &by)
				if status == "sent" && by == dead {
					window++
				} else {
					other++
				}
				t.Logf("skipped %s: row %s by %s (the killed process was %s)", a, status, by, dead)
			}
		}
		t.Logf("done in %v: %d recipients, %d messages received: %d duplicates, %d skipped in the checkpoint-to-dot window, %d skipped otherwise; progress %+v",
			time.Since(start).Round(time.Millisecond), n, sk.total.Load(), dup, window, other, st)
		if dup > 0 || other > 0 {
			checkExactlyOnce(t, got, s.emails)
		}
		switch {
		case window > testOptions("").Workers:
			t.Errorf("%d members skipped in the window, more than the killed node's %d workers can be", window, testOptions("").Workers)
		case window > 0 && os.Getenv("NASHRA_CRASH_STRICT") == "1":
			t.Errorf("%d member(s) skipped: the SIGKILL fell between a checkpoint and its final dot", window)
		case window > 0:
			// A kill at an arbitrary instant can fall between a checkpoint
			// and its final dot: no SMTP client can make that atomic. The
			// design never delivers twice and bounds the loss to one member
			// per worker; it is reported here (NASHRA_CRASH_STRICT=1 fails
			// on it), and measured in bench/README.md.
			t.Logf("NOTE: %d member(s) skipped in the checkpoint-to-dot window (NASHRA_CRASH_STRICT=1 fails on it)", window)
		}
		if st.Status != StatusDone || st.Sent != n || st.Pending != 0 {
			t.Errorf("progress = %+v", st)
		}
	})
}

// sender is one sender process.
type sender struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	once sync.Once
	err  error
}

func startSender(t *testing.T, dsn, smtpAddr string, sendID int64, node string) *sender {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSender$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envHelper+"=1", envDSN+"="+dsn, envSMTP+"="+smtpAddr,
		envSend+"="+strconv.FormatInt(sendID, 10), envNode+"="+node)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &sender{cmd: cmd, out: out}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = p.wait() })
	return p
}

func (p *sender) wait() error {
	p.once.Do(func() { p.err = p.cmd.Wait() })
	return p.err
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestHelperSender is the sender process of TestCrashSIGKILL (it skips in
// a normal run): one node that works the send until it is done.
func TestHelperSender(t *testing.T) {
	if os.Getenv(envHelper) != "1" {
		t.Skip("the sender process of TestCrashSIGKILL")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(envDSN))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := (&sink{addr: os.Getenv(envSMTP)}).config()
	tr := NewSMTP(cfg, nil)
	defer tr.Close()
	opt := testOptions(os.Getenv(envNode))
	opt.BatchSize = 100
	e, err := New(db, tr, time.Now, opt)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(os.Getenv(envSend), 10, 64)
	start := time.Now()
	if err := e.RunSend(ctx, id); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%s: RunSend returned after %v\n", os.Getenv(envNode), time.Since(start))
}
