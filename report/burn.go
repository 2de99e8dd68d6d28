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
}

// BurnGrid is the burn table: a row per SLO.
func BurnGrid(ss []SLOStatus) Grid {
	windows := burnWindows(ss)
	g := Grid{Header: []string{"SERVICE", "SLO", "OBJECTIVE", "WINDOW", "AVAILABILITY", "BUDGET LEFT", "MINUTES LEFT", "EVENTS LEFT"}}
	priced := slices.ContainsFunc(ss, func(s SLOStatus) bool { return s.Currency != "" })
	if priced {
		g.Header = append(g.Header, "LEFT IN MONEY")
	}
	for _, w := range windows {
		g.Header = append(g.Header, "BURN "+w.Window)
	}
	g.Header = append(g.Header, "EXHAUSTED IN", "ALERTS", "OWNER")
	for _, s := range ss {
		row := []string{s.Service, s.SLO, Objective(s.Objective), windowLabel(s)}
		switch s.DataState {
		case ConditionError:
			row = append(row, "error", "-", "-", "-")
			g.Notes = append(g.Notes, s.Error)
		case "ok":
			row = append(row, Percent(*s.Availability, 3), Percent(*s.BudgetLeft, 1), minutes(s.BudgetLeftMinutes), count(s.BudgetLeftEvents))
		default:
			row = append(row, strings.ReplaceAll(s.DataState, "_", " "), "-", "-", "-")
			g.Notes = append(g.Notes, fmt.Sprintf("%s/%s: %s: %s", s.Service, s.SLO, strings.ReplaceAll(s.DataState, "_", " "), s.Reason))
		}
		if priced {
			row = append(row, budgetMoney(s))
		}
		for _, w := range windows {
			row = append(row, burnCell(s, w.Window))
		}
		row = append(row, exhaustion(s), strings.Join(s.Firing(), ", "), ownerLabel(s.Owner))
		for i, c := range row {
			if c == "" {
				row[i] = "-"
			}
		}
		g.Rows = append(g.Rows, row)
	}
	return g
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
func (r *BurnReport) Grids(GridOptions) []Grid { return []Grid{BurnGrid(r.SLOs)} }
