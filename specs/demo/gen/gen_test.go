package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
)

const committed = "../metrics.om.gz"

// maxSize is the size budget of the committed file.
const maxSize = 2 << 20

// TestCommittedFileIsFresh regenerates the dataset in memory and requires
// the committed file to be identical, byte for byte.
func TestCommittedFileIsFresh(t *testing.T) {
	var fresh bytes.Buffer
	if err := generate(&fresh); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Len() > maxSize {
		t.Errorf("the dataset is %d bytes compressed, over the budget of %d", fresh.Len(), maxSize)
	}
	if bytes.Equal(got, fresh.Bytes()) {
		return
	}
	// Tell a change of data from a change of compressor.
	gotText, freshText := gunzip(t, got), gunzip(t, fresh.Bytes())
	if bytes.Equal(gotText, freshText) {
		t.Fatalf("%s holds the same OpenMetrics text but compresses differently (a new Go toolchain?): regenerate it with `go run ./specs/demo/gen -o specs/demo/metrics.om.gz`", committed)
	}
	t.Fatalf("%s is stale: it differs from a fresh generation (first difference at byte %d of the text): regenerate it with `go run ./specs/demo/gen -o specs/demo/metrics.om.gz`",
		committed, firstDiff(gotText, freshText))
}

func TestGenerateIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := generate(&a); err != nil {
		t.Fatal(err)
	}
	if err := generate(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two generations differ")
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "metrics.om" {
		t.Errorf("gzip header: mtime %v, name %q; want no mtime and metrics.om", zr.ModTime, zr.Name)
	}
}

// TestStory checks the claims of specs/demo/README.md against the committed
// file, through the embedded engine, with the queries the example specs
// build. Bounds are those the README states (rounded), not exact values: the
// file is deterministic, the point is that the story holds.
func TestStory(t *testing.T) {
	e, err := prom.OpenFile(t.Context(), committed, prom.EmbeddedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	day := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, time.UTC) }
	quickStart := day(time.October, 14, 12, 0)
	errRatio := func(svc, w string) string {
		return fmt.Sprintf(`sum(increase(http_requests_total{service=%q,code=~"5.."}[%s])) / sum(increase(http_requests_total{service=%q}[%s]))`, svc, w, svc, w)
	}
	slowRatio := func(w string) string {
		return fmt.Sprintf(`1 - sum(increase(http_request_duration_seconds_bucket{service="checkout",le="0.3"}[%s])) / sum(increase(http_request_duration_seconds_count{service="checkout"}[%s]))`, w, w)
	}
	probeFail := func(w string) string {
		return fmt.Sprintf(`1 - sum(sum_over_time(probe_success{job="blackbox",instance="https://pay.example.com/health"}[%s])) / sum(count_over_time(probe_success{job="blackbox",instance="https://pay.example.com/health"}[%s]))`, w, w)
	}
	fallback := func(w string) string {
		return fmt.Sprintf(`sum(increase(recommendations_fallback_total[%s])) / sum(increase(recommendations_requests_total[%s]))`, w, w)
	}
	tests := []struct {
		name     string
		query    string
		at       time.Time
		min, max float64
	}{
		{"checkout burns over 14.4x in the last 5m at the quick start", errRatio("checkout", "5m") + " / 0.0005", quickStart, 14.4, 60},
		{"checkout burns over 14.4x in the last 1h at the quick start", errRatio("checkout", "1h") + " / 0.0005", quickStart, 14.4, 60},
		{"checkout burns over 6x in the last 30m at the quick start", errRatio("checkout", "30m") + " / 0.0005", quickStart, 6, 60},
		{"checkout burns over 6x in the last 6h at the quick start", errRatio("checkout", "6h") + " / 0.0005", quickStart, 6, 30},
		{"checkout has used about 45% of its 30-day budget at the quick start", errRatio("checkout", "30d") + " / 0.0005", quickStart, 0.40, 0.50},
		{"the August outage fails every checkout request for 40 minutes", errRatio("checkout", "40m"), day(time.August, 12, 15, 0), 0.999, 1},
		{"the August outage spends checkout's 30-day budget more than 3 times", errRatio("checkout", "30d") + " / 0.0005", day(time.August, 31, 0, 0), 3, 4},
		{"search fails 20% of requests on July 21 afternoon", errRatio("search", "3h"), day(time.July, 21, 16, 0), 0.19, 0.21},
		{"search misses its July objective (month in Berlin)", errRatio("search", "31d") + " / 0.001", day(time.July, 31, 22, 0), 1.5, 2},
		{"search keeps its September objective", errRatio("search", "30d") + " / 0.001", day(time.September, 30, 22, 0), 0, 0.5},
		{"15% of checkout requests are slow on September 8", slowRatio("6h"), day(time.September, 8, 19, 0), 0.14, 0.16},
		{"the slow days use about half of the latency budget", "(" + slowRatio("30d") + ") / 0.01", day(time.September, 30, 0, 0), 0.5, 0.6},
		{"the probe outage takes the gateway just over its 30-day budget", "(" + probeFail("30d") + ") / 0.001", day(time.September, 1, 0, 0), 1, 1.1},
		{"one failed probe burns the gateway's budget 16.7x over the last hour at the quick start", "(" + probeFail("1h") + ") / 0.001", quickStart, 16.6, 16.7},
		{"but not over the last 5 minutes, so the page alert stays quiet", "(" + probeFail("5m") + ") / 0.001", quickStart, 0, 0},
		{"the gateway probe failed 19 times in all", `count_over_time(probe_success[136d]) - sum_over_time(probe_success[136d])`, day(time.October, 15, 0, 0), 19, 19},
		{"recommendations fell back for 0.4% of Q3", fallback("92d"), day(time.October, 1, 0, 0), 0.0035, 0.0045},
		{"the fallback spike of September 29 reaches 50%", fallback("1h"), day(time.September, 29, 13, 30), 0.45, 0.55},
		{"checkout's counters reset once", `sum(resets(http_requests_total{service="checkout"}[136d])) / count(http_requests_total{service="checkout"})`, day(time.October, 15, 0, 0), 1, 1},
		{"search's counters never reset", `sum(resets(http_requests_total{service="search"}[136d]))`, day(time.October, 15, 0, 0), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Query(t.Context(), tt.query, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Samples) != 1 {
				t.Fatalf("%d samples, want 1: %+v", len(res.Samples), res.Samples)
			}
			if v := res.Samples[0].Value; math.IsNaN(v) || v < tt.min || v > tt.max {
				t.Errorf("%s at %s = %v, want between %v and %v", tt.query, tt.at.Format(time.RFC3339), v, tt.min, tt.max)
			}
		})
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
