package app

import "github.com/nines-sre/nines/slo"

// scanGroups are the groups each grouped SLO's evaluation found, by the
// grouped SLO's ID, for the incident scan to measure each group on its own
// (slo.ScanOptions.Groups).
func scanGroups(evals []slo.Evaluation) map[string][]map[string]string {
	var out map[string][]map[string]string
	for _, e := range evals {
		if e.SLO.Group == nil {
			continue
		}
		if out == nil {
			out = map[string][]map[string]string{}
		}
		id := e.SLO.Service + "/" + e.SLO.Base
		out[id] = append(out[id], e.SLO.Group)
	}
	return out
}
