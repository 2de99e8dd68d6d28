package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// reportKinds are the kinds of row of report's CSV (docs/csv.md): cost's,
// with the tiers after the totals, then the days and the cost models.
var reportKinds = func() []rowKind {
	kind := func(kinds []rowKind, name string) rowKind {
		i := slices.IndexFunc(kinds, func(k rowKind) bool { return k.name == name })
		return kinds[i]
	}
	out := []rowKind{kind(costKinds, "period"), kind(costKinds, "totals"), kind(summaryKinds, "tiers"), kind(summaryKinds, "tier_costs")}
	out = append(out, costKinds[2:]...)
	return append(out,
		rowKind{"daily", []string{"period", "service", "slo", "tier", "start", "end", "data_state", "coverage", "availability",
			"downtime_seconds", "incidents", "currency", "lost_revenue", "incident_cost", "cost"}},
		rowKind{"cost_models", []string{"period", "service", "tier", "cost_model", "currency", "revenue_per_year", "revenue_per_minute",
			"revenue_share", "revenue_recovery", "revenue_impact_by_slo", "opportunity_hours_per_incident", "engineering_hour_value",
			"monthly_contract_value", "sla_slo"}},
		rowKind{"responders", []string{"period", "service", "role", "people", "hourly_rate", "hours_per_incident",
			"hours_per_outage_hour", "currency"}},
		rowKind{"sla_bands", []string{"period", "service", "band_below", "credit_rate"}},
	)
}()

// Records implements Records: cost's rows, the tiers, a row per SLO and
// day, and every service's cost model, responders and SLA bands, as one
// table whose first column names the kind of row (docs/csv.md).
func (p *PeriodReport) Records() (*MachineTable, error) {
	m := newMachine(reportKinds...)
	r := p.Cost
	name := r.Period.Name
	addCostHead(m, r)
	for _, t := range p.Tiers {
		m.add("tiers", name, t.Tier, t.Objective, t.SLOs, t.Met, t.Missed, t.NoData, t.Availability, t.Nines, t.WorstBudgetUsed,
			t.DowntimeMinutes*60, t.Incidents, t.MTTRSeconds, t.MTBFSeconds, t.Coverage, nil, nil, nil, nil, nil, nil, nil)
	}
	for _, t := range p.Tiers {
		addTierCosts(m, name, t)
	}
	addCostBody(m, r)

	loc := timeZone(r.Period.TimeZone)
	if r.Daily != nil {
		for d := range r.Daily {
			state := "no_data"
			var avail, down, lost, inc, total any
			if d.HasData {
				state, avail, down = "ok", d.Availability(), d.DowntimeMinutes*60
			}
			var cur any
			if d.Priced {
				cur = d.Currency
				if d.HasData {
					lost = amount{d.LostRevenue, d.Currency}
				}
				inc, total = amount{d.IncidentCost, d.Currency}, amount{d.LostRevenue + d.IncidentCost, d.Currency}
			}
			m.add("daily", name, d.Service, d.SLO, d.Tier, optTime(d.Date, loc), dayEnd(d.Date, loc), state, d.Coverage, avail, down,
				d.Incidents, cur, lost, inc, total)
		}
	}
	for _, sc := range p.Models {
		mo := sc.Model
		if !mo.Configured() {
			m.add("cost_models", name, sc.Service, sc.Tier, false, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil)
			continue
		}
		c := mo.Currency
		var impacts []string
		for k, v := range mo.Revenue.Impact {
			impacts = append(impacts, k+"="+decimal(v))
		}
		sort.Strings(impacts)
		var perYear any
		if mo.Revenue.PerYear > 0 {
			perYear = amount{mo.Revenue.PerYear, c}
		}
		m.add("cost_models", name, sc.Service, sc.Tier, true, c, perYear, sc.RatePerMinute, mo.Revenue.Share, mo.Revenue.Recovery,
			strings.Join(impacts, ";"), mo.Opportunity.HoursPerIncident, amount{mo.Opportunity.HourlyValue, c},
			amount{mo.SLA.MonthlyContractValue, c}, sc.SLASLO)
		for _, role := range mo.Responders {
			m.add("responders", name, sc.Service, role.Name, role.People, amount{role.HourlyRate, c}, role.HoursPerIncident,
				role.HoursPerOutageHour, c)
		}
		if mo.SLA.MonthlyContractValue > 0 {
			for _, b := range mo.SLA.Credits {
				m.add("sla_bands", name, sc.Service, b.Below, b.Credit)
			}
		}
	}
	return m.table()
}

// describeCSV says what a report written as CSV holds: "1,234 rows, 2026-Q3".
func (p *PeriodReport) describeCSV() string {
	t, err := p.Records()
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s rows, %s", Count(float64(len(t.Rows))), p.Cost.Period.Name)
}
