package app

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// Summarize prices req's period and the one before it (req.Previous; the
// period before of the same kind when nil) and compares them: the
// leadership one-pager of `nines summary`. Source errors of either period
// are in Notes.
func Summarize(ctx context.Context, env *Env, req PriceRequest) (*report.Summary, Notes, error) {
	if req.Previous == nil {
		prev := req.Period.Previous()
		req.Previous = &prev
	}
	p, notes, err := PricePeriod(ctx, env, req)
	if err != nil {
		return nil, notes, err
	}
	s := NewSummary(env.Catalog, p.Current, p.Previous)
	if err := leader(ctx, env, req, s, p.Current, p.Previous, &notes); err != nil {
		return nil, notes, err
	}
	return s, notes, nil
}

// NewSummary compares the period's report with the previous period's (nil
// when there is none). A change is shown only where both periods have
// enough data (cur.MinCoverage): the periods for the headline, the tier,
// service or SLO (the mean coverage of its SLOs) for its row; elsewhere it
// is null, with the reason.
func NewSummary(cat *slo.Catalog, cur, prev *report.CostReport) *report.Summary {
	s := &report.Summary{
		At: cur.At, Source: cur.Source, Period: cur.Period,
		Tiers: TierSummaries(cat, cur), Services: []report.ServiceSummary{}, TopCostDrivers: []report.CostDriver{}, Missed: []report.MissedSLO{},
		Totals: cur.Totals, PreviousTotals: []report.CurrencyTotal{},
		Coverage: cur.Coverage, MinCoverage: cur.MinCoverage, Warnings: summaryWarnings(cur, prev),
	}
	cmp := compare{min: cur.MinCoverage, cur: cur.Period.Name}
	if prev != nil {
		s.PreviousPeriod, s.PreviousTotals = prev.Period, prev.Totals
		s.PreviousCoverage = num(prev.Coverage)
		cmp.prev = prev.Period.Name
		s.Comparison = report.Comparison{With: prev.Period.Name, MeasuredTo: prev.Period.MeasuredTo}
		if cur.Period.ToDate && prev.Period.MeasuredTo.Before(prev.Period.End) {
			s.Comparison.LikeForLike = true
			s.Comparison.With = prev.Period.Name + " to the same day"
		}
		cmp.reason = cmp.why(cur.Coverage, prev.Coverage, "")
		s.Comparison.Available = cmp.reason == ""
		s.Comparison.Reason = cmp.reason
		prevTiers := map[string]report.TierSummary{}
		for _, t := range TierSummaries(cat, prev) {
			prevTiers[t.Tier] = t
		}
		for i := range s.Tiers {
			t := &s.Tiers[i]
			p, ok := prevTiers[t.Tier]
			if !ok {
				continue
			}
			if t.ComparisonReason = cmp.why(t.Coverage, p.Coverage, "tier "+t.Tier); t.ComparisonReason != "" {
				continue
			}
			t.Previous = &report.TierTrend{Availability: p.Availability, Incidents: num(float64(p.Incidents)), MTTRSeconds: p.MTTRSeconds, Cost: p.Cost}
			t.Change = &report.TierTrend{
				Availability: diff(t.Availability, p.Availability),
				Incidents:    num(float64(t.Incidents - p.Incidents)),
				MTTRSeconds:  diff(t.MTTRSeconds, p.MTTRSeconds),
				Cost:         map[string]float64{},
			}
			for c, v := range t.Cost {
				if pv, ok := p.Cost[c]; ok {
					t.Change.Cost[c] = v - pv
				}
			}
		}
	}
	for _, svc := range cur.Services {
		ss := report.ServiceSummary{Service: svc.Service, Tier: svc.Tier, Owner: svc.Owner, Currency: svc.Currency, SLOs: []report.SLOSummary{},
			Incidents: svc.Incidents, MTTRSeconds: svc.MTTRSeconds, MTBFSeconds: svc.MTBFSeconds, Coverage: meanCoverage([]report.ServiceCost{svc})}
		if svc.Cost != nil {
			ss.Cost = num(svc.Cost.Total)
		}
		var ps *report.ServiceCost
		if prev != nil {
			if p, ok := prev.Service(svc.Service); ok {
				ps = &p
				ss.ComparisonReason = cmp.why(ss.Coverage, meanCoverage([]report.ServiceCost{p}), svc.Service)
				if ss.ComparisonReason == "" {
					n := p.Incidents
					ss.PreviousIncidents = &n
					if p.Cost != nil && p.Currency == svc.Currency {
						ss.PreviousCost = num(p.Cost.Total)
						ss.CostChange = diff(ss.Cost, ss.PreviousCost)
					}
				}
			}
		}
		for _, o := range svc.SLOs {
			so := report.SLOSummary{SLO: o.SLO, Objective: o.Objective, DataState: o.DataState, Achieved: o.Availability, Nines: o.Nines, BudgetUsed: o.BudgetUsed, Met: o.Met,
				Coverage: o.Coverage, Months: o.Months, Path: o.Path, PathReason: o.PathReason, Adjustments: o.Adjustments, Raw: o.Raw}
			if ps != nil {
				for _, po := range ps.SLOs {
					if po.SLO == o.SLO {
						so.PreviousPath = po.Path
						so.PreviousCoverage = num(po.Coverage)
						if so.ComparisonReason = cmp.why(o.Coverage, po.Coverage, svc.Service+"/"+o.SLO); so.ComparisonReason == "" {
							so.Previous = po.Availability
							so.Change = diff(o.Availability, po.Availability)
						}
					}
				}
			}
			ss.SLOs = append(ss.SLOs, so)
			if o.Met != nil && !*o.Met {
				achieved, month, used := worstMonth(o)
				s.Missed = append(s.Missed, report.MissedSLO{Service: svc.Service, SLO: o.SLO, Tier: svc.Tier, Owner: svc.Owner,
					Objective: o.Objective, Achieved: achieved, BudgetUsed: used, Month: month})
			}
		}
		s.Services = append(s.Services, ss)
	}
	s.TopCostDrivers = costDrivers(cur)
	s.Headline = headline(s, cur, prev)
	return s
}

// worstMonth is what a missed SLO achieved and the budget it used: over
// the period, or, judged month by month, in its worst month (named).
func worstMonth(o report.SLOCost) (float64, string, *float64) {
	var worst *report.SLOMonth
	for i, m := range o.Months {
		if m.Met != nil && !*m.Met && m.Availability != nil && (worst == nil || *m.Availability < *worst.Availability) {
			worst = &o.Months[i]
		}
	}
	switch {
	case worst != nil:
		return *worst.Availability, worst.Month, worst.BudgetUsed
	case o.Availability != nil:
		return *o.Availability, "", o.BudgetUsed
	}
	return 0, "", o.BudgetUsed
}

// compare decides whether two figures may be compared: both periods'
// coverage is at least min.
type compare struct {
	min       float64
	cur, prev string
	// reason is why the periods as a whole are not compared, if not.
	reason string
}

// why is the reason a comparison of what (a tier, service or SLO; empty
// for the periods) cannot be made, from its coverage in each period, or
// "" when it can.
func (c compare) why(cur, prev float64, what string) string {
	if c.reason != "" {
		return c.reason
	}
	var parts []string
	for _, p := range []struct {
		name string
		cov  float64
	}{{c.cur, cur}, {c.prev, prev}} {
		if p.cov < c.min {
			parts = append(parts, fmt.Sprintf("%s has data for %s of its time", p.name, report.Percent(p.cov, 0)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	r := strings.Join(parts, " and ")
	if what != "" {
		r = what + ": " + r
	}
	return r + fmt.Sprintf(" (a comparison needs %s)", report.Percent(c.min, 0))
}

// summaryWarnings are the warnings of both reports, each once, sorted.
func summaryWarnings(cur, prev *report.CostReport) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, r := range []*report.CostReport{cur, prev} {
		if r == nil {
			continue
		}
		for _, w := range r.Warnings {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	sort.Strings(out)
	return out
}

// diff is a - b, or nil when either is missing.
func diff(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	return num(*a - *b)
}

// TierSummaries aggregates a report per tier, in the catalog's tier order
// (by name), for the tiers with selected services.
func TierSummaries(cat *slo.Catalog, r *report.CostReport) []report.TierSummary {
	var names []string
	for n := range cat.Tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	spans := map[string][][2]time.Time{}
	for _, i := range r.Incidents {
		if !i.Planned {
			spans[i.Tier] = append(spans[i.Tier], [2]time.Time{i.Start, i.End})
		}
	}
	var out []report.TierSummary
	for _, name := range names {
		t := report.TierSummary{Tier: name, Objective: cat.Tiers[name].Objective, Cost: map[string]float64{}}
		var tally sloTally
		var sumCov, incidentSeconds float64
		for _, svc := range r.Services {
			if svc.Tier != name {
				continue
			}
			for _, o := range svc.SLOs {
				tally.add(o)
				sumCov += o.Coverage
				if o.BudgetUsed != nil && (t.WorstBudgetUsed == nil || *o.BudgetUsed > *t.WorstBudgetUsed) {
					t.WorstBudgetUsed = num(*o.BudgetUsed)
				}
				if o.DowntimeMinutes != nil {
					t.DowntimeMinutes += *o.DowntimeMinutes
				}
			}
			t.Incidents += svc.Incidents
			incidentSeconds += svc.IncidentSeconds
			if svc.Cost != nil {
				t.Cost[svc.Currency] += svc.Cost.Total
			}
		}
		if tally.slos == 0 {
			continue
		}
		t.SLOs, t.Met, t.Missed, t.NoData = tally.slos, tally.met, tally.missed, tally.noData
		t.Coverage = sumCov / float64(t.SLOs)
		if a := tally.meanAvailability(); a != nil {
			t.Availability, t.Nines = a, num(budget.Nines(*a))
		}
		if t.Incidents > 0 {
			mttr := incidentSeconds / float64(t.Incidents)
			mtbf := math.Max(0, r.Period.Minutes*60-unionSeconds(spans[name])) / float64(t.Incidents)
			t.MTTRSeconds, t.MTBFSeconds = &mttr, &mtbf
		}
		out = append(out, t)
	}
	return out
}

// unionSeconds is the length of the union of spans.
func unionSeconds(spans [][2]time.Time) float64 {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0].Before(spans[j][0]) })
	var total time.Duration
	var cur [2]time.Time
	for i, s := range spans {
		if i == 0 || s[0].After(cur[1]) {
			if i > 0 {
				total += cur[1].Sub(cur[0])
			}
			cur = s
			continue
		}
		if s[1].After(cur[1]) {
			cur[1] = s[1]
		}
	}
	if len(spans) > 0 {
		total += cur[1].Sub(cur[0])
	}
	return total.Seconds()
}

// costDrivers ranks the services by cost, within each currency's total.
func costDrivers(r *report.CostReport) []report.CostDriver {
	totals := map[string]float64{}
	for _, t := range r.Totals {
		totals[t.Currency] = t.Total
	}
	var out []report.CostDriver
	for _, s := range r.Services {
		if s.Cost == nil || s.Cost.Total <= 0 {
			continue
		}
		d := report.CostDriver{Service: s.Service, Tier: s.Tier, Currency: s.Currency, Cost: s.Cost.Total}
		if t := totals[s.Currency]; t > 0 {
			d.Share = s.Cost.Total / t
		}
		for _, c := range []struct {
			name string
			v    float64
		}{{"lost_revenue", s.Cost.LostRevenue}, {"labor", s.Cost.Labor}, {"opportunity", s.Cost.Opportunity}, {"sla_credits", s.Cost.SLACredits}} {
			if c.v > d.ComponentCost {
				d.Component, d.ComponentCost = c.name, c.v
			}
		}
		for _, i := range r.Incidents {
			if i.Service == s.Service && i.Cost != nil && i.Cost.Total > d.LargestIncidentCost {
				d.LargestIncident, d.LargestIncidentCost = i.ID, i.Cost.Total
			}
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Share != out[j].Share {
			return out[i].Share > out[j].Share
		}
		return out[i].Service < out[j].Service
	})
	if len(out) > report.TopCostDrivers {
		out = out[:report.TopCostDrivers]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	if out == nil {
		out = []report.CostDriver{}
	}
	return out
}

// headline is the one-pager's opening: SLOs met, data coverage,
// incidents, MTTR and cost, each against the previous period when the
// comparison can be made ("n/a" and the reason when it cannot).
func headline(s *report.Summary, cur, prev *report.CostReport) []string {
	slos, met := 0, 0
	for _, t := range s.Tiers {
		slos += t.SLOs
		met += t.Met
	}
	name := cur.Period.Name
	if cur.Period.ToDate {
		name += " to date"
	}
	var lines []string
	lines = append(lines, fmt.Sprintf("%d of %d SLOs met their objectives in %s.", met, slos, name))
	lines = append(lines, coverageLine(cur))
	with, prevNote := s.Comparison.With, ""
	if prev != nil && !s.Comparison.Available {
		prevNote = fmt.Sprintf(" (%s: n/a)", with)
		lines = append(lines, fmt.Sprintf("No comparison with %s: %s.", with, s.Comparison.Reason))
	}
	n, secs := 0, 0.0
	for _, i := range cur.Incidents {
		if !i.Planned {
			n++
			secs += i.DurationSeconds
		}
	}
	inc := fmt.Sprintf("%d incidents", n)
	if n == 1 {
		inc = "1 incident"
	}
	if n > 0 {
		inc += fmt.Sprintf(", restored in %s on average", report.Duration(time.Duration(secs/float64(n)*float64(time.Second))))
	}
	switch {
	case prevNote != "":
		inc += prevNote
	case prev != nil:
		inc += fmt.Sprintf(" (%s: %d)", with, incidentCount(prev))
	}
	lines = append(lines, inc+".")
	for _, t := range cur.Totals {
		l := fmt.Sprintf("Downtime cost %s: %s lost revenue, %s labor, %s opportunity, %s SLA credits",
			report.Money(t.Total, t.Currency), report.Money(t.LostRevenue, t.Currency), report.Money(t.Labor, t.Currency), report.Money(t.Opportunity, t.Currency), report.Money(t.SLACredits, t.Currency))
		switch {
		case prevNote != "":
			l += prevNote
		case prev != nil:
			for _, p := range prev.Totals {
				if p.Currency == t.Currency {
					l += fmt.Sprintf(" (%s: %s", with, report.Money(p.Total, p.Currency))
					if p.Total > 0 {
						l += fmt.Sprintf(", %s", signedPercent((t.Total-p.Total)/p.Total))
					}
					l += ")"
				}
			}
		}
		lines = append(lines, l+".")
	}
	if len(s.Missed) > 0 {
		var names []string
		for _, m := range s.Missed {
			names = append(names, m.Service+"/"+m.SLO)
		}
		lines = append(lines, "Missed: "+strings.Join(names, ", ")+".")
	}
	return lines
}

// coverageLine states the period's data coverage and names the SLOs
// under the minimum.
func coverageLine(r *report.CostReport) string {
	var low []string
	for _, svc := range r.Services {
		for _, o := range svc.SLOs {
			if o.Coverage < r.MinCoverage {
				low = append(low, fmt.Sprintf("%s/%s %s", svc.Service, o.SLO, report.Percent(o.Coverage, 0)))
			}
		}
	}
	l := fmt.Sprintf("Data coverage %s of the period", report.Percent(r.Coverage, 1))
	if len(low) == 0 {
		return l + fmt.Sprintf("; every SLO at least %s.", report.Percent(r.MinCoverage, 0))
	}
	return l + fmt.Sprintf("; under %s: %s.", report.Percent(r.MinCoverage, 0), strings.Join(low, ", "))
}

func signedPercent(r float64) string {
	s := report.Percent(r, 0)
	if r > 0 {
		return "+" + s
	}
	return s
}

// incidentCount counts a report's incidents, planned intervals left out.
func incidentCount(r *report.CostReport) int {
	n := 0
	for _, i := range r.Incidents {
		if !i.Planned {
			n++
		}
	}
	return n
}

// sloTally counts SLOs by whether they met their objective and averages
// the availability of those with data.
type sloTally struct {
	slos, met, missed, noData int
	withData                  int
	sumAvailability           float64
}

func (t *sloTally) add(o report.SLOCost) {
	t.slos++
	switch {
	case o.Met == nil:
		t.noData++
	case *o.Met:
		t.met++
	default:
		t.missed++
	}
	if o.Availability != nil {
		t.sumAvailability += *o.Availability
		t.withData++
	}
}

// meanAvailability is the mean availability of the SLOs with data, or nil.
func (t *sloTally) meanAvailability() *float64 {
	if t.withData == 0 {
		return nil
	}
	return num(t.sumAvailability / float64(t.withData))
}
