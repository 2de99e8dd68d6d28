package slo

import (
	"fmt"
	"strings"

	"github.com/nines-sre/nines/budget"
)

// Dependency is one item of a service's dependencies: the service works only
// if every item works (serial). An item is another service's SLO (SLO set:
// its objective is the availability counted), an external figure (Name and
// Availability), or a redundant group (AnyOf: it works if any one works).
type Dependency struct {
	// SLO is "service/slo" for a reference to another service's SLO.
	SLO string
	// Name names an external dependency ("mobile network").
	Name string
	// Availability is the item's availability as a ratio (0.999): the
	// external figure, or the referenced SLO's objective once loaded. A
	// group's is budget.Parallel of its members'.
	Availability float64
	// AnyOf are the members of a redundant group.
	AnyOf []Dependency
	// File and Line are where the item is declared.
	File string
	Line int
}

// Label is how the item is named in messages: the SLO, the name, or
// "any of (a, b)".
func (d Dependency) Label() string {
	switch {
	case len(d.AnyOf) > 0:
		parts := make([]string, len(d.AnyOf))
		for i, m := range d.AnyOf {
			parts[i] = m.Label()
		}
		return "any of (" + strings.Join(parts, ", ") + ")"
	case d.SLO != "":
		return d.SLO
	}
	return d.Name
}

// Ceiling is the best availability the item allows: its availability, or
// for a redundant group 1 − Π(1 − aᵢ) of its members.
func (d Dependency) Ceiling() float64 {
	if len(d.AnyOf) == 0 {
		return d.Availability
	}
	as := make([]float64, len(d.AnyOf))
	for i, m := range d.AnyOf {
		as[i] = m.Ceiling()
	}
	return budget.Parallel(as...)
}

// DependencyCeiling is the best availability a service with these
// dependencies can have: budget.Serial of the items' ceilings. ok is false
// without dependencies.
func DependencyCeiling(ds []Dependency) (ceiling float64, ok bool) {
	if len(ds) == 0 {
		return 0, false
	}
	as := make([]float64, len(ds))
	for i, d := range ds {
		as[i] = d.Ceiling()
	}
	return budget.Serial(as...), true
}

// Ceiling is the best availability an SLO can be promised: what its
// composite members' objectives and its service's dependencies allow
// (docs/composites.md).
type Ceiling struct {
	// Availability is the ceiling as a ratio (0.998).
	Availability float64
	// Basis says how it was computed, for the user:
	// "serial of 2 dependencies: payments-gateway/availability 99.9% × mobile network 99.9%".
	Basis string
}

// describeDependencies is the basis of a dependency ceiling.
func describeDependencies(ds []Dependency) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%s %s", d.Label(), percent(d.Ceiling()))
	}
	n := "dependency"
	if len(ds) != 1 {
		n = "dependencies"
	}
	return fmt.Sprintf("serial of %d %s: %s", len(ds), n, strings.Join(parts, " × "))
}

// percent writes a ratio as a percent with the digits it needs: 99.9%,
// 99.8001%.
func percent(r float64) string {
	v := r * 100
	s := fmt.Sprintf("%.6f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// checkDependencies maps a service's dependencies: each item exactly one of
// slo, name with availability, or any_of. References to SLOs are resolved
// later (resolveDependencies), when every service is loaded.
func checkDependencies(c *fileChecker, p path, specs []dependencySpec, inGroup bool) []Dependency {
	if specs != nil && len(specs) == 0 {
		c.addf(p, "empty list: omit it, or list what the service needs")
	}
	out := make([]Dependency, 0, len(specs))
	for i, ds := range specs {
		ip := p.with(i)
		d := Dependency{SLO: strings.TrimSpace(ds.SLO), Name: ds.Name, File: c.file, Line: c.line(ip)}
		kinds := 0
		if ds.SLO != "" {
			kinds++
		}
		if ds.Availability != nil || ds.Name != "" {
			kinds++
		}
		if ds.AnyOf != nil {
			kinds++
		}
		switch {
		case kinds == 0:
			c.addf(ip, "empty item: give slo (service/slo), name with availability, or any_of")
			out = append(out, d) // kept in place: items are resolved by index
			continue
		case kinds > 1:
			c.addf(ip, "give one of slo, name with availability, or any_of, not several")
			// One problem for the item, not a second for its reference.
			d.SLO = ""
			out = append(out, d) // kept in place: items are resolved by index
			continue
		}
		switch {
		case ds.SLO != "":
			svc, name, ok := strings.Cut(d.SLO, "/")
			if !ok || !ValidName(svc) || !ValidName(name) {
				c.addf(ip.with("slo"), "invalid SLO reference %q: write service/slo, such as payments-gateway/availability", ds.SLO)
			}
		case ds.AnyOf != nil:
			if inGroup {
				c.addf(ip.with("any_of"), "an any_of group inside an any_of group: list its members in the outer group")
				out = append(out, d) // kept in place: items are resolved by index
				continue
			}
			if len(ds.AnyOf) < 2 {
				c.addf(ip.with("any_of"), "a redundant group needs at least 2 members, got %d", len(ds.AnyOf))
				out = append(out, d) // kept in place: items are resolved by index
				continue
			}
			d.AnyOf = checkDependencies(c, ip.with("any_of"), ds.AnyOf, true)
		default:
			if ds.Name == "" {
				c.addf(ip.with("name"), "missing: name the external dependency (such as \"mobile network\")")
			}
			switch {
			case ds.Availability == nil:
				c.addf(ip.with("availability"), "missing: the dependency's availability, a percent such as 99.9")
			default:
				d.Availability = checkObjective(c, ip.with("availability"), *ds.Availability)
			}
		}
		out = append(out, d)
	}
	return out
}
