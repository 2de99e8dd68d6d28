package cost_test

import (
	"math"
	"testing"
	"time"

	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/slo"
)

// adviceModel is the worked example of docs/advise.md: €100 a minute, half
// of it through the service, 20% recovered; one engineering role of two
// people at €100 an hour, 1 hour per incident and 2 per outage hour; 4
// diverted hours at €50; an SLA of €10,000 a month paying 10% below 99.9%
// and 30% below 99%; running at 99.9% costs €10,000 a year, x10 per nine.
func adviceInput() cost.AdviceInput {
	return cost.AdviceInput{
		Model: slo.CostModel{
			Currency:    "EUR",
			Revenue:     slo.Revenue{PerMinute: 100, Share: 0.5, Recovery: 0.2},
			Responders:  []slo.Role{{Name: "engineering", People: 2, HourlyRate: 100, HoursPerIncident: 1, HoursPerOutageHour: 2}},
			SLA:         slo.SLA{MonthlyContractValue: 10000, Credits: []slo.CreditBand{{Below: 0.999, Credit: 0.1}, {Below: 0.99, Credit: 0.3}}},
			Opportunity: slo.Opportunity{HoursPerIncident: 4, HourlyValue: 50},
		},
		SLO:              "availability",
		Curve:            slo.ReliabilityCost{PerYear: 10000, At: 0.999, PerNine: 10},
		SLA:              true,
		Ceiling:          0.9995,
		IncidentDowntime: 20,
		IncidentDuration: 30 * time.Minute,
	}
}

// relTol is the relative tolerance of figures recomputed by hand: the hand
// arithmetic below is exact to the digits written, float64 to 1e-15.
const relTol = 1e-9

func nearRel(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-9
	}
	return math.Abs(got-want) <= relTol*math.Abs(want)
}

// TestPriceObjectiveWorkedExample checks every figure of three candidates
// line by line against the arithmetic in the comments.
func TestPriceObjectiveWorkedExample(t *testing.T) {
	in := adviceInput()
	cases := []struct {
		name                                                          string
		objective                                                     float64
		effective, downtime, revenue, incidents, labor, credits, reli float64
		total                                                         float64
	}{
		{
			name: "99.9% is under the ceiling, at no credit band, at the curve's anchor", objective: 0.999,
			effective: 0.999,
			downtime:  525.9492,  // (1 - 0.999) x 525,949.2
			revenue:   21037.968, // 525.9492 x 100 x 0.5 x 1 x (1 - 0.2)
			incidents: 26.29746,  // 525.9492 / 20
			labor:     15778.476, // 26.29746 x (2 x (1 + 2 x 0.5) x 100 = 400 labor + 4 x 50 = 200 opportunity)
			credits:   0,         // 0.999 is not below 0.999
			reli:      10000,     // 10,000 x 10^(3 - 3)
			total:     46816.444, // 21,037.968 + 15,778.476 + 0 + 10,000
		},
		{
			name: "99% owes the 10% band and costs a tenth to run", objective: 0.99,
			effective: 0.99,
			downtime:  5259.492,  // 0.01 x 525,949.2
			revenue:   210379.68, // 5,259.492 x 100 x 0.5 x 0.8
			incidents: 262.9746,  // 5,259.492 / 20
			labor:     157784.76, // 262.9746 x 600
			credits:   12000,     // 12 x 10,000 x 0.1 (0.99 is below 0.999, not below 0.99)
			reli:      1000,      // 10,000 x 10^(2 - 3)
			total:     381164.44, // 210,379.68 + 157,784.76 + 12,000 + 1,000
		},
		{
			name: "99.99% is above the ceiling: priced at 99.95% downtime, paid at four nines", objective: 0.9999,
			effective: 0.9995,
			downtime:  262.9746,  // (1 - min(0.9999, 0.9995)) x 525,949.2
			revenue:   10518.984, // 262.9746 x 100 x 0.5 x 0.8
			incidents: 13.14873,  // 262.9746 / 20
			labor:     7889.238,  // 13.14873 x 600
			credits:   0,
			reli:      100000,     // 10,000 x 10^(4 - 3)
			total:     118408.222, // 10,518.984 + 7,889.238 + 100,000
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := cost.PriceObjective(in, c.objective)
			for _, f := range []struct {
				what      string
				got, want float64
			}{
				{"effective", o.Effective, c.effective}, {"downtime", o.DowntimeMinutes, c.downtime}, {"lost revenue", o.Revenue.Amount, c.revenue},
				{"incidents", o.Incidents, c.incidents}, {"labor", o.Labor, c.labor}, {"credits", o.Credits, c.credits},
				{"reliability", o.Reliability, c.reli}, {"total", o.Total, c.total},
			} {
				if !nearRel(f.got, f.want) {
					t.Errorf("%s = %.6f, want %.6f", f.what, f.got, f.want)
				}
			}
			if o.LaborPerIncident != 400 || o.OpportunityPerIncident != 200 {
				t.Errorf("per incident: labor %v, opportunity %v; want 400 and 200", o.LaborPerIncident, o.OpportunityPerIncident)
			}
		})
	}
}

// TestRecommendHoldsTheSLAFloor: of 99%, 99.9%, 99.95% and 99.99%, 99.95%
// costs least: 10,518.984 + 7,889.238 + 20,000 (10,000 x 10^(3.30103 - 3)
// = 10,000 x 2) = 38,408.222, below 99.9%'s 46,816.444; 99% would cost more
// anyway and is below the SLA floor of 99.9%.
func TestRecommendHoldsTheSLAFloor(t *testing.T) {
	in := adviceInput()
	objs := []float64{0.99, 0.999, 0.9995, 0.9999}
	opts := make([]cost.Option, len(objs))
	for i, o := range objs {
		opts[i] = cost.PriceObjective(in, o)
	}
	if !nearRel(opts[2].Total, 38408.222) {
		t.Errorf("99.95%% total %.6f, want 38,408.222", opts[2].Total)
	}
	if f := cost.SLAFloor(in.Model.SLA); f != 0.999 {
		t.Fatalf("SLA floor %v, want 0.999 (the highest band)", f)
	}
	if got := cost.Recommend(opts, 0.999, 0.999); got != 2 {
		t.Errorf("recommended %d, want 2 (99.95%%)", got)
	}
	// A floor above every cheaper option leaves only 99.99%.
	if got := cost.Recommend(opts, 0.9999, 0.999); got != 3 {
		t.Errorf("with a floor of 99.99%%: recommended %d, want 3", got)
	}
	// Without a curve nothing is recommended: the trade-off is unknown.
	in.Curve = slo.ReliabilityCost{}
	if got := cost.Recommend([]cost.Option{cost.PriceObjective(in, 0.999)}, 0, 0.999); got != -1 {
		t.Errorf("without a curve: recommended %d, want -1", got)
	}
}

// TestReliabilityAtPoints: between points the cost is geometric in nines,
// beyond them extrapolated along the nearest segment.
func TestReliabilityAtPoints(t *testing.T) {
	c := slo.ReliabilityCost{Points: []slo.CostPoint{{Objective: 0.999, PerYear: 10000}, {Objective: 0.9999, PerYear: 40000}}}
	for _, tc := range []struct {
		objective, want float64
		why             string
	}{
		{0.999, 10000, "a point itself"},
		{0.9999, 40000, "a point itself"},
		{0.9995, 10000 * math.Pow(4, math.Log10(2)), "10,000 x 4^0.30103 = 15,178.5: 99.95% is 0.30103 nines above 99.9%"},
		{0.99, 2500, "10,000 x 4^(2 - 3): one nine below the first segment"},
		{0.99999, 160000, "10,000 x 4^(5 - 3): one nine beyond the last segment"},
	} {
		got, ok := cost.ReliabilityAt(c, tc.objective)
		if !ok || !nearRel(got, tc.want) {
			t.Errorf("at %v: %.4f, want %.4f (%s)", tc.objective, got, tc.want, tc.why)
		}
	}
}
