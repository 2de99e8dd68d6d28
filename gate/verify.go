package gate

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// VerifyVerdict is what nines verify says about a deploy, per SLO and
// overall.
type VerifyVerdict string

// Verify verdicts.
const (
	// VerifyPass: enough events, and the deploy's error ratio is not
	// shown, at the confidence asked for, to be both worse than the
	// baseline and above what the objective allows.
	VerifyPass VerifyVerdict = "pass"
	// VerifyFail: it is; or the burn rate since the deploy is above the
	// factor of the tier's fastest page alert.
	VerifyFail VerifyVerdict = "fail"
	// VerifyInconclusive: too few events (or none, or no counts, or the
	// source failed) to say.
	VerifyInconclusive VerifyVerdict = "inconclusive"
)

// VerifyRule names why an SLO got its verdict. Rules are stable
// identifiers: they appear in JSON output and audit logs.
type VerifyRule string

// Verify rules.
const (
	// VerifyPageBurn: the burn rate since the deploy is above the factor of
	// the fastest page alert (fail, whatever the test says).
	VerifyPageBurn VerifyRule = "page_burn"
	// VerifyRegression: the error ratio since the deploy is significantly
	// higher than the baseline's and than the objective allows (fail).
	VerifyRegression VerifyRule = "regression"
	// VerifyAboveObjective: without a usable baseline, the error ratio
	// since the deploy is significantly above what the objective allows
	// (fail).
	VerifyAboveObjective VerifyRule = "above_objective"
	// VerifyHeld: neither (pass).
	VerifyHeld VerifyRule = "held"
	// VerifyTooFewEvents: fewer events since the deploy than the minimum
	// (inconclusive).
	VerifyTooFewEvents VerifyRule = "too_few_events"
	// VerifyNoData: no events, or no series, since the deploy
	// (inconclusive).
	VerifyNoData VerifyRule = "no_data"
	// VerifyNoCounts: a raw SLI gives a ratio without counts: no test is
	// possible (inconclusive unless it burns above the page factor).
	VerifyNoCounts VerifyRule = "no_counts"
	// VerifyEvaluationError: the SLO could not be evaluated
	// (inconclusive).
	VerifyEvaluationError VerifyRule = "evaluation_error"
)

// MaxBurnHeld is the burn rate since the deploy that a regression must
// significantly exceed to fail: 1 is the rate at which the error budget
// lasts exactly the SLO window. A deploy that makes errors more frequent
// but keeps them within the objective holds its SLO.
const MaxBurnHeld = 1.0

// VerifyCounts is one window's measurement: bad and total events (Events
// false for a raw SLI, which has a ratio only).
type VerifyCounts struct {
	Start, End time.Time
	Bad, Total float64
	ErrorRatio float64
	Events     bool
	State      slo.DataState
	Reason     string
	Err        string
}

// VerifyInput is one SLO to verify: its measurement since the deploy, its
// baseline's, and the test's parameters.
type VerifyInput struct {
	SLO      slo.SLO
	After    VerifyCounts
	Baseline VerifyCounts
	// Confidence is the test's confidence, in (0, 1): 0.95.
	Confidence float64
	// MinEvents is the minimum of events since the deploy (and in the
	// baseline, to use it); 0 means DefaultMinEvents.
	MinEvents float64
}

// VerifyResult is the verdict on one SLO and what it rests on.
type VerifyResult struct {
	Verdict VerifyVerdict
	Rule    VerifyRule
	Message string
	// MinEvents is the minimum applied.
	MinEvents float64
	// Burn is the burn rate since the deploy; HasBurn false without data.
	Burn    float64
	HasBurn bool
	// BaselineUsed: the baseline had enough events to test against.
	BaselineUsed bool
	// PValue is the conditional test's against the baseline; ObjectivePValue
	// the binomial test's against MaxBurnHeld × (1 − objective). NaN when
	// not computed.
	PValue, ObjectivePValue float64
	// RateRatio is the error ratio since the deploy over the baseline's
	// (+Inf when the baseline had no errors, NaN when not computed).
	RateRatio float64
	// Page is the fastest page alert, whose factor fails a deploy; HasPage
	// false when the SLO has no page alert.
	Page    budget.AlertWindow
	HasPage bool
	// Exceeds are the alerts whose factor the burn since the deploy is
	// above.
	Exceeds []budget.AlertWindow
}

// DefaultMinEvents is the minimum of events since a deploy for a verdict:
// the SLO's min_events, and at least 1/(1 − objective), the events in which
// the objective allows one error (1,000 for 99.9%). Fewer cannot tell a
// burn at a page alert's factor from chance.
func DefaultMinEvents(s slo.SLO) float64 {
	n := s.MinEvents
	if s.Objective < 1 {
		n = math.Max(n, math.Ceil(1/(1-s.Objective)-1e-9))
	}
	return n
}

// FastestPage is the SLO's page alert with the shortest long window: the
// one that pages first on a sudden regression.
func FastestPage(alerts []budget.AlertWindow) (budget.AlertWindow, bool) {
	var best budget.AlertWindow
	found := false
	for _, a := range alerts {
		if a.Severity != budget.Page {
			continue
		}
		if !found || a.Long < best.Long || (a.Long == best.Long && a.Factor > best.Factor) {
			best, found = a, true
		}
	}
	return best, found
}

// Verify decides whether a deploy held one SLO. The rules, in order: an
// evaluation error, no data, or (for SLIs with counts) fewer events than
// the minimum since the deploy are inconclusive; a burn rate since the
// deploy above the fastest page alert's factor fails; then, at the
// confidence asked for, the deploy fails when its error ratio is both
// higher than the baseline's (the conditional test; skipped when the
// baseline has fewer events than the minimum) and higher than the
// objective allows (MaxBurnHeld); otherwise it passes. A raw SLI, with no
// counts to test, fails on the page burn only and is otherwise
// inconclusive.
func Verify(in VerifyInput) VerifyResult {
	s := in.SLO
	r := VerifyResult{MinEvents: in.MinEvents, PValue: math.NaN(), ObjectivePValue: math.NaN(), RateRatio: math.NaN()}
	if r.MinEvents <= 0 {
		r.MinEvents = DefaultMinEvents(s)
	}
	alpha := 1 - in.Confidence
	r.Page, r.HasPage = FastestPage(s.Alerts)
	a, b := in.After, in.Baseline
	allowed := 1 - s.Objective
	set := func(v VerifyVerdict, rule VerifyRule, format string, args ...any) VerifyResult {
		r.Verdict, r.Rule, r.Message = v, rule, fmt.Sprintf(format, args...)
		return r
	}
	switch {
	case a.Err != "":
		return set(VerifyInconclusive, VerifyEvaluationError, "could not be evaluated since the deploy: %s", a.Err)
	case a.State == slo.NoData:
		reason := a.Reason
		if reason == "" {
			reason = "no events"
		}
		return set(VerifyInconclusive, VerifyNoData, "no data since the deploy (%s)", reason)
	}
	if allowed > 0 {
		r.Burn, r.HasBurn = a.ErrorRatio/allowed, true
		for _, w := range s.Alerts {
			if r.Burn > w.Factor {
				r.Exceeds = append(r.Exceeds, w)
			}
		}
	}
	pageBurn := r.HasBurn && r.HasPage && r.Burn > r.Page.Factor
	r.BaselineUsed = a.Events && b.Err == "" && b.State != slo.NoData && b.Events && b.Total >= r.MinEvents
	since := fmtDur(a.End.Sub(a.Start))
	if !a.Events {
		if pageBurn {
			return set(VerifyFail, VerifyPageBurn, "burn rate %sx over the %s since the deploy, above the %s alert's factor of %sx (a raw SLI: no counts)",
				num(r.Burn), since, AlertName(budget.AlertState{AlertWindow: r.Page}), num(r.Page.Factor))
		}
		return set(VerifyInconclusive, VerifyNoCounts, "a raw SLI has no event counts to test: error ratio %s since the deploy (burn %sx)",
			epct(a.ErrorRatio), num(r.Burn))
	}
	if a.Total < r.MinEvents {
		what := ""
		if pageBurn {
			what = fmt.Sprintf("; so far it burns %sx, above the page factor of %sx", num(r.Burn), num(r.Page.Factor))
		}
		return set(VerifyInconclusive, VerifyTooFewEvents, "%s events in the %s since the deploy, fewer than the minimum of %s%s",
			count(a.Total), since, count(r.MinEvents), what)
	}
	held := math.Min(MaxBurnHeld*allowed, 1)
	r.ObjectivePValue = BinomialTail(a.Bad, a.Total, held)
	aboveObjective := r.ObjectivePValue < alpha
	conf := epct(in.Confidence)
	baseRatio := math.NaN()
	if r.BaselineUsed {
		r.PValue = ConditionalTest(a.Bad, a.Total, b.Bad, b.Total)
		baseRatio = b.Bad / b.Total
		if baseRatio > 0 {
			r.RateRatio = a.ErrorRatio / baseRatio
		} else if a.ErrorRatio > 0 {
			r.RateRatio = math.Inf(1)
		}
	}
	if pageBurn {
		before := ""
		if r.BaselineUsed {
			before = fmt.Sprintf("; the baseline burned %sx (%s)", num(baseRatio/allowed), pval(r.PValue))
		}
		return set(VerifyFail, VerifyPageBurn, "burn rate %sx over the %s since the deploy (%s of %s events bad), above the %s alert's factor of %sx%s",
			num(r.Burn), since, count(a.Bad), count(a.Total), AlertName(budget.AlertState{AlertWindow: r.Page}), num(r.Page.Factor), before)
	}
	if !r.BaselineUsed {
		why := "no data"
		switch {
		case b.Err != "":
			why = "could not be evaluated"
		case b.State != slo.NoData && b.Events:
			why = fmt.Sprintf("%s events, fewer than %s", count(b.Total), count(r.MinEvents))
		}
		if aboveObjective {
			return set(VerifyFail, VerifyAboveObjective, "error ratio %s since the deploy (%s of %s), above the objective's %s at %s confidence (%s); the baseline is not used: %s",
				epct(a.ErrorRatio), count(a.Bad), count(a.Total), epct(allowed), conf, pval(r.ObjectivePValue), why)
		}
		return set(VerifyPass, VerifyHeld, "error ratio %s since the deploy (%s of %s, burn %sx): not above the objective's %s at %s confidence (%s); the baseline is not used: %s",
			epct(a.ErrorRatio), count(a.Bad), count(a.Total), num(r.Burn), epct(allowed), conf, pval(r.ObjectivePValue), why)
	}
	worse := r.PValue < alpha
	cmp := fmt.Sprintf("error ratio %s since the deploy (%s of %s, burn %sx) against %s in the baseline (%s of %s)",
		epct(a.ErrorRatio), count(a.Bad), count(a.Total), num(r.Burn), epct(baseRatio), count(b.Bad), count(b.Total))
	switch {
	case worse && aboveObjective:
		return set(VerifyFail, VerifyRegression, "%s: higher than the baseline (%s) and than the objective's %s (%s) at %s confidence",
			cmp, pval(r.PValue), epct(allowed), pval(r.ObjectivePValue), conf)
	case worse:
		return set(VerifyPass, VerifyHeld, "%s: higher than the baseline (%s) but not above the objective's %s at %s confidence (%s)",
			cmp, pval(r.PValue), epct(allowed), conf, pval(r.ObjectivePValue))
	case aboveObjective:
		return set(VerifyPass, VerifyHeld, "%s: above the objective's %s (%s) as before the deploy, not higher than the baseline at %s confidence (%s)",
			cmp, epct(allowed), pval(r.ObjectivePValue), conf, pval(r.PValue))
	}
	return set(VerifyPass, VerifyHeld, "%s: not higher at %s confidence (%s)", cmp, conf, pval(r.PValue))
}

// VerifyOverall is the verdict of a deploy from its SLOs': any fail fails,
// else any inconclusive is inconclusive, else it passes. No SLO is
// inconclusive.
func VerifyOverall(vs []VerifyVerdict) VerifyVerdict {
	out := VerifyInconclusive
	if len(vs) > 0 {
		out = VerifyPass
	}
	for _, v := range vs {
		switch {
		case v == VerifyFail:
			return VerifyFail
		case v == VerifyInconclusive:
			out = VerifyInconclusive
		}
	}
	return out
}

// count is a number of events: whole, or, when increase() extrapolated a
// fraction, with two decimals below 100 and rounded above.
func count(v float64) string {
	if (v == math.Trunc(v) && math.Abs(v) < 1e15) || math.Abs(v) >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// epct is an error ratio (or a confidence) as a percent with three
// significant digits: 0.05%, 2%, 95%.
func epct(ratio float64) string {
	if !finite(ratio) {
		return "n/a"
	}
	return strconv.FormatFloat(ratio*100, 'g', 3, 64) + "%"
}

// pval is a p-value with two significant digits: "p = 0.034", "p < 0.0001".
func pval(p float64) string {
	if p < 1e-4 {
		return "p < 0.0001"
	}
	return fmt.Sprintf("p = %.2g", p)
}

// fmtDur is a duration as 15m, 1h30m.
func fmtDur(d time.Duration) string {
	return slo.PromQLDuration(d)
}
