package slo_test

import (
	"math"
	"testing"

	"github.com/nines-sre/nines/slo"
)

// TestExampleSpecsDeclareTheAdvisorsInputs: the example specs' reliability
// cost curves and dependencies load into the model as written.
func TestExampleSpecsDeclareTheAdvisorsInputs(t *testing.T) {
	cat, err := load("../specs")
	if err != nil {
		t.Fatal(err)
	}
	svc := map[string]slo.Service{}
	for _, s := range cat.Services {
		svc[s.Name] = s
	}
	if c := cat.Tiers["critical"].ReliabilityCost; c.PerYear != 150000 || c.At != 0.999 || c.PerNine != 10 {
		t.Errorf("critical tier curve %+v, want 150,000 at 0.999, x10 per nine", c)
	}
	if c := svc["checkout"].ReliabilityCost; c.PerYear != 150000 {
		t.Errorf("checkout inherits its tier's curve: got %+v", c)
	}
	if ps := svc["payments-gateway"].ReliabilityCost.Points; len(ps) != 3 || ps[0].Objective != 0.999 || ps[2].PerYear != 250000 {
		t.Errorf("payments-gateway points %+v", ps)
	}
	deps := svc["checkout"].Dependencies
	if len(deps) != 1 || len(deps[0].AnyOf) != 2 || deps[0].AnyOf[0].SLO != "payments-gateway/reachability" {
		t.Fatalf("checkout dependencies %+v", deps)
	}
	// Redundant: 1 - (1 - 0.999) x (1 - 0.995) = 1 - 0.000005.
	if a := deps[0].Ceiling(); math.Abs(a-0.999995) > 1e-12 {
		t.Errorf("checkout's any_of: %v, want 0.999995", a)
	}
	if d := svc["search"].Dependencies; len(d) != 1 || d[0].Name != "mobile network" || d[0].Availability != 0.999 {
		t.Errorf("search dependencies %+v", d)
	}
}
