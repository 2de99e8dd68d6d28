package gate_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/slo"
)

// binomialTailBySum is P(X ≥ k) for X ~ Binomial(n, p), summed term by term
// in logs: the definition, for whole counts.
func binomialTailBySum(k, n int, p float64) float64 {
	sum := 0.0
	for i := k; i <= n; i++ {
		ln, _ := math.Lgamma(float64(n + 1))
		li, _ := math.Lgamma(float64(i + 1))
		lni, _ := math.Lgamma(float64(n - i + 1))
		sum += math.Exp(ln - li - lni + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	return sum
}

func TestBinomialTailEqualsTheSumOfItsTerms(t *testing.T) {
	for _, n := range []int{1, 2, 7, 20, 61, 500, 3000} {
		for _, p := range []float64{1e-4, 0.001, 0.0164, 0.3, 0.5, 0.9} {
			for _, k := range []int{1, 2, n / 10, n / 2, n - 1, n} {
				if k < 1 || k > n {
					continue
				}
				want := binomialTailBySum(k, n, p)
				got := gate.BinomialTail(float64(k), float64(n), p)
				// Both are computed in float64 from logs: agree to 1e-9
				// relative, or 1e-300 absolute where the tail underflows.
				if math.Abs(got-want) > 1e-9*want+1e-300 {
					t.Errorf("P(X ≥ %d | n=%d, p=%g) = %g, want %g", k, n, p, got, want)
				}
			}
		}
	}
}

func TestBinomialTailEdges(t *testing.T) {
	for _, tt := range []struct {
		name    string
		k, n, p float64
		want    float64
	}{
		{"no bad events is always as extreme", 0, 100, 0.01, 1},
		{"more bad than total cannot happen", 101, 100, 0.01, 0},
		{"bad events at probability zero cannot happen", 1, 100, 0, 0},
		{"one bad in one at p", 1, 1, 0.25, 0.25},
		{"all bad in n at p is p^n", 3, 3, 0.5, 0.125},
	} {
		if got := gate.BinomialTail(tt.k, tt.n, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: got %g, want %g", tt.name, got, tt.want)
		}
	}
}

func TestConditionalTestOfTwoRates(t *testing.T) {
	// 20 bad in 1,000 after against 30 in 60,000 before: under one rate the
	// 50 bad events fall after with probability 1,000/61,000.
	got := gate.ConditionalTest(20, 1000, 30, 60000)
	want := binomialTailBySum(20, 50, 1000.0/61000)
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("p = %g, want %g", got, want)
	}
	// The same rate on both sides is not significant.
	if p := gate.ConditionalTest(10, 10000, 60, 60000); p < 0.3 {
		t.Errorf("equal rates: p = %g, want well above 0.05", p)
	}
}

func verifySLO() slo.SLO {
	return slo.SLO{Service: "web", Name: "availability", Objective: 0.999, MinEvents: 100,
		Alerts: budget.DefaultAlertWindows(), SLI: slo.SLI{Kind: slo.Events}}
}

func counts(bad, total float64, d time.Duration) gate.VerifyCounts {
	t0 := time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)
	c := gate.VerifyCounts{Start: t0, End: t0.Add(d), Bad: bad, Total: total, Events: true, State: slo.DataOK}
	if total > 0 {
		c.ErrorRatio = bad / total
	} else {
		c.State = slo.NoData
	}
	return c
}

func TestVerifyRules(t *testing.T) {
	base := counts(30, 60000, time.Hour) // 0.05%: burn 0.5
	for _, tt := range []struct {
		name     string
		after    gate.VerifyCounts
		baseline gate.VerifyCounts
		verdict  gate.VerifyVerdict
		rule     gate.VerifyRule
	}{
		{"a burn above the page factor fails", counts(20, 1000, time.Minute), base, gate.VerifyFail, gate.VerifyPageBurn},
		{"too few events is inconclusive even when burning", counts(20, 999, time.Minute), base, gate.VerifyInconclusive, gate.VerifyTooFewEvents},
		{"no events is inconclusive", counts(0, 0, time.Minute), base, gate.VerifyInconclusive, gate.VerifyNoData},
		{"the baseline's rate passes", counts(5, 10000, 10*time.Minute), base, gate.VerifyPass, gate.VerifyHeld},
		// 0.5% after 0.05%: burn 5, below the page factor; both tests reject.
		{"a significant regression above the objective fails", counts(50, 10000, 10*time.Minute), base, gate.VerifyFail, gate.VerifyRegression},
		// 0.09% after 0.05%: worse (p ≈ 0.003) yet within 0.1%.
		{"a regression within the objective passes", counts(27, 30000, 30*time.Minute), base, gate.VerifyPass, gate.VerifyHeld},
		{"burning as before the deploy passes", counts(50, 10000, 10*time.Minute), counts(300, 60000, time.Hour), gate.VerifyPass, gate.VerifyHeld},
		{"without a baseline, above the objective fails", counts(50, 10000, 10*time.Minute), counts(0, 50, time.Hour), gate.VerifyFail, gate.VerifyAboveObjective},
		{"without a baseline, within the objective passes", counts(5, 10000, 10*time.Minute), counts(0, 0, time.Hour), gate.VerifyPass, gate.VerifyHeld},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := gate.Verify(gate.VerifyInput{SLO: verifySLO(), After: tt.after, Baseline: tt.baseline, Confidence: 0.95})
			if r.Verdict != tt.verdict || r.Rule != tt.rule {
				t.Errorf("got %s %s, want %s %s: %s", r.Verdict, r.Rule, tt.verdict, tt.rule, r.Message)
			}
			if r.MinEvents != 1000 {
				t.Errorf("min events %v, want 1000 (1/(1-0.999) over the SLO's 100)", r.MinEvents)
			}
		})
	}
}

func TestVerifyRawSLIFailsOnlyOnAPageBurn(t *testing.T) {
	s := verifySLO()
	s.SLI.Kind = slo.Raw
	raw := func(ratio float64) gate.VerifyCounts {
		c := counts(0, 0, 10*time.Minute)
		c.State, c.ErrorRatio = slo.DataOK, ratio
		c.Events = false
		return c
	}
	if r := gate.Verify(gate.VerifyInput{SLO: s, After: raw(0.02), Confidence: 0.95}); r.Verdict != gate.VerifyFail || r.Rule != gate.VerifyPageBurn {
		t.Errorf("2%% errors: %s %s, want fail page_burn", r.Verdict, r.Rule)
	}
	if r := gate.Verify(gate.VerifyInput{SLO: s, After: raw(0.0001), Confidence: 0.95}); r.Verdict != gate.VerifyInconclusive || r.Rule != gate.VerifyNoCounts {
		t.Errorf("0.01%% errors: %s %s, want inconclusive no_counts", r.Verdict, r.Rule)
	}
}

func TestVerifyMessagesStateTheConfidence(t *testing.T) {
	r := gate.Verify(gate.VerifyInput{SLO: verifySLO(), After: counts(50, 10000, 10*time.Minute),
		Baseline: counts(30, 60000, time.Hour), Confidence: 0.99})
	if !strings.Contains(r.Message, "99% confidence") || !strings.Contains(r.Message, "0.5%") || !strings.Contains(r.Message, "0.05%") {
		t.Errorf("message %q", r.Message)
	}
}

func TestVerifyOverall(t *testing.T) {
	P, F, I := gate.VerifyPass, gate.VerifyFail, gate.VerifyInconclusive
	for _, tt := range []struct {
		in   []gate.VerifyVerdict
		want gate.VerifyVerdict
	}{
		{[]gate.VerifyVerdict{P, P}, P},
		{[]gate.VerifyVerdict{P, I}, I},
		{[]gate.VerifyVerdict{I, F, P}, F},
		{nil, I},
	} {
		if got := gate.VerifyOverall(tt.in); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.in, got, tt.want)
		}
	}
}
