package slo_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

func adjustedSLO(adjs ...slo.Adjustment) slo.SLO {
	return slo.SLO{Service: "svc", Name: "avail", Tier: "t", Objective: 0.99,
		Window:      slo.Window{Rolling: budget.Day, Location: time.UTC},
		Alerts:      []budget.AlertWindow{{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page}},
		SLI:         slo.SLI{Kind: slo.Events, Bad: `sum(increase(bad[{{.window}}]))`, Total: `sum(increase(total[{{.window}}]))`},
		Adjustments: adjs}
}

// fakeAdjusted answers 500 of 10,000 bad over the day, 480 of 2,000 over
// the 2h of the adjustment, and little over the alert windows.
func fakeAdjusted() *fakeQuerier {
	return &fakeQuerier{rules: []rule{
		{contains: "bad[2h]", values: []float64{480}},
		{contains: "total[2h]", values: []float64{2000}},
		{contains: "bad[1d]", values: []float64{500}},
		{contains: "total[1d]", values: []float64{10000}},
		{contains: "bad[", values: []float64{0}},
		{contains: "total[", values: []float64{100}},
	}}
}

// The events of the interval are taken out of the SLO window's, and the
// raw figures are kept beside: exact arithmetic on the answers.
func TestEvaluateSubtractsTheAdjustedInterval(t *testing.T) {
	mig := slo.Adjustment{Reason: "migration", Start: at.Add(-3 * time.Hour), End: at.Add(-time.Hour)}
	ev := slo.Evaluate(context.Background(), fakeAdjusted(), []slo.SLO{adjustedSLO(mig)}, slo.EvalOptions{At: at, Recorded: slo.RecordedAuto})[0]
	if ev.Err != nil || ev.Adjusted == nil {
		t.Fatalf("err %v, adjusted %+v", ev.Err, ev.Adjusted)
	}
	// (500-480)/(10000-2000) adjusted, 500/10000 raw; 1e-12 for float noise.
	if math.Abs(ev.SLI.ErrorRatio-20.0/8000) > 1e-12 || ev.SLI.Total != 8000 {
		t.Errorf("adjusted: ratio %v of %v events, want 0.0025 of 8000", ev.SLI.ErrorRatio, ev.SLI.Total)
	}
	if math.Abs(ev.Adjusted.RawSLI.ErrorRatio-0.05) > 1e-12 || math.Abs(ev.Adjusted.RawStatus.BudgetLeft-(1-0.05/0.01)) > 1e-9 {
		t.Errorf("raw: ratio %v, budget left %v; want 0.05, -4", ev.Adjusted.RawSLI.ErrorRatio, ev.Adjusted.RawStatus.BudgetLeft)
	}
	if math.Abs(ev.Status.BudgetLeft-(1-0.25)) > 1e-9 {
		t.Errorf("adjusted budget left %v, want 0.75", ev.Status.BudgetLeft)
	}
	want := slo.AppliedAdjustment{Reason: "migration", Start: mig.Start, End: mig.End, ExcludedEvents: 2000, ExcludedBad: 480}
	if len(ev.Adjusted.Applied) != 1 || ev.Adjusted.Applied[0] != want {
		t.Errorf("applied %+v, want %+v", ev.Adjusted.Applied, want)
	}
	// The 1h and 5m windows only touch the interval: not adjusted.
	for _, m := range ev.Burn {
		if m.Total != 100 {
			t.Errorf("burn window %s: %v events, want the 100 answered", m.Window, m.Total)
		}
	}
	if ev.Path != slo.PathRaw || !strings.Contains(ev.PathReason, "budget adjustments") {
		t.Errorf("path %s (%q), want raw because of the adjustments", ev.Path, ev.PathReason)
	}
}

func TestEvaluateAdjustmentEdges(t *testing.T) {
	whole := slo.Adjustment{Reason: "freeze", Start: at.Add(-48 * time.Hour), End: at.Add(time.Hour)}
	t.Run("every event excluded is no data", func(t *testing.T) {
		f := fakeAdjusted()
		f.rules = append([]rule{{contains: "bad[1d]", values: []float64{500}}, {contains: "total[1d]", values: []float64{10000}}}, f.rules...)
		ev := slo.Evaluate(context.Background(), f, []slo.SLO{adjustedSLO(whole)}, slo.EvalOptions{At: at})[0]
		if ev.SLI.State != slo.NoData || !strings.Contains(ev.SLI.Reason, "inside budget adjustments") {
			t.Errorf("state %s (%s), want no data: the window is all adjusted", ev.SLI.State, ev.SLI.Reason)
		}
		if ev.Adjusted == nil || ev.Adjusted.RawSLI.State != slo.DataOK {
			t.Errorf("the raw figures are kept: %+v", ev.Adjusted)
		}
	})
	t.Run("a raw SLI says it cannot", func(t *testing.T) {
		s := adjustedSLO(whole)
		s.SLI = slo.SLI{Kind: slo.Raw, ErrorRatio: `ratio[{{.window}}]`}
		f := &fakeQuerier{rules: []rule{{contains: "ratio[", values: []float64{0.01}}}}
		ev := slo.Evaluate(context.Background(), f, []slo.SLO{s}, slo.EvalOptions{At: at})[0]
		if ev.Adjusted != nil || len(ev.Assumptions) != 1 || !strings.Contains(ev.Assumptions[0], "not applied") {
			t.Errorf("adjusted %+v, assumptions %q: want none applied, and said", ev.Adjusted, ev.Assumptions)
		}
	})
	t.Run("a failed interval query is an evaluation error", func(t *testing.T) {
		mig := slo.Adjustment{Reason: "migration", Start: at.Add(-3 * time.Hour), End: at.Add(-time.Hour)}
		f := fakeAdjusted()
		f.rules = append([]rule{{contains: "total[2h]", err: errors.New("boom")}}, f.rules...)
		ev := slo.Evaluate(context.Background(), f, []slo.SLO{adjustedSLO(mig)}, slo.EvalOptions{At: at})[0]
		if ev.Err == nil || !strings.Contains(ev.Err.Error(), `budget adjustment "migration"`) || !strings.Contains(ev.Err.Error(), "boom") {
			t.Errorf("err %v, want the adjustment's query failure", ev.Err)
		}
	})
}

// Early in a calendar month a 1d burn window reaches into the month
// before: an adjustment there is excluded from that window only, and the
// result says so (the SLO window's list has none).
func TestAdjustmentOutsideTheSLOWindowIsSaid(t *testing.T) {
	start := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	s := adjustedSLO(slo.Adjustment{Reason: "migration", Start: start.Add(-10 * time.Hour), End: start.Add(-8 * time.Hour)})
	s.Window = slo.Window{Calendar: slo.Month, Location: time.UTC}
	s.Alerts = []budget.AlertWindow{{Long: budget.Day, Short: time.Hour, Factor: 3, Severity: budget.Ticket}}
	ev := slo.Evaluate(context.Background(), fakeAdjusted(), []slo.SLO{s}, slo.EvalOptions{At: start})[0]
	if ev.Err != nil || ev.Adjusted == nil || len(ev.Adjusted.Applied) != 0 {
		t.Fatalf("err %v, adjusted %+v: want the 1d window adjusted, nothing in the 6h SLO window", ev.Err, ev.Adjusted)
	}
	for _, m := range ev.Burn {
		if m.Window == budget.Day && m.Total != 8000 {
			t.Errorf("1d window: %v events, want 10000-2000", m.Total)
		}
	}
	if len(ev.Assumptions) != 1 || !strings.Contains(ev.Assumptions[0], "migration from 2026-08-31T20:00:00Z to 2026-08-31T22:00:00Z") {
		t.Errorf("assumptions %q: want the adjustment outside the SLO window named", ev.Assumptions)
	}
}
