package app

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// DefaultTrend is how many periods `nines summary` shows in its trend.
const DefaultTrend = 4

// MaxTrend is the longest trend asked for: each period is priced.
const MaxTrend = 12

// leader adds the leader's quarter to a summary: the coverage and warnings,
// the trend over req.Trend periods, the baseline and overspend, the top
// risks and the narrative. cur and prev are the summary's priced periods.
func leader(ctx context.Context, env *Env, req PriceRequest, s *report.Summary, cur, prev *report.CostReport, notes *Notes) error {
	s.BaselineOverspend = SplitCost(env.Catalog, cur)
	s.Trend = []report.TrendPeriod{}
	reports := []*report.CostReport{cur}
	if req.Trend > 0 {
		var err error
		if reports, err = TrendReports(ctx, env, req, cur, notes); err != nil {
			return err
		}
		for _, r := range reports {
			s.Trend = append(s.Trend, trendPeriod(env.Catalog, r))
		}
	}
	// The advisor over the same periods: `nines advise` with the summary's
	// period and --quarters gives the same count.
	adv := NewAdvice(env.Catalog, reports)
	s.Advice = &report.AdviceLink{Command: "nines advise", Changes: adv.Changes, Advised: adv.Advised(), SLOs: len(adv.SLOs)}
	if err := risks(ctx, env, req.Selection, cur, s, notes); err != nil {
		return err
	}
	s.Narrative = Narrative(s, cur, prev)
	seen := map[string]bool{}
	for _, w := range s.Warnings {
		seen[w] = true
	}
	for _, w := range notes.Warnings {
		if !seen[w] {
			seen[w] = true
			s.Warnings = append(s.Warnings, w)
		}
	}
	sort.Strings(s.Warnings)
	return nil
}

// toDate reports whether a period was still running when measured.
func toDate(p report.PeriodInfo) bool { return p.ToDate || p.MeasuredTo.Before(p.End) }

// Trend prices the req.Trend periods of the same kind ending with req's
// (cur, already priced), oldest first. Each earlier period is priced on its
// own through PricePeriod, as `nines summary` or `nines cost` would price
// it. Their warnings are left out (their coverage says what they lack);
// their source errors are added to notes.
func Trend(ctx context.Context, env *Env, req PriceRequest, cur *report.CostReport, notes *Notes) ([]report.TrendPeriod, error) {
	reports, err := TrendReports(ctx, env, req, cur, notes)
	if err != nil {
		return nil, err
	}
	out := make([]report.TrendPeriod, len(reports))
	for i, r := range reports {
		out[i] = trendPeriod(env.Catalog, r)
	}
	return out, nil
}

// TrendReports prices the req.Trend periods of the same kind ending with
// req's (cur, already priced), oldest first, as Trend does, and returns
// the priced periods.
func TrendReports(ctx context.Context, env *Env, req PriceRequest, cur *report.CostReport, notes *Notes) ([]*report.CostReport, error) {
	n := req.Trend
	if n > MaxTrend {
		return nil, fmt.Errorf("a trend of %d periods is more than %d", n, MaxTrend)
	}
	if p, err := slo.ParsePeriod(req.Period.Name, env.At, req.Location); err != nil || !p.Start.Equal(req.Period.Start) {
		return nil, fmt.Errorf("a trend needs a calendar quarter or month, not %s", req.Period.Name)
	}
	reports := make([]*report.CostReport, n)
	reports[n-1] = cur
	period := req.Period
	for i := n - 2; i >= 0; i-- {
		period = period.Previous()
		r := req
		r.Period, r.Previous, r.Trend = period, nil, 0
		p, pn, err := PricePeriod(ctx, env, r)
		if err != nil {
			return nil, fmt.Errorf("could not price %s for the trend: %w", period.Name, err)
		}
		notes.Errors = append(notes.Errors, pn.Errors...)
		reports[i] = p.Current
	}
	return reports, nil
}

// trendPeriod is a priced period's line of the trend.
func trendPeriod(cat *slo.Catalog, r *report.CostReport) report.TrendPeriod {
	t := report.TrendPeriod{Period: r.Period, Coverage: r.Coverage, Totals: r.Totals, Split: SplitCost(cat, r).Totals}
	t.LowCoverage = t.Coverage < r.MinCoverage
	var tally sloTally
	var secs float64
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			tally.add(o)
		}
		t.Incidents += s.Incidents
		secs += s.IncidentSeconds
	}
	t.SLOs, t.Met, t.Missed, t.NoData = tally.slos, tally.met, tally.missed, tally.noData
	t.Availability = tally.meanAvailability()
	if t.Incidents > 0 {
		t.MTTRSeconds = num(secs / float64(t.Incidents))
	}
	if t.Totals == nil {
		t.Totals = []report.CurrencyTotal{}
	}
	return t
}

// SplitCost splits each priced service's cost into baseline (what the
// error budgets allowed) and overspend (beyond them), per docs/cost.md
// "Baseline and overspend":
//
//   - per SLO with data, allowed = (1 - objective) x the period's minutes
//     (start to end, to date or not);
//     overspend minutes = max(0, downtime - allowed); its lost revenue's
//     overspend is lost revenue x overspend minutes / downtime;
//   - labor and opportunity: overspend = (labor + opportunity) x the
//     service's overspend minutes / its downtime minutes (0 without
//     downtime);
//   - an SLA credit month is overspend when its availability was below the
//     SLA SLO's objective, baseline otherwise.
//
// Each component's baseline is the component less its overspend, so
// baseline + overspend is the service's total.
func SplitCost(cat *slo.Catalog, r *report.CostReport) report.BaselineOverspend {
	out := report.BaselineOverspend{Services: []report.ServiceSplit{}, Totals: []report.SplitTotal{}}
	sla := SLASLOs(cat)
	// The budget is the whole period's, as budget used counts it: a period
	// to date has overspend once its whole budget is gone.
	minutes := r.Period.End.Sub(r.Period.Start).Minutes()
	totals := map[string]*report.SplitTotal{}
	for _, svc := range r.Services {
		if svc.Cost == nil {
			continue
		}
		b := svc.Cost
		ss := report.ServiceSplit{Service: svc.Service, Tier: svc.Tier, Currency: svc.Currency, SLOs: []report.SLOSplit{}, Credits: []report.CreditSplit{}}
		var lrOver float64
		objective := map[string]float64{}
		for _, o := range svc.SLOs {
			objective[o.SLO] = o.Objective
			if o.DowntimeMinutes == nil {
				continue
			}
			d := *o.DowntimeMinutes
			m, allowed, over := monthlyOverspend(o)
			if len(o.Months) == 0 {
				m, allowed = minutes, (1-o.Objective)*minutes
				over = math.Max(0, d-allowed)
			}
			over = math.Min(over, d)
			sp := report.SLOSplit{SLO: o.SLO, Objective: o.Objective, Minutes: m, AllowedMinutes: allowed, DowntimeMinutes: d, OverspendMinutes: over}
			if o.LostRevenue != nil {
				lo := 0.0
				if d > 0 {
					lo = *o.LostRevenue * over / d
				}
				sp.LostRevenue, sp.LostRevenueOverspend = num(*o.LostRevenue), num(lo)
				lrOver += lo
			}
			ss.DowntimeMinutes += d
			ss.OverspendMinutes += over
			ss.SLOs = append(ss.SLOs, sp)
		}
		if ss.DowntimeMinutes > 0 {
			ss.OverspendShare = ss.OverspendMinutes / ss.DowntimeMinutes
		}
		ss.LostRevenue = report.SplitAmount{Baseline: b.LostRevenue - lrOver, Overspend: lrOver}
		fixed := b.Labor + b.Opportunity
		ss.Fixed = report.SplitAmount{Baseline: fixed - fixed*ss.OverspendShare, Overspend: fixed * ss.OverspendShare}
		var crOver float64
		obj := objective[sla[svc.Service]]
		for _, c := range b.Credits {
			cs := report.CreditSplit{Month: c.Month, Availability: c.Availability, Objective: obj, Amount: c.Amount, Overspend: c.Availability < obj}
			if cs.Overspend {
				crOver += c.Amount
			}
			ss.Credits = append(ss.Credits, cs)
		}
		ss.SLACredits = report.SplitAmount{Baseline: b.SLACredits - crOver, Overspend: crOver}
		ss.Baseline = ss.LostRevenue.Baseline + ss.Fixed.Baseline + ss.SLACredits.Baseline
		ss.Overspend = ss.LostRevenue.Overspend + ss.Fixed.Overspend + ss.SLACredits.Overspend
		ss.Total = b.Total
		out.Services = append(out.Services, ss)
		t := totals[ss.Currency]
		if t == nil {
			t = &report.SplitTotal{Currency: ss.Currency}
			totals[ss.Currency] = t
		}
		t.Baseline += ss.Baseline
		t.Overspend += ss.Overspend
		t.Total += ss.Total
	}
	for _, t := range totals {
		out.Totals = append(out.Totals, *t)
	}
	sort.Slice(out.Totals, func(i, j int) bool { return out.Totals[i].Currency < out.Totals[j].Currency })
	return out
}

// monthlyOverspend judges an SLO with a calendar-month window month by
// month, as its objective is: each month allows (1 - objective) x the
// month's minutes, and its downtime beyond that, (budget used - 1) x the
// allowance, is overspend. It returns the months' minutes, their
// allowance and the overspend summed (zeros without months).
func monthlyOverspend(o report.SLOCost) (minutes, allowed, over float64) {
	for _, mo := range o.Months {
		mm := mo.End.Sub(mo.Start).Minutes()
		a := (1 - o.Objective) * mm
		minutes += mm
		allowed += a
		if mo.BudgetUsed != nil {
			over += math.Max(0, *mo.BudgetUsed-1) * a
		}
	}
	return minutes, allowed, over
}

// risks evaluates the selected SLOs over their own windows at the earlier
// of the period's end and env.At (as `nines burn` would) and ranks them.
func risks(ctx context.Context, env *Env, sel Selection, cur *report.CostReport, s *report.Summary, notes *Notes) error {
	at := env.At
	if cur.Period.End.Before(at) {
		at = cur.Period.End
	}
	e := *env
	e.At = at
	b, bn, err := Burn(ctx, &e, EvalRequest{Selection: sel})
	if err != nil {
		return fmt.Errorf("could not evaluate the risks at %s: %w", at.UTC().Format(time.RFC3339), err)
	}
	notes.warn(bn.Warnings...)
	notes.Errors = append(notes.Errors, bn.Errors...)
	s.RisksAt = at.UTC()
	s.TopRisks, s.Unranked = RankRisks(b.SLOs)
	return nil
}

// RankRisks ranks SLO statuses by how soon they run out of budget: first
// those whose budget is gone (least left first), then those that exhaust
// it at their 1h burn rate (soonest first), then the rest (least budget
// left first); ties by service and SLO. It returns the first
// report.TopRisks and how many had no budget to rank (no data or error).
func RankRisks(ss []report.SLOStatus) ([]report.Risk, int) {
	var rs []report.Risk
	unranked := 0
	for _, s := range ss {
		if s.BudgetLeft == nil {
			unranked++
			continue
		}
		r := report.Risk{Service: s.Service, SLO: s.SLO, Tier: s.Tier, Owner: s.Owner, Objective: s.Objective, Window: s.Window,
			BudgetLeft: s.BudgetLeft, BudgetLeftMinutes: s.BudgetLeftMinutes, TimeToExhaustionSeconds: s.TimeToExhaustionSeconds,
			Condition: s.Condition, Coverage: s.Coverage}
		for _, br := range s.BurnRates {
			if br.Seconds == 3600 {
				r.BurnRate1h = br.BurnRate
			}
		}
		switch {
		case *s.BudgetLeft <= 0:
			r.Reason = "budget gone"
		case s.TimeToExhaustionSeconds != nil:
			r.Reason = "runs out in " + report.Duration(time.Duration(*s.TimeToExhaustionSeconds*float64(time.Second))) + " at the 1h burn rate"
		default:
			r.Reason = report.Percent(*s.BudgetLeft, 1) + " of the budget left, not burning it faster than it refills"
		}
		rs = append(rs, r)
	}
	group := func(r report.Risk) int {
		switch {
		case *r.BudgetLeft <= 0:
			return 0
		case r.TimeToExhaustionSeconds != nil:
			return 1
		}
		return 2
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ga, gb := group(a), group(b); ga != gb {
			return ga < gb
		}
		if group(a) == 1 && *a.TimeToExhaustionSeconds != *b.TimeToExhaustionSeconds {
			return *a.TimeToExhaustionSeconds < *b.TimeToExhaustionSeconds
		}
		if *a.BudgetLeft != *b.BudgetLeft {
			return *a.BudgetLeft < *b.BudgetLeft
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.SLO < b.SLO
	})
	if len(rs) > report.TopRisks {
		rs = rs[:report.TopRisks]
	}
	for i := range rs {
		rs[i].Rank = i + 1
	}
	if rs == nil {
		rs = []report.Risk{}
	}
	return rs, unranked
}

// Narrative is the summary in a few sentences, built only from its figures
// (no randomness, no clock): SLOs met and missed, incidents, cost and its
// overspend, the comparison with the previous period (or why there is
// none), the trend's coverage and the top risk.
func Narrative(s *report.Summary, cur, prev *report.CostReport) string {
	var out []string
	name := cur.Period.Name
	if toDate(cur.Period) {
		name += " to date"
	}
	slos, met, noData := 0, 0, 0
	for _, t := range s.Tiers {
		slos += t.SLOs
		met += t.Met
		noData += t.NoData
	}
	first := fmt.Sprintf("In %s, %d of %d SLOs met their objectives", name, met, slos)
	if len(s.Missed) > 0 {
		var ms []string
		for i, m := range s.Missed {
			if i == 3 {
				ms = append(ms, fmt.Sprintf("%d more", len(s.Missed)-3))
				break
			}
			ms = append(ms, fmt.Sprintf("%s missed its %s objective (%s against %s)", m.Service, m.SLO, report.Percent(m.Achieved, 3), report.Objective(m.Objective)))
		}
		first += "; " + joinAnd(ms)
	}
	if noData > 0 {
		first += fmt.Sprintf("; %d had no data", noData)
	}
	out = append(out, first+".")
	n, secs := 0, 0.0
	for _, svc := range cur.Services {
		n += svc.Incidents
		secs += svc.IncidentSeconds
	}
	switch n {
	case 0:
		out = append(out, "There were no incidents.")
	case 1:
		out = append(out, fmt.Sprintf("There was 1 incident, restored in %s.", report.Duration(time.Duration(secs*float64(time.Second)))))
	default:
		out = append(out, fmt.Sprintf("There were %d incidents, restored in %s on average.", n, report.Duration(time.Duration(secs/float64(n)*float64(time.Second)))))
	}
	for _, t := range s.BaselineOverspend.Totals {
		l := fmt.Sprintf("Downtime cost %s", report.Money(t.Total, t.Currency))
		if t.Total > 0 {
			l += fmt.Sprintf(", of which %s (%s) was spent beyond the error budgets", report.Money(t.Overspend, t.Currency), report.Percent(t.Overspend/t.Total, 0))
		}
		out = append(out, l+".")
	}
	if prev != nil {
		if s.Comparison.Available {
			out = append(out, comparison(s.Comparison.With, cur, prev))
		} else {
			out = append(out, fmt.Sprintf("Comparison with %s n/a: %s.", s.Comparison.With, s.Comparison.Reason))
		}
	}
	if len(s.Trend) > 1 {
		ok := 0
		for _, t := range s.Trend {
			if !t.LowCoverage {
				ok++
			}
		}
		verb := "have"
		if ok == 1 {
			verb = "has"
		}
		out = append(out, fmt.Sprintf("Of the %d periods from %s to %s, %d %s at least %s data coverage.",
			len(s.Trend), s.Trend[0].Period.Name, s.Trend[len(s.Trend)-1].Period.Name, ok, verb, report.Percent(s.MinCoverage, 0)))
	}
	at := s.RisksAt.UTC().Format("2006-01-02 15:04 UTC")
	if len(s.TopRisks) > 0 {
		r := s.TopRisks[0]
		l := fmt.Sprintf("Top risk at %s: %s %s, %s of its budget left", at, r.Service, r.SLO, report.Percent(*r.BudgetLeft, 1))
		if *r.BudgetLeft <= 0 {
			l = fmt.Sprintf("Top risk at %s: %s %s, its budget gone (%s left)", at, r.Service, r.SLO, report.Percent(*r.BudgetLeft, 1))
		}
		if r.TimeToExhaustionSeconds != nil {
			l += fmt.Sprintf(", running out in %s at its 1h burn rate", report.Duration(time.Duration(*r.TimeToExhaustionSeconds*float64(time.Second))))
			if r.BurnRate1h != nil {
				l += fmt.Sprintf(" (%sx)", report.Float(*r.BurnRate1h, 1))
			}
		}
		out = append(out, l+".")
	} else {
		out = append(out, fmt.Sprintf("No SLO has data to rank as a risk at %s.", at))
	}
	return strings.Join(out, " ")
}

// comparison is the narrative's sentence comparing two comparable periods.
func comparison(with string, cur, prev *report.CostReport) string {
	var parts []string
	for _, t := range cur.Totals {
		for _, p := range prev.Totals {
			if p.Currency != t.Currency {
				continue
			}
			switch {
			case p.Total == 0 && t.Total == 0:
				parts = append(parts, fmt.Sprintf("cost stayed at %s", report.Money(0, t.Currency)))
			case p.Total == 0:
				parts = append(parts, fmt.Sprintf("cost rose from %s", report.Money(0, t.Currency)))
			case t.Total > p.Total:
				parts = append(parts, fmt.Sprintf("cost rose %s from %s", report.Percent((t.Total-p.Total)/p.Total, 0), report.Money(p.Total, p.Currency)))
			case t.Total < p.Total:
				parts = append(parts, fmt.Sprintf("cost fell %s from %s", report.Percent((p.Total-t.Total)/p.Total, 0), report.Money(p.Total, p.Currency)))
			default:
				parts = append(parts, fmt.Sprintf("cost stayed at %s", report.Money(t.Total, t.Currency)))
			}
		}
	}
	pn := 0
	for _, svc := range prev.Services {
		pn += svc.Incidents
	}
	cn := 0
	for _, svc := range cur.Services {
		cn += svc.Incidents
	}
	parts = append(parts, fmt.Sprintf("incidents went from %d to %d", pn, cn))
	return fmt.Sprintf("Against %s, %s.", with, joinAnd(parts))
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
