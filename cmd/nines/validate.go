package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

type validateOptions struct {
	g      *globalOptions
	s      *streams
	paths  []string
	output string
	format report.Format
}

// validateReport is the JSON document of `nines validate -o json`.
type validateReport struct {
	Valid    bool             `json:"valid"`
	Tiers    int              `json:"tiers"`
	Services int              `json:"services"`
	SLOs     int              `json:"slos"`
	Problems []validateReason `json:"problems"`
}

type validateReason struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func newValidateCmd(g *globalOptions, s *streams, runF func(*validateOptions) error) *cobra.Command {
	opts := &validateOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check spec files: every problem, with file, line and field",
		Long: `Load spec files and directories (default: --specs) strictly and report every
problem in every file, each with its file, line and field: unknown or misspelled
fields, bad objectives and windows, unknown tiers, SLIs that are not exactly one
kind, queries without the {{.window}} placeholder, PromQL syntax errors, and
budget adjustments without a reason, unbounded, or overlapping each other.
No Prometheus is needed. Exit code 1 when anything is wrong.

-o json prints {"valid", "tiers", "services", "slos", "problems": [{"file",
"line", "field", "message"}]}.`,
		Example: `  nines validate
  nines validate specs/tiers.yaml specs/checkout.yaml
  nines validate ./specs -o json`,
		RunE: func(c *cobra.Command, args []string) error {
			f, err := outputFormat(opts.output, report.Table, report.JSON)
			if err != nil {
				return err
			}
			opts.format = f
			opts.paths = args
			if len(opts.paths) == 0 {
				opts.paths = g.specs
			}
			if runF != nil {
				return runF(opts)
			}
			return runValidate(c.Context(), opts)
		},
	}
	c.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table or json")
	return c
}

func runValidate(ctx context.Context, opts *validateOptions) error {
	cat, err := slo.LoadContext(ctx, opts.paths, slo.LoadOptions{CheckQuery: prom.CheckQuery})
	var verr *slo.ValidationError
	if err != nil && !errors.As(err, &verr) {
		return err
	}
	rep := validateReport{Valid: err == nil, Problems: []validateReason{}}
	if cat != nil {
		rep.Tiers, rep.Services = len(cat.Tiers), len(cat.Services)
		for _, s := range cat.Services {
			rep.SLOs += len(s.SLOs)
		}
	}
	if verr != nil {
		for _, p := range verr.Problems {
			rep.Problems = append(rep.Problems, validateReason{File: p.File, Line: p.Line, Field: p.Field, Message: p.Message})
		}
	}
	if opts.format == report.JSON {
		if err := report.Export(opts.s.Out, report.JSON, rep); err != nil {
			return err
		}
		if verr != nil {
			return &exitError{code: exitFailure}
		}
		return nil
	}
	if verr != nil {
		return err
	}
	fmt.Fprintf(opts.s.Out, "ok: %d tiers, %d services, %d SLOs\n", rep.Tiers, rep.Services, rep.SLOs)
	return nil
}
