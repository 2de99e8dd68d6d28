package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

type adviseOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	period periodFlags
	det    detectionFlags
	output string
	// quarters is how many periods, ending with the chosen one, are measured.
	quarters int
	// file is the workbook to write (-o FILE.xlsx), empty for stdout.
	file   string
	format report.Format
	now    func() time.Time
}

func newAdviseCmd(g *globalOptions, s *streams, runF func(*adviseOptions) error) *cobra.Command {
	opts := &adviseOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "advise",
		Short: "Which objective is worth paying for: candidate objectives priced per year, and the cheapest",
		Long: `Recommend an objective per SLO and explain it (docs/advise.md).

Inputs: the achieved availability of each SLO over the last --quarters
quarters (default 4) ending with --quarter (default the last complete
quarter, named on stderr), each priced alone as nines summary --quarters
prices its trend (so the figures are the same), with its spread (mean, min,
max) and data coverage; the service's incidents over those quarters; the cost
model (cost:, docs/cost.md); the reliability cost curve (reliability_cost:
in the tier or service) and the ceiling of the service's dependencies
(dependencies:, in series; any_of items redundant).

For each candidate objective (99, 99.5, 99.9, 99.95, 99.99, 99.999% and the
current one), priced as if the service ran exactly at it for a year:

  effective    = min(objective, dependency ceiling)
  downtime/yr  = (1 - effective) x 525,949.2 minutes
  downtime cost= downtime x revenue per minute x share x impact x (1 - recovery)
  labor        = downtime / the mean incident's downtime-equivalent minutes
                 x (one incident's labor + opportunity), at its mean length
                 (30 minutes of full outage when no incident was measured)
  SLA credits  = 12 x monthly contract value x the credit of the band
                 effective is below (only the SLO the SLA measures)
  reliability  = the curve at the objective: per_year x per_nine^(nines -
                 nines(at)), or between points geometric in nines
  total        = the sum

The recommendation is the candidate of least total at or above the
committed SLA (the highest credit band's threshold). Flags: "above the
dependency ceiling"; "far above achieved: invest or lower" and "far below
achieved: budget to spend on speed", far meaning more than half a nine
from the mean achieved availability; "below the committed SLA". Without a
reliability_cost no objective is recommended: the cost of nines is unknown.

Every figure carries its formula with the inputs written in: in the notes
of each SLO's table, and per candidate in JSON and CSV. -o FILE.xlsx
writes the Advice sheet as a workbook (nines report --advice adds it to the
report's).

` + csvHelp("One row per SLO and candidate objective, with the SLO's inputs repeated."),
		Example: `  # The demo's services, over the four quarters to 2026-Q3
  nines advise --source demo --at 2026-10-14T12:00:00Z

  # One service, with every column and reason
  nines advise --source demo --service checkout -o wide

  # Two years of history, as a workbook sheet
  nines advise --quarter 2026-Q3 --quarters 8 -o advice.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.parse(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runAdvise(c, opts)
		},
	}
	opts.sel.addFlags(c)
	opts.period.addFlags(c, true)
	opts.det.addFlags(c)
	c.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table, wide, json, csv, markdown or FILE.xlsx")
	c.Flags().IntVar(&opts.quarters, "quarters", app.DefaultAdviseQuarters, "periods measured, ending with the chosen one")
	return c
}

// parse validates the flags. Every error is a usage error.
func (opts *adviseOptions) parse(c *cobra.Command) error {
	if strings.EqualFold(filepath.Ext(opts.output), ".xlsx") {
		opts.file, opts.format = opts.output, report.XLSX
		if st, err := os.Stat(filepath.Dir(opts.file)); err != nil || !st.IsDir() {
			return usageErrorf("cannot write %q: directory %q does not exist", opts.file, filepath.Dir(opts.file))
		}
	} else {
		f, err := outputFormat(opts.output, tableFormats...)
		if err != nil {
			return err
		}
		opts.format = f
	}
	if err := opts.period.check(c); err != nil {
		return err
	}
	if opts.quarters < 1 || opts.quarters > app.MaxTrend {
		return usageErrorf("--quarters must be between 1 and %d, not %d", app.MaxTrend, opts.quarters)
	}
	return opts.det.check(c)
}

func runAdvise(c *cobra.Command, opts *adviseOptions) error {
	ctx, env, done, err := opts.g.newEnv(c.Context(), opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	req, err := priceRequest(env, opts.s, &opts.sel, &opts.period, defaultLastQuarter, &opts.det, false)
	if err != nil {
		return err
	}
	req.Trend = opts.quarters
	res, notes, err := app.Advise(ctx, env, app.AdviseRequest{Price: req})
	clearProgress(opts.s)
	if err != nil {
		return err
	}
	if opts.file == "" {
		return export(opts.s, opts.format, res, notes)
	}
	for _, w := range notes.Warnings {
		fmt.Fprintf(opts.s.ErrOut, "warning: %s\n", report.Escape(w))
	}
	msg, err := report.ExportFile(opts.file, opts.format, res)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.s.ErrOut, msg)
	return notes.Err()
}
