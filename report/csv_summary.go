package report

import (
	"sort"
	"time"
)

// periodKind is the period of a summary and the one it is compared with.
var periodKind = []string{"period", "start", "end", "measured_to", "measured_seconds", "time_zone", "to_date"}

// The kinds of row of summary's CSV (docs/csv.md), in order. Columns of
// the same name mean the same in every kind; previous_* are the previous
// period's figure and *_change this period's minus it.
var summaryKinds = []rowKind{
	{"period", append(append([]string(nil), periodKind...), "coverage", "min_coverage", "at", "source")},
	{"previous_period", append(append([]string(nil), periodKind...), "coverage")},
	{"comparison", []string{"period", "comparison_available", "compared_with", "like_for_like", "comparison_measured_to", "comparison_reason"}},
	{"headline", []string{"period", "message"}},
	{"narrative", []string{"period", "message"}},
	{"totals", []string{"period", "currency", "lost_revenue", "labor", "opportunity", "sla_credits", "total"}},
	{"previous_totals", []string{"period", "currency", "lost_revenue", "labor", "opportunity", "sla_credits", "total"}},
	{"tiers", []string{"period", "tier", "objective", "slo_count", "met_count", "missed_count", "no_data_count",
		"availability", "nines", "worst_budget_used_ratio", "downtime_seconds", "incidents", "mttr_seconds", "mtbf_seconds",
		"coverage", "previous_availability", "previous_incidents", "previous_mttr_seconds",
		"availability_change", "incidents_change", "mttr_seconds_change", "comparison_reason"}},
	{"tier_costs", []string{"period", "tier", "currency", "cost", "previous_cost", "cost_change"}},
	{"services", []string{"period", "service", "tier", "owner_team", "owner_contact", "currency", "incidents",
		"mttr_seconds", "mtbf_seconds", "coverage", "cost", "previous_incidents", "previous_cost", "cost_change", "comparison_reason"}},
	{"slos", []string{"period", "service", "slo", "tier", "objective", "data_state", "availability", "nines",
		"budget_used_ratio", "met", "coverage", "previous_availability", "previous_coverage", "availability_change", "comparison_reason",
		"raw_availability", "raw_budget_used_ratio", "adjustments", "path"}},
	{"slo_months", []string{"period", "service", "slo", "month", "start", "end", "data_state", "coverage",
		"availability", "budget_used_ratio", "met"}},
	{"top_cost_drivers", []string{"period", "rank", "service", "tier", "currency", "cost", "share", "main_component",
		"main_component_cost", "largest_incident", "largest_incident_cost"}},
	{"missed", []string{"period", "service", "slo", "tier", "objective", "availability", "budget_used_ratio",
		"owner_team", "owner_contact", "month"}},
	{"trend", []string{"period", "start", "end", "measured_to", "to_date", "coverage", "low_coverage", "slo_count", "met_count",
		"missed_count", "no_data_count", "availability", "incidents", "mttr_seconds"}},
	{"trend_costs", []string{"period", "currency", "total", "baseline", "overspend"}},
	{"baseline_overspend", []string{"period", "service", "tier", "currency", "downtime_seconds", "overspend_seconds",
		"overspend_share", "lost_revenue_baseline", "lost_revenue_overspend", "labor_and_opportunity_baseline",
		"labor_and_opportunity_overspend", "sla_credits_baseline", "sla_credits_overspend", "baseline", "overspend", "total"}},
	{"baseline_overspend_totals", []string{"period", "currency", "baseline", "overspend", "total"}},
	{"top_risks", []string{"period", "rank", "service", "slo", "tier", "objective", "window", "risks_at", "budget_left_ratio",
		"budget_left_seconds", "burn_rate_1h", "exhausted_in_seconds", "condition", "coverage", "rank_reason", "owner_team", "owner_contact"}},
	{"warnings", []string{"period", "message"}},
}

// Records implements Records: the periods, headline, totals, tiers (and
// their cost per currency), services, SLOs, top cost drivers and missed
// SLOs, as one table whose first column names the kind of row
// (docs/csv.md).
func (s *Summary) Records() (*MachineTable, error) {
	m := newMachine(summaryKinds...)
	addSummaryRows(m, s)
	return m.table()
}

// addSummaryRows adds s's rows to m. Times are in the period's time zone.
func addSummaryRows(m *machine, s *Summary) {
	loc := timeZone(s.Period.TimeZone)
	name := s.Period.Name
	p, q := s.Period, s.PreviousPeriod
	m.add("period", p.Name, optTime(p.Start, loc), optTime(p.End, loc), optTime(p.MeasuredTo, loc), p.Minutes*60, p.TimeZone, p.ToDate,
		s.Coverage, s.MinCoverage, optTime(s.At, loc), s.Source)
	if q.Name != "" {
		m.add("previous_period", q.Name, optTime(q.Start, loc), optTime(q.End, loc), optTime(q.MeasuredTo, loc), q.Minutes*60, q.TimeZone, q.ToDate,
			s.PreviousCoverage)
		c := s.Comparison
		m.add("comparison", name, c.Available, c.With, c.LikeForLike, optTime(c.MeasuredTo, loc), c.Reason)
	}
	for _, h := range s.Headline {
		m.add("headline", name, h)
	}
	if s.Narrative != "" {
		m.add("narrative", name, s.Narrative)
	}
	for _, t := range s.Totals {
		c := t.Currency
		m.add("totals", name, c, amount{t.LostRevenue, c}, amount{t.Labor, c}, amount{t.Opportunity, c}, amount{t.SLACredits, c}, amount{t.Total, c})
	}
	for _, t := range s.PreviousTotals {
		c := t.Currency
		m.add("previous_totals", q.Name, c, amount{t.LostRevenue, c}, amount{t.Labor, c}, amount{t.Opportunity, c}, amount{t.SLACredits, c}, amount{t.Total, c})
	}
	for _, t := range s.Tiers {
		var prev, ch TierTrend
		if t.Previous != nil {
			prev = *t.Previous
		}
		if t.Change != nil {
			ch = *t.Change
		}
		m.add("tiers", name, t.Tier, t.Objective, t.SLOs, t.Met, t.Missed, t.NoData, t.Availability, t.Nines, t.WorstBudgetUsed,
			t.DowntimeMinutes*60, t.Incidents, t.MTTRSeconds, t.MTBFSeconds, t.Coverage,
			prev.Availability, prev.Incidents, prev.MTTRSeconds, ch.Availability, ch.Incidents, ch.MTTRSeconds, t.ComparisonReason)
	}
	for _, t := range s.Tiers {
		addTierCosts(m, name, t)
	}
	for _, svc := range s.Services {
		c := svc.Currency
		m.add("services", name, svc.Service, svc.Tier, svc.Owner.Team, svc.Owner.Contact, c, svc.Incidents,
			svc.MTTRSeconds, svc.MTBFSeconds, svc.Coverage, optAmount(svc.Cost, c), svc.PreviousIncidents, optAmount(svc.PreviousCost, c),
			optAmount(svc.CostChange, c), svc.ComparisonReason)
	}
	for _, svc := range s.Services {
		for _, o := range svc.SLOs {
			var rawAvail, rawUsed *float64
			if o.Raw != nil {
				rawAvail, rawUsed = o.Raw.Availability, o.Raw.BudgetUsed
			}
			m.add("slos", name, svc.Service, o.SLO, svc.Tier, o.Objective, o.DataState, o.Achieved, o.Nines, o.BudgetUsed,
				optBool(o.Met), o.Coverage, o.Previous, o.PreviousCoverage, o.Change, o.ComparisonReason,
				rawAvail, rawUsed, AdjustmentReasons(o.Adjustments), o.Path)
		}
	}
	for _, svc := range s.Services {
		for _, o := range svc.SLOs {
			for _, mo := range o.Months {
				m.add("slo_months", name, svc.Service, o.SLO, mo.Month, optTime(mo.Start, loc), optTime(mo.End, loc), mo.DataState,
					mo.Coverage, mo.Availability, mo.BudgetUsed, optBool(mo.Met))
			}
		}
	}
	for _, d := range s.TopCostDrivers {
		c := d.Currency
		var largest any
		if d.LargestIncident != "" {
			largest = amount{d.LargestIncidentCost, c}
		}
		m.add("top_cost_drivers", name, d.Rank, d.Service, d.Tier, c, amount{d.Cost, c}, d.Share, d.Component,
			amount{d.ComponentCost, c}, d.LargestIncident, largest)
	}
	for _, x := range s.Missed {
		m.add("missed", name, x.Service, x.SLO, x.Tier, x.Objective, x.Achieved, x.BudgetUsed, x.Owner.Team, x.Owner.Contact, x.Month)
	}
	addLeaderRows(m, s, loc)
	for _, w := range s.Warnings {
		m.add("warnings", name, w)
	}
}

// addLeaderRows adds the trend, the baseline and overspend and the top
// risks.
func addLeaderRows(m *machine, s *Summary, loc *time.Location) {
	name := s.Period.Name
	for _, t := range s.Trend {
		p := t.Period
		m.add("trend", p.Name, optTime(p.Start, loc), optTime(p.End, loc), optTime(p.MeasuredTo, loc), p.ToDate || p.MeasuredTo.Before(p.End),
			t.Coverage, t.LowCoverage, t.SLOs, t.Met, t.Missed, t.NoData, t.Availability, t.Incidents, t.MTTRSeconds)
	}
	for _, t := range s.Trend {
		for _, x := range t.Split {
			c := x.Currency
			m.add("trend_costs", t.Period.Name, c, amount{x.Total, c}, amount{x.Baseline, c}, amount{x.Overspend, c})
		}
	}
	for _, x := range s.BaselineOverspend.Services {
		c := x.Currency
		m.add("baseline_overspend", name, x.Service, x.Tier, c, x.DowntimeMinutes*60, x.OverspendMinutes*60, x.OverspendShare,
			amount{x.LostRevenue.Baseline, c}, amount{x.LostRevenue.Overspend, c}, amount{x.Fixed.Baseline, c}, amount{x.Fixed.Overspend, c},
			amount{x.SLACredits.Baseline, c}, amount{x.SLACredits.Overspend, c}, amount{x.Baseline, c}, amount{x.Overspend, c}, amount{x.Total, c})
	}
	for _, x := range s.BaselineOverspend.Totals {
		c := x.Currency
		m.add("baseline_overspend_totals", name, c, amount{x.Baseline, c}, amount{x.Overspend, c}, amount{x.Total, c})
	}
	for _, r := range s.TopRisks {
		m.add("top_risks", name, r.Rank, r.Service, r.SLO, r.Tier, r.Objective, r.Window, optTime(s.RisksAt, loc), r.BudgetLeft,
			minutesAsSeconds(r.BudgetLeftMinutes), r.BurnRate1h, r.TimeToExhaustionSeconds, r.Condition, r.Coverage, r.Reason,
			r.Owner.Team, r.Owner.Contact)
	}
}

// addTierCosts adds a tier's cost per currency, with the previous period's
// and the change where known.
func addTierCosts(m *machine, period string, t TierSummary) {
	seen := map[string]bool{}
	var curs []string
	for _, costs := range []map[string]float64{t.Cost, trendCost(t.Previous), trendCost(t.Change)} {
		for c := range costs {
			if !seen[c] {
				seen[c] = true
				curs = append(curs, c)
			}
		}
	}
	sort.Strings(curs)
	for _, c := range curs {
		m.add("tier_costs", period, t.Tier, c, costIn(t.Cost, c), costIn(trendCost(t.Previous), c), costIn(trendCost(t.Change), c))
	}
}

func trendCost(t *TierTrend) map[string]float64 {
	if t == nil {
		return nil
	}
	return t.Cost
}

// costIn is the amount in currency c of costs, or no value.
func costIn(costs map[string]float64, c string) any {
	v, ok := costs[c]
	if !ok {
		return nil
	}
	return amount{v, c}
}
