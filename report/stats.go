package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// QueryStats is the cost of the queries a command sent (--stats): per SLO
// and for the fleet, the queries, the samples the server read to answer
// them and their wall time. Each distinct query is sent once; one that
// several SLOs use (a shared total) is listed under each of them and
// counted once in Fleet, so the SLOs' figures add up to the fleet's only
// when no query is shared.
type QueryStats struct {
	// Fleet counts every query sent once.
	Fleet QueryCost `json:"fleet"`
	// ElapsedSeconds is the wall time from the first query sent to the last
	// answer: the queries run concurrently, so it is less than the sum of
	// their times.
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	// SLOs lists every SLO evaluated, in the order of the main output, with
	// the cost of the queries it used.
	SLOs []SLOQueryCost `json:"slos"`
	// Unattributed counts the queries sent for no single SLO (the probe of
	// the data's resolution of cost, report and summary); nil when none.
	Unattributed *QueryCost `json:"unattributed,omitempty"`
	// Notes say how the figures are counted and what the source did not
	// report.
	Notes []string `json:"notes"`
}

// QueryCost is the cost of a set of queries.
type QueryCost struct {
	// Queries is how many queries were sent (each distinct query once,
	// whatever its retries).
	Queries int `json:"queries"`
	// SharedQueries is how many of them are used by more than one SLO.
	SharedQueries int `json:"shared_queries"`
	// SamplesScanned is the samples read to answer them (Prometheus
	// stats=all, totalQueryableSamples); null when no answer reported it
	// (VictoriaMetrics, servers before Prometheus 2.35), never 0 for that.
	SamplesScanned *int64 `json:"samples_scanned"`
	// QueriesWithoutSamples is how many answers did not report the samples
	// (or failed): SamplesScanned leaves them out.
	QueriesWithoutSamples int `json:"queries_without_samples"`
	// QuerySeconds is the sum of the queries' wall times in flight (from
	// being sent, after any wait for a concurrency slot, to the answer
	// decoded, over every retry); null when the source measured none.
	QuerySeconds *float64 `json:"query_seconds"`
	// SlowestQuerySeconds is the longest of those wall times.
	SlowestQuerySeconds *float64 `json:"slowest_query_seconds"`
}

// SLOQueryCost is the cost of the queries one SLO used.
type SLOQueryCost struct {
	Service string `json:"service"`
	SLO     string `json:"slo"`
	QueryCost
}

// StatsGrid is the query-cost table shown after a command's main table:
// the SLOs most expensive first (by samples scanned, then query time),
// then the fleet.
func StatsGrid(s *QueryStats) Grid {
	g := Grid{
		Title:  "QUERY COST (--stats)",
		Header: []string{"SERVICE", "SLO", "QUERIES", "SHARED", "SAMPLES SCANNED", "QUERY TIME", "SLOWEST"},
	}
	rows := slices.Clone(s.SLOs)
	slices.SortStableFunc(rows, func(a, b SLOQueryCost) int {
		if c := cmp.Compare(orZero(b.SamplesScanned), orZero(a.SamplesScanned)); c != 0 {
			return c
		}
		return cmp.Compare(orZeroF(b.QuerySeconds), orZeroF(a.QuerySeconds))
	})
	for _, r := range rows {
		g.Rows = append(g.Rows, costCells(r.Service, r.SLO, r.QueryCost))
	}
	if u := s.Unattributed; u != nil {
		g.Rows = append(g.Rows, costCells("(no single SLO)", "", *u))
	}
	g.Rows = append(g.Rows, costCells("fleet", "(each query once)", s.Fleet))
	g.Notes = append(g.Notes, fmt.Sprintf("%d queries in %s of wall time.", s.Fleet.Queries, QueryTime(s.ElapsedSeconds)))
	g.Notes = append(g.Notes, s.Notes...)
	return g
}

// costCells is a row of the query-cost table.
func costCells(service, slo string, c QueryCost) []string {
	samples := NA
	if c.SamplesScanned != nil {
		samples = Count(float64(*c.SamplesScanned))
		if c.QueriesWithoutSamples > 0 {
			samples = "≥ " + samples
		}
	}
	qt, slowest := NA, NA
	if c.QuerySeconds != nil {
		qt = QueryTime(*c.QuerySeconds)
	}
	if c.SlowestQuerySeconds != nil {
		slowest = QueryTime(*c.SlowestQuerySeconds)
	}
	return []string{service, slo, strconv.Itoa(c.Queries), strconv.Itoa(c.SharedQueries), samples, qt, slowest}
}

// QueryTime formats the wall time of queries: milliseconds with one
// decimal under a second ("12.3ms"), else as Duration.
func QueryTime(seconds float64) string {
	if !finite(seconds) {
		return NA
	}
	if seconds < 1 {
		return strconv.FormatFloat(seconds*1000, 'f', 1, 64) + "ms"
	}
	return Duration(time.Duration(seconds * float64(time.Second)))
}

func orZero(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

func orZeroF(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// statsColumns are the columns --stats adds to each SLO row of a burn or
// status CSV: the SLO's query cost (docs/csv.md).
var statsColumns = []string{"queries", "shared_queries", "samples_scanned", "queries_without_samples", "query_seconds", "slowest_query_seconds"}

// statsValues are c's values in statsColumns.
func statsValues(c QueryCost) []any {
	return []any{c.Queries, c.SharedQueries, c.SamplesScanned, c.QueriesWithoutSamples, c.QuerySeconds, c.SlowestQuerySeconds}
}

// costOf is the query cost of service/slo in s.
func (s *QueryStats) costOf(service, slo string) QueryCost {
	for _, c := range s.SLOs {
		if c.Service == service && c.SLO == slo {
			return c.QueryCost
		}
	}
	return QueryCost{}
}

// withStats appends the query-cost table to gs when s is given.
func withStats(gs []Grid, s *QueryStats) []Grid {
	if s == nil {
		return gs
	}
	return append(gs, StatsGrid(s))
}

// statsKind is the kind of row --stats adds to a cost CSV: a row per SLO
// (scope slo), one for the queries of no single SLO (scope unattributed)
// and one for the fleet (scope fleet, with elapsed_seconds).
var statsKind = rowKind{"query_stats", append([]string{"period", "stats_scope", "service", "slo"},
	append(slices.Clone(statsColumns), "elapsed_seconds")...)}

// addStatsRows adds s's rows of kind statsKind to m.
func addStatsRows(m *machine, period string, s *QueryStats) {
	for _, c := range s.SLOs {
		m.add(statsKind.name, append(append([]any{period, "slo", c.Service, c.SLO}, statsValues(c.QueryCost)...), nil)...)
	}
	if u := s.Unattributed; u != nil {
		m.add(statsKind.name, append(append([]any{period, "unattributed", nil, nil}, statsValues(*u)...), nil)...)
	}
	m.add(statsKind.name, append(append([]any{period, "fleet", nil, nil}, statsValues(s.Fleet)...), s.ElapsedSeconds)...)
}
