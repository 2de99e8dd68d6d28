package main

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// realPrometheus starts a real Prometheus with the scenario's data, once per
// test binary, and writes the scenario specs. The truth comes with it.
func realPrometheus(t *testing.T) (url, specs string, truth scenario.Truth) {
	t.Helper()
	om, truth := scenario.Generate()
	srv := promtest.Start(t, om)
	specs = t.TempDir()
	if err := scenario.WriteSpecs(specs); err != nil {
		t.Fatal(err)
	}
	return srv.URL, specs, truth
}

// relTol is the tolerance of every comparison with the truth. The scenario's
// samples are aligned to the evaluation time, so each range [at-w, at] starts
// and ends on a sample and Prometheus 2.x's increase() extrapolates nothing:
// the only error left is floating-point summation over up to 10^7 events.
const relTol = 1e-9

func near(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-12
	}
	return math.Abs(got-want)/math.Abs(want) < relTol
}

func TestIntegrationBurnAgainstRealPrometheus(t *testing.T) {
	url, specs, truth := realPrometheus(t)
	s, out, errOut := testStreams(nil)
	code := run(context.Background(), []string{"burn", "-o", "json", "--specs", specs,
		"--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339)}, s)
	if code != exitOK {
		t.Fatalf("burn exit code %d, stderr:\n%s", code, errOut)
	}
	var rep report.BurnReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("burn -o json is not JSON: %v\n%s", err, out)
	}
	got := map[string]report.SLOStatus{}
	for _, s := range rep.SLOs {
		got[s.Service+"/"+s.SLO] = s
	}
	if len(got) != 9 {
		t.Fatalf("got %d SLOs, want 9: %v", len(got), keys(got))
	}

	week := 7 * 24 * time.Hour
	windows := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}
	type want struct {
		objective float64
		ratio     func(w time.Duration) (bad, total float64)
		length    time.Duration // SLO window length
		elapsed   time.Duration
		firing    []string
		condition string
	}
	wants := map[string]want{
		"steady/availability":    {0.999, truth.Events["steady/availability"].Window, week, week, nil, "operational"},
		"steady/monthly":         {0.999, truth.Events["steady/monthly"].Window, 30 * 24 * time.Hour, week, nil, "operational"},
		"steady/latency":         {0.99, truth.Events["steady/latency"].Window, week, week, nil, "operational"},
		"burning/availability":   {0.999, truth.Events["burning/availability"].Window, week, week, []string{"page 1h/5m 14.4x"}, "outage"},
		"exhausted/availability": {0.999, truth.Events["exhausted/availability"].Window, week, week, nil, "operational"},
		"gateway/reachability":   {0.999, truth.Probes["gateway/reachability"].Window, week, week, nil, "operational"},
	}
	for id, w := range wants {
		t.Run(id, func(t *testing.T) {
			s, ok := got[id]
			if !ok {
				t.Fatalf("no row for %s", id)
			}
			if s.DataState != "ok" {
				t.Fatalf("data state %q (%s), want ok", s.DataState, s.Reason)
			}
			bad, total := w.ratio(w.elapsed)
			ratio := bad / total
			if !near(*s.ErrorRatio, ratio) || !near(*s.Availability, 1-ratio) {
				t.Errorf("error ratio %v, availability %v; want %v, %v", *s.ErrorRatio, *s.Availability, ratio, 1-ratio)
			}
			if s.Total != nil && !near(*s.Total, total) {
				t.Errorf("total events %v, want %v", *s.Total, total)
			}
			used := ratio * w.elapsed.Minutes() / ((1 - w.objective) * w.length.Minutes())
			if !near(*s.BudgetLeft, 1-used) {
				t.Errorf("budget left %v, want %v", *s.BudgetLeft, 1-used)
			}
			leftMin := (1-w.objective)*w.length.Minutes() - ratio*w.elapsed.Minutes()
			if !near(*s.BudgetLeftMinutes, leftMin) {
				t.Errorf("budget left minutes %v, want %v", *s.BudgetLeftMinutes, leftMin)
			}
			for _, br := range s.BurnRates {
				win := time.Duration(br.Seconds * float64(time.Second))
				b, tot := w.ratio(win)
				wantBurn := b / tot / (1 - w.objective)
				if br.BurnRate == nil || !near(*br.BurnRate, wantBurn) {
					t.Errorf("burn rate over %s = %v, want %v", br.Window, br.BurnRate, wantBurn)
				}
			}
			if len(s.BurnRates) != len(windows) {
				t.Errorf("got %d burn windows, want %d", len(s.BurnRates), len(windows))
			}
			if f := s.Firing(); strings.Join(f, ",") != strings.Join(w.firing, ",") {
				t.Errorf("firing %q, want %q", f, w.firing)
			}
			if s.Condition != w.condition {
				t.Errorf("condition %q, want %q", s.Condition, w.condition)
			}
			// Time to exhaustion projects the budget left at the 1h burn rate.
			b1, t1 := w.ratio(time.Hour)
			burn1h := b1 / t1 / (1 - w.objective)
			switch {
			case 1-used <= 0 || burn1h == 0:
				if s.TimeToExhaustionSeconds != nil {
					t.Errorf("time to exhaustion %v, want none", *s.TimeToExhaustionSeconds)
				}
			default:
				wantTTE := (1 - used) * w.length.Seconds() / burn1h
				if s.TimeToExhaustionSeconds == nil || math.Abs(*s.TimeToExhaustionSeconds-wantTTE) > 1e-3 {
					t.Errorf("time to exhaustion %v s, want %v s", s.TimeToExhaustionSeconds, wantTTE)
				}
			}
		})
	}

	// The exhausted service overspent: budget left is well below zero.
	if bl := *got["exhausted/availability"].BudgetLeft; bl > -10 {
		t.Errorf("exhausted budget left %v, want below -10 (a 2h outage in 7d at 99.9%%)", bl)
	}
	// The counter reset did not count as a drop of millions of events.
	if tot := *got["exhausted/availability"].Total; !near(tot, 7*1440*500) {
		t.Errorf("exhausted total events %v across a counter reset, want %v", tot, 7*1440*500)
	}
	// raw: a constant 1% fallback ratio at a 99% objective burns at exactly 1.
	recs := got["recs/personalised"]
	if recs.DataState != "ok" || !near(*recs.ErrorRatio, truth.Ratios["recs/personalised"]) || recs.Total != nil {
		t.Errorf("recs: state %q ratio %v total %v; want ok, 0.01, no events", recs.DataState, recs.ErrorRatio, recs.Total)
	}
	// No metrics at all is no data, never 100% available.
	ghost := got["ghost/availability"]
	if ghost.DataState != "no_data" || ghost.Availability != nil || ghost.BudgetLeft != nil || ghost.Condition != "no_data" {
		t.Errorf("ghost: state %q availability %v budget %v condition %q; want no_data with null numbers",
			ghost.DataState, ghost.Availability, ghost.BudgetLeft, ghost.Condition)
	}
	// Fewer events than min_events is insufficient data.
	if sp := got["sparse/availability"]; sp.DataState != "insufficient_data" || sp.Availability != nil {
		t.Errorf("sparse: state %q availability %v; want insufficient_data and null", sp.DataState, sp.Availability)
	}
}

func TestIntegrationStatusAgainstRealPrometheus(t *testing.T) {
	url, specs, _ := realPrometheus(t)
	s, out, errOut := testStreams(nil)
	code := run(context.Background(), []string{"status", "--specs", specs,
		"--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339)}, s)
	if code != exitOK {
		t.Fatalf("status exit code %d, stderr:\n%s", code, errOut)
	}
	want := map[string]string{
		"burning":   "outage",
		"steady":    "operational",
		"exhausted": "operational",
		"gateway":   "operational",
		"recs":      "operational",
		"ghost":     "no data",
		"sparse":    "no data",
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if n := len(lines) - 1; n > 0 && strings.HasPrefix(lines[n], "-o wide adds ") {
		lines = lines[:n]
	}
	// No recording rules: every SLO reads raw data, and the table says so.
	if n := len(lines) - 1; n > 0 && lines[n] == "path: raw data for every SLO." {
		lines = lines[:n]
	} else {
		t.Errorf("the status table does not end with the path of its SLOs:\n%s", out)
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("status printed %d lines, want %d:\n%s", len(lines), len(want)+1, out)
	}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		status := f[2]
		if f[2] == "no" {
			status = "no data"
		}
		if want[f[0]] != status {
			t.Errorf("service %s is %q, want %q (line %q)", f[0], status, want[f[0]], l)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
