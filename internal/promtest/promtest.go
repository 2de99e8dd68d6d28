// Package promtest starts real Prometheus and Pushgateway processes for
// integration tests: Start backfills OpenMetrics text (for example from
// omtext.Write) with promtool and serves it from a fresh Prometheus on a free
// loopback port; StartPushgateway runs an empty Pushgateway. Both stop their
// process and remove their files in t.Cleanup.
//
// The binaries are the ones on PATH (Debian's prometheus and
// prometheus-pushgateway packages). When one is missing the test is skipped,
// or fails if the environment variable named by RequireEnv is "1", as it is
// in CI (scripts/test.sh).
package promtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing binary from
// a skipped test into a failed one when set to "1".
const RequireEnv = "NINES_REQUIRE_PROMETHEUS"

const (
	// maxBlockDuration lets promtool write months of data as one or two
	// blocks. promtool rounds it down to the largest compatible block range
	// (39366h, about 4.5 years); its default of 2h makes one block per two
	// hours of data and re-reads the whole input for each one.
	maxBlockDuration = "100000h"
	// retention keeps old data: Prometheus measures retention from the
	// newest block, and the test data may be dated years back.
	retention = "100y"

	startAttempts = 3
	readyTimeout  = 30 * time.Second
	readyPoll     = 50 * time.Millisecond
	stopTimeout   = 5 * time.Second
	tailLines     = 40
)

// prometheusConfig has no scrape jobs: the server only serves backfilled data.
const prometheusConfig = `global:
  scrape_interval: 15s
  evaluation_interval: 15s
`

// Server is a running Prometheus serving backfilled data.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT, without a trailing slash.
	URL string
	// DataDir is the TSDB directory that promtool wrote and Prometheus serves.
	DataDir string
}

// Pushgateway is a running Pushgateway without persistence.
type Pushgateway struct {
	// URL is the base URL, http://127.0.0.1:PORT, without a trailing slash.
	URL string
}

// Start writes openmetrics (OpenMetrics text ending in "# EOF") to a temporary
// directory, backfills it into a fresh TSDB with `promtool tsdb
// create-blocks-from openmetrics`, starts prometheus on that data with a 100y
// retention on a free 127.0.0.1 port and waits until it is ready. The process
// is stopped and the files removed in t.Cleanup. Start fails the test, with
// the tool's output, when promtool rejects the input or prometheus does not
// become ready.
func Start(t testing.TB, openmetrics []byte) *Server {
	t.Helper()
	return startPrometheus(t, lookPath(t, "prometheus"), openmetrics)
}

// startPrometheus is Start with the prometheus binary at path: it backfills
// with the promtool on PATH and serves the blocks with that binary.
func startPrometheus(t testing.TB, prometheus string, openmetrics []byte) *Server {
	t.Helper()
	promtool := lookPath(t, "promtool")

	dir := t.TempDir()
	input := filepath.Join(dir, "input.om")
	dataDir := filepath.Join(dir, "data")
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(input, openmetrics, 0o644); err != nil {
		t.Fatalf("promtest: could not write OpenMetrics input: %v", err)
	}
	if err := os.WriteFile(config, []byte(prometheusConfig), 0o644); err != nil {
		t.Fatalf("promtest: could not write prometheus config: %v", err)
	}

	backfill := exec.CommandContext(t.Context(), promtool, "tsdb", "create-blocks-from", "openmetrics",
		"--quiet", "--max-block-duration="+maxBlockDuration, input, dataDir)
	if out, err := backfill.CombinedOutput(); err != nil {
		t.Fatalf("promtest: could not backfill OpenMetrics data: %s: %v\n%s",
			strings.Join(backfill.Args, " "), err, bytes.TrimSpace(out))
	}

	return serveDir(t, prometheus, config, dataDir)
}

// StartPushgateway starts prometheus-pushgateway with persistence off on a
// free 127.0.0.1 port, waits until it is ready and stops it in t.Cleanup.
// A missing binary skips or fails the test as described for Start.
func StartPushgateway(t testing.TB) *Pushgateway {
	t.Helper()
	pushgateway := lookPath(t, "prometheus-pushgateway")
	url := startDaemon(t, pushgateway, func(addr string) []string {
		return []string{
			"--web.listen-address=" + addr,
			// Debian's default persists to /var/lib/prometheus.
			"--persistence.file=",
		}
	})
	return &Pushgateway{URL: url}
}

// lookPath finds name on PATH, or skips the test (fails it when RequireEnv
// is "1").
func lookPath(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("promtest: %s is not installed (%v); install Debian's prometheus and prometheus-pushgateway packages or run scripts/test.sh", name, err)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s; %s=1 requires it", msg, RequireEnv)
	}
	t.Skip(msg)
	return ""
}

// startDaemon runs path with args(listenAddress) on a free loopback port until
// its /-/ready answers 200, retrying on a new port when the port was taken in
// between. It returns the base URL.
func startDaemon(t testing.TB, path string, args func(addr string) []string) string {
	t.Helper()
	name := filepath.Base(path)
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("promtest: could not find a free port for %s: %v", name, err)
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		url := "http://" + addr

		begin := time.Now()
		d, err := spawn(path, args(addr))
		if err != nil {
			t.Fatalf("promtest: could not start %s: %v", name, err)
		}
		ready := false
		// Registered before waiting, so a failure below still stops it.
		t.Cleanup(func() {
			d.stop()
			if ready && t.Failed() { // startup failures print the output themselves
				t.Logf("promtest: %s output (last %d lines):\n%s", name, tailLines, d.out.tail(tailLines))
			}
		})

		err = d.waitReady(url + "/-/ready")
		if err == nil {
			ready = true
			t.Logf("promtest: %s ready at %s after %s", name, url, time.Since(begin).Round(time.Millisecond))
			return url
		}
		output := d.out.tail(tailLines)
		if errors.Is(err, errExited) && strings.Contains(output, "address already in use") && attempt < startAttempts {
			t.Logf("promtest: port %d was taken before %s could bind it; retrying", port, name)
			continue
		}
		d.stop()
		t.Fatalf("promtest: %s did not become ready: %v\n--- %s output (last %d lines) ---\n%s",
			d.cmd, err, name, tailLines, output)
	}
}

// freePort asks the kernel for a free loopback port. Another process may take
// it before the daemon binds it; startDaemon retries then.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("could not listen on 127.0.0.1:0: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("could not close probe listener: %w", err)
	}
	return port, nil
}

var errExited = errors.New("process exited")

// daemon is a started process whose output is kept in a bounded buffer.
type daemon struct {
	cmd     *exec.Cmd
	out     *tailBuffer
	done    chan struct{} // closed when the process has been waited for
	waitErr error         // valid after done is closed
}

func spawn(path string, args []string) (*daemon, error) {
	cmd := exec.Command(path, args...)
	out := &tailBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("could not run %s: %w", path, err)
	}
	d := &daemon{cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		d.waitErr = cmd.Wait()
		close(d.done)
	}()
	return d, nil
}

// waitReady polls url every readyPoll until it answers 200, the process
// exits (errExited) or readyTimeout passes.
func (d *daemon) waitReady(url string) error {
	client := &http.Client{Timeout: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	var lastErr error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("could not build readiness request: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			lastErr = fmt.Errorf("GET %s: %s", url, resp.Status)
		} else {
			lastErr = err
		}
		select {
		case <-d.done:
			return fmt.Errorf("%w: %v", errExited, d.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %w", readyTimeout, lastErr)
		case <-tick.C:
		}
	}
}

// stop sends SIGTERM, waits up to stopTimeout, then kills. It is safe to call
// more than once.
func (d *daemon) stop() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-d.done:
	case <-timer.C:
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

// tailBuffer keeps the last maxTail bytes written to it; safe for concurrent
// use, since exec copies stdout and stderr from separate goroutines.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const maxTail = 64 << 10

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - maxTail; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// tail returns the last n lines written.
func (b *tailBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimRight(string(b.buf), "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
