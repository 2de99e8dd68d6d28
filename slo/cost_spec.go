package slo

// The cost model's section of the spec: `cost:` in a tier (defaults) and in a
// service file (overrides). Owned by the cost work; load.go calls checkCost.

// costSpec is the YAML of a cost model.
type costSpec struct{}

// CostModel is the cost model of a tier or service, merged.
type CostModel struct{}

// checkCost validates a cost section and merges it over inherited.
func checkCost(c *fileChecker, p path, s *costSpec, inherited CostModel) CostModel {
	if s == nil {
		return inherited
	}
	return inherited
}
