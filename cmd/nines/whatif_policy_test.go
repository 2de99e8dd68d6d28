package main

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/nines-sre/nines/report"
)

// The what-if prices a window as nines cost prices an interval: under the
// tier's incident policy (critical: 15 minutes or 20% of a budget) a short,
// partial window is a blip with no labor or opportunity, a long one an
// incident with both. Checkout's availability SLO has a 30-day budget of
// 0.0005 x 43,200 = 21.6 minutes.
func TestWhatIfFollowsTheIncidentPolicy(t *testing.T) {
	for _, c := range []struct {
		window, ratio string
		spent         float64 // 0.5 and 0.16 bad minutes of 21.6
		blip          bool
	}{
		{"5m", "0.1", 0.5 / 21.6, true},     // 5 minutes, 2.3% of the budget
		{"16m", "0.01", 0.16 / 21.6, false}, // long enough, though it spends 0.7%
		{"5m", "1", 5 / 21.6, false},        // short, but 23% of the budget
	} {
		args := append([]string{"cost", "--service", "checkout", "--what-if", c.window, "--error-ratio", c.ratio, "-o", "json"}, demoArgs...)
		code, out, errOut := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		var r report.WhatIfReport
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		// The spent share is the same arithmetic in float64.
		if r.Blip != c.blip || math.Abs(r.BudgetSpent-c.spent) > 1e-9 {
			t.Errorf("%s at %s: blip %v, budget spent %v; want %v, %v", c.window, c.ratio, r.Blip, r.BudgetSpent, c.blip, c.spent)
		}
		if r.Cost == nil {
			t.Fatalf("%s at %s: no cost", c.window, c.ratio)
		}
		fixed := r.Cost.Labor + r.Cost.Opportunity
		if c.blip != (fixed == 0) || r.Cost.LostRevenue <= 0 {
			t.Errorf("%s at %s: labor %v, opportunity %v, lost revenue %v (blip %v)", c.window, c.ratio, r.Cost.Labor, r.Cost.Opportunity, r.Cost.LostRevenue, c.blip)
		}
	}
}
