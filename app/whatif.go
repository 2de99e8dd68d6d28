package app

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// WhatIfRequest is a hypothetical outage of one service now (at env.At).
type WhatIfRequest struct {
	Service  string
	Duration time.Duration
	// ErrorRatio is the share of requests failing during the outage.
	ErrorRatio float64
	// Hit names the SLOs the outage hits; empty means every SLO of the
	// service.
	Hit []string
	// Location is the time zone of the SLA's calendar month; nil means UTC.
	Location *time.Location
	// Start is when the window starts; nil means env.At. It may not be
	// before env.At.
	Start *time.Time
	// Planned prices a planned maintenance window: no incident labor or
	// opportunity cost.
	Planned bool
	// Fit asks for the longest window at ErrorRatio that keeps the budget
	// left of every SLO it hits at or above the gate's warn and block lines
	// and the projected SLA month in its band; Duration is then ignored and
	// the report prices the window of the binding limit.
	Fit bool
}

// trafficWeeks is how far back the traffic of a window's hours of the week
// is looked up.
const trafficWeeks = 4

// fitBound is the longest window --fit searches: a year.
const fitBound = 366 * 24 * time.Hour

// WhatIf prices a hypothetical outage of a service now and applies it to
// each SLO's error budget, the month's SLA credit and the deploy gate's
// verdict on a normal change. It fails when the service or an SLO it names
// is unknown or the source failed for every SLO; the evaluations' warnings
// and source errors are in Notes (the errors also as warnings, as the
// report lists them).
func WhatIf(ctx context.Context, env *Env, req WhatIfRequest) (*report.WhatIfReport, Notes, error) {
	slos, err := Selection{Services: []string{req.Service}}.Pick(env.Catalog)
	if err != nil {
		return nil, Notes{}, err
	}
	var svc slo.Service
	for _, s := range env.Catalog.Services {
		if s.Name == req.Service {
			svc = s
		}
	}
	for _, name := range req.Hit {
		if !slices.ContainsFunc(svc.SLOs, func(s slo.SLO) bool { return s.Name == name }) {
			var names []string
			for _, s := range svc.SLOs {
				names = append(names, s.Name)
			}
			return nil, Notes{}, selectionErrorf("unknown --slo %q: %s defines %s", name, svc.Name, strings.Join(names, ", "))
		}
	}
	src, err := env.source()
	if err != nil {
		return nil, Notes{}, err
	}
	evals, err := evaluate(ctx, src, slos, slo.EvalOptions{At: env.At, Recorded: env.Recorded})
	if err != nil {
		return nil, Notes{}, err
	}
	if err := allFailed(evals); err != nil {
		return nil, Notes{}, err
	}
	loc := req.Location
	if loc == nil {
		loc = time.UTC
	}
	start, startFrom := env.At, "--at"
	if req.Start != nil {
		start, startFrom = *req.Start, "--start"
		if start.Before(env.At) {
			return nil, Notes{}, selectionErrorf("--start %s is before --at %s: a what-if plans a window at or after the evaluation time",
				start.UTC().Format(time.RFC3339), env.At.UTC().Format(time.RFC3339))
		}
	}
	in := whatIfInput{Service: svc, Evals: evals, Duration: req.Duration, ErrorRatio: req.ErrorRatio, Hit: req.Hit, At: env.At, Source: src.String(),
		Start: start, StartFrom: startFrom, Planned: req.Planned, Location: loc}
	if name := SLASLOs(env.Catalog)[svc.Name]; name != "" {
		in.Month = slo.CalendarPeriod(slo.Month, start, loc)
		in.Current = slo.CalendarPeriod(slo.Month, env.At, loc)
		for _, s := range slos {
			if s.Name == name {
				in.MonthEvals = slo.Evaluate(ctx, src, []slo.SLO{s}, slo.EvalOptions{At: env.At, Period: &in.Current, WindowOnly: true, Recorded: env.Recorded})
			}
		}
	}
	if err := Interrupted(ctx); err != nil {
		return nil, Notes{}, fmt.Errorf("%w before the what-if was priced", err)
	}
	var fit *report.WhatIfFit
	if req.Fit {
		fit = fitWindow(in)
		if fit.Binding == "" {
			return nil, Notes{}, fmt.Errorf("could not fit a window of %s: %s", svc.Name, fitNothing(fit))
		}
		in.Duration = time.Duration(fit.LongestSeconds) * time.Second
	}
	var warn string
	in.Traffic, warn = weighTraffic(ctx, src, svc, req.Hit, env.At, start, in.Duration)
	r := newWhatIfReport(in)
	r.Fit = fit
	if warn != "" {
		r.Warn = append(r.Warn, warn)
	}
	notes := Notes{Warnings: r.Warn}
	for _, e := range evals {
		if e.Err != nil {
			notes.Errors = append(notes.Errors, e.Err.Error())
		}
	}
	return r, notes, nil
}

// whatIfInput is a hypothetical outage of a service now, with the
// evaluations it changes.
type whatIfInput struct {
	Service slo.Service
	// Evals are the service's SLOs evaluated now over their own windows.
	Evals []slo.Evaluation
	// Month is the current calendar month and MonthEvals the SLA SLO
	// evaluated over it to date; empty without an SLA.
	Month      slo.Period
	MonthEvals []slo.Evaluation
	Duration   time.Duration
	ErrorRatio float64
	Hit        []string
	At         time.Time
	Source     string
	// Current is the calendar month of At, over which MonthEvals measure
	// the month to date and the current rate; Month is that of Start.
	Current   slo.Period
	Start     time.Time
	StartFrom string
	Planned   bool
	Location  *time.Location
	Traffic   report.WhatIfTraffic
}

// budgetInput rebuilds the budget input of an evaluation, as slo.Evaluate
// computed its status.
func budgetInput(e slo.Evaluation) budget.Input {
	ratio := func(m slo.Measurement) budget.Ratio {
		return budget.Ratio{ErrorRatio: m.ErrorRatio, Bad: m.Bad, Total: m.Total, Events: m.Events}
	}
	in := budget.Input{Objective: e.SLO.Objective, Window: e.Length, Elapsed: e.Elapsed, SLI: ratio(e.SLI), Alerts: e.SLO.Alerts, Burn: map[time.Duration]budget.Ratio{}}
	for _, b := range e.Burn {
		if b.State == slo.DataOK {
			in.Burn[b.Window] = ratio(b)
		}
	}
	return in
}

// withOutage is e as it would be right after an outage of d at errorRatio.
func withOutage(e slo.Evaluation, d time.Duration, errorRatio float64) slo.Evaluation {
	if e.Err != nil || e.SLI.State != slo.DataOK {
		return e
	}
	in := cost.WithOutage(budgetInput(e), d, errorRatio)
	e.Status = budget.Compute(in)
	e.SLI.ErrorRatio, e.SLI.Bad = in.SLI.ErrorRatio, in.SLI.Bad
	e.SLI.Good = e.SLI.Total - e.SLI.Bad
	burn := make([]slo.Measurement, len(e.Burn))
	for i, b := range e.Burn {
		if r, ok := in.Burn[b.Window]; ok {
			b.ErrorRatio, b.Bad = r.ErrorRatio, r.Bad
			b.Good = b.Total - b.Bad
		}
		burn[i] = b
	}
	e.Burn = burn
	return e
}

// newWhatIfReport prices the outage and applies it to the budgets, the SLA
// and the gate.
func newWhatIfReport(in whatIfInput) *report.WhatIfReport {
	svc := in.Service
	m := svc.Cost
	r := &report.WhatIfReport{
		At: in.At.UTC(), Source: in.Source, Service: svc.Name, Tier: svc.Tier,
		Outage: report.Duration(in.Duration), OutageSeconds: in.Duration.Seconds(), ErrorRatio: in.ErrorRatio,
		SLOs: []report.WhatIfSLO{},
		Note: "The outage is taken to have just ended: each alert window of an SLO it hits ends with it, and the SLO window gains its bad minutes at the usual traffic" +
			" (the budgets as measured at --at; lost revenue alone is weighted by the traffic at the window's hours).",
		Start: in.Start.UTC(), StartFrom: in.StartFrom, Planned: in.Planned, Traffic: in.Traffic,
	}
	if r.Start.IsZero() {
		r.Start, r.StartFrom = r.At, "--at"
	}
	weight := in.Traffic.Weight
	if weight == 0 {
		weight = 1
	}
	// The window is priced as nines cost prices an interval: an incident
	// under the service's incident policy carries its labor and
	// opportunity, a blip only its lost revenue.
	for _, e := range in.Evals {
		hit := len(in.Hit) == 0 || slices.Contains(in.Hit, e.SLO.Name)
		if budget := (1 - e.SLO.Objective) * e.Length.Minutes(); hit && budget > 0 {
			r.BudgetSpent = max(r.BudgetSpent, cost.DowntimeMinutes(in.ErrorRatio, in.Duration)/budget)
		}
	}
	r.Blip = !in.Planned && !svc.Incidents.Counts(in.Duration, r.BudgetSpent)
	if m.Configured() {
		r.Cost = newBreakdown(cost.Window(m, in.Duration, in.ErrorRatio, weight, in.Planned || r.Blip), m)
	}
	after := make([]slo.Evaluation, len(in.Evals))
	for i, e := range in.Evals {
		hit := len(in.Hit) == 0 || slices.Contains(in.Hit, e.SLO.Name)
		d := in.Duration
		if !hit {
			d = 0
		}
		after[i] = withOutage(e, d, in.ErrorRatio)
		w := report.WhatIfSLO{SLO: e.SLO.Name, Objective: e.SLO.Objective, Window: e.SLO.Window.String(), DataState: string(e.SLI.State),
			Hit: hit, OutageMinutes: cost.DowntimeMinutes(in.ErrorRatio, d), FiringAfter: []string{}, Path: e.Path, PathReason: e.PathReason}
		r.Warn = append(r.Warn, e.Warnings...)
		switch {
		case e.Err != nil:
			w.DataState = report.ConditionError
			r.Warn = append(r.Warn, e.Err.Error())
		case e.SLI.State == slo.DataOK:
			eff := cost.OutageBudget(e.Status, d, in.ErrorRatio)
			w.BudgetMinutes, w.BudgetLeftBefore = num(eff.BudgetMinutes), num(eff.LeftBefore)
			w.BudgetLeftAfter, w.BudgetLeftMinutesAfter = num(after[i].Status.BudgetLeft), num(after[i].Status.BudgetLeftMinutes)
			if m.Configured() {
				w.BudgetLeftCostBefore = num(cost.BudgetLeftValue(m, e.Status.BudgetLeftMinutes))
				w.BudgetLeftCostAfter = num(cost.BudgetLeftValue(m, after[i].Status.BudgetLeftMinutes))
			}
			for _, a := range after[i].Status.Firing() {
				w.FiringAfter = append(w.FiringAfter, gate.AlertName(a))
			}
		}
		r.SLOs = append(r.SLOs, w)
	}
	if sm, ok := in.slaMonth(); ok {
		p := sm.project(in.Duration, in.ErrorRatio)
		cb, ca := cost.Credit(m, in.Month.Name, p.Without, 1), cost.Credit(m, in.Month.Name, p.With, 1)
		r.SLA = &report.WhatIfSLA{SLO: sm.slo, Month: in.Month.Name, AvailabilityBefore: p.Without, AvailabilityAfter: p.With,
			CreditBefore: cb.Amount, CreditAfter: ca.Amount, ExtraCredit: ca.Amount - cb.Amount,
			MeasuredSeconds: p.MeasuredMinutes * 60, RemainingSeconds: p.RemainingMinutes * 60, WindowSeconds: p.WindowMinutes * 60,
			RateErrorRatio: p.RateErrorRatio, RateBasis: "the error ratio of " + in.Current.Name + " to --at",
			ProjectedAvailability: p.With, ProjectedAvailabilityWithout: p.Without, Projection: sm.describe(p, in.Current.Name)}
		if sm.measured > 0 {
			r.SLA.MonthToDateAvailability = num(sm.mtd)
		}
		if ca.Rate > 0 {
			b := ca.Below
			r.SLA.BandAfter = &b
		}
		if cb.Rate > 0 {
			b := cb.Below
			r.SLA.BandBefore = &b
		}
	}
	if m.Configured() {
		e := &report.WhatIfExposure{Currency: r.Cost.Currency, LostRevenue: r.Cost.LostRevenue, Labor: r.Cost.Labor, Opportunity: r.Cost.Opportunity}
		if r.SLA != nil {
			e.SLACredit = r.SLA.ExtraCredit
		}
		e.Total = e.LostRevenue + e.Labor + e.Opportunity + e.SLACredit
		r.Exposure = e
	}
	decide := func(evals []slo.Evaluation) gate.Decision {
		return gate.Decide(gate.Input{Service: svc, SLOs: svc.SLOs, Evaluations: evals, ChangeType: slo.ChangeNormal, At: in.At, Source: in.Source})
	}
	before, afterD := decide(in.Evals), decide(after)
	r.Gate = report.WhatIfGate{Before: string(before.Verdict), After: string(afterD.Verdict), ReasonsAfter: []report.WhatIfReason{}}
	for _, reason := range afterD.Reasons {
		r.Gate.ReasonsAfter = append(r.Gate.ReasonsAfter, report.WhatIfReason{SLO: reason.SLO, Rule: string(reason.Rule), Effect: string(reason.Effect), Message: reason.Message})
	}
	r.Warn = dedupe(r.Warn)
	return r
}

// dedupe keeps the first of each string, in order; nil for none.
func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// slaMonth holds what the SLA month's projection rests on: the month of
// the window's start, measured to --at when it is the current month, the
// rest of it at the current month's error ratio to date.
type slaMonth struct {
	slo string
	// measured and mtd are the month's minutes measured to --at and their
	// availability (0 minutes for a month that begins after --at);
	// remaining the minutes from --at (or the month's start) to its end.
	measured, mtd, remaining float64
	// rate is the current month's error ratio to date.
	rate float64
	// room is the minutes from the window's start to the month's end: the
	// part of a longer window beyond it falls in the next month.
	room float64
}

// slaMonth is the SLA month of the window, when the service has an SLA
// with credits, the window hits its SLO and the current month has data.
func (in whatIfInput) slaMonth() (slaMonth, bool) {
	m := in.Service.Cost
	if !m.Configured() || !hasSLACredits(m) {
		return slaMonth{}, false
	}
	name := slaSLO(in.Service)
	if len(in.Hit) > 0 && !slices.Contains(in.Hit, name) {
		return slaMonth{}, false
	}
	for _, e := range in.MonthEvals {
		if e.SLO.Name != name || e.Err != nil || e.SLI.State != slo.DataOK {
			continue
		}
		sm := slaMonth{slo: name, rate: 1 - e.Status.Availability, room: in.Month.End.Sub(in.Start).Minutes()}
		if in.Month.Start.Equal(in.Current.Start) {
			sm.measured, sm.mtd = e.Elapsed.Minutes(), e.Status.Availability
			sm.remaining = in.Month.End.Sub(in.At).Minutes()
		} else {
			sm.remaining = in.Month.Length().Minutes()
		}
		return sm, true
	}
	return slaMonth{}, false
}

// project is the month projected to its end without and with a window of
// d at errorRatio.
func (sm slaMonth) project(d time.Duration, errorRatio float64) cost.MonthProjection {
	return cost.ProjectMonth(sm.measured, sm.mtd, sm.remaining, sm.rate, math.Min(d.Minutes(), sm.room), errorRatio)
}

// describe says in words how p was projected: "month to date 99.974% over
// 13d 12h + 45m at 100% errors + 17d 11h 15m at 2026-10's error ratio to
// date (0.026%)".
func (sm slaMonth) describe(p cost.MonthProjection, current string) string {
	minutes := func(v float64) string { return report.ExactDuration(time.Duration(math.Round(v*60)) * time.Second) }
	var parts []string
	if p.MeasuredMinutes > 0 {
		parts = append(parts, fmt.Sprintf("month to date %s over %s", report.Percent(p.MeasuredAvailability, 3), minutes(p.MeasuredMinutes)))
	}
	if p.WindowMinutes > 0 {
		parts = append(parts, fmt.Sprintf("%s window at %s errors", minutes(p.WindowMinutes), report.Percent(p.ErrorRatio, 0)))
	}
	if rest := p.RemainingMinutes - p.WindowMinutes; rest > 0 {
		parts = append(parts, fmt.Sprintf("%s at %s's error ratio to date (%s)", minutes(rest), current, report.Percent(p.RateErrorRatio, 4)))
	}
	return strings.Join(parts, " + ")
}

// weighTraffic weighs the window [start, start+d) by the traffic of the
// service's request SLO (the SLA's when it counts requests, else the first
// the window hits that does) at the same hours of the week over the
// trafficWeeks weeks before at. Without such an SLO or data the weight is
// 1, stated as an assumption; a source error is also returned as a warning.
func weighTraffic(ctx context.Context, src Source, svc slo.Service, hit []string, at, start time.Time, d time.Duration) (report.WhatIfTraffic, string) {
	to := at.Truncate(time.Hour)
	from := to.Add(-trafficWeeks * 7 * 24 * time.Hour)
	t := report.WhatIfTraffic{Weight: 1, Assumed: true, Hours: trafficWeeks * 7 * 24, From: from.UTC(), To: to.UTC()}
	var pick *slo.SLO
	for i, s := range svc.SLOs {
		if (len(hit) > 0 && !slices.Contains(hit, s.Name)) || (s.SLI.Kind != slo.Events && s.SLI.Kind != slo.Latency) {
			continue
		}
		if pick == nil || s.Name == slaSLO(svc) {
			pick = &svc.SLOs[i]
		}
	}
	if pick == nil {
		t.Basis = fmt.Sprintf("Lost revenue at the usual traffic (weight 1, assumed): no SLO of %s that the window hits counts requests (probe and raw SLIs carry no traffic).", svc.Name)
		return t, ""
	}
	t.SLO = pick.Name
	q := pick.SLI.Queries(time.Hour).Total
	res, err := src.QueryRange(ctx, q, from.Add(time.Hour), to, time.Hour)
	if err != nil {
		t.Basis = fmt.Sprintf("Lost revenue at the usual traffic (weight 1, assumed): the traffic of %s/%s could not be read.", svc.Name, pick.Name)
		return t, fmt.Sprintf("could not weigh the window by traffic: %s/%s: %v", svc.Name, pick.Name, err)
	}
	sums := map[time.Time]float64{}
	for _, series := range res.Series {
		for _, p := range series.Points {
			if !math.IsNaN(p.V) {
				sums[p.T] += p.V
			}
		}
	}
	points := make([]slo.Point, 0, len(sums))
	for ts, v := range sums {
		points = append(points, slo.Point{T: ts, V: v})
	}
	w := cost.WeighTraffic(points, start, d)
	t.HoursWithData, t.Samples, t.Weeks = w.HoursWithData, w.Samples, w.Weeks
	hours := start.UTC().Format("Mon 15:04 MST")
	if w.Assumed {
		t.Basis = fmt.Sprintf("Lost revenue at the usual traffic (weight 1, assumed): %s/%s has no traffic data at the window's hours of the week (from %s) in the %d weeks to --at.",
			svc.Name, pick.Name, hours, trafficWeeks)
		return t, ""
	}
	t.Weight, t.Assumed = w.Weight, false
	t.WindowHourlyEvents, t.MeanHourlyEvents = num(w.WindowHourly), num(w.MeanHourly)
	t.Basis = fmt.Sprintf("Lost revenue weighted by traffic x%s: %s/%s counted %s requests an hour at the window's hours of the week (from %s; %d hourly values, %d weeks) against %s an hour over the %d of %d hours with data in the %d weeks to --at.",
		strconvFloat(w.Weight, 2), svc.Name, pick.Name, strconvFloat(w.WindowHourly, 0), hours, w.Samples, w.Weeks, strconvFloat(w.MeanHourly, 0), w.HoursWithData, t.Hours, trafficWeeks)
	if w.Covered < 1 {
		t.Basis += fmt.Sprintf(" Only %s of the window's hours have data; the weight is theirs.", report.Percent(w.Covered, 0))
	}
	return t, ""
}

// strconvFloat formats v with decimals digits.
func strconvFloat(v float64, decimals int) string { return fmt.Sprintf("%.*f", decimals, v) }

// The --fit limits.
const (
	limitWarn  = "warn_line"
	limitBlock = "block_line"
	limitSLA   = "sla_band"
)

// fitWindow finds the longest window at in.ErrorRatio within each limit:
// the gate's warn and block lines of budget left on every SLO the window
// hits (as the what-if computes budget left after, so a what-if of the
// answer stays within and one a second longer crosses) and the projected
// SLA month's band.
func fitWindow(in whatIfInput) *report.WhatIfFit {
	svc := in.Service
	f := &report.WhatIfFit{ErrorRatio: in.ErrorRatio, Limits: []report.WhatIfLimit{},
		Note: fmt.Sprintf("Each limit is the longest window, rounded down to the second, that stays within it: a what-if of exactly that long stays within, "+
			"one a second longer crosses. The lines are the gate's for %s (warn below %s, block below %s budget left); burn-rate alerts fire during any window "+
			"like this, so right after it the gate may still block on a page alert until it clears. The SLA limit keeps the projected month in the band it ends in without the window.",
			svc.Name, report.Percent(svc.Gate.WarnBelow, 0), report.Percent(svc.Gate.BlockBelow, 0))}
	for _, lim := range []struct {
		name string
		line float64
	}{{limitWarn, svc.Gate.WarnBelow}, {limitBlock, svc.Gate.BlockBelow}} {
		l := report.WhatIfLimit{Limit: lim.name, Line: num(lim.line)}
		var best time.Duration
		found, measured := false, false
		for _, e := range in.Evals {
			if (len(in.Hit) > 0 && !slices.Contains(in.Hit, e.SLO.Name)) || e.Err != nil || e.SLI.State != slo.DataOK {
				continue
			}
			measured = true
			within := func(d time.Duration) bool { return withOutage(e, d, in.ErrorRatio).Status.BudgetLeft >= lim.line }
			d, bounded := cost.Longest(within, fitBound)
			if !bounded || (found && d >= best) {
				continue
			}
			best, found, l.SLO = d, true, e.SLO.Name
			l.Reason = ""
			if d == 0 {
				l.Reason = fmt.Sprintf("already below: %s of the budget left", report.Percent(e.Status.BudgetLeft, 1))
			}
		}
		switch {
		case found:
			setLimit(&l, best)
		case measured:
			l.Reason = "not reached by a window of up to a year"
		default:
			l.Reason = "no SLO the window hits has data"
		}
		f.Limits = append(f.Limits, l)
	}
	l := report.WhatIfLimit{Limit: limitSLA}
	if sm, ok := in.slaMonth(); ok {
		l.SLO = sm.slo
		m := svc.Cost
		now := cost.Credit(m, in.Month.Name, sm.project(0, in.ErrorRatio).Without, 1)
		within := func(d time.Duration) bool {
			return cost.Credit(m, in.Month.Name, sm.project(d, in.ErrorRatio).With, 1).Rate <= now.Rate
		}
		room := time.Duration(math.Max(0, sm.room) * float64(time.Minute))
		d, bounded := cost.Longest(within, min(room, fitBound))
		if next, ok := nextBand(m.SLA, now.Rate); ok {
			l.Line = num(next.Below)
		}
		if bounded {
			setLimit(&l, d)
			l.Reason = fmt.Sprintf("%s projected at %s without it", in.Month.Name, report.Percent(sm.project(0, in.ErrorRatio).Without, 3))
		} else {
			l.Reason = fmt.Sprintf("the rest of %s at this error ratio stays in its band", in.Month.Name)
		}
	} else {
		l.Reason = "no SLA, or the window does not hit its SLO, or its month has no data"
	}
	f.Limits = append(f.Limits, l)
	for _, l := range f.Limits {
		if l.Seconds != nil && (f.Binding == "" || *l.Seconds < f.LongestSeconds) {
			f.Binding, f.LongestSeconds, f.Longest = l.Limit, *l.Seconds, l.Duration
		}
	}
	return f
}

// setLimit sets l's duration to d.
func setLimit(l *report.WhatIfLimit, d time.Duration) {
	l.Seconds = num(d.Seconds())
	l.Duration = "0s"
	if d > 0 {
		l.Duration = slo.PromQLDuration(d)
	}
}

// nextBand is the band a month reaches first as its availability falls
// from one owing rate: the highest "below" of the bands with a larger
// credit.
func nextBand(s slo.SLA, rate float64) (slo.CreditBand, bool) {
	var b slo.CreditBand
	ok := false
	for _, c := range s.Credits {
		if c.Credit > rate && (!ok || c.Below > b.Below) {
			b, ok = c, true
		}
	}
	return b, ok
}

// fitNothing says why no limit bounds the window.
func fitNothing(f *report.WhatIfFit) string {
	var why []string
	for _, l := range f.Limits {
		why = append(why, limitName(l.Limit)+": "+l.Reason)
	}
	return strings.Join(why, "; ")
}

func limitName(l string) string {
	switch l {
	case limitWarn:
		return "warn line"
	case limitBlock:
		return "block line"
	}
	return "SLA band"
}
