// Package fleet benchmarks a fleet of 1,000 and 2,000 event SLOs, each
// with its own queries, against a real Prometheus: the raw path (the SLI's
// queries over raw samples) and the recorded path (the recorded series of
// `nines rules`, docs/fast-path.md) in one run, with the wall time, the
// queries sent, the samples Prometheus scanned for them (stats=all), the
// peak heap, and the floor: the same queries sent directly with net/http
// at the same concurrency.
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 60m ./bench/fleet/
//
// The first run builds the data (about 81 million samples, with promtool)
// and keeps it in $NINES_BENCH_FLEET_DIR or the temporary directory.
package fleet

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

const concurrency = 8

func fleet(n int) []slo.SLO {
	out := make([]slo.SLO, n)
	for s := range n {
		name := serviceName(s)
		out[s] = slo.SLO{Service: name, Name: "availability", Tier: "bench", Objective: 0.999,
			Window: slo.Window{Rolling: 7 * budget.Day, Location: time.UTC}, Alerts: budget.DefaultAlertWindows(),
			SLI: slo.SLI{Kind: slo.Events,
				Bad:   fmt.Sprintf(`sum(increase(r_total{s=%q,c="500"}[{{.window}}]))`, name),
				Total: fmt.Sprintf(`sum(increase(r_total{s=%q}[{{.window}}]))`, name)}}
	}
	return out
}

// recording passes queries on and keeps them.
type recording struct {
	q    slo.Querier
	mu   sync.Mutex
	sent []string
}

func (r *recording) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	r.mu.Lock()
	r.sent = append(r.sent, query)
	r.mu.Unlock()
	return r.q.Query(ctx, query, at)
}

// peakHeap samples the live heap every millisecond until stop is closed.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

type run struct {
	wall, floor time.Duration
	queries     int
	samples     int64
	heap        uint64
	evals       []slo.Evaluation
}

// measure evaluates ss in mode, then sends the queries it sent directly,
// once to time them and once with stats=all to count the samples. The
// floor is timed before and after the evaluation (the queries are known
// from a first evaluation), and the mean kept, so that neither side
// always runs on the caches the other warmed.
func measure(b *testing.B, h *prom.HTTP, c *http.Client, base string, ss []slo.SLO, mode slo.RecordedMode) run {
	ctx := context.Background()
	first := &recording{q: h}
	slo.Evaluate(ctx, first, ss, slo.EvalOptions{At: at, Recorded: mode})
	t0 := time.Now()
	if _, err := promtest.Direct(ctx, c, base, first.sent, at, concurrency, false); err != nil {
		b.Fatal(err)
	}
	before := time.Since(t0)
	rec := &recording{q: h}
	runtime.GC()
	stop := make(chan struct{})
	heap := peakHeap(stop)
	t0 = time.Now()
	evals := slo.Evaluate(ctx, rec, ss, slo.EvalOptions{At: at, Recorded: mode})
	wall := time.Since(t0)
	close(stop)
	r := run{wall: wall, queries: len(rec.sent), heap: <-heap, evals: evals}
	for _, e := range evals {
		if e.Err != nil || e.State() != slo.DataOK {
			b.Fatalf("%s (%s): state %s err %v", e.SLO.ID(), mode, e.State(), e.Err)
		}
	}
	t0 = time.Now()
	if _, err := promtest.Direct(ctx, c, base, rec.sent, at, concurrency, false); err != nil {
		b.Fatal(err)
	}
	r.floor = (before + time.Since(t0)) / 2
	var err error
	if r.samples, err = promtest.Direct(ctx, c, base, rec.sent, at, concurrency, true); err != nil {
		b.Fatal(err)
	}
	return r
}

// maxRelDiff is the largest relative difference of the two paths' counts
// over every window of every SLO.
func maxRelDiff(raw, rec []slo.Evaluation) float64 {
	worst := 0.0
	for i := range raw {
		a := append([]slo.Measurement{raw[i].SLI}, raw[i].Burn...)
		c := append([]slo.Measurement{rec[i].SLI}, rec[i].Burn...)
		for j := range a {
			for _, p := range [][2]float64{{a[j].Total, c[j].Total}, {a[j].Bad, c[j].Bad}} {
				worst = max(worst, math.Abs(p[0]-p[1])/math.Max(1, math.Max(math.Abs(p[0]), math.Abs(p[1]))))
			}
		}
	}
	return worst
}

// fleetSizes are the fleets to measure: 1,000 and 2,000 SLOs, or those
// of $NINES_BENCH_FLEET_SIZES (comma-separated, at most 2,000), to run one
// part of the benchmark alone.
func fleetSizes(b *testing.B) []int {
	v := os.Getenv("NINES_BENCH_FLEET_SIZES")
	if v == "" {
		return []int{1000, 2000}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > fleetMax {
			b.Fatalf("NINES_BENCH_FLEET_SIZES=%q: give sizes from 1 to %d, comma-separated", v, fleetMax)
		}
		out = append(out, n)
	}
	return out
}

func BenchmarkFleet(b *testing.B) {
	srv := promtest.Serve(b, fleetData(b))
	h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Concurrency: concurrency, Timeout: 10 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	// The same wire format as prom.HTTP: no gzip, as prometheus/common's
	// transport.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, DisableCompression: true}}
	// Warm Prometheus's page cache over the whole fleet once.
	slo.Evaluate(context.Background(), h, fleet(slices.Max(fleetSizes(b))), slo.EvalOptions{At: at, Recorded: slo.RecordedNever})

	var lines []string
	results := map[string]run{}
	for range b.N {
		for _, n := range fleetSizes(b) {
			ss := fleet(n)
			raw := measure(b, h, client, srv.URL, ss, slo.RecordedNever)
			rec := measure(b, h, client, srv.URL, ss, slo.RecordedAuto)
			for _, e := range rec.evals {
				if e.Path != slo.PathRecorded {
					b.Fatalf("%s: path %s (%s)", e.SLO.ID(), e.Path, e.PathReason)
				}
			}
			results[fmt.Sprint("raw", n)], results[fmt.Sprint("rec", n)] = raw, rec
			for _, x := range []struct {
				name string
				r    run
			}{{"raw", raw}, {"recorded", rec}} {
				lines = append(lines, fmt.Sprintf("%5d SLOs %-8s  wall %8s  floor %8s  (%.2fx)  queries %6d  samples %11d  peak heap %4d MiB",
					n, x.name, x.r.wall.Round(time.Millisecond), x.r.floor.Round(time.Millisecond), float64(x.r.wall)/float64(x.r.floor),
					x.r.queries, x.r.samples, x.r.heap>>20))
			}
			lines = append(lines, fmt.Sprintf("%5d SLOs raw/recorded: %.1fx the time, %.1fx the samples, %.0fx the queries; counts agree to %.1e relative",
				n, float64(raw.wall)/float64(rec.wall), float64(raw.samples)/float64(rec.samples), float64(raw.queries)/float64(rec.queries),
				maxRelDiff(raw.evals, rec.evals)))
		}
	}
	b.StopTimer()
	r1, ok1 := results["raw1000"]
	r2, ok2 := results["raw2000"]
	f1, f2 := results["rec1000"], results["rec2000"]
	if ok1 {
		b.ReportMetric(float64(r1.wall)/float64(f1.wall), "raw/recorded-time-1000")
		b.ReportMetric(float64(r1.samples)/float64(f1.samples), "raw/recorded-samples-1000")
		b.ReportMetric(float64(r1.wall)/float64(r1.floor), "raw/floor-1000")
	}
	if ok1 && ok2 {
		lines = append(lines, fmt.Sprintf("1000 -> 2000 SLOs: raw %.2fx the time, recorded %.2fx", float64(r2.wall)/float64(r1.wall), float64(f2.wall)/float64(f1.wall)))
		b.ReportMetric(float64(r2.wall)/float64(r1.wall), "raw-2000/1000")
		b.ReportMetric(float64(f2.wall)/float64(f1.wall), "recorded-2000/1000")
	}
	b.Logf("fleet of event SLOs, 7d window and the four default alerts, 4 one-minute series each, %d queries in flight:\n%s",
		concurrency, strings.Join(lines, "\n"))
}
