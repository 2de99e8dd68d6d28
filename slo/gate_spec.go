package slo

// The deploy gate's section of the spec: `gate:` in a tier (defaults) and in a
// service file (overrides). Owned by the gate work; load.go calls checkGate.

// gateSpec is the YAML of a gate policy.
type gateSpec struct{}

// GatePolicy is the deploy policy of a tier or service, merged.
type GatePolicy struct{}

// defaultGatePolicy is the policy of a tier that sets none.
func defaultGatePolicy() GatePolicy { return GatePolicy{} }

// checkGate validates a gate section and merges it over inherited.
func checkGate(c *fileChecker, p path, s *gateSpec, inherited GatePolicy) GatePolicy {
	if s == nil {
		return inherited
	}
	return inherited
}
