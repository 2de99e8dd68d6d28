package slo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/slo"
)

// loadAdjusted loads the good tiers file and one service whose
// adjustments: are given as YAML (indented under the key).
func loadAdjusted(t *testing.T, adjustments string) slo.SLO {
	t.Helper()
	dir := t.TempDir()
	svc := `version: nines/v1
service: adjusted
tier: critical
adjustments:
` + adjustments + `
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(http_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total[{{.window}}]))
`
	if err := os.WriteFile(filepath.Join(dir, "svc.yaml"), []byte(svc), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := load("testdata/tiers.good.yaml", filepath.Join(dir, "svc.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cat.Services[0].SLOs[0]
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Weekly Sunday 02:00 for 2h in Europe/Berlin across the end of summer
// time on 2026-10-25 (03:00 CEST becomes 02:00 CET): 02:00 happens twice
// that night and RFC 5545 takes the first (CEST, 00:00Z); the duration is
// elapsed time. Before the change 02:00 is 00:00Z, after it 01:00Z.
func TestWeeklyAdjustmentAcrossTheAutumnClockChange(t *testing.T) {
	s := loadAdjusted(t, `  - reason: weekly maintenance
    every: week
    on: [sunday]
    at: "02:00"
    duration: 2h
    time_zone: Europe/Berlin
    from: 2026-10-01
    until: 2026-11-08`)
	got := s.ExcludedIntervals(utc("2026-10-01T00:00:00Z"), utc("2026-12-01T00:00:00Z"))
	want := [][2]string{
		{"2026-10-04T00:00:00Z", "2026-10-04T02:00:00Z"},
		{"2026-10-11T00:00:00Z", "2026-10-11T02:00:00Z"},
		{"2026-10-18T00:00:00Z", "2026-10-18T02:00:00Z"},
		{"2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"}, // 02:00 CEST, the first 02:00
		{"2026-11-01T01:00:00Z", "2026-11-01T03:00:00Z"}, // 02:00 CET
		{"2026-11-08T01:00:00Z", "2026-11-08T03:00:00Z"}, // until is inclusive
	}
	checkIntervals(t, got, want)
	for _, iv := range got {
		if iv.Reason != "weekly maintenance" {
			t.Errorf("reason %q, want the adjustment's", iv.Reason)
		}
	}
	// Clipped to the window asked.
	got = s.ExcludedIntervals(utc("2026-10-25T01:00:00Z"), utc("2026-11-01T02:00:00Z"))
	checkIntervals(t, got, [][2]string{
		{"2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"},
		{"2026-11-01T01:00:00Z", "2026-11-01T02:00:00Z"},
	})
}

// On the spring-forward night (2026-03-29, 02:00 CET becomes 03:00 CEST)
// 02:30 does not exist; RFC 5545 reads it with the offset before the
// change (+01:00), so it starts at 01:30Z (03:30 CEST). A daily rule
// with a count stops after that many occurrences.
func TestDailyAdjustmentAcrossTheSpringClockChange(t *testing.T) {
	s := loadAdjusted(t, `  - reason: nightly backup
    every: day
    at: "02:30"
    duration: 30m
    time_zone: Europe/Berlin
    from: 2026-03-28
    count: 3`)
	got := s.ExcludedIntervals(utc("2026-03-01T00:00:00Z"), utc("2026-04-30T00:00:00Z"))
	checkIntervals(t, got, [][2]string{
		{"2026-03-28T01:30:00Z", "2026-03-28T02:00:00Z"}, // CET
		{"2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z"}, // in the gap: 03:30 CEST
		{"2026-03-30T00:30:00Z", "2026-03-30T01:00:00Z"}, // CEST
	})
}

// A one-off adjustment with a duration and an offset: its interval in UTC,
// and where it is declared.
func TestOneOffAdjustmentWithADuration(t *testing.T) {
	s := loadAdjusted(t, `  - reason: database upgrade
    start: 2026-10-10T04:00:00+02:00
    duration: 90m`)
	got := s.ExcludedIntervals(utc("2026-10-01T00:00:00Z"), utc("2026-10-31T00:00:00Z"))
	checkIntervals(t, got, [][2]string{{"2026-10-10T02:00:00Z", "2026-10-10T03:30:00Z"}})
	if len(s.Adjustments) != 1 || s.Adjustments[0].Line != 5 || !strings.HasSuffix(s.Adjustments[0].File, "svc.yaml") {
		t.Errorf("adjustment %+v: want one, at svc.yaml:5", s.Adjustments)
	}
}

func checkIntervals(t *testing.T, got []slo.Interval, want [][2]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d intervals %v, want %d %v", len(got), got, len(want), want)
	}
	for i, w := range want {
		if !got[i].Start.Equal(utc(w[0])) || !got[i].End.Equal(utc(w[1])) {
			t.Errorf("interval %d: got %s to %s, want %s to %s", i, got[i].Start.UTC().Format(time.RFC3339), got[i].End.UTC().Format(time.RFC3339), w[0], w[1])
		}
	}
}

// A list longer than MaxAdjustments is refused at the list, before any
// entry is expanded.
func TestTooManyAdjustments(t *testing.T) {
	var b strings.Builder
	for i := range slo.MaxAdjustments + 1 {
		fmt.Fprintf(&b, "  - {reason: r%d, start: \"2026-10-01T00:00:00Z\", duration: 1m}\n", i)
	}
	dir := t.TempDir()
	svc := "version: nines/v1\nservice: many\ntier: critical\nadjustments:\n" + b.String() +
		"slos:\n  - name: a\n    sli: {probe: {metric: up}}\n"
	if err := os.WriteFile(filepath.Join(dir, "svc.yaml"), []byte(svc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := load("testdata/tiers.good.yaml", filepath.Join(dir, "svc.yaml"))
	if err == nil || !strings.Contains(err.Error(), "svc.yaml:4: adjustments: 101 adjustments, more than the 100") {
		t.Errorf("got %v, want the list refused at its line", err)
	}
}
