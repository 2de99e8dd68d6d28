package main

import (
	"context"
	"fmt"
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
// Loading stops when ctx ends.
func loadCatalog(ctx context.Context, g *globalOptions) (*slo.Catalog, error) {
	paths, opts := g.specs, slo.LoadOptions{CheckQuery: prom.CheckQuery, Rewriter: prom.PromQL{}}
	if g.sourceFile == demoSourceName && !g.specsGiven() {
		paths, opts.FS = []string{specs.Dir}, specs.FS
	}
	cat, err := slo.LoadContext(ctx, paths, opts)
	if err != nil {
		return nil, fmt.Errorf("could not load specs: %w", err)
	}
	return cat, nil
}

// selection is the app selection the flags make.
func (sel *selection) selection() app.Selection {
	return app.Selection{Services: sel.services, Tiers: sel.tiers, SLOs: sel.slos}
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
