package slo

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/nines-sre/nines/budget"
)

// RecordedMode says when Evaluate reads the recorded series (RecordedBad,
// RecordedTotal) instead of the SLI's raw queries.
type RecordedMode string

// Recorded modes. The zero value is RecordedNever.
const (
	// RecordedAuto reads the recorded series of an SLO when they cover all
	// its windows, raw data otherwise.
	RecordedAuto RecordedMode = "auto"
	// RecordedAlways reads only the recorded series: an SLO whose records
	// are missing or do not cover its windows is an evaluation error.
	RecordedAlways RecordedMode = "always"
	// RecordedNever reads raw data only.
	RecordedNever RecordedMode = "never"
)

// ParseRecordedMode reads auto, always or never.
func ParseRecordedMode(s string) (RecordedMode, error) {
	switch m := RecordedMode(s); m {
	case RecordedAuto, RecordedAlways, RecordedNever:
		return m, nil
	}
	return "", fmt.Errorf("invalid recorded mode %q: use auto, always or never", s)
}

// The values of Evaluation.Path: which data an SLO was measured from.
const (
	PathRaw      = "raw"
	PathRecorded = "recorded"
)

// recordedBatch is the most SLOs one batched query selects: it bounds the
// length of the query (a regular expression of their names) and lets the
// server work on several batches at once.
const recordedBatch = 500

// recordedRange is the range selector of n records ending at the
// evaluation time: n intervals less a millisecond, so that the range holds
// exactly n records whether the server's ranges are closed (Prometheus 2)
// or left-open (Prometheus 3, VictoriaMetrics), wherever the records fall.
func recordedRange(n int) string {
	return model.Duration(time.Duration(n)*RecordedInterval - time.Millisecond).String()
}

// recordedOffset is the offset modifier of a range that ends n records
// before the evaluation time: "" for none, else " offset 25m".
func recordedOffset(n int) string {
	if n == 0 {
		return ""
	}
	return " offset " + model.Duration(time.Duration(n)*RecordedInterval).String()
}

// pieceEnds are the distinct windows of p in records, shortest first: the
// ends of the pieces that tile its longest window.
func pieceEnds(p *fastPlan) []int {
	ends := append([]int{p.sloN}, p.alerts...)
	slices.Sort(ends)
	return slices.Compact(ends)
}

// sumResults adds up the answers for the pieces of one window: present
// when any piece is, failed when any failed.
func sumResults(parts []*queryResult) *queryResult {
	out := &queryResult{}
	seen := map[string]bool{}
	for _, r := range parts {
		if r.err != nil {
			return &queryResult{err: r.err}
		}
		for _, w := range r.warn {
			if !seen[w] {
				seen[w] = true
				out.warn = append(out.warn, w)
			}
		}
		out.series = max(out.series, r.series)
		out.nonFinite = append(out.nonFinite, r.nonFinite...)
		if r.present {
			out.value += r.value
			out.present = true
		}
	}
	return out
}

// fastPlan is one SLO on the recorded path: its windows in records.
type fastPlan struct {
	idx    int
	sloN   int   // the SLO window (or period) in records
	alerts []int // the alert windows in records
	// longest is the most records any window needs: they must all be
	// there.
	longest int
}

// fastResult is an SLO measured from the recorded series: its windows,
// with per-SLO queries that stand for what the batched queries answered.
type fastResult struct {
	windows []window
	results map[string]*queryResult
}

func (f *fastResult) get(q string) *queryResult {
	if r, ok := f.results[q]; ok {
		return r
	}
	return &queryResult{}
}

// sloQuery is the per-SLO equivalent of a batched query, as messages name it.
func sloQuery(fn, name string, s SLO, n int) string {
	return fmt.Sprintf("%s(%s%s[%s])", fn, name, s.RecordedSelector(), recordedRange(n))
}

// recordedWindows decides whether the SLO can be measured from records:
// its SLI has records (every kind but raw) and every window is at least
// one record long and, for the alert windows, a whole number of records.
func recordedWindows(e Evaluation, windowOnly bool) (*fastPlan, string) {
	if e.SLO.SLI.Kind == Raw {
		return nil, "a raw SLI has no recorded series"
	}
	if e.SLO.Group != nil {
		return nil, "a group of a grouped SLO has no recorded series of its own"
	}
	if e.SLO.SLI.Kind == Composite {
		return nil, "a composite SLO is measured from its members (nines rules records them, not it)"
	}
	if e.adj != nil {
		return nil, adjustedPathReason
	}
	if e.Elapsed < RecordedInterval {
		return nil, "the window is shorter than one record (" + PromQLDuration(RecordedInterval) + ")"
	}
	p := &fastPlan{sloN: int(e.Elapsed / RecordedInterval)}
	p.longest = p.sloN
	if !windowOnly {
		for _, w := range budget.Windows(e.SLO.Alerts) {
			if w%RecordedInterval != 0 {
				return nil, "the alert window " + PromQLDuration(w) + " is not a multiple of " + PromQLDuration(RecordedInterval)
			}
			n := int(w / RecordedInterval)
			p.alerts = append(p.alerts, n)
			p.longest = max(p.longest, n)
		}
	}
	return p, ""
}

// evaluateRecorded measures from the recorded series every SLO of evals
// that opts.Recorded allows and whose records cover its windows; ends are
// the evaluations' end times. It returns, per SLO, its result or nil for
// the raw path (with Evaluation.PathReason saying why, under auto). Under
// RecordedAlways an SLO without records gets Evaluation.Err.
func evaluateRecorded(ctx context.Context, q Querier, evals []Evaluation, ends []time.Time, opts EvalOptions) []*fastResult {
	out := make([]*fastResult, len(evals))
	if opts.Recorded != RecordedAuto && opts.Recorded != RecordedAlways {
		return out
	}
	// Group the SLOs by their windows, so that a batch asks only for the
	// windows its SLOs have, and by end time.
	type groupKey struct {
		end     int64
		windows string
	}
	groups := map[groupKey][]*fastPlan{}
	var keys []groupKey
	for i := range evals {
		e := &evals[i]
		if e.Elapsed <= 0 || e.Err != nil {
			continue // nothing to measure, or a grouped SLO without its groups
		}
		if e.adj != nil {
			e.PathReason = adjustedPathReason
			continue
		}
		p, why := recordedWindows(*e, opts.WindowOnly)
		if p == nil {
			out[i] = e.notRecorded(opts.Recorded, why)
			continue
		}
		p.idx = i
		k := groupKey{ends[i].UnixMilli(), fmt.Sprint(p.sloN, p.alerts)}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	type batch struct {
		end   time.Time
		plans []*fastPlan
		// The batch's queries: the time of the last record, the sums by
		// name and window, and the count of records of the longest window.
		where, count string
		// sum holds, by name and by the end of each piece in records, the
		// query of the records in (the previous end, end]; ends are the
		// pieces' ends in order.
		sum  map[string]map[int]string
		ends []int
	}
	// Round one asks, per batch, where each SLO's last record is: one
	// cheap query, and all that auto costs where no rules record.
	var batches []*batch
	probes := map[string]*batchAnswer{}
	// owners are the SLOs each batched query is for (--stats attributes its
	// cost to each of them, and counts it once for the fleet).
	owners := map[string][]string{}
	ids := func(ps []*fastPlan) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = evals[p.idx].SLO.ID()
		}
		return out
	}
	for _, k := range keys {
		ps := groups[k]
		slices.SortFunc(ps, func(a, b *fastPlan) int {
			return strings.Compare(evals[a.idx].SLO.ID(), evals[b.idx].SLO.ID())
		})
		for len(ps) > 0 {
			n := min(len(ps), recordedBatch)
			b := &batch{end: time.UnixMilli(k.end).UTC(), plans: ps[:n]}
			ps = ps[n:]
			b.where = fmt.Sprintf("max by (service, slo) (timestamp(%s%s))", RecordedTotal, batchSelector(evals, b.plans))
			probes[batchKey(b.where, b.end)] = nil
			owners[batchKey(b.where, b.end)] = append(owners[batchKey(b.where, b.end)], ids(b.plans)...)
			batches = append(batches, b)
		}
	}
	runBatches(ctx, q, probes, owners)
	// Round two, for the SLOs with records: the sums of every window and
	// the count of records over the longest.
	wanted := map[string]*batchAnswer{}
	for _, b := range batches {
		where := probes[batchKey(b.where, b.end)]
		var found []*fastPlan
		for _, p := range b.plans {
			e := &evals[p.idx]
			if _, ok := where.value(e.SLO); ok && where.err == nil {
				found = append(found, p)
				continue
			}
			why := fmt.Sprintf("no recorded series %s%s within %s before the evaluation time: nines rules writes the rules that record it",
				RecordedTotal, e.SLO.RecordedSelector(), PromQLDuration(RecordedInterval))
			if where.err != nil {
				why = fmt.Sprintf("the recorded series could not be read: %v", where.err)
			}
			out[p.idx] = e.notRecorded(opts.Recorded, why)
		}
		b.plans = found
		if len(found) == 0 {
			continue
		}
		sel := batchSelector(evals, found)
		p0 := found[0]
		// Every record is read once per series: the windows are nested
		// (they all end at the evaluation time), so each is the sum of the
		// pieces between it and the shorter ones, each piece a range at an
		// offset. The SLO window alone would otherwise read most records
		// again.
		b.ends = pieceEnds(p0)
		b.sum = map[string]map[int]string{}
		for _, name := range []string{RecordedBad, RecordedTotal} {
			b.sum[name] = map[int]string{}
			prev := 0
			for _, w := range b.ends {
				x := fmt.Sprintf("sum by (service, slo) (sum_over_time(%s%s[%s]%s))", name, sel, recordedRange(w-prev), recordedOffset(prev))
				b.sum[name][w] = x
				wanted[batchKey(x, b.end)] = nil
				owners[batchKey(x, b.end)] = append(owners[batchKey(x, b.end)], ids(found)...)
				prev = w
			}
		}
		b.count = fmt.Sprintf("sum by (service, slo) (count_over_time(%s%s[%s]))", RecordedTotal, sel, recordedRange(p0.longest))
		wanted[batchKey(b.count, b.end)] = nil
		owners[batchKey(b.count, b.end)] = append(owners[batchKey(b.count, b.end)], ids(found)...)
	}
	runBatches(ctx, q, wanted, owners)

	for _, b := range batches {
		if len(b.plans) == 0 {
			continue
		}
		get := func(query string) *batchAnswer { return wanted[batchKey(query, b.end)] }
		count, where := get(b.count), probes[batchKey(b.where, b.end)]
		for _, p := range b.plans {
			e := &evals[p.idx]
			s := e.SLO
			if count.err != nil {
				out[p.idx] = e.notRecorded(opts.Recorded, fmt.Sprintf("the recorded series could not be read: %v", count.err))
				continue
			}
			c, _ := count.value(s)
			last, _ := where.value(s)
			if c != float64(p.longest) {
				out[p.idx] = e.notRecorded(opts.Recorded, fmt.Sprintf("%s%s has %.0f records where its windows need %d (%s): the rules started later, or Prometheus missed evaluations",
					RecordedTotal, s.RecordedSelector(), c, p.longest, PromQLDuration(time.Duration(p.longest)*RecordedInterval)))
				continue
			}
			f := &fastResult{results: map[string]*queryResult{}}
			measured := func(n int, sli bool) window {
				w := window{length: time.Duration(n) * RecordedInterval, sli: sli, qs: Queries{
					Bad:   sloQuery("sum_over_time", RecordedBad, s, n),
					Total: sloQuery("sum_over_time", RecordedTotal, s, n),
				}}
				for name, x := range map[string]string{RecordedBad: w.qs.Bad, RecordedTotal: w.qs.Total} {
					var parts []*queryResult
					for _, end := range b.ends {
						if end > n {
							break
						}
						parts = append(parts, get(b.sum[name][end]).result(s))
					}
					f.results[x] = sumResults(parts)
				}
				return w
			}
			sli := measured(p.sloN, true)
			// The SLO window keeps its length: records measure all of it
			// but the part after the last record (see Evaluation.RecordedAt).
			sli.length = e.Elapsed
			f.windows = append(f.windows, sli)
			for _, n := range p.alerts {
				f.windows = append(f.windows, measured(n, false))
			}
			out[p.idx] = f
			e.Path, e.PathReason = PathRecorded, ""
			e.RecordedAt = time.UnixMilli(int64(math.Round(last * 1000))).UTC()
			if lag := b.end.Sub(e.RecordedAt); lag > 0 {
				e.Assumptions = append(e.Assumptions, fmt.Sprintf("recorded series: every window ends at the last record, %s, %s before the evaluation time; the events after it are not counted",
					e.RecordedAt.Format(time.RFC3339), PromQLDuration(lag)))
			}
		}
	}
	return out
}

// notRecorded sends the SLO to the raw path with the reason, or, under
// RecordedAlways, makes it an evaluation error: its result then answers
// every window with that error.
func (e *Evaluation) notRecorded(mode RecordedMode, why string) *fastResult {
	if mode != RecordedAlways {
		e.PathReason = why
		return nil
	}
	e.Path = PathRecorded
	e.Err = fmt.Errorf("could not evaluate SLO %s: %w", e.SLO.ID(), fmt.Errorf("--recorded always, but %s (give --recorded auto to read raw data then)", why))
	return &fastResult{windows: []window{{length: e.Elapsed, sli: true}}}
}

// batchSelector matches the recorded series of the plans' SLOs:
// {service=~"a|b",slo=~"x|y"}. It may match more SLOs (the cross product
// of the names), whose answers are not used.
func batchSelector(evals []Evaluation, plans []*fastPlan) string {
	var services, names []string
	for _, p := range plans {
		s := evals[p.idx].SLO
		services = append(services, regexp.QuoteMeta(s.Service))
		names = append(names, regexp.QuoteMeta(s.Name))
	}
	alt := func(xs []string) string {
		slices.Sort(xs)
		return strconv.Quote(strings.Join(slices.Compact(xs), "|"))
	}
	return fmt.Sprintf("{service=~%s,slo=~%s}", alt(services), alt(names))
}

// batchAnswer is the answer to a batched query: a value per SLO.
type batchAnswer struct {
	bySLO map[[2]string][]float64
	warn  []string
	err   error
}

func batchKey(query string, at time.Time) string {
	return strconv.FormatInt(at.UnixMilli(), 10) + " " + query
}

// value is the SLO's value, summed over its series; ok is false when the
// answer has none.
func (a *batchAnswer) value(s SLO) (float64, bool) {
	vs, ok := a.bySLO[[2]string{s.Service, s.Name}]
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	return sum, ok
}

// result is the SLO's part of a batched answer as the answer of a
// per-SLO query.
func (a *batchAnswer) result(s SLO) *queryResult {
	if a.err != nil {
		return &queryResult{err: a.err}
	}
	r := &queryResult{warn: a.warn}
	for _, v := range a.bySLO[[2]string{s.Service, s.Name}] {
		r.series++
		if math.IsNaN(v) || math.IsInf(v, 0) {
			r.nonFinite = append(r.nonFinite, v)
			continue
		}
		r.value += v
		r.present = true
	}
	return r
}

// runBatches runs every batched query concurrently (the Querier bounds how
// many are in flight), each in the name of its owners, and keeps each
// answer by SLO.
func runBatches(ctx context.Context, q Querier, wanted map[string]*batchAnswer, owners map[string][]string) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := range wanted {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms, query, _ := strings.Cut(k, " ")
			at, _ := strconv.ParseInt(ms, 10, 64)
			a := runBatch(WithQueryOwners(ctx, owners[k]...), q, query, time.UnixMilli(at).UTC())
			mu.Lock()
			wanted[k] = a
			mu.Unlock()
		}()
	}
	wg.Wait()
}

func runBatch(ctx context.Context, q Querier, query string, asked time.Time) *batchAnswer {
	res, err := q.Query(ctx, query, asked)
	if err != nil {
		return &batchAnswer{err: err}
	}
	a := &batchAnswer{bySLO: map[[2]string][]float64{}, warn: res.Warnings}
	for _, s := range res.Samples {
		if d := s.T.Sub(asked); !s.T.IsZero() && (d >= time.Second || d <= -time.Second) {
			return &batchAnswer{err: &StaleAnswerError{Query: query, Asked: asked, Got: s.T.UTC()}}
		}
		k := [2]string{s.Labels["service"], s.Labels["slo"]}
		a.bySLO[k] = append(a.bySLO[k], s.Value)
	}
	return a
}

// RecordedCost is what the recorded path would send and read to evaluate a
// set of SLOs, supposing their records fill every window (one series of
// each record per SLO, Prometheus's sample counting): `nines rules
// --savings` states it where the server has no records yet.
type RecordedCost struct {
	// Reasons says, per evaluation, why it cannot read records ("" when it
	// can): a raw SLI, a window shorter than a record, an alert window that
	// is no multiple of one.
	Reasons []string
	// Samples is, per evaluation that can, the samples its records cost:
	// one for the probe of its last record, and each record of its longest
	// window read three times (the bad and total sums, the count).
	Samples []int64
	// Queries is, per evaluation that can, the queries of its batch (the
	// probe, a bad and a total sum per piece, the count), shared with the
	// other SLOs of the batch.
	Queries []int
	// FleetQueries is the queries of every batch, each once.
	FleetQueries int
}

// PlanRecorded computes the RecordedCost of evals (as Evaluate returns
// them: SLO, Start and Elapsed set), batched as Evaluate batches them.
func PlanRecorded(evals []Evaluation, windowOnly bool) RecordedCost {
	c := RecordedCost{Reasons: make([]string, len(evals)), Samples: make([]int64, len(evals)), Queries: make([]int, len(evals))}
	groups := map[string][]int{}
	var keys []string
	for i, e := range evals {
		if e.Elapsed <= 0 {
			c.Reasons[i] = "nothing to measure"
			continue
		}
		p, why := recordedWindows(e, windowOnly)
		if p == nil {
			c.Reasons[i] = why
			continue
		}
		perBatch := 2 + 2*len(pieceEnds(p))
		c.Samples[i] = 1 + 3*int64(p.longest)
		c.Queries[i] = perBatch
		k := fmt.Sprint(e.Start.Add(e.Elapsed).UnixMilli(), p.sloN, p.alerts)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range keys {
		idx := groups[k]
		batches := (len(idx) + recordedBatch - 1) / recordedBatch
		c.FleetQueries += batches * c.Queries[idx[0]]
	}
	return c
}
