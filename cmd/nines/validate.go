package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	// Severity is "error" (the specs do not load) or "warning" (they load,
	// but an objective is above its ceiling; validate still fails).
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Field    string `json:"field"`
	Message  string `json:"message"`
}

func newValidateCmd(g *globalOptions, s *streams, runF func(*validateOptions) error) *cobra.Command {
	opts := &validateOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check spec files: every problem, with file, line and field",
		Long: `Load spec files and directories (default: --specs) strictly and report every
problem in every file, each with its file, line and field: unknown or misspelled
fields, bad objectives and windows, unknown tiers, SLIs that are not exactly one
kind, queries without the {{.window}} placeholder, PromQL syntax errors,
composites and dependencies that name unknown SLOs or form a cycle, and
budget adjustments without a reason, unbounded, or overlapping each other.
No Prometheus is needed. Exit code 1 when anything is wrong.

An objective above its ceiling (the best availability the SLO's composite
members and its service's dependencies allow, docs/composites.md) is a
warning: the specs still load for every other command, but validate fails
on it, so CI catches a promise that what it rests on cannot keep.

-o json prints {"valid", "tiers", "services", "slos", "problems": [{"severity",
"file", "line", "field", "message"}]}; severity is error or warning.`,
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
	cat, err := slo.LoadContext(ctx, opts.paths, slo.LoadOptions{CheckQuery: prom.CheckQuery, Rewriter: prom.PromQL{}})
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
		for _, p := range cat.Warnings {
			rep.Problems = append(rep.Problems, validateReason{Severity: "warning", File: p.File, Line: p.Line, Field: p.Field, Message: p.Message})
		}
	}
	if verr != nil {
		for _, p := range verr.Problems {
			rep.Problems = append(rep.Problems, validateReason{Severity: "error", File: p.File, Line: p.Line, Field: p.Field, Message: p.Message})
		}
	}
	rep.Valid = len(rep.Problems) == 0
	if opts.format == report.JSON {
		if err := report.Export(opts.s.Out, report.JSON, rep); err != nil {
			return err
		}
		if !rep.Valid {
			return &exitError{code: exitFailure}
		}
		return nil
	}
	if verr != nil {
		return err
	}
	if len(cat.Warnings) > 0 {
		lines := make([]string, len(cat.Warnings))
		for i, p := range cat.Warnings {
			lines[i] = p.String()
		}
		return fmt.Errorf("specs load (%d tiers, %d services, %d SLOs), but %d %s above the ceiling of what %s on:\n  %s",
			rep.Tiers, rep.Services, rep.SLOs, len(lines), plural(len(lines), "objective is", "objectives are"), plural(len(lines), "it rests", "they rest"), strings.Join(lines, "\n  "))
	}
	fmt.Fprintf(opts.s.Out, "ok: %d tiers, %d services, %d SLOs\n", rep.Tiers, rep.Services, rep.SLOs)
	return nil
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
