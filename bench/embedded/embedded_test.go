// Package embedded benchmarks the embedded PromQL engine (prom.OpenFile):
// the time and memory to load 1M and 10M samples, against promtool's
// backfill of the same file as the baseline, and the wall time of the quick
// start (`nines burn` on the demo dataset), against loading the demo and
// sending the same kind of queries in-process.
//
//	go test -run '^$' -bench . -benchtime 3x ./bench/embedded/
//
// Each load runs in a fresh child process (this test binary re-executed), so
// that its peak RSS is its own.
package embedded

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
)

// childEnv names the file a child process loads; its presence makes the test
// binary a child.
const childEnv = "NINES_BENCH_EMBEDDED_LOAD"

var (
	demo       = filepath.Join("..", "..", "specs", "demo", "metrics.om.gz")
	specs      = filepath.Join("..", "..", "specs")
	quickStart = time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)
)

// childResult is what a child reports on stdout.
type childResult struct {
	LoadSeconds  float64 `json:"load_seconds"`
	QuerySeconds float64 `json:"query_seconds"`
	HeapMB       float64 `json:"heap_mb"` // live heap with the engine open, after GC
}

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(child(path))
	}
	os.Exit(m.Run())
}

// child loads path, runs one SLO-style query over the whole file and prints
// a childResult.
func child(path string) int {
	ctx := context.Background()
	start := time.Now()
	e, err := prom.OpenFile(ctx, path, prom.EmbeddedOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer e.Close()
	load := time.Since(start)

	start = time.Now()
	res, err := e.Query(ctx, `sum(increase(bench_requests_total{code="500"}[30d])) / sum(increase(bench_requests_total[30d]))`, benchEnd)
	if err != nil || len(res.Samples) != 1 {
		fmt.Fprintln(os.Stderr, "query:", res, err)
		return 1
	}
	query := time.Since(start)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if err := json.NewEncoder(os.Stdout).Encode(childResult{
		LoadSeconds:  load.Seconds(),
		QuerySeconds: query.Seconds(),
		HeapMB:       float64(ms.HeapInuse) / (1 << 20),
	}); err != nil {
		return 1
	}
	return 0
}

// benchEnd is the time of the last sample of the generated files.
var benchEnd = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// writeBenchFile writes series×perSeries samples of counters one minute
// apart, ending at benchEnd, as plain OpenMetrics text: the shape of SLO data
// (few series, long history). It streams: 10M samples are about 700 MB of
// text, too much to build in memory first.
func writeBenchFile(tb testing.TB, path string, series, perSeries int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 1))
	first := benchEnd.Add(-time.Duration(perSeries-1) * time.Minute).Unix()
	fmt.Fprintln(w, "# TYPE bench_requests counter")
	for s := range series {
		code := "200"
		if s%2 == 1 {
			code = "500"
		}
		labels := fmt.Sprintf(`bench_requests_total{service="svc%03d",code=%q}`, s/2, code)
		v := 0
		for i := range perSeries {
			if code == "200" {
				v += 900 + r.IntN(200)
			} else if r.IntN(10) == 0 {
				v++
			}
			fmt.Fprintf(w, "%s %d %d\n", labels, v, first+int64(i)*60)
		}
	}
	fmt.Fprintln(w, "# EOF")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// run runs cmd and returns its wall time and peak RSS in MB.
func run(tb testing.TB, cmd *exec.Cmd) (time.Duration, float64) {
	tb.Helper()
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v", cmd, err)
	}
	wall := time.Since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return wall, 0
	}
	return wall, float64(ru.Maxrss) / 1024 // kB on Linux
}

func BenchmarkLoad(b *testing.B) {
	promtool, _ := exec.LookPath("promtool")
	for _, size := range []struct {
		name              string
		series, perSeries int
	}{
		{"samples=1M", 10, 100_000},
		{"samples=10M", 100, 100_000},
	} {
		b.Run(size.name, func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "bench.om")
			writeBenchFile(b, path, size.series, size.perSeries)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			self, err := os.Executable()
			if err != nil {
				b.Fatal(err)
			}
			var load, query, heap, rss, promtoolWall float64
			b.ResetTimer()
			for b.Loop() {
				cmd := exec.Command(self)
				cmd.Env = append(os.Environ(), childEnv+"="+path)
				cmd.Stderr = os.Stderr
				out, err := cmd.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				var res childResult
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				if err := json.NewDecoder(out).Decode(&res); err != nil {
					b.Fatal(err)
				}
				if err := cmd.Wait(); err != nil {
					b.Fatal(err)
				}
				ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
				load += res.LoadSeconds
				query += res.QuerySeconds
				heap = max(heap, res.HeapMB)
				if ru != nil {
					rss = max(rss, float64(ru.Maxrss)/1024)
				}

				if promtool != "" {
					b.StopTimer()
					wall, _ := run(b, exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
						"--max-block-duration=100000h", path, filepath.Join(dir, fmt.Sprintf("tsdb-%d", b.N))))
					promtoolWall += wall.Seconds()
					b.StartTimer()
				}
			}
			n := float64(b.N)
			samples := float64(size.series * size.perSeries)
			b.ReportMetric(load/n*1000, "load-ms")
			b.ReportMetric(samples/(load/n)/1e6, "Msamples/s")
			b.ReportMetric(query/n*1000, "query30d-ms")
			b.ReportMetric(heap, "heap-MB")
			b.ReportMetric(rss, "peakRSS-MB")
			b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
			if promtool != "" {
				b.ReportMetric(promtoolWall/n*1000, "promtool-ms")
				b.ReportMetric((load/n)/(promtoolWall/n), "ratio")
			}
		})
	}
}

// BenchmarkQuickStart times the quick-start command as a user runs it, built
// from cmd/nines.
func BenchmarkQuickStart(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "nines")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/nines")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("could not build nines: %v", err)
	}
	var rss float64
	for b.Loop() {
		cmd := exec.Command(bin, "burn", "--specs", specs, "--source", demo, "--at", quickStart.Format(time.RFC3339))
		_, peak := run(b, cmd)
		rss = max(rss, peak)
	}
	b.ReportMetric(rss, "peakRSS-MB")
}

// BenchmarkDemoQueries is the in-process floor of the quick start: load the
// demo and evaluate the good/bad and total queries of the five example SLOs
// over the SLO window and the seven alert windows.
func BenchmarkDemoQueries(b *testing.B) {
	queries := demoQueries()
	for b.Loop() {
		e, err := prom.OpenFile(b.Context(), demo, prom.EmbeddedOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range queries {
			if _, err := e.Query(b.Context(), q, quickStart); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(queries)), "queries/op")
}

func demoQueries() []string {
	var qs []string
	for _, w := range []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"} {
		qs = append(qs,
			fmt.Sprintf(`sum(increase(http_requests_total{service="checkout",code=~"5.."}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_requests_total{service="checkout"}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_requests_total{service="search",code!~"5.."}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_request_duration_seconds_bucket{service="checkout",le="0.3"}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_request_duration_seconds_count{service="checkout"}[%s]))`, w),
			fmt.Sprintf(`sum(sum_over_time(probe_success{job="blackbox"}[%s])) / sum(count_over_time(probe_success{job="blackbox"}[%s]))`, w, w),
		)
	}
	return append(qs, "sum(increase(recommendations_fallback_total[2w]))\n/\nsum(increase(recommendations_requests_total[2w]))")
}
