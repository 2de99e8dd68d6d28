package slo

import (
	"context"
	"time"
)

// Querier answers instant PromQL queries. The Prometheus HTTP adapter and the
// embedded engine in package prom both satisfy it.
type Querier interface {
	// Query evaluates query at time at. An empty Result (no samples) means the
	// query matched no series; it is not an error.
	Query(ctx context.Context, query string, at time.Time) (Result, error)
}

// RangeQuerier answers range PromQL queries, used to find incidents over a period.
type RangeQuerier interface {
	// QueryRange evaluates query at every step from start to end inclusive.
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (RangeResult, error)
}

// Sample is one series of an instant vector (or a scalar, with no labels).
type Sample struct {
	Labels map[string]string
	Value  float64
	// T is the sample's timestamp as the source gave it: the evaluation
	// time of the query, unless the answer is for another time. Zero when
	// the source does not say.
	T time.Time
}

// Result is the answer to an instant query.
type Result struct {
	Samples  []Sample
	Warnings []string
	// Stats is what the source measured answering, when asked (--stats).
	Stats *QueryStats
}

// Point is one value of a range series.
// A range query's points fall on start + k*step; CheckRange tells.
type Point struct {
	T time.Time
	V float64
}

// Series is one series of a range query.
type Series struct {
	Labels map[string]string
	Points []Point
}

// RangeResult is the answer to a range query.
type RangeResult struct {
	Series   []Series
	Warnings []string
	// Stats is what the source measured answering, when asked (--stats).
	Stats *QueryStats
}
