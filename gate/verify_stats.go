package gate

import "math"

// The statistics of nines verify, from the standard library only: exact
// one-sided tests on counts of bad events, through the binomial tail.

// BinomialTail is P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of
// k or more bad events in n when each is bad with probability p. Counts may
// be fractional (Prometheus's increase() extrapolates); the tail is then the
// regularized incomplete beta function I_p(k, n−k+1), which it equals for
// whole counts. It is 1 for k ≤ 0, and 0 for k > n or p = 0 with k > 0.
func BinomialTail(k, n, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n || p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	return regIncBeta(k, n-k+1, p)
}

// ConditionalTest is the exact one-sided test that events after a deploy fail
// more often than in a baseline: given bad1 of total1 after and bad0 of
// total0 before, under the null hypothesis of one rate for both the bad
// events after are Binomial(bad1+bad0, total1/(total1+total0)), and the
// p-value is the chance of bad1 or more of them. It is the conditional test
// of two Poisson rates with exposures total1 and total0 (Przyborowski and
// Wileński), exact for rare errors where a two-proportion z-test is not.
func ConditionalTest(bad1, total1, bad0, total0 float64) float64 {
	if total1 <= 0 || total0 <= 0 {
		return 1
	}
	return BinomialTail(bad1, bad1+bad0, total1/(total1+total0))
}

// regIncBeta is the regularized incomplete beta function I_x(a, b) for
// a, b > 0 and 0 < x < 1, from its continued fraction, evaluated with the
// modified Lentz method on the side where it converges fast.
func regIncBeta(a, b, x float64) float64 {
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(b, a, 1-x)
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - math.Log(a) - (la + lb - lab))
	return front * betaFraction(a, b, x)
}

// betaFraction is the continued fraction 1/(1+ d1/(1+ d2/(1+ ...))) of
// I_x(a, b), with d(2m+1) = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
// d(2m) = m(b−m)x / ((a+2m−1)(a+2m)).
func betaFraction(a, b, x float64) float64 {
	const (
		tiny = 1e-300
		eps  = 1e-15
		// It converges in about √max(a, b) steps: a million covers
		// counts up to 10¹² events.
		maxSteps = 1_000_000
	)
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	f := d
	for m := 1; m <= maxSteps; m++ {
		fm := float64(m)
		// even step
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		f *= d * c
		// odd step
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		delta := d * c
		f *= delta
		if math.Abs(delta-1) < eps {
			break
		}
	}
	return f
}
