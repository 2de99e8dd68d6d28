package report

import "strings"

// adviceColumns are the columns of advise's CSV: one row per SLO and
// candidate objective, the SLO's inputs repeated on each.
var adviceColumns = []string{
	"service", "slo", "tier", "currency", "current_objective",
	"achieved_mean", "achieved_min", "achieved_max", "achieved_coverage", "periods_with_data",
	"ceiling", "ceiling_formula", "sla_floor", "incident_downtime_seconds", "incident_duration_seconds", "incidents_assumed",
	"objective", "is_current", "is_recommended", "eligible", "effective_availability",
	"downtime_seconds", "downtime_formula", "incidents", "incidents_formula",
	"downtime_cost", "downtime_cost_formula", "labor", "labor_formula",
	"sla_credits", "sla_credits_formula", "reliability_cost", "reliability_cost_formula",
	"total", "total_formula", "flags", "recommended", "change",
}

// Records implements Records: a row per SLO and candidate (docs/csv.md).
// Amounts are per year; flags are joined with "; ".
func (a *Advice) Records() (*MachineTable, error) {
	m := newMachine(rowKind{"advice", adviceColumns})
	for _, s := range a.SLOs {
		var ceiling, ceilingFormula any
		if s.Ceiling != nil {
			ceiling, ceilingFormula = s.Ceiling.Availability, s.Ceiling.Formula
		}
		for _, c := range s.Candidates {
			var rel, relFormula any
			if c.ReliabilityCost != nil {
				rel, relFormula = amount{c.ReliabilityCost.Value, s.Currency}, c.ReliabilityCost.Formula
			}
			m.add("advice", s.Service, s.SLO, s.Tier, s.Currency, s.Objective,
				s.Achieved.Mean, s.Achieved.Min, s.Achieved.Max, s.Achieved.Coverage, s.Achieved.PeriodsWithData,
				ceiling, ceilingFormula, s.SLAFloor, s.Incident.DowntimeMinutes*60, s.Incident.DurationSeconds, s.Incident.Assumed,
				c.Objective, c.Current, c.Recommended, c.Eligible, c.EffectiveAvailability,
				c.DowntimeMinutes.Value*60, c.DowntimeMinutes.Formula, c.Incidents.Value, c.Incidents.Formula,
				amount{c.DowntimeCost.Value, s.Currency}, c.DowntimeCost.Formula, amount{c.Labor.Value, s.Currency}, c.Labor.Formula,
				amount{c.SLACredits.Value, s.Currency}, c.SLACredits.Formula, rel, relFormula,
				amount{c.Total.Value, s.Currency}, c.Total.Formula, strings.Join(c.Flags, "; "), s.Recommended, s.Change)
		}
	}
	return m.table()
}
