package slo

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
	"time"
)

// Rewriter rewrites PromQL. slo reads no PromQL itself (it reaches no
// adapter): package prom's sources implement Rewriter with Prometheus's
// parser, and Evaluate uses it when its Querier is one (docs/fast-path.md
// "Raw-path batching", docs/groups.md).
type Rewriter interface {
	// BatchKeys returns, for each label query could be batched on, the
	// query's shape without that label's matcher: queries with the same
	// Shape and Label differ only in Value. Nil when query cannot be
	// batched exactly.
	BatchKeys(query string) []BatchKey
	// BatchQuery returns the query answering every query of one key, one
	// of which is query, for values: one series per value, labelled
	// label=value.
	BatchQuery(query, label string, values []string) (string, error)
	// GroupQuery returns query, a sum of one selector's series, summed by
	// the labels by instead.
	GroupQuery(query string, by []string) (string, error)
	// Narrow returns query with equality matchers on match's labels added.
	Narrow(query string, match map[string]string) (string, error)
}

// BatchKey is one way to batch a query: its Shape with Label's matcher
// taken out, and the Value that matcher has.
type BatchKey struct {
	Shape, Label, Value string
}

// MaxBatch is the most queries one batched query answers. Prometheus
// matches a regular expression of up to 256 literal alternatives as a set;
// the bound keeps batched queries within that and lets the server work on
// several batches at once.
const MaxBatch = 200

// batch is one batched query: the queries it answers, and the value of
// Label each has.
type batch struct {
	label   string
	members []queryKey
	values  []string
}

// planBatches finds, among the queries of wanted, those that differ only
// in one label's value at the same time, and groups them into batches of
// at most MaxBatch; the rest are singles. A query that could be batched on
// several labels goes to the largest group.
func planBatches(rw Rewriter, keys []queryKey) (batches []batch, singles []queryKey) {
	if rw == nil {
		return nil, keys
	}
	type groupKey struct {
		shape, label string
		at           int64
	}
	groups := map[groupKey][]queryKey{}
	values := map[queryKey]map[string]string{} // query → label → value
	for _, k := range keys {
		for _, b := range rw.BatchKeys(k.query) {
			g := groupKey{b.Shape, b.Label, k.at}
			groups[g] = append(groups[g], k)
			if values[k] == nil {
				values[k] = map[string]string{}
			}
			values[k][b.Label] = b.Value
		}
	}
	// Largest groups first, then in a fixed order.
	order := slices.Collect(maps.Keys(groups))
	slices.SortFunc(order, func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(len(groups[b]), len(groups[a])), cmp.Compare(a.shape, b.shape), cmp.Compare(a.label, b.label), cmp.Compare(a.at, b.at))
	})
	taken := map[queryKey]bool{}
	for _, g := range order {
		var free []queryKey
		for _, k := range groups[g] {
			if !taken[k] {
				free = append(free, k)
			}
		}
		if len(free) < 2 {
			continue
		}
		slices.SortFunc(free, func(a, b queryKey) int { return cmp.Compare(values[a][g.label], values[b][g.label]) })
		for chunk := range slices.Chunk(free, MaxBatch) {
			if len(chunk) < 2 {
				continue
			}
			b := batch{label: g.label}
			for _, k := range chunk {
				taken[k] = true
				b.members = append(b.members, k)
				b.values = append(b.values, values[k][g.label])
			}
			batches = append(batches, b)
		}
	}
	for _, k := range keys {
		if !taken[k] {
			singles = append(singles, k)
		}
	}
	return batches, singles
}

// runLabelBatch sends one batched query under the owners of all its members and
// splits its answer by value: each member gets the series of its value,
// checked as its own answer would be, and an empty answer when its value
// has no series (what its own query would return). When the batched
// query fails, each member is sent on its own.
func runLabelBatch(ctx context.Context, q Querier, rw Rewriter, b batch, owners map[queryKey][]string) []*queryResult {
	out := make([]*queryResult, len(b.members))
	var all []string
	for _, k := range b.members {
		for _, o := range owners[k] {
			if !slices.Contains(all, o) {
				all = append(all, o)
			}
		}
	}
	at := b.members[0].at
	query, err := rw.BatchQuery(b.members[0].query, b.label, b.values)
	var res Result
	if err == nil {
		res, err = q.Query(WithQueryOwners(ctx, all...), query, time.UnixMilli(at).UTC())
	}
	if err != nil {
		// Alone, each may still succeed (a limit on the samples of one
		// query), and the error each gets is its own.
		for i, k := range b.members {
			out[i] = runOne(WithQueryOwners(ctx, owners[k]...), q, k)
		}
		return out
	}
	byValue := map[string][]Sample{}
	for _, s := range res.Samples {
		v := s.Labels[b.label]
		byValue[v] = append(byValue[v], s)
	}
	for i, k := range b.members {
		out[i] = answer(k, Result{Samples: byValue[b.values[i]], Warnings: res.Warnings})
	}
	return out
}

// runAll executes every wanted query, batched where rw allows, concurrently.
func runAll(ctx context.Context, q Querier, rw Rewriter, wanted map[queryKey]*queryResult, owners map[queryKey][]string) {
	keys := make([]queryKey, 0, len(wanted))
	for k := range wanted {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b queryKey) int { return cmp.Or(cmp.Compare(a.query, b.query), cmp.Compare(a.at, b.at)) })
	batches, singles := planBatches(rw, keys)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, b := range batches {
		wg.Go(func() {
			rs := runLabelBatch(ctx, q, rw, b, owners)
			mu.Lock()
			defer mu.Unlock()
			for i, k := range b.members {
				wanted[k] = rs[i]
			}
		})
	}
	for _, k := range singles {
		wg.Go(func() {
			r := runOne(WithQueryOwners(ctx, owners[k]...), q, k)
			mu.Lock()
			defer mu.Unlock()
			wanted[k] = r
		})
	}
	wg.Wait()
}
