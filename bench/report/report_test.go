// Package report benchmarks the cost report of a large fleet: 1,000 SLOs
// (500 services of two SLOs) over a quarter from a fake source, and the
// workbook it writes (a Daily sheet of 92,000 rows, about 1.01 million
// cells), with the Daily sheet streamed (excelize's StreamWriter, as `nines
// report` writes it) and not (the normal row-by-row API). It reports the wall
// time, the peak live heap (sampled every 2 ms) and the process's peak RSS.
//
//	go test -run '^$' -bench . -benchtime 3x ./bench/report/
//
// run.sh runs each benchmark in its own process, so that each peak RSS is
// its own.
package report

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

const (
	services = 500 // two SLOs each
	step     = 5 * time.Minute
)

var (
	quarter = slo.Period{Name: "2026-Q3", Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	at      = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
)

const tiers = `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 30d
    cost:
      currency: EUR
      revenue: {per_year: 52594920, share: 1, recovery: 20}
      responders:
        - {role: support, people: 2, rate: 50, hours_per_incident: 1, hours_per_outage_hour: 1}
        - {role: engineering, people: 3, rate: 120, hours_per_incident: 2, hours_per_outage_hour: 1}
      sla:
        monthly_contract_value: 20000
        credits: [{below: 99.9, credit: 10}]
      opportunity: {hours_per_incident: 8, hourly_value: 150}
`

// catalog writes and loads the specs of the fleet.
func catalog(b *testing.B) *slo.Catalog {
	b.Helper()
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiers.yaml"), []byte(tiers), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := range services {
		name := fmt.Sprintf("svc%03d", i)
		spec := fmt.Sprintf(`version: nines/v1
service: %[1]s
tier: gold
owner: {team: team%[2]d}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(%[1]s_errors_total[{{.window}}]))
        total: sum(increase(%[1]s_requests_total[{{.window}}]))
  - name: latency
    objective: 99
    sli:
      events:
        bad: sum(increase(%[1]s_slow_total[{{.window}}]))
        total: sum(increase(%[1]s_requests_total[{{.window}}]))
`, name, i%20)
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(spec), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return cat
}

// fake answers every query from the metric's name: 1,000 requests a step,
// errors and slow requests at a low background with a few outages a quarter
// per service at places that depend on its number.
type fake struct{}

func (fake) series(q string) (service int, kind string) {
	i := strings.Index(q, "svc")
	fmt.Sscanf(q[i+3:i+6], "%d", &service)
	switch {
	case strings.Contains(q, "_errors_total"):
		return service, "errors"
	case strings.Contains(q, "_slow_total"):
		return service, "slow"
	}
	return service, "requests"
}

// perMinute is the events a minute of one series at t.
func (fake) perMinute(service int, kind string, t time.Time) float64 {
	switch kind {
	case "requests":
		return 1000
	case "errors":
		// An hour-long outage every 19 days, offset by service.
		h := int(t.Sub(quarter.Start).Hours()) + service*7
		if h%(19*24) == 0 {
			return 1000
		}
		return 0.2
	default:
		return 2
	}
}

func (f fake) Query(_ context.Context, q string, t time.Time) (slo.Result, error) {
	svc, kind := f.series(q)
	w := windowOf(q)
	// Integrate by hour over the window: enough for an instant query.
	var v float64
	for x := t.Add(-w); x.Before(t); x = x.Add(time.Hour) {
		v += f.perMinute(svc, kind, x) * math.Min(60, t.Sub(x).Minutes())
	}
	return slo.Result{Samples: []slo.Sample{{Value: v}}}, nil
}

func (f fake) QueryRange(_ context.Context, q string, start, end time.Time, st time.Duration) (slo.RangeResult, error) {
	svc, kind := f.series(q)
	w := windowOf(q)
	pts := make([]slo.Point, 0, int(end.Sub(start)/st)+1)
	for t := start; !t.After(end); t = t.Add(st) {
		pts = append(pts, slo.Point{T: t, V: f.perMinute(svc, kind, t.Add(-w/2)) * w.Minutes()})
	}
	return slo.RangeResult{Series: []slo.Series{{Points: pts}}}, nil
}

func windowOf(q string) time.Duration {
	i, j := strings.LastIndex(q, "["), strings.LastIndex(q, "]")
	d, err := time.ParseDuration(strings.TrimSuffix(q[i+1:j], "d") + map[bool]string{true: "h", false: ""}[strings.HasSuffix(q[i+1:j], "d")])
	if err != nil {
		return time.Hour
	}
	if strings.HasSuffix(q[i+1:j], "d") {
		d *= 24
	}
	return d
}

// build runs the pricing pipeline as the report command does.
func build(b *testing.B, cat *slo.Catalog) *report.CostReport {
	b.Helper()
	var slos []slo.SLO
	for _, s := range cat.Services {
		slos = append(slos, s.SLOs...)
	}
	ctx := context.Background()
	src := fake{}
	evals := slo.Evaluate(ctx, src, slos, slo.EvalOptions{At: at, Period: &quarter, WindowOnly: true})
	months := app.MonthsOf(quarter.Start, quarter.End, time.UTC)
	var sla []slo.SLO
	for _, s := range slos {
		if s.Name == "availability" {
			sla = append(sla, s)
		}
	}
	for i := range months {
		months[i].Evals = slo.Evaluate(ctx, src, sla, slo.EvalOptions{At: at, Period: &months[i].Month, WindowOnly: true})
	}
	scans := slo.Scan(ctx, src, slos, slo.ScanOptions{Start: quarter.Start, End: quarter.End, Step: step})
	r, err := app.NewCostReport(app.CostInput{Catalog: cat, Period: quarter, At: at, Source: "fake", Evals: evals, Months: months,
		Scans: scans, Detection: report.NewDetection(step, "bench", slo.DefaultMergeGap, 0)})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// peak samples the live heap every 2 ms until stopped.
type peak struct {
	max  atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startPeak() *peak {
	runtime.GC()
	p := &peak{stop: make(chan struct{})}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > p.max.Load() {
				p.max.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peak) done() float64 {
	close(p.stop)
	p.wg.Wait()
	return float64(p.max.Load()) / (1 << 20)
}

func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}

// BenchmarkPipeline prices the quarter: evaluation over the quarter and its
// months, the incident scan of 26,496 steps per SLO, and the report model.
func BenchmarkPipeline(b *testing.B) {
	cat := catalog(b)
	b.ResetTimer()
	var heap float64
	for b.Loop() {
		p := startPeak()
		r := build(b, cat)
		heap = max(heap, p.done())
		if len(r.Services) != services {
			b.Fatalf("%d services", len(r.Services))
		}
	}
	b.ReportMetric(heap, "peak-heap-MB")
	b.ReportMetric(maxRSS(), "maxrss-MB")
}

func benchWorkbook(b *testing.B, opts report.XLSXOptions) {
	cat := catalog(b)
	r := build(b, cat)
	cells := r.DailyCount * 11
	b.ResetTimer()
	var heap float64
	for b.Loop() {
		p := startPeak()
		pr := app.NewPeriodReport(cat, r)
		pr.Options = opts
		if err := pr.WriteXLSX(io.Discard); err != nil {
			b.Fatal(err)
		}
		heap = max(heap, p.done())
	}
	b.ReportMetric(float64(cells), "daily-cells")
	b.ReportMetric(float64(len(r.Incidents)), "incidents")
	b.ReportMetric(heap, "peak-heap-MB")
	b.ReportMetric(maxRSS(), "maxrss-MB")
}

// BenchmarkWorkbookStreamed writes the workbook as nines report does.
func BenchmarkWorkbookStreamed(b *testing.B) { benchWorkbook(b, report.XLSXOptions{}) }

// BenchmarkWorkbookNotStreamed writes the Daily sheet with the normal API.
func BenchmarkWorkbookNotStreamed(b *testing.B) {
	benchWorkbook(b, report.XLSXOptions{DailyWithoutStream: true})
}
