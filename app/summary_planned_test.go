package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// A planned interval is listed with the incidents but is not one: the
// summary's headline counts and times only the real incidents, and the
// tier's MTBF leaves the planned time out.
func TestSummaryLeavesPlannedIntervalsOut(t *testing.T) {
	cat, r := splitReport()
	cat.Tiers = map[string]slo.Tier{"gold": {}}
	start := r.Period.Start
	r.Services[0].Incidents, r.Services[0].IncidentSeconds = 1, 1800
	r.Incidents = []report.IncidentCost{
		{ID: "shop/a", Service: "shop", Tier: "gold", Start: start.Add(time.Hour), End: start.Add(90 * time.Minute), DurationSeconds: 1800},
		{ID: "shop/b", Service: "shop", Tier: "gold", Start: start.Add(5 * time.Hour), End: start.Add(9 * time.Hour), DurationSeconds: 4 * 3600, Planned: true},
	}
	s := app.NewSummary(cat, r, nil)
	if got := strings.Join(s.Headline, " "); !strings.Contains(got, "1 incident, restored in 30m on average") {
		t.Errorf("headline %q counts the planned interval", got)
	}
	if len(s.Tiers) != 1 || s.Tiers[0].MTBFSeconds == nil {
		t.Fatalf("tiers %+v", s.Tiers)
	}
	// MTBF: the period's 30 days less the incident's 30 minutes, over 1.
	if want := 30*24*3600 - 1800.0; *s.Tiers[0].MTBFSeconds != want {
		t.Errorf("tier MTBF %v s, want %v (the planned 4h is not downtime between failures)", *s.Tiers[0].MTBFSeconds, want)
	}
}
