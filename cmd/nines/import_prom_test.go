package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// The scenario's SLOs as OpenSLO v1 documents, written the ways the
// ecosystem writes them: bare counter selectors with counter: true (the
// README), rate() with {{.window}} (Sloth's convention), the probe queries
// nines exports, and a calendar month. Imported with the scenario's tiers,
// they must burn exactly as the hand-written scenario specs.
const scenarioOpenSLO = `apiVersion: openslo/v1
kind: SLO
metadata: {name: steady-availability}
spec:
  service: steady
  indicator:
    metadata: {name: steady-errors}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total{service="steady",code=~"5.."}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(http_requests_total{service="steady"})'}}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: steady-monthly}
spec:
  service: steady
  indicator:
    metadata: {name: steady-monthly}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'sum(increase(http_requests_total{service="steady",code=~"5.."}[{{.window}}]))'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(increase(http_requests_total{service="steady"}[{{.window}}]))'}}}
  timeWindow:
    - duration: 1M
      calendar: {startTime: "2026-01-01 00:00:00", timeZone: UTC}
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.9}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: burning-availability}
spec:
  service: burning
  indicator:
    metadata: {name: burning-good}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(http_requests_total{service="burning",code!~"5.."}[{{ .window }}]))'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(http_requests_total{service="burning"}[{{ .window }}]))'}}}
  timeWindow: [{duration: 1w, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: gateway-reachability}
spec:
  service: gateway
  indicator:
    metadata: {name: gateway-probe}
    spec:
      ratioMetric:
        counter: false
        good: {metricSource: {type: Prometheus, spec: {query: 'sum(sum_over_time(probe_success{instance="https://gw.example.com",job="blackbox"}[{{.window}}]))'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(count_over_time(probe_success{instance="https://gw.example.com",job="blackbox"}[{{.window}}]))'}}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
`

// The scenario's steady service as Sloth writes it (rate, 30d by Sloth's
// default), and the hand-written nines spec that says the same.
const (
	scenarioSloth = `version: prometheus/v1
service: steady
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{service="steady",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{service="steady"}[{{.window}}]))
    alerting:
      name: SteadyErrors
      page_alert: {labels: {severity: critical}}
      ticket_alert: {labels: {severity: warning}}
`
	handWrittenSloth = `version: nines/v1
service: steady
tier: gold
slos:
  - name: availability
    window: 30d
    sli:
      events:
        bad: sum(increase(http_requests_total{service="steady",code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="steady"}[{{.window}}]))
`
)

// burnJSON runs nines burn -o json and returns its rows by service/slo.
func burnJSON(t *testing.T, url string, specs ...string) map[string]report.SLOStatus {
	t.Helper()
	args := []string{"burn", "-o", "json", "--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339)}
	for _, s := range specs {
		args = append(args, "--specs", s)
	}
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("burn: exit %d\n%s", code, errOut)
	}
	var rep report.BurnReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("burn -o json: %v\n%s", err, out)
	}
	rows := map[string]report.SLOStatus{}
	for _, s := range rep.SLOs {
		rows[s.Service+"/"+s.SLO] = s
	}
	return rows
}

// sameBurn compares two burn rows figure by figure, to relTol: both runs
// send the same PromQL to the same server, so any difference is a mapping
// error, not arithmetic.
func sameBurn(t *testing.T, id string, got, want report.SLOStatus) {
	t.Helper()
	eq := func(what string, g, w *float64) {
		if (g == nil) != (w == nil) || (g != nil && !near(*g, *w)) {
			t.Errorf("%s %s: imported %v, hand-written %v", id, what, deref(g), deref(w))
		}
	}
	if got.DataState != "ok" || want.DataState != "ok" {
		t.Fatalf("%s data state: imported %q, hand-written %q", id, got.DataState, want.DataState)
	}
	if got.Objective != want.Objective || got.Window != want.Window || got.Kind != want.Kind || got.Tier != want.Tier {
		t.Errorf("%s: imported %v %s %s %s, hand-written %v %s %s %s", id, got.Objective, got.Window, got.Kind, got.Tier, want.Objective, want.Window, want.Kind, want.Tier)
	}
	eq("error ratio", got.ErrorRatio, want.ErrorRatio)
	eq("total events", got.Total, want.Total)
	eq("budget left", got.BudgetLeft, want.BudgetLeft)
	eq("budget left minutes", got.BudgetLeftMinutes, want.BudgetLeftMinutes)
	if len(got.BurnRates) != len(want.BurnRates) {
		t.Fatalf("%s: %d burn rates imported, %d hand-written", id, len(got.BurnRates), len(want.BurnRates))
	}
	for i := range got.BurnRates {
		eq("burn rate "+got.BurnRates[i].Window, got.BurnRates[i].BurnRate, want.BurnRates[i].BurnRate)
	}
	if len(got.Alerts) != len(want.Alerts) {
		t.Fatalf("%s: %d alerts imported, %d hand-written", id, len(got.Alerts), len(want.Alerts))
	}
	for i := range got.Alerts {
		if got.Alerts[i] != want.Alerts[i] {
			t.Errorf("%s alert %d: imported %+v, hand-written %+v", id, i, got.Alerts[i], want.Alerts[i])
		}
	}
}

// deref is a number or nil, for messages.
func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestIntegrationImportThenBurnEqualsTheHandWrittenSpecs(t *testing.T) {
	om, truth := scenario.Generate()
	srv := promtest.Start(t, om)
	dir := t.TempDir()
	hand := filepath.Join(dir, "hand")
	if err := os.Mkdir(hand, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := scenario.WriteSpecs(hand); err != nil {
		t.Fatal(err)
	}
	tiers := filepath.Join(hand, "tiers.yaml")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("OpenSLO", func(t *testing.T) {
		in := write("openslo.yaml", scenarioOpenSLO)
		out := filepath.Join(dir, "from-openslo")
		if code, _, errOut := runCLI(t, "", "import", "openslo", "--specs", tiers, "--out", out, in); code != exitOK {
			t.Fatalf("import: exit %d\n%s", code, errOut)
		}
		imported := burnJSON(t, srv.URL, tiers, out)
		written := burnJSON(t, srv.URL, hand)
		for _, id := range []string{"steady/availability", "steady/monthly", "burning/availability", "gateway/reachability"} {
			sameBurn(t, id, imported[id], written[id])
		}
		if len(imported) != 4 {
			t.Errorf("imported %d SLOs, want 4", len(imported))
		}
		// And both are the truth, not merely alike.
		bad, total := truth.Events["steady/availability"].Window(7 * 24 * time.Hour)
		if got := imported["steady/availability"].ErrorRatio; got == nil || !near(*got, bad/total) {
			t.Errorf("steady/availability error ratio %v, truth %v", deref(got), bad/total)
		}
	})

	t.Run("Sloth", func(t *testing.T) {
		in := write("sloth.yml", scenarioSloth)
		out := filepath.Join(dir, "from-sloth")
		if code, _, errOut := runCLI(t, "", "import", "sloth", "--specs", tiers, "--out", out, in); code != exitOK {
			t.Fatalf("import: exit %d\n%s", code, errOut)
		}
		handDir := filepath.Join(dir, "hand-sloth")
		if err := os.Mkdir(handDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(handDir, "steady.yaml"), []byte(handWrittenSloth), 0o644); err != nil {
			t.Fatal(err)
		}
		imported := burnJSON(t, srv.URL, tiers, out)
		written := burnJSON(t, srv.URL, tiers, handDir)
		sameBurn(t, "steady/availability", imported["steady/availability"], written["steady/availability"])
	})
}
