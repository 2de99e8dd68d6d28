package slo

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
)

// AppliedAdjustment is one interval excluded from an SLO window: an
// occurrence of an adjustment (occurrences that touch are one, their
// reasons joined), clipped to the window.
type AppliedAdjustment struct {
	Reason     string
	Start, End time.Time
	// ExcludedEvents and ExcludedBad are the events (all, and bad) of the
	// interval taken out of the SLO window's total and bad events.
	ExcludedEvents, ExcludedBad float64
}

// Adjusted holds what an evaluation with adjustments measured before
// they were applied: the figures raw, beside the adjusted ones of the
// Evaluation.
type Adjusted struct {
	// Applied are the intervals excluded from the SLO window, by start.
	Applied []AppliedAdjustment
	// RawSLI and RawStatus are the SLO window and error budget with every
	// event counted.
	RawSLI    Measurement
	RawStatus budget.Status
	rawBurn   []Measurement
}

// adjPlan is the intervals to exclude from each window of an evaluation,
// by window length (every window ends at the same time).
type adjPlan struct {
	windows map[time.Duration][]Interval
	keys    []queryKey
}

// planAdjustments finds the intervals of e's adjustments that overlap
// its windows (the SLO window of e.Elapsed, and burn), ending at end, and
// the queries that measure them: the SLI's own queries over each clipped
// interval's length, at its end. A raw SLI, which has no counts, cannot
// exclude events: it keeps its figures, and says so.
func (e *Evaluation) planAdjustments(end time.Time, burn []time.Duration) {
	if len(e.SLO.Adjustments) == 0 {
		return
	}
	lengths := burn
	if e.Elapsed > 0 {
		lengths = append([]time.Duration{e.Elapsed}, burn...)
	}
	p := &adjPlan{windows: map[time.Duration][]Interval{}}
	seen := map[queryKey]bool{}
	for _, w := range lengths {
		ivs := e.SLO.ExcludedIntervals(end.Add(-w), end)
		if len(ivs) == 0 {
			continue
		}
		p.windows[w] = ivs
		for _, iv := range ivs {
			for _, q := range e.SLO.SLI.Queries(iv.End.Sub(iv.Start)).All() {
				k := queryKey{q, iv.End.UnixMilli()}
				if !seen[k] {
					seen[k] = true
					p.keys = append(p.keys, k)
				}
			}
		}
	}
	if len(p.windows) == 0 {
		return
	}
	if e.SLO.SLI.Kind == Raw {
		e.Assumptions = append(e.Assumptions, "budget adjustments not applied: a raw SLI gives an error ratio without event counts, so the events of an interval cannot be taken out")
		return
	}
	e.adj = p
}

// adjustedPathReason is why an SLO with adjustments in its windows reads
// raw data (the recorded series have no events of an arbitrary interval).
const adjustedPathReason = "budget adjustments overlap its windows: the events inside them are measured from raw data, so the whole SLO reads raw data"

// applyAdjustments takes the events of the excluded intervals out of the
// measurements ms of the windows ws, keeping the raw ones in e.Adjusted.
// get answers a query at a time.
func (e *Evaluation) applyAdjustments(ws []window, ms []Measurement, get func(q string, at time.Time) *queryResult) {
	p := e.adj
	if p == nil || e.Err != nil {
		return
	}
	adj := &Adjusted{}
	for i, w := range ws {
		m := &ms[i]
		ivs := p.windows[w.length]
		if w.sli {
			adj.RawSLI = *m
		} else {
			adj.rawBurn = append(adj.rawBurn, *m)
		}
		if len(ivs) == 0 || m.State != DataOK || !m.Events {
			continue
		}
		var bad, total float64
		for _, iv := range ivs {
			b, t, err := e.excluded(iv, get)
			if err != nil {
				e.Err = fmt.Errorf("could not evaluate SLO %s: budget adjustment %q from %s to %s: %w",
					e.SLO.ID(), iv.Reason, iv.Start.UTC().Format(time.RFC3339), iv.End.UTC().Format(time.RFC3339), err)
				for j := range ms {
					ms[j] = Measurement{Window: ms[j].Window, Events: true, State: NoData, Reason: "source error"}
				}
				return
			}
			bad, total = bad+b, total+t
			if w.sli {
				adj.Applied = append(adj.Applied, AppliedAdjustment{Reason: iv.Reason, Start: iv.Start, End: iv.End, ExcludedEvents: t, ExcludedBad: b})
			}
		}
		m.Total = math.Max(0, m.Total-total)
		m.Bad = math.Min(m.Total, math.Max(0, m.Bad-bad))
		switch {
		case m.Total > 0:
			m.ErrorRatio = m.Bad / m.Total
		case w.sli:
			m.State, m.Reason = NoData, "every event of the window falls inside budget adjustments"
		default:
			m.ErrorRatio = 0
		}
		m.Good = m.Total - m.Bad
	}
	e.Adjusted = adj
	// A burn window longer than the SLO window (early in a calendar
	// period) may hold an adjustment the SLO window does not: said here,
	// since Applied lists the SLO window's.
	var outside []string
	for _, w := range ws {
		for _, iv := range p.windows[w.length] {
			in := false
			for _, x := range adj.Applied {
				in = in || (iv.Start.Before(x.End) && x.Start.Before(iv.End))
			}
			if !in && !w.sli {
				outside = append(outside, fmt.Sprintf("%s from %s to %s", iv.Reason, iv.Start.UTC().Format(time.RFC3339), iv.End.UTC().Format(time.RFC3339)))
			}
		}
	}
	if outside = dedupe(outside); len(outside) > 0 {
		e.Assumptions = append(e.Assumptions, "burn-rate windows longer than the SLO window exclude budget adjustments before it: "+strings.Join(outside, ", "))
	}
}

// excluded measures the bad and total events of one interval with the
// SLI's own queries over its length, at its end.
func (e *Evaluation) excluded(iv Interval, get func(q string, at time.Time) *queryResult) (bad, total float64, err error) {
	qs := e.SLO.SLI.Queries(iv.End.Sub(iv.Start))
	val := func(q string) (float64, error) {
		r := get(q, iv.End)
		switch {
		case r == nil:
			return 0, fmt.Errorf("query %q was not answered", q)
		case r.err != nil:
			return 0, r.err
		case len(r.nonFinite) > 0:
			return 0, fmt.Errorf("query %q returned %v: an events SLI counts events", q, r.nonFinite[0])
		}
		e.Warnings = append(e.Warnings, r.warn...)
		return r.value, nil
	}
	if total, err = val(qs.Total); err != nil {
		return 0, 0, err
	}
	if qs.Bad != "" {
		bad, err = val(qs.Bad)
	} else {
		var good float64
		good, err = val(qs.Good)
		bad = total - good
	}
	return math.Min(total, math.Max(0, bad)), total, err
}

// computeRaw computes the raw error budget beside the adjusted one.
func (e *Evaluation) computeRaw() {
	a := e.Adjusted
	if a == nil {
		return
	}
	burns := map[time.Duration]budget.Ratio{}
	for _, m := range a.rawBurn {
		if m.State == DataOK {
			burns[m.Window] = m.ratio()
		}
	}
	if a.RawSLI.State != DataOK {
		return
	}
	a.RawStatus = budget.Compute(budget.Input{
		Objective: e.SLO.Objective, Window: e.Length, Elapsed: e.Elapsed,
		SLI: a.RawSLI.ratio(), Burn: burns, Alerts: e.SLO.Alerts,
	})
}

// AdjustmentSummary is one line naming the adjustments applied to the SLO
// window: "2 excluded (weekly maintenance: 2026-10-04 00:00–02:00 UTC, ...)".
func (a *Adjusted) AdjustmentSummary() string {
	if a == nil || len(a.Applied) == 0 {
		return ""
	}
	parts := make([]string, len(a.Applied))
	for i, x := range a.Applied {
		parts[i] = fmt.Sprintf("%s: %s to %s, %.0f events", x.Reason, x.Start.UTC().Format("2006-01-02 15:04"), x.End.UTC().Format("2006-01-02 15:04Z"), x.ExcludedEvents)
	}
	return strings.Join(parts, "; ")
}
