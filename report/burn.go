package report

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// BurnReport is the JSON document of `nines burn -o json`.
type BurnReport struct {
	At     time.Time   `json:"at"`
	Source string      `json:"source"`
	SLOs   []SLOStatus `json:"slos"`
	// Stats is the cost of the queries sent, with --stats only.
	Stats *QueryStats `json:"stats,omitempty"`
}

// BurnGrid is the burn table: a row per SLO. The narrow table (wide false)
// fits 120 columns: the burn over the 1h window (the rate time to
// exhaustion uses) and the severities firing; the wide one has the budget
// left in minutes, events and money, every window's burn, each firing alert
// and the owner.
func BurnGrid(ss []SLOStatus, wide bool) Grid {
	windows := burnWindows(ss)
	priced := wide && slices.ContainsFunc(ss, func(s SLOStatus) bool { return s.Currency != "" })
	g := Grid{Header: []string{"SERVICE", "SLO", "OBJECTIVE", "WINDOW", "AVAILABILITY", "BUDGET LEFT"}}
	if wide {
		g.Header = append(g.Header, "MINUTES LEFT", "EVENTS LEFT")
	}
	if priced {
		g.Header = append(g.Header, "LEFT IN MONEY")
	}
	var shown []BurnRate
	for _, w := range windows {
		if wide || w.Window == narrowBurnWindow {
			shown = append(shown, w)
			g.Header = append(g.Header, "BURN "+w.Window)
		}
	}
	g.Header = append(g.Header, "EXHAUSTED IN", "ALERTS")
	if wide {
		g.Header = append(g.Header, "OWNER")
	}
	for _, s := range ss {
		row := []string{s.Service, s.SLO, Objective(s.Objective), windowLabel(s)}
		switch s.DataState {
		case ConditionError:
			row = append(row, "error", "-")
			g.Notes = append(g.Notes, s.Error)
		case "ok":
			row = append(row, Percent(*s.Availability, 3), Percent(*s.BudgetLeft, 1))
			for _, a := range s.Assumptions {
				g.Notes = append(g.Notes, fmt.Sprintf("%s/%s: assumed: %s", s.Service, s.SLO, a))
			}
		default:
			row = append(row, strings.ReplaceAll(s.DataState, "_", " "), "-")
			g.Notes = append(g.Notes, fmt.Sprintf("%s/%s: %s: %s", s.Service, s.SLO, strings.ReplaceAll(s.DataState, "_", " "), s.Reason))
		}
		if wide {
			if s.DataState == "ok" {
				row = append(row, minutes(s.BudgetLeftMinutes), count(s.BudgetLeftEvents))
			} else {
				row = append(row, "-", "-")
			}
		}
		if priced {
			row = append(row, budgetMoney(s))
		}
		for _, w := range shown {
			row = append(row, burnCell(s, w.Window))
		}
		if wide {
			row = append(row, exhaustion(s), strings.Join(s.Firing(), ", "), ownerLabel(s.Owner))
		} else {
			row = append(row, exhaustion(s), firingSeverities(s))
		}
		for i, c := range row {
			if c == "" {
				row[i] = "-"
			}
		}
		g.Rows = append(g.Rows, row)
	}
	g.Notes = append(g.Notes, ceilingNotes(ss, wide)...)
	if n := PathNote(ss); n != "" {
		g.Notes = append(g.Notes, n)
	}
	g.Notes = append(g.Notes, AdjustmentNotes(ss)...)
	if !wide && len(ss) > 0 {
		g.Notes = append(g.Notes, "-o wide adds every window's burn, the budget left in minutes, events and money, and the owner.")
	}
	return g
}

// narrowBurnWindow is the one burn window of the narrow burn table: the
// long window of the fastest page alert, whose rate time to exhaustion uses.
const narrowBurnWindow = "1h"

// firingSeverities names the severities of the alerts firing, pages first:
// "page", "ticket", "page+ticket" or "".
func firingSeverities(s SLOStatus) string {
	var out []string
	for _, sev := range []string{"page", "ticket"} {
		if slices.ContainsFunc(s.Alerts, func(a Alert) bool { return a.Firing && a.Severity == sev }) {
			out = append(out, sev)
		}
	}
	return strings.Join(out, "+")
}

// budgetMoney is the budget left in money, or "-".
func budgetMoney(s SLOStatus) string {
	if s.BudgetLeftCost == nil {
		return "-"
	}
	return Money(*s.BudgetLeftCost, s.Currency)
}

func windowLabel(s SLOStatus) string {
	if s.Period != "" {
		return s.Period
	}
	return s.Window
}

func burnCell(s SLOStatus, window string) string {
	for _, b := range s.BurnRates {
		if b.Window == window {
			if b.BurnRate == nil {
				return "no data"
			}
			return Float(*b.BurnRate, 2)
		}
	}
	return "-"
}

func exhaustion(s SLOStatus) string {
	switch {
	case s.DataState != "ok":
		return "-"
	case s.BudgetLeft != nil && *s.BudgetLeft <= 0:
		return "exhausted"
	case s.TimeToExhaustionSeconds == nil:
		return "-"
	}
	return Duration(time.Duration(*s.TimeToExhaustionSeconds * float64(time.Second)))
}

func minutes(m *float64) string {
	if m == nil {
		return "-"
	}
	return Duration(time.Duration(*m * float64(time.Minute)))
}

func count(v *float64) string {
	if v == nil {
		return "-"
	}
	return Count(*v)
}

func ownerLabel(o Owner) string {
	switch {
	case o.Team != "" && o.Contact != "":
		return o.Team + " " + o.Contact
	case o.Team != "":
		return o.Team
	}
	return o.Contact
}

// Grids implements Tabular: the burn table.
func (r *BurnReport) Grids(o GridOptions) []Grid {
	return withStats([]Grid{BurnGrid(r.SLOs, o.Wide)}, r.Stats)
}
