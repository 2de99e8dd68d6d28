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

type reportOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	period periodFlags
	det    detectionFlags
	output string
	// quarters is the length of the Trend sheet's trend (0: none).
	quarters int
	// advice adds the Advice sheet (nines advise) over --quarters periods,
	// or app.DefaultAdviseQuarters.
	advice bool
	// file is the file to write, empty for stdout; format is what to write.
	file   string
	format report.Format
	now    func() time.Time
}

const reportOutputs = "FILE.xlsx, FILE.csv, FILE.md, csv or markdown"

func newReportCmd(g *globalOptions, s *streams, runF func(*reportOptions) error) *cobra.Command {
	opts := &reportOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "report -o FILE.xlsx|FILE.csv|FILE.md|csv|markdown",
		Short: "The cost report: an Excel workbook (or its tables as CSV or Markdown) for product managers",
		Long: `Write the reliability and downtime-cost report of a period (default the last
complete quarter, named on stderr; --quarter, --month, --window or --from/--to)
as an Excel workbook, the same tables as Markdown, or their figures as CSV:

  Summary           one printed page: the period (to date while it runs), data
                    coverage, the grand total and its components, cost per
                    service, SLA credits, SLOs missed, and two charts
  Tiers             per tier: SLOs met and missed, availability, nines, worst
                    budget used, downtime, incidents, MTTR, MTBF and cost
  Services          a row per SLO: objective, availability, budget used and
                    left, downtime, lost revenue, coverage; misses in red
  SLO months        monthly SLOs month by month over a longer period
  Incidents         a row per incident: span, source, peak, downtime, its cost
                    by component, ongoing and planned
  Incident revenue  lost revenue per incident and SLO
  Incident labor    labor per incident and role
  Cost              cost per service and component, a total per currency
  Labor by role     person-hours and labor per service and role
  SLA months        per SLA and month: availability, band, credit rate, credit
  Daily             per SLO and day (streamed, so large fleets stay fast)
  Assumptions       every input of the formulas, one a row (yellow cells)
  Method            the period, time zone, conventions and formulas
  Advice            with --advice: nines advise's candidate objectives per
                    SLO, priced per year, each figure beside its formula
  Trend             with --quarters N (a quarter or month only): the last N
                    periods ending with this one, each priced as nines cost
                    prices it: data coverage, SLOs met, mean availability,
                    incidents, MTTR, cost, baseline and overspend, with charts

The workbook is live: every cost cell is a formula over the Assumptions
sheet and the measured downtime, outage hours and availability, so editing
an input (revenue, recovery, a responder's rate, an SLA band) in Excel or
LibreOffice recalculates every total; the values are cached too.
Amounts carry their currency's number format, ratios a percent format, spans
[h]:mm; every sheet's header row is frozen and filtered, and every sheet
prints landscape, one page wide. Incidents and cost are found and priced as
nines cost does (see its help and docs/cost.md), with the same incidents
files (the specs' incident_files, or --incidents), so a period's totals are
those of cost and summary. Each SLO carries its data coverage; under
--min-coverage (default 90%) its figures carry a caveat.

-o FILE.xlsx writes the workbook, -o FILE.md the tables and -o FILE.csv the
figures to a file, -o csv or markdown to stdout. Files are written whole or
not at all.

` + csvHelp("The first column, table, names the kind of each row: cost's rows, the tiers, a row per SLO and day (daily), the cost models."),
		Example: `  # The third quarter of 2026 on the demo data
  nines report --source demo --quarter 2026-Q3 -o q3.xlsx

  # With another incidents file than the specs' default, as Markdown on stdout
  nines report --quarter 2026-Q3 --incidents incidents.yaml -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.parse(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runReport(c, opts)
		},
	}
	opts.sel.addFlags(c)
	opts.period.addFlags(c, false)
	opts.det.addFlags(c)
	c.Flags().StringVarP(&opts.output, "output", "o", "", "where and how: "+reportOutputs)
	c.Flags().IntVar(&opts.quarters, "quarters", 0, "add a Trend sheet of this many periods ending with this one (a quarter or month)")
	c.Flags().BoolVar(&opts.advice, "advice", false, "add the Advice sheet of nines advise, over --quarters periods (default 4) ending with this one")
	return c
}

// parse validates the flags. Every error is a usage error.
func (opts *reportOptions) parse(c *cobra.Command) error {
	switch o := opts.output; {
	case o == "":
		return usageErrorf("give -o %s", reportOutputs)
	case o == "csv":
		opts.format = report.CSV
	case o == "markdown":
		opts.format = report.Markdown
	default:
		switch strings.ToLower(filepath.Ext(o)) {
		case ".xlsx":
			opts.format = report.XLSX
		case ".csv":
			opts.format = report.CSV
		case ".md":
			opts.format = report.Markdown
		default:
			return usageErrorf("unknown output %q: give %s", o, reportOutputs)
		}
		opts.file = o
		if st, err := os.Stat(filepath.Dir(o)); err != nil || !st.IsDir() {
			return usageErrorf("cannot write %q: directory %q does not exist", o, filepath.Dir(o))
		}
	}
	if err := opts.period.check(c); err != nil {
		return err
	}
	if opts.quarters < 0 || opts.quarters > app.MaxTrend {
		return usageErrorf("--quarters must be between 0 and %d, not %d", app.MaxTrend, opts.quarters)
	}
	if opts.quarters > 0 && (opts.period.window != "" || opts.period.from != "") {
		return usageErrorf("--quarters needs a calendar period (--quarter or --month), not --window or --from")
	}
	if opts.advice && (opts.period.window != "" || opts.period.from != "") {
		return usageErrorf("--advice needs a calendar period (--quarter or --month), not --window or --from")
	}
	if opts.advice && opts.format != report.XLSX {
		return usageErrorf("--advice adds a sheet to the workbook: give -o FILE.xlsx (nines advise prints the advice as tables)")
	}
	return opts.det.check(c)
}

func runReport(c *cobra.Command, opts *reportOptions) error {
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
	if opts.advice {
		req.Advice = app.DefaultAdviseQuarters
		if opts.quarters > 0 {
			req.Advice = opts.quarters
		}
	}
	res, notes, err := app.Report(ctx, env, req)
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
	if opts.s.ErrOutIsTTY {
		fmt.Fprintf(opts.s.ErrOut, "\r\033[Kwriting %s", opts.file)
	}
	msg, err := report.ExportFile(opts.file, opts.format, res)
	clearProgress(opts.s)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.s.ErrOut, msg)
	return notes.Err()
}
