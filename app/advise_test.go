package app_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// adviceCatalog loads a tier and a service "shop" (one SLO at objective)
// whose revenue, curve and dependencies are given as YAML fragments.
func adviceCatalog(t *testing.T, objective, revenuePerYear float64, curve, deps string) *slo.Catalog {
	t.Helper()
	dir := t.TempDir()
	tiers := fmt.Sprintf(`version: nines/v1
tiers:
  web:
    objective: %v
    cost:
      currency: EUR
      revenue: {per_year: %v, recovery: 30}
      responders:
        - {role: engineering, people: 2, rate: 100, hours_per_incident: 1, hours_per_outage_hour: 1}
      opportunity: {hours_per_incident: 4, hourly_value: 100}
%s`, objective, revenuePerYear, curve)
	svc := `version: nines/v1
service: shop
tier: web
` + deps + `
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(errors_total[{{.window}}]))
        total: sum(increase(requests_total[{{.window}}]))
`
	for name, body := range map[string]string{"tiers.yaml": tiers, "shop.yaml": svc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// adviceQuarter is a priced quarter of shop: the SLO at availability, with
// full coverage, and one incident of 40 downtime-equivalent minutes.
func adviceQuarter(availability float64) *report.CostReport {
	start := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	mins := end.Sub(start).Minutes()
	dt := (1 - availability) * mins
	return &report.CostReport{
		Period: report.PeriodInfo{Name: "2026-Q3", Start: start, End: end, MeasuredTo: end, Minutes: mins},
		Services: []report.ServiceCost{{Service: "shop", Tier: "web", Currency: "EUR", SLOs: []report.SLOCost{{
			SLO: "availability", DataState: string(slo.DataOK), Availability: f64(availability), Coverage: 1, DowntimeMinutes: f64(dt),
		}}}},
		Incidents: []report.IncidentCost{{Service: "shop", DowntimeMinutes: 40, DurationSeconds: 3600}},
	}
}

func candidate(t *testing.T, a report.SLOAdvice, objective float64) report.AdviceOption {
	t.Helper()
	for _, c := range a.Candidates {
		if math.Abs(c.Objective-objective) < 1e-9 {
			return c
		}
	}
	t.Fatalf("no candidate %v", objective)
	return report.AdviceOption{}
}

func hasFlag(c report.AdviceOption, f string) bool {
	for _, x := range c.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// TestAdviceFlagsObjectivesAboveTheSerialCeiling: two serial dependencies
// of 99.9% and 99.95% allow 99.9% x 99.95% = 99.85005%; every candidate
// above it is flagged, and priced at the ceiling's downtime.
func TestAdviceFlagsObjectivesAboveTheSerialCeiling(t *testing.T) {
	deps := `dependencies:
  - {name: mobile network, availability: 99.9}
  - {name: cdn, availability: 99.95}`
	cat := adviceCatalog(t, 99.9, 1e8, "    reliability_cost: {per_year: 100000, at: 99.9, per_nine: 10}", deps)
	a := app.NewAdvice(cat, []*report.CostReport{adviceQuarter(0.9985)})
	if len(a.SLOs) != 1 {
		t.Fatalf("%d SLOs advised, want 1", len(a.SLOs))
	}
	s := a.SLOs[0]
	if s.Ceiling == nil || math.Abs(s.Ceiling.Availability-0.99850050) > 1e-12 {
		t.Fatalf("ceiling %+v, want 0.9985005 (0.999 x 0.9995)", s.Ceiling)
	}
	for _, c := range s.Candidates {
		above := c.Objective > 0.9985005
		if hasFlag(c, report.FlagAboveCeiling) != above {
			t.Errorf("%v: flags %v; above the ceiling: %v", c.Objective, c.Flags, above)
		}
		if above && math.Abs(c.EffectiveAvailability-0.9985005) > 1e-12 {
			t.Errorf("%v: effective %v, want the ceiling", c.Objective, c.EffectiveAvailability)
		}
	}
	// The current objective (99.9%) is above the ceiling: the advice says so.
	if !hasFlag(candidate(t, s, 0.999), report.FlagAboveCeiling) || len(s.Flags) == 0 || s.Flags[0] != report.FlagAboveCeiling {
		t.Errorf("current flags %v, want %q first", s.Flags, report.FlagAboveCeiling)
	}
	// Above the ceiling more nines buy no downtime: 99.9% to 99.999% have
	// the same downtime cost, so only the cheapest of them to run, the
	// first candidate above the ceiling (99.9%), can be recommended.
	c3 := candidate(t, s, 0.999)
	for _, o := range []float64{0.9995, 0.9999, 0.99999} {
		if c := candidate(t, s, o); c.DowntimeCost.Value != c3.DowntimeCost.Value || c.Total.Value <= c3.Total.Value {
			t.Errorf("%v: downtime cost %v and total %v; want 99.9%%'s downtime cost %v and a larger total than %v",
				o, c.DowntimeCost.Value, c.Total.Value, c3.DowntimeCost.Value, c3.Total.Value)
		}
	}
	if s.Recommended == nil || *s.Recommended > 0.999 {
		t.Errorf("recommended %v, want at most 99.9%%, the first candidate above the ceiling", s.Recommended)
	}
}

// TestAdviceFarFromAchieved: with 99.9% achieved (3 nines), 99.99% is a
// nine above (far above), 99.95% 0.30 above (not far), 99% a nine below
// (far below) and 99.5% 0.70 below (far below).
func TestAdviceFarFromAchieved(t *testing.T) {
	cat := adviceCatalog(t, 99.9, 1e8, "    reliability_cost: {per_year: 100000, at: 99.9, per_nine: 10}", "")
	s := app.NewAdvice(cat, []*report.CostReport{adviceQuarter(0.999)}).SLOs[0]
	for _, c := range []struct {
		objective float64
		flag      string
	}{{0.99, report.FlagFarBelow}, {0.995, report.FlagFarBelow}, {0.999, ""}, {0.9995, ""}, {0.9999, report.FlagFarAbove}, {0.99999, report.FlagFarAbove}} {
		o := candidate(t, s, c.objective)
		if (c.flag == "" && len(o.Flags) != 0) || (c.flag != "" && !hasFlag(o, c.flag)) {
			t.Errorf("%v: flags %v, want %q", c.objective, o.Flags, c.flag)
		}
	}
}

// recommended is the objective advised for shop under the given revenue
// and curve.
func recommended(t *testing.T, revenue float64, curve string) float64 {
	t.Helper()
	cat := adviceCatalog(t, 99.9, revenue, curve, "")
	s := app.NewAdvice(cat, []*report.CostReport{adviceQuarter(0.999)}).SLOs[0]
	if s.Recommended == nil {
		t.Fatalf("no recommendation: %s", s.Reason)
	}
	return *s.Recommended
}

// TestAdviceMovesWithRevenue: downtime cost grows with revenue and the
// reliability cost does not, so the objective that minimises the sum goes
// up or stays as revenue rises; over this range it moves from the bottom
// to the top.
func TestAdviceMovesWithRevenue(t *testing.T) {
	curve := "    reliability_cost: {per_year: 100000, at: 99.9, per_nine: 10}"
	prev := 0.0
	var seen []float64
	for _, rev := range []float64{1e6, 1e7, 1e8, 1e9, 1e10, 1e11} {
		r := recommended(t, rev, curve)
		seen = append(seen, r)
		if r < prev {
			t.Errorf("revenue %g: recommended %v, below %v at less revenue", rev, r, prev)
		}
		prev = r
	}
	t.Logf("recommended by revenue: %v", seen)
	if seen[0] >= seen[len(seen)-1] {
		t.Errorf("recommendations %v do not rise over a 100,000-fold revenue", seen)
	}
}

// TestAdviceMovesWithTheCurve: anchored at the lowest candidate (99%), a
// steeper curve makes every extra nine dearer, so the recommendation goes
// down or stays; over this range it moves.
func TestAdviceMovesWithTheCurve(t *testing.T) {
	prev := 1.0
	var seen []float64
	for _, k := range []float64{1, 1.5, 3, 10, 30, 100, 1000} {
		r := recommended(t, 1e8, fmt.Sprintf("    reliability_cost: {per_year: 20000, at: 99, per_nine: %v}", k))
		seen = append(seen, r)
		if r > prev {
			t.Errorf("per_nine %v: recommended %v, above %v with a flatter curve", k, r, prev)
		}
		prev = r
	}
	t.Logf("recommended by per_nine: %v", seen)
	if seen[0] <= seen[len(seen)-1] {
		t.Errorf("recommendations %v do not fall as the curve steepens 1000-fold", seen)
	}
}

// TestAdviceWithoutACurveRecommendsNothing: the figures stand, the
// recommendation is withheld and the reason says why.
func TestAdviceWithoutACurveRecommendsNothing(t *testing.T) {
	cat := adviceCatalog(t, 99.9, 1e8, "", "")
	a := app.NewAdvice(cat, []*report.CostReport{adviceQuarter(0.999)})
	s := a.SLOs[0]
	if s.Recommended != nil || s.Change != report.ChangeNone || a.Changes != 0 || a.Advised() != 0 {
		t.Errorf("recommended %v, change %q, changes %d; want none", s.Recommended, s.Change, a.Changes)
	}
	if c := candidate(t, s, 0.999); c.ReliabilityCost != nil || c.DowntimeCost.Value <= 0 {
		t.Errorf("99.9%%: reliability %v, downtime cost %v; want none and a cost", c.ReliabilityCost, c.DowntimeCost.Value)
	}
}
