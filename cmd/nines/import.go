package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/interop"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// importOptions is what `nines import openslo|sloth` was asked.
type importOptions struct {
	g      *globalOptions
	s      *streams
	format string // openslo or sloth
	files  []string
	out    string // directory of a file per service; "" is stdout
	force  bool
	tier   string
	output string
	report report.Format
	// slothPeriod is --sloth-period (sloth only): "" is Sloth's default.
	slothPeriod string
	period      time.Duration
}

func newImportCmd(g *globalOptions, s *streams, runF func(*importOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:   "import openslo|sloth FILE...",
		Short: "nines/v1 specs from OpenSLO v1 or Sloth specs, with a mapping report",
		Long: `Write nines/v1 service specs, one per service, from OpenSLO v1 or Sloth specs
(several YAML documents a file), and report what became of every field: mapped
exactly, approximated (and how it differs), or dropped (and why). No Prometheus
is needed. docs/interop.md has the mapping tables.

  nines import openslo FILE...   Service, SLO (inline indicator or indicatorRef),
                                 SLI, AlertPolicy, AlertCondition,
                                 AlertNotificationTarget, DataSource
  nines import sloth FILE...     prometheus/v1 and sloth.slok.dev/v1
                                 PrometheusServiceLevel

Sloth specs carry no window: it is Sloth's --default-slo-period, 30d unless
--sloth-period says otherwise.

Each service needs a tier. --tier gives it; otherwise it is inferred from the
tiers of --specs: the tier whose objective and window most of the service's SLOs
have (an SLO's objective, window and alerts equal to its tier's are left to the
tier). An OpenSLO Service exported by nines names its tier in an annotation.
When the tiers are known, the written specs are loaded with them before
anything is written, so a spec nines would refuse is never written.

With --out DIR each service is written to DIR/<service>.yaml (an existing file
only with --force) and the report goes to stdout; without it the specs go to
stdout as a YAML stream (split it before nines loads it: one file a service)
and the report to stderr. -o picks the report's format: table (remarks only),
wide (every field), markdown, csv or json {"direction", "format", "services",
"exact", "approximated", "dropped", "mappings": [{"file", "line", "object",
"field", "outcome", "target", "reason"}]}.

Exit code 1 when an input is invalid (every problem with file, line and field,
unknown fields included), no tier can be chosen, a file exists without
--force, or the result does not load.`,
		Example: `  # OpenSLO files into ./specs, tiers inferred from ./specs/tiers.yaml
  nines import openslo slos/*.yaml --out specs

  # Sloth specs, all in the standard tier, to stdout; the report as Markdown
  nines import sloth sloth/*.yml --tier standard -o markdown 2>mapping.md

  # Sloth ran with --default-slo-period=28d
  nines import sloth sloth/*.yml --sloth-period 28d --out specs

  # Every field and what became of it
  nines import openslo slo.yaml --tier critical --out specs -o wide`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return usageErrorf("name the format: nines import openslo FILE... or nines import sloth FILE...")
		},
	}
	for _, f := range []string{"openslo", "sloth"} {
		c.AddCommand(newImportFormatCmd(g, s, f, runF))
	}
	return c
}

func newImportFormatCmd(g *globalOptions, s *streams, format string, runF func(*importOptions) error) *cobra.Command {
	opts := &importOptions{g: g, s: s, format: format}
	what := map[string]string{"openslo": "OpenSLO v1", "sloth": "Sloth (prometheus/v1, sloth.slok.dev/v1)"}[format]
	c := &cobra.Command{
		Use:   format + " FILE...",
		Short: "nines/v1 specs from " + what + " files",
		Long: `Write nines/v1 service specs from ` + what + ` files, one per service, with a
mapping report. See nines import --help for the tier, the output and the report.`,
		Example: fmt.Sprintf(`  nines import %s in.yaml --out specs
  nines import %s in.yaml --tier standard -o json 2>report.json`, format, format),
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			f, err := outputFormat(opts.output, tableFormats...)
			if err != nil {
				return err
			}
			opts.report, opts.files = f, args
			if opts.tier != "" && !slo.ValidName(opts.tier) {
				return usageErrorf("invalid --tier %q: use lower case letters, digits, '.', '_' and '-'", opts.tier)
			}
			if opts.force && opts.out == "" {
				return usageErrorf("--force applies to --out DIR only")
			}
			if opts.slothPeriod != "" {
				d, err := model.ParseDuration(opts.slothPeriod)
				if err != nil || d <= 0 || time.Duration(d)%time.Second != 0 {
					return usageErrorf("invalid --sloth-period %q: a duration such as 30d or 28d", opts.slothPeriod)
				}
				opts.period = time.Duration(d)
			}
			if runF != nil {
				return runF(opts)
			}
			return runImport(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.out, "out", "", "write DIR/<service>.yaml per service instead of a stream on stdout")
	c.Flags().BoolVar(&opts.force, "force", false, "overwrite existing files in --out")
	c.Flags().StringVar(&opts.tier, "tier", "", "the tier of every imported service (default: inferred from the tiers of --specs)")
	c.Flags().StringVarP(&opts.output, "output", "o", "table", "report format: table, wide, json, csv or markdown")
	if format == "sloth" {
		c.Flags().StringVar(&opts.slothPeriod, "sloth-period", "", "the SLO window Sloth ran with (its --default-slo-period; default 30d)")
	}
	return c
}

func runImport(ctx context.Context, opts *importOptions) error {
	files, err := readImportFiles(opts.files)
	if err != nil {
		return err
	}
	iopts := interop.ImportOptions{Tier: opts.tier, SlothPeriod: opts.period}
	// The tiers: needed to infer one; with --tier, the default --specs is
	// read when it loads, to leave tier defaults out and check the result.
	cat, err := loadCatalog(ctx, opts.g)
	switch {
	case err != nil && (opts.tier == "" || opts.g.specsGiven()):
		return fmt.Errorf("could not read the tiers to import into (give --tier, or --specs with a tiers file): %w", err)
	case err != nil:
		// No specs here is the ordinary case of --tier; specs that exist
		// but do not load are worth a line.
		var verr *slo.ValidationError
		if errors.As(err, &verr) {
			fmt.Fprintf(opts.s.ErrOut, "note: the specs in %s do not load, so the imported specs are not checked against their tiers: %s\n", strings.Join(opts.g.specs, ", "), firstLine(err.Error()))
		}
		cat = nil
	default:
		iopts.Tiers = cat.Tiers
		if _, ok := cat.Tiers[opts.tier]; opts.tier != "" && !ok {
			return fmt.Errorf("unknown --tier %q: the tiers of --specs are %s", opts.tier, strings.Join(sortedTierNames(cat), ", "))
		}
	}
	var imp *interop.Imported
	if opts.format == "openslo" {
		imp, err = interop.ImportOpenSLO(files, iopts)
	} else {
		imp, err = interop.ImportSloth(files, iopts)
	}
	if err != nil {
		return fmt.Errorf("could not import %s: %w", opts.format, err)
	}
	if len(imp.Services) == 0 {
		return fmt.Errorf("could not import %s: no SLO could be mapped (the report says why)%s", opts.format, reportOnStderr(opts, imp, nil))
	}
	bodies := make([][]byte, len(imp.Services))
	for i, s := range imp.Services {
		if bodies[i], err = s.YAML(opts.format); err != nil {
			return err
		}
	}
	if cat != nil {
		if err := checkImported(ctx, cat, imp, bodies); err != nil {
			return err
		}
	}
	paths := make([]string, len(imp.Services))
	if opts.out != "" {
		if err := os.MkdirAll(opts.out, 0o755); err != nil {
			return fmt.Errorf("could not create %s: %w", opts.out, err)
		}
		for i, s := range imp.Services {
			paths[i] = filepath.Join(opts.out, s.Spec.Service+".yaml")
			if _, err := os.Stat(paths[i]); err == nil && !opts.force {
				return fmt.Errorf("%s exists: give --force to overwrite it, or another --out", paths[i])
			}
		}
		for i := range imp.Services {
			body := bodies[i]
			if err := report.WriteFileAtomic(paths[i], func(w io.Writer) error { _, err := w.Write(body); return err }); err != nil {
				return err
			}
		}
		fmt.Fprintf(opts.s.ErrOut, "wrote %d service specs to %s\n", len(paths), opts.out)
		return report.Export(opts.s.Out, opts.report, interopReport("import", opts.format, imp, paths))
	}
	for i, b := range bodies {
		if i > 0 {
			fmt.Fprintln(opts.s.Out, "---")
		}
		if _, err := opts.s.Out.Write(b); err != nil {
			return err
		}
	}
	return report.Export(opts.s.ErrOut, opts.report, interopReport("import", opts.format, imp, paths))
}

// reportOnStderr writes the report of a failed import on stderr, so that
// the reasons are there; it returns "" to end the error message.
func reportOnStderr(opts *importOptions, imp *interop.Imported, paths []string) string {
	if err := report.Export(opts.s.ErrOut, opts.report, interopReport("import", opts.format, imp, paths)); err != nil {
		return ": " + err.Error()
	}
	return ""
}

// checkImported loads the imported specs with the catalog's tiers files,
// from a temporary directory, as nines will: a spec nines would refuse is
// an error before anything is written.
func checkImported(ctx context.Context, cat *slo.Catalog, imp *interop.Imported, bodies [][]byte) error {
	if cat.FS != nil {
		return nil // the built-in examples: no tiers file on disk to load with
	}
	dir, err := os.MkdirTemp("", "nines-import-")
	if err != nil {
		return fmt.Errorf("could not check the imported specs: %w", err)
	}
	defer os.RemoveAll(dir)
	seen := map[string]bool{}
	var paths []string
	for _, t := range cat.Tiers {
		if !seen[t.File] {
			seen[t.File] = true
			paths = append(paths, t.File)
		}
	}
	sort.Strings(paths)
	for i, s := range imp.Services {
		p := filepath.Join(dir, s.Spec.Service+".yaml")
		if err := os.WriteFile(p, bodies[i], 0o644); err != nil {
			return fmt.Errorf("could not check the imported specs: %w", err)
		}
		paths = append(paths, p)
	}
	if _, err := slo.LoadContext(ctx, paths, slo.LoadOptions{CheckQuery: prom.CheckQuery}); err != nil {
		return fmt.Errorf("the imported specs do not load (nothing was written): %w", err)
	}
	return nil
}

// readImportFiles reads the files (a directory: its *.yaml and *.yml), each
// within the size of a spec file.
func readImportFiles(args []string) ([]interop.File, error) {
	var names []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s does not exist", a)
			}
			return nil, fmt.Errorf("could not read %s: %w", a, err)
		}
		if !st.IsDir() {
			names = append(names, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("could not list %s: %w", a, err)
		}
		for _, e := range entries {
			if ext := filepath.Ext(e.Name()); e.Type().IsRegular() && (ext == ".yaml" || ext == ".yml") {
				names = append(names, filepath.Join(a, e.Name()))
			}
		}
	}
	if len(names) > slo.MaxSpecFiles {
		return nil, fmt.Errorf("%d files, more than the %d one run reads", len(names), slo.MaxSpecFiles)
	}
	var out []interop.File
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return nil, fmt.Errorf("could not read %s: %w", n, err)
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(io.LimitReader(f, slo.MaxSpecFileBytes+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("could not read %s: %w", n, err)
		}
		out = append(out, interop.File{Name: n, Data: buf.Bytes()})
	}
	return out, nil
}

// firstLine is s up to its first line break.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func sortedTierNames(cat *slo.Catalog) []string {
	var out []string
	for n := range cat.Tiers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// interopReport is the report model of an import's or export's notes.
func interopReport(direction, format string, imp *interop.Imported, paths []string) *report.InteropReport {
	r := &report.InteropReport{Direction: direction, Format: format, Services: []report.InteropService{}, Mappings: []report.InteropMapping{}}
	for i, s := range imp.Services {
		path := ""
		if i < len(paths) {
			path = paths[i]
		}
		r.Services = append(r.Services, report.InteropService{Service: s.Spec.Service, Tier: s.Spec.Tier, TierReason: s.TierReason, SLOs: len(s.Spec.SLOs), File: path, Sources: s.Sources})
	}
	for _, n := range imp.Notes {
		switch n.Outcome {
		case interop.Exact:
			r.Exact++
		case interop.Approximated:
			r.Approximated++
		case interop.Dropped:
			r.Dropped++
		}
		r.Mappings = append(r.Mappings, report.InteropMapping{File: n.File, Line: n.Line, Object: n.Object, Field: n.Field, Outcome: string(n.Outcome), Target: n.Target, Reason: n.Reason})
	}
	return r
}
