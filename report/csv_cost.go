package report

import (
	"slices"
	"time"
)

// The kinds of row of cost's CSV (docs/csv.md), in order. Columns of the
// same name mean the same in every kind.
var costKinds = []rowKind{
	{"period", []string{"period", "start", "end", "measured_to", "measured_seconds", "time_zone", "to_date", "coverage",
		"at", "source", "calendar_convention", "detection_step_seconds", "merge_gap_seconds", "incident_threshold"}},
	{"totals", []string{"period", "currency", "lost_revenue", "labor", "opportunity", "sla_credits", "total"}},
	{"services", []string{"period", "service", "tier", "owner_team", "owner_contact", "cost_model", "currency",
		"incidents", "incident_seconds", "mttr_seconds", "mtbf_seconds", "blips", "blip_seconds", "blip_downtime_seconds",
		"lost_revenue", "labor", "opportunity", "sla_credits", "total"}},
	{"slos", []string{"period", "service", "slo", "tier", "sli_kind", "objective", "data_state", "coverage",
		"error_ratio", "availability", "nines", "budget_used_ratio", "downtime_seconds", "met",
		"incident_threshold", "data_coverage", "revenue_impact", "currency", "lost_revenue", "reason", "error",
		"raw_error_ratio", "raw_availability", "raw_budget_used_ratio", "raw_downtime_seconds", "adjustments", "path"}},
	{"slo_months", []string{"period", "service", "slo", "month", "start", "end", "data_state", "coverage",
		"availability", "budget_used_ratio", "met"}},
	{"incidents", []string{"period", "incident_id", "service", "tier", "title", "incident_source", "start", "end",
		"duration_seconds", "ongoing", "planned", "peak_slo", "peak_error_ratio", "peak_burn_rate", "downtime_seconds",
		"currency", "lost_revenue", "labor", "opportunity", "total", "record_file", "record_line"}},
	{"incident_slos", []string{"period", "incident_id", "service", "slo", "burning", "error_ratio", "peak_error_ratio",
		"peak_burn_rate", "downtime_seconds", "budget_spent_ratio"}},
	{"cost_lines", []string{"period", "service", "component", "item", "person_hours", "currency", "amount"}},
	{"sla_months", []string{"period", "service", "slo", "month", "start", "end", "coverage", "availability",
		"band_below", "credit_rate", "monthly_contract_value", "month_share", "currency", "credit"}},
	{"warnings", []string{"period", "message"}},
	{"errors", []string{"period", "message"}},
}

// Records implements Records: the period, totals, services, SLOs (and
// their months), incidents (and their SLOs), every cost line, the SLA
// months, warnings and errors, as one table whose first column names the
// kind of row (docs/csv.md).
func (r *CostReport) Records() (*MachineTable, error) {
	kinds := costKinds
	if r.Stats != nil {
		kinds = append(slices.Clip(kinds), statsKind)
	}
	m := newMachine(kinds...)
	addCostHead(m, r)
	addCostBody(m, r)
	if r.Stats != nil {
		addStatsRows(m, r.Period.Name, r.Stats)
	}
	return m.table()
}

// addCostHead adds r's period and totals to m, whose kinds include
// costKinds. Times are in the period's time zone.
func addCostHead(m *machine, r *CostReport) {
	loc := timeZone(r.Period.TimeZone)
	p := r.Period
	name := p.Name
	m.add("period", name, optTime(p.Start, loc), optTime(p.End, loc), optTime(p.MeasuredTo, loc), p.Minutes*60, p.TimeZone,
		p.ToDate, r.Coverage, optTime(r.At, loc), r.Source, r.Convention, r.Detection.StepSeconds, r.Detection.MergeGapSeconds,
		r.Detection.Threshold)
	for _, t := range r.Totals {
		c := t.Currency
		m.add("totals", name, c, amount{t.LostRevenue, c}, amount{t.Labor, c}, amount{t.Opportunity, c}, amount{t.SLACredits, c}, amount{t.Total, c})
	}
}

// addCostBody adds the rest of r's rows to m, after addCostHead's.
func addCostBody(m *machine, r *CostReport) {
	loc := timeZone(r.Period.TimeZone)
	name := r.Period.Name
	for _, s := range r.Services {
		c := s.Currency
		var lost, labor, opp, credits, total any
		if s.Cost != nil {
			c = s.Cost.Currency
			lost, labor, opp, credits, total = amount{s.Cost.LostRevenue, c}, amount{s.Cost.Labor, c}, amount{s.Cost.Opportunity, c},
				amount{s.Cost.SLACredits, c}, amount{s.Cost.Total, c}
		}
		m.add("services", name, s.Service, s.Tier, s.Owner.Team, s.Owner.Contact, s.CostModel, c,
			s.Incidents, s.IncidentSeconds, s.MTTRSeconds, s.MTBFSeconds, s.Blips, s.BlipSeconds, s.BlipDowntimeMinutes*60,
			lost, labor, opp, credits, total)
	}
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			row := []any{name, s.Service, o.SLO, s.Tier, o.Kind, o.Objective, o.DataState, o.Coverage,
				o.ErrorRatio, o.Availability, o.Nines, o.BudgetUsed, minutesAsSeconds(o.DowntimeMinutes), optBool(o.Met),
				o.IncidentThreshold, o.DataCoverage, o.RevenueImpact, s.Currency, optAmount(o.LostRevenue, s.Currency), o.Reason, o.Error}
			row = append(row, rawCostValues(o.Adjustments, o.Raw)...)
			m.add("slos", append(row, o.Path)...)
		}
	}
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			for _, mo := range o.Months {
				m.add("slo_months", name, s.Service, o.SLO, mo.Month, optTime(mo.Start, loc), optTime(mo.End, loc), mo.DataState,
					mo.Coverage, mo.Availability, mo.BudgetUsed, optBool(mo.Met))
			}
		}
	}
	for _, i := range r.Incidents {
		var cur string
		var lost, labor, opp, total any
		if i.Cost != nil {
			cur = i.Cost.Currency
			lost, labor, opp, total = amount{i.Cost.LostRevenue, cur}, amount{i.Cost.Labor, cur}, amount{i.Cost.Opportunity, cur}, amount{i.Cost.Total, cur}
		}
		var line any
		if i.RecordLine > 0 {
			line = i.RecordLine
		}
		m.add("incidents", name, i.ID, i.Service, i.Tier, i.Title, i.Source, optTime(i.Start, loc), optTime(i.End, loc),
			i.DurationSeconds, i.Ongoing, i.Planned, i.PeakSLO, i.PeakErrorRatio, i.PeakBurnRate, i.DowntimeMinutes*60,
			cur, lost, labor, opp, total, i.RecordFile, line)
	}
	for _, i := range r.Incidents {
		for _, o := range i.SLOs {
			m.add("incident_slos", name, i.ID, i.Service, o.SLO, o.Burning, o.ErrorRatio, o.PeakErrorRatio, o.PeakBurnRate,
				minutesAsSeconds(o.DowntimeMinutes), o.BudgetSpent)
		}
	}
	for _, s := range r.Services {
		if s.Cost == nil {
			continue
		}
		addCostLines(m, name, s.Service, s.Cost)
	}
	for _, sm := range r.SLAMonths {
		c := sm.Currency
		m.add("sla_months", name, sm.Service, sm.SLO, sm.Month, optTime(sm.Start, loc), optTime(sm.End, loc), sm.Coverage,
			sm.Availability, sm.BandBelow, sm.CreditRate, amount{sm.MonthlyContractValue, c}, sm.Share, c, amount{sm.Credit, c})
	}
	for _, w := range r.Warnings {
		m.add("warnings", name, w)
	}
	for _, e := range r.Errors {
		m.add("errors", name, e)
	}
}

// addCostLines adds a breakdown's lines: lost revenue per SLO, labor per
// role (with its person-hours), the diverted work and the SLA credit per
// month. They sum to the breakdown's total.
func addCostLines(m *machine, period, service string, b *Breakdown) {
	c := b.Currency
	for _, l := range b.Revenue {
		m.add("cost_lines", period, service, "lost_revenue", l.SLO, nil, c, amount{l.Amount, c})
	}
	for _, l := range b.LaborByRole {
		m.add("cost_lines", period, service, "labor", l.Role, l.PersonHours, c, amount{l.Amount, c})
	}
	if b.Diverted.Amount != 0 || b.Diverted.Hours != 0 {
		m.add("cost_lines", period, service, "opportunity", "diverted engineering", b.Diverted.Hours, c, amount{b.Diverted.Amount, c})
	}
	for _, l := range b.Credits {
		m.add("cost_lines", period, service, "sla_credits", l.Month, nil, c, amount{l.Amount, c})
	}
}

// dayEnd is the end of the day that starts at d, in loc.
func dayEnd(d time.Time, loc *time.Location) time.Time {
	d = d.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
}

// rawCostValues are an SLO's values in the last columns of a cost CSV's
// slos rows: its raw figures (every event counted) and the reasons of the
// adjustments applied, empty when none (docs/adjustments.md).
func rawCostValues(as []Adjustment, raw *RawBudget) []any {
	if raw == nil {
		return []any{nil, nil, nil, nil, AdjustmentReasons(as)}
	}
	return []any{raw.ErrorRatio, raw.Availability, raw.BudgetUsed, minutesAsSeconds(raw.DowntimeMinutes), AdjustmentReasons(as)}
}
