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
	format report.Format
	now    func() time.Time
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
  - the SLOs that missed their objective, each with its owner.

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
"previous_coverage", "min_coverage", "comparison": {"available", "with",
"like_for_like", "measured_to", "reason"}, "warnings"}; tiers, services and
SLOs have "coverage" and "comparison_reason", SLOs "months". docs/cost.md
documents every field.`,
		Example: `  # The third quarter of 2026 on the demo data, as Markdown
  nines summary --source demo --quarter 2026-Q3 -o markdown

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
	res, notes, err := app.Summarize(ctx, env, req)
	clearProgress(opts.s)
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res, notes)
}
