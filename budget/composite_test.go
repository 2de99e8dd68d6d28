package budget_test

import (
	"math"
	"testing"

	"github.com/nines-sre/nines/budget"
)

// SerialErrorRatio is the complement of Serial, with the digits of small
// ratios kept: 1 − Π(1 − r) by plain products loses them below 1e-12 or so.
func TestSerialAndWeightedErrorRatios(t *testing.T) {
	rs := []float64{0.001, 0.0025, 0.002}
	want := 1 - budget.Serial(1-rs[0], 1-rs[1], 1-rs[2])
	if got := budget.SerialErrorRatio(rs...); math.Abs(got-want) > 1e-15 {
		t.Errorf("SerialErrorRatio = %.17g, want %.17g", got, want)
	}
	// Two parts failing 1e-13 each: 2e-13 − 1e-26, exact to 1e-27 here,
	// while 1 − (1−1e-13)² in float64 is off by about 1e-16.
	if got := budget.SerialErrorRatio(1e-13, 1e-13); math.Abs(got-(2e-13-1e-26)) > 1e-27 {
		t.Errorf("SerialErrorRatio(1e-13, 1e-13) = %.17g, want 2e-13 − 1e-26", got)
	}
	if got := budget.SerialErrorRatio(0.5, 1); got != 1 {
		t.Errorf("a part that always fails: %v, want 1", got)
	}
	if got, ok := budget.WeightedErrorRatio([]float64{10, 50}, []float64{10000, 20000}); !ok || got != 60.0/30000 {
		t.Errorf("WeightedErrorRatio = %v %v, want 0.002", got, ok)
	}
	if _, ok := budget.WeightedErrorRatio([]float64{0}, []float64{0}); ok {
		t.Error("no events must not be a ratio")
	}
}
