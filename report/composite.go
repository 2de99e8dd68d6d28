package report

import "fmt"

// CompositeStatus is how a composite SLO was combined (docs/composites.md):
// its method and its members measured over the composite's windows.
type CompositeStatus struct {
	// Method is weighted, serial or least_healthy.
	Method  string            `json:"method"`
	Members []CompositeMember `json:"members"`
	// LeastHealthy is, for least_healthy, the member taken over the SLO
	// window.
	LeastHealthy string `json:"least_healthy,omitempty"`
}

// CompositeMember is one member of a composite over the composite's SLO
// window. Null numbers mean no data.
type CompositeMember struct {
	// SLO is "service/slo".
	SLO          string   `json:"slo"`
	Objective    float64  `json:"objective"`
	DataState    string   `json:"data_state"`
	Good         *float64 `json:"good_events"`
	Total        *float64 `json:"total_events"`
	ErrorRatio   *float64 `json:"error_ratio"`
	Availability *float64 `json:"availability"`
	Coverage     *float64 `json:"coverage,omitempty"`
}

// ceilingNotes are the table notes of the composites and of the SLOs with
// a ceiling (what their members and dependencies allow): in the narrow
// table only the objectives above their ceiling, in the wide one every
// ceiling.
func ceilingNotes(ss []SLOStatus, wide bool) []string {
	var out []string
	for _, s := range ss {
		if s.Composite != nil && s.Composite.LeastHealthy != "" {
			out = append(out, fmt.Sprintf("%s/%s: least healthy member %s", s.Service, s.SLO, s.Composite.LeastHealthy))
		}
		if s.Ceiling == nil {
			continue
		}
		above := s.Objective > *s.Ceiling+1e-12
		if !above && !wide {
			continue
		}
		n := fmt.Sprintf("%s/%s: ceiling %s (%s)", s.Service, s.SLO, Objective(*s.Ceiling), s.CeilingBasis)
		if above {
			n += fmt.Sprintf("; the objective %s is above it", Objective(s.Objective))
		}
		out = append(out, n)
	}
	return out
}
