package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

type summaryOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	period periodFlags
	det    detectionFlags
	output string
	// quarters is the length of the trend (0: none).
	quarters int
	format   report.Format
	now      func() time.Time
}

func newSummaryCmd(g *globalOptions, s *streams, runF func(*summaryOptions) error) *cobra.Command {
	opts := &summaryOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "summary",
		Short: "The leadership one-pager: a quarter per tier and service, against the quarter before",
		Long: `Summarise a calendar quarter (--quarter; default the last complete quarter,
named on stderr; --quarter quarter for this one to date) or month (--month) for
leadership, against the period before it:

  - per tier: SLOs met, mean availability and its nines, the worst budget used,
    downtime-equivalent minutes, incidents, MTTR, MTBF and cost, with the change
    in availability (percentage points), incidents and cost;
  - per service and SLO: objective vs achieved, nines, budget used, incidents,
    MTTR, MTBF and cost, with the change;
  - the top cost drivers: the services that cost the most, their largest cost
    component and their costliest incident;
  - the SLOs that missed their objective, each with its owner;
  - the trend over the last --quarters periods (default 4, 0 for none) ending
    with this one: per period its data coverage (LOW under 90%: not to
    compare), SLOs met, mean availability, incidents, MTTR, cost and
    overspend; with --month the periods are months;
  - baseline and overspend: per service, the cost within the error budgets
    and the cost beyond them. Per SLO, downtime up to (1 - objective) x the
    period's minutes is within the budget; lost revenue splits by those
    minutes, labor and opportunity by the service's share of minutes beyond
    budget, and an SLA credit is overspend when its month's availability was
    below the objective (docs/cost.md, "Baseline and overspend");
  - the top risks: the 5 SLOs closest to running out of budget at the end of
    the period (or at --at, if earlier), each over its own window as nines
    burn evaluates it: budget gone first, then the soonest time to
    exhaustion at the 1h burn rate, then the least budget left.

-o markdown adds a narrative paragraph generated from these figures (the same
figures give the same words); it says "n/a" for a comparison when either
period's data coverage is under 90% or a period to date is set against one
measured longer.

Quarters and months are calendar periods in --timezone (default UTC). Incidents
and cost are found and priced as nines cost does (see its help and
docs/cost.md), each period alone: a quarter has the same figures here, as
the previous quarter of the next summary, and in cost and report. The
incidents files (the specs' incident_files, or --incidents), --step,
--merge-gap and --threshold apply to both periods.

A change is shown only when both periods (and the tier, service or SLO in
both) have data for at least --min-coverage of their time (default 90%);
otherwise it is n/a and the reason is printed with it (and in the JSON's
"comparison"). A period still running at --at is "to date" and is compared
with the same elapsed part of the period before ("2026-Q3 to the same day").
An SLO whose window is a calendar month is judged month by month over a
quarter: met only if every month met.

-o markdown gives a page to paste into a document; -o json prints {"at",
"source", "period", "previous_period", "headline", "tiers": [{"tier",
"objective", "slos", "met", "missed", "no_data", "availability", "nines",
"worst_budget_used", "downtime_minutes", "incidents", "mttr_seconds",
"mtbf_seconds", "cost": {CURRENCY: amount}, "previous", "change"}], "services":
[{"service", "tier", "owner", "slos": [{"slo", "objective", "achieved", "nines",
"budget_used", "met", "previous_achieved", "achieved_change"}], "incidents",
"mttr_seconds", "mtbf_seconds", "cost", "previous_cost", "cost_change"}],
"top_cost_drivers", "missed", "totals", "previous_totals", "coverage",
"warnings", "trend": [{"period", "coverage", "low_coverage", "slos", "met",
"missed", "no_data", "availability", "incidents", "mttr_seconds", "totals",
"baseline_overspend"}], "baseline_overspend": {"services": [{"service",
"slos": [{"slo", "allowed_minutes", "downtime_minutes", "overspend_minutes",
"lost_revenue", "lost_revenue_overspend", ...}], "overspend_share",
"lost_revenue", "labor_and_opportunity", "sla_credits", "sla_credit_months",
"baseline", "overspend", "total"}], "totals": [{"currency", "baseline",
"overspend", "total"}]}, "risks_at", "top_risks": [{"rank", "service", "slo",
"window", "budget_left", "burn_rate_1h", "time_to_exhaustion_seconds",
"reason", ...}], "unranked_slos", "narrative", "previous_coverage", "min_coverage",
"comparison": {"available", "with", "like_for_like", "measured_to", "reason"}};
tiers, services and SLOs have "coverage" and "comparison_reason", SLOs
"months". docs/cost.md documents every field.

` + csvHelp("The first column, table, names the kind of each row (tiers, services, slos, ...)."),
		Example: `  # The third quarter of 2026 on the demo data, as Markdown
  nines summary --source demo --quarter 2026-Q3 -o markdown

  # Q3 with a two-year trend
  nines summary --source demo --quarter 2026-Q3 --quarters 8

  # The critical tier this quarter so far, in Berlin's calendar, against the
  # same part of the last quarter
  nines summary --tier critical --quarter quarter --timezone Europe/Berlin

  # Compare even when a period has data for only half its time
  nines summary --quarter 2026-Q3 --min-coverage 50`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			f, err := outputFormat(opts.output, tableFormats...)
			if err != nil {
				return err
			}
			opts.format = f
			if err := opts.period.check(c); err != nil {
				return err
			}
			if err := opts.det.check(c); err != nil {
				return err
			}
			if opts.quarters < 0 || opts.quarters > app.MaxTrend {
				return usageErrorf("--quarters must be between 0 and %d, not %d", app.MaxTrend, opts.quarters)
			}
			if runF != nil {
				return runF(opts)
			}
			return runSummary(c, opts)
		},
	}
	opts.sel.addFlags(c)
	opts.period.addFlags(c, true)
	opts.det.addFlags(c)
	c.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table, wide, json, csv or markdown")
	c.Flags().IntVar(&opts.quarters, "quarters", app.DefaultTrend, "periods in the trend, ending with this one (0 for none)")
	return c
}

func runSummary(c *cobra.Command, opts *summaryOptions) error {
	ctx, env, done, err := opts.g.newEnv(c.Context(), opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	req, err := priceRequest(env, opts.s, &opts.sel, &opts.period, defaultLastQuarter, &opts.det, true)
	if err != nil {
		return err
	}
	req.Trend = opts.quarters
	res, notes, err := app.Summarize(ctx, env, req)
	clearProgress(opts.s)
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res, notes)
}
