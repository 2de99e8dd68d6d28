package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/report"
)

type reportOptions struct {
	g      *globalOptions
	s      *streams
	sel    selection
	period periodFlags
	det    detectionFlags
	output string
	// file is the file to write, empty for stdout; format is what to write.
	file   string
	format reportFormat
	now    func() time.Time
}

// reportFormat is what `nines report` writes.
type reportFormat string

const (
	reportXLSX     reportFormat = "xlsx"
	reportCSV      reportFormat = "csv"
	reportMarkdown reportFormat = "markdown"
)

const reportOutputs = "FILE.xlsx, FILE.csv, FILE.md, csv or markdown"

func newReportCmd(g *globalOptions, s *streams, runF func(*reportOptions) error) *cobra.Command {
	opts := &reportOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "report -o FILE.xlsx|FILE.csv|FILE.md|csv|markdown",
		Short: "The cost report: an Excel workbook (or its tables as CSV or Markdown) for product managers",
		Long: `Write the reliability and downtime-cost report of a period (default the current
quarter to date; --quarter, --month, --window or --from/--to) as an Excel
workbook, or the same tables as CSV or Markdown:

  Summary      per tier: SLOs met and missed, availability vs objective, nines,
               worst budget used, downtime minutes, incidents, MTTR, MTBF and cost,
               with charts of availability vs objective and of cost
  Services     a row per SLO: objective, availability, budget used and left,
               downtime, lost revenue; missed objectives in red, budgets over
               75% used in amber and over 100% in red
  Incidents    a row per incident: span, source (detected, corrected or from the
               incidents file), peak, downtime and its cost by component
  Cost         the cost by service and component (with a chart), by role, and
               every line with its formula and inputs
  Daily        availability, downtime and cost per SLO and day (written with a
               streaming writer, so large fleets stay fast)
  Assumptions  every input: the period, time zone, calendar convention, incident
               detection, the formulas, and each service's cost model, responders
               and SLA credit bands

Amounts carry their currency's number format, ratios a percent format, spans
[h]:mm; header rows are frozen and filtered. Incidents and cost are found and
priced as nines cost does (see its help and docs/cost.md).

-o FILE.xlsx writes the workbook, -o FILE.csv or FILE.md the tables to a file,
-o csv or markdown to stdout. Files are written whole or not at all.`,
		Example: `  # The third quarter of 2026 on the demo data
  nines report --source specs/demo/metrics.om.gz --quarter 2026-Q3 -o q3.xlsx

  # With the post-mortems' incidents, as Markdown on stdout
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
	return c
}

// parse validates the flags. Every error is a usage error.
func (opts *reportOptions) parse(c *cobra.Command) error {
	switch o := opts.output; {
	case o == "":
		return usageErrorf("give -o %s", reportOutputs)
	case o == "csv":
		opts.format = reportCSV
	case o == "markdown":
		opts.format = reportMarkdown
	default:
		switch strings.ToLower(filepath.Ext(o)) {
		case ".xlsx":
			opts.format = reportXLSX
		case ".csv":
			opts.format = reportCSV
		case ".md":
			opts.format = reportMarkdown
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
	return opts.det.check(c)
}

func runReport(c *cobra.Command, opts *reportOptions) error {
	a, err := analyze(c.Context(), analysisRequest{g: opts.g, s: opts.s, sel: &opts.sel, period: &opts.period, def: "quarter", det: &opts.det, now: opts.now})
	if err != nil {
		return err
	}
	printWarnings(opts.s, a.cur)
	cat, err := loadCatalog(opts.g)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		switch opts.format {
		case reportXLSX:
			return report.WriteXLSX(w, cat, a.cur, report.XLSXOptions{})
		case reportCSV:
			return report.Write(w, report.CSV, report.ReportGrids(cat, a.cur)...)
		default:
			return report.Write(w, report.Markdown, report.ReportGrids(cat, a.cur)...)
		}
	}
	if opts.file == "" {
		if err := write(opts.s.Out); err != nil {
			return err
		}
		return reportErrors(a.cur)
	}
	if opts.s.ErrOutIsTTY {
		fmt.Fprintf(opts.s.ErrOut, "\r\033[Kwriting %s", opts.file)
	}
	if err := writeFileAtomic(opts.file, write); err != nil {
		return err
	}
	if opts.s.ErrOutIsTTY {
		fmt.Fprintf(opts.s.ErrOut, "\r\033[Kwrote %s: %d services, %d incidents\n", opts.file, len(a.cur.Services), len(a.cur.Incidents))
	}
	return reportErrors(a.cur)
}

// writeFileAtomic writes path through a temporary file in the same
// directory, renamed into place once complete: a failed report leaves no
// half-written file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}
