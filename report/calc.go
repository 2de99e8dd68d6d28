package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nines-sre/nines/budget"
)

// CalcResult is the JSON document of `nines calc`: one key is set, by form.
// Its schema is documented in the command's long help; keep the two together.
type CalcResult struct {
	DowntimeTable *CalcDowntimeTable `json:"downtime_table,omitempty"`
	Availability  *CalcAvailability  `json:"availability,omitempty"`
	Composite     *CalcComposite     `json:"composite,omitempty"`
}

// CalcDowntimeTable is the allowed downtime of each objective per period.
type CalcDowntimeTable struct {
	Convention string          `json:"convention"`
	Objectives []CalcObjective `json:"objectives"`
}

// CalcObjective is one objective with its nines and allowed downtime.
type CalcObjective struct {
	Objective        float64      `json:"objective"`
	ObjectivePercent float64      `json:"objective_percent"`
	Nines            *float64     `json:"nines"`
	AllowedDowntime  []CalcPeriod `json:"allowed_downtime"`

	// Text is the objective as the user reads it (99.95%).
	Text string `json:"-"`
}

// CalcPeriod is the downtime an objective allows in one period.
type CalcPeriod struct {
	Period        string  `json:"period"`
	PeriodSeconds float64 `json:"period_seconds"`
	PeriodHuman   string  `json:"period_human"`
	Seconds       float64 `json:"seconds"`
	Human         string  `json:"human"`
}

// CalcAvailability is the availability of a downtime in a window.
type CalcAvailability struct {
	DowntimeSeconds     float64  `json:"downtime_seconds"`
	DowntimeHuman       string   `json:"downtime_human"`
	WindowSeconds       float64  `json:"window_seconds"`
	WindowHuman         string   `json:"window_human"`
	Availability        float64  `json:"availability"`
	AvailabilityPercent float64  `json:"availability_percent"`
	Nines               *float64 `json:"nines"`
}

// CalcComposite is the availability of components in series and in parallel.
type CalcComposite struct {
	Serial   *CalcGroup `json:"serial,omitempty"`
	Parallel *CalcGroup `json:"parallel,omitempty"`
	Combined *CalcGroup `json:"combined,omitempty"`
	Formula  string     `json:"formula"`
}

// CalcGroup is the availability of one group of components.
type CalcGroup struct {
	ComponentsPercent       []float64 `json:"components_percent,omitempty"`
	Availability            float64   `json:"availability"`
	AvailabilityPercent     float64   `json:"availability_percent"`
	Nines                   *float64  `json:"nines"`
	DowntimePerMonthSeconds float64   `json:"downtime_per_month_seconds"`
	DowntimePerMonthHuman   string    `json:"downtime_per_month_human"`

	// Components are the components as the user reads them (99.9%).
	Components []string `json:"-"`
}

// The formulas of the composite form, printed under the table and in JSON.
const (
	SerialFormula   = "Serial: every component must work, A = A1 x A2 x ..."
	ParallelFormula = "Parallel: one component of the redundant group must work, A = 1 - (1 - A1) x (1 - A2) x ..."
	CombinedFormula = "Combined: the redundant group in series with the serial chain, A = A_serial x A_parallel."
	Independence    = "Assumes components fail independently."
)

// Grids implements Tabular: the table of the form computed.
func (r *CalcResult) Grids(GridOptions) []Grid {
	switch {
	case r.DowntimeTable != nil:
		return r.DowntimeTable.grids()
	case r.Availability != nil:
		return r.Availability.grids()
	case r.Composite != nil:
		return r.Composite.grids()
	}
	return nil
}

func (t *CalcDowntimeTable) grids() []Grid {
	notes := []string{t.Convention + "."}
	if len(t.Objectives) == 1 {
		o := t.Objectives[0]
		g := Grid{
			Title:  fmt.Sprintf("Allowed downtime for %s (%s nines)", o.Text, Nines(ninesValue(o.Nines))),
			Header: []string{"period", "length", "allowed downtime", "seconds"},
			Notes:  notes,
		}
		for _, e := range o.AllowedDowntime {
			g.Rows = append(g.Rows, []string{e.Period, e.PeriodHuman, e.Human, secondsText(e.Seconds)})
		}
		return []Grid{g}
	}
	g := Grid{Title: "Allowed downtime", Header: []string{"period", "length"}, Notes: notes}
	nines := []string{"nines", ""}
	for _, o := range t.Objectives {
		g.Header = append(g.Header, o.Text)
		nines = append(nines, Nines(ninesValue(o.Nines)))
	}
	for i, p := range t.Objectives[0].AllowedDowntime {
		row := []string{p.Period, p.PeriodHuman}
		for _, o := range t.Objectives {
			row = append(row, o.AllowedDowntime[i].Human)
		}
		g.Rows = append(g.Rows, row)
	}
	g.Rows = append(g.Rows, nines)
	return []Grid{g}
}

func (a *CalcAvailability) grids() []Grid {
	return []Grid{{
		Title:  fmt.Sprintf("Availability with %s of downtime in %s", a.DowntimeHuman, a.WindowHuman),
		Header: []string{"downtime", "window", "availability", "nines"},
		Rows: [][]string{{
			a.DowntimeHuman, a.WindowHuman, Objective(a.Availability), Nines(ninesValue(a.Nines)),
		}},
	}}
}

func (c *CalcComposite) grids() []Grid {
	g := Grid{
		Title:  "Composite availability",
		Header: []string{"composition", "components", "availability", "nines", "downtime a month"},
	}
	row := func(name, components string, grp *CalcGroup) {
		g.Rows = append(g.Rows, []string{
			name, components, Objective(grp.Availability), Nines(ninesValue(grp.Nines)), grp.DowntimePerMonthHuman,
		})
	}
	if c.Serial != nil {
		row("serial", strings.Join(c.Serial.Components, " x "), c.Serial)
		g.Notes = append(g.Notes, SerialFormula)
	}
	if c.Parallel != nil {
		row("parallel", strings.Join(c.Parallel.Components, " | "), c.Parallel)
		g.Notes = append(g.Notes, ParallelFormula)
	}
	if c.Combined != nil {
		row("combined", "serial x parallel", c.Combined)
		g.Notes = append(g.Notes, CombinedFormula)
	}
	g.Notes = append(g.Notes, Independence+" A month is "+Duration(budget.Month)+" (year/12).")
	return []Grid{g}
}

// secondsText prints seconds to the millisecond, without trailing zeros.
func secondsText(s float64) string {
	return strconv.FormatFloat(math.Round(s*1000)/1000, 'f', -1, 64)
}

func ninesValue(n *float64) float64 {
	if n == nil {
		return math.Inf(1)
	}
	return *n
}
