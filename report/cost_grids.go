package report

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// DailyRow is one SLO on one day, from the detection steps: the steps that
// start in the day. The pricing use case computes the rows; the Daily sheet
// streams them. Lost revenue prices the day's downtime-equivalent
// minutes; IncidentCost is the labor and opportunity of the incidents that
// started that day and peaked on this SLO.
type DailyRow struct {
	Date            time.Time
	Service, SLO    string
	Tier            string
	HasData         bool
	ErrorRatio      float64
	DowntimeMinutes float64
	Coverage        float64
	Currency        string
	Priced          bool
	LostRevenue     float64
	Incidents       int
	IncidentCost    float64
}

// Availability is 1 - ErrorRatio.
func (d DailyRow) Availability() float64 { return 1 - d.ErrorRatio }

// money is Money for a breakdown that may be absent.
func money(b *Breakdown, f func(*Breakdown) float64) string {
	if b == nil {
		return "-"
	}
	return Money(f(b), b.Currency)
}

func optDuration(seconds *float64) string {
	if seconds == nil {
		return "-"
	}
	return Duration(time.Duration(*seconds * float64(time.Second)))
}

func optPercent(v *float64, decimals int) string {
	if v == nil {
		return "-"
	}
	return Percent(*v, decimals)
}

// PeriodLabel is "2026-Q3 (2026-07-01 to 2026-10-01)", or for a period
// still running "2026-Q4 (2026-10-01 to 2027-01-01, to date: measured to
// 2026-10-14 12:00 UTC)".
func (p PeriodInfo) PeriodLabel() string {
	loc := time.UTC
	if l, err := time.LoadLocation(p.TimeZone); err == nil {
		loc = l
	}
	day := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }
	s := fmt.Sprintf("%s (%s to %s", p.Name, day(p.Start), day(p.End))
	switch {
	case p.ToDate:
		s += ", to date: measured to " + p.MeasuredTo.In(loc).Format("2006-01-02 15:04 MST")
	case p.MeasuredTo.Before(p.End):
		s += ", measured to " + p.MeasuredTo.In(loc).Format("2006-01-02 15:04 MST")
	}
	return s + ")"
}

// CostServicesGrid is a row per service: incidents, MTTR and the cost by
// component. The narrow table (wide false) leaves out the tier and MTBF.
func CostServicesGrid(r *CostReport, wide bool) Grid {
	g := Grid{
		Title:  "Cost by service, " + r.Period.PeriodLabel(),
		Header: []string{"SERVICE", "TIER", "INCIDENTS", "BLIPS", "MTTR", "MTBF", "LOST REVENUE", "LABOR", "OPPORTUNITY", "SLA CREDITS", "TOTAL"},
	}
	blips := 0
	for _, s := range r.Services {
		blips += s.Blips
		row := []string{s.Service, s.Tier, fmt.Sprint(s.Incidents), blipCell(s), optDuration(s.MTTRSeconds), optDuration(s.MTBFSeconds),
			money(s.Cost, func(b *Breakdown) float64 { return b.LostRevenue }),
			money(s.Cost, func(b *Breakdown) float64 { return b.Labor }),
			money(s.Cost, func(b *Breakdown) float64 { return b.Opportunity }),
			money(s.Cost, func(b *Breakdown) float64 { return b.SLACredits }),
			money(s.Cost, func(b *Breakdown) float64 { return b.Total }),
		}
		if !s.CostModel {
			g.Notes = append(g.Notes, s.Service+": no cost model (add a cost: section to its tier or service)")
		}
		g.Rows = append(g.Rows, row)
	}
	for _, t := range r.Totals {
		g.Rows = append(g.Rows, []string{"total " + t.Currency, "", "", "", "", "",
			Money(t.LostRevenue, t.Currency), Money(t.Labor, t.Currency), Money(t.Opportunity, t.Currency),
			Money(t.SLACredits, t.Currency), Money(t.Total, t.Currency)})
	}
	if blips > 0 {
		g.Notes = append(g.Notes, "BLIPS: intervals shorter than the incident policy's min_duration that spent less than its min_budget; their downtime and lost revenue are counted, no labor or opportunity.")
	}
	if !wide {
		g = dropColumns(g, 1, 5)
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
	}
	return g
}

// blipCell is a service's blips: "3 (15m)", or "0".
func blipCell(s ServiceCost) string {
	if s.Blips == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", s.Blips, Duration(time.Duration(s.BlipSeconds*float64(time.Second))))
}

// dropColumns is g without the columns at the given indexes.
func dropColumns(g Grid, cols ...int) Grid {
	keep := func(cells []string) []string {
		var out []string
		for i, c := range cells {
			if !slices.Contains(cols, i) {
				out = append(out, c)
			}
		}
		return out
	}
	out := Grid{Title: g.Title, Header: keep(g.Header), Notes: g.Notes}
	for _, r := range g.Rows {
		out.Rows = append(out.Rows, keep(r))
	}
	return out
}

// CostSLOsGrid is a row per SLO: objective, availability, downtime, the
// revenue it lost and its data coverage; a note per SLO under the
// report's minimum coverage.
func CostSLOsGrid(r *CostReport) Grid {
	g := Grid{
		Title:  "Downtime by SLO",
		Header: []string{"SERVICE", "SLO", "OBJECTIVE", "AVAILABILITY", "MET", "DOWNTIME", "IMPACT", "LOST REVENUE", "COVERAGE"},
	}
	var low []string
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			if o.Coverage < r.MinCoverage {
				low = append(low, fmt.Sprintf("%s/%s %s", s.Service, o.SLO, Percent(o.Coverage, 0)))
			}
			row := []string{s.Service, o.SLO, Objective(o.Objective)}
			switch {
			case o.DataState == ConditionError:
				row = append(row, "error", "-", "-")
				g.Notes = append(g.Notes, o.Error)
			case o.Availability == nil:
				row = append(row, strings.ReplaceAll(o.DataState, "_", " "), "-", "-")
				g.Notes = append(g.Notes, fmt.Sprintf("%s/%s: %s: %s", s.Service, o.SLO, strings.ReplaceAll(o.DataState, "_", " "), o.Reason))
			default:
				met := "yes"
				if !*o.Met {
					met = "MISSED"
					if m := missedMonths(o.Months); m != "" {
						met += " " + m
					}
				}
				row = append(row, Percent(*o.Availability, 3), met, minutes(o.DowntimeMinutes))
			}
			lost := "-"
			if o.LostRevenue != nil {
				lost = Money(*o.LostRevenue, s.Currency)
			}
			row = append(row, Percent(o.RevenueImpact, 0), lost, Percent(o.Coverage, 0))
			g.Rows = append(g.Rows, row)
		}
	}
	g.Notes = append(g.Notes, costAdjustmentNotes(r)...)
	if n := CostPathNote(r); n != "" {
		g.Notes = append(g.Notes, n)
	}
	g.Notes = append(g.Notes, fmt.Sprintf("Data coverage %s of the period (the mean of the SLOs').", Percent(r.Coverage, 1)))
	if len(low) > 0 {
		g.Notes = append(g.Notes, fmt.Sprintf("Under %s coverage, figures rest on part of the period: %s.", Percent(r.MinCoverage, 0), strings.Join(low, ", ")))
	}
	return g
}

// CostSLOMonthsGrid is a row per month of each SLO judged month by month
// (SLOCost.Months); ok is false when no SLO is.
func CostSLOMonthsGrid(r *CostReport) (Grid, bool) {
	var rows [][]string
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			for _, m := range o.Months {
				rows = append(rows, sloMonthRow(s.Service, o.SLO, Objective(o.Objective), m))
			}
		}
	}
	return SLOMonthsGrid(rows), len(rows) > 0
}

// SLAMonthsGrid is a row per calendar month of each SLA (CostReport.
// SLAMonths): availability, coverage, the band it fell below, the credit
// rate and the credit; ok is false when no service has SLA credits.
func SLAMonthsGrid(r *CostReport) (Grid, bool) {
	g := Grid{
		Title:  "SLA months",
		Header: []string{"SERVICE", "SLO", "MONTH", "AVAILABILITY", "COVERAGE", "BAND", "CREDIT RATE", "MONTHLY VALUE", "SHARE", "CREDIT"},
	}
	for _, m := range r.SLAMonths {
		avail, band := "no data", "-"
		if m.Availability != nil {
			avail, band = Percent(*m.Availability, 3), "none"
		}
		if m.BandBelow != nil {
			band = "below " + Objective(*m.BandBelow)
		}
		g.Rows = append(g.Rows, []string{m.Service, m.SLO, m.Month, avail, Percent(m.Coverage, 0), band, Percent(m.CreditRate, 0),
			Money(m.MonthlyContractValue, m.Currency), Percent(m.Share, 1), Money(m.Credit, m.Currency)})
	}
	g.Notes = []string{"Credit = monthly value x credit rate x the share of the month inside the period; a month without data owes none."}
	return g, len(r.SLAMonths) > 0
}

// CostIncidentsGrid is a row per incident with its cost. The narrow table
// (wide false) has the total only, not its components, and titles cut to 30
// characters.
func CostIncidentsGrid(r *CostReport, wide bool) Grid {
	g := Grid{
		Title:  "Incidents",
		Header: []string{"START", "SERVICE", "DURATION", "PEAK", "DOWNTIME", "SOURCE", "LOST REVENUE", "LABOR", "OPPORTUNITY", "TOTAL", "TITLE"},
	}
	loc := timeZone(r.Period.TimeZone)
	ongoing, planned := false, false
	for _, i := range r.Incidents {
		duration := Duration(i.Duration())
		switch {
		case i.Ongoing:
			duration += ", ongoing"
			ongoing = true
		case i.Planned:
			duration += ", planned"
			planned = true
		}
		peak := "-"
		if i.PeakBurnRate != nil {
			peak = fmt.Sprintf("%s %sx", i.PeakSLO, Float(*i.PeakBurnRate, 1))
		}
		title := i.Title
		if title == "" {
			title = "-"
		}
		g.Rows = append(g.Rows, []string{
			i.Start.In(loc).Format("2006-01-02 15:04"), i.Service, duration, peak,
			Duration(time.Duration(i.DowntimeMinutes * float64(time.Minute))), i.Source,
			money(i.Cost, func(b *Breakdown) float64 { return b.LostRevenue }),
			money(i.Cost, func(b *Breakdown) float64 { return b.Labor }),
			money(i.Cost, func(b *Breakdown) float64 { return b.Opportunity }),
			money(i.Cost, func(b *Breakdown) float64 { return b.Total }),
			title,
		})
	}
	if len(r.Incidents) == 0 {
		g.Notes = append(g.Notes, "No incidents in the period.")
	}
	if ongoing {
		g.Notes = append(g.Notes, "ongoing: still burning at the end of the measured period ("+r.Period.MeasuredTo.In(loc).Format("2006-01-02 15:04 MST")+"); it ends there, with all its downtime to then.")
	}
	if planned {
		g.Notes = append(g.Notes, "planned: a planned interval of the incidents file, or one inside a budget adjustment (docs/adjustments.md): its downtime and lost revenue count, no labor or opportunity, not counted as an incident.")
	}
	if !wide {
		for _, row := range g.Rows {
			row[10] = clip(row[10], narrowTitle)
		}
		g = dropColumns(g, 5, 6, 7, 8)
	}
	return g
}

// narrowTitle is the most characters of an incident title in the narrow
// incidents table.
const narrowTitle = 30

// CostBreakdownGrid is every line behind each service's cost: component,
// item, the formula with its inputs, and the amount. The narrow table (wide
// false) has no formulas and one labor line per service, not one per role.
func CostBreakdownGrid(r *CostReport, wide bool) Grid {
	g := Grid{Title: "Cost breakdown", Header: []string{"SERVICE", "COMPONENT", "ITEM", "FORMULA", "AMOUNT"}}
	for _, s := range r.Services {
		if s.Cost == nil {
			continue
		}
		rows := BreakdownRows(s.Cost, s.Incidents)
		if !wide {
			rows = narrowBreakdown(rows, s.Cost)
		}
		for _, row := range rows {
			g.Rows = append(g.Rows, append([]string{s.Service}, row...))
		}
	}
	if !wide {
		g = dropColumns(g, 3)
	}
	return g
}

// narrowBreakdown folds the labor lines of rows (from BreakdownRows) into
// one: "labor", "N roles", the labor's amount.
func narrowBreakdown(rows [][]string, b *Breakdown) [][]string {
	var out [][]string
	roles := 0
	for _, r := range rows {
		if r[0] == "labor" {
			roles++
		}
	}
	folded := false
	for _, r := range rows {
		switch {
		case r[0] != "labor" || roles < 2:
			out = append(out, r)
		case !folded:
			out = append(out, []string{"labor", fmt.Sprintf("%d roles", roles), "", Money(b.Labor, b.Currency)})
			folded = true
		}
	}
	return out
}

// BreakdownRows are a breakdown's lines as component, item, formula and
// amount, ending with the total; incidents is how many incidents the labor
// and opportunity sum over.
func BreakdownRows(b *Breakdown, incidents int) [][]string {
	cur := b.Currency
	m := func(v float64) string { return Money(v, cur) }
	var rows [][]string
	for _, l := range b.Revenue {
		rows = append(rows, []string{"lost revenue", l.SLO, fmt.Sprintf("%s/min x %s share x %s impact x %s min x (1 - %s recovery)",
			m(l.PerMinute), Percent(l.Share, 0), Percent(l.Impact, 0), plainNumber(roundTo3(l.DowntimeMinutes)), Percent(l.Recovery, 0)), m(l.Amount)})
	}
	lines := b.LaborLines
	if incidents <= 1 && len(lines) > 0 {
		for _, l := range lines {
			people := "people"
			if l.People == 1 {
				people = "person"
			}
			f := fmt.Sprintf("%s %s x %s h x %s/h", plainNumber(l.People), people, plainNumber(roundTo3(l.HoursEach)), m(l.HourlyRate))
			switch {
			case l.Stated:
				f += " (incidents file)"
			case l.HoursPerOutageHour > 0:
				f += fmt.Sprintf(" (%s h + %s h x %s outage h)", plainNumber(l.HoursPerIncident), plainNumber(l.HoursPerOutageHour), plainNumber(roundTo3(l.OutageHours)))
			}
			rows = append(rows, []string{"labor", l.Role, f, m(l.Amount)})
		}
	} else {
		for _, l := range b.LaborByRole {
			rows = append(rows, []string{"labor", l.Role, fmt.Sprintf("%s person-hours over %d incidents", plainNumber(roundTo3(l.PersonHours)), incidents), m(l.Amount)})
		}
	}
	if incidents > 0 {
		rows = append(rows, []string{"opportunity", "diverted engineering", fmt.Sprintf("%s h x %s/h", plainNumber(roundTo3(b.Diverted.Hours)), m(b.Diverted.HourlyValue)), m(b.Diverted.Amount)})
	}
	for _, c := range b.Credits {
		f := fmt.Sprintf("availability %s: no band applies", Percent(c.Availability, 3))
		if c.BandBelow != nil {
			f = fmt.Sprintf("availability %s below %s: %s x %s", Percent(c.Availability, 3), Objective(*c.BandBelow), m(c.MonthlyContractValue), Percent(c.CreditRate, 0))
			if c.MonthShare < 1 {
				f += fmt.Sprintf(" x %s of the month", Percent(c.MonthShare, 1))
			}
		}
		rows = append(rows, []string{"SLA credit", c.Month, f, m(c.Amount)})
	}
	rows = append(rows, []string{"total", "", "", m(b.Total)})
	return rows
}

// policyNote describes the incident policies of r's services: "merged
// across gaps under 30m; an incident lasts 15m or spends 20% of an SLO's
// budget", each figure listing its distinct values.
func policyNote(r *CostReport) string {
	var gaps, durations, budgets []string
	add := func(list *[]string, v string) {
		if !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	for _, s := range r.Services {
		if p := s.IncidentPolicy; p != nil {
			add(&gaps, Duration(time.Duration(p.MergeGapSeconds*float64(time.Second))))
			add(&durations, Duration(time.Duration(p.MinDurationSeconds*float64(time.Second))))
			add(&budgets, Percent(p.MinBudget, 0))
		}
	}
	if r.Detection.MergeGapSeconds > 0 || len(gaps) == 0 {
		gaps = []string{Duration(time.Duration(r.Detection.MergeGapSeconds * float64(time.Second)))}
	}
	s := "merged across gaps under " + strings.Join(gaps, " or ")
	if len(durations) > 0 {
		s += fmt.Sprintf("; an incident lasts %s or spends %s of an SLO's error budget, else it is a blip", strings.Join(durations, " or "), strings.Join(budgets, " or "))
	}
	return s
}

func roundTo3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

func timeZone(name string) *time.Location {
	if l, err := time.LoadLocation(name); err == nil {
		return l
	}
	return time.UTC
}

// CostGrids are the tables of `nines cost`: services, SLOs, incidents and
// the breakdown, with how incidents were found as a note of the last. The
// narrow tables (wide false) fit 120 columns and end with a note of what
// -o wide adds.
func CostGrids(r *CostReport, wide bool) []Grid {
	gs := []Grid{CostServicesGrid(r, wide), CostSLOsGrid(r)}
	if g, ok := CostSLOMonthsGrid(r); ok {
		gs = append(gs, g)
	}
	if g, ok := SLAMonthsGrid(r); ok {
		gs = append(gs, g)
	}
	gs = append(gs, CostIncidentsGrid(r, wide), CostBreakdownGrid(r, wide))
	last := &gs[len(gs)-1]
	burn := "each SLO's fastest page factor"
	if r.Detection.Threshold != nil {
		burn = plainNumber(*r.Detection.Threshold) + "x"
	}
	last.Notes = append(last.Notes, fmt.Sprintf("Incidents: steps of %s, burn above %s, %s.", r.Detection.Step, burn, policyNote(r)))
	if files := r.IncidentFiles; len(files) > 0 {
		last.Notes = append(last.Notes, "Incidents files: "+strings.Join(files, ", ")+".")
	}
	if !wide {
		for i := 1; i < len(gs)-1; i++ {
			gs[i].Notes = wrapNotes(gs[i].Notes, NarrowWidth)
		}
		last.Notes = append(wrapNotes(last.Notes, NarrowWidth),
			wideNote("each service's tier and MTBF, each incident's cost components, every labor role and every formula"))
	}
	return gs
}
