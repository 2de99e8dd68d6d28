package app

import (
	"context"
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
}

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
	evals, err := evaluate(ctx, src, slos, slo.EvalOptions{At: env.At})
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
	in := whatIfInput{Service: svc, Evals: evals, Duration: req.Duration, ErrorRatio: req.ErrorRatio, Hit: req.Hit, At: env.At, Source: src.String()}
	if name := SLASLOs(env.Catalog)[svc.Name]; name != "" {
		in.Month = slo.CalendarPeriod(slo.Month, env.At, loc)
		for _, s := range slos {
			if s.Name == name {
				in.MonthEvals = slo.Evaluate(ctx, src, []slo.SLO{s}, slo.EvalOptions{At: env.At, Period: &in.Month, WindowOnly: true})
			}
		}
	}
	r := newWhatIfReport(in)
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
		Note: "The outage is taken to have just ended: each alert window of an SLO it hits ends with it, and the SLO window gains its bad minutes at the usual traffic.",
	}
	if m.Configured() {
		r.Cost = newBreakdown(cost.Outage(m, in.Duration, in.ErrorRatio), m)
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
			Hit: hit, OutageMinutes: cost.DowntimeMinutes(in.ErrorRatio, d), FiringAfter: []string{}}
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
	if m.Configured() && hasSLACredits(m) {
		name := slaSLO(svc)
		for _, e := range in.MonthEvals {
			if e.SLO.Name != name || e.Err != nil || e.SLI.State != slo.DataOK || (len(in.Hit) > 0 && !slices.Contains(in.Hit, name)) {
				continue
			}
			before := e.Status.Availability
			afterA := cost.MonthAfterOutage(before, e.Elapsed, in.Duration, in.ErrorRatio)
			cb, ca := cost.Credit(m, in.Month.Name, before, 1), cost.Credit(m, in.Month.Name, afterA, 1)
			r.SLA = &report.WhatIfSLA{SLO: name, Month: in.Month.Name, AvailabilityBefore: before, AvailabilityAfter: afterA,
				CreditBefore: cb.Amount, CreditAfter: ca.Amount, ExtraCredit: ca.Amount - cb.Amount}
			if ca.Rate > 0 {
				b := ca.Below
				r.SLA.BandAfter = &b
			}
		}
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
