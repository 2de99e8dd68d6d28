package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// demoArgs (period_test.go) reads the demo data at its evaluation time.

// demoCost runs nines cost on the demo data with args and decodes its JSON.
// It reads no incidents file unless args name one: the policy is tested on
// what the metrics show.
func demoCost(t *testing.T, args ...string) *report.CostReport {
	t.Helper()
	args = append(append([]string{"cost", "-o", "json", "--incidents", "none"}, demoArgs...), args...)
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("nines %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	var r report.CostReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// demoSpecs copies the example specs into a directory, the tiers file with
// policy added to every tier, and returns the directory.
func demoSpecs(t *testing.T, policy string) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../specs/*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("spec files %v: %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == "tiers.yaml" {
			s := string(b)
			for _, tier := range []string{"critical", "standard", "best-effort"} {
				head := "\n  " + tier + ":\n"
				if !strings.Contains(s, head) {
					t.Fatalf("no tier %s in the example tiers file", tier)
				}
				s = strings.Replace(s, head, head+"    incidents: "+policy+"\n", 1)
			}
			b = []byte(s)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The demo's 2026-Q3 under the default incident policy against a policy
// that counts every interval (min_duration 0, merge gap 15m: how nines
// counted before the policy). The single failed probes of payments-gateway
// are blips, the real outages stay incidents, the slow period of 2026-09-08
// is one incident charged once, and the lost revenue does not move: blips
// lose only their fixed labor and opportunity.
func TestDemoIncidentsAsAResponderCountsThem(t *testing.T) {
	q3 := []string{"--quarter", "2026-Q3"}
	all := demoCost(t, append(q3, "--specs", demoSpecs(t, "{min_duration: 0s, min_budget: 0, merge_gap: 15m}"))...)
	def := demoCost(t, q3...)

	// Before: 21 incidents, the total of the issue (€208,890.70).
	if len(all.Incidents) != 21 || math.Abs(all.Totals[0].Total-208890.70) > 0.005 {
		t.Errorf("counting every interval: %d incidents, total %.2f; want 21 and 208,890.70 (issue 10)", len(all.Incidents), all.Totals[0].Total)
	}
	want := map[string]struct{ incidents, blips int }{
		"checkout": {2, 2}, "payments-gateway": {1, 10}, "recommendations": {3, 0}, "search": {1, 1},
	}
	for _, s := range def.Services {
		w := want[s.Service]
		if s.Incidents != w.incidents || s.Blips != w.blips {
			t.Errorf("%s: %d incidents, %d blips; want %d and %d", s.Service, s.Incidents, s.Blips, w.incidents, w.blips)
		}
		if p := s.IncidentPolicy; p == nil || p.MinDurationSeconds != 900 || p.MinBudget != 0.2 || p.MergeGapSeconds != 1800 {
			t.Errorf("%s: policy %+v, want the default 15m, 20%%, 30m", s.Service, p)
		}
		a, _ := all.Service(s.Service)
		// Lost revenue comes from the SLOs' period measure: the same to
		// the cent (it is the same query), whatever the policy.
		if math.Abs(a.Cost.LostRevenue-s.Cost.LostRevenue) > 1e-6 {
			t.Errorf("%s: lost revenue %.2f under the policy, %.2f counting everything", s.Service, s.Cost.LostRevenue, a.Cost.LostRevenue)
		}
	}
	// payments-gateway: the gateway outage of 2026-08-27 02:10-02:40 is its
	// only incident; its 10 single failed probes (one 5-minute step each)
	// are blips: 50 minutes, 5 downtime minutes each.
	pg, _ := def.Service("payments-gateway")
	if pg.BlipSeconds != 3000 || math.Abs(pg.BlipDowntimeMinutes-50) > 1e-6 {
		t.Errorf("payments-gateway blips: %v s, %v downtime minutes; want 3000 and 50", pg.BlipSeconds, pg.BlipDowntimeMinutes)
	}
	for _, i := range def.Incidents {
		if i.Service == "payments-gateway" && i.Start.Format(time.RFC3339) != "2026-08-27T02:10:00Z" {
			t.Errorf("payments-gateway incident %s: want only the outage of 2026-08-27 02:10", i.ID)
		}
		if i.DurationSeconds < 900 && (i.PeakSLO == "" || *i.SLOs[0].BudgetSpent < 0.2) {
			t.Errorf("incident %s lasted %vs and spent %v of the budget: a blip", i.ID, i.DurationSeconds, *i.SLOs[0].BudgetSpent)
		}
	}
	// The real outages stay incidents, each within a step of the story.
	for _, o := range []struct{ service, start, end string }{
		{"checkout", "2026-08-12T14:20:00Z", "2026-08-12T15:00:00Z"},
		{"checkout", "2026-09-08T13:00:00Z", "2026-09-08T19:00:00Z"},
		{"search", "2026-07-21T13:00:00Z", "2026-07-21T16:30:00Z"},
		{"payments-gateway", "2026-08-27T02:10:00Z", "2026-08-27T02:40:00Z"},
	} {
		start, _ := time.Parse(time.RFC3339, o.start)
		end, _ := time.Parse(time.RFC3339, o.end)
		n := 0
		for _, i := range def.Incidents {
			if i.Service == o.service && i.Start.Before(end) && start.Before(i.End) {
				n++
				if i.Start.Sub(start).Abs() > 5*time.Minute || i.End.Sub(end).Abs() > 5*time.Minute {
					t.Errorf("%s outage %s-%s: incident %s to %s, more than a step off", o.service, o.start, o.end, i.Start, i.End)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s outage %s: %d incidents, want one", o.service, o.start, n)
		}
	}
	// The slow period of 2026-09-08 was split in two by three steps under
	// the threshold (13:25-13:35, 15 minutes): two incidents, each charged
	// 16 h of opportunity. Now one: checkout is charged 2 incidents x 16 h.
	split := 0
	for _, i := range all.Incidents {
		if i.Service == "checkout" && strings.HasPrefix(i.ID, "checkout/2026-09-08T") {
			split++
		}
	}
	co, _ := def.Service("checkout")
	if split != 2 || co.Cost.Diverted.Hours != 32 {
		t.Errorf("2026-09-08: %d incidents counting everything (want 2), checkout's diverted hours %v under the policy (want 2 x 16)", split, co.Cost.Diverted.Hours)
	}
	// What the policy took off is exactly the fixed costs of what it does
	// not count: labor plus opportunity of the 14 single-step intervals
	// and the split, nothing else.
	var labor, opportunity float64
	for _, s := range def.Services {
		labor += s.Cost.Labor
		opportunity += s.Cost.Opportunity
	}
	if math.Abs(labor-def.Totals[0].Labor) > 1e-6 || math.Abs(def.Totals[0].Total-(def.Totals[0].LostRevenue+labor+opportunity+def.Totals[0].SLACredits)) > 1e-6 {
		t.Errorf("totals %+v do not add up", def.Totals[0])
	}
	if math.Abs(def.Totals[0].LostRevenue-all.Totals[0].LostRevenue) > 1e-6 || math.Abs(def.Totals[0].SLACredits-all.Totals[0].SLACredits) > 1e-6 {
		t.Errorf("lost revenue or credits moved: %+v against %+v", def.Totals[0], all.Totals[0])
	}
	// The tables show the blips of each service, count and time.
	for _, format := range []string{"table", "wide", "csv", "markdown"} {
		code, out, errOut := runCLI(t, "", append([]string{"cost", "--quarter", "2026-Q3", "--incidents", "none", "-o", format}, demoArgs...)...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if format == "csv" {
			// blips, blip_seconds after payments-gateway's mtbf_seconds.
			if !regexp.MustCompile(`\nservices,[^\n]*,payments-gateway,[^\n]*,10,3000,`).MatchString(out) {
				t.Errorf("-o csv does not give payments-gateway's 10 blips of 3000 seconds:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, "BLIPS") || !strings.Contains(out, "10 (50m)") {
			t.Errorf("-o %s does not show payments-gateway's 10 blips of 50 minutes:\n%s", format, out)
		}
	}
}

// An incident still burning at --at ends there, marked ongoing in the JSON
// and the tables; the demo's checkout incident of 2026-10-14 started at
// 10:00 and is still going on at 12:00.
func TestDemoOngoingIncidentEndsAtAt(t *testing.T) {
	r := demoCost(t, "--quarter", "quarter")
	var ongoing []report.IncidentCost
	for _, i := range r.Incidents {
		if i.Ongoing {
			ongoing = append(ongoing, i)
		}
	}
	if len(ongoing) != 1 || ongoing[0].Service != "checkout" || !ongoing[0].End.Equal(r.At) || ongoing[0].Start.Format("15:04") != "10:00" {
		t.Fatalf("ongoing incidents %+v, want checkout's from 10:00 to --at", ongoing)
	}
	// 2% failing and 3% slow for two hours: latency's 3.6 minutes and the
	// background, measured over the span and the step before it (to a
	// tenth of a minute: the demo's counts are random draws).
	if d := ongoing[0].DowntimeMinutes; math.Abs(d-3.6) > 0.4 {
		t.Errorf("ongoing incident downtime %v minutes, want about 3.6", d)
	}
	for _, format := range []string{"table", "wide", "csv", "markdown"} {
		args := append([]string{"cost", "--quarter", "quarter", "-o", format}, demoArgs...)
		code, out, errOut := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if format == "csv" {
			// duration_seconds, ongoing of checkout's incident.
			if !strings.Contains(out, ",checkout/2026-10-14T10:00Z,,detected,7200,true,") {
				t.Errorf("-o csv does not mark the ongoing incident:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, "2h, ongoing") {
			t.Errorf("-o %s does not mark the ongoing incident:\n%s", format, out)
		}
	}
}

// A planned record is priced without incident overhead: listed as planned,
// its downtime and lost revenue counted, no labor or opportunity, not an
// incident in counts or MTTR, and the detected outage it overlaps is gone.
func TestDemoPlannedIntervalCarriesNoOverhead(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, body string }{
		{"planned.yaml", "version: nines/v1\nincidents:\n  - service: payments-gateway\n    start: 2026-08-27T02:05:00Z\n    end: 2026-08-27T02:45:00Z\n    title: Provider maintenance\n    planned: true\n"},
		{"planned.csv", "service,start,end,title,planned\npayments-gateway,2026-08-27T02:05:00Z,2026-08-27T02:45:00Z,Provider maintenance,true\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(dir, tt.name)
			if err := os.WriteFile(f, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			plain := demoCost(t, "--quarter", "2026-Q3")
			r := demoCost(t, "--quarter", "2026-Q3", "--incidents", f)
			var planned []report.IncidentCost
			for _, i := range r.Incidents {
				if i.Service == "payments-gateway" {
					planned = append(planned, i)
				}
			}
			if len(planned) != 1 || !planned[0].Planned || planned[0].Source != "corrected" || planned[0].Cost == nil {
				t.Fatalf("payments-gateway intervals %+v, want the planned one", planned)
			}
			p := planned[0]
			// 30 failed minutes of the 40 planned ones, 342.24 EUR a minute,
			// 50% recovered: lost revenue, no labor, no opportunity.
			if p.Cost.Labor != 0 || p.Cost.Opportunity != 0 || math.Abs(p.DowntimeMinutes-30) > 1e-6 || math.Abs(p.Cost.LostRevenue-30*180e6/525949.2*0.5) > 1e-6 {
				t.Errorf("planned interval cost %+v, downtime %v; want 30 minutes of lost revenue only", p.Cost, p.DowntimeMinutes)
			}
			pg, _ := r.Service("payments-gateway")
			was, _ := plain.Service("payments-gateway")
			if pg.Incidents != 0 || pg.MTTRSeconds != nil || pg.Cost.Labor != 0 || pg.Cost.Opportunity != 0 {
				t.Errorf("payments-gateway %d incidents, MTTR %v, labor %v, opportunity %v; want none", pg.Incidents, pg.MTTRSeconds, pg.Cost.Labor, pg.Cost.Opportunity)
			}
			if pg.Cost.LostRevenue != was.Cost.LostRevenue {
				t.Errorf("lost revenue %v with the planned record, %v without: the downtime still counts", pg.Cost.LostRevenue, was.Cost.LostRevenue)
			}
			code, out, _ := runCLI(t, "", append([]string{"cost", "--quarter", "2026-Q3", "--incidents", f}, demoArgs...)...)
			if code != exitOK || !strings.Contains(out, "40m, planned") {
				t.Errorf("the table does not mark the planned interval:\n%s", out)
			}
		})
	}
}
