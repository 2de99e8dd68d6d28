package app

import (
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// TestEndedPeriodHasNoTimeToExhaustion: a calendar period that is over
// cannot run out of budget any more, so burn --period 2026-Q3 after the
// quarter shows no "exhausted in"; a period still running keeps it.
func TestEndedPeriodHasNoTimeToExhaustion(t *testing.T) {
	quarter := 92 * 24 * time.Hour
	for _, c := range []struct {
		name    string
		elapsed time.Duration
		want    bool
	}{
		{"the quarter is over", quarter, false},
		{"the quarter runs on", quarter / 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := slo.Evaluation{
				SLO:     slo.SLO{Service: "checkout", Name: "availability", Objective: 0.999},
				Period:  "2026-Q3",
				Length:  quarter,
				Elapsed: c.elapsed,
				SLI:     slo.Measurement{State: slo.DataOK, ErrorRatio: 0.0005},
				Status: budget.Status{
					ErrorRatio: 0.0005, Availability: 0.9995, BudgetLeft: 0.5,
					TimeToExhaustion: 206 * 24 * time.Hour, HasExhaustion: true,
				},
			}
			got := NewSLOStatus(e).TimeToExhaustionSeconds != nil
			if got != c.want {
				t.Errorf("time to exhaustion shown: %v, want %v", got, c.want)
			}
		})
	}
}
