package slo

import (
	"math"
	"sort"
	"strconv"
)

// The reliability cost curve of a tier or service: what it costs per year
// to run at an objective, for `nines advise` (docs/advise.md).
//
//	reliability_cost:            # one of the two forms
//	  per_year: 120000           # the cost of running at `at`, in cost.currency
//	  at: 99.9                   # percent
//	  per_nine: 10               # the multiplier per extra nine (at least 1)
//
//	reliability_cost:
//	  points:                    # explicit figures, at least two
//	    - {objective: 99.9, per_year: 120000}
//	    - {objective: 99.99, per_year: 900000}
//
// A service's reliability_cost replaces its tier's whole.

// ReliabilityCost is a reliability cost curve: the yearly cost of running
// at an objective. Either PerYear at At with PerNine per extra nine, or
// Points; the zero value declares nothing.
type ReliabilityCost struct {
	// PerYear is the yearly cost at At (a ratio such as 0.999).
	PerYear float64
	At      float64
	// PerNine multiplies the cost for each nine above At (and divides it
	// for each nine below).
	PerNine float64
	// Points are explicit figures, objectives ascending.
	Points []CostPoint
	// File and Line say where the curve is declared.
	File string
	Line int
}

// CostPoint is the yearly cost of running at one objective (a ratio).
type CostPoint struct {
	Objective float64
	PerYear   float64
}

// Declared reports whether a curve is declared.
func (r ReliabilityCost) Declared() bool { return r.PerYear > 0 || len(r.Points) > 0 }

type reliabilityCostSpec struct {
	PerYear *float64        `yaml:"per_year"`
	At      *float64        `yaml:"at"`
	PerNine *float64        `yaml:"per_nine"`
	Points  []costPointSpec `yaml:"points"`
}

type costPointSpec struct {
	Objective *float64 `yaml:"objective"`
	PerYear   *float64 `yaml:"per_year"`
}

// checkReliabilityCost validates a reliability_cost section at p; it
// replaces inherited when given. currency is the cost model's currency,
// which the amounts are in.
func checkReliabilityCost(c *fileChecker, p path, s *reliabilityCostSpec, inherited ReliabilityCost, currency string) ReliabilityCost {
	if s == nil {
		return inherited
	}
	out := ReliabilityCost{File: c.file, Line: c.line(p)}
	anchor := s.PerYear != nil || s.At != nil || s.PerNine != nil
	switch {
	case anchor && s.Points != nil:
		c.addf(p.with("points"), "give per_year, at and per_nine, or points, not both")
		return out
	case s.Points != nil:
		if len(s.Points) < 2 {
			c.addf(p.with("points"), "give at least two points, such as {objective: 99.9, per_year: 120000} and {objective: 99.99, per_year: 900000}")
			return out
		}
		for i, ps := range s.Points {
			pp := p.with("points", i)
			if ps.Objective == nil {
				c.addf(pp.with("objective"), "missing: the objective percent the cost is for (such as 99.9)")
				continue
			}
			if ps.PerYear == nil {
				c.addf(pp.with("per_year"), "missing: the yearly cost of running at %s%%", strconv.FormatFloat(*ps.Objective, 'g', -1, 64))
				continue
			}
			o := checkObjective(c, pp.with("objective"), *ps.Objective)
			v := checkPositiveAmount(c, pp.with("per_year"), *ps.PerYear)
			for _, q := range out.Points {
				if q.Objective == o && o > 0 {
					c.addf(pp.with("objective"), "duplicate point at %s%%", strconv.FormatFloat(*ps.Objective, 'g', -1, 64))
				}
			}
			out.Points = append(out.Points, CostPoint{Objective: o, PerYear: v})
		}
		sort.SliceStable(out.Points, func(i, j int) bool { return out.Points[i].Objective < out.Points[j].Objective })
		for i := 1; i < len(out.Points); i++ {
			if out.Points[i].PerYear < out.Points[i-1].PerYear {
				c.addf(p.with("points"), "the cost must not fall as the objective rises: %s%% costs less than %s%%",
					strconv.FormatFloat(out.Points[i].Objective*100, 'g', -1, 64), strconv.FormatFloat(out.Points[i-1].Objective*100, 'g', -1, 64))
				break
			}
		}
	default:
		if s.PerYear == nil {
			c.addf(p.with("per_year"), "missing: the yearly cost of running at `at` (or give points)")
		} else {
			out.PerYear = checkPositiveAmount(c, p.with("per_year"), *s.PerYear)
		}
		if s.At == nil {
			c.addf(p.with("at"), "missing: the objective percent per_year is the cost of (such as 99.9)")
		} else {
			out.At = checkObjective(c, p.with("at"), *s.At)
		}
		if s.PerNine == nil {
			c.addf(p.with("per_nine"), "missing: the multiplier per extra nine (such as 10)")
		} else if v := *s.PerNine; math.IsNaN(v) || math.IsInf(v, 0) || v < 1 {
			c.addf(p.with("per_nine"), "must be a number of at least 1 (an extra nine never costs less), got %v", v)
		} else {
			out.PerNine = v
		}
	}
	if currency == "" {
		c.addf(p, "no currency: set cost.currency, which the reliability cost is in")
	}
	return out
}

// checkPositiveAmount checks a finite number above zero.
func checkPositiveAmount(c *fileChecker, p path, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		c.addf(p, "must be a number above 0, got %v", v)
		return 0
	}
	return v
}
