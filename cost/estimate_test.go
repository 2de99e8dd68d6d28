package cost_test

import (
	"math"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/slo"
)

// tolerance is the absolute tolerance of every money and minute comparison:
// the worked examples are exact in decimal, and float64 arithmetic on them is
// off by far less than a thousandth of a cent.
const tolerance = 1e-6

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > tolerance {
		t.Errorf("%s = %.9f, want %.9f", what, got, want)
	}
}

// example is the model of the worked examples in docs/cost.md. Its annual
// revenue is 100 a minute: 52,594,920 / 525,949.2 minutes in a Gregorian year.
func example() slo.CostModel {
	return slo.CostModel{
		Currency: "EUR",
		Revenue: slo.Revenue{
			PerYear:  52_594_920,
			Share:    0.6,
			Recovery: 0.25,
			Impact:   map[string]float64{"latency": 0.2},
		},
		Responders: []slo.Role{
			{Name: "support", People: 4, HourlyRate: 45, HoursPerIncident: 1, HoursPerOutageHour: 1},
			{Name: "engineering", People: 3, HourlyRate: 120, HoursPerIncident: 2, HoursPerOutageHour: 1.5},
			{Name: "management", People: 1, HourlyRate: 150, HoursPerIncident: 1, HoursPerOutageHour: 0.5},
			{Name: "pr", People: 1, HourlyRate: 90, HoursPerIncident: 0.5},
			{Name: "sales", People: 2, HourlyRate: 80, HoursPerIncident: 0.5, HoursPerOutageHour: 0.25},
		},
		SLA: slo.SLA{
			MonthlyContractValue: 100_000,
			Credits: []slo.CreditBand{
				{Below: 0.9999, Credit: 0.10},
				{Below: 0.99, Credit: 0.25},
				{Below: 0.95, Credit: 1},
			},
		},
		Opportunity: slo.Opportunity{HoursPerIncident: 16, HourlyValue: 200},
	}
}

func TestRevenuePerMinute(t *testing.T) {
	tests := []struct {
		name string
		r    slo.Revenue
		want float64
	}{
		{"annual revenue is spread over the minutes of a Gregorian year", slo.Revenue{PerYear: 52_594_920}, 100},
		{"a revenue per minute is taken as given", slo.Revenue{PerMinute: 37.5}, 37.5},
		{"a revenue per minute wins over an annual one", slo.Revenue{PerMinute: 10, PerYear: 52_594_920}, 10},
		{"no revenue is zero a minute", slo.Revenue{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			near(t, "RatePerMinute()", cost.RatePerMinute(tt.r), tt.want)
		})
	}
}

func TestLostRevenue(t *testing.T) {
	m := example()
	tests := []struct {
		name     string
		slo      string
		ratio    float64
		span     time.Duration
		minutes  float64
		impact   float64
		wantLost float64
	}{
		// 0.1% of requests failing over 30 days is 43.2 downtime-equivalent
		// minutes: 100 x 0.6 x 1 x 43.2 x 0.75 = 1,944.
		{"a request SLO's bad ratio over 30 days", "availability", 0.001, 30 * budget.Day, 43.2, 1, 1944},
		// 0.5% slow over 30 days is 216 minutes at impact 0.2:
		// 100 x 0.6 x 0.2 x 216 x 0.75 = 1,944.
		{"a latency SLO's minutes count at its impact", "latency", 0.005, 30 * budget.Day, 216, 0.2, 1944},
		// A probe failing 30 of 60 minutes: 30 bad minutes,
		// 100 x 0.6 x 30 x 0.75 = 1,350.
		{"a probe's bad minutes count directly", "reachability", 0.5, time.Hour, 30, 1, 1350},
		{"no bad events lose nothing", "availability", 0, 30 * budget.Day, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			minutes := cost.DowntimeMinutes(tt.ratio, tt.span)
			near(t, "DowntimeMinutes", minutes, tt.minutes)
			l := cost.LostRevenue(m, tt.slo, minutes)
			if l.SLO != tt.slo {
				t.Errorf("SLO = %q, want %q", l.SLO, tt.slo)
			}
			near(t, "PerMinute", l.PerMinute, 100)
			near(t, "Share", l.Share, 0.6)
			near(t, "Impact", l.Impact, tt.impact)
			near(t, "Recovery", l.Recovery, 0.25)
			near(t, "DowntimeMinutes", l.DowntimeMinutes, tt.minutes)
			near(t, "Amount", l.Amount, tt.wantLost)
		})
	}
}

func TestLaborFromTheModel(t *testing.T) {
	// A 90-minute incident: each role works hours per incident + hours per
	// outage hour x 1.5.
	lines, err := cost.Labor(example(), 90*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		role                 string
		people, hours, rate  float64
		personHours, amount  float64
		perIncident, perHour float64
	}{
		{"support", 4, 2.5, 45, 10, 450, 1, 1},             // 4 x (1 + 1 x 1.5) x 45
		{"engineering", 3, 4.25, 120, 12.75, 1530, 2, 1.5}, // 3 x (2 + 1.5 x 1.5) x 120
		{"management", 1, 1.75, 150, 1.75, 262.5, 1, 0.5},  // 1 x (1 + 0.5 x 1.5) x 150
		{"pr", 1, 0.5, 90, 0.5, 45, 0.5, 0},                // 1 x 0.5 x 90
		{"sales", 2, 0.875, 80, 1.75, 140, 0.5, 0.25},      // 2 x (0.5 + 0.25 x 1.5) x 80
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d labor lines, want %d", len(lines), len(want))
	}
	var total float64
	for i, w := range want {
		l := lines[i]
		if l.Role != w.role || l.Stated {
			t.Errorf("line %d: role %q stated %v, want %q from the model", i, l.Role, l.Stated, w.role)
		}
		near(t, w.role+" people", l.People, w.people)
		near(t, w.role+" hours", l.Hours, w.hours)
		near(t, w.role+" rate", l.HourlyRate, w.rate)
		near(t, w.role+" hours per incident", l.HoursPerIncident, w.perIncident)
		near(t, w.role+" hours per outage hour", l.HoursPerOutageHour, w.perHour)
		near(t, w.role+" outage hours", l.OutageHours, 1.5)
		near(t, w.role+" person-hours", l.PersonHours(), w.personHours)
		near(t, w.role+" amount", l.Amount, w.amount)
		total += l.Amount
	}
	near(t, "labor total", total, 2427.5)
}

func TestLaborStatedInAnIncidentsFile(t *testing.T) {
	m := example()
	lines, err := cost.Labor(m, time.Hour, []slo.Responder{
		{Role: "engineering", People: 5, Hours: 3},               // the model's rate: 5 x 3 x 120
		{Role: "legal", People: 1, Hours: 2, HourlyRate: 200},    // its own rate: 1 x 2 x 200
		{Role: "support", People: 2, Hours: 1.5, HourlyRate: 50}, // its own rate wins: 2 x 1.5 x 50
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		role   string
		rate   float64
		amount float64
	}{{"engineering", 120, 1800}, {"legal", 200, 400}, {"support", 50, 150}}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d: stated responders replace the model's roles", len(lines), len(want))
	}
	for i, w := range want {
		if lines[i].Role != w.role || !lines[i].Stated {
			t.Errorf("line %d: role %q stated %v, want stated %q", i, lines[i].Role, lines[i].Stated, w.role)
		}
		near(t, w.role+" rate", lines[i].HourlyRate, w.rate)
		near(t, w.role+" amount", lines[i].Amount, w.amount)
	}

	_, err = cost.Labor(m, time.Hour, []slo.Responder{{Role: "legal", People: 1, Hours: 2}})
	const msg = `role "legal" has no hourly rate: the cost model does not define it, so give its rate`
	if err == nil || err.Error() != msg {
		t.Errorf("a role without a rate: error %v, want %q", err, msg)
	}
}

func TestOpportunityCost(t *testing.T) {
	m := example()
	l := cost.OpportunityCost(m, nil)
	near(t, "hours", l.Hours, 16)
	near(t, "hourly value", l.HourlyValue, 200)
	near(t, "amount", l.Amount, 3200) // 16 x 200
	if l.Stated {
		t.Error("the model's hours are not stated")
	}
	h := 40.0
	l = cost.OpportunityCost(m, &h)
	near(t, "stated amount", l.Amount, 8000) // 40 x 200
	if !l.Stated {
		t.Error("hours given are stated")
	}
}

func TestSLACredit(t *testing.T) {
	m := example()
	tests := []struct {
		name         string
		availability float64
		share        float64
		below, rate  float64
		amount       float64
	}{
		{"a month at 99.85% falls in the 10% band", 0.9985, 1, 0.9999, 0.10, 10_000},
		{"a month at 98.5% falls in the 25% band", 0.985, 1, 0.99, 0.25, 25_000},
		{"a month at 94% owes the whole month", 0.94, 1, 0.95, 1, 100_000},
		{"exactly at a threshold is not below it", 0.9999, 1, 0, 0, 0},
		{"a perfect month owes nothing", 1, 1, 0, 0, 0},
		{"half a month in the period owes half the credit", 0.985, 0.5, 0.99, 0.25, 12_500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cost.Credit(m, "2026-08", tt.availability, tt.share)
			if l.Month != "2026-08" {
				t.Errorf("month = %q", l.Month)
			}
			near(t, "availability", l.Availability, tt.availability)
			near(t, "band", l.Below, tt.below)
			near(t, "rate", l.Rate, tt.rate)
			near(t, "contract value", l.MonthlyContractValue, 100_000)
			near(t, "share", l.Share, tt.share)
			near(t, "amount", l.Amount, tt.amount)
		})
	}
}

func TestIncidentBreakdown(t *testing.T) {
	m := example()
	rev := []cost.RevenueLine{cost.LostRevenue(m, "availability", 60), cost.LostRevenue(m, "latency", 30)}
	b, err := cost.Incident(m, 90*time.Minute, rev, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Currency != "EUR" {
		t.Errorf("currency = %q", b.Currency)
	}
	near(t, "lost revenue", b.LostRevenue(), 2700+270) // 100 x 0.6 x 60 x 0.75 + 100 x 0.6 x 0.2 x 30 x 0.75
	near(t, "labor", b.LaborCost(), 2427.5)
	near(t, "opportunity", b.OpportunityCost(), 3200)
	near(t, "credits", b.CreditCost(), 0)
	near(t, "total", b.Total(), 2970+2427.5+3200)
	roles := b.LaborByRole()
	if len(roles) != 5 || roles[1].Role != "engineering" {
		t.Fatalf("labor by role = %+v", roles)
	}
	near(t, "engineering person-hours", roles[1].PersonHours, 12.75)
	near(t, "engineering amount", roles[1].Amount, 1530)
}

func TestMergeSumsLaborByRole(t *testing.T) {
	m := example()
	a, _ := cost.Incident(m, 90*time.Minute, nil, nil, nil)
	b, _ := cost.Incident(m, 30*time.Minute, nil, []slo.Responder{{Role: "engineering", People: 2, Hours: 1}}, nil)
	var sum cost.Breakdown
	sum.Merge(a)
	sum.Merge(b)
	near(t, "labor", sum.LaborCost(), 2427.5+240)
	near(t, "opportunity", sum.OpportunityCost(), 6400)
	roles := sum.LaborByRole()
	near(t, "engineering amount", roles[1].Amount, 1530+240)
	near(t, "engineering person-hours", roles[1].PersonHours, 12.75+2)
}

func TestOutage(t *testing.T) {
	// 45 minutes of a full outage: 100 x 0.6 x 45 x 0.75 = 2,025 of revenue;
	// labor at 0.75 outage hours: 315 + 1,125 + 206.25 + 45 + 110 = 1,801.25;
	// opportunity 3,200.
	b := cost.Outage(example(), 45*time.Minute, 1)
	if len(b.Revenue) != 1 || b.Revenue[0].SLO != cost.OutageSLO {
		t.Fatalf("revenue lines = %+v", b.Revenue)
	}
	near(t, "impact", b.Revenue[0].Impact, 1)
	near(t, "downtime", b.Revenue[0].DowntimeMinutes, 45)
	near(t, "lost revenue", b.LostRevenue(), 2025)
	near(t, "labor", b.LaborCost(), 1801.25)
	near(t, "opportunity", b.OpportunityCost(), 3200)
	near(t, "total", b.Total(), 7026.25)

	half := cost.Outage(example(), 45*time.Minute, 0.5)
	near(t, "a half outage loses half the revenue", half.LostRevenue(), 1012.5)
	near(t, "and costs the same labor", half.LaborCost(), 1801.25)
}

func TestBudgetLeftValue(t *testing.T) {
	m := example()
	near(t, "45 minutes left", cost.BudgetLeftValue(m, 45), 7026.25)
	near(t, "nothing left", cost.BudgetLeftValue(m, 0), 0)
	near(t, "overspent", cost.BudgetLeftValue(m, -10), 0)
	near(t, "NaN", cost.BudgetLeftValue(m, math.NaN()), 0)
}

func TestOutageBudget(t *testing.T) {
	// 99.9% over 30 days: 43.2 budget minutes, half of it used (21.6). A
	// 45-minute outage at half the requests failing adds 22.5 minutes:
	// used after = 0.5 + 22.5 / 43.2.
	st := budget.Compute(budget.Input{
		Objective: 0.999,
		Window:    30 * budget.Day,
		SLI:       budget.Ratio{ErrorRatio: 0.0005},
	})
	e := cost.OutageBudget(st, 45*time.Minute, 0.5)
	near(t, "outage minutes", e.OutageMinutes, 22.5)
	near(t, "budget minutes", e.BudgetMinutes, 43.2)
	near(t, "used before", e.UsedBefore, 0.5)
	near(t, "left before", e.LeftBefore, 0.5)
	near(t, "used after", e.UsedAfter, 0.5+22.5/43.2)
	near(t, "left after", e.LeftAfter, 0.5-22.5/43.2)
	near(t, "minutes left after", e.LeftMinutesAfter, 21.6-22.5)
}

func TestMonthAfterOutage(t *testing.T) {
	// 10 days at 99.9% is 14.4 bad minutes in 14,400; a 60-minute full
	// outage makes it 74.4 in 14,460.
	got := cost.MonthAfterOutage(0.999, 10*budget.Day, time.Hour, 1)
	near(t, "availability", got, 1-74.4/14460)
	near(t, "no time measured", cost.MonthAfterOutage(0.5, 0, 0, 1), 0.5)
}

func TestBandPicksTheLargestCreditBelow(t *testing.T) {
	sla := slo.SLA{Credits: []slo.CreditBand{{Below: 0.95, Credit: 1}, {Below: 0.9999, Credit: 0.1}, {Below: 0.99, Credit: 0.25}}}
	b, ok := cost.Band(sla, 0.97)
	if !ok || b.Credit != 0.25 {
		t.Errorf("Band(97%%) = %+v, %v; want the 25%% band whatever the order", b, ok)
	}
	if _, ok := cost.Band(slo.SLA{}, 0.5); ok {
		t.Error("an SLA without bands owes nothing")
	}
}

func TestZeroModelIsNotConfigured(t *testing.T) {
	if (slo.CostModel{}).Configured() {
		t.Error("the zero model prices nothing")
	}
	if !example().Configured() {
		t.Error("a model with a currency is configured")
	}
}

func TestWithOutage(t *testing.T) {
	// 99.9% over 30 days at 0.05% errors; 1h at 0.05%, 5m at 0. A 45-minute
	// full outage: the SLO window gains 45 bad minutes of 43,200; the 1h
	// window ends with 45 minutes at 100%; the 5m window is all outage.
	in := budget.Input{
		Objective: 0.999,
		Window:    30 * budget.Day,
		SLI:       budget.Ratio{ErrorRatio: 0.0005, Bad: 50, Total: 100_000, Events: true},
		Burn: map[time.Duration]budget.Ratio{
			time.Hour:       {ErrorRatio: 0.0005, Events: true, Total: 1000, Bad: 0.5},
			5 * time.Minute: {ErrorRatio: 0},
		},
		Alerts: budget.DefaultAlertWindows(),
	}
	out := cost.WithOutage(in, 45*time.Minute, 1)
	near(t, "SLO window ratio", out.SLI.ErrorRatio, 0.0005+45.0/43200)
	near(t, "SLO window bad events", out.SLI.Bad, (0.0005+45.0/43200)*100_000)
	near(t, "1h ratio", out.Burn[time.Hour].ErrorRatio, (45+0.0005*15)/60)
	near(t, "1h bad events", out.Burn[time.Hour].Bad, (45+0.0005*15)/60*1000)
	near(t, "5m ratio", out.Burn[5*time.Minute].ErrorRatio, 1)
	if _, ok := out.Burn[6*time.Hour]; ok {
		t.Error("a window without a measurement gained one")
	}
	near(t, "the input is not changed", in.Burn[time.Hour].ErrorRatio, 0.0005)
	// Budget used grows as OutageBudget says.
	before, after := budget.Compute(in), budget.Compute(out)
	near(t, "budget used after", after.BudgetUsed, cost.OutageBudget(before, 45*time.Minute, 1).UsedAfter)
	if len(after.Firing()) == 0 || after.Firing()[0].Severity != budget.Page {
		t.Errorf("a 45-minute outage must fire the 1h/5m page alert, firing %+v", after.Firing())
	}
	capped := cost.WithOutage(in, 60*budget.Day, 1)
	near(t, "the ratio stops at 1", capped.SLI.ErrorRatio, 1)
}
