package slo_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// counting counts the queries sent to a source and reads no PromQL, so
// Evaluate sends every query on its own.
type counting struct {
	q slo.Querier
	n atomic.Int64
}

func (c *counting) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	c.n.Add(1)
	return c.q.Query(ctx, query, at)
}

// batching is counting with Prometheus's parser: Evaluate batches.
type batching struct {
	counting
	prom.PromQL
}

// batchAt is the evaluation time of the batching test; the data has a
// sample a minute from batchAt-3d-1h to batchAt.
var batchAt = time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)

// batchData is 100 services sharing http_requests_total{service, code}:
// svc-000 to svc-096 serve 10 to 19 requests a minute with errors in a
// pattern of their own; "quiet" has no 5xx series at all, "zero" a 5xx
// series that never grows; "ghost" (an SLO below) has no data. It returns
// the exact errors and requests over the last day of svc-001.
func batchData(t *testing.T) ([]byte, float64, float64) {
	t.Helper()
	fam := omtext.Family{Name: "http_requests", Type: omtext.Counter}
	start := batchAt.Add(-73 * time.Hour)
	n := int(batchAt.Sub(start)/time.Minute) + 1
	var bad1, total1 float64
	add := func(service string, ok, errs func(i int) float64, withErrs bool) {
		okS := omtext.Series{Labels: map[string]string{"service": service, "code": "200"}}
		errS := omtext.Series{Labels: map[string]string{"service": service, "code": "503"}}
		var okV, errV float64
		for i := range n {
			at := start.Add(time.Duration(i) * time.Minute)
			if i > 0 {
				okV += ok(i)
				errV += errs(i)
				if service == "svc-001" && at.After(batchAt.Add(-24*time.Hour)) {
					bad1 += errs(i)
					total1 += ok(i) + errs(i)
				}
			}
			okS.Samples = append(okS.Samples, omtext.Sample{T: at, V: okV})
			errS.Samples = append(errS.Samples, omtext.Sample{T: at, V: errV})
		}
		fam.Series = append(fam.Series, okS)
		if withErrs {
			fam.Series = append(fam.Series, errS)
		}
	}
	for s := range 97 {
		add(fmt.Sprintf("svc-%03d", s), func(i int) float64 { return float64(10 + (i+s)%10) },
			func(i int) float64 {
				if (i+3*s)%(13+s%5) == 0 {
					return float64(1 + s%3)
				}
				return 0
			}, true)
	}
	add("quiet", func(int) float64 { return 12 }, func(int) float64 { return 0 }, false)
	add("zero", func(int) float64 { return 12 }, func(int) float64 { return 0 }, true)
	var b bytes.Buffer
	if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), bad1, total1
}

// batchFleet is an availability SLO per service (and "ghost", with no
// data): 100 SLOs over a 3d window with the default alert windows.
func batchFleet() []slo.SLO {
	var names []string
	for s := range 97 {
		names = append(names, fmt.Sprintf("svc-%03d", s))
	}
	names = append(names, "quiet", "zero", "ghost")
	out := make([]slo.SLO, len(names))
	for i, name := range names {
		out[i] = slo.SLO{Service: name, Name: "availability", Tier: "t", Objective: 0.99,
			Window: slo.Window{Rolling: 72 * time.Hour}, Alerts: budget.DefaultAlertWindows(),
			SLI: slo.SLI{Kind: slo.Events,
				Bad:   fmt.Sprintf(`sum(increase(http_requests_total{service=%q,code=~"5.."}[{{.window}}]))`, name),
				Total: fmt.Sprintf(`sum(increase(http_requests_total{service=%q}[{{.window}}]))`, name)}}
	}
	return out
}

// TestBatchingEqualsSingleQueries evaluates 100 SLOs sharing a metric on a
// real Prometheus with and without batching: every evaluation must be
// identical (reflect.DeepEqual: the same floats, states, assumptions and
// warnings). Each group of a `sum by` adds the same series in the same
// order as the group's own `sum`, so no tolerance is needed.
func TestBatchingEqualsSingleQueries(t *testing.T) {
	data, bad1, total1 := batchData(t)
	srv := promtest.Start(t, data)
	h := serveHTTP(t, srv.URL)
	fleet := batchFleet()
	opts := slo.EvalOptions{At: batchAt}

	single := &counting{q: h}
	want := slo.Evaluate(t.Context(), single, fleet, opts)
	batched := &batching{counting: counting{q: h}}
	got := slo.Evaluate(t.Context(), batched, fleet, opts)

	for i := range fleet {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s batched:\n%+v\nalone:\n%+v", fleet[i].ID(), got[i], want[i])
		}
	}
	// The comparison is not of empty answers: the truth of one service,
	// and the services without errors or data, are what they should be.
	byID := map[string]slo.Evaluation{}
	for _, e := range got {
		if e.Err != nil {
			t.Errorf("%s: %v", e.SLO.ID(), e.Err)
		}
		byID[e.SLO.ID()] = e
	}
	var day slo.Measurement
	for _, m := range byID["svc-001/availability"].Burn {
		if m.Window == 24*time.Hour {
			day = m
		}
	}
	// Aligned samples at both ends of the range: increase() is exact, and
	// Measurement.Bad is ErrorRatio × Total, which may round in the last
	// bits (1e-12 relative).
	if math.Abs(day.Bad-bad1) > 1e-12*bad1 || day.Total != total1 || bad1 == 0 {
		t.Errorf("svc-001 over 1d: %v bad of %v, truth %v of %v", day.Bad, day.Total, bad1, total1)
	}
	if e := byID["ghost/availability"]; e.SLI.State != slo.NoData {
		t.Errorf("ghost: state %s, want no_data", e.SLI.State)
	}
	for _, id := range []string{"quiet/availability", "zero/availability"} {
		if e := byID[id]; e.SLI.State != slo.DataOK || e.SLI.Bad != 0 || e.SLI.Total == 0 {
			t.Errorf("%s: %+v, want 0 errors of some requests", id, e.SLI)
		}
	}
	if a := byID["quiet/availability"].Assumptions; len(a) == 0 || !strings.Contains(a[0], "no series") {
		t.Errorf("quiet: assumptions %q, want the missing error series stated", a)
	}
	if a := byID["zero/availability"].Assumptions; len(a) != 0 {
		t.Errorf("zero: assumptions %q, want none (its error series is there)", a)
	}

	// 7 windows (the 3d SLO window is also an alert window): alone, 100
	// SLOs × 7 windows × 2 queries + 1 coverage query each; batched, one
	// query per window and query kind, and one coverage query.
	t.Logf("100 SLOs: %d queries alone, %d batched", single.n.Load(), batched.n.Load())
	if n := single.n.Load(); n != 1500 {
		t.Errorf("%d queries alone, want 1500", n)
	}
	if n := batched.n.Load(); n != 15 {
		t.Errorf("%d queries batched, want 15", n)
	}
}
