package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

type statusOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	output string
	format report.Format
	now    func() time.Time
}

func newStatusCmd(g *globalOptions, s *streams, runF func(*statusOptions) error) *cobra.Command {
	opts := &statusOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "status",
		Short: "Each service as a status page would show it",
		Long: `Show each service as operational, degraded or outage, the way a status page
would, from its SLOs' burn rates at one time (--at, default now):

  outage       a page-severity burn-rate alert fires on one of its SLOs
  degraded     a ticket alert fires, or the shortest window burns faster than 1x
  operational  neither
  no data      an SLO has no data (never counted as operational)
  error        the source could not be read for an SLO

A service takes the worst condition of its SLOs.

-o json prints {"at", "source", "services": [{"service", "tier", "owner",
"status", "slos": [...]}]} with the SLOs in the form of burn -o json.

` + csvHelp("A row per SLO, with its service's status."),
		Example: `  nines status --source demo --at 2026-10-14T12:00:00Z
  nines status --prometheus.url http://prometheus:9090 --tier critical -o json`,
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
			return runStatus(c, opts)
		},
	}
	opts.sel.addFlags(c)
	c.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table, wide, json, csv or markdown")
	opts.g.addStatsFlag(c)
	return c
}

func runStatus(c *cobra.Command, opts *statusOptions) error {
	ctx, env, done, err := opts.g.newEnv(c.Context(), opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	res, notes, err := app.Status(ctx, env, opts.sel.selection())
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res, notes)
}
