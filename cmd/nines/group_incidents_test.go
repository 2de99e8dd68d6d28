package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// TestGroupedSLOIncidents: cost scans a grouped SLO per group (docs/groups.md)
// on a real Prometheus over the Regions scenario: eu's outage (40% errors
// for the hour from 3h to 2h before At) is one incident in which eu's group
// burns, with eu's own downtime, and the other regions are listed with
// theirs, not burning.
func TestGroupedSLOIncidents(t *testing.T) {
	data, truth, err := scenario.Regions()
	if err != nil {
		t.Fatal(err)
	}
	specs := t.TempDir()
	for name, body := range scenario.RegionsSpecs {
		if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	url := promtest.Start(t, data).URL
	var r report.CostReport
	mustJSON(t, runCSV(t, "cost", "--specs", specs, "--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339), "--window", "7d", "-o", "json"), &r)
	if len(r.Incidents) != 1 {
		t.Fatalf("%d incidents, want eu's outage alone: %+v", len(r.Incidents), r.Incidents)
	}
	inc := r.Incidents[0]
	if inc.PeakSLO != `availability{region="eu"}` {
		t.Errorf("peak SLO %q, want eu's group", inc.PeakSLO)
	}
	// The outage is 21:00 to 22:00 on 2026-09-07; detection widens it by at
	// most a step (5m) at either end.
	outStart, outEnd := scenario.At.Add(-3*time.Hour), scenario.At.Add(-2*time.Hour)
	if inc.Start.Before(outStart.Add(-5*time.Minute)) || inc.Start.After(outStart) || inc.End.Before(outEnd) || inc.End.After(outEnd.Add(5*time.Minute)) {
		t.Errorf("incident %s to %s, want the outage %s to %s within a step", inc.Start, inc.End, outStart, outEnd)
	}
	if len(inc.SLOs) != 3 {
		t.Fatalf("the incident lists %d SLOs, want one per region", len(inc.SLOs))
	}
	for _, s := range inc.SLOs {
		region := s.SLO[len(`availability{region="`) : len(s.SLO)-2]
		// The truth over the incident's minutes: minute i of the truth
		// ends i minutes after At.
		ev := truth[`checkout/availability{region="`+region+`"}`]
		var bad, total float64
		for m := inc.Start.Add(time.Minute); !m.After(inc.End); m = m.Add(time.Minute) {
			i := int(m.Sub(scenario.At)/time.Minute) + 8*24*60
			bad += ev.Bad[i]
			total += ev.Good[i] + ev.Bad[i]
		}
		want := bad / total * inc.End.Sub(inc.Start).Minutes()
		// increase() over the span extrapolates from samples a minute
		// apart: within a minute's events at the outage's 40%, 0.4 min.
		if s.DowntimeMinutes == nil || math.Abs(*s.DowntimeMinutes-want) > 0.4 {
			t.Errorf("%s: downtime %v min in the incident, truth %.4f", s.SLO, s.DowntimeMinutes, want)
		}
		if s.Burning != (region == "eu") {
			t.Errorf("%s burning %v", s.SLO, s.Burning)
		}
		if region == "eu" && want < 20 {
			t.Errorf("eu's truth over the incident is %.2f min, want about 24 (60 min at 40%%)", want)
		}
	}
	// Each group has its own cost line with its detection coverage.
	var lines int
	for _, svc := range r.Services {
		for _, o := range svc.SLOs {
			if o.DataCoverage > 0.99 {
				lines++
			}
		}
	}
	if lines != 3 {
		t.Errorf("%d SLO lines with the scan's coverage, want one per region", lines)
	}
}
