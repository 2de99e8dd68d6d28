package report

import (
	"slices"
	"strings"
)

// machineBurnWindows are the burn-rate columns every burn CSV has: the
// windows of the SRE Workbook alerts (budget.DefaultAlertWindows). A custom
// alert policy adds a column burn_rate_<window> for each other window, after
// these.
var machineBurnWindows = []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}

// burnColumns are the columns of a burn CSV before the burn rates ...
var burnColumns = []string{"service", "slo", "tier", "sli_kind", "objective", "window", "period", "window_start", "at",
	"data_state", "condition", "coverage", "good_events", "total_events", "error_ratio", "availability", "nines",
	"budget_used_ratio", "budget_left_ratio", "budget_left_seconds", "budget_left_events", "currency", "budget_left_cost"}

// ... and after them.
var burnTailColumns = []string{"exhausted", "exhausted_in_seconds", "page_firing", "ticket_firing", "firing_alerts",
	"owner_team", "owner_contact", "reason", "error"}

// burnRateColumns are the burn-rate windows of a burn CSV: the default ones,
// then any other window of ss, shortest first.
func burnRateColumns(ss []SLOStatus) []string {
	out := slices.Clone(machineBurnWindows)
	for _, b := range burnWindows(ss) {
		if !slices.Contains(out, b.Window) {
			out = append(out, b.Window)
		}
	}
	return out
}

// Records implements Records: a row per SLO (docs/csv.md).
func (r *BurnReport) Records() (*MachineTable, error) {
	windows := burnRateColumns(r.SLOs)
	cols := slices.Clone(burnColumns)
	for _, w := range windows {
		cols = append(cols, "burn_rate_"+w)
	}
	cols = append(cols, burnTailColumns...)
	cols = append(cols, adjustmentColumns...)
	cols = append(cols, "path")
	if r.Stats != nil {
		cols = append(cols, statsColumns...)
	}
	m := newMachine(rowKind{"slos", cols})
	for _, s := range r.SLOs {
		row := burnRow(s, windows)
		if r.Stats != nil {
			row = append(row, statsValues(r.Stats.costOf(s.Service, s.SLO))...)
		}
		m.add("slos", row...)
	}
	return m.table()
}

// burnRow is an SLO's values in the columns of a burn CSV.
func burnRow(s SLOStatus, windows []string) []any {
	ok := s.DataState == "ok"
	var exhausted, page, ticket any
	if ok {
		exhausted = s.BudgetLeft != nil && *s.BudgetLeft <= 0
		page, ticket = severityFiring(s, "page"), severityFiring(s, "ticket")
	}
	row := []any{s.Service, s.SLO, s.Tier, s.Kind, s.Objective, s.Window, s.Period, optTime(s.WindowStart, s.At.Location()), optTime(s.At, s.At.Location()),
		s.DataState, s.Condition, s.Coverage, s.Good, s.Total, s.ErrorRatio, s.Availability, s.Nines,
		s.BudgetUsed, s.BudgetLeft, minutesAsSeconds(s.BudgetLeftMinutes), s.BudgetLeftEvents, s.Currency, optAmount(s.BudgetLeftCost, s.Currency)}
	for _, w := range windows {
		row = append(row, burnRateOf(s, w))
	}
	row = append(row, exhausted, s.TimeToExhaustionSeconds, page, ticket, strings.Join(s.Firing(), ";"),
		s.Owner.Team, s.Owner.Contact, s.Reason, s.Error)
	row = append(row, adjustmentValues(s.Adjustments, s.Raw)...)
	return append(row, s.Path)
}

// severityFiring is whether an alert of severity fires for s.
func severityFiring(s SLOStatus, severity string) bool {
	return slices.ContainsFunc(s.Alerts, func(a Alert) bool { return a.Firing && a.Severity == severity })
}

// burnRateOf is s's burn rate over window, or nil without one.
func burnRateOf(s SLOStatus, window string) *float64 {
	for _, b := range s.BurnRates {
		if b.Window == window {
			return b.BurnRate
		}
	}
	return nil
}

// statusColumns are the columns of a status CSV.
var statusColumns = []string{"service", "tier", "service_status", "slo", "condition", "data_state", "objective", "window", "period", "at",
	"availability", "budget_left_ratio", "burn_rate_1h", "exhausted", "exhausted_in_seconds", "page_firing", "ticket_firing",
	"firing_alerts", "owner_team", "owner_contact"}

// Records implements Records: a row per SLO, with its service's status
// (docs/csv.md).
func (r *StatusReport) Records() (*MachineTable, error) {
	cols := append(slices.Clip(statusColumns), adjustmentColumns...)
	cols = append(cols, "path")
	var stats func(service, slo string) []any
	if r.Stats != nil {
		cols = append(cols, statsColumns...)
		stats = func(service, slo string) []any { return statsValues(r.Stats.costOf(service, slo)) }
	} else {
		stats = func(string, string) []any { return nil }
	}
	m := newMachine(rowKind{"slos", cols})
	for _, svc := range r.Services {
		if len(svc.SLOs) == 0 {
			row := []any{svc.Service, svc.Tier, svc.Status, nil, nil, nil, nil, nil, nil, optTime(r.At, r.At.Location()),
				nil, nil, nil, nil, nil, nil, nil, nil, svc.Owner.Team, svc.Owner.Contact, nil, nil, nil, nil, nil}
			if r.Stats != nil {
				row = append(row, make([]any, len(statsColumns))...)
			}
			m.add("slos", row...)
			continue
		}
		for _, s := range svc.SLOs {
			var exhausted, page, ticket any
			if s.DataState == "ok" {
				exhausted = s.BudgetLeft != nil && *s.BudgetLeft <= 0
				page, ticket = severityFiring(s, "page"), severityFiring(s, "ticket")
			}
			row := []any{svc.Service, svc.Tier, svc.Status, s.SLO, s.Condition, s.DataState, s.Objective, s.Window, s.Period,
				optTime(s.At, s.At.Location()), s.Availability, s.BudgetLeft, burnRateOf(s, narrowBurnWindow), exhausted,
				s.TimeToExhaustionSeconds, page, ticket, strings.Join(s.Firing(), ";"), svc.Owner.Team, svc.Owner.Contact}
			row = append(row, adjustmentValues(s.Adjustments, s.Raw)...)
			row = append(row, s.Path)
			m.add("slos", append(row, stats(s.Service, s.SLO)...)...)
		}
	}
	return m.table()
}
