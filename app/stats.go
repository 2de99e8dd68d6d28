package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// statsRecorder is a Source that records every query sent through it, with
// the stats the source returned and the SLOs the query is for
// (slo.QueryOwners), for --stats.
type statsRecorder struct {
	Source
	now func() time.Time

	mu          sync.Mutex
	calls       []queryCall
	first, last time.Time
}

// queryCall is one query sent: the SLOs it is for and what the source
// measured (nil: nothing, or the query failed).
type queryCall struct {
	owners []string
	stats  *slo.QueryStats
}

// recordStats wraps src in a statsRecorder when env asks for stats, and
// returns src and nil otherwise.
func recordStats(env *Env, src Source) (Source, *statsRecorder) {
	if !env.Stats {
		return src, nil
	}
	r := &statsRecorder{Source: src, now: env.now}
	return r, r
}

// Query implements slo.Querier.
func (r *statsRecorder) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	began := r.now()
	res, err := r.Source.Query(ctx, query, at)
	r.record(ctx, began, res.Stats, err)
	return res, err
}

// QueryRange implements slo.RangeQuerier.
func (r *statsRecorder) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (slo.RangeResult, error) {
	began := r.now()
	res, err := r.Source.QueryRange(ctx, query, start, end, step)
	r.record(ctx, began, res.Stats, err)
	return res, err
}

func (r *statsRecorder) record(ctx context.Context, began time.Time, st *slo.QueryStats, err error) {
	if err != nil {
		st = nil
	}
	c := queryCall{owners: slo.QueryOwners(ctx), stats: st}
	ended := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	if r.first.IsZero() || began.Before(r.first) {
		r.first = began
	}
	if ended.After(r.last) {
		r.last = ended
	}
}

// costAcc adds up the cost of queries.
type costAcc struct {
	report.QueryCost
	samples int64
	anyS    bool
	secs    float64
	anyT    bool
	slowest float64
}

func (a *costAcc) add(c queryCall) {
	a.Queries++
	if len(c.owners) > 1 {
		a.SharedQueries++
	}
	if c.stats == nil || c.stats.Samples == nil {
		a.QueriesWithoutSamples++
	} else {
		a.samples += *c.stats.Samples
		a.anyS = true
	}
	if c.stats != nil && c.stats.Duration > 0 {
		s := c.stats.Duration.Seconds()
		a.secs += s
		a.slowest = max(a.slowest, s)
		a.anyT = true
	}
}

func (a *costAcc) cost() report.QueryCost {
	c := a.QueryCost
	if a.anyS {
		c.SamplesScanned = &a.samples
	}
	if a.anyT {
		c.QuerySeconds, c.SlowestQuerySeconds = &a.secs, &a.slowest
	}
	return c
}

// report is the cost of the queries recorded, per SLO of slos (in their
// order) and for the fleet: a query several SLOs use is listed under each
// and counted once in the fleet.
func (r *statsRecorder) report(slos []slo.SLO) *report.QueryStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	per := make(map[string]*costAcc, len(slos))
	for _, s := range slos {
		per[s.ID()] = &costAcc{}
	}
	var fleet, none costAcc
	for _, c := range r.calls {
		fleet.add(c)
		if len(c.owners) == 0 {
			none.add(c)
		}
		// A group of a grouped SLO (checkout/availability{region="eu"})
		// counts under its SLO, once per query.
		var to []string
		for _, id := range c.owners {
			if per[id] == nil {
				id, _, _ = strings.Cut(id, "{")
			}
			if per[id] != nil && !slices.Contains(to, id) {
				to = append(to, id)
				per[id].add(c)
			}
		}
	}
	out := &report.QueryStats{Fleet: fleet.cost(), SLOs: make([]report.SLOQueryCost, 0, len(slos))}
	if !r.first.IsZero() {
		out.ElapsedSeconds = r.last.Sub(r.first).Seconds()
	}
	for _, s := range slos {
		out.SLOs = append(out.SLOs, report.SLOQueryCost{Service: s.Service, SLO: s.Name, QueryCost: per[s.ID()].cost()})
	}
	if none.Queries > 0 {
		c := none.cost()
		out.Unattributed = &c
	}
	out.Notes = statsNotes(out, r.Source.String())
	return out
}

// statsNotes say how the figures of s are counted.
func statsNotes(s *report.QueryStats, source string) []string {
	notes := []string{"A query several SLOs use is listed under each of them and counted once for the fleet; samples scanned are the samples the PromQL engine read (Prometheus's stats=all totalQueryableSamples; the embedded engine counts them alike); query time is each query's wall time in flight, summed."}
	if s.Fleet.SharedQueries > 0 {
		notes = append(notes, fmt.Sprintf("%d of the %d queries are shared, so the SLOs' figures add up to more than the fleet's.", s.Fleet.SharedQueries, s.Fleet.Queries))
	}
	switch w := s.Fleet.QueriesWithoutSamples; {
	case w == s.Fleet.Queries && w > 0:
		notes = append(notes, fmt.Sprintf("Samples scanned: n/a: %s reported no query statistics (VictoriaMetrics and Prometheus before 2.35 do not).", source))
	case w > 0:
		notes = append(notes, fmt.Sprintf("%d of the %d queries reported no samples scanned (or failed): the totals marked ≥ leave them out.", w, s.Fleet.Queries))
	}
	return slices.Clip(notes)
}

// errNoRewriter is what a recorder over a source that reads no PromQL
// answers when asked to rewrite a query.
var errNoRewriter = errors.New("the source cannot rewrite PromQL")

// BatchKeys implements slo.Rewriter with the source's, so that queries sent
// through the recorder are batched as they are without it.
func (r *statsRecorder) BatchKeys(query string) []slo.BatchKey {
	if rw, ok := r.Source.(slo.Rewriter); ok {
		return rw.BatchKeys(query)
	}
	return nil
}

// BatchQuery implements slo.Rewriter with the source's.
func (r *statsRecorder) BatchQuery(query, label string, values []string) (string, error) {
	if rw, ok := r.Source.(slo.Rewriter); ok {
		return rw.BatchQuery(query, label, values)
	}
	return "", errNoRewriter
}

// GroupQuery implements slo.Rewriter with the source's.
func (r *statsRecorder) GroupQuery(query string, by []string) (string, error) {
	if rw, ok := r.Source.(slo.Rewriter); ok {
		return rw.GroupQuery(query, by)
	}
	return "", errNoRewriter
}

// Narrow implements slo.Rewriter with the source's.
func (r *statsRecorder) Narrow(query string, match map[string]string) (string, error) {
	if rw, ok := r.Source.(slo.Rewriter); ok {
		return rw.Narrow(query, match)
	}
	return "", errNoRewriter
}
