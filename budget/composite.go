package budget

import "math"

// SerialErrorRatio is the error ratio of parts that all must work, each
// failing independently with its error ratio: 1 − Π(1 − rᵢ), the
// complement of Serial of the availabilities. It is computed through
// logarithms so that small ratios keep their digits (1 − 0.999999 is not
// exact in floating point; log1p and expm1 are).
func SerialErrorRatio(ratios ...float64) float64 {
	s := 0.0
	for _, r := range ratios {
		if r >= 1 {
			return 1
		}
		s += math.Log1p(-r)
	}
	return -math.Expm1(s)
}

// WeightedErrorRatio is the error ratio of several event counts pooled:
// Σbad / Σtotal. ok is false when there are no events at all.
func WeightedErrorRatio(bad, total []float64) (ratio float64, ok bool) {
	var b, t float64
	for i := range total {
		b += bad[i]
		t += total[i]
	}
	if t <= 0 {
		return 0, false
	}
	return b / t, true
}
