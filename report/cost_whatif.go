package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/slo"
)

// WhatIfInput is a hypothetical outage of a service now.
type WhatIfInput struct {
	Service slo.Service
	// Evals are the service's SLOs evaluated now over their own windows.
	Evals []slo.Evaluation
	// Month is the current calendar month and MonthEvals the SLA SLO
	// evaluated over it to date; empty without an SLA.
	Month      slo.Period
	MonthEvals []slo.Evaluation
	Duration   time.Duration
	ErrorRatio float64
	// Hit names the SLOs the outage hits; empty means every SLO of the
	// service.
	Hit    []string
	At     time.Time
	Source string
}

// WhatIfReport is the stable JSON of `nines cost --what-if -o json`: what an
// outage of the service now would cost, do to each SLO's error budget and
// SLA credit, and what the deploy gate would decide before and after.
type WhatIfReport struct {
	At            time.Time `json:"at"`
	Source        string    `json:"source"`
	Service       string    `json:"service"`
	Tier          string    `json:"tier"`
	Outage        string    `json:"outage"`
	OutageSeconds float64   `json:"outage_seconds"`
	ErrorRatio    float64   `json:"error_ratio"`
	// Cost is the outage's cost (lost revenue at impact 1, the model's
	// responders, the diverted work); null without a cost model.
	Cost *Breakdown  `json:"cost"`
	SLOs []WhatIfSLO `json:"slos"`
	SLA  *WhatIfSLA  `json:"sla"`
	Gate WhatIfGate  `json:"gate"`
	Note string      `json:"note"`
	Warn []string    `json:"warnings,omitempty"`
	m    cost.Model  // for the renderers
	evs  []slo.Evaluation
}

// WhatIfSLO is one SLO's error budget before and after the outage.
type WhatIfSLO struct {
	SLO       string  `json:"slo"`
	Objective float64 `json:"objective"`
	Window    string  `json:"window"`
	DataState string  `json:"data_state"`
	// Hit is whether the outage hits this SLO; OutageMinutes is the outage
	// in downtime-equivalent minutes (0 when not hit).
	Hit                    bool     `json:"hit"`
	OutageMinutes          float64  `json:"outage_minutes"`
	BudgetMinutes          *float64 `json:"budget_minutes"`
	BudgetLeftBefore       *float64 `json:"budget_left_before"`
	BudgetLeftAfter        *float64 `json:"budget_left_after"`
	BudgetLeftMinutesAfter *float64 `json:"budget_left_minutes_after"`
	// BudgetLeftCostBefore and After are the budget left in money (see burn).
	BudgetLeftCostBefore *float64 `json:"budget_left_cost_before"`
	BudgetLeftCostAfter  *float64 `json:"budget_left_cost_after"`
	// FiringAfter are the burn-rate alerts that would fire right after.
	FiringAfter []string `json:"firing_after"`
}

// WhatIfSLA is the month's SLA credit before and after the outage.
type WhatIfSLA struct {
	SLO                string   `json:"slo"`
	Month              string   `json:"month"`
	AvailabilityBefore float64  `json:"availability_before"`
	AvailabilityAfter  float64  `json:"availability_after"`
	CreditBefore       float64  `json:"credit_before"`
	CreditAfter        float64  `json:"credit_after"`
	ExtraCredit        float64  `json:"extra_credit"`
	BandAfter          *float64 `json:"band_below_after"`
}

// WhatIfGate is the deploy gate's verdict on a normal change now and right
// after the outage, with the reasons after.
type WhatIfGate struct {
	Before       string         `json:"before"`
	After        string         `json:"after"`
	ReasonsAfter []WhatIfReason `json:"reasons_after"`
}

// WhatIfReason is one reason of the gate's decision after the outage.
type WhatIfReason struct {
	SLO     string `json:"slo"`
	Rule    string `json:"rule"`
	Effect  string `json:"effect"`
	Message string `json:"message"`
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

// NewWhatIfReport prices the outage and applies it to the budgets, the SLA
// and the gate.
func NewWhatIfReport(in WhatIfInput) *WhatIfReport {
	svc := in.Service
	m := svc.Cost
	r := &WhatIfReport{
		At: in.At.UTC(), Source: in.Source, Service: svc.Name, Tier: svc.Tier,
		Outage: Duration(in.Duration), OutageSeconds: in.Duration.Seconds(), ErrorRatio: in.ErrorRatio,
		SLOs: []WhatIfSLO{},
		Note: "The outage is taken to have just ended: each alert window of an SLO it hits ends with it, and the SLO window gains its bad minutes at the usual traffic.",
	}
	if m.Configured() {
		r.Cost = newBreakdown(m.Outage(in.Duration, in.ErrorRatio), m)
	}
	after := make([]slo.Evaluation, len(in.Evals))
	for i, e := range in.Evals {
		hit := len(in.Hit) == 0 || slices.Contains(in.Hit, e.SLO.Name)
		d := in.Duration
		if !hit {
			d = 0
		}
		after[i] = withOutage(e, d, in.ErrorRatio)
		w := WhatIfSLO{SLO: e.SLO.Name, Objective: e.SLO.Objective, Window: e.SLO.Window.String(), DataState: string(e.SLI.State),
			Hit: hit, OutageMinutes: cost.DowntimeMinutes(in.ErrorRatio, d), FiringAfter: []string{}}
		r.Warn = append(r.Warn, e.Warnings...)
		switch {
		case e.Err != nil:
			w.DataState = ConditionError
			r.Warn = append(r.Warn, e.Err.Error())
		case e.SLI.State == slo.DataOK:
			eff := cost.OutageBudget(e.Status, d, in.ErrorRatio)
			w.BudgetMinutes, w.BudgetLeftBefore = num(eff.BudgetMinutes), num(eff.LeftBefore)
			w.BudgetLeftAfter, w.BudgetLeftMinutesAfter = num(after[i].Status.BudgetLeft), num(after[i].Status.BudgetLeftMinutes)
			if m.Configured() {
				w.BudgetLeftCostBefore = num(m.BudgetLeftValue(e.Status.BudgetLeftMinutes))
				w.BudgetLeftCostAfter = num(m.BudgetLeftValue(after[i].Status.BudgetLeftMinutes))
			}
			for _, a := range after[i].Status.Firing() {
				w.FiringAfter = append(w.FiringAfter, gate.AlertName(a))
			}
		}
		r.SLOs = append(r.SLOs, w)
	}
	if m.Configured() && m.SLA.MonthlyContractValue > 0 && len(m.SLA.Credits) > 0 {
		name := slaSLO(svc)
		for _, e := range in.MonthEvals {
			if e.SLO.Name != name || e.Err != nil || e.SLI.State != slo.DataOK || (len(in.Hit) > 0 && !slices.Contains(in.Hit, name)) {
				continue
			}
			before := e.Status.Availability
			afterA := cost.MonthAfterOutage(before, e.Elapsed, in.Duration, in.ErrorRatio)
			cb, ca := m.Credit(in.Month.Name, before, 1), m.Credit(in.Month.Name, afterA, 1)
			r.SLA = &WhatIfSLA{SLO: name, Month: in.Month.Name, AvailabilityBefore: before, AvailabilityAfter: afterA,
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
	r.Gate = WhatIfGate{Before: string(before.Verdict), After: string(afterD.Verdict), ReasonsAfter: []WhatIfReason{}}
	for _, reason := range afterD.Reasons {
		r.Gate.ReasonsAfter = append(r.Gate.ReasonsAfter, WhatIfReason{SLO: reason.SLO, Rule: string(reason.Rule), Effect: string(reason.Effect), Message: reason.Message})
	}
	r.Warn = dedupeStrings(r.Warn)
	return r
}

func dedupeStrings(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// WhatIfGrids are the tables of a what-if: the outage's cost, the budgets,
// the SLA credit and the gate.
func WhatIfGrids(r *WhatIfReport) []Grid {
	title := fmt.Sprintf("What if %s fails for %s (%s of requests) at %s", r.Service, r.Outage, Percent(r.ErrorRatio, 0), r.At.Format("2006-01-02 15:04 MST"))
	var gs []Grid
	cg := Grid{Title: title + ": cost", Header: []string{"COMPONENT", "ITEM", "FORMULA", "AMOUNT"}}
	if r.Cost != nil {
		cg.Rows = BreakdownRows(r.Cost, 1)
	} else {
		cg.Notes = append(cg.Notes, r.Service+" has no cost model: add a cost: section to its tier or service to price the outage.")
	}
	gs = append(gs, cg)
	bg := Grid{Title: "Error budget", Header: []string{"SLO", "OBJECTIVE", "WINDOW", "OUTAGE", "LEFT NOW", "LEFT AFTER", "LEFT IN MONEY NOW", "AFTER", "ALERTS AFTER"}}
	cur := ""
	if r.Cost != nil {
		cur = r.Cost.Currency
	}
	optMoney := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return Money(*v, cur)
	}
	for _, s := range r.SLOs {
		row := []string{s.SLO, Objective(s.Objective), s.Window, Duration(time.Duration(s.OutageMinutes * float64(time.Minute)))}
		if s.BudgetLeftBefore == nil {
			row = append(row, strings.ReplaceAll(s.DataState, "_", " "), "-", "-", "-", "-")
		} else {
			alerts := strings.Join(s.FiringAfter, ", ")
			if alerts == "" {
				alerts = "-"
			}
			row = append(row, optPercent(s.BudgetLeftBefore, 1), optPercent(s.BudgetLeftAfter, 1), optMoney(s.BudgetLeftCostBefore), optMoney(s.BudgetLeftCostAfter), alerts)
		}
		bg.Rows = append(bg.Rows, row)
	}
	bg.Notes = append(bg.Notes, r.Note)
	gs = append(gs, bg)
	if r.SLA != nil {
		gs = append(gs, Grid{Title: "SLA credit", Header: []string{"SLO", "MONTH", "AVAILABILITY NOW", "AFTER", "CREDIT NOW", "AFTER", "EXTRA"},
			Rows: [][]string{{r.SLA.SLO, r.SLA.Month, Percent(r.SLA.AvailabilityBefore, 3), Percent(r.SLA.AvailabilityAfter, 3),
				Money(r.SLA.CreditBefore, cur), Money(r.SLA.CreditAfter, cur), Money(r.SLA.ExtraCredit, cur)}}})
	}
	gg := Grid{Title: "Deploy gate (a normal change)", Header: []string{"NOW", "AFTER", "REASONS AFTER"}}
	var reasons []string
	for _, x := range r.Gate.ReasonsAfter {
		if x.Effect != string(gate.Allow) {
			reasons = append(reasons, x.SLO+": "+x.Message)
		}
	}
	if len(reasons) == 0 {
		reasons = []string{"-"}
	}
	gg.Rows = [][]string{{r.Gate.Before, r.Gate.After, reasons[0]}}
	for _, x := range reasons[1:] {
		gg.Rows = append(gg.Rows, []string{"", "", x})
	}
	gs = append(gs, gg)
	return gs
}
