package slo_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// fakeQuerier answers by the first rule whose substring the query contains.
type fakeQuerier struct {
	rules    []rule
	mu       sync.Mutex
	queries  []string
	inFlight atomic.Int32
	maxIn    atomic.Int32
	delay    time.Duration
}

type rule struct {
	contains string
	values   []float64 // one sample each; none = empty result
	err      error
	warn     string
	// shift moves the samples' timestamps from the time asked: a stale answer.
	shift time.Duration
}

func (f *fakeQuerier) Query(_ context.Context, q string, asked time.Time) (slo.Result, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	for _, r := range f.rules {
		if strings.Contains(q, r.contains) {
			if r.err != nil {
				return slo.Result{}, r.err
			}
			res := slo.Result{}
			if r.warn != "" {
				res.Warnings = []string{r.warn}
			}
			for _, v := range r.values {
				res.Samples = append(res.Samples, slo.Sample{Value: v, T: asked.Add(r.shift)})
			}
			return res, nil
		}
	}
	return slo.Result{}, nil
}

var at = time.Date(2026, 9, 15, 12, 0, 0, 0, time.UTC)

func eventsSLO(name string) slo.SLO {
	return slo.SLO{
		Service: "svc", Name: name, Objective: 0.999,
		Window: slo.Window{Rolling: 30 * budget.Day, Location: time.UTC},
		Alerts: budget.DefaultAlertWindows(),
		SLI: slo.SLI{Kind: slo.Events,
			Bad:   `sum(increase(bad_total[{{.window}}]))`,
			Total: `sum(increase(total_total[{{.window}}]))`},
	}
}

func TestEvaluateDataStates(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name      string
		rules     []rule
		slo       func() slo.SLO
		wantState slo.DataState
		wantRatio float64
		wantErr   string
		wantWarn  string
	}{
		{name: "bad and total give the error ratio", rules: []rule{{"bad_total", []float64{5}, nil, "", 0}, {"total_total", []float64{10000}, nil, "", 0}},
			wantState: slo.DataOK, wantRatio: 0.0005},
		{name: "no bad series at all counts as no errors", rules: []rule{{"total_total", []float64{10000}, nil, "", 0}},
			wantState: slo.DataOK, wantRatio: 0},
		{name: "no total series is no data, never 100%", rules: []rule{{"bad_total", []float64{0}, nil, "", 0}},
			wantState: slo.NoData},
		{name: "a total of zero is no data", rules: []rule{{"bad_total", []float64{0}, nil, "", 0}, {"total_total", []float64{0}, nil, "", 0}},
			wantState: slo.NoData},
		{name: "a NaN total is an evaluation error", rules: []rule{{"bad_total", []float64{1}, nil, "", 0}, {"total_total", []float64{nan}, nil, "", 0}},
			wantErr: `returned NaN over 30d: an events SLI counts events`},
		{name: "an infinite bad count is an evaluation error, never shown", rules: []rule{{"bad_total", []float64{math.Inf(1)}, nil, "", 0}, {"total_total", []float64{100}, nil, "", 0}},
			wantErr: "returned +Inf over 30d"},
		{name: "a raw ratio of +Inf is an evaluation error",
			rules: []rule{{"ratio", []float64{math.Inf(1)}, nil, "", 0}},
			slo: func() slo.SLO {
				s := eventsSLO("x")
				s.SLI = slo.SLI{Kind: slo.Raw, ErrorRatio: "ratio[{{.window}}]"}
				return s
			}, wantErr: "returned +Inf"},
		{name: "several series are summed, with a warning", rules: []rule{{"bad_total", []float64{1, 2}, nil, "", 0}, {"total_total", []float64{600, 400}, nil, "", 0}},
			wantState: slo.DataOK, wantRatio: 0.003, wantWarn: "summed"},
		{name: "more bad than total is clamped to 1 and reported", rules: []rule{{"bad_total", []float64{20}, nil, "", 0}, {"total_total", []float64{10}, nil, "", 0}},
			wantState: slo.DataOK, wantRatio: 1, wantWarn: "clamped to 1"},
		{name: "fewer events than the minimum is insufficient data", rules: []rule{{"total_total", []float64{50}, nil, "", 0}},
			slo: func() slo.SLO { s := eventsSLO("x"); s.MinEvents = 100; return s }, wantState: slo.InsufficientData},
		{name: "source warnings reach the user", rules: []rule{{"total_total", []float64{50}, nil, "partial response", 0}},
			wantState: slo.DataOK, wantWarn: "partial response"},
		{name: "a source error is an evaluation error", rules: []rule{{"total_total", nil, errors.New("connection refused"), "", 0}},
			wantErr: "could not evaluate SLO svc/x: connection refused"},
		{name: "a latency threshold that is no bucket bound is an error",
			rules: []rule{{"_count", []float64{100}, nil, "", 0}},
			slo: func() slo.SLO {
				s := eventsSLO("x")
				s.SLI = slo.SLI{Kind: slo.Latency, Metric: "lat_seconds", Threshold: 0.25}
				return s
			}, wantErr: `lat_seconds has no bucket le="0.25"`},
		{name: "a raw ratio of NaN (0/0) is no data",
			rules: []rule{{"ratio", []float64{nan}, nil, "", 0}},
			slo: func() slo.SLO {
				s := eventsSLO("x")
				s.SLI = slo.SLI{Kind: slo.Raw, ErrorRatio: "ratio[{{.window}}]"}
				return s
			}, wantState: slo.NoData},
		{name: "a raw ratio is used as is",
			rules: []rule{{"ratio", []float64{0.002}, nil, "", 0}},
			slo: func() slo.SLO {
				s := eventsSLO("x")
				s.SLI = slo.SLI{Kind: slo.Raw, ErrorRatio: "ratio[{{.window}}]"}
				return s
			}, wantState: slo.DataOK, wantRatio: 0.002},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := eventsSLO("x")
			if c.slo != nil {
				s = c.slo()
			}
			e := slo.Evaluate(context.Background(), &fakeQuerier{rules: c.rules}, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
			if c.wantErr != "" {
				if e.Err == nil || !strings.Contains(e.Err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", e.Err, c.wantErr)
				}
				return
			}
			if e.Err != nil {
				t.Fatalf("unexpected error %v", e.Err)
			}
			if e.State() != c.wantState {
				t.Fatalf("state %q (%s), want %q", e.State(), e.SLI.Reason, c.wantState)
			}
			if c.wantState == slo.DataOK && math.Abs(e.SLI.ErrorRatio-c.wantRatio) > 1e-12 {
				t.Errorf("error ratio %v, want %v (tolerance 1e-12: one division)", e.SLI.ErrorRatio, c.wantRatio)
			}
			if c.wantState != slo.DataOK && e.SLI.Reason == "" {
				t.Error("a state other than ok must say why")
			}
			if c.wantWarn != "" && !strings.Contains(strings.Join(e.Warnings, "|"), c.wantWarn) {
				t.Errorf("warnings %q, want one containing %q", e.Warnings, c.wantWarn)
			}
		})
	}
}

func TestEvaluateRunsEachDistinctQueryOnceAndConcurrently(t *testing.T) {
	f := &fakeQuerier{rules: []rule{{"total_total", []float64{1000}, nil, "", 0}}, delay: 20 * time.Millisecond}
	a, b := eventsSLO("a"), eventsSLO("b") // same queries: they must be shared
	slo.Evaluate(context.Background(), f, []slo.SLO{a, b}, slo.EvalOptions{At: at})
	// The SLO window (30d) and 7 alert windows, a bad and a total query
	// each, and the coverage query.
	if len(f.queries) != 17 {
		t.Errorf("ran %d queries, want 17 distinct ones", len(f.queries))
	}
	if f.maxIn.Load() < 17 {
		t.Errorf("at most %d queries were in flight at once, want all 17 together", f.maxIn.Load())
	}
}

func TestEvaluateCalendarWindowsMeasureToDate(t *testing.T) {
	s := eventsSLO("monthly")
	s.Window = slo.Window{Calendar: slo.Month, Location: time.UTC}
	f := &fakeQuerier{rules: []rule{{"bad_total[14d12h]", []float64{10}, nil, "", 0}, {"total_total[14d12h]", []float64{10000}, nil, "", 0}, {"total_total", []float64{1}, nil, "", 0}}}
	e := slo.Evaluate(context.Background(), f, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
	if e.Err != nil || e.State() != slo.DataOK {
		t.Fatalf("state %q err %v", e.State(), e.Err)
	}
	if !e.Start.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) || e.Length != 30*budget.Day || e.Elapsed != 14*budget.Day+12*time.Hour {
		t.Errorf("start %v length %v elapsed %v", e.Start, e.Length, e.Elapsed)
	}
	if e.Period != "2026-09" {
		t.Errorf("period %q", e.Period)
	}
	// 0.1% errors over 14.5 days of a 30-day month at 99.9%: 48.33% of the budget.
	if want := 0.001 * 14.5 / (0.001 * 30); math.Abs(e.Status.BudgetUsed-want) > 1e-9 {
		t.Errorf("budget used %v, want %v", e.Status.BudgetUsed, want)
	}
}

func TestEvaluateANamedQuarterEndsAtItsEnd(t *testing.T) {
	p, err := slo.ParsePeriod("2026-Q2", at, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeQuerier{rules: []rule{{"total_total[13w", []float64{1000}, nil, "", 0}}}
	e := slo.Evaluate(context.Background(), f, []slo.SLO{eventsSLO("q")}, slo.EvalOptions{At: at, Period: &p})[0]
	if e.State() != slo.DataOK || e.Period != "2026-Q2" || e.Elapsed != p.Length() || e.Length != 91*budget.Day {
		t.Errorf("state %q period %q elapsed %v length %v (queries %q)", e.State(), e.Period, e.Elapsed, e.Length, f.queries)
	}
}

func TestParsePeriod(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		in, name   string
		start, end string
		loc        *time.Location
	}{
		{"2026-Q3", "2026-Q3", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z", time.UTC},
		{"2026-q1", "2026-Q1", "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", time.UTC},
		{"2026-02", "2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", time.UTC},
		{"month", "2026-09", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", time.UTC},
		{"quarter", "2026-Q3", "2026-06-30T22:00:00Z", "2026-09-30T22:00:00Z", berlin},
	}
	for _, c := range cases {
		p, err := slo.ParsePeriod(c.in, at, c.loc)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if p.Name != c.name || p.Start.UTC().Format(time.RFC3339) != c.start || p.End.UTC().Format(time.RFC3339) != c.end {
			t.Errorf("%s: got %s %s..%s", c.in, p.Name, p.Start.UTC().Format(time.RFC3339), p.End.UTC().Format(time.RFC3339))
		}
	}
	if prev := mustPeriod(t, "2026-Q1").Previous(); prev.Name != "2025-Q4" {
		t.Errorf("previous of 2026-Q1 is %s", prev.Name)
	}
	if _, err := slo.ParsePeriod("2026-Q5", at, time.UTC); err == nil || !strings.Contains(err.Error(), "use month, quarter") {
		t.Errorf("got %v", err)
	}
}

func mustPeriod(t *testing.T, s string) slo.Period {
	p, err := slo.ParsePeriod(s, at, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvaluateWindowOnlySendsNoAlertWindowQueries(t *testing.T) {
	f := &fakeQuerier{rules: []rule{{"total_total", []float64{1000}, nil, "", 0}}}
	e := slo.Evaluate(context.Background(), f, []slo.SLO{eventsSLO("a")}, slo.EvalOptions{At: at, WindowOnly: true})[0]
	if len(f.queries) != 3 {
		t.Errorf("ran %d queries %q, want the SLO window's bad and total and the coverage query only", len(f.queries), f.queries)
	}
	if e.State() != slo.DataOK || len(e.Burn) != 0 || len(e.Status.Firing()) != 0 {
		t.Errorf("state %q, %d burn windows, firing %v; want ok, none, none", e.State(), len(e.Burn), e.Status.Firing())
	}
}
