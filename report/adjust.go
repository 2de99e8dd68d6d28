package report

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Adjustment is one interval a budget adjustment excluded from an SLO
// window (docs/adjustments.md): an occurrence of a one-off or recurring
// adjustment, clipped to the window, and the events taken out.
type Adjustment struct {
	Reason string    `json:"reason"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	// ExcludedEvents and ExcludedBadEvents are the events (all, and bad)
	// of the interval taken out of the window's.
	ExcludedEvents    *float64 `json:"excluded_events"`
	ExcludedBadEvents *float64 `json:"excluded_bad_events"`
}

// RawBudget is an adjusted SLO's figures with every event counted: the
// budget before the adjustments, beside the adjusted one.
type RawBudget struct {
	// DataState is ok, no_data or insufficient_data.
	DataState         string   `json:"data_state"`
	Good              *float64 `json:"good_events"`
	Total             *float64 `json:"total_events"`
	ErrorRatio        *float64 `json:"error_ratio"`
	Availability      *float64 `json:"availability"`
	BudgetUsed        *float64 `json:"budget_used"`
	BudgetLeft        *float64 `json:"budget_left"`
	BudgetLeftMinutes *float64 `json:"budget_left_minutes"`
	BudgetLeftEvents  *float64 `json:"budget_left_events"`
	// DowntimeMinutes is the raw error ratio x the measured minutes (cost
	// and report only).
	DowntimeMinutes *float64 `json:"downtime_minutes,omitempty"`
}

// AdjustmentNotes are the lines under a table that name the adjustments
// applied to each SLO and its raw budget beside the adjusted one.
func AdjustmentNotes(ss []SLOStatus) []string {
	var out []string
	for _, s := range ss {
		if len(s.Adjustments) == 0 {
			continue
		}
		out = append(out, s.Service+"/"+s.SLO+": "+AdjustmentLine(s.Adjustments, s.BudgetLeft, s.Raw))
	}
	return out
}

// AdjustmentLine says what adjustments did to one SLO: "budget left 80.0%
// adjusted, 12.5% raw; excluded: weekly maintenance 4 intervals from
// 2026-10-04 00:00 to 2026-10-25 02:00Z (12,000 events)".
func AdjustmentLine(as []Adjustment, left *float64, raw *RawBudget) string {
	var b strings.Builder
	if left != nil && raw != nil && raw.BudgetLeft != nil {
		fmt.Fprintf(&b, "budget left %s adjusted, %s raw; ", Percent(*left, 1), Percent(*raw.BudgetLeft, 1))
	}
	b.WriteString("excluded: ")
	// The occurrences of one recurring adjustment are one entry: the
	// JSON has each.
	type group struct {
		reason     string
		start, end time.Time
		n          int
		events     *float64
	}
	var gs []group
	idx := map[string]int{}
	for _, a := range as {
		i, ok := idx[a.Reason]
		if !ok {
			i = len(gs)
			idx[a.Reason] = i
			gs = append(gs, group{reason: a.Reason, start: a.Start, end: a.End})
		}
		g := &gs[i]
		g.n++
		g.end = a.End
		if a.ExcludedEvents != nil {
			v := *a.ExcludedEvents
			if g.events != nil {
				v += *g.events
			}
			g.events = &v
		}
	}
	for i, g := range gs {
		if i > 0 {
			b.WriteString("; ")
		}
		end := g.end.UTC().Format("2006-01-02 15:04Z")
		if g.end.UTC().Format(time.DateOnly) == g.start.UTC().Format(time.DateOnly) {
			end = g.end.UTC().Format("15:04Z")
		}
		b.WriteString(g.reason + " ")
		if g.n > 1 {
			fmt.Fprintf(&b, "%d intervals from ", g.n)
		}
		fmt.Fprintf(&b, "%s to %s", g.start.UTC().Format("2006-01-02 15:04"), end)
		if g.events != nil {
			fmt.Fprintf(&b, " (%s events)", count(g.events))
		}
	}
	return b.String()
}

// costAdjustmentNotes name the adjustments applied to each SLO of a cost
// report, with its raw availability beside the adjusted one.
func costAdjustmentNotes(r *CostReport) []string {
	var out []string
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			if len(o.Adjustments) == 0 {
				continue
			}
			line := s.Service + "/" + o.SLO + ": "
			if o.Availability != nil && o.Raw != nil && o.Raw.Availability != nil {
				line += fmt.Sprintf("availability %s adjusted, %s raw; ", Percent(*o.Availability, 3), Percent(*o.Raw.Availability, 3))
			}
			out = append(out, line+AdjustmentLine(o.Adjustments, nil, nil))
		}
	}
	return out
}

// adjustmentColumns are the columns every CSV row of an SLO ends with
// (docs/csv.md): its raw figures beside the adjusted ones, and the reasons
// of the adjustments applied, empty when none.
var adjustmentColumns = []string{"raw_error_ratio", "raw_availability", "raw_budget_left_ratio", "adjustments"}

// adjustmentValues are an SLO's values in adjustmentColumns.
func adjustmentValues(as []Adjustment, raw *RawBudget) []any {
	if raw == nil {
		return []any{nil, nil, nil, AdjustmentReasons(as)}
	}
	return []any{raw.ErrorRatio, raw.Availability, raw.BudgetLeft, AdjustmentReasons(as)}
}

// AdjustmentReasons are the reasons of the adjustments applied, each once
// in the order first applied, joined with "; "; empty when none.
func AdjustmentReasons(as []Adjustment) string {
	var out []string
	for _, a := range as {
		if !slices.Contains(out, a.Reason) {
			out = append(out, a.Reason)
		}
	}
	return strings.Join(out, "; ")
}

// summaryAdjustmentNotes name the adjustments applied to each SLO of a
// summary, with its raw availability beside the adjusted one.
func summaryAdjustmentNotes(s *Summary) []string {
	var out []string
	for _, svc := range s.Services {
		for _, o := range svc.SLOs {
			if len(o.Adjustments) == 0 {
				continue
			}
			line := "Adjusted " + svc.Service + "/" + o.SLO + ": "
			if o.Achieved != nil && o.Raw != nil && o.Raw.Availability != nil {
				line += fmt.Sprintf("achieved %s adjusted, %s raw; ", Percent(*o.Achieved, 3), Percent(*o.Raw.Availability, 3))
			}
			out = append(out, line+AdjustmentLine(o.Adjustments, nil, nil))
		}
	}
	return out
}
