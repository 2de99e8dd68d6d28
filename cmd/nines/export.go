package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/interop"
	"github.com/nines-sre/nines/report"
)

// exportOptions is what `nines export openslo` was asked.
type exportOptions struct {
	g    *globalOptions
	s    *streams
	sel  selection
	file string // "" is stdout
}

func newExportCmd(g *globalOptions, s *streams, runF func(*exportOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:   "export openslo",
		Short: "OpenSLO v1 documents from the specs",
		Long: `Write the specs in another format. One format so far: openslo (OpenSLO v1);
see nines export openslo --help and docs/interop.md.`,
		Example: `  nines export openslo --out openslo.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return usageErrorf("name the format: nines export openslo")
		},
	}
	opts := &exportOptions{g: g, s: s}
	oc := &cobra.Command{
		Use:   "openslo [--out FILE]",
		Short: "OpenSLO v1 documents from the specs",
		Long: `Write the selected SLOs as OpenSLO v1 documents (a YAML stream), for tools that
read OpenSLO. No Prometheus is needed. docs/interop.md has the mapping tables.

Per service a Service (its tier in the annotation nines/tier; a name with '.'
or '_', which OpenSLO names cannot hold, in nines/service); per SLO an SLO
named <service>-<slo> (the nines name in the annotation nines/slo) with:
  indicator        inline, a ratioMetric of Prometheus queries (good or bad,
                   and total; a raw SLI as raw with rawType failure); queries
                   keep nines's {{.window}} placeholder, which Sloth's OpenSLO
                   convention also uses: the reader fills in each window
  timeWindow       rolling (30d) or calendar 1M / 1Q with its time zone
  budgetingMethod  Occurrences
  objectives       one, its target as a ratio (0.9995)
  alertPolicies    one inline AlertPolicy per alert window of the SLO (its
                   tier's unless it sets its own): a burnrate condition over
                   the long window (op gt, threshold the factor, alertAfter
                   its for when set); the short window in the annotation
                   nines/short-window
and an AlertNotificationTarget per severity used. nines import openslo reads
all of this back to the same SLOs.

What OpenSLO cannot say (owner, min_events, no_data, the gate, cost and
incident policies; a probe is exported as good and total sample counts) is
listed in comments at the top of the stream, and counted on stderr.

Exit code 1 when the specs are invalid, the selection matches nothing or the
file cannot be written.`,
		Example: `  # Every SLO in ./specs, to stdout
  nines export openslo

  # The critical tier, to a file
  nines export openslo --tier critical --out openslo.yaml

  # Round trip: back to nines/v1 specs, tiers from the annotations
  nines import openslo openslo.yaml --out imported`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runExport(c.Context(), opts)
		},
	}
	opts.sel.addFlags(oc)
	oc.Flags().StringVar(&opts.file, "out", "", "write the documents to this file instead of stdout")
	c.AddCommand(oc)
	return c
}

func runExport(ctx context.Context, opts *exportOptions) error {
	cat, err := loadCatalog(ctx, opts.g)
	if err != nil {
		return err
	}
	slos, err := opts.sel.selection().Pick(cat)
	if err != nil {
		return err
	}
	exp, err := interop.ExportOpenSLO(slos, cat.Services)
	if err != nil {
		return fmt.Errorf("could not export OpenSLO: %w", err)
	}
	services := map[string]bool{}
	for _, s := range slos {
		services[s.Service] = true
	}
	approx, dropped := 0, 0
	for _, n := range exp.Notes {
		switch n.Outcome {
		case interop.Approximated:
			approx++
		case interop.Dropped:
			dropped++
		}
	}
	what := fmt.Sprintf("%d SLOs of %d services as %d OpenSLO documents; %d fields approximated and %d not expressed, listed in the comments at the top", len(slos), len(services), exp.Documents, approx, dropped)
	if opts.file != "" {
		if err := report.WriteFileAtomic(opts.file, func(w io.Writer) error { _, err := w.Write(exp.YAML); return err }); err != nil {
			return err
		}
		fmt.Fprintf(opts.s.ErrOut, "wrote %s: %s\n", opts.file, what)
		return nil
	}
	if _, err := opts.s.Out.Write(exp.YAML); err != nil {
		return err
	}
	fmt.Fprintf(opts.s.ErrOut, "exported %s\n", what)
	return nil
}
