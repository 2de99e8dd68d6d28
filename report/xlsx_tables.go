package report

import (
	"fmt"
	"iter"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// The tables of `nines report`, typed so that the workbook gets numbers with
// number formats and the text formats (CSV, Markdown) get the same tables
// written for people.

// kind is how a column's values are typed and shown.
type kind int

const (
	kText     kind = iota
	kInt           // a whole number
	kFloat         // a plain number, up to 2 decimals
	kPct3          // a ratio shown as a percent with 3 decimals
	kPct1          // a ratio shown as a percent with 1 decimal
	kMinutes       // minutes, shown with 1 decimal
	kDuration      // seconds, shown as [h]:mm
	kDays          // seconds, shown as days with one decimal
	kTime          // a time, shown as yyyy-mm-dd hh:mm in the report's zone
	kDate          // a day, shown as yyyy-mm-dd
	kMoney         // an amount in the row's currency
)

// column is a table column: its header, kind and width in characters.
type column struct {
	name  string
	kind  kind
	width float64
}

// cell is one value: nil (no value), string, int, float64 or time.Time; cur
// is the currency of a money cell. In the workbook, a cell with a formula
// (f, without the leading "=") keeps v as its cached result; k, when not
// kText, is the cell's own kind in a column of mixed kinds; input marks a
// cell users edit (the Assumptions sheet's values).
type cell struct {
	v     any
	cur   string
	f     string
	k     kind
	input bool
}

func text(s string) cell { return cell{v: s} }

// optNum is a cell of *v, or no value.
func optNum(v *float64) cell {
	if v == nil || !finite(*v) {
		return cell{}
	}
	return cell{v: *v}
}

func numCell(v float64) cell {
	if !finite(v) {
		return cell{}
	}
	return cell{v: v}
}

func moneyCell(v float64, cur string) cell { return cell{v: v, cur: cur} }

// table is a titled table whose rows are yielded in order; n is their number.
type table struct {
	title string
	cols  []column
	n     int
	rows  iter.Seq[[]cell]
	notes []string
}

func rowsOf(rows [][]cell) iter.Seq[[]cell] {
	return func(yield func([]cell) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	}
}

func newTable(title string, cols []column, rows [][]cell) table {
	return table{title: title, cols: cols, n: len(rows), rows: rowsOf(rows)}
}

// format writes a cell for people.
func (c cell) format(k kind, loc *time.Location) string {
	switch v := c.v.(type) {
	case nil:
		return "-"
	case string:
		if v == "" {
			return "-"
		}
		return v
	case int:
		return fmt.Sprint(v)
	case time.Time:
		if k == kDate {
			return v.In(loc).Format("2006-01-02")
		}
		return v.In(loc).Format("2006-01-02 15:04")
	case float64:
		switch k {
		case kPct3:
			return Percent(v, 3)
		case kPct1:
			return Percent(v, 1)
		case kMinutes:
			return Float(v, 1)
		case kDuration, kDays:
			return Duration(time.Duration(v * float64(time.Second)))
		case kMoney:
			return Money(v, c.cur)
		case kInt:
			return Count(v)
		}
		return plainNumber(math.Round(v*100) / 100)
	}
	return fmt.Sprint(c.v)
}

// grid renders the table as text.
func (t table) grid(loc *time.Location) Grid {
	g := Grid{Title: t.title, Notes: t.notes}
	for _, c := range t.cols {
		g.Header = append(g.Header, c.name)
	}
	for r := range t.rows {
		row := make([]string, len(t.cols))
		for i, c := range r {
			row[i] = c.format(t.cols[i].kind, loc)
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// reportTables are the tables of each sheet, in sheet order.
type reportTables struct {
	summary     table
	services    table
	incidents   table
	components  table
	roles       table
	lines       table
	daily       table
	assumptions table
	models      table
	responders  table
	credits     table
}

func costCols(money ...string) []column {
	out := make([]column, len(money))
	for i, m := range money {
		out[i] = column{m, kMoney, 14}
	}
	return out
}

// newReportTables builds every table of a report.
func newReportTables(p *PeriodReport) reportTables {
	var t reportTables
	r := p.Cost
	t.summary = summaryTable(p.Tiers, r)
	t.services = servicesTable(r)
	t.incidents = incidentsTable(r)
	t.components, t.roles, t.lines = costTables(r)
	t.daily = dailyTable(r)
	t.assumptions, t.models, t.responders, t.credits = assumptionTables(p.Models, r)
	return t
}

// summaryTable is a row per tier, then a total row per currency.
func summaryTable(tiers []TierSummary, r *CostReport) table {
	curs := r.Currencies()
	cols := []column{
		{"Tier", kText, 14}, {"Objective", kPct3, 11}, {"SLOs", kInt, 7}, {"Met", kInt, 7}, {"Missed", kInt, 8}, {"No data", kInt, 9},
		{"Availability", kPct3, 13}, {"Nines", kFloat, 8}, {"Worst budget used", kPct1, 13}, {"Downtime (min)", kMinutes, 14},
		{"Incidents", kInt, 10}, {"MTTR", kDuration, 10}, {"MTBF", kDays, 11},
	}
	for _, c := range curs {
		cols = append(cols, column{"Cost " + c, kMoney, 16})
	}
	var rows [][]cell
	for _, ts := range tiers {
		row := []cell{text(ts.Tier), numCell(ts.Objective), {v: ts.SLOs}, {v: ts.Met}, {v: ts.Missed}, {v: ts.NoData},
			optNum(ts.Availability), optNum(ts.Nines), optNum(ts.WorstBudgetUsed), numCell(ts.DowntimeMinutes),
			{v: ts.Incidents}, optNum(ts.MTTRSeconds), optNum(ts.MTBFSeconds)}
		for _, c := range curs {
			if v, ok := ts.Cost[c]; ok {
				row = append(row, moneyCell(v, c))
			} else {
				row = append(row, cell{})
			}
		}
		rows = append(rows, row)
	}
	t := newTable("Summary by tier, "+r.Period.PeriodLabel(), cols, rows)
	t.notes = []string{"Availability is the mean of the tier's SLOs; budget used the worst. Downtime sums the SLOs' downtime-equivalent minutes."}
	return t
}

// servicesTable is a row per SLO.
func servicesTable(r *CostReport) table {
	cols := []column{
		{"Service", kText, 20}, {"SLO", kText, 16}, {"Tier", kText, 12}, {"Owner", kText, 24}, {"SLI", kText, 9},
		{"Objective", kPct3, 11}, {"Availability", kPct3, 13}, {"Met", kText, 8}, {"Nines", kFloat, 8},
		{"Budget used", kPct1, 12}, {"Budget left", kPct1, 12}, {"Downtime (min)", kMinutes, 14},
		{"Revenue impact", kPct1, 11}, {"Lost revenue", kMoney, 14}, {"Incident threshold", kFloat, 11}, {"Data coverage", kPct1, 11}, {"State", kText, 12},
		{"Period coverage", kPct1, 11}, {"Raw availability", kPct3, 13}, {"Raw budget used", kPct1, 12}, {"Adjustments", kText, 30},
	}
	var rows [][]cell
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			rawAvail, rawUsed := cell{}, cell{}
			if o.Raw != nil {
				rawAvail, rawUsed = optNum(o.Raw.Availability), optNum(o.Raw.BudgetUsed)
			}
			met := cell{}
			if o.Met != nil {
				met = text("yes")
				if !*o.Met {
					met = text("MISSED")
				}
			}
			left := cell{}
			if o.BudgetUsed != nil {
				left = numCell(1 - *o.BudgetUsed)
			}
			lost := cell{}
			if o.LostRevenue != nil {
				lost = moneyCell(*o.LostRevenue, s.Currency)
			}
			state := strings.ReplaceAll(o.DataState, "_", " ")
			if o.Error != "" {
				state = "error: " + o.Error
			}
			rows = append(rows, []cell{text(s.Service), text(o.SLO), text(s.Tier), text(ownerLabel(s.Owner)), text(o.Kind),
				numCell(o.Objective), optNum(o.Availability), met, optNum(o.Nines), optNum(o.BudgetUsed), left, optNum(o.DowntimeMinutes),
				numCell(o.RevenueImpact), lost, numCell(o.IncidentThreshold), numCell(o.DataCoverage), text(state), numCell(o.Coverage),
				rawAvail, rawUsed, text(AdjustmentReasons(o.Adjustments))})
		}
	}
	t := newTable("Services", cols, rows)
	t.notes = []string{"MISSED: availability below the objective (for a monthly SLO over a longer period: in any month). Budget used over 75% is amber, over 100% red.",
		"Data coverage: the share of incident detection steps with data; period coverage: the share of the period the SLI has data for."}
	if n := CostPathNote(r); n != "" {
		t.notes = append(t.notes, n)
	}
	if notes := costAdjustmentNotes(r); len(notes) > 0 {
		t.notes = append(t.notes, "Budget adjustments (docs/adjustments.md): availability, budget and downtime are adjusted, events inside an adjustment taken out; raw availability and raw budget used count every event.")
		t.notes = append(t.notes, notes...)
	}
	return t
}

// incidentsTable is a row per incident.
func incidentsTable(r *CostReport) table {
	cols := []column{
		{"Incident", kText, 34}, {"Service", kText, 20}, {"Tier", kText, 12}, {"Start", kTime, 17}, {"End", kTime, 17},
		{"Duration", kDuration, 10}, {"Source", kText, 10}, {"Title", kText, 40}, {"Peak SLO", kText, 14},
		{"Peak error ratio", kPct1, 12}, {"Peak burn rate", kFloat, 11}, {"Downtime (min)", kMinutes, 14},
		{"Lost revenue", kMoney, 14}, {"Labor", kMoney, 14}, {"Opportunity", kMoney, 14}, {"Total", kMoney, 14}, {"Record", kText, 30},
		{"Ongoing", kText, 9}, {"Planned", kText, 9},
	}
	var rows [][]cell
	for _, i := range r.Incidents {
		record := ""
		if i.RecordFile != "" {
			record = fmt.Sprintf("%s:%d", i.RecordFile, i.RecordLine)
		}
		row := []cell{text(i.ID), text(i.Service), text(i.Tier), {v: i.Start}, {v: i.End}, numCell(i.DurationSeconds), text(i.Source),
			text(i.Title), text(i.PeakSLO), optNum(i.PeakErrorRatio), optNum(i.PeakBurnRate), numCell(i.DowntimeMinutes)}
		if i.Cost != nil {
			c := i.Cost.Currency
			row = append(row, moneyCell(i.Cost.LostRevenue, c), moneyCell(i.Cost.Labor, c), moneyCell(i.Cost.Opportunity, c), moneyCell(i.Cost.Total, c))
		} else {
			row = append(row, cell{}, cell{}, cell{}, cell{})
		}
		rows = append(rows, append(row, text(record), yes(i.Ongoing), yes(i.Planned)))
	}
	t := newTable("Incidents", cols, rows)
	t.notes = []string{"Ongoing: still burning when the period was measured; it ends there. Planned: a maintenance window from the incidents file, priced without incident overhead."}
	if len(rows) == 0 {
		t.notes = append(t.notes, "No incidents in the period.")
	}
	return t
}

// yes is "yes" for true and no value for false.
func yes(b bool) cell {
	if b {
		return text("yes")
	}
	return cell{}
}

// costTables are the cost by component per service (with a total per
// currency), the labor by role, and every line with its formula.
func costTables(r *CostReport) (components, roles, lines table) {
	cc := append([]column{{"Service", kText, 20}, {"Tier", kText, 12}, {"Currency", kText, 9}},
		costCols("Lost revenue", "Labor", "Opportunity", "SLA credits", "Total")...)
	var rows [][]cell
	for _, s := range r.Services {
		if s.Cost == nil {
			continue
		}
		c := s.Currency
		rows = append(rows, []cell{text(s.Service), text(s.Tier), text(c), moneyCell(s.Cost.LostRevenue, c), moneyCell(s.Cost.Labor, c),
			moneyCell(s.Cost.Opportunity, c), moneyCell(s.Cost.SLACredits, c), moneyCell(s.Cost.Total, c)})
	}
	components = newTable("Cost by component", cc, rows)
	var totals [][]cell
	for _, t := range r.Totals {
		c := t.Currency
		totals = append(totals, []cell{text("total"), text(""), text(c), moneyCell(t.LostRevenue, c), moneyCell(t.Labor, c),
			moneyCell(t.Opportunity, c), moneyCell(t.SLACredits, c), moneyCell(t.Total, c)})
	}
	components.rows = rowsOf(append(rows, totals...))
	components.n = len(rows) + len(totals)

	rc := []column{{"Service", kText, 20}, {"Role", kText, 16}, {"Person-hours", kFloat, 13}, {"Labor", kMoney, 14}}
	rows = nil
	for _, s := range r.Services {
		if s.Cost == nil {
			continue
		}
		for _, l := range s.Cost.LaborByRole {
			rows = append(rows, []cell{text(s.Service), text(l.Role), numCell(l.PersonHours), moneyCell(l.Amount, s.Currency)})
		}
	}
	roles = newTable("Labor by role", rc, rows)

	lc := []column{{"Service", kText, 20}, {"Component", kText, 14}, {"Item", kText, 22}, {"Amount", kMoney, 14}, {"Formula", kText, 70}}
	rows = nil
	for _, s := range r.Services {
		if s.Cost == nil {
			continue
		}
		b := s.Cost
		for _, br := range BreakdownRows(b, s.Incidents) {
			amount := cell{}
			switch br[0] {
			case "total":
				amount = moneyCell(b.Total, s.Currency)
			default:
				amount = moneyCell(lineAmount(b, br), s.Currency)
			}
			rows = append(rows, []cell{text(s.Service), text(br[0]), text(br[1]), amount, text(br[2])})
		}
	}
	lines = newTable("Every line, with its formula", lc, rows)
	return components, roles, lines
}

// lineAmount finds the amount of a breakdown row by component and item.
func lineAmount(b *Breakdown, row []string) float64 {
	switch row[0] {
	case "lost revenue":
		for _, l := range b.Revenue {
			if l.SLO == row[1] {
				return l.Amount
			}
		}
	case "labor":
		var sum float64
		for _, l := range b.LaborLines {
			if l.Role == row[1] {
				sum += l.Amount
			}
		}
		return sum
	case "opportunity":
		return b.Diverted.Amount
	case "SLA credit":
		for _, c := range b.Credits {
			if c.Month == row[1] {
				return c.Amount
			}
		}
	}
	return math.NaN()
}

// dailyTable is a row per SLO and day, streamed from the report.
func dailyTable(r *CostReport) table {
	cols := []column{
		{"Date", kDate, 11}, {"Service", kText, 20}, {"SLO", kText, 16}, {"Tier", kText, 12}, {"Availability", kPct3, 13},
		{"Downtime (min)", kMinutes, 14}, {"Data coverage", kPct1, 11}, {"Incidents", kInt, 10},
		{"Lost revenue", kMoney, 14}, {"Incident labor and opportunity", kMoney, 16}, {"Cost", kMoney, 14},
	}
	rows := func(yield func([]cell) bool) {
		if r.Daily == nil {
			return
		}
		for d := range r.Daily {
			row := []cell{{v: d.Date}, text(d.Service), text(d.SLO), text(d.Tier), cell{}, cell{}, numCell(d.Coverage), {v: d.Incidents}, cell{}, cell{}, cell{}}
			if d.HasData {
				row[4], row[5] = numCell(d.Availability()), numCell(d.DowntimeMinutes)
			}
			if d.Priced {
				if d.HasData {
					row[8] = moneyCell(d.LostRevenue, d.Currency)
				}
				row[9], row[10] = moneyCell(d.IncidentCost, d.Currency), moneyCell(d.LostRevenue+d.IncidentCost, d.Currency)
			}
			if !yield(row) {
				return
			}
		}
	}
	t := table{title: "Daily", cols: cols, n: r.DailyCount, rows: rows}
	t.notes = []string{"From the incident detection steps. An incident's labor and opportunity count on the day it started, on the SLO that burned fastest."}
	return t
}

// assumptionTables list every input of the figures: the period, the
// calendar convention, incident detection, the formulas, and each service's
// cost model, responders and SLA bands.
func assumptionTables(services []ServiceModel, r *CostReport) (assumptions, models, responders, credits table) {
	kv := func(k, v string) []cell { return []cell{text(k), text(v)} }
	d := r.Detection
	threshold := "each SLO's fastest page factor (14.4 for the SRE Workbook alerts)"
	if d.Threshold != nil {
		threshold = plainNumber(*d.Threshold) + "x"
	}
	loc := timeZone(r.Period.TimeZone)
	rows := [][]cell{
		kv("Period", r.Period.PeriodLabel()),
		kv("Period start", r.Period.Start.In(loc).Format(time.RFC3339)),
		kv("Period end", r.Period.End.In(loc).Format(time.RFC3339)),
		kv("Measured to", r.Period.MeasuredTo.In(loc).Format(time.RFC3339)),
		kv("Time zone of days and months", r.Period.TimeZone),
		kv("Evaluated at", r.At.Format(time.RFC3339)),
		kv("Source", r.Source),
		kv("Calendar convention", r.Convention),
		kv("Minutes in a year", plainNumber(budget.Year.Minutes())),
		kv("Downtime-equivalent minutes", "an SLO's error ratio over the period x the period's measured minutes (bad events / total events for requests; failed probes / probes for probes)"),
		kv("Lost revenue", "revenue per minute x share x impact x downtime-equivalent minutes x (1 - recovery); revenue per minute = per year / minutes in a year"),
		kv("Labor", "per incident and role: people x hourly rate x (hours per incident + hours per outage hour x outage hours), or people x hours x rate as the incidents file states"),
		kv("Opportunity", "per incident: engineering hours diverted x value of an engineering hour"),
		kv("SLA credit", "per calendar month: monthly contract value x the credit of the lowest band the month's availability is below x the share of the month in the period"),
		kv("Incident detection step", fmt.Sprintf("%s (%s); each step measured over the %s before it", d.Step, d.StepReason, slo.PromQLDuration(time.Duration(2*d.StepSeconds)*time.Second))),
		kv("Incident threshold (burn rate)", threshold),
		kv("Incidents merged across gaps under", Duration(time.Duration(d.MergeGapSeconds)*time.Second)),
		kv("MTTR", "mean incident duration"),
		kv("MTBF", "measured time outside incidents / number of incidents"),
	}
	for _, w := range r.Warnings {
		rows = append(rows, kv("Warning", w))
	}
	for _, e := range r.Errors {
		rows = append(rows, kv("Error", e))
	}
	assumptions = newTable("Assumptions", []column{{"Input", kText, 34}, {"Value", kText, 110}}, rows)

	mc := []column{{"Service", kText, 20}, {"Tier", kText, 12}, {"Currency", kText, 9}, {"Revenue per year", kMoney, 16},
		{"Revenue per minute", kMoney, 14}, {"Share", kPct1, 9}, {"Recovery", kPct1, 9}, {"Impact by SLO", kText, 24},
		{"Opportunity hours per incident", kFloat, 14}, {"Engineering hour value", kMoney, 14},
		{"SLA monthly contract value", kMoney, 16}, {"SLA SLO", kText, 14}}
	rc := []column{{"Service", kText, 20}, {"Role", kText, 16}, {"People", kFloat, 8}, {"Hourly rate", kMoney, 12},
		{"Hours per incident", kFloat, 10}, {"Hours per outage hour", kFloat, 10}}
	bc := []column{{"Service", kText, 20}, {"Availability below", kPct3, 14}, {"Credit", kPct1, 9}}
	var mrows, rrows, brows [][]cell
	for _, sc := range services {
		m := sc.Model
		if !m.Configured() {
			mrows = append(mrows, []cell{text(sc.Service), text(sc.Tier), text("no cost model")})
			for len(mrows[len(mrows)-1]) < len(mc) {
				mrows[len(mrows)-1] = append(mrows[len(mrows)-1], cell{})
			}
			continue
		}
		c := m.Currency
		var impacts []string
		for k, v := range m.Revenue.Impact {
			impacts = append(impacts, k+" "+Percent(v, 0))
		}
		sort.Strings(impacts)
		perYear := cell{}
		if m.Revenue.PerYear > 0 {
			perYear = moneyCell(m.Revenue.PerYear, c)
		}
		mrows = append(mrows, []cell{text(sc.Service), text(sc.Tier), text(c), perYear, moneyCell(sc.RatePerMinute, c),
			numCell(m.Revenue.Share), numCell(m.Revenue.Recovery), text(strings.Join(impacts, ", ")),
			numCell(m.Opportunity.HoursPerIncident), moneyCell(m.Opportunity.HourlyValue, c), moneyCell(m.SLA.MonthlyContractValue, c), text(sc.SLASLO)})
		for _, role := range m.Responders {
			rrows = append(rrows, []cell{text(sc.Service), text(role.Name), numCell(role.People), moneyCell(role.HourlyRate, c),
				numCell(role.HoursPerIncident), numCell(role.HoursPerOutageHour)})
		}
		if m.SLA.MonthlyContractValue > 0 {
			for _, b := range m.SLA.Credits {
				brows = append(brows, []cell{text(sc.Service), numCell(b.Below), numCell(b.Credit)})
			}
		}
	}
	models = newTable("Cost model per service (tier defaults with the service's overrides)", mc, mrows)
	responders = newTable("Responders per incident", rc, rrows)
	credits = newTable("SLA credit bands", bc, brows)
	return assumptions, models, responders, credits
}

// Grids are the report's tables as text, for -o FILE.csv and markdown: the
// same tables as the workbook's sheets.
func (p *PeriodReport) Grids(GridOptions) []Grid {
	t := newReportTables(p)
	loc := timeZone(p.Cost.Period.TimeZone)
	var out []Grid
	for _, x := range []table{t.summary, t.services, t.incidents, t.components, t.roles, t.lines, t.daily, t.assumptions, t.models, t.responders, t.credits} {
		out = append(out, x.grid(loc))
	}
	if len(p.Trend) > 0 {
		out = append(out, trendTable(p.Trend).grid(loc))
	}
	return out
}
