package slo

import (
	"context"
	"time"
)

// QueryStats is what a source measured about answering one query, for
// --stats. A nil *QueryStats means the source measured nothing.
type QueryStats struct {
	// Duration is the query's wall time in flight: from the request being
	// sent (after waiting for a concurrency slot) to its answer decoded,
	// summed over retries. Zero when not measured.
	Duration time.Duration
	// Samples is the number of samples the engine read to answer
	// (Prometheus's stats.samples.totalQueryableSamples); nil when the
	// source did not say (VictoriaMetrics, older servers, a proxy that
	// drops the stats).
	Samples *int64
}

type ownersKey struct{}

// WithQueryOwners returns ctx naming the SLOs (by ID) a query sent under it
// is for; a source wrapper that records query costs (--stats) reads them
// with QueryOwners to attribute each query to every SLO that uses it.
func WithQueryOwners(ctx context.Context, ids ...string) context.Context {
	return context.WithValue(ctx, ownersKey{}, ids)
}

// QueryOwners returns the SLO IDs of WithQueryOwners, or nil.
func QueryOwners(ctx context.Context) []string {
	ids, _ := ctx.Value(ownersKey{}).([]string)
	return ids
}
