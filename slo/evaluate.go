package slo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/nines-sre/nines/budget"
)

// DataState says whether a measurement can be trusted.
type DataState string

// Data states. No data is never 100% available.
const (
	DataOK           DataState = "ok"
	NoData           DataState = "no_data"
	InsufficientData DataState = "insufficient_data"
)

// Measurement is good and total over one window.
type Measurement struct {
	Window     time.Duration
	Good       float64
	Bad        float64
	Total      float64
	ErrorRatio float64
	// Events is false for raw SLIs, which give a ratio without counts.
	Events bool
	State  DataState
	// Reason explains a state other than ok.
	Reason string
}

func (m Measurement) ratio() budget.Ratio {
	return budget.Ratio{ErrorRatio: m.ErrorRatio, Bad: m.Bad, Total: m.Total, Events: m.Events}
}

// Evaluation is one SLO evaluated at one time.
type Evaluation struct {
	SLO SLO
	At  time.Time
	// Start is where the SLO window (or the period) starts; Length is its whole
	// length and Elapsed the part measured, up to At.
	Start   time.Time
	Length  time.Duration
	Elapsed time.Duration
	// Period names the calendar period evaluated, if any ("2026-Q3").
	Period string

	SLI  Measurement
	Burn []Measurement
	// Status is the error budget; meaningful when SLI.State is DataOK.
	Status budget.Status
	// Warnings from the source and from evaluation, for the user.
	Warnings []string
	// Err is set when the source failed for this SLO.
	Err error
}

// State is the SLI's data state.
func (e Evaluation) State() DataState { return e.SLI.State }

// EvalOptions tunes Evaluate.
type EvalOptions struct {
	// At is the evaluation time.
	At time.Time
	// Period, when set, replaces each SLO's window by this calendar period,
	// measured up to At when the period is not over.
	Period *Period
	// WindowOnly measures the SLO window (or Period) alone: no alert windows,
	// so no burn rates and no firing alerts. Reports over past periods need
	// nothing more, and it saves seven windows of queries per SLO.
	WindowOnly bool
}

// Evaluate measures every SLO at opts.At over its SLO window and its alert
// windows, and computes its error budget. All queries run concurrently (the
// Querier bounds how many are in flight) and each distinct query runs once.
// A source failure is recorded in the SLO's Evaluation.Err.
func Evaluate(ctx context.Context, q Querier, slos []SLO, opts EvalOptions) []Evaluation {
	evals := make([]Evaluation, len(slos))
	type plan struct {
		sli   Queries
		end   time.Time
		burn  []time.Duration
		burnQ []Queries
	}
	plans := make([]plan, len(slos))
	wanted := map[queryKey]*queryResult{}
	want := func(query string, at time.Time) {
		if query != "" {
			wanted[queryKey{query, at.UnixMilli()}] = nil
		}
	}
	for i, s := range slos {
		e := Evaluation{SLO: s, At: opts.At}
		end := opts.At
		if opts.Period != nil {
			e.Start, e.Length, e.Period = opts.Period.Start, opts.Period.Length(), opts.Period.Name
			if opts.Period.End.Before(end) {
				end = opts.Period.End
			}
		} else {
			e.Start, e.Length = s.Window.Bounds(opts.At)
			if s.Window.Calendar != "" {
				e.Period = CalendarPeriod(s.Window.Calendar, opts.At, s.Window.Location).Name
			}
		}
		e.Elapsed = end.Sub(e.Start)
		if e.Elapsed > e.Length {
			e.Elapsed = e.Length
		}
		p := plan{end: end}
		if e.Elapsed > 0 {
			p.sli = s.SLI.Queries(e.Elapsed)
			for _, qs := range p.sli.All() {
				want(qs, end)
			}
		}
		if !opts.WindowOnly {
			p.burn = budget.Windows(s.Alerts)
		}
		for _, w := range p.burn {
			qs := s.SLI.Queries(w)
			p.burnQ = append(p.burnQ, qs)
			for _, x := range qs.All() {
				want(x, end)
			}
		}
		plans[i] = p
		evals[i] = e
	}

	run(ctx, q, wanted)

	for i := range evals {
		e := &evals[i]
		p := plans[i]
		get := func(query string) *queryResult {
			if query == "" {
				return nil
			}
			return wanted[queryKey{query, p.end.UnixMilli()}]
		}
		var warns []string
		if e.Elapsed <= 0 {
			e.SLI = Measurement{State: NoData, Reason: "the period has not started"}
		} else {
			e.SLI, warns = e.measure(e.Elapsed, p.sli, get)
			e.Warnings = append(e.Warnings, warns...)
		}
		burns := map[time.Duration]budget.Ratio{}
		for j, w := range p.burn {
			m, warns := e.measure(w, p.burnQ[j], get)
			e.Warnings = append(e.Warnings, warns...)
			e.Burn = append(e.Burn, m)
			if m.State == DataOK {
				burns[w] = m.ratio()
			}
		}
		e.Warnings = dedupe(e.Warnings)
		if e.Err != nil {
			continue
		}
		if e.SLI.State == DataOK && e.SLI.Events && e.SLI.Total < e.SLO.MinEvents {
			e.SLI.State = InsufficientData
			e.SLI.Reason = fmt.Sprintf("%.0f events in the window, fewer than the minimum of %.0f", e.SLI.Total, e.SLO.MinEvents)
		}
		e.Status = budget.Compute(budget.Input{
			Objective: e.SLO.Objective,
			Window:    e.Length,
			Elapsed:   e.Elapsed,
			SLI:       e.SLI.ratio(),
			Burn:      burns,
			Alerts:    e.SLO.Alerts,
		})
	}
	return evals
}

type queryKey struct {
	query string
	at    int64 // unix milliseconds
}

type queryResult struct {
	value   float64
	present bool
	series  int
	warn    []string
	err     error
}

// run executes every wanted query concurrently.
func run(ctx context.Context, q Querier, wanted map[queryKey]*queryResult) {
	keys := make([]queryKey, 0, len(wanted))
	for k := range wanted {
		keys = append(keys, k)
	}
	results := make([]*queryResult, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runOne(ctx, q, k)
		}()
	}
	wg.Wait()
	for i, k := range keys {
		wanted[k] = results[i]
	}
}

func runOne(ctx context.Context, q Querier, k queryKey) *queryResult {
	res, err := q.Query(ctx, k.query, time.UnixMilli(k.at))
	if err != nil {
		return &queryResult{err: err}
	}
	r := &queryResult{warn: res.Warnings, series: len(res.Samples)}
	for _, s := range res.Samples {
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			r.warn = append(r.warn, fmt.Sprintf("query %q returned %v; treated as no data", k.query, s.Value))
			continue
		}
		r.value += s.Value
		r.present = true
	}
	if len(res.Samples) > 1 {
		r.warn = append(r.warn, fmt.Sprintf("query %q returned %d series; they were summed (wrap it in sum() to say so)", k.query, len(res.Samples)))
	}
	return r
}

// measure turns the results of one window's queries into a measurement.
func (e *Evaluation) measure(w time.Duration, qs Queries, get func(string) *queryResult) (Measurement, []string) {
	m := Measurement{Window: w, Events: e.SLO.SLI.Kind != Raw}
	var warns []string
	results := []*queryResult{get(qs.Good), get(qs.Bad), get(qs.Total), get(qs.ErrorRatio)}
	for _, r := range results {
		if r == nil {
			continue
		}
		warns = append(warns, r.warn...)
		if r.err != nil && e.Err == nil {
			e.Err = fmt.Errorf("could not evaluate SLO %s: %w", e.SLO.ID(), r.err)
		}
	}
	if e.Err != nil {
		m.State, m.Reason = NoData, "source error"
		return m, warns
	}
	win := PromQLDuration(w)
	if !m.Events {
		r := get(qs.ErrorRatio)
		if !r.present {
			m.State, m.Reason = NoData, "the error ratio query returned no value over "+win
			return m, warns
		}
		m.ErrorRatio = clampRatio(r.value, &warns, qs.ErrorRatio)
		m.State = DataOK
		return m, warns
	}
	total := get(qs.Total)
	if !total.present {
		m.State, m.Reason = NoData, "the total query returned no series over "+win
		return m, warns
	}
	if total.value <= 0 {
		m.State, m.Reason = NoData, "no events over "+win
		return m, warns
	}
	m.Total = total.value
	if qs.Bad != "" {
		// No bad series at all is the common case of no errors ever.
		m.Bad = get(qs.Bad).value
		m.Good = m.Total - m.Bad
	} else {
		good := get(qs.Good)
		if !good.present {
			if e.SLO.SLI.Kind == Latency {
				e.Err = fmt.Errorf("could not evaluate SLO %s: %s has no bucket le=%q: the threshold must be one of its bucket bounds",
					e.SLO.ID(), e.SLO.SLI.Metric, fmt.Sprint(e.SLO.SLI.Threshold))
				m.State, m.Reason = NoData, "threshold is not a bucket bound"
				return m, warns
			}
			warns = append(warns, fmt.Sprintf("SLO %s: the good query returned no series over %s; counted as 0 good events", e.SLO.ID(), win))
		}
		m.Good = good.value
		m.Bad = m.Total - m.Good
	}
	m.ErrorRatio = clampRatio(m.Bad/m.Total, &warns, e.SLO.ID())
	m.Bad = m.ErrorRatio * m.Total
	m.Good = m.Total - m.Bad
	m.State = DataOK
	return m, warns
}

// clampRatio keeps an error ratio within [0, 1]. Extrapolation of increase()
// across different series can overshoot by a hair; more than that is reported.
func clampRatio(r float64, warns *[]string, what string) float64 {
	const slack = 1e-6
	switch {
	case r < 0:
		if r < -slack {
			*warns = append(*warns, fmt.Sprintf("%s: error ratio %g below 0, clamped to 0", what, r))
		}
		return 0
	case r > 1:
		if r > 1+slack {
			*warns = append(*warns, fmt.Sprintf("%s: error ratio %g above 1, clamped to 1", what, r))
		}
		return 1
	}
	return r
}

// dedupe sorts s and drops repeats.
func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
