package main

import (
	"math"
	"strconv"
	"strings"
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
	// start places the what-if window (--start, as given); planned prices
	// it as maintenance; fit asks for the longest window that fits.
	start   string
	startAt *time.Time
	planned bool
	fit     bool
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
An incidents file (YAML or CSV) adds incidents the metrics missed, corrects the
span of those it overlaps or dismisses them, marks planned maintenance
(planned: true: downtime counted, no labor or opportunity, not an incident),
and states who responded: its labor replaces the model's for that incident.
The files are the specs' incident_files (paths or globs in the tiers file)
unless --incidents FILE names another, or --incidents none reads none; cost,
report and summary read the same ones. MTTR is the mean incident duration;
MTBF the time outside incidents over the number of incidents.

A period is priced alone: its figures depend on the period, the specs, the
incidents files, the detection flags and --at, never on another period. A
period still running at --at is "to date". Every SLO carries its data
coverage (the part of the period with data); under --min-coverage (default
90%) its figures carry a caveat. Over a calendar quarter an SLO whose window
is a calendar month is judged month by month, in its own time zone: met only
if every month met (the "SLOs judged month by month" table); other windows
are judged on the period's own measurement. The "SLA months" table has each
SLA month's availability, coverage, band, credit rate and credit.

--what-if 45m [--error-ratio 1] [--slo NAME] --service S prices a window of S
failing instead, headlined by its total exposure: lost revenue + labor +
opportunity + the extra SLA credit. The window starts at --start (RFC 3339 or
unix seconds; default --at); its lost revenue is weighted by the traffic seen
at its hours of the week over the 4 weeks before --at (weight = events an hour
at those hours / mean events an hour; 1, stated as assumed, without request
data). The SLA month is projected to its end: the month to date, the window,
and the rest of the month at the month's error ratio so far; the credit with
the window is compared with the credit without it. Also each SLO's error
budget before and after (and in money) and the deploy gate's verdict (for a
normal change) before and after. --planned prices a maintenance window: no
incident labor or opportunity cost. The window hits every SLO of S unless
--slo names the ones it hits (a failing dependency may leave latency alone).
--fit (instead of --what-if) finds the longest window at --error-ratio that
keeps every SLO it hits at or above the gate's warn and block lines of budget
left and the projected SLA month in its band, each limit rounded down to the
second, and prices the shortest of them.

-o json prints {"at", "source", "period", "incident_detection",
"calendar_convention", "services": [{"service", "tier", "owner", "currency",
"cost_model", "slos": [{"slo", "objective", "availability", "downtime_minutes",
"met", "coverage", "months", "revenue_impact", "lost_revenue", ...}],
"incidents", "mttr_seconds", "mtbf_seconds", "cost": {"currency",
"lost_revenue", "labor", "opportunity", "sla_credits", "total", "revenue_lines", "labor_lines", "opportunity_line",
"sla_credit_lines", "labor_by_role"}}], "incidents": [{"id", "service", "start",
"end", "duration_seconds", "source", "title", "peak_slo", "peak_burn_rate",
"downtime_minutes", "slos", "cost"}], "totals": [{"currency", "total", ...}],
"coverage", "min_coverage", "sla_months": [{"service", "month", "availability",
"coverage", "band_below", "credit_rate", "credit", ...}], "incident_files",
"warnings"}; with --what-if {"service", "outage_seconds", "error_ratio",
"cost", "slos": [{"slo", "hit", "budget_left_before", "budget_left_after",
"budget_left_cost_before", "budget_left_cost_after", "firing_after", ...}],
"sla", "gate": {"before", "after", "reasons_after"}, "exposure", "start",
"planned", "traffic", "fit"}. docs/cost.md documents every field.

` + csvHelp("The first column, table, names the kind of each row (services, slos, incidents, ...); --what-if writes no CSV."),
		Example: `  # What the third quarter cost, on the demo data
  nines cost --source demo --quarter 2026-Q3 --at 2026-10-14T12:00:00Z

  # One service over the last 90 days, with the incidents file, as JSON
  nines cost --service checkout --window 90d --incidents incidents.yaml -o json

  # What a 45-minute outage of checkout would cost now, and do to its budget and gate
  nines cost --service checkout --what-if 45m

  # A 2-hour planned maintenance window at 02:00 on Sunday, half the requests failing
  nines cost --service checkout --what-if 2h --error-ratio 0.5 --planned --start 2026-10-18T02:00:00Z

  # The longest full outage that keeps checkout within its gate lines and SLA band
  nines cost --service checkout --fit`,
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
	opts.g.addStatsFlag(c)
	f := c.Flags()
	f.StringVarP(&opts.output, "output", "o", "table", "output format: table, wide, json, csv or markdown")
	f.StringVar(&whatIf, "what-if", "", "price a hypothetical outage of this length now (45m, 2h); needs one --service")
	f.StringVar(&errorRatio, "error-ratio", "1", "the share of requests failing during the --what-if outage (0.25 is a quarter)")
	f.StringSliceVar(&opts.hit, "slo", nil, "the SLOs the --what-if outage hits (default every SLO of the service)")
	f.StringVar(&opts.start, "start", "", "when the --what-if window starts: RFC 3339 or unix seconds, at or after --at (default --at)")
	f.BoolVar(&opts.planned, "planned", false, "price the --what-if window as planned maintenance: no incident labor or opportunity cost")
	f.BoolVar(&opts.fit, "fit", false, "find the longest window within the gate's budget lines and the SLA band, instead of --what-if; needs one --service")
	return c
}

// parse validates the flags into opts. Every error is a usage error.
func (opts *costOptions) parse(c *cobra.Command, whatIf, errorRatio string) error {
	var err error
	if opts.format, err = outputFormat(opts.output, tableFormats...); err != nil {
		return err
	}
	flags := c.Flags()
	windowed := flags.Changed("what-if") || opts.fit
	if flags.Changed("what-if") && opts.fit {
		return usageErrorf("--fit finds the window's length: give --what-if or --fit, not both")
	}
	for _, name := range []string{"error-ratio", "slo", "start", "planned"} {
		if flags.Changed(name) && !windowed {
			return usageErrorf("--%s needs --what-if", name)
		}
	}
	if windowed {
		flag := "--what-if"
		if opts.fit {
			flag = "--fit"
		} else {
			d, err := model.ParseDuration(whatIf)
			if err != nil || d <= 0 {
				return usageErrorf("invalid --what-if %q: use a duration such as 45m or 2h", whatIf)
			}
			opts.whatIf = time.Duration(d)
		}
		r, err := strconv.ParseFloat(errorRatio, 64)
		if err != nil || math.IsNaN(r) || r <= 0 || r > 1 {
			return usageErrorf("invalid --error-ratio %q: use a ratio above 0 and at most 1, such as 0.25", errorRatio)
		}
		opts.errorRatio = r
		if len(opts.sel.services) != 1 {
			return usageErrorf("%s prices an outage of one service: give one --service", flag)
		}
		for _, name := range []string{"window", "quarter", "month", "from", "to", "incidents", "step", "merge-gap", "threshold", "tier", "stats"} {
			if flags.Changed(name) {
				return usageErrorf("%s prices an outage now: it takes no --%s", flag, name)
			}
		}
		if opts.format == report.CSV {
			return usageErrorf("%s writes table, json or markdown, not csv", flag)
		}
		if flags.Changed("start") {
			if strings.TrimSpace(opts.start) == "" {
				return usageErrorf("invalid --start \"\": use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds")
			}
			now := opts.now
			if now == nil {
				now = time.Now
			}
			t, err := parseTime(opts.start, "--start", now)
			if err != nil {
				return err
			}
			opts.startAt = &t
		}
		return nil
	}
	if err := opts.period.check(c); err != nil {
		return err
	}
	return opts.det.check(c)
}

func runCost(c *cobra.Command, opts *costOptions) error {
	if opts.whatIf > 0 || opts.fit {
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
	req := app.WhatIfRequest{
		Service: opts.sel.services[0], Duration: opts.whatIf, ErrorRatio: opts.errorRatio, Hit: opts.hit, Location: loc,
		Planned: opts.planned, Fit: opts.fit,
	}
	req.Start = opts.startAt
	res, notes, err := app.WhatIf(ctx, env, req)
	if err != nil {
		return err
	}
	return export(opts.s, opts.format, res, notes)
}
