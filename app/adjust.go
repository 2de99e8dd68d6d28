package app

import (
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// newAdjustments is the report form of the budget adjustments applied to
// e, and its raw budget; nil when none was applied.
func newAdjustments(e slo.Evaluation) ([]report.Adjustment, *report.RawBudget) {
	a := e.Adjusted
	if a == nil || len(a.Applied) == 0 {
		return nil, nil
	}
	out := make([]report.Adjustment, len(a.Applied))
	for i, x := range a.Applied {
		out[i] = report.Adjustment{Reason: x.Reason, Start: x.Start.UTC(), End: x.End.UTC(),
			ExcludedEvents: num(x.ExcludedEvents), ExcludedBadEvents: num(x.ExcludedBad)}
	}
	raw := &report.RawBudget{DataState: string(a.RawSLI.State)}
	if a.RawSLI.State == slo.DataOK {
		st := a.RawStatus
		raw.Good, raw.Total = num(a.RawSLI.Good), num(a.RawSLI.Total)
		raw.ErrorRatio, raw.Availability = num(st.ErrorRatio), num(st.Availability)
		raw.BudgetUsed, raw.BudgetLeft, raw.BudgetLeftMinutes = num(st.BudgetUsed), num(st.BudgetLeft), num(st.BudgetLeftMinutes)
		if st.HasEvents {
			raw.BudgetLeftEvents = num(st.BudgetLeftEvents)
		}
	}
	return out, raw
}

// gateAdjustments is the report form of the adjustments a gate
// observation was decided with, and its raw budget left.
func gateAdjustments(o gate.Observation) ([]report.Adjustment, *float64) {
	if len(o.Adjustments) == 0 || o.Error != "" {
		return nil, nil
	}
	out := make([]report.Adjustment, len(o.Adjustments))
	for i, x := range o.Adjustments {
		out[i] = report.Adjustment{Reason: x.Reason, Start: x.Start.UTC(), End: x.End.UTC(),
			ExcludedEvents: num(x.ExcludedEvents), ExcludedBadEvents: num(x.ExcludedBad)}
	}
	var raw *float64
	if o.HasRawBudget {
		raw = num(o.RawBudgetLeft)
	}
	return out, raw
}
