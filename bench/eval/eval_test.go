// Package eval benchmarks nines's evaluation against a real Prometheus: the
// wall time of slo.Evaluate through prom.HTTP next to the floor, the same
// PromQL queries sent directly with net/http at the same concurrency, in one
// run, and their ratio.
//
//	go test -run '^$' -bench . -benchtime 20x ./bench/eval/
package eval

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

const (
	services    = 50
	days        = 8
	concurrency = 8
)

var at = time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)

// data is one counter pair per service, a sample a minute for days.
func data() []byte {
	fam := omtext.Family{Name: "bench_requests", Type: omtext.Counter}
	n := days * 24 * 60
	for s := range services {
		for _, code := range []string{"200", "500"} {
			ser := omtext.Series{Labels: map[string]string{"service": fmt.Sprintf("svc%03d", s), "code": code}}
			v := 0.0
			for i := range n + 1 {
				if code == "200" {
					v += 1000
				} else if i%7 == 0 {
					v++
				}
				ser.Samples = append(ser.Samples, omtext.Sample{T: at.Add(time.Duration(i-n) * time.Minute), V: v})
			}
			fam.Series = append(fam.Series, ser)
		}
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func slos() []slo.SLO {
	var out []slo.SLO
	for s := range services {
		name := fmt.Sprintf("svc%03d", s)
		out = append(out, slo.SLO{
			Service: name, Name: "availability", Objective: 0.999,
			Window: slo.Window{Rolling: 7 * budget.Day, Location: time.UTC},
			Alerts: budget.DefaultAlertWindows(),
			SLI: slo.SLI{Kind: slo.Events,
				Bad:   fmt.Sprintf(`sum(increase(bench_requests_total{service=%q,code="500"}[{{.window}}]))`, name),
				Total: fmt.Sprintf(`sum(increase(bench_requests_total{service=%q}[{{.window}}]))`, name)},
		})
	}
	return out
}

// queries lists the distinct queries an evaluation of ss sends: the
// windows' (measure) and the coverage query of each SLO (coverage).
func queries(ss []slo.SLO) (measure, coverage []string) {
	for _, s := range ss {
		ws := append([]time.Duration{s.Window.Rolling}, budget.Windows(s.Alerts)...)
		for _, w := range ws {
			measure = append(measure, s.SLI.Queries(w).All()...)
		}
		coverage = append(coverage, slo.CoverageQuery(s.SLI, s.Window.Rolling))
	}
	return measure, coverage
}

func BenchmarkEvaluateVersusDirectQueries(b *testing.B) {
	srv := promtest.Start(b, data())
	ss := slos()
	measure, coverage := queries(ss)
	qs := append(measure, coverage...)
	h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Concurrency: concurrency})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	// The same wire format as prom.HTTP: prometheus/common's transport asks for
	// no compression (gzip would cost both sides CPU on this 2-core machine).
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, DisableCompression: true}}
	ctx := context.Background()

	// Warm both paths (connections, Prometheus's caches) before measuring.
	if _, err := promtest.Direct(ctx, client, srv.URL, qs, at, concurrency, false); err != nil {
		b.Fatal(err)
	}
	for _, e := range slo.Evaluate(ctx, h, ss, slo.EvalOptions{At: at}) {
		if e.Err != nil || e.State() != slo.DataOK {
			b.Fatalf("%s: state %s err %v", e.SLO.ID(), e.State(), e.Err)
		}
	}

	var floor, floorMeasure, nines time.Duration
	b.ResetTimer()
	runFloor := func() {
		t0 := time.Now()
		if _, err := promtest.Direct(ctx, client, srv.URL, qs, at, concurrency, false); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(t0)
		// What the coverage queries cost: the floor without them.
		t0 = time.Now()
		if _, err := promtest.Direct(ctx, client, srv.URL, measure, at, concurrency, false); err != nil {
			b.Fatal(err)
		}
		floorMeasure += time.Since(t0)
	}
	runNines := func() {
		t0 := time.Now()
		slo.Evaluate(ctx, h, ss, slo.EvalOptions{At: at})
		nines += time.Since(t0)
	}
	for i := range b.N {
		// Alternate which goes first, so that neither always runs on the
		// caches the other warmed, and drift hits both alike.
		if i%2 == 0 {
			runFloor()
			runNines()
		} else {
			runNines()
			runFloor()
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(floor.Milliseconds())/n, "floor-ms/op")
	b.ReportMetric(float64(floorMeasure.Milliseconds())/n, "floor-without-coverage-ms/op")
	b.ReportMetric(float64(nines.Milliseconds())/n, "nines-ms/op")
	b.ReportMetric(float64(nines)/float64(floor), "ratio")
	b.Logf("%d SLOs, %d queries each run (%d of them coverage): floor %v (%v without coverage), nines %v, ratio %.3f",
		len(ss), len(qs), len(coverage), floor/time.Duration(b.N), floorMeasure/time.Duration(b.N), nines/time.Duration(b.N), float64(nines)/float64(floor))
}
