package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/report"
)

// The deploys verified: every service is deployed at verifyDeploy. Minute i
// is verifyDeploy + i minutes; a counter's increment at minute i counts the
// events of (i-1, i], so the events after the deploy are those of i ≥ 1.
// One sample a minute, aligned: Prometheus 2's increase() over [a, b] on
// whole minutes equals the sum of the increments exactly (see
// internal/scenario).
var verifyDeploy = time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)

const (
	verifyFrom = -(7*24*60 + 120) // a week and two hours of history, for --baseline week
	verifyTo   = 90
)

// verifyTraffic is a service's good and bad events per minute.
type verifyTraffic struct {
	good, bad func(i int) float64
}

// baselineBad is one error every other minute in 1,000 requests: 0.05%.
func baselineBad(i int) float64 {
	if i%2 == 0 {
		return 1
	}
	return 0
}

// verifyServices are the deploys, by service:
//   - regress: 1,000 requests a minute at 0.05% errors, 2% (burn 20x) from
//     the deploy on: the 1h/5m page alert (14.4x) fires after 43 minutes;
//   - creep: the same, at 0.4% (burn 4x) after the deploy: below every
//     page alert, above the objective;
//   - healthy: 0.05% before and after;
//   - regress-low: regress at 100 requests a minute;
//   - quiet: 5 requests a minute, never an error.
var verifyServices = map[string]verifyTraffic{
	"regress": {
		good: func(i int) float64 { return 1000 - verifyServicesBad("regress", i) },
		bad:  func(i int) float64 { return verifyServicesBad("regress", i) },
	},
	"creep": {
		good: func(i int) float64 { return 1000 - verifyServicesBad("creep", i) },
		bad:  func(i int) float64 { return verifyServicesBad("creep", i) },
	},
	"healthy": {
		good: func(i int) float64 { return 1000 - baselineBad(i) },
		bad:  baselineBad,
	},
	"regress-low": {
		good: func(i int) float64 { return 100 - verifyLowBad(i) },
		bad:  verifyLowBad,
	},
	"quiet": {
		good: func(int) float64 { return 5 },
		bad:  func(int) float64 { return 0 },
	},
}

// verifyLowBad is regress at a tenth of the traffic: 100 requests a
// minute, one error every 20 minutes (0.05%) before the deploy, 2 a minute
// (2%) after.
func verifyLowBad(i int) float64 {
	switch {
	case i > 0:
		return 2
	case i%20 == 0:
		return 1
	}
	return 0
}

func verifyServicesBad(svc string, i int) float64 {
	if i <= 0 {
		return baselineBad(i)
	}
	if svc == "regress" {
		return 20
	}
	return 4
}

// verifyTruth is the exact bad and total events of a service over the
// minutes (from, to] relative to the deploy.
func verifyTruth(svc string, from, to int) (bad, total float64) {
	tr := verifyServices[svc]
	for i := from + 1; i <= to; i++ {
		bad += tr.bad(i)
		total += tr.good(i) + tr.bad(i)
	}
	return bad, total
}

func verifyOpenMetrics(t *testing.T) []byte {
	t.Helper()
	fam := omtext.Family{Name: "http_requests", Type: omtext.Counter}
	for _, svc := range []string{"creep", "healthy", "quiet", "regress", "regress-low"} {
		tr := verifyServices[svc]
		ok := omtext.Series{Labels: map[string]string{"service": svc, "code": "200"}}
		bad := omtext.Series{Labels: map[string]string{"service": svc, "code": "500"}}
		var g, b float64
		for i := verifyFrom; i <= verifyTo; i++ {
			g += tr.good(i)
			b += tr.bad(i)
			ts := verifyDeploy.Add(time.Duration(i) * time.Minute)
			ok.Samples = append(ok.Samples, omtext.Sample{T: ts, V: g})
			bad.Samples = append(bad.Samples, omtext.Sample{T: ts, V: b})
		}
		fam.Series = append(fam.Series, ok, bad)
	}
	var buf bytes.Buffer
	if err := omtext.Write(&buf, []omtext.Family{fam}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const verifyTiers = `version: nines/v1
tiers:
  standard:
    objective: 99.9
    window: 7d
    no_data: warn
    min_events: 100
`

func verifySpecs(t *testing.T) string {
	t.Helper()
	files := map[string]string{"tiers.yaml": verifyTiers}
	for svc := range verifyServices {
		files[svc+".yaml"] = fmt.Sprintf(`version: nines/v1
service: %[1]s
tier: standard
owner: {team: web, contact: "#web"}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(http_requests_total{service="%[1]s",code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="%[1]s"}[{{.window}}]))
`, svc)
	}
	return gateWriteSpecs(t, files)
}

// runVerifyJSON runs `nines verify -o json args...` in process and decodes
// the verification.
func runVerifyJSON(t *testing.T, env map[string]string, args ...string) (int, report.Verification, string) {
	t.Helper()
	s, out, errOut := testStreams(env)
	code := run(context.Background(), append([]string{"verify", "-o", "json"}, args...), s)
	var v report.Verification
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("exit %d, output is not a verification: %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
	}
	if v.ExitCode != code {
		t.Errorf("the verification says exit code %d, the command returned %d", v.ExitCode, code)
	}
	return code, v, errOut.String()
}

// runVerifyWatch runs `nines verify args...` with the clock starting at
// start and every wait between rounds advancing it instead of sleeping.
func runVerifyWatch(t *testing.T, start time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	s, out, errOut := testStreams(nil)
	g := &globalOptions{}
	root := &cobra.Command{Use: "nines", SilenceErrors: true, SilenceUsage: true}
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	g.addFlags(root)
	ctx := context.Background()
	clock := start
	root.AddCommand(newVerifyCmd(g, s, func(o *verifyOptions) error {
		o.now = func() time.Time { return clock }
		o.sleep = func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil }
		return runVerify(ctx, o)
	}))
	root.SetArgs(append([]string{"verify"}, args...))
	err := root.ExecuteContext(ctx)
	var ee *exitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(s.ErrOut, "nines: %s\n", err)
	}
	return exitCode(err), out.String(), errOut.String()
}

func TestVerifyAgainstRealPrometheus(t *testing.T) {
	srv := promtest.Start(t, verifyOpenMetrics(t))
	specs := verifySpecs(t)
	common := []string{"--specs", specs, "--prometheus.url", srv.URL}
	since := verifyDeploy.Format(time.RFC3339)
	after := func(m int) string { return verifyDeploy.Add(time.Duration(m) * time.Minute).Format(time.RFC3339) }
	verify := func(t *testing.T, svc string, m int, extra ...string) (int, report.Verification, string) {
		t.Helper()
		args := append(append([]string{}, common...), "--service", svc, "--since", since, "--at", after(m))
		return runVerifyJSON(t, nil, append(args, extra...)...)
	}

	// detect returns the first minutes after the deploy at which verify
	// fails and the gate sees the page alert fire, evaluating every minute.
	detect := func(t *testing.T, svc string) (verifyAt, pageAt int) {
		t.Helper()
		verifyAt, pageAt = -1, -1
		for m := 1; m <= 60 && verifyAt < 0; m++ {
			code, v, errOut := verify(t, svc, m)
			if code == exitBlocked {
				verifyAt = m
				s := v.SLOs[0]
				bad, total := verifyTruth(svc, 0, m)
				// The counts are exact (aligned samples, Prometheus 2's
				// closed ranges): within the relative 1e-9 of float sums.
				if v.Verdict != "fail" || s.Rule != "page_burn" || !within(s.After.Bad, bad) || !within(s.After.Total, total) ||
					!within(s.BurnRate, bad/total/0.001) {
					t.Errorf("+%dm: %+v, want fail page_burn on %v of %v events (burn %v)\n%s", m, s, bad, total, bad/total/0.001, errOut)
				}
			} else if code != exitInconclusive && code != exitOK {
				t.Fatalf("+%dm: exit %d\n%s", m, code, errOut)
			}
		}
		// The page alert's detection, by the gate on the same data.
		for m := 1; m <= 60 && pageAt < 0; m++ {
			_, d, _ := runGateJSON(t, nil, append(append([]string{}, common...), "--service", svc, "--at", after(m), "--cache-dir", t.TempDir())...)
			for _, r := range d.Reasons {
				if r.Rule == "page_alert" {
					pageAt = m
				}
			}
		}
		t.Logf("%s: detection of a 2%% regression (burn 20x) at the deploy: verify fails at +%dm, the page alert 1h/5m 14.4x fires at +%dm", svc, verifyAt, pageAt)
		return verifyAt, pageAt
	}

	t.Run("a regression at the deploy fails before the fastest page alert fires", func(t *testing.T) {
		// 1,000 events a minute meet the minimum of 1/(1-0.999) = 1,000 in
		// the first minute; the 1h burn reaches 14.4x when
		// 30 + 19.5m ≥ 864, at m = 43.
		if verifyAt, pageAt := detect(t, "regress"); verifyAt != 1 || pageAt != 43 {
			t.Errorf("verify at +%dm, page at +%dm; want +1m and +43m", verifyAt, pageAt)
		}
		// At 100 events a minute the minimum takes 10 minutes; the page
		// alert, on ratios, still needs 3 + 1.95m ≥ 86.4 (m = 43).
		if verifyAt, pageAt := detect(t, "regress-low"); verifyAt != 10 || pageAt != 43 {
			t.Errorf("low traffic: verify at +%dm, page at +%dm; want +10m and +43m", verifyAt, pageAt)
		}
	})

	t.Run("a slow regression above the objective fails on the test", func(t *testing.T) {
		code, v, errOut := verify(t, "creep", 10)
		s := v.SLOs[0]
		if code != exitBlocked || s.Rule != "regression" || s.PValue == nil || *s.PValue > 0.05 || *s.ObjectivePValue > 0.05 {
			t.Errorf("exit %d %+v, want 3 fail regression with both p-values below 0.05\n%s", code, s, errOut)
		}
		// Burn 4x: above the objective, below the page factor.
		if bad, total := verifyTruth("creep", 0, 10); !within(s.BurnRate, bad/total/0.001) || *s.BurnRate > 14.4 {
			t.Errorf("burn %v, want %v", *s.BurnRate, bad/total/0.001)
		}
		// The baseline is the hour before the deploy: 30 errors in 60,000.
		if bad, total := verifyTruth("creep", -60, 0); !within(s.Baseline.Bad, bad) || !within(s.Baseline.Total, total) || !s.BaselineUsed ||
			!s.Baseline.Start.Equal(verifyDeploy.Add(-time.Hour)) {
			t.Errorf("baseline %+v, want %v of %v from an hour before", s.Baseline, bad, total)
		}
	})

	t.Run("a healthy deploy passes", func(t *testing.T) {
		code, v, errOut := verify(t, "healthy", 15)
		s := v.SLOs[0]
		if code != exitOK || v.Verdict != "pass" || s.Rule != "held" || s.PValue == nil || *s.PValue < 0.05 {
			t.Errorf("exit %d %+v, want 0 pass held\n%s", code, s, errOut)
		}
		if bad, total := verifyTruth("healthy", 0, 15); !within(s.After.Bad, bad) || !within(s.After.Total, total) {
			t.Errorf("after %+v, want %v of %v", s.After, bad, total)
		}
	})

	t.Run("a week's baseline is the same hours a week earlier", func(t *testing.T) {
		code, v, errOut := verify(t, "healthy", 15, "--baseline", "week")
		s := v.SLOs[0]
		week := 7 * 24 * 60
		bad, total := verifyTruth("healthy", -week, -week+15)
		if code != exitOK || !s.Baseline.Start.Equal(verifyDeploy.Add(-7*24*time.Hour)) || !within(s.Baseline.Bad, bad) || !within(s.Baseline.Total, total) {
			t.Errorf("exit %d baseline %+v, want 0 and %v of %v from a week before\n%s", code, s.Baseline, bad, total, errOut)
		}
	})

	t.Run("a low-traffic service is inconclusive, not pass", func(t *testing.T) {
		code, v, errOut := verify(t, "quiet", 15)
		s := v.SLOs[0]
		if code != exitInconclusive || v.Verdict != "inconclusive" || s.Rule != "too_few_events" || s.MinEvents != 1000 || !within(s.After.Total, 75) {
			t.Errorf("exit %d %+v, want 4 inconclusive too_few_events, 75 of 1,000 events\n%s", code, s, errOut)
		}
		for _, tt := range []struct {
			mode string
			code int
		}{{"pass", exitOK}, {"fail", exitBlocked}} {
			code, v, errOut := verify(t, "quiet", 15, "--inconclusive", tt.mode)
			if code != tt.code || v.Verdict != "inconclusive" {
				t.Errorf("--inconclusive %s: exit %d verdict %s, want %d inconclusive", tt.mode, code, v.Verdict, tt.code)
			}
			if tt.mode == "pass" && !strings.Contains(errOut, "warning: the verdict is inconclusive") {
				t.Errorf("--inconclusive pass says nothing on stderr: %q", errOut)
			}
		}
		// With a lower minimum the same deploy is judged: 75 clean events.
		if code, v, _ := verify(t, "quiet", 15, "--min-events", "50"); code != exitOK || v.SLOs[0].Rule != "held" {
			t.Errorf("--min-events 50: exit %d %+v, want 0 held", code, v.SLOs[0])
		}
	})

	t.Run("--decision verifies the deploy a gate decision let through", func(t *testing.T) {
		audit := filepath.Join(t.TempDir(), "audit.jsonl")
		env := map[string]string{"NINES_AUDIT_LOG": audit, "GITHUB_SHA": "cafe"}
		gcode, d, gerr := runGateJSON(t, env, append(append([]string{}, common...), "--service", "healthy", "--at", since, "--cache-dir", t.TempDir())...)
		if gcode != exitOK {
			t.Fatalf("gate exit %d\n%s", gcode, gerr)
		}
		code, v, errOut := runVerifyJSON(t, env, append(append([]string{}, common...), "--decision", d.ID, "--at", after(15))...)
		if code != exitOK || v.Service != "healthy" || !v.Since.Equal(verifyDeploy) || v.DecisionID == nil || *v.DecisionID != d.ID ||
			v.Decision == nil || v.Decision.Verdict != "allow" || v.Decision.AuditLog != audit {
			t.Fatalf("exit %d %+v, want 0 for healthy since the decision's time, linked to %s\n%s", code, v, d.ID, errOut)
		}
		lines := verifyAuditLines(t, audit)
		if len(lines) != 2 || lines[0]["kind"] != nil || lines[1]["kind"] != "verify" || lines[1]["decision_id"] != d.ID ||
			lines[1]["id"] != v.ID || lines[1]["verdict"] != "pass" || lines[1]["ci"].(map[string]any)["env"].(map[string]any)["GITHUB_SHA"] != "cafe" {
			t.Errorf("audit log %v, want the gate's line then verify's naming it", lines)
		}
		// Another service than the decision's is a mistake, and so is an
		// unknown decision: exit 1, nothing recorded.
		s, _, errBuf := testStreams(env)
		if code := run(context.Background(), append(append([]string{"verify"}, common...), "--decision", d.ID, "--service", "quiet", "--at", after(15)), s); code != exitFailure ||
			!strings.Contains(errBuf.String(), "was for healthy") {
			t.Errorf("another service: exit %d, stderr %q", code, errBuf)
		}
		s, _, errBuf = testStreams(env)
		if code := run(context.Background(), append(append([]string{"verify"}, common...), "--decision", "no-such-id", "--at", after(15)), s); code != exitFailure ||
			!strings.Contains(errBuf.String(), "no gate decision no-such-id in the audit log") {
			t.Errorf("unknown decision: exit %d, stderr %q", code, errBuf)
		}
		if n := len(verifyAuditLines(t, audit)); n != 2 {
			t.Errorf("%d audit lines after two failed runs, want 2", n)
		}
	})

	t.Run("--watch re-checks until the deploy has enough events", func(t *testing.T) {
		// 5 events a minute against a minimum of 50: conclusive at +10m,
		// the tenth round from +1m.
		code, out, errOut := runVerifyWatch(t, verifyDeploy.Add(time.Minute), append(append([]string{}, common...),
			"--service", "quiet", "--since", since, "--watch", "15m", "--min-events", "50", "-o", "json")...)
		var v report.Verification
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("exit %d: %v\n%s", code, err, errOut)
		}
		progress := strings.Count(errOut, "verify quiet +")
		if code != exitOK || v.Watch == nil || v.Watch.Rounds != 10 || v.Watch.Ended != "conclusive" || !v.At.Equal(verifyDeploy.Add(10*time.Minute)) || progress != 10 {
			t.Errorf("exit %d watch %+v at %s, %d progress lines; want 0 after 10 rounds at +10m\n%s", code, v.Watch, v.At, progress, errOut)
		}
		if !strings.Contains(errOut, "verify quiet +1m: inconclusive; availability inconclusive (5 events, too_few_events)") {
			t.Errorf("progress lines:\n%s", errOut)
		}
	})

	t.Run("--watch ends early on a fail and at its end when inconclusive", func(t *testing.T) {
		code, _, errOut := runVerifyWatch(t, verifyDeploy.Add(time.Minute), append(append([]string{}, common...),
			"--service", "regress", "--since", since, "--watch", "15m")...)
		if code != exitBlocked || strings.Count(errOut, "verify regress +") != 1 {
			t.Errorf("regress: exit %d, want 3 after one round\n%s", code, errOut)
		}
		code, out, errOut := runVerifyWatch(t, verifyDeploy.Add(time.Minute), append(append([]string{}, common...),
			"--service", "quiet", "--since", since, "--watch", "5m", "-o", "json")...)
		var v report.Verification
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("exit %d: %v\n%s", code, err, errOut)
		}
		// Rounds at +1m ... +6m: the next would start 6m after the first.
		if code != exitInconclusive || v.Watch == nil || v.Watch.Rounds != 6 || v.Watch.Ended != "duration" {
			t.Errorf("quiet: exit %d watch %+v, want 4 after 6 rounds\n%s", code, v.Watch, errOut)
		}
	})

	t.Run("CI outputs: annotations, step summary and JUnit", func(t *testing.T) {
		dir := t.TempDir()
		summary, junit := filepath.Join(dir, "summary.md"), filepath.Join(dir, "verify.xml")
		env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
		code, _, errOut := runVerifyJSON(t, env, append(append([]string{}, common...), "--service", "regress", "--since", since,
			"--at", after(5), "--junit", junit)...)
		if code != exitBlocked || !strings.Contains(errOut, "::error title=nines verify regress%3A deploy failed its SLOs::") ||
			!strings.Contains(errOut, "::error title=nines verify regress/availability%3A page_burn::burn rate 20x") {
			t.Errorf("exit %d, annotations:\n%s", code, errOut)
		}
		md, err := os.ReadFile(summary)
		if err != nil || !strings.Contains(string(md), "### nines verify: FAIL regress") || !strings.Contains(string(md), "| fail | availability | 99.9% |") {
			t.Errorf("step summary %v:\n%s", err, md)
		}
		x, err := os.ReadFile(junit)
		if err != nil || !strings.Contains(string(x), `<testsuite name="nines verify regress" tests="1" failures="1"`) ||
			!strings.Contains(string(x), `<failure message="burn rate 20x`) {
			t.Errorf("JUnit %v:\n%s", err, x)
		}
	})
}

// verifyAuditLines decodes every line of the audit log.
func verifyAuditLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
