package slo

import (
	"fmt"
	"math"
	"strings"
)

// Dependency is one item of a service's dependencies: the service works
// only if all of them work (serially). Exactly one form is set: SLO (another
// service's SLO, "service/slo", whose objective is its availability), Name
// with Availability (an external figure), or AnyOf (redundant: works if any
// one works).
//
//	dependencies:
//	  - slo: payments-gateway/availability
//	  - name: mobile network
//	    availability: 99.9
//	  - any_of:
//	      - {name: region-a, availability: 99.9}
//	      - {name: region-b, availability: 99.9}
type Dependency struct {
	SLO          string
	Name         string
	Availability float64 // ratio; set with Name
	AnyOf        []Dependency
	// Line is the line of the item in its service file.
	Line int
}

// String names the dependency: the SLO, the name, or "any of (a, b)".
func (d Dependency) String() string {
	switch {
	case d.SLO != "":
		return d.SLO
	case len(d.AnyOf) > 0:
		parts := make([]string, len(d.AnyOf))
		for i, a := range d.AnyOf {
			parts[i] = a.String()
		}
		return "any of (" + strings.Join(parts, ", ") + ")"
	}
	return d.Name
}

type dependencySpec struct {
	SLO          string           `yaml:"slo"`
	Name         string           `yaml:"name"`
	Availability *float64         `yaml:"availability"`
	AnyOf        []dependencySpec `yaml:"any_of"`
}

// checkDependencies validates a service's dependencies at p.
func checkDependencies(c *fileChecker, p path, specs []dependencySpec, nested bool) []Dependency {
	var out []Dependency
	for i, s := range specs {
		dp := p.with(i)
		d := Dependency{Line: c.line(dp), SLO: s.SLO, Name: s.Name}
		forms := 0
		if s.SLO != "" {
			forms++
		}
		if s.Availability != nil || s.Name != "" {
			forms++
		}
		if s.AnyOf != nil {
			forms++
		}
		switch {
		case forms != 1:
			c.addf(dp, "give exactly one of slo, name with availability, or any_of")
			continue
		case s.SLO != "":
			svc, name, ok := strings.Cut(s.SLO, "/")
			if !ok || !ValidName(svc) || !ValidName(name) {
				c.addf(dp.with("slo"), "must name another service's SLO as service/slo, got %q", s.SLO)
				continue
			}
		case s.AnyOf != nil:
			if nested {
				c.addf(dp.with("any_of"), "any_of cannot be nested")
				continue
			}
			if len(s.AnyOf) < 2 {
				c.addf(dp.with("any_of"), "give at least two redundant items")
				continue
			}
			d.AnyOf = checkDependencies(c, dp.with("any_of"), s.AnyOf, true)
		default:
			if s.Name == "" {
				c.addf(dp.with("name"), "missing: name the external dependency (such as mobile network)")
			}
			if s.Availability == nil {
				c.addf(dp.with("availability"), "missing: its availability percent (such as 99.9)")
				continue
			}
			if v := *s.Availability; math.IsNaN(v) || v <= 0 || v > 100 {
				c.addf(dp.with("availability"), "must be a percent above 0 and at most 100, got %s", fmt.Sprint(v))
				continue
			}
			d.Availability = math.Round(*s.Availability*1e10) / 1e12
		}
		out = append(out, d)
	}
	return out
}

// dependencyRefProblems checks that every dependency naming an SLO names
// one the catalog defines, and not the service's own.
func dependencyRefProblems(cat *Catalog) []Problem {
	known := map[string]bool{}
	for _, s := range cat.Services {
		for _, o := range s.SLOs {
			known[o.ID()] = true
		}
	}
	var out []Problem
	var walk func(svc Service, field string, ds []Dependency)
	walk = func(svc Service, field string, ds []Dependency) {
		for i, d := range ds {
			f := fmt.Sprintf("%s[%d]", field, i)
			switch {
			case len(d.AnyOf) > 0:
				walk(svc, f+".any_of", d.AnyOf)
			case d.SLO == "":
			case strings.HasPrefix(d.SLO, svc.Name+"/"):
				out = append(out, Problem{File: svc.File, Line: d.Line, Field: f + ".slo", Message: fmt.Sprintf("%q is this service's own SLO: a dependency is another service's", d.SLO)})
			case !known[d.SLO]:
				out = append(out, Problem{File: svc.File, Line: d.Line, Field: f + ".slo", Message: fmt.Sprintf("unknown SLO %q: no service file defines it", d.SLO)})
			}
		}
	}
	for _, s := range cat.Services {
		walk(s, "dependencies", s.Dependencies)
	}
	return out
}

// DependencyAvailability is the availability of one dependency under cat:
// the named SLO's objective, the stated figure, or for AnyOf
// 1 - Π(1 - aᵢ). ok is false when an SLO it names is unknown.
func DependencyAvailability(cat *Catalog, d Dependency) (float64, bool) {
	switch {
	case len(d.AnyOf) > 0:
		down := 1.0
		for _, a := range d.AnyOf {
			v, ok := DependencyAvailability(cat, a)
			if !ok {
				return 0, false
			}
			down *= 1 - v
		}
		return 1 - down, true
	case d.SLO != "":
		for _, s := range cat.Services {
			for _, o := range s.SLOs {
				if o.ID() == d.SLO {
					return o.Objective, true
				}
			}
		}
		return 0, false
	}
	return d.Availability, true
}
