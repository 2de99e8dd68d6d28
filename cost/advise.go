package cost

import (
	"math"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// The objective advisor's arithmetic (docs/advise.md): one SLO's candidate
// objectives priced over a year, each figure from its inputs.

// MonthsPerYear is the number of SLA months a year's credits count.
const MonthsPerYear = 12

// DefaultIncident is the incident assumed when the quarters measured none:
// 30 minutes of full outage (30 downtime-equivalent minutes).
const DefaultIncident = 30 * time.Minute

// AdviceInput is what the candidates of one SLO are priced with.
type AdviceInput struct {
	// Model is the service's cost model; SLO the SLO's name (its revenue
	// impact).
	Model slo.CostModel
	SLO   string
	// Curve is the service's reliability cost curve (may be undeclared).
	Curve slo.ReliabilityCost
	// SLA is set when the service's SLA measures this SLO: its credits
	// count.
	SLA bool
	// Ceiling is the availability the dependencies allow (1 with none).
	Ceiling float64
	// IncidentDowntime is the downtime-equivalent minutes of one incident
	// and IncidentDuration its span, as measured (or DefaultIncident).
	IncidentDowntime float64
	IncidentDuration time.Duration
}

// Option is one candidate objective priced for a year, with the inputs of
// every figure:
//
//	Effective       = min(Objective, Ceiling)
//	DowntimeMinutes = (1 - Effective) x 525,949.2
//	Revenue         = LostRevenue(DowntimeMinutes)
//	Incidents       = DowntimeMinutes / IncidentDowntime
//	Labor           = Incidents x (LaborPerIncident + OpportunityPerIncident)
//	Credits         = 12 x MonthlyContractValue x the credit of the band Effective is below (SLA SLO only)
//	Reliability     = the curve at Objective
//	Total           = Revenue + Labor + Credits + Reliability
type Option struct {
	Objective       float64
	Effective       float64
	DowntimeMinutes float64
	Revenue         RevenueLine
	Incidents       float64
	// LaborLines are one incident's labor; LaborPerIncident their sum.
	LaborLines             []LaborLine
	LaborPerIncident       float64
	OpportunityPerIncident float64
	Labor                  float64
	// Band is the SLA credit band Effective falls below (HasBand).
	Band    slo.CreditBand
	HasBand bool
	Credits float64
	// Reliability is the curve's cost at Objective; ReliabilityKnown is
	// false without a curve (and Total leaves it out).
	Reliability      float64
	ReliabilityKnown bool
	Total            float64
}

// PriceObjective prices running the SLO of in at objective for a year.
func PriceObjective(in AdviceInput, objective float64) Option {
	ceiling := in.Ceiling
	if ceiling <= 0 || ceiling > 1 {
		ceiling = 1
	}
	o := Option{Objective: objective, Effective: math.Min(objective, ceiling)}
	o.DowntimeMinutes = (1 - o.Effective) * budget.Year.Minutes()
	o.Revenue = LostRevenue(in.Model, in.SLO, o.DowntimeMinutes)
	per := in.IncidentDowntime
	dur := in.IncidentDuration
	if per <= 0 || dur <= 0 {
		per, dur = DefaultIncident.Minutes(), DefaultIncident
	}
	o.Incidents = o.DowntimeMinutes / per
	o.LaborLines, _ = Labor(in.Model, dur, nil)
	for _, l := range o.LaborLines {
		o.LaborPerIncident += l.Amount
	}
	o.OpportunityPerIncident = OpportunityCost(in.Model, nil).Amount
	o.Labor = o.Incidents * (o.LaborPerIncident + o.OpportunityPerIncident)
	if in.SLA && in.Model.SLA.MonthlyContractValue > 0 {
		if b, ok := Band(in.Model.SLA, o.Effective); ok {
			o.Band, o.HasBand = b, true
			o.Credits = MonthsPerYear * in.Model.SLA.MonthlyContractValue * b.Credit
		}
	}
	o.Reliability, o.ReliabilityKnown = ReliabilityAt(in.Curve, objective)
	o.Total = o.Revenue.Amount + o.Labor + o.Credits + o.Reliability
	return o
}

// ReliabilityAt is the yearly cost of running at objective under curve c:
// PerYear x PerNine^(nines(objective) - nines(At)), or between Points the
// cost interpolated geometrically in nines (a straight line of log cost
// against nines), beyond them extrapolated along the nearest segment.
// ok is false when no curve is declared.
func ReliabilityAt(c slo.ReliabilityCost, objective float64) (float64, bool) {
	n := budget.Nines(objective)
	switch {
	case len(c.Points) >= 2:
		ps := c.Points
		i := 0
		for i < len(ps)-2 && n > budget.Nines(ps[i+1].Objective) {
			i++
		}
		n0, n1 := budget.Nines(ps[i].Objective), budget.Nines(ps[i+1].Objective)
		l0, l1 := math.Log(ps[i].PerYear), math.Log(ps[i+1].PerYear)
		return math.Exp(l0 + (l1-l0)*(n-n0)/(n1-n0)), true
	case c.PerYear > 0:
		return c.PerYear * math.Pow(c.PerNine, n-budget.Nines(c.At)), true
	}
	return 0, false
}

// SLAFloor is the committed availability of an SLA: the highest threshold
// of its credit bands, below which it owes credits; 0 without bands or
// contract value.
func SLAFloor(s slo.SLA) float64 {
	if s.MonthlyContractValue <= 0 {
		return 0
	}
	var f float64
	for _, b := range s.Credits {
		f = math.Max(f, b.Below)
	}
	return f
}

// Recommend is the index of the option of least Total among those whose
// objective is at least floor; a tie goes to the one closest to current,
// then the lower objective. It is -1 when no option is eligible or an
// option's reliability cost is unknown (the trade-off cannot be priced).
func Recommend(opts []Option, floor, current float64) int {
	best := -1
	for i, o := range opts {
		if !o.ReliabilityKnown {
			return -1
		}
		if o.Objective < floor-1e-12 {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		b := opts[best]
		// Totals within a cent are a tie.
		switch {
		case o.Total < b.Total-0.005:
			best = i
		case o.Total <= b.Total+0.005 && math.Abs(o.Objective-current) < math.Abs(b.Objective-current):
			best = i
		}
	}
	return best
}
