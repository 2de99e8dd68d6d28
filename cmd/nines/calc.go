package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

// calcOptions is what `nines calc` was asked: exactly one of objectives,
// downtime (with window) or serial/parallel components. Percents are held as
// ratios (99.95 is 0.9995), each beside the text the user typed.
type calcOptions struct {
	s *streams

	objectives []percentArg
	downtime   time.Duration
	window     time.Duration
	serial     []percentArg
	parallel   []percentArg
	format     report.Format

	// form is which of the three forms the arguments asked for.
	form calcForm
}

// calcForm is one of the forms of `nines calc`.
type calcForm int

const (
	calcFormObjectives calcForm = iota + 1
	calcFormDowntime
	calcFormComposite
)

// percentArg is a percent from the command line, as a ratio, with its text.
type percentArg struct {
	text  string
	ratio float64
}

// calcDefaultWindow is the window of --downtime when --window is not given.
const calcDefaultWindow = 30 * 24 * time.Hour

func newCalcCmd(s *streams, runF func(*calcOptions) error) *cobra.Command {
	opts := &calcOptions{s: s}
	var output, downtime, window string
	var serial, parallel []string
	c := &cobra.Command{
		Use:   "calc [OBJECTIVE...] | --downtime D [--window W] | --serial A,B,... [--parallel C,D,...]",
		Short: "Nines arithmetic: allowed downtime, availability from downtime, composite availability",
		Long: `Nines arithmetic, no Prometheus needed. Three forms:

  nines calc OBJECTIVE...
      The downtime each objective allows per day, week, 28 and 30 days, month,
      quarter and year, and its nines. Objectives are percents (99.95), one
      column per objective. Months, quarters and years follow the Gregorian
      calendar, as uptime.is does: a year is 365.2425 days, a month a twelfth
      of it and a quarter a fourth.

  nines calc --downtime D [--window W]
      The availability and nines of D of downtime in W (default 30d).
      Durations as Prometheus writes them: 43m, 1h30m, 2d, 1w.

  nines calc --serial A,B,... --parallel C,D,...
      Composite availability, assuming components fail independently.
      Serial: every component must work, A = A1 x A2 x ...
      Parallel: one component of the redundant group must work,
      A = 1 - (1 - A1) x (1 - A2) x ...
      Given both, the redundant group is in series with the serial chain:
      A = A_serial x A_parallel.

-o json prints one object with one of these keys, by form (availabilities are
ratios, percents are 0-100, durations are seconds beside a human string, and
nines is null when availability is 100%):

  {"downtime_table": {
     "convention": string,
     "objectives": [{"objective": 0.9995, "objective_percent": 99.95,
                     "nines": 3.30103,
                     "allowed_downtime": [{"period": "month",
                                           "period_seconds": 2629746,
                                           "period_human": "30d 10h",
                                           "seconds": 1314.873,
                                           "human": "21m 55s"}, ...]}, ...]}}

  {"availability": {"downtime_seconds": 2580, "downtime_human": "43m",
                    "window_seconds": 2592000, "window_human": "30d",
                    "availability": 0.999004, "availability_percent": 99.900463,
                    "nines": 3.002}}

  {"composite": {"serial":   {"components_percent": [99.9, 99.95], ...},
                 "parallel": {"components_percent": [...], ...},
                 "combined": {...},
                 "formula": string}}
  where each of serial, parallel (absent when not given) and combined (only
  when both are given) carries "availability", "availability_percent",
  "nines", "downtime_per_month_seconds" and "downtime_per_month_human".

` + csvHelp("One table per form: a row per objective and period, one row of availability, or a row per composition; the nines of 100% are empty."),
		Example: `  # Allowed downtime for 99.95%
  nines calc 99.95

  # Several objectives side by side, as Markdown
  nines calc 99.9 99.95 99.99 -o markdown

  # The availability of 43 minutes of downtime in 30 days
  nines calc --downtime 43m --window 30d

  # Two services in series, behind a redundant pair
  nines calc --serial 99.9,99.95 --parallel 99.9,99.9

  # Any form as JSON
  nines calc 99.9 -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.parse(c, args, output, downtime, window, serial, parallel); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runCalc(opts)
		},
	}
	f := c.Flags()
	f.StringVarP(&output, "output", "o", "table", "output format: table, json, markdown or csv")
	f.StringVar(&downtime, "downtime", "", "downtime to turn into availability over --window (43m, 1h30m, 2d)")
	f.StringVar(&window, "window", "", "window of --downtime (default 30d)")
	f.StringSliceVar(&serial, "serial", nil, "availabilities (percent) of components in series: all must work")
	f.StringSliceVar(&parallel, "parallel", nil, "availabilities (percent) of redundant components: one must work")
	return c
}

// parse validates the arguments and flags into opts. Every error is a usage error.
func (opts *calcOptions) parse(c *cobra.Command, args []string, output, downtime, window string, serial, parallel []string) error {
	var err error
	if opts.format, err = outputFormat(output, report.Table, report.JSON, report.Markdown, report.CSV); err != nil {
		return err
	}
	flags := c.Flags()
	hasDowntime := flags.Changed("downtime")
	hasComposite := flags.Changed("serial") || flags.Changed("parallel")
	forms := 0
	for _, given := range []bool{len(args) > 0, hasDowntime, hasComposite} {
		if given {
			forms++
		}
	}
	switch {
	case forms == 0 && flags.Changed("window"):
		return usageErrorf("--window needs --downtime")
	case forms == 0:
		return usageErrorf("nothing to calculate: give objectives (nines calc 99.95), --downtime, or --serial/--parallel")
	case forms > 1:
		return usageErrorf("give objectives, --downtime or --serial/--parallel, one form at a time")
	case flags.Changed("window") && !hasDowntime:
		return usageErrorf("--window needs --downtime")
	}

	switch {
	case len(args) > 0:
		opts.form = calcFormObjectives
		for _, a := range args {
			p, err := parsePercent(a)
			if err != nil {
				return usageErrorf("invalid objective %q: %v", a, err)
			}
			opts.objectives = append(opts.objectives, p)
		}
	case hasDowntime:
		opts.form = calcFormDowntime
		if opts.downtime, err = parseCalcDuration(downtime); err != nil {
			return usageErrorf("invalid --downtime %q: %v", downtime, err)
		}
		opts.window = calcDefaultWindow
		if flags.Changed("window") {
			if opts.window, err = parseCalcDuration(window); err != nil {
				return usageErrorf("invalid --window %q: %v", window, err)
			}
			if opts.window == 0 {
				return usageErrorf("invalid --window %q: must be longer than zero", window)
			}
		}
		if opts.downtime > opts.window {
			return usageErrorf("--downtime %s is longer than --window %s", downtime, report.Duration(opts.window))
		}
	default:
		opts.form = calcFormComposite
		for _, set := range []struct {
			flag string
			in   []string
			out  *[]percentArg
		}{{"--serial", serial, &opts.serial}, {"--parallel", parallel, &opts.parallel}} {
			for _, a := range set.in {
				p, err := parsePercent(a)
				if err != nil {
					return usageErrorf("invalid %s component %q: %v", set.flag, a, err)
				}
				*set.out = append(*set.out, p)
			}
		}
		if len(opts.serial) == 0 && len(opts.parallel) == 0 {
			return usageErrorf("--serial and --parallel need at least one availability, such as --serial 99.9,99.95")
		}
	}
	return nil
}

// parsePercent reads a percent strictly between 0 and 100, with an optional
// trailing "%".
func parsePercent(s string) (percentArg, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return percentArg{}, errors.New("use a percent such as 99.95")
	}
	if v <= 0 || v >= 100 {
		return percentArg{}, errors.New("use a percent above 0 and below 100, such as 99.95")
	}
	// v / 100 carries float noise (99.9 / 100 is 0.9990000000000001); rounding
	// to 12 decimals gives the float64 nearest the decimal the user meant.
	return percentArg{text: s, ratio: math.Round(v*1e10) / 1e12}, nil
}

// parseCalcDuration reads Prometheus durations (30d, 1h30m) and, for
// fractions, Go ones (1.5h, 8.64s). Negative durations are refused.
func parseCalcDuration(s string) (time.Duration, error) {
	if d, err := model.ParseDuration(s); err == nil {
		return time.Duration(d), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, errors.New("use a duration such as 43m, 1h30m or 2d")
}

// runCalc computes what opts asks and writes it in the chosen format.
func runCalc(opts *calcOptions) error {
	req := app.CalcRequest{Downtime: opts.downtime, Window: opts.window, Serial: ratios(opts.serial), Parallel: ratios(opts.parallel)}
	if opts.form == calcFormObjectives {
		for _, o := range opts.objectives {
			if o.ratio < 0.01 {
				fmt.Fprintf(opts.s.ErrOut, "nines: note: %s is read as %s; objectives are percents (for 99.9%% write 99.9)\n", o.text, report.Objective(o.ratio))
			}
		}
		req.Objectives = ratios(opts.objectives)
	}
	return export(opts.s, opts.format, app.Calc(req), app.Notes{})
}

func ratios(ps []percentArg) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.ratio
	}
	return out
}
