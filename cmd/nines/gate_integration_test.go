package main

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// gateScenarioSpecs writes the scenario's specs, plus extra files (which may
// replace one of them), into a directory whose name has no comma.
func gateScenarioSpecs(t *testing.T, extra map[string]string) string {
	t.Helper()
	files := map[string]string{}
	for name, body := range scenario.Specs {
		files[name] = body
	}
	for name, body := range extra {
		files[name] = body
	}
	return gateWriteSpecs(t, files)
}

// scenarioBudgetLeft is the exact budget left of a 7-day, 99.9% SLO of the
// scenario at scenario.At.
func scenarioBudgetLeft(truth scenario.Truth, id string) float64 {
	bad, total := truth.Events[id].Window(7 * 24 * time.Hour)
	return 1 - bad/total/(1-0.999)
}

// scenarioBurn is the exact burn rate of a 99.9% SLO of the scenario over w.
func scenarioBurn(truth scenario.Truth, id string, w time.Duration) float64 {
	bad, total := truth.Events[id].Window(w)
	return bad / total / (1 - 0.999)
}

// runGateJSON runs `nines gate -o json args...` in process and decodes the decision.
func runGateJSON(t *testing.T, env map[string]string, args ...string) (int, report.GateDecision, string) {
	t.Helper()
	s, out, errOut := testStreams(env)
	code := run(context.Background(), append([]string{"gate", "-o", "json"}, args...), s)
	var d report.GateDecision
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatalf("exit %d, output is not a decision: %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
	}
	if d.ExitCode != code {
		t.Errorf("the decision says exit code %d, the command returned %d", d.ExitCode, code)
	}
	return code, d, errOut.String()
}

func reasonRules(d report.GateDecision) string {
	var out []string
	for _, r := range d.Reasons {
		out = append(out, r.Effect+" "+r.Rule+" "+r.SLO)
	}
	return strings.Join(out, ", ")
}

// within reports whether got is within a relative 1e-9 of want (the
// scenario's exact truth; see relTol in integration_test.go).
func within(got *float64, want float64) bool {
	return got != nil && math.Abs(*got-want) <= relTol*math.Max(1, math.Abs(want))
}

func TestGateAgainstRealPrometheus(t *testing.T) {
	om, truth := scenario.Generate()
	srv := promtest.Start(t, om)
	specs := gateScenarioSpecs(t, map[string]string{
		// ghost again, in the silver tier (no_data: warn) and with an SLO
		// that allows no data.
		"ghost-silver.yaml": strings.Replace(strings.Replace(scenario.Specs["ghost.yaml"], "service: ghost", "service: ghost-silver", 1), "tier: gold", "tier: silver", 1),
		"ghost-allow.yaml": strings.Replace(strings.Replace(scenario.Specs["ghost.yaml"], "service: ghost", "service: ghost-allow", 1),
			"  - name: availability\n", "  - name: availability\n    no_data: allow\n", 1),
	})
	at := scenario.At.Format(time.RFC3339)
	common := []string{"--specs", specs, "--prometheus.url", srv.URL, "--at", at}

	t.Run("a healthy service is allowed", func(t *testing.T) {
		code, d, errOut := runGateJSON(t, nil, append(common, "--service", "steady", "--cache-dir", t.TempDir())...)
		if code != exitOK || d.Verdict != "allow" {
			t.Fatalf("exit %d verdict %s, want 0 allow; reasons %s\n%s", code, d.Verdict, reasonRules(d), errOut)
		}
		if got := reasonRules(d); got != "allow within_policy availability, allow within_policy latency, allow within_policy monthly" {
			t.Errorf("reasons %s", got)
		}
		if want := scenarioBudgetLeft(truth, "steady/availability"); !within(d.SLOs[0].BudgetLeft, want) {
			t.Errorf("budget left %v, want %v", *d.SLOs[0].BudgetLeft, want)
		}
	})

	t.Run("an exhausted budget is blocked with exit 3", func(t *testing.T) {
		code, d, _ := runGateJSON(t, nil, append(common, "--service", "exhausted", "--cache-dir", t.TempDir())...)
		if code != exitBlocked || d.Verdict != "block" || reasonRules(d) != "block budget_exhausted availability" {
			t.Fatalf("exit %d verdict %s reasons %s, want 3, block on budget_exhausted", code, d.Verdict, reasonRules(d))
		}
		want := scenarioBudgetLeft(truth, "exhausted/availability")
		if r := d.Reasons[0]; !within(r.BudgetLeft, want) || want > -10 || r.Objective != 0.999 || r.Owner.Team != "web" {
			t.Errorf("reason %+v, want budget left %v (below -1000%%), objective 99.9%%, owner web", r, want)
		}
	})

	t.Run("a fast burn with budget left is blocked", func(t *testing.T) {
		code, d, _ := runGateJSON(t, nil, append(common, "--service", "burning", "--cache-dir", t.TempDir())...)
		if code != exitBlocked || d.Verdict != "block" || reasonRules(d) != "block page_alert availability" {
			t.Fatalf("exit %d verdict %s reasons %s, want 3, block on page_alert", code, d.Verdict, reasonRules(d))
		}
		r, s := d.Reasons[0], d.SLOs[0]
		left := scenarioBudgetLeft(truth, "burning/availability")
		if !within(r.BudgetLeft, left) || left < 0.8 || left > 0.85 {
			t.Errorf("budget left %v, want %v (about 82%%: budget is left, yet the deploy is blocked)", r.BudgetLeft, left)
		}
		if len(r.Firing) != 1 || r.Firing[0] != "page 1h/5m 14.4x" {
			t.Errorf("firing %v, want the 1h/5m page alert", r.Firing)
		}
		for _, b := range s.BurnRates {
			if want := scenarioBurn(truth, "burning/availability", time.Duration(b.Seconds)*time.Second); !within(b.BurnRate, want) {
				t.Errorf("burn rate over %s = %v, want %v", b.Window, b.BurnRate, want)
			}
		}
	})

	t.Run("a rollback during a freeze is allowed", func(t *testing.T) {
		code, d, _ := runGateJSON(t, nil, append(common, "--service", "burning", "--change-type", "rollback", "--cache-dir", t.TempDir())...)
		if code != exitOK || d.Verdict != "allow" || d.PolicyVerdict != "block" || !d.Exempted {
			t.Errorf("exit %d verdict %s policy %s exempted %v, want 0 allow block true", code, d.Verdict, d.PolicyVerdict, d.Exempted)
		}
	})

	t.Run("an override is allowed and audited", func(t *testing.T) {
		audit := filepath.Join(t.TempDir(), "audit.jsonl")
		env := map[string]string{"GITLAB_USER_LOGIN": "alice", "CI_PIPELINE_ID": "9001", "CI_COMMIT_SHA": "deadbeef", "NINES_AUDIT_LOG": audit}
		code, d, _ := runGateJSON(t, env, append(common, "--service", "exhausted", "--cache-dir", t.TempDir(),
			"--override", "--reason", "INC-4711: the fix for the outage")...)
		if code != exitOK || d.Verdict != "allow" || d.PolicyVerdict != "block" || d.Override == nil {
			t.Fatalf("exit %d verdict %s policy %s override %+v", code, d.Verdict, d.PolicyVerdict, d.Override)
		}
		data, err := os.ReadFile(audit)
		if err != nil {
			t.Fatal(err)
		}
		var rec report.GateDecision
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		sc.Buffer(nil, 1<<20)
		n := 0
		for sc.Scan() {
			n++
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
		}
		if n != 1 {
			t.Fatalf("%d audit lines, want 1", n)
		}
		if rec.ID != d.ID || rec.Override == nil || *rec.Override != (report.GateOverride{Actor: "alice", ActorFrom: "GITLAB_USER_LOGIN", Reason: "INC-4711: the fix for the outage"}) ||
			rec.CI.Provider != "" || rec.CI.Env["CI_PIPELINE_ID"] != "9001" || rec.CI.Env["CI_COMMIT_SHA"] != "deadbeef" ||
			rec.Source != "prometheus "+srv.URL || !within(rec.SLOs[0].BudgetLeft, scenarioBudgetLeft(truth, "exhausted/availability")) {
			t.Errorf("audit record %+v", rec)
		}
	})

	t.Run("no metrics follows the no-data policy", func(t *testing.T) {
		for _, tt := range []struct {
			service, verdict string
			code             int
		}{
			{"ghost", "block", exitBlocked},  // gold: no_data: block
			{"ghost-silver", "warn", exitOK}, // silver: no_data: warn
			{"ghost-allow", "allow", exitOK}, // the SLO's no_data: allow
			{"sparse", "block", exitBlocked}, // insufficient data, gold
		} {
			code, d, _ := runGateJSON(t, nil, append(common, "--service", tt.service, "--cache-dir", t.TempDir())...)
			want := tt.verdict + " no_data availability"
			if tt.service == "sparse" {
				// Its few events have no error series: the assumption is said.
				want = tt.verdict + " insufficient_data availability, allow assumption availability"
			}
			if code != tt.code || d.Verdict != tt.verdict || reasonRules(d) != want {
				t.Errorf("%s: exit %d verdict %s reasons %s; want %d %s", tt.service, code, d.Verdict, reasonRules(d), tt.code, want)
			}
			if d.SLOs[0].BudgetLeft != nil {
				t.Errorf("%s: budget left %v without data", tt.service, *d.SLOs[0].BudgetLeft)
			}
		}
	})
}
