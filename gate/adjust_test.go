package gate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/slo"
)

// The gate decides on the adjusted budget: an SLO whose raw budget is
// spent (which blocks) but whose adjusted one is 70% left is allowed,
// with a budget_adjusted reason naming the interval and the raw budget.
func TestDecideOnTheAdjustedBudget(t *testing.T) {
	avail := sloNamed("availability", slo.NoDataBlock)
	mig := slo.AppliedAdjustment{Reason: "migration", Start: at.Add(-3 * time.Hour), End: at.Add(-time.Hour), ExcludedEvents: 2000, ExcludedBad: 480}
	raw := ok(avail, -4)
	adjusted := ok(avail, 0.7)
	adjusted.Adjusted = &slo.Adjusted{Applied: []slo.AppliedAdjustment{mig}, RawSLI: slo.Measurement{State: slo.DataOK}}
	adjusted.Adjusted.RawStatus.BudgetLeft = -4

	decide := func(e slo.Evaluation) gate.Decision {
		return gate.Decide(gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{e}, Service: service(slo.DefaultGatePolicy()),
			ChangeType: slo.ChangeNormal, At: at, ID: "id-1"})
	}
	if d := decide(raw); d.Verdict != gate.Block {
		t.Fatalf("raw budget spent: verdict %s (%s), want block", d.Verdict, reasonsOf(d))
	}
	d := decide(adjusted)
	if d.Verdict != gate.Allow || reasonsOf(d) != "allow within_policy availability, allow budget_adjusted availability" {
		t.Fatalf("adjusted: verdict %s (%s), want allow within_policy and budget_adjusted", d.Verdict, reasonsOf(d))
	}
	msg := d.Reasons[1].Message
	for _, want := range []string{"70.0% left", "-400.0% raw", "migration 2026-09-08T09:00:00Z to 2026-09-08T11:00:00Z"} {
		if !strings.Contains(msg, want) {
			t.Errorf("budget_adjusted reason %q lacks %q", msg, want)
		}
	}
	o := d.SLOs[0]
	if o.BudgetLeft != 0.7 || !o.HasRawBudget || o.RawBudgetLeft != -4 || len(o.Adjustments) != 1 || o.Adjustments[0] != mig {
		t.Errorf("observation %+v: want the adjusted budget, the raw one and the interval", o)
	}
}
