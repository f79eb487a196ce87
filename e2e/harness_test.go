// Package e2e runs the real nashra binary: processes started and stopped the
// way an operator would, against SQLite and PostgreSQL, and a real Chromium.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"nashra.dev/nashra/internal/testenv"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/nashra once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nashra-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nashra")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "./cmd/nashra")...)
		cmd.Dir = testenv.RepoRoot(t)
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// node is one running 'nashra serve' process.
type node struct {
	URL      string // set before serve returns
	setupURL string // guarded by mu: printed after the URL
	cmd      *exec.Cmd
	mu       sync.Mutex
	log      strings.Builder
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var runningAt = regexp.MustCompile(`Nashra is running at (\S+)/`)
var setupAt = regexp.MustCompile(`(http://\S+/admin/setup\?token=\S+)`)

// serve starts 'nashra serve' with args (plus --addr on a free port) and
// waits until it answers /healthz. The process is stopped with SIGTERM at the
// end of the test, and must exit cleanly.
func serve(t *testing.T, args ...string) *node {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), "NASHRA_FIXTURES="+testenv.Fixtures(t))
	n := &node{cmd: cmd}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			n.mu.Lock()
			n.log.WriteString(line + "\n")
			if m := runningAt.FindStringSubmatch(line); m != nil {
				n.URL = m[1]
				once.Do(func() { close(ready) })
			}
			if m := setupAt.FindStringSubmatch(line); m != nil {
				n.setupURL = m[1]
			}
			n.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("nashra serve did not exit cleanly on SIGTERM: %v\n%s", err, n.Log())
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("nashra serve did not stop within 20s of SIGTERM\n%s", n.Log())
		}
	})
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		t.Fatalf("nashra serve did not start\n%s", n.Log())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := http.Get(n.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				time.Sleep(300 * time.Millisecond) // give the change listener time to connect
				return n
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nashra serve never became healthy\n%s", n.Log())
	return nil
}

// SetupURL is the one-time owner link the process printed, waiting briefly
// for the line; "" when none came.
func (n *node) SetupURL() string {
	for range 40 {
		n.mu.Lock()
		u := n.setupURL
		n.mu.Unlock()
		if u != "" {
			return u
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ""
}

// Log is what the process printed so far.
func (n *node) Log() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.log.String()
}

// run runs the binary to completion and returns its combined output and exit code.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = append(os.Environ(), "NASHRA_FIXTURES="+testenv.Fixtures(t))
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return string(out), code
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
