package cost

import (
	"math"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// BudgetEffect is what a hypothetical outage does to one SLO's error budget.
// The outage adds OutageMinutes = error ratio x duration of
// downtime-equivalent minutes (for a request SLI this assumes the usual
// traffic during the outage):
//
//	used after = used before + OutageMinutes / BudgetMinutes
type BudgetEffect struct {
	OutageMinutes    float64
	BudgetMinutes    float64
	UsedBefore       float64
	UsedAfter        float64
	LeftBefore       float64
	LeftAfter        float64
	LeftMinutesAfter float64
}

// OutageBudget applies an outage of d at errorRatio to the budget status st.
func OutageBudget(st budget.Status, d time.Duration, errorRatio float64) BudgetEffect {
	e := BudgetEffect{
		OutageMinutes: DowntimeMinutes(errorRatio, d),
		BudgetMinutes: st.BudgetMinutes,
		UsedBefore:    st.BudgetUsed,
		LeftBefore:    st.BudgetLeft,
	}
	e.UsedAfter = e.UsedBefore + e.OutageMinutes/e.BudgetMinutes
	e.LeftAfter = 1 - e.UsedAfter
	e.LeftMinutesAfter = st.BudgetLeftMinutes - e.OutageMinutes
	return e
}

// BudgetLeftValue is the budget left in money under model m: what a full outage (error
// ratio 1) as long as leftMinutes would cost, as Outage prices it. Nothing
// left (leftMinutes <= 0, or NaN) is worth 0.
func BudgetLeftValue(m slo.CostModel, leftMinutes float64) float64 {
	if !(leftMinutes > 0) || math.IsInf(leftMinutes, 0) {
		return 0
	}
	return Outage(m, time.Duration(leftMinutes*float64(time.Minute)), 1).Total()
}

// MonthAfterOutage is a month's availability once an outage of d at
// errorRatio is added now, to a month measured at availability over
// elapsed: the bad minutes grow by errorRatio x d and the month's measured
// time by d.
func MonthAfterOutage(availability float64, elapsed, d time.Duration, errorRatio float64) float64 {
	total := elapsed.Minutes() + d.Minutes()
	if total <= 0 {
		return availability
	}
	bad := (1-availability)*elapsed.Minutes() + DowntimeMinutes(errorRatio, d)
	return 1 - bad/total
}

// WithOutage is in with an outage of d at errorRatio just before the
// evaluation time. The SLO window gains errorRatio x d of bad time: its
// error ratio grows by errorRatio x d / elapsed (at most to 1), so budget
// used grows by errorRatio x d / budget minutes, as OutageBudget says. Each
// alert window w with a measurement ends with min(d, w) at errorRatio: its
// error ratio becomes (errorRatio x min(d, w) + before x (w - min(d, w))) / w.
// Windows without a measurement stay without one.
func WithOutage(in budget.Input, d time.Duration, errorRatio float64) budget.Input {
	out := in
	elapsed := in.Elapsed
	if elapsed <= 0 || elapsed > in.Window {
		elapsed = in.Window
	}
	out.SLI = withRatio(in.SLI, math.Min(1, in.SLI.ErrorRatio+errorRatio*float64(d)/float64(elapsed)))
	out.Burn = make(map[time.Duration]budget.Ratio, len(in.Burn))
	for w, r := range in.Burn {
		hit := min(d, w)
		out.Burn[w] = withRatio(r, (errorRatio*float64(hit)+r.ErrorRatio*float64(w-hit))/float64(w))
	}
	return out
}

// withRatio is r with its error ratio set, and its bad events to match.
func withRatio(r budget.Ratio, ratio float64) budget.Ratio {
	r.ErrorRatio = ratio
	if r.Events {
		r.Bad = ratio * r.Total
	}
	return r
}
