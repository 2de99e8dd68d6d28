package app

import (
	"context"

	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// Report prices req's period for `nines report`: the priced period with
// the tiers aggregated and each service's cost model, ready to write as a
// workbook or as its tables. Source errors are in Notes.
func Report(ctx context.Context, env *Env, req PriceRequest) (*report.PeriodReport, Notes, error) {
	req.Previous = nil
	p, notes, err := PricePeriod(ctx, env, req)
	if err != nil {
		return nil, notes, err
	}
	out := NewPeriodReport(env.Catalog, p.Current)
	var reports []*report.CostReport
	if req.Trend > 0 {
		if reports, err = TrendReports(ctx, env, req, p.Current, &notes); err != nil {
			return nil, notes, err
		}
		for _, r := range reports {
			out.Trend = append(out.Trend, trendPeriod(env.Catalog, r))
		}
	}
	if req.Advice > 0 {
		if req.Advice != req.Trend {
			r := req
			r.Trend = req.Advice
			if reports, err = TrendReports(ctx, env, r, p.Current, &notes); err != nil {
				return nil, notes, err
			}
		}
		out.Advice = NewAdvice(env.Catalog, reports)
		out.Advice.At, out.Advice.Source = env.At.UTC(), p.Current.Source
	}
	return out, notes, nil
}

// NewPeriodReport adds to a priced period what its workbook needs from the
// catalog: the tiers aggregated and the cost model of each priced service.
func NewPeriodReport(cat *slo.Catalog, r *report.CostReport) *report.PeriodReport {
	out := &report.PeriodReport{Cost: r, Tiers: TierSummaries(cat, r)}
	for _, sc := range r.Services {
		var svc slo.Service
		for _, s := range cat.Services {
			if s.Name == sc.Service {
				svc = s
			}
		}
		m := svc.Cost
		sm := report.ServiceModel{Service: sc.Service, Tier: sc.Tier, Model: m, RatePerMinute: cost.RatePerMinute(m.Revenue)}
		if hasSLACredits(m) {
			sm.SLASLO = slaSLO(svc)
		}
		out.Models = append(out.Models, sm)
	}
	return out
}
