package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
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
func loadCatalog(g *globalOptions) (*slo.Catalog, error) {
	cat, err := slo.Load(g.specs, slo.LoadOptions{CheckQuery: prom.CheckQuery})
	if err != nil {
		return nil, fmt.Errorf("could not load specs: %w", err)
	}
	return cat, nil
}

// pick returns the selected SLOs, or an error naming what is unknown.
func (sel *selection) pick(cat *slo.Catalog) ([]slo.SLO, error) {
	known := map[string]bool{}
	for _, s := range cat.Services {
		known[s.Name] = true
	}
	for _, name := range sel.services {
		if !known[name] {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, usageErrorf("unknown service %q: the specs define %s", name, strings.Join(names, ", "))
		}
	}
	for _, t := range sel.tiers {
		if _, ok := cat.Tiers[t]; !ok {
			return nil, usageErrorf("unknown tier %q", t)
		}
	}
	var out []slo.SLO
	for _, svc := range cat.Services {
		if len(sel.services) > 0 && !slices.Contains(sel.services, svc.Name) {
			continue
		}
		if len(sel.tiers) > 0 && !slices.Contains(sel.tiers, svc.Tier) {
			continue
		}
		for _, s := range svc.SLOs {
			if len(sel.slos) > 0 && !slices.Contains(sel.slos, s.Name) {
				continue
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, usageErrorf("no SLO matches the selection")
	}
	return out, nil
}

// evalRequest is what evaluateSLOs needs.
type evalRequest struct {
	g      *globalOptions
	s      *streams
	sel    *selection
	period string
	tz     string
	now    func() time.Time
}

// evalResult is the evaluation plus what describes it.
type evalResult struct {
	at     time.Time
	source string
	evals  []slo.Evaluation
	log    *slog.Logger
}

// evaluateSLOs loads the specs, opens the source and evaluates the selected SLOs.
func evaluateSLOs(ctx context.Context, r evalRequest) (*evalResult, error) {
	log, at, err := r.g.start(r.s, r.now)
	if err != nil {
		return nil, err
	}
	var period *slo.Period
	if r.period != "" {
		loc, err := time.LoadLocation(r.tz)
		if err != nil {
			return nil, usageErrorf("unknown --timezone %q: use an IANA name such as Europe/Berlin", r.tz)
		}
		p, err := slo.ParsePeriod(r.period, at, loc)
		if err != nil {
			return nil, &usageError{err: err}
		}
		period = &p
	}
	cat, err := loadCatalog(r.g)
	if err != nil {
		return nil, err
	}
	slos, err := r.sel.pick(cat)
	if err != nil {
		return nil, err
	}
	src, err := r.g.openSource(ctx, r.s, log)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	evals := slo.Evaluate(ctx, src, slos, slo.EvalOptions{At: at, Period: period})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluation interrupted: %w", err)
	}
	return &evalResult{at: at, source: src.String(), evals: evals, log: log}, nil
}

// statuses converts evaluations for rendering and prints their warnings on
// stderr, once each.
func (r *evalResult) statuses(errOut io.Writer) []report.SLOStatus {
	out := make([]report.SLOStatus, len(r.evals))
	warn := newWarner(errOut)
	for i, e := range r.evals {
		out[i] = report.NewSLOStatus(e)
		warn.print(e.Warnings)
	}
	return out
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
