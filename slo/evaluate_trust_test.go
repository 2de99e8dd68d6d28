package slo_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// Answers that look valid and are wrong must not be believed: each case is
// what a lagging replica, a partial backend or a broken query answers.
func TestEvaluateDoesNotBelieveWrongAnswers(t *testing.T) {
	nan := math.NaN()
	healthy := []rule{{"bad_total", []float64{5}, nil, "", 0}, {"total_total", []float64{10000}, nil, "", 0}}
	cases := []struct {
		name    string
		rules   []rule
		wantErr string
	}{
		{"every answer an hour old", []rule{{"total_total", []float64{10000}, nil, "", -time.Hour}},
			"stale answer: sample at 11:00:00, asked for 12:00:00"},
		{"only the 5m answers an hour old", append([]rule{{"[5m]", []float64{1}, nil, "", -time.Hour}}, healthy...),
			"stale answer: sample at 11:00:00, asked for 12:00:00"},
		{"an answer from the future", append([]rule{{"[1h]", []float64{1}, nil, "", time.Minute}}, healthy...),
			"stale answer: sample at 12:01:00, asked for 12:00:00"},
		{"an answer from another day names the date", []rule{{"total_total", []float64{10000}, nil, "", -25 * time.Hour}},
			"sample at 2026-09-14T11:00:00Z, asked for 2026-09-15T12:00:00Z"},
		{"NaN over 5m only", append([]rule{{"total_total[5m]", []float64{nan}, nil, "", 0}}, healthy...),
			`returned NaN over 5m`},
		{"NaN errors only", append([]rule{{"bad_total", []float64{nan}, nil, "", 0}}, healthy...),
			`returned NaN over`},
		{"a total over 5m but none over 30d", append([]rule{{"total_total[30d]", nil, nil, "", 0}}, healthy...),
			`inconsistent answers: query "sum(increase(total_total[5m]))" has data over 5m but "sum(increase(total_total[30d]))" has none over 30d`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := slo.Evaluate(context.Background(), &fakeQuerier{rules: c.rules}, []slo.SLO{eventsSLO("x")}, slo.EvalOptions{At: at})[0]
			if e.Err == nil || !strings.Contains(e.Err.Error(), c.wantErr) {
				t.Fatalf("error %v, want one containing %q", e.Err, c.wantErr)
			}
			if e.State() != slo.NoData || len(e.Status.Firing()) != 0 {
				t.Errorf("a failed evaluation must carry no numbers: state %q, firing %v", e.State(), e.Status.Firing())
			}
		})
	}
}

// The error series absent while the total has data: each policy says what
// it assumed, and a series seen over a longer window but not a shorter one
// always warns.
func TestEvaluateMissingErrors(t *testing.T) {
	total := rule{"total_total", []float64{10000}, nil, "", 0}
	cases := []struct {
		policy          slo.MissingErrorsPolicy
		rules           []rule
		wantState       slo.DataState
		wantAssumption  string
		wantWarn        string
		wantBurnNoData5 bool
	}{
		{policy: "", rules: []rule{total}, wantState: slo.DataOK,
			wantAssumption: "the error query returned no series over 5m, 30m, 1h, 2h, 6h, 1d, 3d, 30d: counted as 0 errors (missing_errors: zero)"},
		{policy: slo.MissingErrorsZero, rules: []rule{total}, wantState: slo.DataOK, wantAssumption: "counted as 0 errors (missing_errors: zero)"},
		{policy: slo.MissingErrorsWarn, rules: []rule{total}, wantState: slo.DataOK, wantWarn: "counted as 0 errors (missing_errors: warn)"},
		{policy: slo.MissingErrorsNoData, rules: []rule{total}, wantState: slo.NoData, wantBurnNoData5: true},
		{policy: slo.MissingErrorsZero, rules: []rule{{"bad_total[5m]", nil, nil, "", 0}, {"bad_total", []float64{3}, nil, "", 0}, total},
			wantState: slo.DataOK, wantWarn: "the error query has series over a longer window but none over 5m, where the total has data"},
	}
	for _, c := range cases {
		t.Run(string(c.policy)+c.wantWarn, func(t *testing.T) {
			s := eventsSLO("x")
			s.MissingErrors = c.policy
			e := slo.Evaluate(context.Background(), &fakeQuerier{rules: c.rules}, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
			if e.Err != nil {
				t.Fatal(e.Err)
			}
			if e.State() != c.wantState {
				t.Errorf("state %q (%s), want %q", e.State(), e.SLI.Reason, c.wantState)
			}
			assumptions, warnings := strings.Join(e.Assumptions, "|"), strings.Join(e.Warnings, "|")
			if c.wantAssumption == "" && assumptions != "" || !strings.Contains(assumptions, c.wantAssumption) {
				t.Errorf("assumptions %q, want %q", e.Assumptions, c.wantAssumption)
			}
			if c.wantWarn == "" && warnings != "" || !strings.Contains(warnings, c.wantWarn) {
				t.Errorf("warnings %q, want %q", e.Warnings, c.wantWarn)
			}
			if got := e.Burn[0].State == slo.NoData; got != c.wantBurnNoData5 || e.Burn[0].Window != 5*time.Minute {
				t.Errorf("5m window: %v state %q, want no data %v", e.Burn[0].Window, e.Burn[0].State, c.wantBurnNoData5)
			}
		})
	}
}

// An alert whose windows have no data is not evaluated, never "not firing";
// a window whose total is there but zero served nothing and burned nothing.
func TestEvaluateAlertWindowsWithoutData(t *testing.T) {
	fast := []rule{{"bad_total[1h]", []float64{500}, nil, "", 0}, {"bad_total", []float64{600}, nil, "", 0}, {"total_total", []float64{10000}, nil, "", 0}}
	pageNoData := func(e slo.Evaluation) bool {
		for _, a := range e.Status.Alerts {
			if a.Severity == budget.Page && a.Short == 5*time.Minute {
				return a.NoData
			}
		}
		t.Fatal("no page alert 1h/5m")
		return false
	}
	e := slo.Evaluate(context.Background(), &fakeQuerier{rules: append([]rule{{"[5m]", nil, nil, "", 0}}, fast...)},
		[]slo.SLO{eventsSLO("x")}, slo.EvalOptions{At: at})[0]
	if e.Err != nil || !pageNoData(e) {
		t.Errorf("empty 5m answers: error %v, page alert 1h/5m no data %v; want it not evaluated", e.Err, pageNoData(e))
	}
	e = slo.Evaluate(context.Background(), &fakeQuerier{rules: append([]rule{{"[5m]", []float64{0}, nil, "", 0}}, fast...)},
		[]slo.SLO{eventsSLO("x")}, slo.EvalOptions{At: at})[0]
	if e.Err != nil || pageNoData(e) || e.Burn[0].State != slo.DataOK || e.Burn[0].ErrorRatio != 0 {
		t.Errorf("no events over 5m: error %v, burn %+v; want a measured 0 and the alert evaluated", e.Err, e.Burn[0])
	}
}

// A window longer than the data says how much of it is measured.
func TestEvaluateCoverage(t *testing.T) {
	s := eventsSLO("x")
	s.Window = slo.Window{Rolling: 400 * budget.Day, Location: time.UTC}
	first := at.Add(-155 * budget.Day)
	rules := []rule{{"min_over_time(timestamp(", []float64{float64(first.Unix())}, nil, "", 0},
		{"bad_total", []float64{5}, nil, "", 0}, {"total_total", []float64{10000}, nil, "", 0}}
	f := &fakeQuerier{rules: rules}
	e := slo.Evaluate(context.Background(), f, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
	if e.Err != nil {
		t.Fatal(e.Err)
	}
	// Exact: the coverage is (at - first) / 400d, both given.
	if want := 155.0 / 400; math.Abs(e.Coverage-want) > 1e-12 || !e.DataFrom.Equal(first) {
		t.Errorf("coverage %v from %v, want %v from %v", e.Coverage, e.DataFrom, want, first)
	}
	if got := strings.Join(e.Assumptions, "|"); !strings.Contains(got, "155d of the 400d window (39%) is measured") {
		t.Errorf("assumptions %q, want the coverage stated", e.Assumptions)
	}
	var probe string
	for _, q := range f.queries {
		if strings.HasPrefix(q, "min_over_time") {
			probe = q
		}
	}
	if want := "min_over_time(timestamp(sum(increase(total_total[1h])))[400d:2h]"; !strings.HasPrefix(probe, "min_over_time(timestamp(sum(increase(total_total[1h])))[400d:") {
		t.Errorf("coverage query %q, want %s...", probe, want)
	}

	// Data from before the window starts: fully covered, nothing said.
	rules[0].values = []float64{float64(at.Add(-500 * budget.Day).Unix())}
	e = slo.Evaluate(context.Background(), &fakeQuerier{rules: rules}, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
	if e.Coverage != 1 || len(e.Assumptions) != 0 {
		t.Errorf("coverage %v, assumptions %q; want 1 and none", e.Coverage, e.Assumptions)
	}
}

// Data that starts within the last coverage step of a period, where no
// coverage point sees it, covers at most that last part, not all of it;
// data seen only at the period's end covers nothing before it.
func TestEvaluateCoverageOfDataOnlyAtTheEnd(t *testing.T) {
	s := eventsSLO("x")
	period := slo.Period{Name: "Q1 and 6h", Start: at.Add(-90*budget.Day - 6*time.Hour), End: at}
	base := []rule{{"bad_total", []float64{5}, nil, "", 0}, {"total_total", []float64{10000}, nil, "", 0}}
	none := append([]rule{{"min_over_time(timestamp(", nil, nil, "", 0}, {"count_over_time(timestamp(", nil, nil, "", 0}}, base...)
	e := slo.Evaluate(context.Background(), &fakeQuerier{rules: none}, []slo.SLO{s}, slo.EvalOptions{At: at, Period: &period, WindowOnly: true})[0]
	if e.Err != nil || e.SLI.State != slo.DataOK {
		t.Fatalf("error %v, state %v", e.Err, e.SLI.State)
	}
	// The points are step = (90d 6h)/64 truncated to the minute apart, on
	// multiples of it since the epoch: the data lies after the last one.
	step := (period.Length() / 64).Truncate(time.Minute)
	last := time.UnixMilli(at.UnixMilli() - at.UnixMilli()%step.Milliseconds())
	want := float64(at.Sub(last)) / float64(period.Length())
	if math.Abs(e.Coverage-want) > 1e-12 || e.Coverage > 1.0/64 {
		t.Errorf("coverage %v, want %v (at most one step of 64)", e.Coverage, want)
	}
	if got := strings.Join(e.Assumptions, "|"); !strings.Contains(got, "data only after") {
		t.Errorf("assumptions %q: want the coverage stated", e.Assumptions)
	}
	atEnd := append([]rule{{"min_over_time(timestamp(", []float64{float64(at.Unix())}, nil, "", 0}}, base...)
	e = slo.Evaluate(context.Background(), &fakeQuerier{rules: atEnd}, []slo.SLO{s}, slo.EvalOptions{At: at, Period: &period, WindowOnly: true})[0]
	if e.Coverage != 0 {
		t.Errorf("data first seen at the end: coverage %v, want 0", e.Coverage)
	}
}

func TestCheckRange(t *testing.T) {
	start, step := at, 5*time.Minute
	end := start.Add(time.Hour)
	ok := slo.RangeResult{Series: []slo.Series{{Points: []slo.Point{{T: start}, {T: start.Add(step)}, {T: end}}}}}
	if err := slo.CheckRange("q", ok, start, end, step); err != nil {
		t.Errorf("aligned points: %v", err)
	}
	// VictoriaMetrics answers on multiples of step, up to a step before start.
	vm := slo.RangeResult{Series: []slo.Series{{Points: []slo.Point{{T: start.Add(2 * time.Minute).Truncate(step)}}}}}
	if err := slo.CheckRange("q", vm, start.Add(2*time.Minute), end, step); err != nil {
		t.Errorf("points on multiples of step: %v", err)
	}
	for _, bad := range []time.Time{start.Add(-time.Hour), end.Add(step), start.Add(time.Minute)} {
		r := slo.RangeResult{Series: []slo.Series{{Points: []slo.Point{{T: bad}}}}}
		if err := slo.CheckRange("q", r, start, end, step); err == nil || !strings.Contains(err.Error(), "stale answer: point at") {
			t.Errorf("point at %v: error %v, want a stale answer", bad, err)
		}
	}
}

// Over a period, data that stops early lowers the coverage: the count of
// the coverage points with data, not only the first one, says how much.
func TestEvaluatePeriodCoverageCountsThePointsWithData(t *testing.T) {
	s := eventsSLO("x")
	period := slo.CalendarPeriod(slo.Quarter, at, time.UTC) // 2026-Q3, to date at 09-15 12:00
	before := float64(period.Start.Add(-budget.Day).Unix()) // data from before the period
	rules := []rule{{"count_over_time(timestamp(", []float64{16}, nil, "", 0},
		{"min_over_time(timestamp(", []float64{before}, nil, "", 0},
		{"bad_total", []float64{5}, nil, "", 0}, {"total_total", []float64{10000}, nil, "", 0}}
	e := slo.Evaluate(context.Background(), &fakeQuerier{rules: rules}, []slo.SLO{s}, slo.EvalOptions{At: at, Period: &period, WindowOnly: true})[0]
	if e.Err != nil {
		t.Fatal(e.Err)
	}
	// 76.5 days in steps of 76.5d/64 truncated to the minute (28h41m):
	// 64 points (65 when the grid falls so), of which 16 have data. The
	// tolerance is one point.
	if math.Abs(e.Coverage-0.25) > 1.0/64 {
		t.Errorf("coverage %v, want 16 of about 64 points", e.Coverage)
	}
	if got := strings.Join(e.Assumptions, "|"); !strings.Contains(got, "data at 16 of") {
		t.Errorf("assumptions %q: want the points with data stated", e.Assumptions)
	}
	// Without a period (a rolling window), no count is asked.
	f := &fakeQuerier{rules: rules}
	e = slo.Evaluate(context.Background(), f, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
	for _, q := range f.queries {
		if strings.HasPrefix(q, "count_over_time") {
			t.Errorf("rolling window asked %q", q)
		}
	}
	if e.Coverage != 1 {
		t.Errorf("rolling window coverage %v, want 1 (data from before it)", e.Coverage)
	}
}
