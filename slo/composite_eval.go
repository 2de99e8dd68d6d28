package slo

import (
	"context"
	"fmt"
	"time"

	"github.com/nines-sre/nines/budget"
)

// evaluateComposites is Evaluate for a selection with composite SLOs: each
// composite's members are measured over the composite's window (or the
// period) and its alert windows, in one batch with the other SLOs (so a
// query shared with a plain SLO runs once), then combined window by window
// by the composite's method into a measurement budget.Compute takes like
// any other. A member that is a composite itself is evaluated the same way,
// one level down (the loader rejects cycles).
func evaluateComposites(ctx context.Context, q Querier, slos []SLO, opts EvalOptions) []Evaluation {
	var batch []SLO
	type span struct{ from, to int }
	spans := make([]span, len(slos))
	for i, s := range slos {
		from := len(batch)
		if isComposite(s) {
			for _, m := range s.SLI.Composite.Members {
				batch = append(batch, memberFor(m, s))
			}
		} else {
			batch = append(batch, s)
		}
		spans[i] = span{from, len(batch)}
	}
	evs := Evaluate(ctx, q, batch, opts)
	// A grouped SLO comes back as its groups' evaluations, in its place
	// (members cannot be grouped: the loader refuses it), so the
	// evaluations are walked with a cursor, not indexed by position.
	out := make([]Evaluation, 0, len(evs))
	next := 0
	for i, s := range slos {
		sp := spans[i]
		var mine []Evaluation
		for k := sp.from; k < sp.to; k++ {
			from := next
			if batch[k].Grouped() {
				for next < len(evs) && isGroupOf(evs[next], batch[k]) {
					next++
				}
			}
			if next == from && next < len(evs) {
				next++ // the SLO itself, or a grouped SLO that found no group or failed
			}
			mine = append(mine, evs[from:next]...)
		}
		if !isComposite(s) {
			out = append(out, mine...)
			continue
		}
		out = append(out, combine(s, mine, opts))
	}
	return out
}

// isGroupOf reports whether e is the evaluation of one of grouped s's
// groups.
func isGroupOf(e Evaluation, s SLO) bool {
	return e.SLO.Group != nil && e.SLO.Service == s.Service && e.SLO.Base == s.Name
}

// memberFor is member m as composite comp measures it: over comp's window
// and alert windows.
func memberFor(m, comp SLO) SLO {
	m.Window = comp.Window
	m.Alerts = comp.Alerts
	return m
}

// combine makes the evaluation of composite s from its members'.
func combine(s SLO, members []Evaluation, opts EvalOptions) Evaluation {
	e := Evaluation{SLO: s, At: opts.At, Coverage: 1, Path: PathRaw, Members: members}
	if len(members) == 0 {
		e.Err = fmt.Errorf("could not evaluate composite SLO %s: its members were not resolved (load the specs with slo.Load)", s.ID())
		e.SLI = Measurement{State: NoData, Reason: "source error"}
		return e
	}
	first := members[0]
	e.Start, e.Length, e.Elapsed, e.Period = first.Start, first.Length, first.Elapsed, first.Period
	ids := make([]string, len(members))
	paths := map[string]bool{}
	for i, m := range members {
		ids[i] = m.SLO.ID()
		e.Warnings = append(e.Warnings, m.Warnings...)
		for _, a := range m.Assumptions {
			e.Assumptions = append(e.Assumptions, "member "+m.SLO.ID()+": "+a)
		}
		if m.Err != nil && e.Err == nil {
			e.Err = fmt.Errorf("could not evaluate composite SLO %s: member %s: %w", s.ID(), m.SLO.ID(), m.Err)
		}
		if m.SLI.State == DataOK && m.Coverage < e.Coverage {
			e.Coverage = m.Coverage
		}
		if m.DataFrom.After(e.DataFrom) {
			e.DataFrom = m.DataFrom
		}
		paths[m.Path] = true
		if !m.RecordedAt.IsZero() && (e.RecordedAt.IsZero() || m.RecordedAt.Before(e.RecordedAt)) {
			e.RecordedAt = m.RecordedAt
		}
	}
	e.Warnings = dedupe(e.Warnings)
	switch {
	case len(paths) == 1 && paths[PathRecorded]:
		e.Path = PathRecorded
	case paths[PathRecorded]:
		e.PathReason = "its members read different paths (some recorded, some raw)"
	}
	if e.Err != nil {
		e.SLI = Measurement{Window: first.SLI.Window, State: NoData, Reason: "source error"}
		for _, b := range first.Burn {
			e.Burn = append(e.Burn, Measurement{Window: b.Window, State: NoData, Reason: "source error"})
		}
		return e
	}
	method := s.SLI.Composite.Method
	pick := func(f func(Evaluation) Measurement) []Measurement {
		out := make([]Measurement, len(members))
		for i, m := range members {
			out[i] = f(m)
		}
		return out
	}
	if e.Elapsed <= 0 {
		e.SLI = Measurement{State: NoData, Reason: "the period has not started"}
	} else {
		e.SLI = combineWindow(method, pick(func(m Evaluation) Measurement { return m.SLI }), ids, true)
	}
	burns := map[time.Duration]budget.Ratio{}
	for j := range first.Burn {
		m := combineWindow(method, pick(func(m Evaluation) Measurement { return m.Burn[j] }), ids, false)
		e.Burn = append(e.Burn, m)
		if m.State == DataOK {
			burns[m.Window] = m.ratio()
		}
	}
	if e.SLI.State == DataOK && method == MethodWeighted && e.SLI.Total < s.MinEvents {
		e.SLI.State = InsufficientData
		e.SLI.Reason = fmt.Sprintf("%.0f events in the window, fewer than the minimum of %.0f", e.SLI.Total, s.MinEvents)
	}
	e.Status = budget.Compute(budget.Input{
		Objective: s.Objective,
		Window:    e.Length,
		Elapsed:   e.Elapsed,
		SLI:       e.SLI.ratio(),
		Burn:      burns,
		Alerts:    s.Alerts,
	})
	return e
}

// combineWindow combines the members' measurements over one window. A
// member without data (or with too few events) makes the window so: a
// composite is never better known than its least known member.
func combineWindow(method CompositeMethod, ms []Measurement, ids []string, sli bool) Measurement {
	out := Measurement{Window: ms[0].Window}
	for _, st := range []DataState{NoData, InsufficientData} {
		for i, m := range ms {
			if m.State == st {
				out.State, out.Reason = st, "member "+ids[i]+": "+m.Reason
				return out
			}
		}
	}
	out.State = DataOK
	switch method {
	case MethodWeighted:
		bad, total := make([]float64, len(ms)), make([]float64, len(ms))
		for i, m := range ms {
			bad[i], total[i] = m.Bad, m.Total
		}
		out.Events = true
		r, ok := budget.WeightedErrorRatio(bad, total)
		if !ok {
			if sli {
				out.State, out.Reason = NoData, "no events over "+PromQLDuration(out.Window)+" in any member"
			}
			return out
		}
		for i := range ms {
			out.Bad += bad[i]
			out.Total += total[i]
		}
		out.ErrorRatio = r
		out.Good = out.Total - out.Bad
	case MethodSerial:
		rs := make([]float64, len(ms))
		for i, m := range ms {
			rs[i] = m.ErrorRatio
		}
		out.ErrorRatio = budget.SerialErrorRatio(rs...)
	default: // least healthy: the highest error ratio, the first on a tie
		worst := 0
		for i, m := range ms {
			if m.ErrorRatio > ms[worst].ErrorRatio {
				worst = i
			}
		}
		out = ms[worst]
		out.Reason = ""
	}
	return out
}

// LeastHealthy names the member a least_healthy composite took over its
// window, or "" for other SLOs and without data.
func (e Evaluation) LeastHealthy() string {
	if !isComposite(e.SLO) || e.SLO.SLI.Composite.Method != MethodLeastHealthy || e.SLI.State != DataOK {
		return ""
	}
	worst := -1
	for i, m := range e.Members {
		if worst < 0 || m.SLI.ErrorRatio > e.Members[worst].SLI.ErrorRatio {
			worst = i
		}
	}
	if worst < 0 {
		return ""
	}
	return e.Members[worst].SLO.ID()
}
