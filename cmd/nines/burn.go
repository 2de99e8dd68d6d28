package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

type burnOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	output string
	format report.Format
	period string
	tz     string
	now    func() time.Time
}

func newBurnCmd(g *globalOptions, s *streams, runF func(*burnOptions) error) *cobra.Command {
	opts := &burnOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "burn",
		Short: "Burn rates, budget left and time to exhaustion per SLO",
		Long: `Evaluate every selected SLO at one time (--at, default now) and show, a row per
SLO: availability over its window, error budget left (percent, downtime-equivalent
minutes, and events for event-based SLIs), the burn rate over each alert window,
the time until the budget is gone at the 1h burn rate, and the multi-window
burn-rate alerts that fire (page or ticket).

An SLO whose queries return no series, or no events, is "no data": never 100%.
An SLO with fewer events than its tier's min_events is "insufficient data".

With --period, every SLO is measured over that calendar period instead of its own
window: month (to date), quarter (to date), a quarter such as 2026-Q3, or a month
such as 2026-09, in --timezone.

-o json prints {"at", "source", "slos": [...]}; each SLO carries service, slo,
tier, owner, objective, window, data_state, availability, budget_left (ratios;
null when there is no data), burn_rates, alerts and time_to_exhaustion_seconds.

With a cost model in the specs (docs/cost.md), LEFT IN MONEY (budget_left_cost
and currency in JSON) is the budget left in money: what a full outage as long
as the minutes left would cost (lost revenue, the responders' labor, the
diverted work); 0 once the budget is gone.

` + csvHelp("A row per SLO."),
		Example: `  # The quick start: the demo data, no server needed
  nines burn --source demo --at 2026-10-14T12:00:00Z

  # One service against Prometheus, as JSON
  nines burn --prometheus.url http://prometheus:9090 --service checkout -o json

  # Every critical SLO over the third quarter of 2026
  nines burn --tier critical --period 2026-Q3

  # Which SLOs cost the server most: queries, samples scanned, query time
  nines burn --prometheus.url http://prometheus:9090 --stats`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			f, err := outputFormat(opts.output, tableFormats...)
			if err != nil {
				return err
			}
			opts.format = f
			if runF != nil {
				return runF(opts)
			}
			return runBurn(c, opts)
		},
	}
	opts.sel.addFlags(c)
	c.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table, wide, json, csv or markdown")
	c.Flags().StringVar(&opts.period, "period", "", "measure over a calendar period: month, quarter, 2026-Q3 or 2026-09")
	c.Flags().StringVar(&opts.tz, "timezone", "UTC", "time zone of --period")
	opts.g.addStatsFlag(c)
	return c
}

func runBurn(c *cobra.Command, opts *burnOptions) error {
	ctx, env, done, err := opts.g.newEnv(c.Context(), opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	period, err := parsePeriodFlag(opts.period, opts.tz, env.At)
	if err != nil {
		return err
	}
	res, notes, err := app.Burn(ctx, env, app.EvalRequest{Selection: opts.sel.selection(), Period: period})
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res, notes)
}
