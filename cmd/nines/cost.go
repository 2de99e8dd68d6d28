package main

import (
	"math"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

type costOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	period periodFlags
	det    detectionFlags
	output string
	format report.Format
	// whatIf, when above zero, prices a hypothetical outage of that length now.
	whatIf     time.Duration
	errorRatio float64
	hit        []string
	now        func() time.Time
}

func newCostCmd(g *globalOptions, s *streams, runF func(*costOptions) error) *cobra.Command {
	opts := &costOptions{g: g, s: s}
	var whatIf, errorRatio string
	c := &cobra.Command{
		Use:   "cost",
		Short: "What downtime cost, per service and per incident, with every figure's inputs",
		Long: `Price the downtime of every selected service over a period (default the 30 days
ending at --at): lost revenue, the labor of the responders by role, the
opportunity cost of the engineering work diverted, and the SLA credits owed,
from the cost model in the specs (cost: in a tier, overridden per service).

Downtime is measured, not guessed: an SLO's downtime-equivalent minutes are its
error ratio over the period x the period's minutes (a partial degradation
counts in proportion; for a probe they are its bad minutes).

  lost revenue = revenue per minute x share x impact x downtime minutes x (1 - recovery)
  labor        = people x hourly rate x (hours per incident + hours per outage hour x outage hours)
  opportunity  = engineering hours diverted per incident x value of an engineering hour
  SLA credit   = monthly contract value x the credit of the band a calendar month fell below

Incidents are found in the metrics: every SLO's error ratio is range-queried
over the period in steps of 5 minutes (--step; each step measured over twice
its length), a step burns when its burn rate exceeds the SLO's fastest page
factor (--threshold; 14.4 for the SRE Workbook alerts), and burning steps of a
service less than the merge gap apart are one interval. The tier's incidents:
policy (a service overrides it field by field) decides what a responder would
count: an interval is an incident when it lasted min_duration (default 15m) or
spent min_budget (default 20%) of an SLO window's error budget. A shorter one
is a blip: its downtime and lost revenue count, it carries no labor or
opportunity and is not counted as an incident (BLIPS column, JSON "blips").
The merge gap is the policy's merge_gap (default 30m) unless --merge-gap is
given. An incident still burning at --at ends there, marked ongoing.
--incidents FILE (YAML or CSV) adds incidents the metrics missed, corrects the
span of those it overlaps or dismisses them, marks planned maintenance
(planned: true: downtime counted, no labor or opportunity, not an incident),
and states who responded: its labor replaces the model's for that incident.
MTTR is the mean incident duration; MTBF the time outside incidents over the
number of incidents.

--what-if 45m [--error-ratio 1] [--slo NAME] --service S prices an outage of S
now instead: its cost, each SLO's error budget before and after (and in money),
the month's SLA credit before and after, and the deploy gate's verdict (for a
normal change) before and after. The outage hits every SLO of S unless --slo
names the ones it hits (a failing dependency may leave latency alone).

-o json prints {"at", "source", "period", "incident_detection",
"calendar_convention", "services": [{"service", "tier", "owner", "currency",
"cost_model", "slos": [{"slo", "objective", "availability", "downtime_minutes",
"met", "revenue_impact", "lost_revenue", ...}], "incidents", "mttr_seconds",
"mtbf_seconds", "cost": {"currency", "lost_revenue", "labor", "opportunity",
"sla_credits", "total", "revenue_lines", "labor_lines", "opportunity_line",
"sla_credit_lines", "labor_by_role"}}], "incidents": [{"id", "service", "start",
"end", "duration_seconds", "source", "title", "peak_slo", "peak_burn_rate",
"downtime_minutes", "slos", "cost"}], "totals": [{"currency", "total", ...}],
"warnings"}; with --what-if {"service", "outage_seconds", "error_ratio",
"cost", "slos": [{"slo", "hit", "budget_left_before", "budget_left_after",
"budget_left_cost_before", "budget_left_cost_after", "firing_after", ...}],
"sla", "gate": {"before", "after", "reasons_after"}}. docs/cost.md documents
every field.`,
		Example: `  # What the third quarter cost, on the demo data
  nines cost --source demo --quarter 2026-Q3 --at 2026-10-14T12:00:00Z

  # One service over the last 90 days, with the incidents file, as JSON
  nines cost --service checkout --window 90d --incidents incidents.yaml -o json

  # What a 45-minute outage of checkout would cost now, and do to its budget and gate
  nines cost --service checkout --what-if 45m`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.parse(c, whatIf, errorRatio); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runCost(c, opts)
		},
	}
	opts.sel.addFlags(c)
	opts.period.addFlags(c, false)
	opts.det.addFlags(c)
	f := c.Flags()
	f.StringVarP(&opts.output, "output", "o", "table", "output format: table, wide, json, csv or markdown")
	f.StringVar(&whatIf, "what-if", "", "price a hypothetical outage of this length now (45m, 2h); needs one --service")
	f.StringVar(&errorRatio, "error-ratio", "1", "the share of requests failing during the --what-if outage (0.25 is a quarter)")
	f.StringSliceVar(&opts.hit, "slo", nil, "the SLOs the --what-if outage hits (default every SLO of the service)")
	return c
}

// parse validates the flags into opts. Every error is a usage error.
func (opts *costOptions) parse(c *cobra.Command, whatIf, errorRatio string) error {
	var err error
	if opts.format, err = outputFormat(opts.output, tableFormats...); err != nil {
		return err
	}
	flags := c.Flags()
	if flags.Changed("error-ratio") && !flags.Changed("what-if") {
		return usageErrorf("--error-ratio needs --what-if")
	}
	if flags.Changed("slo") && !flags.Changed("what-if") {
		return usageErrorf("--slo needs --what-if")
	}
	if flags.Changed("what-if") {
		d, err := model.ParseDuration(whatIf)
		if err != nil || d <= 0 {
			return usageErrorf("invalid --what-if %q: use a duration such as 45m or 2h", whatIf)
		}
		opts.whatIf = time.Duration(d)
		r, err := strconv.ParseFloat(errorRatio, 64)
		if err != nil || math.IsNaN(r) || r <= 0 || r > 1 {
			return usageErrorf("invalid --error-ratio %q: use a ratio above 0 and at most 1, such as 0.25", errorRatio)
		}
		opts.errorRatio = r
		if len(opts.sel.services) != 1 {
			return usageErrorf("--what-if prices an outage of one service: give one --service")
		}
		for _, name := range []string{"window", "quarter", "month", "from", "to", "incidents", "step", "merge-gap", "threshold", "tier"} {
			if flags.Changed(name) {
				return usageErrorf("--what-if prices an outage now: it takes no --%s", name)
			}
		}
		if opts.format == report.CSV {
			return usageErrorf("--what-if writes table, json or markdown, not csv")
		}
		return nil
	}
	if err := opts.period.check(c); err != nil {
		return err
	}
	return opts.det.check(c)
}

func runCost(c *cobra.Command, opts *costOptions) error {
	if opts.whatIf > 0 {
		return runWhatIf(c, opts)
	}
	ctx, env, done, err := opts.g.newEnv(c.Context(), opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	req, err := priceRequest(env, opts.s, &opts.sel, &opts.period, "30d", &opts.det, false)
	if err != nil {
		return err
	}
	res, notes, err := app.PricePeriod(ctx, env, req)
	clearProgress(opts.s)
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res.Current, notes)
}

// runWhatIf prices a hypothetical outage of one service now.
func runWhatIf(c *cobra.Command, opts *costOptions) error {
	loc, err := time.LoadLocation(opts.period.tz)
	if err != nil || opts.period.tz == "" {
		return usageErrorf("unknown --timezone %q: use an IANA name such as Europe/Berlin", opts.period.tz)
	}
	ctx, env, done, err := opts.g.newEnv(c.Context(), opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	res, notes, err := app.WhatIf(ctx, env, app.WhatIfRequest{
		Service: opts.sel.services[0], Duration: opts.whatIf, ErrorRatio: opts.errorRatio, Hit: opts.hit, Location: loc,
	})
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res, notes)
}
