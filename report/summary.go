package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// Summary is the stable JSON of `nines summary -o json`: the leadership
// one-pager of a period against the one before. Ratios are in [0, 1];
// availability changes are differences of ratios (0.0001 is 0.01 percentage
// points); amounts are per currency. A null number means "no data".
type Summary struct {
	At             time.Time        `json:"at"`
	Source         string           `json:"source"`
	Period         PeriodInfo       `json:"period"`
	PreviousPeriod PeriodInfo       `json:"previous_period"`
	Headline       []string         `json:"headline"`
	Tiers          []TierSummary    `json:"tiers"`
	Services       []ServiceSummary `json:"services"`
	TopCostDrivers []CostDriver     `json:"top_cost_drivers"`
	Missed         []MissedSLO      `json:"missed"`
	Totals         []CurrencyTotal  `json:"totals"`
	PreviousTotals []CurrencyTotal  `json:"previous_totals"`

	// Coverage is the period's data coverage (the mean of its SLOs', 0 to
	// 1); PreviousCoverage the previous period's, null without one.
	Coverage         float64  `json:"coverage"`
	PreviousCoverage *float64 `json:"previous_coverage"`
	// MinCoverage is the coverage both periods (and a tier, service or
	// SLO in both) need for a comparison.
	MinCoverage float64 `json:"min_coverage"`
	// Comparison says whether the changes are shown, against what, and
	// why not when they are not.
	Comparison Comparison `json:"comparison"`
	// Warnings are the caveats of both periods, each once.
	Warnings []string `json:"warnings"`
	Leader
}

// Comparison is what a period is compared with. When Available is false
// every change is null and Reason says why.
type Comparison struct {
	Available bool `json:"available"`
	// With names the previous period as compared: "2026-Q2", or "2026-Q3
	// to the same day" when the period is to date (LikeForLike).
	With string `json:"with"`
	// LikeForLike is true when the period is still running and the
	// previous one is measured over the same elapsed part, to MeasuredTo.
	LikeForLike bool      `json:"like_for_like"`
	MeasuredTo  time.Time `json:"measured_to"`
	Reason      string    `json:"reason,omitempty"`
}

// TierSummary is one tier over the period, and the change against the
// previous one.
type TierSummary struct {
	Tier string `json:"tier"`
	// Objective is the tier's default objective.
	Objective float64 `json:"objective"`
	SLOs      int     `json:"slos"`
	Met       int     `json:"met"`
	Missed    int     `json:"missed"`
	NoData    int     `json:"no_data"`
	// Availability is the mean availability of its SLOs with data; Nines
	// that of the mean.
	Availability *float64 `json:"availability"`
	Nines        *float64 `json:"nines"`
	// WorstBudgetUsed is the largest budget used of its SLOs.
	WorstBudgetUsed *float64 `json:"worst_budget_used"`
	// DowntimeMinutes sums its SLOs' downtime-equivalent minutes.
	DowntimeMinutes float64 `json:"downtime_minutes"`
	Incidents       int     `json:"incidents"`
	// MTTRSeconds is the mean incident duration; MTBFSeconds the measured
	// time outside any of the tier's incidents over their number.
	MTTRSeconds *float64 `json:"mttr_seconds"`
	MTBFSeconds *float64 `json:"mtbf_seconds"`
	// Cost is the total cost per currency.
	Cost     map[string]float64 `json:"cost"`
	Previous *TierTrend         `json:"previous"`
	// Change is this period minus the previous one; null fields where
	// either has no value.
	Change *TierTrend `json:"change"`

	// Coverage is the mean data coverage of the tier's SLOs (0 to 1).
	Coverage float64 `json:"coverage"`
	// ComparisonReason says why Previous and Change are null, if they are.
	ComparisonReason string `json:"comparison_reason,omitempty"`
}

// TierTrend is what a tier is compared on between periods.
type TierTrend struct {
	Availability *float64           `json:"availability"`
	Incidents    *float64           `json:"incidents"`
	MTTRSeconds  *float64           `json:"mttr_seconds"`
	Cost         map[string]float64 `json:"cost"`
}

// ServiceSummary is one service over the period.
type ServiceSummary struct {
	Service     string       `json:"service"`
	Tier        string       `json:"tier"`
	Owner       Owner        `json:"owner"`
	Currency    string       `json:"currency,omitempty"`
	SLOs        []SLOSummary `json:"slos"`
	Incidents   int          `json:"incidents"`
	MTTRSeconds *float64     `json:"mttr_seconds"`
	MTBFSeconds *float64     `json:"mtbf_seconds"`
	// Cost is the total cost; null without a cost model.
	Cost *float64 `json:"cost"`
	// PreviousIncidents and PreviousCost are the previous period's; the
	// cost is null without one.
	PreviousIncidents *int     `json:"previous_incidents"`
	PreviousCost      *float64 `json:"previous_cost"`
	CostChange        *float64 `json:"cost_change"`

	// Coverage is the mean data coverage of the service's SLOs (0 to 1).
	Coverage float64 `json:"coverage"`
	// ComparisonReason says why the previous figures are null, if they are.
	ComparisonReason string `json:"comparison_reason,omitempty"`
}

// SLOSummary is one SLO: objective vs achieved, and the change.
type SLOSummary struct {
	SLO        string   `json:"slo"`
	Objective  float64  `json:"objective"`
	DataState  string   `json:"data_state"`
	Achieved   *float64 `json:"achieved"`
	Nines      *float64 `json:"nines"`
	BudgetUsed *float64 `json:"budget_used"`
	Met        *bool    `json:"met"`
	Previous   *float64 `json:"previous_achieved"`
	Change     *float64 `json:"achieved_change"`

	// Coverage is the SLO's data coverage (0 to 1); PreviousCoverage the
	// previous period's.
	Coverage         float64  `json:"coverage"`
	PreviousCoverage *float64 `json:"previous_coverage"`
	// Months, for an SLO with a calendar-month window over a quarter, are
	// its months, each judged on its own (Met is all of them).
	Months []SLOMonth `json:"months,omitempty"`
	// ComparisonReason says why Previous and Change are null, if they are.
	ComparisonReason string `json:"comparison_reason,omitempty"`
	// Path is the data the period's figures were measured from: raw or
	// recorded (docs/fast-path.md); PathReason says why raw data when
	// records were allowed; PreviousPath is the previous period's path,
	// empty without one.
	Path         string `json:"path"`
	PathReason   string `json:"path_reason,omitempty"`
	PreviousPath string `json:"previous_path,omitempty"`
	// Adjustments are the budget adjustments applied to the period
	// (docs/adjustments.md): Achieved is adjusted, Raw has the figures
	// with every event counted.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Raw         *RawBudget   `json:"raw,omitempty"`
}

// CostDriver is one of the services that cost the most.
type CostDriver struct {
	Rank     int     `json:"rank"`
	Service  string  `json:"service"`
	Tier     string  `json:"tier"`
	Currency string  `json:"currency"`
	Cost     float64 `json:"cost"`
	// Share is the service's part of its currency's total.
	Share float64 `json:"share"`
	// Component is the largest component: lost_revenue, labor, opportunity
	// or sla_credits.
	Component     string  `json:"main_component"`
	ComponentCost float64 `json:"main_component_cost"`
	// LargestIncident is the costliest incident's ID; empty without one.
	LargestIncident     string  `json:"largest_incident,omitempty"`
	LargestIncidentCost float64 `json:"largest_incident_cost"`
}

// MissedSLO is an SLO that missed its objective, and whom to ask.
type MissedSLO struct {
	Service    string   `json:"service"`
	SLO        string   `json:"slo"`
	Tier       string   `json:"tier"`
	Owner      Owner    `json:"owner"`
	Objective  float64  `json:"objective"`
	Achieved   float64  `json:"achieved"`
	BudgetUsed *float64 `json:"budget_used"`
	// Month, for an SLO judged month by month, is its worst missed month,
	// which Achieved is; empty when Achieved is over the period.
	Month string `json:"month,omitempty"`
}

// TopCostDrivers is how many services the summary names as cost drivers.
const TopCostDrivers = 5

// componentNames are the cost components as people read them.
var componentNames = map[string]string{"lost_revenue": "lost revenue", "labor": "labor", "opportunity": "opportunity", "sla_credits": "SLA credits"}

// moneyByCurrency renders amounts per currency: "€1,234.00 + $56.00".
func moneyByCurrency(m map[string]float64) string {
	if len(m) == 0 {
		return "-"
	}
	var cs []string
	for c := range m {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = Money(m[c], c)
	}
	return strings.Join(parts, " + ")
}

// signedMoney is "+€1,234.00" or "-€56.00".
func signedMoney(v float64, currency string) string {
	if v > 0 {
		return "+" + Money(v, currency)
	}
	return Money(v, currency)
}

// points renders an availability change in percentage points: "+0.012 pp".
func points(v *float64) string {
	if v == nil {
		return "-"
	}
	p := *v * 100
	s := Float(p, 3)
	if strings.Trim(s, "-0.") == "" {
		return "0.000 pp"
	}
	if p > 0 {
		s = "+" + s
	}
	return s + " pp"
}

func signedCount(v *float64) string {
	if v == nil {
		return "-"
	}
	if *v > 0 {
		return fmt.Sprintf("+%d", int(*v))
	}
	return fmt.Sprintf("%d", int(*v))
}

// SummaryGrids are the one-pager's tables: tiers, services, top cost
// drivers and missed SLOs. The narrow tables (wide false) fit 120 columns:
// the tiers without nines, downtime, MTTR, MTBF and the change in
// incidents, the worst budget used headed BUDGET USED; the
// services without the availability change, nines, MTTR, MTBF and owner;
// the missed SLOs without the owner; then a note of what -o wide adds.
func SummaryGrids(s *Summary, wide bool) []Grid {
	prevName := s.PreviousPeriod.Name
	vs := "vs " + s.Comparison.With
	if s.Comparison.LikeForLike {
		vs += " (to " + s.PreviousPeriod.MeasuredTo.In(timeZone(s.PreviousPeriod.TimeZone)).Format("2006-01-02 15:04 MST") + ")"
	}
	tg := Grid{
		Title: "Tiers, " + s.Period.PeriodLabel(),
		Header: []string{"TIER", "OBJECTIVE", "SLOS MET", "AVAILABILITY", "CHANGE", "NINES", "WORST BUDGET USED",
			"DOWNTIME", "INCIDENTS", "CHANGE", "MTTR", "MTBF", "COST", "CHANGE", "COVERAGE"},
	}
	var reasons []string
	noteReason := func(r string) {
		if r != "" && r != s.Comparison.Reason && !slices.Contains(reasons, r) {
			reasons = append(reasons, r)
		}
	}
	for _, t := range s.Tiers {
		row := []string{t.Tier, Objective(t.Objective), fmt.Sprintf("%d/%d", t.Met, t.SLOs), optPercent(t.Availability, 3)}
		var ch TierTrend
		if t.Change != nil {
			ch = *t.Change
		}
		noteReason(t.ComparisonReason)
		costChange := "-"
		if t.ComparisonReason != "" {
			costChange = NA
		}
		if len(ch.Cost) > 0 {
			var parts []string
			for c, v := range ch.Cost {
				parts = append(parts, signedMoney(v, c))
			}
			sort.Strings(parts)
			costChange = strings.Join(parts, " ")
		}
		na := func(v string) string {
			if t.ComparisonReason != "" {
				return NA
			}
			return v
		}
		row = append(row, na(points(ch.Availability)), nines(t.Nines), optPercent(t.WorstBudgetUsed, 1),
			Duration(time.Duration(t.DowntimeMinutes*float64(time.Minute))), fmt.Sprint(t.Incidents), na(signedCount(ch.Incidents)),
			optDuration(t.MTTRSeconds), optDuration(t.MTBFSeconds), moneyByCurrency(t.Cost), costChange, Percent(t.Coverage, 0))
		tg.Rows = append(tg.Rows, row)
	}
	switch {
	case prevName != "" && !s.Comparison.Available:
		tg.Notes = append(tg.Notes, "No changes (n/a): "+s.Comparison.Reason+". Availability is the mean of the tier's SLOs; budget used the worst.")
	case prevName != "":
		tg.Notes = append(tg.Notes, "Changes are "+vs+". Availability is the mean of the tier's SLOs; budget used the worst.")
	}
	tg.Notes = append(tg.Notes, fmt.Sprintf("Coverage is the part of the period with data (mean of the SLOs); a change needs %s in both periods.", Percent(s.MinCoverage, 0)))
	sg := Grid{
		Title: "Services",
		Header: []string{"SERVICE", "SLO", "OBJECTIVE", "ACHIEVED", "CHANGE", "NINES", "BUDGET USED",
			"INCIDENTS", "MTTR", "MTBF", "COST", "CHANGE", "OWNER", "COVERAGE"},
	}
	var months [][]string
	for _, svc := range s.Services {
		noteReason(svc.ComparisonReason)
		for i, o := range svc.SLOs {
			noteReason(o.ComparisonReason)
			achieved := optPercent(o.Achieved, 3)
			if o.Achieved == nil {
				achieved = strings.ReplaceAll(o.DataState, "_", " ")
			} else if o.Met != nil && !*o.Met {
				achieved += " MISSED"
				if missed := missedMonths(o.Months); missed != "" {
					achieved += " " + missed
				}
			}
			change := points(o.Change)
			if o.ComparisonReason != "" {
				change = NA
			}
			row := []string{svc.Service, o.SLO, Objective(o.Objective), achieved, change, nines(o.Nines), optPercent(o.BudgetUsed, 1)}
			if i == 0 {
				cost, change := "-", "-"
				if svc.Cost != nil {
					cost = Money(*svc.Cost, svc.Currency)
				}
				switch {
				case svc.ComparisonReason != "":
					change = NA
				case svc.CostChange != nil:
					change = signedMoney(*svc.CostChange, svc.Currency)
				}
				row = append(row, fmt.Sprint(svc.Incidents), optDuration(svc.MTTRSeconds), optDuration(svc.MTBFSeconds), cost, change, ownerLabel(svc.Owner))
			} else {
				row = append(row, "", "", "", "", "", "")
			}
			row = append(row, Percent(o.Coverage, 0))
			sg.Rows = append(sg.Rows, row)
			for _, m := range o.Months {
				months = append(months, sloMonthRow(svc.Service, o.SLO, Objective(o.Objective), m))
			}
		}
	}
	for _, r := range reasons {
		sg.Notes = append(sg.Notes, "n/a: "+r+".")
	}
	sg.Notes = append(sg.Notes, summaryPathNotes(s)...)
	sg.Notes = append(sg.Notes, summaryAdjustmentNotes(s)...)
	dg := Grid{Title: "Top cost drivers", Header: []string{"RANK", "SERVICE", "COST", "SHARE", "MAIN COMPONENT", "LARGEST INCIDENT"}}
	for _, d := range s.TopCostDrivers {
		largest := "-"
		if d.LargestIncident != "" {
			largest = d.LargestIncident + " (" + Money(d.LargestIncidentCost, d.Currency) + ")"
		}
		dg.Rows = append(dg.Rows, []string{fmt.Sprint(d.Rank), d.Service, Money(d.Cost, d.Currency), Percent(d.Share, 0),
			componentNames[d.Component] + " " + Money(d.ComponentCost, d.Currency), largest})
	}
	if len(s.TopCostDrivers) == 0 {
		dg.Notes = append(dg.Notes, "No cost: no service has a cost model, or nothing went wrong.")
	}
	mg := Grid{Title: "Missed SLOs", Header: []string{"SERVICE", "SLO", "OBJECTIVE", "ACHIEVED", "BUDGET USED", "OWNER"}}
	for _, m := range s.Missed {
		achieved := Percent(m.Achieved, 3)
		if m.Month != "" {
			achieved += " in " + m.Month
		}
		mg.Rows = append(mg.Rows, []string{m.Service, m.SLO, Objective(m.Objective), achieved, optPercent(m.BudgetUsed, 1), ownerLabel(m.Owner)})
	}
	if len(s.Missed) == 0 {
		mg.Notes = append(mg.Notes, "Every SLO with data met its objective.")
	}
	out := []Grid{tg, sg}
	if len(months) > 0 {
		out = append(out, SLOMonthsGrid(months))
	}
	if !wide {
		tg = dropColumns(tg, 5, 7, 9, 10, 11)
		tg.Header[5] = "BUDGET USED"
		sg = dropColumns(sg, 4, 5, 8, 9, 12)
		mg = dropColumns(mg, 5)
		out[0], out[1] = tg, sg
		for _, g := range append([]*Grid{&dg, &mg}, pointers(out)...) {
			g.Notes = wrapNotes(g.Notes, NarrowWidth)
		}
		mg.Notes = append(mg.Notes, wideNote("nines, downtime, MTTR, MTBF, the changes in availability and incidents, and the owners"))
	}
	out = append(out, dg, mg)
	return append(out, LeaderGrids(s, wide)...)
}

func pointers(gs []Grid) []*Grid {
	out := make([]*Grid, len(gs))
	for i := range gs {
		out[i] = &gs[i]
	}
	return out
}

// missedMonths names the months an SLO judged month by month missed:
// "2026-07".
func missedMonths(ms []SLOMonth) string {
	var names []string
	for _, m := range ms {
		if m.Met != nil && !*m.Met {
			names = append(names, m.Month)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return strings.Join(names, ", ")
}

// sloMonthRow is a row of SLOMonthsGrid.
func sloMonthRow(service, slo, objective string, m SLOMonth) []string {
	achieved, met := strings.ReplaceAll(m.DataState, "_", " "), "-"
	if m.Availability != nil {
		achieved = Percent(*m.Availability, 3)
	}
	if m.Met != nil {
		met = "yes"
		if !*m.Met {
			met = "MISSED"
		}
	}
	return []string{service, slo, m.Month, objective, achieved, met, optPercent(m.BudgetUsed, 1), Percent(m.Coverage, 0)}
}

// SLOMonthsGrid is a row per month of each SLO judged month by month: an
// SLO whose window is a calendar month meets its objective over a quarter
// only when every month met it.
func SLOMonthsGrid(rows [][]string) Grid {
	return Grid{
		Title:  "SLOs judged month by month",
		Header: []string{"SERVICE", "SLO", "MONTH", "OBJECTIVE", "ACHIEVED", "MET", "BUDGET USED", "COVERAGE"},
		Rows:   rows,
		Notes:  []string{"An SLO with a calendar-month window is met over the quarter only when every month met its objective (months in the SLO's time zone)."},
	}
}

// nines formats an optional count of nines.
func nines(v *float64) string {
	if v == nil {
		return "-"
	}
	return Nines(*v)
}

// Grids are the one-pager's tables: see SummaryGrids.
func (s *Summary) Grids(o GridOptions) []Grid { return SummaryGrids(s, o.Wide) }

// Render writes the one-pager in table, wide, markdown and csv (see
// WriteSummary) and leaves JSON and the rest to Export.
func (s *Summary) Render(w io.Writer, f Format) (bool, error) {
	switch f {
	case Table, Wide, Markdown:
		return true, WriteSummary(w, f, s)
	}
	return false, nil
}

// WriteSummary renders the one-pager: a title and the headline, then the
// tables (table, wide and markdown; CSV is Records). The table
// format fits 120 columns (narrow tables, the headline wrapped); wide has
// every column.
func WriteSummary(w io.Writer, f Format, s *Summary) error {
	title := "Reliability summary: " + s.Period.PeriodLabel()
	switch {
	case s.PreviousPeriod.Name != "" && !s.Comparison.Available:
		title += ", not compared with " + s.Comparison.With + " (n/a)"
	case s.Comparison.LikeForLike:
		title += ", compared with " + s.Comparison.With + " (to " + s.PreviousPeriod.MeasuredTo.In(timeZone(s.PreviousPeriod.TimeZone)).Format("2006-01-02 15:04 MST") + ")"
	case s.PreviousPeriod.Name != "":
		title += ", compared with " + s.Comparison.With
	}
	var b strings.Builder
	switch f {
	case Markdown:
		fmt.Fprintf(&b, "# %s\n\n", mdEscape(title))
		for _, l := range s.Headline {
			fmt.Fprintf(&b, "- %s\n", mdEscape(l))
		}
		b.WriteString("\n")
		writeNarrative(&b, s)
	case Wide:
		fmt.Fprintf(&b, "%s\n\n", Escape(title))
		for _, l := range s.Headline {
			fmt.Fprintf(&b, "  %s\n", Escape(l))
		}
		b.WriteString("\n")
	case Table:
		for _, l := range wrapText(Escape(title), "", "  ", NarrowWidth) {
			fmt.Fprintf(&b, "%s\n", l)
		}
		b.WriteString("\n")
		for _, h := range s.Headline {
			for _, l := range wrapText(Escape(h), "  ", "    ", NarrowWidth) {
				fmt.Fprintf(&b, "%s\n", l)
			}
		}
		b.WriteString("\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("could not write %s output: %w", f, err)
	}
	tf := f
	if f == Wide {
		tf = Table
	}
	return Write(w, tf, SummaryGrids(s, f != Table)...)
}
