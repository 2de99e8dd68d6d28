package slo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
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
	// Assumptions are what the numbers rest on that was not measured (an
	// absent error series counted as 0 errors, a window only partly
	// covered by data); stated with every result, not warnings.
	Assumptions []string
	// Coverage is the part of the window (or period) that has data, from
	// DataFrom on: 1 when data reaches back to its start, or when it was
	// not measured (DataFrom zero).
	Coverage float64
	DataFrom time.Time
	// Err is set when the source failed for this SLO.
	Err error

	// Path is the data the SLO was measured from: PathRaw or PathRecorded
	// (the recorded series, see EvalOptions.Recorded). PathReason says why
	// an SLO that could have read its recorded series read raw data.
	Path, PathReason string
	// RecordedAt is, on the recorded path, the time of the last record:
	// every window ends there, at most RecordedInterval before At.
	RecordedAt time.Time
	// Members are, for a composite SLO, its members' evaluations over the
	// composite's windows, in the spec's order.
	Members []Evaluation

	// Adjusted is set when budget adjustments were applied: SLI, Burn and
	// Status are then adjusted, and Adjusted has the raw figures and the
	// intervals excluded (slo/adjust_eval.go).
	Adjusted *Adjusted
	adj      *adjPlan
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
	// Recorded says when the recorded series are read instead of raw data
	// (docs/fast-path.md); the zero value reads raw data only.
	Recorded RecordedMode
}

// Evaluate measures every SLO at opts.At over its SLO window and its alert
// windows, and computes its error budget; a composite SLO combines its
// members measured over its own windows (composite_eval.go). All queries run
// concurrently (the Querier bounds how many are in flight) and each distinct
// query runs once; when q is a Rewriter, queries that differ only in one
// label's value run as one batched query (docs/fast-path.md "Raw-path batching").
// A source failure is recorded in the SLO's Evaluation.Err.
//
// A grouped SLO (SLO.GroupBy) is first split into the SLOs of its groups,
// found with one query (docs/groups.md): the evaluations then hold one per
// group, in the place of the SLO.
func Evaluate(ctx context.Context, q Querier, slos []SLO, opts EvalOptions) []Evaluation {
	if slices.ContainsFunc(slos, isComposite) {
		return evaluateComposites(ctx, q, slos, opts)
	}
	slos, groupErrs := expandGroups(ctx, q, slos, opts)
	evals := make([]Evaluation, len(slos))
	type plan struct {
		sli          Queries
		end          time.Time
		burn         []time.Duration
		burnQ        []Queries
		coverage     string
		coverageStep time.Duration
		// count, for a period, counts the coverage points with data.
		count string
		// raw lists the queries of the raw path.
		raw []string
	}
	plans := make([]plan, len(slos))
	wanted := map[queryKey]*queryResult{}
	// owners are the SLOs each query is for (--stats attributes its cost).
	owners := map[queryKey][]string{}
	ends := make([]time.Time, len(slos))
	for i, s := range slos {
		p := &plans[i]
		want := func(query string, _ time.Time) {
			if query != "" {
				p.raw = append(p.raw, query)
			}
		}
		e := Evaluation{SLO: s, At: opts.At, Coverage: 1, Path: PathRaw}
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
		p.end, ends[i] = end, end
		if err := groupErrs[i]; err != nil {
			e.Err = err
			evals[i] = e
			continue
		}
		if e.Elapsed > 0 {
			p.sli = s.SLI.Queries(e.Elapsed)
			for _, qs := range p.sli.All() {
				want(qs, end)
			}
			p.coverage, p.coverageStep = coverageQuery(s.SLI, e.Elapsed)
			want(p.coverage, end)
			if opts.Period != nil {
				p.count = "count_over_time" + strings.TrimPrefix(p.coverage, "min_over_time")
				want(p.count, end)
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
		e.planAdjustments(end, p.burn)
		evals[i] = e
	}

	fast := evaluateRecorded(ctx, q, evals, ends, opts)
	for i, p := range plans {
		if fast[i] != nil {
			continue
		}
		owner := slos[i].ID()
		for _, x := range p.raw {
			k := queryKey{x, p.end.UnixMilli()}
			wanted[k] = nil
			if o := owners[k]; len(o) == 0 || o[len(o)-1] != owner {
				owners[k] = append(o, owner)
			}
		}
		if a := evals[i].adj; a != nil {
			for _, k := range a.keys {
				wanted[k] = nil
				if o := owners[k]; len(o) == 0 || o[len(o)-1] != owner {
					owners[k] = append(o, owner)
				}
			}
		}
	}
	rw, _ := q.(Rewriter)
	runAll(ctx, q, rw, wanted, owners)

	for i := range evals {
		e := &evals[i]
		p := plans[i]
		get := func(query string) *queryResult {
			if query == "" {
				return nil
			}
			return wanted[queryKey{query, p.end.UnixMilli()}]
		}
		var ws []window
		if e.Elapsed > 0 {
			ws = append(ws, window{length: e.Elapsed, qs: p.sli, sli: true})
		}
		for j, w := range p.burn {
			ws = append(ws, window{length: w, qs: p.burnQ[j]})
		}
		if f := fast[i]; f != nil {
			ws, get, p.coverage = f.windows, f.get, ""
		}
		ms := e.measureAll(ws, get)
		e.applyAdjustments(ws, ms, func(q string, at time.Time) *queryResult { return wanted[queryKey{q, at.UnixMilli()}] })
		if e.Elapsed <= 0 {
			e.SLI = Measurement{State: NoData, Reason: "the period has not started"}
		} else {
			e.SLI, ms = ms[0], ms[1:]
		}
		burns := map[time.Duration]budget.Ratio{}
		for _, m := range ms {
			e.Burn = append(e.Burn, m)
			if m.State == DataOK {
				burns[m.Window] = m.ratio()
			}
		}
		if p.coverage != "" && e.Err == nil && e.SLI.State == DataOK {
			e.coverage(get(p.coverage), p.coverageStep, p.end)
			e.countCoverage(get(p.count), p.coverageStep, p.end)
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
		e.computeRaw()
	}
	return evals
}

type queryKey struct {
	query string
	at    int64 // unix milliseconds
}

type queryResult struct {
	value float64
	// present is set when a finite sample came back; series counts every
	// sample, nonFinite holds the NaN and ±Inf values.
	present   bool
	series    int
	nonFinite []float64
	warn      []string
	err       error
}

// runOne sends the query of k alone.
func runOne(ctx context.Context, q Querier, k queryKey) *queryResult {
	asked := time.UnixMilli(k.at).UTC()
	res, err := q.Query(ctx, k.query, asked)
	if err != nil {
		return &queryResult{err: err}
	}
	return answer(k, res)
}

// answer checks and sums the answer res to the query of k.
func answer(k queryKey, res Result) *queryResult {
	asked := time.UnixMilli(k.at).UTC()
	r := &queryResult{warn: res.Warnings, series: len(res.Samples)}
	for _, s := range res.Samples {
		// To the second: some backends round the time asked to seconds.
		if d := s.T.Sub(asked); !s.T.IsZero() && (d >= time.Second || d <= -time.Second) {
			return &queryResult{err: &StaleAnswerError{Query: k.query, Asked: asked, Got: s.T.UTC()}}
		}
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			r.nonFinite = append(r.nonFinite, s.Value)
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

// StaleAnswerError is an answer for another time than the one asked: a
// lagging replica, or a cache in front of Prometheus. It is never used.
type StaleAnswerError struct {
	Query string
	// Asked is the evaluation time asked for, Got the sample's timestamp.
	Asked, Got time.Time
}

func (e *StaleAnswerError) Error() string {
	layout := time.TimeOnly
	if e.Asked.Format(time.DateOnly) != e.Got.Format(time.DateOnly) {
		layout = time.RFC3339
	}
	return fmt.Sprintf("stale answer: sample at %s, asked for %s (query %q): a lagging replica or a cache in front of Prometheus answered for another time, so the answer was not used",
		e.Got.Format(layout), e.Asked.Format(layout), e.Query)
}

// CheckRange reports an answer to a range query from start to end at step
// whose points do not fall on start + k*step (or on a multiple of step)
// within [start-step, end]: an answer for other times than those asked,
// which must not be used.
func CheckRange(query string, r RangeResult, start, end time.Time, step time.Duration) error {
	// VictoriaMetrics rounds start down to a multiple of step (for its
	// cache), so the points may fall on that grid instead, up to a step
	// before start.
	from := start.Add(-step)
	for _, s := range r.Series {
		for _, pt := range s.Points {
			onGrid := pt.T.Sub(start)%step == 0 || time.Duration(pt.T.UnixMilli())*time.Millisecond%step == 0
			if pt.T.Before(from) || pt.T.After(end) || !onGrid {
				return fmt.Errorf("stale answer: point at %s, asked for %s to %s every %s (query %q): a lagging replica or a cache in front of Prometheus answered for other times, so the answer was not used",
					pt.T.UTC().Format(time.RFC3339), start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), PromQLDuration(step), query)
			}
		}
	}
	return nil
}

// coverageSteps is how many points over the SLO window the coverage query
// looks for data at.
const coverageSteps = 64

// CoverageQuery is the query Evaluate sends to measure how much of a window
// of length elapsed the SLI has data for (see Evaluation.Coverage).
func CoverageQuery(sli SLI, elapsed time.Duration) string {
	q, _ := coverageQuery(sli, elapsed)
	return q
}

// coverageQuery finds the first time the SLI has data in a window of length
// elapsed: its total (or error ratio) over a short range, at coverageSteps
// points across the window. It reads about 1/coverageSteps of the
// window's samples at most an hour each, far less than the SLI itself.
func coverageQuery(sli SLI, elapsed time.Duration) (string, time.Duration) {
	step := (elapsed / coverageSteps).Truncate(time.Minute)
	step = max(step, time.Minute)
	r := min(max(step, 5*time.Minute), time.Hour)
	qs := sli.Queries(r)
	q := qs.Total
	if sli.Kind == Raw {
		q = qs.ErrorRatio
	}
	return fmt.Sprintf("min_over_time(timestamp(%s)[%s:%s])", q, PromQLDuration(elapsed), PromQLDuration(step)), step
}

// coverage reads the answer of the coverage query: when the first data is
// more than a step after the window starts, the window is only partly
// covered, and the budget assumes the rest was like the measured part.
func (e *Evaluation) coverage(r *queryResult, step time.Duration, end time.Time) {
	switch {
	case r == nil:
		return
	case r.err != nil:
		e.Warnings = append(e.Warnings, fmt.Sprintf("SLO %s: could not measure how much of the window has data: %v", e.SLO.ID(), r.err))
		return
	case !r.present:
		// The SLI has data in the window, but no point of the coverage
		// query saw any: it all lies after the last point, within a step
		// of the end (points fall on multiples of step since the epoch).
		ms := step.Milliseconds()
		last := time.UnixMilli(end.UnixMilli() - end.UnixMilli()%ms).UTC()
		covered := end.Sub(last)
		if covered <= 0 {
			covered = step
		}
		e.Coverage, e.DataFrom = min(1, float64(covered)/float64(e.Elapsed)), last
		e.Assumptions = append(e.Assumptions, fmt.Sprintf("data only after %s: at most %s of the %s window (%.1f%%) is measured, and the budget assumes the rest was alike",
			last.Format(time.RFC3339), PromQLDuration(covered), PromQLDuration(e.Elapsed), 100*e.Coverage))
		return
	}
	first := time.UnixMilli(int64(math.Round(r.value * 1000))).UTC()
	start := end.Add(-e.Elapsed)
	if first.Sub(start) <= step {
		return
	}
	// Data first seen at the end itself covers nothing before it.
	covered := max(0, end.Sub(first))
	e.Coverage, e.DataFrom = float64(covered)/float64(e.Elapsed), first
	e.Assumptions = append(e.Assumptions, fmt.Sprintf("data only from %s (to within %s): %s of the %s window (%.0f%%) is measured, and the budget assumes the rest was alike",
		first.Format(time.RFC3339), PromQLDuration(step), PromQLDuration(covered), PromQLDuration(e.Elapsed), 100*e.Coverage))
}

// countCoverage reads the answer of the count query of a period: how many
// of the coverage query's points have data. Data that stops before the
// period's end, or a gap, lowers the coverage below what its first sample
// says.
func (e *Evaluation) countCoverage(r *queryResult, step time.Duration, end time.Time) {
	if r == nil || r.err != nil || !r.present || step <= 0 {
		return
	}
	ms := step.Milliseconds()
	points := end.UnixMilli()/ms - end.Add(-e.Elapsed).UnixMilli()/ms
	if points <= 0 {
		return
	}
	c := min(1, r.value/float64(points))
	if c >= e.Coverage || e.Coverage-c < 1/float64(points) {
		return
	}
	e.Coverage = c
	e.Assumptions = append(e.Assumptions, fmt.Sprintf("data at %.0f of %d points %s apart across the period (%.0f%%): the budget assumes the rest was alike",
		r.value, points, PromQLDuration(step), 100*c))
}

// window is one window of an SLO to measure: the SLO window (or period)
// or an alert window.
type window struct {
	length time.Duration
	qs     Queries
	sli    bool
}

// measureAll turns the answers of every window of e into measurements, in
// the order of ws, after checking them against each other: a failed query,
// a NaN or ±Inf count, or windows that contradict each other make e.Err,
// and every window no data. The checks are documented in docs/gate.md.
func (e *Evaluation) measureAll(ws []window, get func(string) *queryResult) []Measurement {
	events := e.SLO.SLI.Kind != Raw
	fail := func(err error) {
		if e.Err == nil {
			e.Err = fmt.Errorf("could not evaluate SLO %s: %w", e.SLO.ID(), err)
		}
	}
	for _, w := range ws {
		for _, q := range w.qs.All() {
			r := get(q)
			e.Warnings = append(e.Warnings, r.warn...)
			if r.err != nil {
				fail(r.err)
			}
		}
	}
	for _, w := range ws {
		for _, q := range w.qs.All() {
			r := get(q)
			if r.err != nil || len(r.nonFinite) == 0 {
				continue
			}
			v := r.nonFinite[0]
			switch {
			case events:
				fail(fmt.Errorf("query %q returned %v over %s: an events SLI counts events, so a value that is not a number is a broken answer (check the query and the server)",
					q, v, PromQLDuration(w.length)))
			case math.IsInf(v, 0):
				fail(fmt.Errorf("query %q returned %v over %s: an error ratio is between 0 and 1 (check the query and the server)", q, v, PromQLDuration(w.length)))
			default:
				e.Warnings = append(e.Warnings, fmt.Sprintf("query %q returned NaN over %s (no events, or a broken answer); treated as no data", q, PromQLDuration(w.length)))
			}
		}
	}
	if e.Err == nil {
		if err := consistent(ws, get, events); err != nil {
			fail(err)
		}
	}
	out := make([]Measurement, len(ws))
	if e.Err != nil {
		for i, w := range ws {
			out[i] = Measurement{Window: w.length, Events: events, State: NoData, Reason: "source error"}
		}
		return out
	}
	var missing, suspicious []time.Duration
	for i, w := range ws {
		out[i] = e.measure(w, get)
		if !events || w.qs.Bad == "" || out[i].State != DataOK || get(w.qs.Bad).series > 0 {
			continue
		}
		// The total has data over w, the error query no series.
		longer := slices.ContainsFunc(ws, func(x window) bool { return x.length > w.length && get(x.qs.Bad).series > 0 })
		if longer {
			suspicious = append(suspicious, w.length)
		} else {
			missing = append(missing, w.length)
		}
		if e.SLO.MissingErrors == MissingErrorsNoData {
			out[i] = Measurement{Window: w.length, Events: true, State: NoData,
				Reason: "the error query returned no series over " + PromQLDuration(w.length) + " (missing_errors: no_data)"}
		}
	}
	if e.SLO.MissingErrors != MissingErrorsNoData {
		if len(suspicious) > 0 {
			e.Warnings = append(e.Warnings, fmt.Sprintf("SLO %s: the error query has series over a longer window but none over %s, where the total has data: counted as 0 errors there; if the erroring targets stopped reporting, the burn rate is understated",
				e.SLO.ID(), durations(suspicious)))
		}
		if len(missing) > 0 {
			what := fmt.Sprintf("the error query returned no series over %s: counted as 0 errors (missing_errors: %s)", durations(missing), e.SLO.missingErrors())
			if e.SLO.MissingErrors == MissingErrorsWarn {
				e.Warnings = append(e.Warnings, "SLO "+e.SLO.ID()+": "+what)
			} else {
				e.Assumptions = append(e.Assumptions, what)
			}
		}
	}
	return out
}

// missingErrors is the SLO's missing-errors policy, zero when unset.
func (s SLO) missingErrors() MissingErrorsPolicy {
	if s.MissingErrors == "" {
		return MissingErrorsZero
	}
	return s.MissingErrors
}

// durations lists windows shortest first: "5m, 1h, 30d".
func durations(ds []time.Duration) string {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = PromQLDuration(d)
	}
	return strings.Join(parts, ", ")
}

// consistent checks that no window has data a longer one lacks: every
// window ends at the same time, so a longer one contains every shorter one,
// and a series seen in the shorter is seen in the longer. The total query
// (the error ratio for raw SLIs) is checked.
func consistent(ws []window, get func(string) *queryResult, events bool) error {
	main := func(w window) string {
		if events {
			return w.qs.Total
		}
		return w.qs.ErrorRatio
	}
	sorted := slices.Clone(ws)
	slices.SortFunc(sorted, func(a, b window) int { return cmp.Compare(a.length, b.length) })
	for i, short := range sorted {
		rs := get(main(short))
		if rs == nil || rs.series == 0 {
			continue
		}
		for _, long := range sorted[i+1:] {
			if long.length == short.length {
				continue
			}
			if rl := get(main(long)); rl != nil && rl.series == 0 {
				return fmt.Errorf("inconsistent answers: query %q has data over %s but %q has none over %s, which contains it: one of the answers is wrong (a partial or lagging backend?)",
					main(short), PromQLDuration(short.length), main(long), PromQLDuration(long.length))
			}
		}
	}
	return nil
}

// measure turns the answers of one window's queries into a measurement.
// Over an alert window, a total that is there but zero is a burn rate of 0
// (nothing was served, nothing was spent); over the SLO window it is no data.
func (e *Evaluation) measure(w window, get func(string) *queryResult) Measurement {
	qs := w.qs
	m := Measurement{Window: w.length, Events: e.SLO.SLI.Kind != Raw}
	win := PromQLDuration(w.length)
	if !m.Events {
		r := get(qs.ErrorRatio)
		if !r.present {
			m.State, m.Reason = NoData, "the error ratio query returned no value over "+win
			return m
		}
		m.ErrorRatio = clampRatio(r.value, &e.Warnings, qs.ErrorRatio)
		m.State = DataOK
		return m
	}
	total := get(qs.Total)
	if !total.present {
		m.State, m.Reason = NoData, "the total query returned no series over "+win
		return m
	}
	if total.value <= 0 {
		if w.sli {
			m.State, m.Reason = NoData, "no events over "+win
		} else {
			m.State = DataOK
		}
		return m
	}
	m.Total = total.value
	if qs.Bad != "" {
		// No bad series is the common case of no errors ever; measureAll
		// says what was assumed.
		m.Bad = get(qs.Bad).value
		m.Good = m.Total - m.Bad
	} else {
		good := get(qs.Good)
		if !good.present {
			if e.SLO.SLI.Kind == Latency {
				if e.Err == nil {
					e.Err = fmt.Errorf("could not evaluate SLO %s: %s has no bucket le=%q: the threshold must be one of its bucket bounds",
						e.SLO.ID(), e.SLO.SLI.Metric, fmt.Sprint(e.SLO.SLI.Threshold))
				}
				m.State, m.Reason = NoData, "threshold is not a bucket bound"
				return m
			}
			e.Warnings = append(e.Warnings, fmt.Sprintf("SLO %s: the good query returned no series over %s; counted as 0 good events", e.SLO.ID(), win))
		}
		m.Good = good.value
		m.Bad = m.Total - m.Good
	}
	m.ErrorRatio = clampRatio(m.Bad/m.Total, &e.Warnings, e.SLO.ID())
	m.Bad = m.ErrorRatio * m.Total
	m.Good = m.Total - m.Bad
	m.State = DataOK
	return m
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
