package app

import (
	"sort"
	"sync"
	"time"

	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// Coverage is the part of its measured period an evaluation has data for:
// slo.Evaluation.Coverage when the SLI has data (insufficient data
// included), 0 without data or when the source failed.
func Coverage(e slo.Evaluation) float64 {
	if e.Err != nil || e.SLI.State == slo.NoData || e.SLI.State == "" {
		return 0
	}
	return e.Coverage
}

// meets reports whether an evaluation with data reached its objective.
func meets(e slo.Evaluation) bool {
	return e.Status.ErrorRatio <= (1-e.SLO.Objective)*(1+1e-9)
}

// meanCoverage is the mean coverage of every SLO of the services: the
// coverage of a priced period.
func meanCoverage(services []report.ServiceCost) float64 {
	sum, n := 0.0, 0
	for _, s := range services {
		for _, o := range s.SLOs {
			sum += o.Coverage
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// judgeMonths turns an SLO's monthly evaluations into its months, and
// judges the SLO over the period: met only when every month with data met
// its objective; met is the period's own verdict when no month has data.
func judgeMonths(ms []slo.Evaluation, met *bool) ([]report.SLOMonth, *bool) {
	out := make([]report.SLOMonth, 0, len(ms))
	withData, all := 0, true
	for _, e := range ms {
		m := report.SLOMonth{Month: e.Period, Start: e.Start.UTC(), End: e.Start.Add(e.Length).UTC(), DataState: string(e.SLI.State), Coverage: Coverage(e), Path: e.Path}
		switch {
		case e.Err != nil:
			m.DataState = report.ConditionError
		case e.SLI.State == slo.DataOK:
			ok := meets(e)
			m.Availability, m.BudgetUsed, m.Met = num(e.Status.Availability), num(e.Status.BudgetUsed), &ok
			withData++
			all = all && ok
		}
		out = append(out, m)
	}
	if withData == 0 {
		return out, met
	}
	return out, &all
}

// monthlyJudged reports whether an SLO is judged month by month over a
// period: its window is a calendar month and the period is a calendar
// quarter in loc. Over any other period (a month, a rolling window, from
// and to) and for any other window, an SLO is judged on the period's own
// measurement.
func monthlyJudged(s slo.SLO, period slo.Period, loc *time.Location) bool {
	if s.Window.Calendar != slo.Month {
		return false
	}
	q := slo.CalendarPeriod(slo.Quarter, period.Start, loc)
	return q.Start.Equal(period.Start) && q.End.Equal(period.End)
}

// sloMonths evaluates each SLO judged month by month (monthlyJudged) over
// each of its calendar months, in the SLO's own time zone, that lie
// mostly inside the period: more than half of the month's part measured
// (up to the evaluation time) is in the period. Months not started at the
// evaluation time are left out. The result is keyed by SLO ID.
func (p *pricer) sloMonths(period slo.Period, end time.Time) map[string][]slo.Evaluation {
	type month struct {
		period slo.Period
		slos   []slo.SLO
	}
	months := map[int64]*month{}
	for _, s := range p.slos {
		if !monthlyJudged(s, period, p.loc) {
			continue
		}
		loc := s.Window.Location
		if loc == nil {
			loc = time.UTC
		}
		for t := period.Start; t.Before(end); {
			m := slo.CalendarPeriod(slo.Month, t, loc)
			t = m.End
			measured := minTime(m.End, p.at)
			if !m.Start.Before(measured) {
				continue
			}
			inside := minTime(measured, period.End).Sub(maxTime(m.Start, period.Start))
			if 2*inside <= measured.Sub(m.Start) {
				continue
			}
			k := m.Start.UnixNano()
			if months[k] == nil {
				months[k] = &month{period: m}
			}
			months[k].slos = append(months[k].slos, s)
		}
	}
	if len(months) == 0 {
		return nil
	}
	var list []*month
	for _, m := range months {
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].period.Start.Before(list[j].period.Start) })
	evals := make([][]slo.Evaluation, len(list))
	var wg sync.WaitGroup
	for i, m := range list {
		wg.Go(func() {
			evals[i] = slo.Evaluate(p.ctx, p.src, m.slos, slo.EvalOptions{At: p.at, Period: &m.period, WindowOnly: true, Recorded: p.env.Recorded})
		})
	}
	wg.Wait()
	out := map[string][]slo.Evaluation{}
	for _, es := range evals {
		for _, e := range es {
			out[e.SLO.ID()] = append(out[e.SLO.ID()], e)
		}
	}
	return out
}

// slaMonths are the months of a service's SLA as numbers: the SLA SLO's
// availability and coverage over each calendar month, the band it fell
// below, the credit rate and the credit for the month's share of the
// period. A month without data has a null availability and no credit.
func slaMonths(svc slo.Service, months []MonthEvaluation) []report.SLAMonth {
	m := svc.Cost
	if !m.Configured() || !hasSLACredits(m) {
		return nil
	}
	name := slaSLO(svc)
	var out []report.SLAMonth
	for _, mo := range months {
		for _, e := range mo.Evals {
			if e.SLO.Service != svc.Name || e.SLO.Name != name {
				continue
			}
			row := report.SLAMonth{
				Service: svc.Name, SLO: name, Month: mo.Month.Name, Start: mo.Month.Start.UTC(), End: mo.Month.End.UTC(),
				Currency: m.Currency, Coverage: Coverage(e), Path: e.Path, MonthlyContractValue: m.SLA.MonthlyContractValue, Share: mo.Share,
			}
			if e.Err == nil && e.SLI.State == slo.DataOK {
				c := cost.Credit(m, mo.Month.Name, e.Status.Availability, mo.Share)
				row.Availability, row.CreditRate, row.Credit = num(e.Status.Availability), c.Rate, c.Amount
				if c.Rate > 0 {
					below := c.Below
					row.BandBelow = &below
				}
			}
			out = append(out, row)
		}
	}
	return out
}
