package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/rules"
)

// mimirMaxGroups is Mimir's default ruler_max_rule_groups_per_tenant: more
// groups than this are named on stderr.
const mimirMaxGroups = 70

// rulesOptions is what `nines rules` was asked.
type rulesOptions struct {
	g   *globalOptions
	s   *streams
	sel selection
	// file is the file to write (-o), dir the directory of a file per
	// service (--dir); neither is stdout.
	file, dir string
	maxRules  int
	// savings is --savings: the output format of the savings table, ""
	// when not asked; now is the clock (tests set it).
	savings string
	now     func() time.Time
}

func newRulesCmd(g *globalOptions, s *streams, runF func(*rulesOptions) error) *cobra.Command {
	opts := &rulesOptions{g: g, s: s}
	c := &cobra.Command{
		Use:   "rules [-o FILE | --dir DIR]",
		Short: "Prometheus recording and alerting rules from the specs",
		Long: `Write Prometheus rule files from the specs (tiers included), for Prometheus or
the Mimir, Cortex or Thanos ruler. No Prometheus is needed.

Per SLO, in one group evaluated every 5m:
  nines:slo_bad_events:increase5m   its bad events over the last 5m
  nines:slo_events:increase5m       its events over the last 5m
                                    (a probe counts samples; a raw SLI records
                                    nines:slo_error_ratio:ratio5m instead)
  NinesErrorBudgetBurn              one alert per alert window of its tier (or
                                    its own alerts): it fires when the error
                                    ratio over both the long and the short
                                    window exceeds factor x (1 - objective),
                                    as nines burn judges it
Every rule carries the labels service, slo and tier; alerts add severity,
long and short, and the annotations summary (the thresholds and windows),
description, team and contact. Windows are sums of the 5m records, so
Prometheus reads 12 samples for an hour instead of every raw sample (a raw
SLI, which has no counts, alerts on its own expression at each window); the
records are what nines reads on the fast path. An events SLI with
min_events and a rolling window fires only with that many events in the
window, as nines burn judges it; no alert sets for: (0). docs/rules.md lists
every expression and how the series map to Sloth's and Pyrra's.

Groups hold whole SLOs of one service (nines-<service>, nines-<service>-2, ...)
within --max-rules-per-group (default 20, Mimir's default limit). The output
is deterministic: services in name order, SLOs in the specs' order. It goes to
stdout, to one file (-o), or to a file per service (--dir DIR writes
DIR/<service>.yaml). Check it with promtool check rules.

--savings says how much the fast path saves on your own data: for every
selected SLO it evaluates the windows burn evaluates (the SLO window and the
alert windows) on raw data with stats=all, and states the recorded path's
cost for the same windows: measured where the server already has the
records (it evaluates again with --recorded always), computed exactly where
it does not. Per SLO and for the fleet: queries and samples scanned on
each path, and the ratio. It needs --prometheus.url (or --source); the
table goes to stdout (--savings=json, csv, markdown or wide for other
formats), so the rules are written only with -o FILE or --dir DIR.
docs/rules.md#savings explains the figures.

Exit code 1 when the specs are invalid, the selection matches nothing, an SLO
has more rules than a group may hold, or a file cannot be written; with
--savings also when the source cannot be read for any SLO.`,
		Example: `  # The rules of every SLO in ./specs, to stdout
  nines rules

  # One file for Prometheus's rule_files, checked by promtool
  nines rules -o /etc/prometheus/rules/nines.yaml
  promtool check rules /etc/prometheus/rules/nines.yaml

  # A file per service, for mimirtool rules sync, with Mimir's limit
  nines rules --dir rules/ --max-rules-per-group 20

  # Only the critical tier
  nines rules --tier critical

  # What the fast path saves on this server's data, and the rules to a file
  nines rules --savings --prometheus.url http://prometheus:9090 -o nines.yaml`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.file != "" && opts.dir != "" {
				return usageErrorf("give -o FILE or --dir DIR, not both")
			}
			if opts.maxRules < 1 {
				return usageErrorf("--max-rules-per-group must be at least 1, got %d", opts.maxRules)
			}
			if opts.savings != "" {
				if _, err := outputFormat(opts.savings, tableFormats...); err != nil {
					return usageErrorf("invalid --savings=%s: use table, wide, json, csv or markdown", opts.savings)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.savings != "" {
				if err := runSavings(c.Context(), opts); err != nil {
					return err
				}
				if opts.file == "" && opts.dir == "" {
					return nil
				}
			}
			return runRules(c.Context(), opts)
		},
	}
	opts.sel.addFlags(c)
	c.Flags().StringVarP(&opts.file, "output", "o", "", "write the rules to this file instead of stdout")
	c.Flags().StringVar(&opts.dir, "dir", "", "write a file per service, DIR/<service>.yaml")
	c.Flags().StringVar(&opts.savings, "savings", "", "measure on the source what the fast path saves, per SLO and for the fleet, and print it (table; --savings=json, csv, markdown or wide); the rules then go only to -o or --dir")
	c.Flags().Lookup("savings").NoOptDefVal = string(report.Table)
	c.Flags().IntVar(&opts.maxRules, "max-rules-per-group", rules.DefaultMaxRulesPerGroup, "most rules in one group (Mimir's ruler_max_rules_per_rule_group)")
	return c
}

// runSavings prints what the fast path saves on the source's data.
func runSavings(ctx context.Context, opts *rulesOptions) error {
	f, _ := outputFormat(opts.savings, tableFormats...)
	opts.g.stats = true // every query is sent with stats=all
	ectx, env, done, err := opts.g.newEnv(ctx, opts.s, opts.now)
	if err != nil {
		return err
	}
	defer done()
	res, notes, err := app.Savings(ectx, env, app.SavingsRequest{Selection: opts.sel.selection()})
	if err != nil {
		return err
	}
	return export(opts.s, f, res, notes)
}

func runRules(ctx context.Context, opts *rulesOptions) error {
	cat, err := loadCatalog(ctx, opts.g)
	if err != nil {
		return err
	}
	slos, err := opts.sel.selection().Pick(cat)
	if err != nil {
		return err
	}
	set, err := rules.Generate(slos, rules.Options{MaxRulesPerGroup: opts.maxRules, Rewriter: prom.PromQL{}})
	if err != nil {
		return fmt.Errorf("could not write rules: %w", err)
	}
	groups, records, alerts := set.Counts()
	what := fmt.Sprintf("%d rules (%d records, %d alerts) in %d groups for %d SLOs of %d services",
		records+alerts, records, alerts, groups, set.SLOs, len(set.Services))
	if n := len(set.Skipped); n > 0 {
		what += fmt.Sprintf(" (%d composite SLOs need none: their members' rules serve them: %s)", n, strings.Join(set.Skipped, ", "))
	}
	switch {
	case opts.dir != "":
		if err := os.MkdirAll(opts.dir, 0o755); err != nil {
			return fmt.Errorf("could not create %s: %w", opts.dir, err)
		}
		for _, svc := range set.Services {
			path := filepath.Join(opts.dir, svc.Name+".yaml")
			if err := writeRulesFile(path, rules.File{Groups: svc.Groups}); err != nil {
				return err
			}
		}
		fmt.Fprintf(opts.s.ErrOut, "wrote %s: %s, a file per service\n", opts.dir, what)
	case opts.file != "":
		if err := writeRulesFile(opts.file, set.File()); err != nil {
			return err
		}
		fmt.Fprintf(opts.s.ErrOut, "wrote %s: %s\n", opts.file, what)
	default:
		if err := rules.Encode(opts.s.Out, set.File()); err != nil {
			return err
		}
	}
	if groups > mimirMaxGroups {
		fmt.Fprintf(opts.s.ErrOut, "note: %d groups, more than Mimir's default of %d per tenant (ruler_max_rule_groups_per_tenant)\n", groups, mimirMaxGroups)
	}
	return nil
}

// writeRulesFile writes f to path whole or not at all: to a temporary file
// beside it, then renamed over it.
func writeRulesFile(path string, f rules.File) error {
	var buf bytes.Buffer
	if err := rules.Encode(&buf, f); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		// The temporary file's name would only confuse: name the cause.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}
