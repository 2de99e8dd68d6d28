package report

import (
	"fmt"
	"math"
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
	// Cost is the window's own cost (lost revenue at impact 1 weighted by
	// traffic; for an unplanned window the model's responders and the
	// diverted work); it holds no SLA credit. Null without a cost model.
	Cost *Breakdown  `json:"cost"`
	SLOs []WhatIfSLO `json:"slos"`
	SLA  *WhatIfSLA  `json:"sla"`
	Gate WhatIfGate  `json:"gate"`
	Note string      `json:"note"`
	Warn []string    `json:"warnings,omitempty"`

	// Start is when the window starts: --start, or --at (StartFrom says
	// which).
	Start     time.Time `json:"start"`
	StartFrom string    `json:"start_from"`
	// Planned is set for a planned maintenance window: no incident labor
	// or opportunity cost.
	Planned bool `json:"planned"`
	// Blip is set when the incident policy of the service would count the
	// window as a blip (shorter than min_duration and spending less than
	// min_budget of every SLO's budget): no incident labor or opportunity,
	// as nines cost prices it. BudgetSpent is the largest share of an SLO
	// window's budget the window spends.
	Blip        bool    `json:"blip"`
	BudgetSpent float64 `json:"budget_spent"`
	// Exposure is the headline: the window's cost plus the extra SLA
	// credit; null without a cost model.
	Exposure *WhatIfExposure `json:"exposure"`
	// Traffic is the weight of the window's lost revenue.
	Traffic WhatIfTraffic `json:"traffic"`
	// Fit is the longest window within the gate's budget lines and the SLA
	// band, with --fit; null otherwise.
	Fit *WhatIfFit `json:"fit"`
}

// WhatIfExposure is the total exposure of a window:
// Total = LostRevenue + Labor + Opportunity + SLACredit.
type WhatIfExposure struct {
	Currency    string  `json:"currency"`
	LostRevenue float64 `json:"lost_revenue"`
	Labor       float64 `json:"labor"`
	Opportunity float64 `json:"opportunity"`
	// SLACredit is the SLA's extra credit (WhatIfSLA.ExtraCredit), 0
	// without an SLA.
	SLACredit float64 `json:"sla_credit"`
	Total     float64 `json:"total"`
}

// WhatIfTraffic is the traffic weight of the window's lost revenue:
// Weight = WindowHourlyEvents / MeanHourlyEvents, from the SLO's total
// events per hour over the four weeks before --at; 1 when Assumed.
type WhatIfTraffic struct {
	SLO     string  `json:"slo"`
	Weight  float64 `json:"weight"`
	Assumed bool    `json:"assumed"`
	// Basis says in words what the weight rests on.
	Basis string `json:"basis"`
	// WindowHourlyEvents is the mean events per hour at the window's hours
	// of the week, MeanHourlyEvents over every hour; null when assumed.
	WindowHourlyEvents *float64 `json:"window_hourly_events"`
	MeanHourlyEvents   *float64 `json:"mean_hourly_events"`
	// Samples is how many hourly values the window's hours rest on, Weeks
	// the most weeks behind one of them; HoursWithData of Hours had data.
	Samples       int       `json:"samples"`
	Weeks         int       `json:"weeks"`
	HoursWithData int       `json:"hours_with_data"`
	Hours         int       `json:"hours"`
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
}

// WhatIfFit is the longest window at ErrorRatio that keeps every SLO it
// hits at or above the gate's warn and block lines of budget left, and the
// projected SLA month in its band: each limit, and the binding (shortest)
// one, rounded down to the second.
type WhatIfFit struct {
	ErrorRatio float64       `json:"error_ratio"`
	Limits     []WhatIfLimit `json:"limits"`
	// Binding names the shortest limit (warn_line, block_line or
	// sla_band); Longest is its duration, as --what-if takes it.
	Binding        string  `json:"binding"`
	Longest        string  `json:"longest"`
	LongestSeconds float64 `json:"longest_seconds"`
	Note           string  `json:"note"`
}

// WhatIfLimit is one limit of --fit. Seconds is null when nothing within
// the search bound reaches the line (Reason says why).
type WhatIfLimit struct {
	// Limit is warn_line, block_line or sla_band.
	Limit string `json:"limit"`
	// Line is the budget left (a ratio) a warn or block line stands at, or
	// the availability whose band is the next SLA band (band_below).
	Line     *float64 `json:"line"`
	SLO      string   `json:"slo"`
	Seconds  *float64 `json:"seconds"`
	Duration string   `json:"duration"`
	Reason   string   `json:"reason"`
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
	Hit bool `json:"hit"`
	// Path is the data the budgets were measured from: raw or recorded
	// (docs/fast-path.md); PathReason says why raw data when records were
	// allowed.
	Path                   string   `json:"path"`
	PathReason             string   `json:"path_reason,omitempty"`
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

// WhatIfSLA is the SLA month's credit without and with the window, from
// the month projected to its end (see ProjectedAvailability).
type WhatIfSLA struct {
	SLO   string `json:"slo"`
	Month string `json:"month"`
	// AvailabilityBefore and After are the projected month-end
	// availabilities without and with the window, which the credits
	// compare (ProjectedAvailabilityWithout and ProjectedAvailability).
	AvailabilityBefore float64  `json:"availability_before"`
	AvailabilityAfter  float64  `json:"availability_after"`
	CreditBefore       float64  `json:"credit_before"`
	CreditAfter        float64  `json:"credit_after"`
	ExtraCredit        float64  `json:"extra_credit"`
	BandAfter          *float64 `json:"band_below_after"`

	BandBefore *float64 `json:"band_below_before"`
	// MonthToDateAvailability is the month measured to --at; null when
	// the month has not begun at --at.
	MonthToDateAvailability *float64 `json:"month_to_date_availability"`
	// MeasuredSeconds is the month measured to --at, RemainingSeconds the
	// rest of it, WindowSeconds the part of the window inside it.
	MeasuredSeconds  float64 `json:"measured_seconds"`
	RemainingSeconds float64 `json:"remaining_seconds"`
	WindowSeconds    float64 `json:"window_seconds"`
	// RateErrorRatio is the current rate the rest of the month is projected
	// at: the error ratio of the current month to date (RateBasis).
	RateErrorRatio float64 `json:"rate_error_ratio"`
	RateBasis      string  `json:"rate_basis"`
	// ProjectedAvailability is the month's projected end with the window,
	// ProjectedAvailabilityWithout without it; Projection says how.
	ProjectedAvailability        float64 `json:"projected_availability"`
	ProjectedAvailabilityWithout float64 `json:"projected_availability_without"`
	Projection                   string  `json:"projection"`
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
	d := ExactDuration(time.Duration(math.Round(r.OutageSeconds)) * time.Second)
	what := fmt.Sprintf("%s fails for %s (%s errors)", r.Service, d, Percent(r.ErrorRatio, 0))
	if r.Planned {
		what = fmt.Sprintf("%s has %s of planned maintenance (%s errors)", r.Service, d, Percent(r.ErrorRatio, 0))
	}
	start := r.Start
	if start.IsZero() {
		start = r.At
	}
	title := fmt.Sprintf("What if %s from %s", what, start.Format("2006-01-02 15:04 MST"))
	var gs []Grid
	if r.Fit != nil {
		gs = append(gs, fitGrid(r.Fit, wide))
	}
	cg := Grid{Title: title, Header: []string{"COMPONENT", "ITEM", "FORMULA", "AMOUNT"}}
	if r.Cost != nil && r.Exposure != nil {
		cur := r.Exposure.Currency
		cg.Title += ": total exposure " + Money(r.Exposure.Total, cur)
		incidents := 1
		if r.Planned {
			incidents = 0
		}
		rows := BreakdownRows(r.Cost, incidents)
		rows = rows[:len(rows)-1] // its total: the exposure's follows
		if len(r.Cost.Revenue) == 1 && len(rows) > 0 {
			// The window's minutes, its error ratio and traffic weight in
			// the place of the downtime-equivalent minutes they make.
			l := r.Cost.Revenue[0]
			rows[0][2] = fmt.Sprintf("%s/min x %s share x %s impact x %s min x %s errors x %s traffic x (1 - %s recovery)",
				Money(l.PerMinute, cur), Percent(l.Share, 0), Percent(l.Impact, 0), plainNumber(roundTo3(r.OutageSeconds/60)),
				Percent(r.ErrorRatio, 0), plainNumber(roundTo3(r.Traffic.Weight)), Percent(l.Recovery, 0))
		}
		if r.SLA != nil {
			rows = append(rows, []string{"SLA credit", r.SLA.Month + " (projected)", slaFormula(r.SLA, cur), Money(r.SLA.ExtraCredit, cur)})
		}
		rows = append(rows, []string{"total exposure", "", "lost revenue + labor + opportunity + SLA credit", Money(r.Exposure.Total, cur)})
		cg.Rows = rows
		if r.Planned {
			cg.Notes = append(cg.Notes, "Planned maintenance: no incident labor or opportunity cost; lost revenue and the SLA still count.")
		}
		if r.Blip {
			cg.Notes = append(cg.Notes, fmt.Sprintf("A blip under the incident policy (it spends %s of an SLO's budget at most): no incident labor or opportunity cost, as nines cost prices it.", Percent(r.BudgetSpent, 1)))
		}
		if r.SLA == nil {
			cg.Notes = append(cg.Notes, "No SLA credit: the service has no SLA, or the window does not hit its SLO.")
		}
	} else {
		cg.Notes = append(cg.Notes, r.Service+" has no cost model: add a cost: section to its tier or service to price the outage.")
	}
	if r.Traffic.Basis != "" {
		cg.Notes = append(cg.Notes, r.Traffic.Basis)
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
	if n := whatIfPathNote(r); n != "" {
		bg.Notes = append(bg.Notes, n)
	}
	if !wide {
		bg.Notes = wrapNotes(bg.Notes, NarrowWidth)
	}
	gs = append(gs, bg)
	if r.SLA != nil {
		mtd := "-"
		if r.SLA.MonthToDateAvailability != nil {
			mtd = Percent(*r.SLA.MonthToDateAvailability, 3)
		}
		sg := Grid{Title: "SLA credit (the month projected to its end)", Header: []string{"SLO", "MONTH", "TO DATE", "PROJECTED", "WITH WINDOW", "CREDIT", "WITH WINDOW", "EXTRA"},
			Rows: [][]string{{r.SLA.SLO, r.SLA.Month, mtd, Percent(r.SLA.AvailabilityBefore, 3), Percent(r.SLA.AvailabilityAfter, 3),
				Money(r.SLA.CreditBefore, cur), Money(r.SLA.CreditAfter, cur), Money(r.SLA.ExtraCredit, cur)}},
			Notes: []string{"Projection: " + r.SLA.Projection + "."}}
		if !wide {
			sg.Notes = wrapNotes(sg.Notes, NarrowWidth)
		}
		gs = append(gs, sg)
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

// slaFormula is the what-if's SLA credit line: the projected month-end
// availability with the window, its band and the credit owed anyway.
func slaFormula(s *WhatIfSLA, cur string) string {
	band := "no band"
	if s.BandAfter != nil {
		band = "below " + Objective(*s.BandAfter)
	}
	return fmt.Sprintf("projected %s with the window (%s without): %s; %s - %s owed anyway",
		Percent(s.AvailabilityAfter, 3), Percent(s.AvailabilityBefore, 3), band, Money(s.CreditAfter, cur), Money(s.CreditBefore, cur))
}

// limitNames are the --fit limits in words.
var limitNames = map[string]string{"warn_line": "gate warn line", "block_line": "gate block line", "sla_band": "next SLA band"}

// fitGrid is the table of --fit: each limit, then the binding one.
func fitGrid(f *WhatIfFit, wide bool) Grid {
	g := Grid{Title: fmt.Sprintf("Longest window at %s of requests failing", Percent(f.ErrorRatio, 0)), Header: []string{"LIMIT", "LINE", "SLO", "LONGEST", "NOTE"}}
	for _, l := range f.Limits {
		line := "-"
		if l.Line != nil {
			if l.Limit == "sla_band" {
				line = "below " + Objective(*l.Line)
			} else {
				line = Percent(*l.Line, 1) + " budget left"
			}
		}
		longest := "none"
		if l.Seconds != nil {
			longest = l.Duration
		}
		if l.Limit == f.Binding {
			longest += " (binding)"
		}
		slo := l.SLO
		if slo == "" {
			slo = "-"
		}
		note := l.Reason
		if note == "" {
			note = "-"
		}
		g.Rows = append(g.Rows, []string{limitNames[l.Limit], line, slo, longest, note})
	}
	g.Notes = append(g.Notes, f.Note)
	if !wide {
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
	}
	return g
}

// ExactDuration writes d to the second with every unit that is not zero:
// "16d 23h 30m", "1h 4m 1s", "14d"; "0s" for none.
func ExactDuration(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	var parts []string
	for _, u := range []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.size; n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", n, u.name))
			d -= n * u.size
		}
	}
	return strings.Join(parts, " ")
}
