package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// statsJSON runs a command with -o json and returns its stats object (nil
// without one) and the raw output.
func statsJSON(t *testing.T, args ...string) (*report.QueryStats, string) {
	t.Helper()
	out := runCSV(t, append(args, "-o", "json")...)
	var v struct {
		Stats *report.QueryStats `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%.500s", err, out)
	}
	return v.Stats, out
}

// checkAddsUp checks that s has a row per SLO with samples and time, and
// that the SLOs' figures add up to the fleet's exactly (integers): every
// query not shared is one SLO's, and a shared one is counted once for the
// fleet, so the fleet's queries are the SLOs' unshared queries plus the
// shared ones; without sharing the samples add up too, and with it the
// SLOs' samples are at least the fleet's.
func checkAddsUp(t *testing.T, s *report.QueryStats, slos int) {
	t.Helper()
	if s == nil {
		t.Fatal("no stats object with --stats")
	}
	if len(s.SLOs) != slos {
		t.Fatalf("%d SLOs in the stats, want %d", len(s.SLOs), slos)
	}
	var unshared int
	var samples int64
	for _, c := range s.SLOs {
		if c.SamplesScanned == nil || c.QuerySeconds == nil {
			t.Fatalf("%s/%s: %+v, want samples and query time", c.Service, c.SLO, c.QueryCost)
		}
		unshared += c.Queries - c.SharedQueries
		samples += *c.SamplesScanned
	}
	f := s.Fleet
	if s.Unattributed != nil {
		t.Errorf("unattributed %+v, want none", s.Unattributed)
	}
	if f.Queries != unshared+f.SharedQueries {
		t.Errorf("fleet %d queries, want the SLOs' %d unshared plus %d shared", f.Queries, unshared, f.SharedQueries)
	}
	switch {
	case f.SamplesScanned == nil || *f.SamplesScanned <= 0:
		t.Errorf("fleet samples %v, want some", f.SamplesScanned)
	case f.SharedQueries == 0 && *f.SamplesScanned != samples:
		t.Errorf("fleet %d samples; the SLOs, sharing no query, add up to %d", *f.SamplesScanned, samples)
	case samples < *f.SamplesScanned:
		t.Errorf("fleet %d samples; the SLOs add up to fewer, %d", *f.SamplesScanned, samples)
	}
	if f.QueriesWithoutSamples != 0 {
		t.Errorf("%d queries without samples, want 0", f.QueriesWithoutSamples)
	}
}

// TestStatsOnTheDemo: --stats adds a stats object to burn, status and cost
// JSON (and nothing without it), a table after the main one, and columns
// (burn, status) or rows (cost) to the CSV that equal the JSON's figures.
// The demo's event SLOs are distinct, so the SLOs add up to the fleet.
func TestStatsOnTheDemo(t *testing.T) {
	demo := []string{"--source", "demo", "--at", demoAt}
	burn, _ := statsJSON(t, append([]string{"burn", "--stats"}, demo...)...)
	checkAddsUp(t, burn, 5)
	if s, out := statsJSON(t, append([]string{"burn"}, demo...)...); s != nil || strings.Contains(out, `"stats"`) {
		t.Errorf("burn without --stats has stats: %+v", s)
	}
	status, _ := statsJSON(t, append([]string{"status", "--stats"}, demo...)...)
	checkAddsUp(t, status, 5)
	if status.Fleet.Queries != burn.Fleet.Queries || *status.Fleet.SamplesScanned != *burn.Fleet.SamplesScanned {
		t.Errorf("status sent %d queries scanning %d samples, burn %d and %d: the same evaluation",
			status.Fleet.Queries, *status.Fleet.SamplesScanned, burn.Fleet.Queries, *burn.Fleet.SamplesScanned)
	}

	table := runCSV(t, append([]string{"burn", "--stats"}, demo...)...)
	main, stats, ok := strings.Cut(table, "QUERY COST (--stats)")
	if !ok || !strings.Contains(main, "AVAILABILITY") || !strings.Contains(stats, "SAMPLES SCANNED") {
		t.Fatalf("table: want the burn table, then the query cost table:\n%s", table)
	}
	fleetLine := report.Count(float64(*burn.Fleet.SamplesScanned))
	if !strings.Contains(stats, "fleet") || !strings.Contains(stats, fleetLine) {
		t.Errorf("query cost table lacks the fleet's %s samples:\n%s", fleetLine, stats)
	}

	m := readMachineCSV(t, runCSV(t, append([]string{"burn", "--stats", "-o", "csv"}, demo...)...))
	if n := len(m.header); n < 6 || strings.Join(m.header[n-6:], ",") != "queries,shared_queries,samples_scanned,queries_without_samples,query_seconds,slowest_query_seconds" {
		t.Fatalf("burn --stats CSV header ends %v", m.header)
	}
	for _, r := range m.rows {
		want := costFor(t, burn, r["service"], r["slo"])
		if r["samples_scanned"] != strconv.FormatInt(*want.SamplesScanned, 10) || r["queries"] != strconv.Itoa(want.Queries) {
			t.Errorf("%s/%s: CSV %s queries %s samples, JSON %d and %d", r["service"], r["slo"], r["queries"], r["samples_scanned"], want.Queries, *want.SamplesScanned)
		}
	}
	if m := readMachineCSV(t, runCSV(t, append([]string{"status", "--stats", "-o", "csv"}, demo...)...)); len(m.rows) != 5 || m.rows[0]["samples_scanned"] == "" {
		t.Errorf("status --stats CSV: %d rows, first %v", len(m.rows), m.rows[0])
	}

	cost, _ := statsJSON(t, append([]string{"cost", "--stats", "--quarter", demoQuarter}, demo...)...)
	checkAddsUp(t, cost, 5)
	c := readMachineCSV(t, runCSV(t, append([]string{"cost", "--stats", "--quarter", demoQuarter, "-o", "csv"}, demo...)...))
	rows := c.kind("query_stats")
	if len(rows) != 6 || rows[5]["stats_scope"] != "fleet" || rows[5]["samples_scanned"] != strconv.FormatInt(*cost.Fleet.SamplesScanned, 10) {
		t.Errorf("cost --stats CSV: %d query_stats rows, last %v; want 5 SLOs and the fleet's %d samples", len(rows), rows[len(rows)-1], *cost.Fleet.SamplesScanned)
	}
	if code, _, errOut := runCLI(t, "", append([]string{"cost", "--stats", "--what-if", "1h", "--service", "checkout"}, demo...)...); code != exitFailure || !strings.Contains(errOut, "--stats") {
		t.Errorf("cost --what-if --stats: exit %d, %q; want a usage error naming --stats", code, errOut)
	}
}

func costFor(t *testing.T, s *report.QueryStats, service, slo string) report.QueryCost {
	t.Helper()
	for _, c := range s.SLOs {
		if c.Service == service && c.SLO == slo {
			return c.QueryCost
		}
	}
	t.Fatalf("no stats for %s/%s", service, slo)
	return report.QueryCost{}
}

// TestStatsAgainstRealPrometheus: against a real Prometheus, burn --stats
// reports the samples the server scanned for every SLO, and the SLOs'
// queries add up to the fleet's. steady's two SLOs measure the same
// events over the same 7 days (the monthly one a week into its month), so
// each lists all 17 of its queries as shared, and the fleet counts them once
// (on the raw path: --recorded never). Under --recorded auto the probe for
// recorded series is one query for a batch of SLOs, listed under each.
func TestStatsAgainstRealPrometheus(t *testing.T) {
	url, specs, _ := realPrometheus(t)
	auto, _ := statsJSON(t, "burn", "--stats", "--specs", specs, "--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339))
	checkAddsUp(t, auto, 9)
	s, _ := statsJSON(t, "burn", "--stats", "--recorded", "never", "--specs", specs, "--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339))
	checkAddsUp(t, s, 9)
	a, m := costFor(t, s, "steady", "availability"), costFor(t, s, "steady", "monthly")
	// 17: the SLO window, 7 alert windows, 2 queries each, and coverage.
	if *a.SamplesScanned <= 0 || a.Queries != 17 || a.SharedQueries != 17 || m.SharedQueries != 17 || *a.SamplesScanned != *m.SamplesScanned {
		t.Errorf("steady: availability %+v, monthly %+v; want 17 queries each, all shared, scanning the same samples", a, m)
	}
	if s.Fleet.SharedQueries != 17 {
		t.Errorf("fleet: %d shared queries, want steady's 17", s.Fleet.SharedQueries)
	}
}
