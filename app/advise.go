package app

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// DefaultAdviseQuarters is how many quarters `nines advise` measures.
const DefaultAdviseQuarters = 4

// FarNines is how far, in nines, an objective must be from the achieved
// availability to be flagged far above or far below it: half a nine
// (99.9% against 99.68% achieved, or 99.97%).
const FarNines = 0.5

// AdviceCandidates are the objectives priced for every SLO, besides its own.
var AdviceCandidates = []float64{0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999}

// AdviseRequest is what `nines advise` measures: the periods of req.Price
// (Period is the last; Trend is how many, ending with it) priced as
// `nines summary --quarters` prices its trend.
type AdviseRequest struct {
	Price PriceRequest
}

// Advise prices the request's periods, each alone as PricePeriod prices
// it (so a quarter's availability and incidents are those of cost,
// report and summary), and advises an objective per selected SLO
// (NewAdvice). Source errors are in Notes.
func Advise(ctx context.Context, env *Env, req AdviseRequest) (*report.Advice, Notes, error) {
	pr := req.Price
	pr.Previous = nil
	if pr.Trend <= 0 {
		pr.Trend = 1
	}
	n := pr.Trend
	pr.Trend = 0
	p, notes, err := PricePeriod(ctx, env, pr)
	if err != nil {
		return nil, notes, err
	}
	reps := []*report.CostReport{p.Current}
	if n > 1 {
		pr.Trend = n
		if reps, err = TrendReports(ctx, env, pr, p.Current, &notes); err != nil {
			return nil, notes, err
		}
	}
	a := NewAdvice(env.Catalog, reps)
	a.At, a.Source = env.At.UTC(), p.Current.Source
	return a, notes, nil
}

// NewAdvice advises an objective for every SLO priced in the last of
// reps (oldest first), from the achieved availability and incidents over
// all of them, the service's cost model, reliability cost curve and
// dependencies (docs/advise.md):
//
//	effective   = min(objective, dependency ceiling)
//	downtime    = (1 - effective) x 525,949.2 minutes a year
//	lost revenue, priced as the cost model prices downtime
//	labor       = downtime / the mean incident's downtime x (one incident's labor + opportunity)
//	SLA credits = 12 x monthly contract value x the credit of the band effective is below
//	reliability = the curve at the objective
//
// and recommends the candidate of least total at or above the SLA floor.
func NewAdvice(cat *slo.Catalog, reps []*report.CostReport) *report.Advice {
	out := &report.Advice{
		Periods:  []report.PeriodInfo{},
		SLOs:     []report.SLOAdvice{},
		Warnings: []string{},
		Method: report.AdviceMethod{
			MinutesPerYear: budget.Year.Minutes(), FarNines: FarNines, Candidates: slices.Clone(AdviceCandidates),
			DefaultIncidentSeconds: cost.DefaultIncident.Seconds(),
		},
	}
	if len(reps) == 0 {
		return out
	}
	for _, r := range reps {
		out.Periods = append(out.Periods, r.Period)
	}
	sla := SLASLOs(cat)
	last := reps[len(reps)-1]
	out.Method.MinCoverage = last.MinCoverage
	for _, sc := range last.Services {
		svc, ok := serviceNamed(cat, sc.Service)
		if !ok {
			continue
		}
		inc := incidentShape(reps, svc.Name)
		ceiling, warns := dependencyCeiling(cat, svc)
		out.Warnings = append(out.Warnings, warns...)
		for _, o := range sc.SLOs {
			s, ok := sloNamed(svc, o.SLO)
			if !ok {
				continue
			}
			a := adviseSLO(svc, s, achievedSpread(reps, svc.Name, s.Name), ceiling, inc, sla[svc.Name] == s.Name)
			a.Path, a.PathReason = advisePath(reps, svc.Name, s.Name)
			if a.Change == report.ChangeRaise || a.Change == report.ChangeLower {
				out.Changes++
			}
			out.SLOs = append(out.SLOs, a)
		}
	}
	sort.Strings(out.Warnings)
	out.Warnings = slices.Compact(out.Warnings)
	return out
}

// advisePath is the data an SLO's achieved figures were measured from
// over reps: raw or recorded when every period agrees, else mixed; the
// reason is the last period's that read raw data with records allowed.
func advisePath(reps []*report.CostReport, service, name string) (string, string) {
	var paths []string
	reason := ""
	for _, r := range reps {
		for _, sc := range r.Services {
			if sc.Service != service {
				continue
			}
			for _, o := range sc.SLOs {
				if o.SLO != name {
					continue
				}
				paths = append(paths, o.Path)
				if o.PathReason != "" {
					reason = r.Period.Name + ": " + o.PathReason
				}
			}
		}
	}
	switch ps := slices.Compact(paths); len(ps) {
	case 0:
		return "", reason
	case 1:
		return ps[0], reason
	}
	return report.PathMixed, reason
}

func serviceNamed(cat *slo.Catalog, name string) (slo.Service, bool) {
	for _, s := range cat.Services {
		if s.Name == name {
			return s, true
		}
	}
	return slo.Service{}, false
}

func sloNamed(svc slo.Service, name string) (slo.SLO, bool) {
	for _, s := range svc.SLOs {
		if s.Name == name {
			return s, true
		}
	}
	return slo.SLO{}, false
}

// achievedSpread is an SLO's availability over the priced periods: the
// mean weighted by each period's minutes with data, the min and max over
// the periods with data, and the share of the periods' whole time with data.
func achievedSpread(reps []*report.CostReport, service, name string) report.AchievedSpread {
	out := report.AchievedSpread{Periods: []report.AchievedPeriod{}}
	var whole, covered, weighted float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range reps {
		whole += r.Period.End.Sub(r.Period.Start).Minutes()
		ap := report.AchievedPeriod{Period: r.Period.Name}
		for _, s := range r.Services {
			if s.Service != service {
				continue
			}
			for _, o := range s.SLOs {
				if o.SLO != name {
					continue
				}
				ap.Coverage = o.Coverage
				if o.Availability != nil && o.DataState == string(slo.DataOK) {
					a := *o.Availability
					ap.Availability = num(a)
					m := o.Coverage * r.Period.Minutes
					covered += m
					weighted += a * m
					lo, hi = math.Min(lo, a), math.Max(hi, a)
					out.PeriodsWithData++
				}
			}
		}
		out.Periods = append(out.Periods, ap)
	}
	if whole > 0 {
		out.Coverage = covered / whole
	}
	if out.PeriodsWithData > 0 {
		mean := hi
		if covered > 0 {
			mean = weighted / covered
		}
		out.Mean, out.Min, out.Max = num(mean), num(lo), num(hi)
		if n := budget.Nines(mean); !math.IsInf(n, 0) {
			out.Nines = num(n)
		}
	}
	return out
}

// incidentShape is a service's incident as measured over the periods
// (planned ones left out): the downtime per incident, the largest of its
// SLOs' downtime-equivalent minutes over the periods (blips included)
// divided by the incidents, and the incidents' mean span. With no incident
// or no downtime measured it is cost.DefaultIncident, Assumed.
func incidentShape(reps []*report.CostReport, service string) report.AdviceIncident {
	var n int
	var secs float64
	downtime := map[string]float64{}
	for _, r := range reps {
		for _, ic := range r.Incidents {
			if ic.Service != service || ic.Planned {
				continue
			}
			n++
			secs += ic.DurationSeconds
		}
		for _, s := range r.Services {
			if s.Service != service {
				continue
			}
			for _, o := range s.SLOs {
				if o.DowntimeMinutes != nil {
					downtime[o.SLO] += *o.DowntimeMinutes
				}
			}
		}
	}
	var most float64
	for _, d := range downtime {
		most = math.Max(most, d)
	}
	if n == 0 || most <= 0 {
		return report.AdviceIncident{DowntimeMinutes: cost.DefaultIncident.Minutes(), DurationSeconds: cost.DefaultIncident.Seconds(), Observed: n, Assumed: true}
	}
	return report.AdviceIncident{DowntimeMinutes: most / float64(n), DurationSeconds: secs / float64(n), Observed: n}
}

// dependencyCeiling is budget.Serial of the service's dependencies (an
// any_of item being 1 - Π(1 - aᵢ)); nil without dependencies. A
// dependency naming an unknown SLO is left out with a warning.
func dependencyCeiling(cat *slo.Catalog, svc slo.Service) (*report.Ceiling, []string) {
	if len(svc.Dependencies) == 0 {
		return nil, nil
	}
	var warns []string
	c := &report.Ceiling{Dependencies: []report.DependencyFigure{}}
	var as []float64
	var terms []string
	for _, d := range svc.Dependencies {
		a, ok := d.Ceiling(), d.Ceiling() > 0
		if !ok {
			warns = append(warns, fmt.Sprintf("service %s: dependency %s names an unknown SLO; left out of the ceiling", svc.Name, d.Label()))
			continue
		}
		as = append(as, a)
		c.Dependencies = append(c.Dependencies, report.DependencyFigure{Dependency: d.Label(), Availability: a})
		if len(d.AnyOf) > 0 {
			var parts []string
			for _, x := range d.AnyOf {
				v := x.Ceiling()
				parts = append(parts, "(1 - "+report.Objective(v)+" "+x.Label()+")")
			}
			terms = append(terms, "(1 - "+strings.Join(parts, " x ")+")")
		} else {
			terms = append(terms, report.Objective(a)+" ("+d.Label()+")")
		}
	}
	if len(as) == 0 {
		return nil, warns
	}
	c.Availability = budget.Serial(as...)
	c.Formula = "ceiling = " + strings.Join(terms, " x ") + " = " + report.Percent(c.Availability, 4)
	return c, warns
}

// adviseSLO prices an SLO's candidates and picks the recommendation.
func adviseSLO(svc slo.Service, s slo.SLO, ach report.AchievedSpread, ceiling *report.Ceiling, inc report.AdviceIncident, isSLA bool) report.SLOAdvice {
	m := svc.Cost
	a := report.SLOAdvice{
		Service: svc.Name, SLO: s.Name, Tier: svc.Tier, Owner: report.Owner{Team: svc.Owner.Team, Contact: svc.Owner.Contact},
		Currency: m.Currency, Objective: s.Objective, Achieved: ach, Ceiling: ceiling, Incident: inc,
		Formulas: []string{}, Candidates: []report.AdviceOption{}, Flags: []string{}, Change: report.ChangeNone,
	}
	if !m.Configured() {
		a.Reason = fmt.Sprintf("Service %s has no cost model (cost: with a currency): nothing to price.", svc.Name)
		return a
	}
	in := cost.AdviceInput{
		Model: m, SLO: s.Name, Curve: svc.ReliabilityCost, SLA: isSLA, Ceiling: 1,
		IncidentDowntime: inc.DowntimeMinutes, IncidentDuration: durationOf(inc.DurationSeconds),
	}
	if ceiling != nil {
		in.Ceiling = ceiling.Availability
	}
	floor := 0.0
	if isSLA {
		if f := cost.SLAFloor(m.SLA); f > 0 {
			floor = f
			a.SLAFloor = num(f)
		}
	}
	if svc.ReliabilityCost.Declared() {
		a.ReliabilityCurve = curveText(svc.ReliabilityCost, m.Currency)
	}
	objectives := candidateObjectives(s.Objective)
	opts := make([]cost.Option, len(objectives))
	for i, o := range objectives {
		opts[i] = cost.PriceObjective(in, o)
	}
	rec := cost.Recommend(opts, floor, s.Objective)
	a.Formulas = adviceFormulas(in, opts[0], m, ceiling, inc, isSLA)
	var cur, best *cost.Option
	for i, o := range opts {
		ao := adviceOption(in, o, m.Currency)
		ao.Current = sameObjective(o.Objective, s.Objective)
		ao.Recommended = i == rec
		ao.Eligible = o.Objective >= floor-1e-12
		ao.Flags = adviceFlags(o.Objective, ach, ceiling, floor)
		if ao.Current {
			cur = &opts[i]
			a.Flags = ao.Flags
		}
		if ao.Recommended {
			best = &opts[i]
		}
		a.Candidates = append(a.Candidates, ao)
	}
	switch {
	case !svc.ReliabilityCost.Declared():
		a.Reason = fmt.Sprintf("No reliability_cost declared for service %s or tier %s: the cost of more nines is unknown, so no objective is recommended; the downtime, labor and SLA figures stand.", svc.Name, svc.Tier)
	case best == nil:
		a.Reason = "No candidate objective is at or above the SLA floor."
	default:
		a.Recommended = num(best.Objective)
		a.Saving = num(cur.Total - best.Total)
		switch {
		case sameObjective(best.Objective, s.Objective):
			a.Change = report.ChangeKeep
		case best.Objective > s.Objective:
			a.Change = report.ChangeRaise
		default:
			a.Change = report.ChangeLower
		}
		a.Reason = recommendationReason(a, *best, floor)
	}
	return a
}

// recommendationReason says why the recommendation was chosen.
func recommendationReason(a report.SLOAdvice, best cost.Option, floor float64) string {
	r := fmt.Sprintf("%s costs least: %s a year", report.Objective(best.Objective), report.Money(best.Total, a.Currency))
	if floor > 0 {
		r += fmt.Sprintf(" among the objectives at or above the SLA floor of %s", report.Objective(floor))
		if sameObjective(best.Objective, floor) {
			r += " (held at the floor)"
		}
	}
	switch a.Change {
	case report.ChangeKeep:
		r += "; keep the current objective."
	default:
		r += fmt.Sprintf("; %s from %s saves %s a year.", a.Change, report.Objective(a.Objective), report.Money(*a.Saving, a.Currency))
	}
	return r
}

// candidateObjectives are AdviceCandidates and current, ascending, once each.
func candidateObjectives(current float64) []float64 {
	out := slices.Clone(AdviceCandidates)
	if !slices.ContainsFunc(out, func(o float64) bool { return sameObjective(o, current) }) {
		out = append(out, current)
	}
	sort.Float64s(out)
	return out
}

func sameObjective(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// adviceFlags are the flags of running at objective.
func adviceFlags(objective float64, ach report.AchievedSpread, ceiling *report.Ceiling, floor float64) []string {
	flags := []string{}
	if ceiling != nil && objective > ceiling.Availability+1e-12 {
		flags = append(flags, report.FlagAboveCeiling)
	}
	if ach.Mean != nil {
		d := budget.Nines(objective) - budget.Nines(*ach.Mean)
		switch {
		case d > FarNines:
			flags = append(flags, report.FlagFarAbove)
		case -d > FarNines:
			flags = append(flags, report.FlagFarBelow)
		}
	}
	if objective < floor-1e-12 {
		flags = append(flags, report.FlagBelowSLA)
	}
	return flags
}

// adviceOption is a priced candidate with each figure's formula.
func adviceOption(in cost.AdviceInput, o cost.Option, cur string) report.AdviceOption {
	money := func(v float64) string { return report.Money(v, cur) }
	ao := report.AdviceOption{Objective: o.Objective, EffectiveAvailability: o.Effective}
	eff := report.Objective(o.Objective)
	if o.Effective < o.Objective {
		eff = fmt.Sprintf("min(%s, ceiling %s)", report.Objective(o.Objective), report.Percent(o.Effective, 4))
	}
	ao.DowntimeMinutes = report.Figure{Value: o.DowntimeMinutes,
		Formula: fmt.Sprintf("(1 - %s) x %s min = %s min", eff, yearMinutes(), report.Float(o.DowntimeMinutes, 2))}
	rl := o.Revenue
	ao.DowntimeCost = report.Figure{Value: rl.Amount,
		Formula: fmt.Sprintf("%s min x %s/min x share %s x impact %s x (1 - recovery %s) = %s",
			report.Float(rl.DowntimeMinutes, 2), money(rl.PerMinute), report.Objective(rl.Share), report.Objective(rl.Impact), report.Objective(rl.Recovery), money(rl.Amount))}
	ao.Incidents = report.Figure{Value: o.Incidents,
		Formula: fmt.Sprintf("%s min / %s min per incident = %s", report.Float(o.DowntimeMinutes, 2), report.Float(in.IncidentDowntime, 2), report.Float(o.Incidents, 2))}
	ao.Labor = report.Figure{Value: o.Labor,
		Formula: fmt.Sprintf("%s incidents x (%s labor + %s opportunity) = %s", report.Float(o.Incidents, 2), money(o.LaborPerIncident), money(o.OpportunityPerIncident), money(o.Labor))}
	switch {
	case !in.SLA:
		ao.SLACredits = report.Figure{Formula: "0: the service's SLA does not measure this SLO"}
	case o.HasBand:
		ao.SLACredits = report.Figure{Value: o.Credits,
			Formula: fmt.Sprintf("12 x %s x %s (below %s) = %s", money(in.Model.SLA.MonthlyContractValue), report.Objective(o.Band.Credit), report.Objective(o.Band.Below), money(o.Credits))}
	default:
		ao.SLACredits = report.Figure{Formula: fmt.Sprintf("0: %s is below no credit band", report.Percent(o.Effective, 4))}
	}
	if o.ReliabilityKnown {
		ao.ReliabilityCost = &report.Figure{Value: o.Reliability, Formula: reliabilityFormula(in.Curve, o, cur)}
	}
	tf := fmt.Sprintf("%s + %s + %s", money(rl.Amount), money(o.Labor), money(o.Credits))
	if o.ReliabilityKnown {
		tf += " + " + money(o.Reliability)
	} else {
		tf += " (no reliability cost)"
	}
	ao.Total = report.Figure{Value: o.Total, Formula: tf + " = " + money(o.Total)}
	return ao
}

// reliabilityFormula is the curve's formula at o.
func reliabilityFormula(c slo.ReliabilityCost, o cost.Option, cur string) string {
	n := budget.Nines(o.Objective)
	if len(c.Points) >= 2 {
		i := 0
		for i < len(c.Points)-2 && n > budget.Nines(c.Points[i+1].Objective) {
			i++
		}
		p0, p1 := c.Points[i], c.Points[i+1]
		n0, n1 := budget.Nines(p0.Objective), budget.Nines(p1.Objective)
		return fmt.Sprintf("%s x (%s / %s)^((%s - %s) / (%s - %s)) = %s",
			report.Money(p0.PerYear, cur), report.Money(p1.PerYear, cur), report.Money(p0.PerYear, cur),
			report.Float(n, 3), report.Float(n0, 3), report.Float(n1, 3), report.Float(n0, 3), report.Money(o.Reliability, cur))
	}
	return fmt.Sprintf("%s x %s^(%s - %s nines) = %s", report.Money(c.PerYear, cur), report.Float(c.PerNine, 2),
		report.Float(n, 3), report.Float(budget.Nines(c.At), 3), report.Money(o.Reliability, cur))
}

// curveText describes a curve and where it is declared.
func curveText(c slo.ReliabilityCost, cur string) string {
	var s string
	if len(c.Points) >= 2 {
		var ps []string
		for _, p := range c.Points {
			ps = append(ps, report.Money(p.PerYear, cur)+" at "+report.Objective(p.Objective))
		}
		s = strings.Join(ps, ", ") + ", geometric in nines between them"
	} else {
		s = fmt.Sprintf("%s a year at %s, x%s per nine", report.Money(c.PerYear, cur), report.Objective(c.At), report.Float(c.PerNine, 2))
	}
	return fmt.Sprintf("%s (%s:%d)", s, c.File, c.Line)
}

// adviceFormulas are the formulas of an SLO's figures with its inputs.
func adviceFormulas(in cost.AdviceInput, o cost.Option, m slo.CostModel, ceiling *report.Ceiling, inc report.AdviceIncident, isSLA bool) []string {
	cur := m.Currency
	money := func(v float64) string { return report.Money(v, cur) }
	rl := o.Revenue
	var f []string
	eff := "objective"
	if ceiling != nil {
		eff = "min(objective, ceiling)"
		f = append(f, "C"+strings.TrimPrefix(ceiling.Formula, "c")+" (dependencies in series, any_of redundant).")
	}
	f = append(f, fmt.Sprintf("Downtime/yr = (1 - %s) x %s min.", eff, yearMinutes()))
	f = append(f, fmt.Sprintf("Downtime cost = downtime x %s/min x share %s x impact %s x (1 - recovery %s).",
		money(rl.PerMinute), report.Objective(rl.Share), report.Objective(rl.Impact), report.Objective(rl.Recovery)))
	shape := fmt.Sprintf("the downtime measured per incident, %s", plural(inc.Observed, "incident"))
	if inc.Assumed {
		shape = "assumed: no incident or no downtime measured"
	}
	f = append(f, fmt.Sprintf("Labor = downtime / %s min per incident (%s, lasting %s) x (%s labor + %s opportunity) per incident.",
		report.Float(inc.DowntimeMinutes, 2), shape, report.Duration(durationOf(inc.DurationSeconds)), money(o.LaborPerIncident), money(o.OpportunityPerIncident)))
	if isSLA && m.SLA.MonthlyContractValue > 0 {
		var bands []string
		for _, b := range m.SLA.Credits {
			bands = append(bands, fmt.Sprintf("below %s %s", report.Objective(b.Below), report.Objective(b.Credit)))
		}
		f = append(f, fmt.Sprintf("SLA credits = 12 x %s x the band's credit at %s (%s), every month at it.", money(m.SLA.MonthlyContractValue), eff, strings.Join(bands, ", ")))
	} else {
		f = append(f, "SLA credits: none (no SLA with credits measures this SLO).")
	}
	if in.Curve.Declared() {
		f = append(f, "Reliability = "+curveText(in.Curve, cur)+".")
	} else {
		f = append(f, "Reliability: no reliability_cost declared.")
	}
	return f
}

// durationOf is a number of seconds as a duration.
func durationOf(secs float64) time.Duration { return time.Duration(secs * float64(time.Second)) }

// plural is "1 incident" or "3 incidents".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// yearMinutes is the minutes in a year, grouped: "525,949.2".
func yearMinutes() string {
	m := budget.Year.Minutes()
	return report.Count(math.Floor(m)) + strings.TrimPrefix(report.Float(m-math.Floor(m), 1), "0")
}
