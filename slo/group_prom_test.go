package slo_test

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// TestGroupedSLOEqualsPerGroupTruth evaluates checkout's availability
// grouped by region (internal/scenario Regions: eu and us with different
// outages, ap without error series) on a real Prometheus: one SLO per
// region, whose every window equals that region's exact counts, from one
// query per window and query kind.
func TestGroupedSLOEqualsPerGroupTruth(t *testing.T) {
	data, truth, err := scenario.Regions()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range scenario.RegionsSpecs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{CheckQuery: prom.CheckQuery, Rewriter: prom.PromQL{}})
	if err != nil {
		t.Fatal(err)
	}
	slos := cat.Services[0].SLOs
	if len(slos) != 1 || !slices.Equal(slos[0].GroupBy, []string{"region"}) {
		t.Fatalf("loaded %+v, want one SLO grouped by region", slos)
	}
	h := serveHTTP(t, promtest.Start(t, data).URL)
	src := &batching{counting: counting{q: h}}
	evals := slo.Evaluate(t.Context(), src, slos, slo.EvalOptions{At: scenario.At})

	var ids []string
	for _, e := range evals {
		ids = append(ids, e.SLO.ID())
	}
	want := []string{`checkout/availability{region="ap"}`, `checkout/availability{region="eu"}`, `checkout/availability{region="us"}`}
	if !slices.Equal(ids, want) {
		t.Fatalf("evaluated %q, want %q", ids, want)
	}
	for _, e := range evals {
		id := e.SLO.ID()
		if e.Err != nil || e.SLI.State != slo.DataOK {
			t.Fatalf("%s: %v, %s", id, e.Err, e.SLI.State)
		}
		if e.SLO.Group["region"] == "" || e.SLO.Base != "availability" {
			t.Errorf("%s: group %v, base %q", id, e.SLO.Group, e.SLO.Base)
		}
		for _, m := range append([]slo.Measurement{e.SLI}, e.Burn...) {
			bad, total := truth[id].Window(m.Window)
			// Samples fall on both ends of every range, so increase() is
			// exact; Measurement.Bad is ErrorRatio × Total, which may round
			// in the last bits (1e-12 relative).
			if m.Total != total || math.Abs(m.Bad-bad) > 1e-12*max(bad, 1) {
				t.Errorf("%s over %s: %v bad of %v, truth %v of %v", id, slo.PromQLDuration(m.Window), m.Bad, m.Total, bad, total)
			}
		}
		bad, total := truth[id].Window(7 * budget.Day)
		used := bad / total / (1 - 0.999)
		if math.Abs(e.Status.BudgetUsed-used) > 1e-9*used {
			t.Errorf("%s: budget used %v, truth %v", id, e.Status.BudgetUsed, used)
		}
	}
	// The outages differ: eu's spent its budget, us's little, ap's none.
	if eu, us, ap := evals[1].Status.BudgetUsed, evals[2].Status.BudgetUsed, evals[0].Status.BudgetUsed; !(eu > 1 && us > 0 && us < 0.2 && ap == 0) {
		t.Errorf("budget used eu %v, us %v, ap %v: want eu above 1, us a little, ap none", eu, us, ap)
	}
	// One query finds the groups; then per window one bad and one total
	// query for all three (8 windows: the 7d SLO window and the default
	// alerts' 7), and one coverage query.
	if n := src.n.Load(); n != 18 {
		t.Errorf("%d queries, want 18", n)
	}

	// Beside SLOs and a composite evaluated in the same call, the groups
	// stay in the grouped SLO's place and the others keep theirs: shop's
	// eu and us SLOs read the same series as the eu and us groups, and its
	// weighted composite pools them.
	shopDir := t.TempDir()
	for name, body := range map[string]string{
		"tiers.yaml":    scenario.RegionsSpecs["tiers.yaml"],
		"checkout.yaml": scenario.RegionsSpecs["checkout.yaml"],
		"shop.yaml": `version: nines/v1
service: shop
tier: gold
slos:
  - name: eu
    sli:
      events:
        bad: sum(increase(checkout_requests_total{region="eu",code=~"5.."}[{{.window}}]))
        total: sum(increase(checkout_requests_total{region="eu"}[{{.window}}]))
  - name: us
    sli:
      events:
        bad: sum(increase(checkout_requests_total{region="us",code=~"5.."}[{{.window}}]))
        total: sum(increase(checkout_requests_total{region="us"}[{{.window}}]))
  - name: both
    composite: {method: weighted, slos: [eu, us]}
`,
	} {
		if err := os.WriteFile(filepath.Join(shopDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shopCat, err := slo.Load([]string{shopDir}, slo.LoadOptions{CheckQuery: prom.CheckQuery, Rewriter: prom.PromQL{}})
	if err != nil {
		t.Fatal(err)
	}
	var fleet []slo.SLO
	for _, svc := range shopCat.Services {
		fleet = append(fleet, svc.SLOs...)
	}
	mixed := slo.Evaluate(t.Context(), src, fleet, slo.EvalOptions{At: scenario.At})
	ids = ids[:0]
	for _, e := range mixed {
		ids = append(ids, e.SLO.ID())
	}
	if want := append(want[:3:3], "shop/eu", "shop/us", "shop/both"); !slices.Equal(ids, want) {
		t.Fatalf("evaluated %q, want %q", ids, want)
	}
	euBad, euTotal := truth[`checkout/availability{region="eu"}`].Window(7 * budget.Day)
	usBad, usTotal := truth[`checkout/availability{region="us"}`].Window(7 * budget.Day)
	for _, c := range []struct {
		e          slo.Evaluation
		bad, total float64
	}{{mixed[3], euBad, euTotal}, {mixed[4], usBad, usTotal}, {mixed[5], euBad + usBad, euTotal + usTotal}} {
		// Exact counts (samples on both ends); the ratio's division may
		// round in the last bits.
		if c.e.SLI.Total != c.total || math.Abs(c.e.SLI.ErrorRatio-c.bad/c.total) > 1e-12 {
			t.Errorf("%s: %v of %v (ratio %v), truth %v of %v", c.e.SLO.ID(), c.e.SLI.Bad, c.e.SLI.Total, c.e.SLI.ErrorRatio, c.bad, c.total)
		}
	}

	// The cap: more groups than max_groups is an evaluation error.
	capped := slos[0]
	capped.MaxGroups = 2
	got := slo.Evaluate(t.Context(), src, []slo.SLO{capped}, slo.EvalOptions{At: scenario.At})
	if len(got) != 1 || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "3 groups by region over its window, more than max_groups (2)") {
		t.Errorf("capped at 2: %d evaluations, error %v", len(got), got[0].Err)
	}
	// A source that reads no PromQL cannot find the groups: an error, not
	// the whole SLO measured as if ungrouped.
	plain := slo.Evaluate(t.Context(), &counting{q: h}, slos, slo.EvalOptions{At: scenario.At})
	if len(plain) != 1 || plain[0].Err == nil || !strings.Contains(plain[0].Err.Error(), "cannot rewrite PromQL") {
		t.Errorf("without a rewriter: %+v", plain)
	}
}
