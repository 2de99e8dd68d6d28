package report

import (
	"math"
	"strings"
)

// The columns of each form of calc's CSV.
var (
	calcDowntimeColumns     = []string{"objective", "nines", "period", "period_seconds", "allowed_downtime_seconds"}
	calcAvailabilityColumns = []string{"downtime_seconds", "window_seconds", "availability", "nines"}
	calcCompositeColumns    = []string{"composition", "components", "availability", "nines", "downtime_per_month_seconds"}
)

// Records implements Records: the form computed as one table
// (docs/csv.md). Nines are empty for 100% (infinitely many).
func (r *CalcResult) Records() (*MachineTable, error) {
	switch {
	case r.DowntimeTable != nil:
		m := newMachine(rowKind{"allowed_downtime", calcDowntimeColumns})
		for _, o := range r.DowntimeTable.Objectives {
			for _, p := range o.AllowedDowntime {
				m.add("allowed_downtime", o.Objective, o.Nines, p.Period, p.PeriodSeconds, p.Seconds)
			}
		}
		return m.table()
	case r.Availability != nil:
		a := r.Availability
		m := newMachine(rowKind{"availability", calcAvailabilityColumns})
		m.add("availability", a.DowntimeSeconds, a.WindowSeconds, a.Availability, a.Nines)
		return m.table()
	case r.Composite != nil:
		m := newMachine(rowKind{"composite", calcCompositeColumns})
		for _, g := range []struct {
			name string
			grp  *CalcGroup
		}{{"serial", r.Composite.Serial}, {"parallel", r.Composite.Parallel}, {"combined", r.Composite.Combined}} {
			if g.grp == nil {
				continue
			}
			var parts []string
			for _, p := range g.grp.ComponentsPercent {
				// Rounded to 12 decimals: 99.9/100 is 0.9990000000000001.
				parts = append(parts, decimal(math.Round(p*1e10)/1e12))
			}
			m.add("composite", g.name, strings.Join(parts, ";"), g.grp.Availability, g.grp.Nines, g.grp.DowntimePerMonthSeconds)
		}
		return m.table()
	}
	return newMachine(rowKind{"none", nil}).table()
}
