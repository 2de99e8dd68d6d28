package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
	"github.com/nines-sre/nines/specs"
)

// selection picks SLOs out of the catalog.
type selection struct {
	services []string
	tiers    []string
	slos     []string
}

func (sel *selection) addFlags(c *cobra.Command) {
	c.Flags().StringSliceVar(&sel.services, "service", nil, "only these services (repeat or comma-separate)")
	c.Flags().StringSliceVar(&sel.tiers, "tier", nil, "only services of these tiers")
}

// loadCatalog loads and validates the specs, checking PromQL syntax.
// With --source demo and no --specs, the example specs built into the
// binary are read: they describe the demo's services.
func loadCatalog(g *globalOptions) (*slo.Catalog, error) {
	paths, opts := g.specs, slo.LoadOptions{CheckQuery: prom.CheckQuery}
	if g.sourceFile == demoSourceName && !g.specsGiven() {
		paths, opts.FS = []string{specs.Dir}, specs.FS
	}
	cat, err := slo.Load(paths, opts)
	if err != nil {
		return nil, fmt.Errorf("could not load specs: %w", err)
	}
	return cat, nil
}

// selection is the app selection the flags make.
func (sel *selection) selection() app.Selection {
	return app.Selection{Services: sel.services, Tiers: sel.tiers, SLOs: sel.slos}
}

// pick returns the selected SLOs, or a usage error naming what is unknown.
func (sel *selection) pick(cat *slo.Catalog) ([]slo.SLO, error) {
	slos, err := sel.selection().Pick(cat)
	if err != nil {
		return nil, &usageError{err: err}
	}
	return slos, nil
}

// parsePeriodFlag reads --period (with --timezone) at time at; nil when
// not given.
func parsePeriodFlag(period, tz string, at time.Time) (*slo.Period, error) {
	if period == "" {
		return nil, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, usageErrorf("unknown --timezone %q: use an IANA name such as Europe/Berlin", tz)
	}
	p, err := slo.ParsePeriod(period, at, loc)
	if err != nil {
		return nil, &usageError{err: err}
	}
	return &p, nil
}

// warner prints warnings on stderr, each once however often it comes.
type warner struct {
	w    io.Writer
	seen map[string]bool
}

func newWarner(w io.Writer) *warner { return &warner{w: w, seen: map[string]bool{}} }

func (p *warner) print(warnings []string) {
	for _, w := range warnings {
		if !p.seen[w] {
			p.seen[w] = true
			fmt.Fprintf(p.w, "warning: %s\n", w)
		}
	}
}

// allFailed reports the source error when the source failed for every SLO:
// then a table of errors says nothing the error does not.
func allFailed(evals []slo.Evaluation) error {
	for _, e := range evals {
		if e.Err == nil {
			return nil
		}
	}
	if len(evals) == 0 {
		return nil
	}
	return fmt.Errorf("could not evaluate any of %d SLOs: %w", len(evals), errors.Unwrap(evals[0].Err))
}

// sourceErrors joins the source failures of the evaluations.
func sourceErrors(evals []slo.Evaluation) error {
	var msgs []string
	for _, e := range evals {
		if e.Err != nil {
			msgs = append(msgs, e.Err.Error())
		}
	}
	return joinErrors(msgs)
}

// joinErrors is one error of the first three messages, a line each, and a
// count of the rest; nil for none.
func joinErrors(msgs []string) error {
	if len(msgs) == 0 {
		return nil
	}
	if len(msgs) > 3 {
		msgs = append(msgs[:3:3], fmt.Sprintf("and %d more", len(msgs)-3))
	}
	return errors.New(strings.Join(msgs, "\n"))
}
