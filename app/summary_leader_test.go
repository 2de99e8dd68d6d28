package app_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

func f64(v float64) *float64 { return &v }

func TestRankRisksOrdersGoneThenSoonestThenLeast(t *testing.T) {
	st := func(svc string, left float64, tte *float64) report.SLOStatus {
		return report.SLOStatus{Service: svc, SLO: "availability", BudgetLeft: f64(left), TimeToExhaustionSeconds: tte,
			BurnRates: []report.BurnRate{{Window: "5m", Seconds: 300, BurnRate: f64(9)}, {Window: "1h", Seconds: 3600, BurnRate: f64(float64(len(svc)))}}}
	}
	in := []report.SLOStatus{
		st("plenty", 0.9, nil),
		st("slow", 0.5, f64(86400)),
		{Service: "dark", SLO: "availability"}, // no data
		st("gone", -0.2, nil),
		st("fast", 0.8, f64(3600)),
		st("little", 0.1, nil),
		st("empty", 0, nil),
	}
	got, unranked := app.RankRisks(in)
	var order []string
	for i, r := range got {
		order = append(order, r.Service)
		if r.Rank != i+1 {
			t.Errorf("%s has rank %d at %d", r.Service, r.Rank, i)
		}
	}
	// Gone budgets first (least left first), then the soonest exhaustion,
	// then the least budget left; five at most.
	if want := "gone,empty,fast,slow,little"; strings.Join(order, ",") != want {
		t.Errorf("order %v, want %s", order, want)
	}
	if unranked != 1 {
		t.Errorf("unranked %d, want 1 (no data)", unranked)
	}
	if got[2].BurnRate1h == nil || *got[2].BurnRate1h != 4 {
		t.Errorf("fast's 1h burn rate %v, want the 1h window's (4), not the 5m's", got[2].BurnRate1h)
	}
	if got[2].Reason != "runs out in 1h at the 1h burn rate" || got[0].Reason != "budget gone" {
		t.Errorf("reasons %q, %q", got[2].Reason, got[0].Reason)
	}
}

// splitReport is a 30-day period: a service whose availability SLO
// (99.9%: 43.2 allowed minutes) was down 86.4 minutes and whose latency
// SLO (99%: 432 allowed) 100 minutes, with two SLA credit months.
func splitReport() (*slo.Catalog, *report.CostReport) {
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 30)
	svc := slo.Service{Name: "shop", Tier: "gold", SLOs: []slo.SLO{{Name: "availability"}, {Name: "latency"}}}
	svc.Cost.Currency = "EUR"
	svc.Cost.Revenue.PerMinute = 10
	svc.Cost.SLA.SLO = "availability"
	svc.Cost.SLA.MonthlyContractValue = 1000
	svc.Cost.SLA.Credits = []slo.CreditBand{{Below: 0.999, Credit: 0.1}}
	cat := &slo.Catalog{Services: []slo.Service{svc}}
	r := &report.CostReport{
		Period: report.PeriodInfo{Name: "30d", Start: start, End: end, MeasuredTo: end, Minutes: 30 * 24 * 60},
		Services: []report.ServiceCost{{Service: "shop", Tier: "gold", Currency: "EUR", CostModel: true,
			SLOs: []report.SLOCost{
				{SLO: "availability", Objective: 0.999, DowntimeMinutes: f64(86.4), LostRevenue: f64(864)},
				{SLO: "latency", Objective: 0.99, DowntimeMinutes: f64(100), LostRevenue: f64(500)},
				{SLO: "dark", Objective: 0.99},
			},
			Cost: &report.Breakdown{Currency: "EUR", LostRevenue: 1364, Labor: 300, Opportunity: 100, SLACredits: 150, Total: 1914,
				Credits: []report.CreditLine{{Month: "2026-08", Availability: 0.9985, Amount: 100}, {Month: "2026-09", Availability: 0.9995, Amount: 50}}},
		}},
	}
	return cat, r
}

func TestSplitCostByHand(t *testing.T) {
	cat, r := splitReport()
	b := app.SplitCost(cat, r)
	if len(b.Services) != 1 || len(b.Totals) != 1 {
		t.Fatalf("split %+v", b)
	}
	s := b.Services[0]
	// By hand (docs/cost.md, Baseline and overspend): availability allows
	// 0.001 x 43,200 = 43.2 minutes and spent 86.4: 43.2 beyond, half its
	// €864 (€432); latency stays within its 432. Overspend share of
	// labor and opportunity: 43.2 / 186.4. The 2026-08 credit (99.85% <
	// 99.9%) is overspend, the 2026-09 one (99.95%) baseline.
	share := 43.2 / 186.4
	want := map[string][2]float64{
		"lost revenue": {1364 - 432, 432},
		"fixed":        {400 * (1 - share), 400 * share},
		"credits":      {50, 100},
	}
	got := map[string][2]float64{
		"lost revenue": {s.LostRevenue.Baseline, s.LostRevenue.Overspend},
		"fixed":        {s.Fixed.Baseline, s.Fixed.Overspend},
		"credits":      {s.SLACredits.Baseline, s.SLACredits.Overspend},
	}
	// Sums and products of a few float64s: 1e-9 relative.
	for k, w := range want {
		for i := range w {
			if math.Abs(got[k][i]-w[i]) > 1e-9*math.Max(1, w[i]) {
				t.Errorf("%s: got %v, want %v", k, got[k], w)
			}
		}
	}
	if len(s.SLOs) != 2 || math.Abs(s.SLOs[0].AllowedMinutes-43.2) > 1e-9 || math.Abs(s.SLOs[0].OverspendMinutes-43.2) > 1e-9 || s.SLOs[1].OverspendMinutes != 0 {
		t.Errorf("SLO lines %+v", s.SLOs)
	}
	if math.Abs(s.Baseline+s.Overspend-1914) > 1e-9 || s.Total != 1914 || b.Totals[0].Total != 1914 {
		t.Errorf("baseline %v + overspend %v, total %v, want 1914", s.Baseline, s.Overspend, s.Total)
	}
	if !s.Credits[0].Overspend || s.Credits[1].Overspend || s.Credits[0].Objective != 0.999 {
		t.Errorf("credit months %+v", s.Credits)
	}
}

// An SLO with a monthly window is judged month by month in the split too:
// a month over its budget is overspend even when the quarter as a whole
// stayed within the quarter's budget.
func TestSplitCostMonthByMonth(t *testing.T) {
	cat, r := splitReport()
	o := &r.Services[0].SLOs[0] // availability, 99.9%, 86.4 downtime minutes
	jul := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	aug, sep, oct := jul.AddDate(0, 1, 0), jul.AddDate(0, 2, 0), jul.AddDate(0, 3, 0)
	// July allows 0.001 x 44,640 = 44.64 minutes and used 150% of it:
	// 22.32 minutes beyond; August and September stayed within.
	o.Months = []report.SLOMonth{
		{Month: "2026-07", Start: jul, End: aug, BudgetUsed: f64(1.5)},
		{Month: "2026-08", Start: aug, End: sep, BudgetUsed: f64(0.2)},
		{Month: "2026-09", Start: sep, End: oct, BudgetUsed: f64(0.1)},
	}
	sp := app.SplitCost(cat, r).Services[0].SLOs[0]
	const tol = 1e-9 // the same float64 arithmetic as the formula
	if want := 0.001 * 44640 * 0.5; math.Abs(sp.OverspendMinutes-want) > tol {
		t.Errorf("overspend %v minutes, want July's %v", sp.OverspendMinutes, want)
	}
	if want := 0.001 * (44640 + 44640 + 43200); math.Abs(sp.AllowedMinutes-want) > tol {
		t.Errorf("allowed %v minutes, want the three months' %v", sp.AllowedMinutes, want)
	}
	if want := 864 * 22.32 / 86.4; sp.LostRevenueOverspend == nil || math.Abs(*sp.LostRevenueOverspend-want) > tol {
		t.Errorf("lost revenue overspend %v, want %v", sp.LostRevenueOverspend, want)
	}
}
