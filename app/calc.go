package app

import (
	"math"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/report"
)

// CalcRequest is one form of the nines arithmetic: Objectives, or Downtime
// in Window, or Serial and Parallel components. Availabilities are ratios
// (99.95% is 0.9995).
type CalcRequest struct {
	Objectives []float64
	Downtime   time.Duration
	Window     time.Duration
	Serial     []float64
	Parallel   []float64
}

// Calc does the nines arithmetic of the form req gives: the downtime each
// objective allows per period, the availability of a downtime in a window,
// or composite availability.
func Calc(req CalcRequest) *report.CalcResult {
	switch {
	case len(req.Objectives) > 0:
		return &report.CalcResult{DowntimeTable: downtimeTable(req.Objectives)}
	case len(req.Serial) > 0 || len(req.Parallel) > 0:
		return &report.CalcResult{Composite: composite(req.Serial, req.Parallel)}
	default:
		return &report.CalcResult{Availability: availabilityFromDowntime(req.Downtime, req.Window)}
	}
}

func downtimeTable(objectives []float64) *report.CalcDowntimeTable {
	t := &report.CalcDowntimeTable{Convention: budget.Convention}
	for _, o := range objectives {
		j := report.CalcObjective{
			Objective:        o,
			ObjectivePercent: percentOf(o),
			Nines:            finiteNines(budget.Nines(o)),
			Text:             report.Objective(o),
		}
		for _, p := range budget.Periods() {
			d := budget.AllowedDowntime(o, p.Length)
			j.AllowedDowntime = append(j.AllowedDowntime, report.CalcPeriod{
				Period:        p.Name,
				PeriodSeconds: seconds(p.Length),
				PeriodHuman:   report.Duration(p.Length),
				Seconds:       seconds(d),
				Human:         report.Duration(d),
			})
		}
		t.Objectives = append(t.Objectives, j)
	}
	return t
}

func availabilityFromDowntime(downtime, window time.Duration) *report.CalcAvailability {
	a := budget.AvailabilityFromDowntime(downtime, window)
	return &report.CalcAvailability{
		DowntimeSeconds:     seconds(downtime),
		DowntimeHuman:       report.Duration(downtime),
		WindowSeconds:       seconds(window),
		WindowHuman:         report.Duration(window),
		Availability:        a,
		AvailabilityPercent: percentOf(a),
		Nines:               finiteNines(budget.Nines(a)),
	}
}

func composite(serial, parallel []float64) *report.CalcComposite {
	c := &report.CalcComposite{}
	var formulas []string
	if len(serial) > 0 {
		c.Serial = newCalcGroup(serial, budget.Serial(serial...))
		formulas = append(formulas, report.SerialFormula)
	}
	if len(parallel) > 0 {
		c.Parallel = newCalcGroup(parallel, budget.Parallel(parallel...))
		formulas = append(formulas, report.ParallelFormula)
	}
	if c.Serial != nil && c.Parallel != nil {
		c.Combined = newCalcGroup(nil, budget.Serial(c.Serial.Availability, c.Parallel.Availability))
		formulas = append(formulas, report.CombinedFormula)
	}
	c.Formula = strings.Join(append(formulas, report.Independence), " ")
	return c
}

func newCalcGroup(components []float64, a float64) *report.CalcGroup {
	g := &report.CalcGroup{
		Availability:        a,
		AvailabilityPercent: percentOf(a),
		Nines:               finiteNines(budget.Nines(a)),
	}
	for _, c := range components {
		g.ComponentsPercent = append(g.ComponentsPercent, percentOf(c))
		g.Components = append(g.Components, report.Objective(c))
	}
	d := budget.AllowedDowntime(a, budget.Month)
	g.DowntimePerMonthSeconds, g.DowntimePerMonthHuman = seconds(d), report.Duration(d)
	return g
}

// percentOf turns a ratio into a percent without float noise in the JSON:
// 0.9995 x 100 is 99.94999999999999; rounded to 9 decimals it is 99.95.
func percentOf(ratio float64) float64 {
	return math.Round(ratio*100*1e9) / 1e9
}

// seconds is d in seconds, as the float64 nearest to the exact quotient.
func seconds(d time.Duration) float64 {
	return float64(d) / float64(time.Second)
}

// finiteNines is a count of nines for JSON, rounded to 6 decimals (so 99.9%
// is 3, not 2.9999999999999996); nil for 100% availability (+Inf), which
// JSON cannot carry.
func finiteNines(n float64) *float64 {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		return nil
	}
	n = math.Round(n*1e6) / 1e6
	return &n
}
