package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// buildNines builds the nines binary into dir.
func buildNines(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH: cannot build the binary")
	}
	bin := filepath.Join(dir, "nines")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binResult is what a run of the binary did.
type binResult struct {
	code           int
	stdout, stderr string
}

// runBinary runs the built binary as a user would: its own process, a clean
// environment plus env, and the real exit code.
func runBinary(t *testing.T, bin string, env map[string]string, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("could not run %s: %v", bin, err)
	}
	return binResult{code, stdout.String(), stderr.String()}
}

// The binary is built once; every case runs it as its own process against a
// real Prometheus (and a real Pushgateway) with the scenario's data.
func TestGateBinary(t *testing.T) {
	bin := buildNines(t, t.TempDir())
	om, truth := scenario.Generate()
	srv := promtest.Start(t, om)
	specs := gateScenarioSpecs(t, nil)
	at := scenario.At.Format(time.RFC3339)
	common := []string{"gate", "--specs", specs, "--prometheus.url", srv.URL, "--at", at}

	t.Run("exit codes", func(t *testing.T) {
		tests := []struct {
			name   string
			args   []string
			code   int
			stdout string // prefix
			stderr string // substring
		}{
			{"allowed", []string{"--service", "steady"}, 0, "ALLOW: deploy of steady", ""},
			{"blocked", []string{"--service", "exhausted"}, 3, "BLOCK: deploy of exhausted", ""},
			{"blocked by a fast burn", []string{"--service", "burning"}, 3, "BLOCK: deploy of burning", ""},
			{"a dry run of a block", []string{"--service", "exhausted", "--dry-run"}, 0, "DRY RUN (NOT ENFORCED): BLOCK", ""},
			{"a rollback during a freeze", []string{"--service", "burning", "--change-type", "rollback"}, 0, "ALLOW: deploy of burning (rollback change)", ""},
			{"an override", []string{"--service", "exhausted", "--override", "--reason", "INC-1", "--actor", "alice"}, 0, "ALLOW (OVERRIDDEN)", ""},
			{"an unknown service", []string{"--service", "nope"}, 1, "", `nines: unknown service "nope"`},
			{"a bad flag", []string{"--service", "steady", "--change-type", "big"}, 1, "", `invalid --change-type "big"`},
			{"a missing override reason", []string{"--service", "steady", "--override"}, 1, "", "--override needs --reason"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := runBinary(t, bin, nil, append(common, tt.args...)...)
				if r.code != tt.code || !strings.HasPrefix(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
					t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
				}
			})
		}
		t.Run("fail closed when Prometheus is down", func(t *testing.T) {
			down := gateFaultURL(t, "connection refused")
			r := runBinary(t, bin, nil, "gate", "--specs", specs, "--prometheus.url", down, "--at", at, "--service", "steady", "--query.retries", "0")
			if r.code != exitBlocked || !strings.Contains(r.stdout, "Fallback:  fail_closed (on_error fail_closed)") {
				t.Errorf("exit %d, want 3 with the fail-closed path\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
		})
	})

	t.Run("50 gates at once append 50 intact audit lines", func(t *testing.T) {
		audit := filepath.Join(t.TempDir(), "audit.jsonl")
		cache := t.TempDir()
		const n = 50
		results := make([]binResult, n)
		services := []string{"steady", "exhausted", "burning", "ghost", "recs"}
		want := map[string]int{"steady": 0, "exhausted": 3, "burning": 3, "ghost": 3, "recs": 0}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i] = runBinary(t, bin, map[string]string{"NINES_AUDIT_LOG": audit, "GITHUB_RUN_ID": fmt.Sprint(i)},
					append(common, "--service", services[i%len(services)], "--cache-dir", cache)...)
			}()
		}
		close(start)
		wg.Wait()
		for i, r := range results {
			if svc := services[i%len(services)]; r.code != want[svc] {
				t.Errorf("gate %d (%s): exit %d, want %d\n%s", i, svc, r.code, want[svc], r.stderr)
			}
		}
		data, err := os.ReadFile(audit)
		if err != nil {
			t.Fatal(err)
		}
		ids, runs := map[string]bool{}, map[string]bool{}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		lines := 0
		for sc.Scan() {
			lines++
			var d report.GateDecision
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				t.Fatalf("audit line %d is not one intact JSON decision: %v\n%.300s", lines, err, sc.Text())
			}
			ids[d.ID], runs[d.CI.Env["GITHUB_RUN_ID"]] = true, true
			if d.ExitCode != want[d.Service] {
				t.Errorf("audit line %d: %s exit code %d, want %d", lines, d.Service, d.ExitCode, want[d.Service])
			}
		}
		if lines != n || len(ids) != n || len(runs) != n {
			t.Errorf("%d lines, %d distinct decision IDs, %d distinct runs; want %d of each", lines, len(ids), len(runs), n)
		}
	})

	t.Run("a real Pushgateway receives the metrics", func(t *testing.T) {
		pgw := promtest.StartPushgateway(t)
		// A query string (an API key for a proxy in front) is sent along.
		r := runBinary(t, bin, nil, append(common, "--service", "burning", "--pushgateway", pgw.URL+"/?api_key=nines-test-key", "-o", "json")...)
		if r.code != exitBlocked {
			t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
		}
		var d report.GateDecision
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
			t.Fatal(err)
		}
		fams := scrape(t, pgw.URL+"/metrics")
		grouping := map[string]string{"job": "nines_gate", "service": "burning"}
		checks := []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"nines_gate_verdict", map[string]string{"verdict": "block"}, 1},
			{"nines_gate_verdict", map[string]string{"verdict": "allow"}, 0},
			{"nines_gate_blocked", nil, 1},
			{"nines_gate_overridden", nil, 0},
			{"nines_gate_fallback", map[string]string{"path": "none"}, 1},
			{"nines_gate_decision_info", map[string]string{"decision_id": d.ID, "change_type": "normal", "policy_verdict": "block"}, 1},
			{"nines_gate_reasons", map[string]string{"effect": "block"}, 1},
			{"nines_gate_objective_ratio", map[string]string{"slo": "availability"}, 0.999},
			{"nines_gate_budget_left_ratio", map[string]string{"slo": "availability"}, scenarioBudgetLeft(truth, "burning/availability")},
			{"nines_gate_burn_rate", map[string]string{"slo": "availability", "window": "1h"}, scenarioBurn(truth, "burning/availability", time.Hour)},
			{"nines_gate_last_decision_timestamp_seconds", nil, float64(d.Time.UnixNano()) / 1e9},
		}
		for _, c := range checks {
			labels := map[string]string{}
			for k, v := range grouping {
				labels[k] = v
			}
			for k, v := range c.labels {
				labels[k] = v
			}
			got, ok := gaugeValue(fams, c.name, labels)
			tol := relTol * max(1, abs(c.want))
			if c.name == "nines_gate_last_decision_timestamp_seconds" {
				tol = 1e-3 // float64 seconds in the text format
			}
			if !ok || abs(got-c.want) > tol {
				t.Errorf("%s%v = %v (found %v), want %v", c.name, labels, got, ok, c.want)
			}
		}
	})

	t.Run("a failed push is a warning and changes nothing", func(t *testing.T) {
		down := gateFaultURL(t, "connection refused")
		for _, tt := range []struct {
			service string
			code    int
		}{{"steady", 0}, {"burning", 3}} {
			r := runBinary(t, bin, nil, append(common, "--service", tt.service, "--pushgateway", "http://user:s3cret@"+strings.TrimPrefix(down, "http://"))...)
			if r.code != tt.code || !strings.Contains(r.stderr, "could not push the decision to the Pushgateway; the decision stands") {
				t.Errorf("%s: exit %d, want %d with a warning\nstderr:\n%s", tt.service, r.code, tt.code, r.stderr)
			}
			if strings.Contains(r.stderr+r.stdout, "s3cret") {
				t.Errorf("the Pushgateway password was shown:\n%s", r.stderr)
			}
		}
	})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// scrape reads a Prometheus text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("could not parse %s: %v\n%s", url, err, body)
	}
	return fams
}

// gaugeValue finds the gauge of family name whose labels are exactly labels.
func gaugeValue(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			if l.GetName() == "instance" && l.GetValue() == "" {
				continue // the Pushgateway adds an empty instance label
			}
			got[l.GetName()] = l.GetValue()
		}
		if len(got) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			if got[k] != v {
				match = false
			}
		}
		if match {
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}
