package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
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
}

// TopCostDrivers is how many services the summary names as cost drivers.
const TopCostDrivers = 5

// NewSummary compares the period's report with the previous period's (nil
// when there is none).
func NewSummary(cat *slo.Catalog, cur, prev *CostReport) *Summary {
	s := &Summary{
		At: cur.At, Source: cur.Source, Period: cur.Period,
		Tiers: TierSummaries(cat, cur), Services: []ServiceSummary{}, TopCostDrivers: []CostDriver{}, Missed: []MissedSLO{},
		Totals: cur.Totals, PreviousTotals: []CurrencyTotal{},
	}
	if prev != nil {
		s.PreviousPeriod, s.PreviousTotals = prev.Period, prev.Totals
		prevTiers := map[string]TierSummary{}
		for _, t := range TierSummaries(cat, prev) {
			prevTiers[t.Tier] = t
		}
		for i := range s.Tiers {
			t := &s.Tiers[i]
			p, ok := prevTiers[t.Tier]
			if !ok {
				continue
			}
			t.Previous = &TierTrend{Availability: p.Availability, Incidents: num(float64(p.Incidents)), MTTRSeconds: p.MTTRSeconds, Cost: p.Cost}
			t.Change = &TierTrend{
				Availability: diff(t.Availability, p.Availability),
				Incidents:    num(float64(t.Incidents - p.Incidents)),
				MTTRSeconds:  diff(t.MTTRSeconds, p.MTTRSeconds),
				Cost:         map[string]float64{},
			}
			for c, v := range t.Cost {
				if pv, ok := p.Cost[c]; ok {
					t.Change.Cost[c] = v - pv
				}
			}
		}
	}
	for _, svc := range cur.Services {
		ss := ServiceSummary{Service: svc.Service, Tier: svc.Tier, Owner: svc.Owner, Currency: svc.Currency, SLOs: []SLOSummary{},
			Incidents: svc.Incidents, MTTRSeconds: svc.MTTRSeconds, MTBFSeconds: svc.MTBFSeconds}
		if svc.Cost != nil {
			ss.Cost = num(svc.Cost.Total)
		}
		var ps *ServiceCost
		if prev != nil {
			if p, ok := prev.Service(svc.Service); ok {
				ps = &p
				n := p.Incidents
				ss.PreviousIncidents = &n
				if p.Cost != nil && p.Currency == svc.Currency {
					ss.PreviousCost = num(p.Cost.Total)
					ss.CostChange = diff(ss.Cost, ss.PreviousCost)
				}
			}
		}
		for _, o := range svc.SLOs {
			so := SLOSummary{SLO: o.SLO, Objective: o.Objective, DataState: o.DataState, Achieved: o.Availability, Nines: o.Nines, BudgetUsed: o.BudgetUsed, Met: o.Met}
			if ps != nil {
				for _, po := range ps.SLOs {
					if po.SLO == o.SLO {
						so.Previous = po.Availability
						so.Change = diff(o.Availability, po.Availability)
					}
				}
			}
			ss.SLOs = append(ss.SLOs, so)
			if o.Met != nil && !*o.Met {
				s.Missed = append(s.Missed, MissedSLO{Service: svc.Service, SLO: o.SLO, Tier: svc.Tier, Owner: svc.Owner,
					Objective: o.Objective, Achieved: *o.Availability, BudgetUsed: o.BudgetUsed})
			}
		}
		s.Services = append(s.Services, ss)
	}
	s.TopCostDrivers = costDrivers(cur)
	s.Headline = headline(s, cur, prev)
	return s
}

// diff is a - b, or nil when either is missing.
func diff(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	return num(*a - *b)
}

// TierSummaries aggregates a report per tier, in the catalog's tier order
// (by name), for the tiers with selected services.
func TierSummaries(cat *slo.Catalog, r *CostReport) []TierSummary {
	var names []string
	for n := range cat.Tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	spans := map[string][][2]time.Time{}
	for _, i := range r.Incidents {
		spans[i.Tier] = append(spans[i.Tier], [2]time.Time{i.Start, i.End})
	}
	var out []TierSummary
	for _, name := range names {
		t := TierSummary{Tier: name, Objective: cat.Tiers[name].Objective, Cost: map[string]float64{}}
		var sumAvail float64
		var withData int
		var incidentSeconds float64
		for _, svc := range r.Services {
			if svc.Tier != name {
				continue
			}
			for _, o := range svc.SLOs {
				t.SLOs++
				switch {
				case o.Met == nil:
					t.NoData++
				case *o.Met:
					t.Met++
				default:
					t.Missed++
				}
				if o.Availability != nil {
					sumAvail += *o.Availability
					withData++
				}
				if o.BudgetUsed != nil && (t.WorstBudgetUsed == nil || *o.BudgetUsed > *t.WorstBudgetUsed) {
					t.WorstBudgetUsed = num(*o.BudgetUsed)
				}
				if o.DowntimeMinutes != nil {
					t.DowntimeMinutes += *o.DowntimeMinutes
				}
			}
			t.Incidents += svc.Incidents
			incidentSeconds += svc.IncidentSeconds
			if svc.Cost != nil {
				t.Cost[svc.Currency] += svc.Cost.Total
			}
		}
		if t.SLOs == 0 {
			continue
		}
		if withData > 0 {
			a := sumAvail / float64(withData)
			t.Availability, t.Nines = num(a), num(budget.Nines(a))
		}
		if t.Incidents > 0 {
			mttr := incidentSeconds / float64(t.Incidents)
			mtbf := math.Max(0, r.Period.Minutes*60-unionSeconds(spans[name])) / float64(t.Incidents)
			t.MTTRSeconds, t.MTBFSeconds = &mttr, &mtbf
		}
		out = append(out, t)
	}
	return out
}

// unionSeconds is the length of the union of spans.
func unionSeconds(spans [][2]time.Time) float64 {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0].Before(spans[j][0]) })
	var total time.Duration
	var cur [2]time.Time
	for i, s := range spans {
		if i == 0 || s[0].After(cur[1]) {
			if i > 0 {
				total += cur[1].Sub(cur[0])
			}
			cur = s
			continue
		}
		if s[1].After(cur[1]) {
			cur[1] = s[1]
		}
	}
	if len(spans) > 0 {
		total += cur[1].Sub(cur[0])
	}
	return total.Seconds()
}

// costDrivers ranks the services by cost, within each currency's total.
func costDrivers(r *CostReport) []CostDriver {
	totals := map[string]float64{}
	for _, t := range r.Totals {
		totals[t.Currency] = t.Total
	}
	var out []CostDriver
	for _, s := range r.Services {
		if s.Cost == nil || s.Cost.Total <= 0 {
			continue
		}
		d := CostDriver{Service: s.Service, Tier: s.Tier, Currency: s.Currency, Cost: s.Cost.Total}
		if t := totals[s.Currency]; t > 0 {
			d.Share = s.Cost.Total / t
		}
		for _, c := range []struct {
			name string
			v    float64
		}{{"lost_revenue", s.Cost.LostRevenue}, {"labor", s.Cost.Labor}, {"opportunity", s.Cost.Opportunity}, {"sla_credits", s.Cost.SLACredits}} {
			if c.v > d.ComponentCost {
				d.Component, d.ComponentCost = c.name, c.v
			}
		}
		for _, i := range r.Incidents {
			if i.Service == s.Service && i.Cost != nil && i.Cost.Total > d.LargestIncidentCost {
				d.LargestIncident, d.LargestIncidentCost = i.ID, i.Cost.Total
			}
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Share != out[j].Share {
			return out[i].Share > out[j].Share
		}
		return out[i].Service < out[j].Service
	})
	if len(out) > TopCostDrivers {
		out = out[:TopCostDrivers]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	if out == nil {
		out = []CostDriver{}
	}
	return out
}

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

// headline is the one-pager's opening: SLOs met, incidents, MTTR and cost,
// each against the previous period.
func headline(s *Summary, cur, prev *CostReport) []string {
	slos, met := 0, 0
	for _, t := range s.Tiers {
		slos += t.SLOs
		met += t.Met
	}
	var lines []string
	lines = append(lines, fmt.Sprintf("%d of %d SLOs met their objectives in %s.", met, slos, cur.Period.Name))
	n, secs := 0, 0.0
	for _, i := range cur.Incidents {
		n++
		secs += i.DurationSeconds
	}
	inc := fmt.Sprintf("%d incidents", n)
	if n == 1 {
		inc = "1 incident"
	}
	if n > 0 {
		inc += fmt.Sprintf(", restored in %s on average", Duration(time.Duration(secs/float64(n)*float64(time.Second))))
	}
	if prev != nil {
		inc += fmt.Sprintf(" (%s: %d)", prev.Period.Name, len(prev.Incidents))
	}
	lines = append(lines, inc+".")
	for _, t := range cur.Totals {
		l := fmt.Sprintf("Downtime cost %s: %s lost revenue, %s labor, %s opportunity, %s SLA credits",
			Money(t.Total, t.Currency), Money(t.LostRevenue, t.Currency), Money(t.Labor, t.Currency), Money(t.Opportunity, t.Currency), Money(t.SLACredits, t.Currency))
		if prev != nil {
			for _, p := range prev.Totals {
				if p.Currency == t.Currency {
					l += fmt.Sprintf(" (%s: %s", prev.Period.Name, Money(p.Total, p.Currency))
					if p.Total > 0 {
						l += fmt.Sprintf(", %s", signedPercent((t.Total-p.Total)/p.Total))
					}
					l += ")"
				}
			}
		}
		lines = append(lines, l+".")
	}
	if len(s.Missed) > 0 {
		var names []string
		for _, m := range s.Missed {
			names = append(names, m.Service+"/"+m.SLO)
		}
		lines = append(lines, "Missed: "+strings.Join(names, ", ")+".")
	}
	return lines
}

func signedPercent(r float64) string {
	s := Percent(r, 0)
	if r > 0 {
		return "+" + s
	}
	return s
}

// SummaryGrids are the one-pager's tables: tiers, services, top cost
// drivers and missed SLOs.
func SummaryGrids(s *Summary) []Grid {
	prevName := s.PreviousPeriod.Name
	vs := "vs " + prevName
	tg := Grid{
		Title: "Tiers, " + s.Period.PeriodLabel(),
		Header: []string{"TIER", "OBJECTIVE", "SLOS MET", "AVAILABILITY", "CHANGE", "NINES", "WORST BUDGET USED",
			"DOWNTIME", "INCIDENTS", "CHANGE", "MTTR", "MTBF", "COST", "CHANGE"},
	}
	for _, t := range s.Tiers {
		row := []string{t.Tier, Objective(t.Objective), fmt.Sprintf("%d/%d", t.Met, t.SLOs), optPercent(t.Availability, 3)}
		var ch TierTrend
		if t.Change != nil {
			ch = *t.Change
		}
		costChange := "-"
		if len(ch.Cost) > 0 {
			var parts []string
			for c, v := range ch.Cost {
				parts = append(parts, signedMoney(v, c))
			}
			sort.Strings(parts)
			costChange = strings.Join(parts, " ")
		}
		row = append(row, points(ch.Availability), nines(t.Nines), optPercent(t.WorstBudgetUsed, 1),
			Duration(time.Duration(t.DowntimeMinutes*float64(time.Minute))), fmt.Sprint(t.Incidents), signedCount(ch.Incidents),
			optDuration(t.MTTRSeconds), optDuration(t.MTBFSeconds), moneyByCurrency(t.Cost), costChange)
		tg.Rows = append(tg.Rows, row)
	}
	if prevName != "" {
		tg.Notes = append(tg.Notes, "Changes are "+vs+". Availability is the mean of the tier's SLOs; budget used the worst.")
	}
	sg := Grid{
		Title: "Services",
		Header: []string{"SERVICE", "SLO", "OBJECTIVE", "ACHIEVED", "CHANGE", "NINES", "BUDGET USED",
			"INCIDENTS", "MTTR", "MTBF", "COST", "CHANGE", "OWNER"},
	}
	for _, svc := range s.Services {
		for i, o := range svc.SLOs {
			achieved := optPercent(o.Achieved, 3)
			if o.Achieved == nil {
				achieved = strings.ReplaceAll(o.DataState, "_", " ")
			} else if o.Met != nil && !*o.Met {
				achieved += " MISSED"
			}
			row := []string{svc.Service, o.SLO, Objective(o.Objective), achieved, points(o.Change), nines(o.Nines), optPercent(o.BudgetUsed, 1)}
			if i == 0 {
				cost, change := "-", "-"
				if svc.Cost != nil {
					cost = Money(*svc.Cost, svc.Currency)
				}
				if svc.CostChange != nil {
					change = signedMoney(*svc.CostChange, svc.Currency)
				}
				row = append(row, fmt.Sprint(svc.Incidents), optDuration(svc.MTTRSeconds), optDuration(svc.MTBFSeconds), cost, change, ownerLabel(svc.Owner))
			} else {
				row = append(row, "", "", "", "", "", "")
			}
			sg.Rows = append(sg.Rows, row)
		}
	}
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
		mg.Rows = append(mg.Rows, []string{m.Service, m.SLO, Objective(m.Objective), Percent(m.Achieved, 3), optPercent(m.BudgetUsed, 1), ownerLabel(m.Owner)})
	}
	if len(s.Missed) == 0 {
		mg.Notes = append(mg.Notes, "Every SLO with data met its objective.")
	}
	return []Grid{tg, sg, dg, mg}
}

// nines formats an optional count of nines.
func nines(v *float64) string {
	if v == nil {
		return "-"
	}
	return Nines(*v)
}

// WriteSummary renders the one-pager: a title and the headline, then the
// tables (table and markdown); the tables alone in CSV.
func WriteSummary(w io.Writer, f Format, s *Summary) error {
	title := "Reliability summary: " + s.Period.PeriodLabel()
	if s.PreviousPeriod.Name != "" {
		title += ", compared with " + s.PreviousPeriod.Name
	}
	var b strings.Builder
	switch f {
	case Markdown:
		fmt.Fprintf(&b, "# %s\n\n", title)
		for _, l := range s.Headline {
			fmt.Fprintf(&b, "- %s\n", mdEscape(l))
		}
		b.WriteString("\n")
	case Table:
		fmt.Fprintf(&b, "%s\n\n", title)
		for _, l := range s.Headline {
			fmt.Fprintf(&b, "  %s\n", l)
		}
		b.WriteString("\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("could not write %s output: %w", f, err)
	}
	return Write(w, f, SummaryGrids(s)...)
}
