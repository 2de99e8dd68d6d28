package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/nines-sre/nines/internal/omtext"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

// Other backends than Debian's Prometheus 2.42, for the agreement tests:
// a Prometheus 3.x server that scripts/test.sh builds once from the
// github.com/prometheus/prometheus module version in go.mod, and Debian's
// VictoriaMetrics.
const (
	// BackendsRequireEnv names the environment variable that turns a missing
	// Prometheus 3.x or VictoriaMetrics from a skipped test into a failed
	// one when set to "1", as scripts/test.sh does.
	BackendsRequireEnv = "NINES_REQUIRE_BACKENDS"
	// Prometheus3Env names the environment variable holding the path of a
	// Prometheus 3.x binary (scripts/test.sh builds one and sets it).
	Prometheus3Env = "NINES_PROMETHEUS3"
)

const (
	// vmRetention is VictoriaMetrics's longest retention: it rejects samples
	// older than its retention, and the test data may be dated years back.
	vmRetention = "100y"
	// vmLoadTimeout bounds the wait for imported samples to become
	// searchable.
	vmLoadTimeout = 30 * time.Second
)

// StartPrometheus3 is Start with the Prometheus 3.x binary named by
// Prometheus3Env instead of the one on PATH: the data is backfilled with the
// promtool on PATH (Debian's 2.42; Prometheus 3 reads the blocks it writes)
// and served by the 3.x server. When the variable is unset or names no
// executable, the test is skipped, or fails if BackendsRequireEnv is "1".
func StartPrometheus3(t testing.TB, openmetrics []byte) *Server {
	t.Helper()
	path := os.Getenv(Prometheus3Env)
	if path == "" {
		missingBackend(t, fmt.Sprintf("%s is not set; scripts/test.sh builds Prometheus 3.x from the module in go.mod and sets it", Prometheus3Env))
	}
	if info, err := os.Stat(path); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		missingBackend(t, fmt.Sprintf("%s=%s is not an executable file (%v)", Prometheus3Env, path, err))
	}
	return startPrometheus(t, path, openmetrics)
}

// StartVictoriaMetrics starts Debian's victoria-metrics (single-node) on a
// fresh data directory with a 100y retention and its query cache off, on a
// free 127.0.0.1 port, imports the samples of openmetrics (OpenMetrics text
// ending in "# EOF", as Start takes) through /api/v1/import/prometheus with
// their timestamps, and waits until every imported sample is searchable. The
// process is stopped and its files removed in t.Cleanup. A missing binary
// skips the test, or fails it if BackendsRequireEnv is "1".
func StartVictoriaMetrics(t testing.TB, openmetrics []byte) *Server {
	t.Helper()
	bin, err := exec.LookPath("victoria-metrics")
	if err != nil {
		missingBackend(t, fmt.Sprintf("victoria-metrics is not installed (%v); install Debian's victoria-metrics package or run scripts/test.sh", err))
	}
	text, load, err := promText(openmetrics)
	if err != nil {
		t.Fatalf("promtest: could not convert OpenMetrics input for VictoriaMetrics: %v", err)
	}
	dataDir := filepath.Join(t.TempDir(), "vmdata")
	base := startDaemon(t, bin, func(addr string) []string {
		return []string{
			"-storageDataPath=" + dataDir,
			"-retentionPeriod=" + vmRetention,
			"-httpListenAddr=" + addr,
			// Results must come from the data, not from a cache of an
			// earlier query in the same test.
			"-search.disableCache",
			"-loggerLevel=ERROR",
		}
	})
	if err := vmImport(t.Context(), base, text, load); err != nil {
		t.Fatalf("promtest: could not load data into VictoriaMetrics at %s: %v", base, err)
	}
	return &Server{URL: base, DataDir: dataDir}
}

// missingBackend skips the test with msg, or fails it when
// BackendsRequireEnv is "1".
func missingBackend(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(BackendsRequireEnv) == "1" {
		t.Fatalf("promtest: %s; %s=1 requires it", msg, BackendsRequireEnv)
	}
	t.Skip("promtest: " + msg)
}

// loadSummary is what an import holds: how many samples (NaN ones apart,
// which VictoriaMetrics drops on import), from when to when.
type loadSummary struct {
	samples, nans int
	minT, maxT    int64 // milliseconds since the epoch
}

// promText converts OpenMetrics text to the Prometheus text format with
// millisecond timestamps, as VictoriaMetrics's /api/v1/import/prometheus
// reads it (OpenMetrics timestamps are seconds). Every sample must carry a
// timestamp.
func promText(openmetrics []byte) ([]byte, loadSummary, error) {
	var out bytes.Buffer
	sum := loadSummary{minT: math.MaxInt64, maxT: math.MinInt64}
	p := textparse.NewOpenMetricsParser(openmetrics, labels.NewSymbolTable())
	lset := labels.EmptyLabels()
	for {
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, sum, fmt.Errorf("parsing OpenMetrics: %w", err)
		}
		if entry != textparse.EntrySeries {
			continue
		}
		series, ts, v := p.Series()
		if ts == nil {
			return nil, sum, fmt.Errorf("sample %s has no timestamp", series)
		}
		p.Labels(&lset)
		out.WriteString(lset.Get(labels.MetricName))
		out.WriteByte('{')
		first := true
		lset.Range(func(l labels.Label) {
			if l.Name == labels.MetricName {
				return
			}
			if !first {
				out.WriteByte(',')
			}
			first = false
			out.WriteString(l.Name)
			out.WriteString(`="`)
			out.WriteString(omtext.Escape(l.Value))
			out.WriteByte('"')
		})
		out.WriteString("} ")
		out.WriteString(omtext.FormatValue(v))
		out.WriteByte(' ')
		out.WriteString(strconv.FormatInt(*ts, 10))
		out.WriteByte('\n')
		if math.IsNaN(v) {
			sum.nans++
		} else {
			sum.samples++
		}
		sum.minT, sum.maxT = min(sum.minT, *ts), max(sum.maxT, *ts)
	}
	if sum.samples+sum.nans == 0 {
		return nil, sum, errors.New("no samples")
	}
	return out.Bytes(), sum, nil
}

// vmImport posts text to base's /api/v1/import/prometheus and waits until
// VictoriaMetrics counts all of load's samples. Imports become searchable
// when VictoriaMetrics flushes its buffers; /internal/force_flush asks for
// that at once. NaN samples are not counted: VictoriaMetrics drops them.
func vmImport(ctx context.Context, base string, text []byte, load loadSummary) error {
	client := &http.Client{Timeout: vmLoadTimeout}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/import/prometheus", bytes.NewReader(text))
	if err != nil {
		return fmt.Errorf("could not build import request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("import: %s: %s", resp.Status, bytes.TrimSpace(body))
	}

	if err := vmGet(ctx, client, base+"/internal/force_flush"); err != nil {
		return err
	}

	// Count every sample in (minT-1ms, maxT] at maxT.
	span := load.maxT - load.minT + 1
	q := url.Values{
		"query": {fmt.Sprintf(`sum(count_over_time({__name__=~".+"}[%dms]))`, span)},
		"time":  {strconv.FormatFloat(float64(load.maxT)/1000, 'f', 3, 64)},
	}
	deadline := time.Now().Add(vmLoadTimeout)
	var got float64
	for {
		got, err = vmScalar(ctx, client, base+"/api/v1/query?"+q.Encode())
		if err == nil && got == float64(load.samples) {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("samples not searchable after %s: %w", vmLoadTimeout, err)
			}
			return fmt.Errorf("after %s VictoriaMetrics counts %g samples, %d were imported", vmLoadTimeout, got, load.samples)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// vmGet sends a GET to u and requires a 2xx answer.
func vmGet(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("could not build request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// vmScalar runs an instant query whose answer is one series, or none (0).
func vmScalar(ctx context.Context, client *http.Client, u string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, fmt.Errorf("could not build query: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("query: %w", err)
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, fmt.Errorf("query answer: %s: %w", resp.Status, err)
	}
	if r.Status != "success" {
		return 0, fmt.Errorf("query failed: %s %s", resp.Status, r.Error)
	}
	if len(r.Data.Result) == 0 {
		return 0, nil
	}
	s, ok := r.Data.Result[0].Value[1].(string)
	if !ok {
		return 0, fmt.Errorf("query answer value %v is not a string", r.Data.Result[0].Value[1])
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("query answer value %q: %w", s, err)
	}
	return v, nil
}
