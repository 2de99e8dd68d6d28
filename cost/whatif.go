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

// Window prices under model m a window of d during which the whole service
// fails at errorRatio, its lost revenue weighted by the traffic at that time:
// downtime-equivalent minutes = errorRatio x d x weight (weight 1 is the
// usual traffic; see WeighTraffic). An unplanned window is an incident: it
// adds the model's responders and the diverted work, as Outage does. A
// planned window (maintenance) carries no incident overhead: no labor and
// no opportunity cost, only the lost revenue. Neither owes an SLA credit by
// itself (credits depend on the month: see ProjectMonth).
func Window(m slo.CostModel, d time.Duration, errorRatio, weight float64, planned bool) Breakdown {
	rev := lostRevenue(m, OutageSLO, DowntimeMinutes(errorRatio, d)*weight, 1)
	if planned {
		return Breakdown{Currency: m.Currency, Revenue: []RevenueLine{rev}}
	}
	b, _ := Incident(m, d, []RevenueLine{rev}, nil, nil)
	return b
}

// MonthProjection is an SLA month projected to its end, with and without a
// window, from three parts of the month's minutes:
//
//	measured:  MeasuredMinutes at MeasuredAvailability (the month to date)
//	window:    WindowMinutes at ErrorRatio (the part of the window inside the month)
//	the rest:  RemainingMinutes - WindowMinutes at RateErrorRatio (the current rate)
//
//	Without = 1 - ((1 - MeasuredAvailability) x MeasuredMinutes + RateErrorRatio x RemainingMinutes) / month minutes
//	With    = 1 - ((1 - MeasuredAvailability) x MeasuredMinutes + ErrorRatio x WindowMinutes
//	              + RateErrorRatio x (RemainingMinutes - WindowMinutes)) / month minutes
//
// where month minutes = MeasuredMinutes + RemainingMinutes. Without a
// measured part (a month that has not begun) the month is the window and
// the rest at the current rate.
type MonthProjection struct {
	MeasuredMinutes      float64
	MeasuredAvailability float64
	RemainingMinutes     float64
	WindowMinutes        float64
	ErrorRatio           float64
	RateErrorRatio       float64
	Without              float64
	With                 float64
}

// ProjectMonth projects a month measured at measuredAvailability over
// measuredMinutes, with remainingMinutes still to come at rateErrorRatio, to
// its end without and with windowMinutes (at most remainingMinutes) at
// errorRatio. A month of no minutes projects to measuredAvailability.
func ProjectMonth(measuredMinutes, measuredAvailability, remainingMinutes, rateErrorRatio, windowMinutes, errorRatio float64) MonthProjection {
	measuredMinutes, remainingMinutes = max(0, measuredMinutes), max(0, remainingMinutes)
	windowMinutes = min(max(0, windowMinutes), remainingMinutes)
	p := MonthProjection{MeasuredMinutes: measuredMinutes, MeasuredAvailability: measuredAvailability, RemainingMinutes: remainingMinutes,
		WindowMinutes: windowMinutes, ErrorRatio: errorRatio, RateErrorRatio: rateErrorRatio}
	total := measuredMinutes + remainingMinutes
	if total <= 0 {
		p.Without, p.With = measuredAvailability, measuredAvailability
		return p
	}
	measuredBad := 0.0
	if measuredMinutes > 0 {
		measuredBad = (1 - measuredAvailability) * measuredMinutes
	}
	p.Without = 1 - (measuredBad+rateErrorRatio*remainingMinutes)/total
	p.With = 1 - (measuredBad+errorRatio*windowMinutes+rateErrorRatio*(remainingMinutes-windowMinutes))/total
	return p
}

// TrafficWeight is how much traffic a window meets compared with the
// usual: Weight = WindowHourly / MeanHourly, where WindowHourly is the mean
// events per hour at the window's hours of the week (each hour of the week
// the mean of the weeks with data at it, the hours weighted by how much of
// the window they hold) and MeanHourly the mean events per hour over every
// hour with data. Assumed is set, and Weight is 1, when there is no data to
// weigh by.
type TrafficWeight struct {
	Weight       float64
	Assumed      bool
	WindowHourly float64
	MeanHourly   float64
	// Samples is how many hourly values the window's hours of the week
	// rest on, Weeks the most weeks behind one of them, and Covered the
	// part of the window whose hour of the week has data.
	Samples int
	Weeks   int
	Covered float64
	// HoursWithData is how many hourly values the mean rests on.
	HoursWithData int
}

// mondayUnix is a Monday 00:00 UTC (1970-01-05): hours of the week count
// from it.
const mondayUnix = 4 * 24 * 3600

// HourOfWeek is the hour of the week (0 is Monday 00:00-01:00 UTC, 167 is
// Sunday 23:00-24:00 UTC) that t falls in.
func HourOfWeek(t time.Time) int {
	h := (t.Unix() - mondayUnix) / 3600
	if (t.Unix()-mondayUnix)%3600 < 0 {
		h--
	}
	return int(((h % 168) + 168) % 168)
}

// WeighTraffic weighs a window [start, start+d) by the traffic seen at its
// hours of the week. hourly are the events of each whole hour, each point
// the hour that ends at its time (increase(total[1h]) evaluated on the
// hour); NaN and negative values are ignored.
func WeighTraffic(hourly []slo.Point, start time.Time, d time.Duration) TrafficWeight {
	w := TrafficWeight{Weight: 1, Assumed: true}
	var sum [168]float64
	var n [168]int
	var all float64
	for _, p := range hourly {
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) || p.V < 0 {
			continue
		}
		k := HourOfWeek(p.T.Add(-time.Hour))
		sum[k] += p.V
		n[k]++
		all += p.V
		w.HoursWithData++
	}
	if w.HoursWithData == 0 || d <= 0 {
		return w
	}
	w.MeanHourly = all / float64(w.HoursWithData)
	end := start.Add(d)
	var weighted, covered float64
	seen := map[int]bool{}
	for b := start.Truncate(time.Hour); b.Before(end); b = b.Add(time.Hour) {
		overlap := minTime(b.Add(time.Hour), end).Sub(maxTime(b, start)).Minutes()
		k := HourOfWeek(b)
		if n[k] == 0 || overlap <= 0 {
			continue
		}
		weighted += overlap * sum[k] / float64(n[k])
		covered += overlap
		if !seen[k] {
			seen[k] = true
			w.Samples += n[k]
			w.Weeks = max(w.Weeks, n[k])
		}
	}
	if covered == 0 || !(w.MeanHourly > 0) {
		return w
	}
	w.WindowHourly = weighted / covered
	w.Covered = covered / d.Minutes()
	w.Weight, w.Assumed = w.WindowHourly/w.MeanHourly, false
	return w
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Longest is the longest whole-second duration d in [0, limit] for which
// within(d) holds, within being true up to some duration and false beyond
// it: within(d) holds and within(d+1s) does not. It is found by doubling
// then bisection over whole seconds, so it agrees exactly with within.
// Bounded is false when within(limit) still holds (d is then limit);
// d is 0 with bounded true when within(0) does not hold.
func Longest(within func(time.Duration) bool, limit time.Duration) (d time.Duration, bounded bool) {
	limit = limit.Truncate(time.Second)
	if !within(0) {
		return 0, true
	}
	if within(limit) {
		return limit, false
	}
	lo, hi := time.Duration(0), time.Second
	for hi < limit && within(hi) {
		lo, hi = hi, min(2*hi, limit)
	}
	// within(lo), not within(hi)
	for hi-lo > time.Second {
		mid := lo + ((hi - lo) / 2).Truncate(time.Second)
		if within(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, true
}
