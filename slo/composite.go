package slo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nines-sre/nines/budget"
)

// CompositeMethod is how a composite SLO combines its members.
type CompositeMethod string

// Composite methods (docs/composites.md).
const (
	// MethodWeighted pools the members' events: Σbad / Σtotal.
	MethodWeighted CompositeMethod = "weighted"
	// MethodSerial treats the members as parts that all must work:
	// an error ratio of 1 − Π(1 − rᵢ).
	MethodSerial CompositeMethod = "serial"
	// MethodLeastHealthy takes the member with the highest error ratio.
	MethodLeastHealthy CompositeMethod = "least_healthy"
)

// CompositeSLI is the SLI of a composite SLO: its members, measured over the
// composite's own window and alert windows, and how they combine.
type CompositeSLI struct {
	Method CompositeMethod
	// Refs are the members as "service/slo", in the spec's order.
	Refs []string
	// Members are the member SLOs, in Refs order, as loaded (a member that
	// is a composite has its own members).
	Members []SLO
}

// compositeCeiling is the best availability a composite is promised when
// every member just meets its objective: their product for serial, the
// lowest for least_healthy. A weighted composite has none: its members'
// traffic decides how their objectives mix, and the spec does not know it.
func compositeCeiling(c *CompositeSLI) (Ceiling, bool) {
	if c == nil || len(c.Members) == 0 || c.Method == MethodWeighted {
		return Ceiling{}, false
	}
	objs := make([]float64, len(c.Members))
	parts := make([]string, len(c.Members))
	for i, m := range c.Members {
		objs[i] = m.Objective
		parts[i] = m.ID() + " " + percent(m.Objective)
	}
	if c.Method == MethodSerial {
		return Ceiling{Availability: budget.Serial(objs...), Basis: "serial of its members' objectives: " + strings.Join(parts, " × ")}, true
	}
	return Ceiling{Availability: slices.Min(objs), Basis: "the lowest of its members' objectives: " + strings.Join(parts, ", ")}, true
}

// pendingService is a loaded service whose references (composite members,
// dependencies on SLOs) are resolved once every service is loaded.
type pendingService struct {
	c   *fileChecker
	svc int // index in Catalog.Services
}

// checkComposite maps a composite spec of service svc; its members are
// resolved later (link).
func checkComposite(c *fileChecker, p path, svc string, cs compositeSpec) SLI {
	comp := &CompositeSLI{Method: CompositeMethod(cs.Method)}
	switch comp.Method {
	case MethodWeighted, MethodSerial, MethodLeastHealthy:
	case "":
		c.addf(p.with("method"), "missing: weighted, serial or least_healthy")
	default:
		c.addf(p.with("method"), "invalid method %q: use weighted, serial or least_healthy", cs.Method)
	}
	if len(cs.SLOs) < 2 {
		c.addf(p.with("slos"), "a composite needs at least 2 member SLOs, got %d", len(cs.SLOs))
	}
	seen := map[string]bool{}
	for i, ref := range cs.SLOs {
		ref = strings.TrimSpace(ref)
		id := ref
		if !strings.Contains(ref, "/") {
			id = svc + "/" + ref
		}
		s, n, _ := strings.Cut(id, "/")
		switch {
		case !ValidName(s) || !ValidName(n):
			c.addf(p.with("slos", i), "invalid member %q: name an SLO of this service (availability) or of another (payments-gateway/availability)", ref)
		case seen[id]:
			c.addf(p.with("slos", i), "member %q is listed twice", ref)
		}
		seen[id] = true
		comp.Refs = append(comp.Refs, id)
	}
	return SLI{Kind: Composite, Composite: comp}
}

// link resolves what refers across services once all are loaded: composite
// members (unknown ones, cycles, and weighted members without event counts
// are problems) and dependencies on SLOs; then it sets every SLO's ceiling
// and warns of objectives above it (Catalog.Warnings).
func (l *loader) link() {
	idx := map[string]*SLO{}
	for i := range l.cat.Services {
		for j := range l.cat.Services[i].SLOs {
			s := &l.cat.Services[i].SLOs[j]
			idx[s.ID()] = s
		}
	}
	add := func(c *fileChecker, p path, format string, a ...any) {
		n := len(c.problems)
		c.addf(p, format, a...)
		l.problems = append(l.problems, c.problems[n:]...)
	}
	broken := false
	for _, ps := range l.pending {
		svc := &l.cat.Services[ps.svc]
		for j := range svc.SLOs {
			s := &svc.SLOs[j]
			if s.SLI.Kind != Composite {
				continue
			}
			p := path{"slos", j, "composite", "slos"}
			for k, ref := range s.SLI.Composite.Refs {
				m := idx[ref]
				switch {
				case m == nil:
					add(ps.c, p.with(k), "unknown SLO %q: name an SLO of a loaded service file", ref)
					broken = true
				case len(m.GroupBy) > 0:
					add(ps.c, p.with(k), "member %s is grouped (group_by): its groups are separate SLOs, which a composite cannot name; list a member without group_by", ref)
					broken = true
				case s.SLI.Composite.Method == MethodWeighted && !countsEvents(m):
					add(ps.c, p.with(k), "member %s has no event counts (a %s SLI), which a weighted composite pools: use serial or least_healthy", ref, sliKindLabel(m))
					broken = true
				}
			}
			if cyc := cycle(idx, s.ID()); cyc != nil {
				add(ps.c, p, "composite SLOs form a cycle: %s", strings.Join(cyc, " → "))
				broken = true
			}
		}
		for k := range svc.Dependencies {
			l.resolveDependency(ps.c, path{"dependencies", k}, svc.Name, &svc.Dependencies[k], idx, add)
		}
	}
	if broken {
		return
	}
	for _, s := range idx {
		if c := s.SLI.Composite; c != nil {
			c.Members = make([]SLO, len(c.Refs))
			for k, ref := range c.Refs {
				c.Members[k] = *idx[ref]
			}
		}
	}
	// Members copied above share their composite's pointer, so nested
	// members are complete; ceilings need only the objectives.
	for _, ps := range l.pending {
		svc := &l.cat.Services[ps.svc]
		dep, hasDep := DependencyCeiling(svc.Dependencies)
		for j := range svc.SLOs {
			s := &svc.SLOs[j]
			var best *Ceiling
			if cc, ok := compositeCeiling(s.SLI.Composite); ok {
				best = &cc
			}
			if hasDep && (best == nil || dep < best.Availability) {
				best = &Ceiling{Availability: dep, Basis: describeDependencies(svc.Dependencies)}
			}
			s.Ceiling = best
			if best != nil && s.Objective > best.Availability+1e-12 {
				p := path{"slos", j, "objective"}
				l.cat.Warnings = append(l.cat.Warnings, Problem{File: ps.c.file, Line: ps.c.line(p), Field: p.String(),
					Message: fmt.Sprintf("objective %s is above the ceiling of %s (%s): it can be missed while everything it rests on meets its own; lower the objective, or make what it rests on better (an any_of group for redundancy)",
						percent(s.Objective), percent(best.Availability), best.Basis)})
			}
		}
	}
	sortProblems(l.cat.Warnings)
}

// resolveDependency sets the availability of a dependency on an SLO to the
// SLO's objective.
func (l *loader) resolveDependency(c *fileChecker, p path, svc string, d *Dependency, idx map[string]*SLO, add func(*fileChecker, path, string, ...any)) {
	for k := range d.AnyOf {
		l.resolveDependency(c, p.with("any_of", k), svc, &d.AnyOf[k], idx, add)
	}
	if d.SLO == "" {
		return
	}
	ref, ok := idx[d.SLO]
	switch {
	case !ok:
		add(c, p.with("slo"), "unknown SLO %q: name an SLO of a loaded service file (service/slo)", d.SLO)
	case ref.Service == svc:
		add(c, p.with("slo"), "%q is this service's own SLO: dependencies are what the service needs from others", d.SLO)
	default:
		d.Availability = ref.Objective
	}
}

// countsEvents reports whether s measures event counts that can be pooled:
// an events, latency or probe SLI, or a weighted composite.
func countsEvents(s *SLO) bool {
	switch s.SLI.Kind {
	case Raw:
		return false
	case Composite:
		return s.SLI.Composite.Method == MethodWeighted
	}
	return true
}

func sliKindLabel(s *SLO) string {
	if s.SLI.Kind == Composite {
		return string(s.SLI.Composite.Method) + " composite"
	}
	return string(s.SLI.Kind)
}

// cycle finds a path of composite members from id back to itself, or nil.
func cycle(idx map[string]*SLO, id string) []string {
	var stack []string
	done := map[string]bool{}
	var visit func(cur string) bool
	visit = func(cur string) bool {
		stack = append(stack, cur)
		s := idx[cur]
		if s != nil && s.SLI.Composite != nil {
			for _, ref := range s.SLI.Composite.Refs {
				if ref == id {
					stack = append(stack, ref)
					return true
				}
				if !done[ref] && !slices.Contains(stack, ref) && visit(ref) {
					return true
				}
			}
		}
		done[cur] = true
		stack = stack[:len(stack)-1]
		return false
	}
	if visit(id) {
		return stack
	}
	return nil
}

// isComposite reports whether s is a composite SLO.
func isComposite(s SLO) bool { return s.SLI.Kind == Composite && s.SLI.Composite != nil }

// measured is slos without the composites, which have no queries of their
// own.
func measured(slos []SLO) []SLO {
	if !slices.ContainsFunc(slos, isComposite) {
		return slos
	}
	return slices.DeleteFunc(slices.Clone(slos), isComposite)
}
