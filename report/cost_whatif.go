package report

import (
	"fmt"
	"strings"
	"time"
)

// effectAllow is the effect of a gate reason that lets the change through.
const effectAllow = "allow"

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
}

// Grids are the what-if's tables: see WhatIfGrids.
func (r *WhatIfReport) Grids(o GridOptions) []Grid { return WhatIfGrids(r, o.Wide) }

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

// WhatIfGrids are the tables of a what-if: the outage's cost, the budgets,
// the SLA credit and the gate. The narrow tables (wide false) fit 120
// columns: no formulas, the severities of the alerts firing after rather
// than each alert, and the notes and gate reasons wrapped; a note says what
// -o wide adds.
func WhatIfGrids(r *WhatIfReport, wide bool) []Grid {
	title := fmt.Sprintf("What if %s fails for %s (%s of requests) at %s", r.Service, r.Outage, Percent(r.ErrorRatio, 0), r.At.Format("2006-01-02 15:04 MST"))
	var gs []Grid
	cg := Grid{Title: title + ": cost", Header: []string{"COMPONENT", "ITEM", "FORMULA", "AMOUNT"}}
	if r.Cost != nil {
		cg.Rows = BreakdownRows(r.Cost, 1)
	} else {
		cg.Notes = append(cg.Notes, r.Service+" has no cost model: add a cost: section to its tier or service to price the outage.")
	}
	if !wide {
		cg = dropColumns(cg, 2)
		cg.Notes = wrapNotes(cg.Notes, NarrowWidth)
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
			if !wide {
				alerts = severities(s.FiringAfter)
			}
			if alerts == "" {
				alerts = "-"
			}
			row = append(row, optPercent(s.BudgetLeftBefore, 1), optPercent(s.BudgetLeftAfter, 1), optMoney(s.BudgetLeftCostBefore), optMoney(s.BudgetLeftCostAfter), alerts)
		}
		bg.Rows = append(bg.Rows, row)
	}
	bg.Notes = append(bg.Notes, r.Note)
	if !wide {
		bg.Notes = wrapNotes(bg.Notes, NarrowWidth)
	}
	gs = append(gs, bg)
	if r.SLA != nil {
		gs = append(gs, Grid{Title: "SLA credit", Header: []string{"SLO", "MONTH", "AVAILABILITY NOW", "AFTER", "CREDIT NOW", "AFTER", "EXTRA"},
			Rows: [][]string{{r.SLA.SLO, r.SLA.Month, Percent(r.SLA.AvailabilityBefore, 3), Percent(r.SLA.AvailabilityAfter, 3),
				Money(r.SLA.CreditBefore, cur), Money(r.SLA.CreditAfter, cur), Money(r.SLA.ExtraCredit, cur)}}})
	}
	gg := Grid{Title: "Deploy gate (a normal change)", Header: []string{"NOW", "AFTER", "REASONS AFTER"}}
	var reasons []string
	for _, x := range r.Gate.ReasonsAfter {
		if x.Effect != effectAllow {
			reasons = append(reasons, x.SLO+": "+x.Message)
		}
	}
	if len(reasons) == 0 {
		reasons = []string{"-"}
	}
	if !wide {
		var wrapped []string
		for _, x := range reasons {
			wrapped = append(wrapped, wrapText(x, "", "  ", narrowReasons)...)
		}
		reasons = wrapped
	}
	gg.Rows = [][]string{{r.Gate.Before, r.Gate.After, reasons[0]}}
	for _, x := range reasons[1:] {
		gg.Rows = append(gg.Rows, []string{"", "", x})
	}
	if !wide {
		gg.Notes = append(gg.Notes, wideNote("the formula of each cost line and each alert that would fire"))
	}
	gs = append(gs, gg)
	return gs
}

// narrowReasons is the most characters of a line of the gate's reasons in
// the narrow what-if table, after the NOW and AFTER columns.
const narrowReasons = 100

// severities names the severities of the alerts ("page 1h/5m 14.4x"), in
// the order first seen, with how many of each: "page x2, ticket".
func severities(alerts []string) string {
	var order []string
	n := map[string]int{}
	for _, a := range alerts {
		sev, _, _ := strings.Cut(a, " ")
		if n[sev] == 0 {
			order = append(order, sev)
		}
		n[sev]++
	}
	out := make([]string, len(order))
	for i, sev := range order {
		out[i] = sev
		if n[sev] > 1 {
			out[i] += fmt.Sprintf(" x%d", n[sev])
		}
	}
	return strings.Join(out, ", ")
}
