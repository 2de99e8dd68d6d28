// Package app holds nines's use cases, each written once: evaluate (burn,
// status), price a period (cost, report, summary), what-if, the nines
// arithmetic, and the gate's cache → evaluate → decide → audit sequence.
//
// A use case takes its dependencies as arguments (an Env: the catalog read
// once, the source, the evaluation time, the clock, the logger, the
// environment) and returns the result model that package report renders. It
// never parses flags and never writes to a terminal: cmd/nines does the
// first, report the second.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/slo"
)

// Source is what a use case reads metrics from: a Prometheus-compatible API
// or the embedded engine.
type Source interface {
	slo.Querier
	slo.RangeQuerier
	// String describes the source for output and audit logs, without secrets.
	String() string
}

// Env is what every use case depends on. cmd/nines builds it once per
// command: the specs are read once, the source opened once.
type Env struct {
	// Catalog is the loaded and validated specs.
	Catalog *slo.Catalog
	// Source is the metrics source, opened: a source that cannot be opened
	// is a misconfiguration that fails the command before any use case
	// runs, whatever the gate's on_error says.
	Source Source
	// At is the evaluation time.
	At time.Time
	// Now is the wall clock (decision times, durations); nil means time.Now.
	Now func() time.Time
	// Log receives logs; nil discards them.
	Log *slog.Logger
	// Getenv reads the environment (CI context, actors); nil reads nothing.
	Getenv func(string) string
	// Stats asks the use cases that support it (burn, status, cost) for the
	// cost of their queries in the result (report.QueryStats, --stats).
	Stats bool
	// Recorded says when burn, status and gate read the recorded series
	// (--recorded); the zero value reads raw data only.
	Recorded slo.RecordedMode
}

func (e *Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

func (e *Env) log() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// source returns the source; an Env without one is a caller's mistake.
func (e *Env) source() (Source, error) {
	if e.Source == nil {
		return nil, errors.New("no metrics source: give --prometheus.url or --source")
	}
	return e.Source, nil
}

// SelectionError is a selection that names what the specs do not define.
// cmd/nines reports it as a usage error.
type SelectionError struct{ Msg string }

func (e *SelectionError) Error() string { return e.Msg }

func selectionErrorf(format string, a ...any) error {
	return &SelectionError{Msg: fmt.Sprintf(format, a...)}
}

// Selection picks SLOs out of the catalog; empty fields select everything.
type Selection struct {
	Services []string
	Tiers    []string
	SLOs     []string
}

// Pick returns the selected SLOs, or a *SelectionError naming what is
// unknown or that nothing matched.
func (sel Selection) Pick(cat *slo.Catalog) ([]slo.SLO, error) {
	known := map[string]bool{}
	for _, s := range cat.Services {
		known[s.Name] = true
	}
	for _, name := range sel.Services {
		if !known[name] {
			return nil, selectionErrorf("unknown service %q: the specs define %s", name, strings.Join(serviceNames(cat), ", "))
		}
	}
	for _, t := range sel.Tiers {
		if _, ok := cat.Tiers[t]; !ok {
			return nil, selectionErrorf("unknown tier %q", t)
		}
	}
	var out []slo.SLO
	for _, svc := range cat.Services {
		if len(sel.Services) > 0 && !slices.Contains(sel.Services, svc.Name) {
			continue
		}
		if len(sel.Tiers) > 0 && !slices.Contains(sel.Tiers, svc.Tier) {
			continue
		}
		for _, s := range svc.SLOs {
			if len(sel.SLOs) > 0 && !slices.Contains(sel.SLOs, s.Name) {
				continue
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, selectionErrorf("no SLO matches the selection")
	}
	return out, nil
}

// serviceNames lists the catalog's services, sorted.
func serviceNames(cat *slo.Catalog) []string {
	names := make([]string, len(cat.Services))
	for i, s := range cat.Services {
		names[i] = s.Name
	}
	sort.Strings(names)
	return names
}

// Notes is what a use case says beside its result: warnings to show once
// each, and the source errors that make the command fail after its output
// is written.
type Notes struct {
	Warnings []string
	Errors   []string
}

// warn adds warnings, each once.
func (n *Notes) warn(ws ...string) {
	for _, w := range ws {
		if !slices.Contains(n.Warnings, w) {
			n.Warnings = append(n.Warnings, w)
		}
	}
}

// Err joins the errors: the first three, a line each, and a count of the
// rest; nil for none.
func (n Notes) Err() error { return JoinErrors(n.Errors) }

// JoinErrors is one error of the first three messages, a line each, and a
// count of the rest; nil for none.
func JoinErrors(msgs []string) error {
	if len(msgs) == 0 {
		return nil
	}
	if len(msgs) > 3 {
		msgs = append(msgs[:3:3], fmt.Sprintf("and %d more", len(msgs)-3))
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// allFailed reports the source error when the source failed for every SLO:
// then a table of errors says nothing the error does not.
func allFailed(evals []slo.Evaluation) error {
	if len(evals) == 0 {
		return nil
	}
	for _, e := range evals {
		if e.Err == nil {
			return nil
		}
	}
	return fmt.Errorf("could not evaluate any of %d SLOs: %w", len(evals), errors.Unwrap(evals[0].Err))
}

// evaluate evaluates slos at env.At (over period when given). It fails when
// ctx was canceled (a signal: see Interrupted); when only ctx's deadline
// passed, the evaluations carry the queries' errors, which name it.
func evaluate(ctx context.Context, src Source, slos []slo.SLO, opts slo.EvalOptions) ([]slo.Evaluation, error) {
	evals := slo.Evaluate(ctx, src, slos, opts)
	if err := Interrupted(ctx); err != nil {
		return nil, fmt.Errorf("%w before the evaluation finished", err)
	}
	return evals, nil
}

// Interrupted returns the cause of ctx's cancellation ("interrupted by
// SIGTERM"), or nil while ctx is live or when it ended by its deadline (the
// --timeout): a use case stops without a result when it is interrupted,
// and goes on with what it measured when it ran out of time.
func Interrupted(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return context.Cause(ctx)
	}
	return nil
}

// evalNotes collects the evaluations' warnings and source errors.
func evalNotes(evals []slo.Evaluation) Notes {
	var n Notes
	for _, e := range evals {
		n.warn(e.Warnings...)
		if e.Err != nil {
			n.Errors = append(n.Errors, e.Err.Error())
		}
	}
	return n
}
