package slo_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nines-sre/nines/slo"
)

const policyTiers = `version: nines/v1
tiers:
  plain:
    objective: 99.9
  strict:
    objective: 99.95
    incidents:
      min_duration: 5m
      merge_gap: 1h
`

// The incident policy is merged like gate: and cost: are: the defaults, then
// the tier's fields, then the service's, field by field.
func TestIncidentPolicyIsMergedFromDefaultsTierAndService(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tiers.yaml": policyTiers,
		"a.yaml":     gateService("a", "plain", ""),
		"b.yaml":     gateService("b", "strict", ""),
		"c.yaml":     gateService("c", "strict", "incidents:\n  min_budget: 2.5"),
		"d.yaml":     gateService("d", "plain", "incidents: {min_duration: 0s, merge_gap: 10m}"),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]slo.IncidentPolicy{
		"a": slo.DefaultIncidentPolicy(),
		"b": {MinDuration: 5 * time.Minute, MinBudget: 0.2, MergeGap: time.Hour},
		"c": {MinDuration: 5 * time.Minute, MinBudget: 0.025, MergeGap: time.Hour},
		"d": {MinDuration: 0, MinBudget: 0.2, MergeGap: 10 * time.Minute},
	}
	if d := slo.DefaultIncidentPolicy(); d.MinDuration != 15*time.Minute || d.MinBudget != 0.2 || d.MergeGap != 30*time.Minute {
		t.Errorf("default policy %+v, want 15m, 20%%, 30m (docs/cost.md)", d)
	}
	for _, s := range cat.Services {
		if s.Incidents != want[s.Name] {
			t.Errorf("service %s: policy %+v, want %+v", s.Name, s.Incidents, want[s.Name])
		}
		for _, o := range s.SLOs {
			if o.Incidents != s.Incidents {
				t.Errorf("SLO %s: policy %+v, want the service's %+v", o.ID(), o.Incidents, s.Incidents)
			}
		}
	}
}

func TestIncidentPolicyCounts(t *testing.T) {
	p := slo.DefaultIncidentPolicy()
	tests := []struct {
		name   string
		d      time.Duration
		budget float64
		want   bool
	}{
		{"one failed 5-minute probe step: 12% of a 30-day 99.9% budget", 5 * time.Minute, 5 / 43.2, false},
		{"a 10-minute blip", 10 * time.Minute, 0.11, false},
		{"15 minutes is long enough", 15 * time.Minute, 0, true},
		{"a short burst that spent a fifth of the budget", 5 * time.Minute, 0.2, true},
		{"a 40-minute outage", 40 * time.Minute, 1.85, true},
	}
	for _, tt := range tests {
		if got := p.Counts(tt.d, tt.budget); got != tt.want {
			t.Errorf("%s: Counts(%s, %v) = %v, want %v", tt.name, tt.d, tt.budget, got, tt.want)
		}
	}
	// The zero value counts everything (SLOs built without the loader).
	if !(slo.IncidentPolicy{}).Counts(time.Minute, 0) || (slo.IncidentPolicy{}).Gap() != slo.DefaultMergeGap {
		t.Error("the zero policy counts every interval and merges across the default gap")
	}
}

func TestMergeGapOf(t *testing.T) {
	a, b := scanSLO("a", "x", 0.999), scanSLO("b", "x", 0.999)
	b.Incidents.MergeGap = time.Hour
	tests := []struct {
		name     string
		slos     []slo.SLO
		override time.Duration
		want     time.Duration
	}{
		{"--merge-gap wins", []slo.SLO{a, b}, 10 * time.Minute, 10 * time.Minute},
		{"one policy", []slo.SLO{a, a}, 0, slo.DefaultMergeGap},
		{"policies differ: each its own", []slo.SLO{a, b}, 0, 0},
	}
	for _, tt := range tests {
		if got := slo.MergeGapOf(tt.slos, tt.override); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
