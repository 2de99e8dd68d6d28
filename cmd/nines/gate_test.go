package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"github.com/spf13/cobra"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

func TestGateFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		err  string
		want func(t *testing.T, o *gateOptions)
	}{
		{
			name: "the service is required",
			args: []string{},
			err:  "missing --service: name the service to deploy, such as --service checkout",
		},
		{
			name: "defaults are a normal change with text output and the XDG cache",
			args: []string{"--service", "checkout"},
			env:  map[string]string{"XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"},
			want: func(t *testing.T, o *gateOptions) {
				if o.service != "checkout" || o.changeType != slo.ChangeNormal || o.format != gateText ||
					o.cacheDir != "/xdg/nines" || o.override != nil || o.dryRun || o.failOnWarn || o.auditLog != "" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "the cache falls back to ~/.cache/nines and a relative XDG_CACHE_HOME is ignored",
			args: []string{"--service", "checkout"},
			env:  map[string]string{"XDG_CACHE_HOME": "rel", "HOME": "/home/u"},
			want: func(t *testing.T, o *gateOptions) {
				if o.cacheDir != "/home/u/.cache/nines" {
					t.Errorf("cache dir %q", o.cacheDir)
				}
			},
		},
		{
			name: "every flag",
			args: []string{"--service", "checkout", "--slo", "availability,latency", "--change-type", "rollback", "-o", "json",
				"--fail-on-warn", "--dry-run", "--audit-log", "a.jsonl", "--junit", "j.xml", "--pushgateway", "http://pgw:9091",
				"--cache-dir", "/c"},
			want: func(t *testing.T, o *gateOptions) {
				if !reflect.DeepEqual(o.slos, []string{"availability", "latency"}) || o.changeType != slo.ChangeRollback ||
					o.format != report.JSON || !o.failOnWarn || !o.dryRun || o.auditLog != "a.jsonl" || o.junit != "j.xml" ||
					o.pushgateway != "http://pgw:9091" || o.cacheDir != "/c" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "the audit log comes from NINES_AUDIT_LOG",
			args: []string{"--service", "checkout"},
			env:  map[string]string{"NINES_AUDIT_LOG": "/var/log/gate.jsonl"},
			want: func(t *testing.T, o *gateOptions) {
				if o.auditLog != "/var/log/gate.jsonl" {
					t.Errorf("audit log %q", o.auditLog)
				}
			},
		},
		{
			name: "an unknown change type",
			args: []string{"--service", "checkout", "--change-type", "yolo"},
			err:  `invalid --change-type "yolo": use normal, hotfix, rollback or security`,
		},
		{
			name: "an unknown output format",
			args: []string{"--service", "checkout", "-o", "csv"},
			err:  `unknown output format "csv": use text, wide, json, markdown`,
		},
		{
			name: "an override needs a reason",
			args: []string{"--service", "checkout", "--override"},
			err:  "--override needs --reason TEXT: say why the policy is overridden (it is recorded)",
		},
		{
			name: "a blank reason is no reason",
			args: []string{"--service", "checkout", "--override", "--reason", "  "},
			err:  "--override needs --reason TEXT: say why the policy is overridden (it is recorded)",
		},
		{
			name: "a reason without an override",
			args: []string{"--service", "checkout", "--reason", "because"},
			err:  "--reason goes with --override",
		},
		{
			name: "an actor without an override",
			args: []string{"--service", "checkout", "--actor", "alice"},
			err:  "--actor goes with --override",
		},
		{
			name: "the override's actor comes from the CI environment",
			args: []string{"--service", "checkout", "--override", "--reason", "INC-42"},
			env:  map[string]string{"GITLAB_USER_LOGIN": "alice", "USER": "runner"},
			want: func(t *testing.T, o *gateOptions) {
				if *o.override != (gate.Override{Actor: "alice", ActorFrom: "GITLAB_USER_LOGIN", Reason: "INC-42"}) {
					t.Errorf("override %+v", o.override)
				}
			},
		},
		{
			name: "--actor wins over the environment",
			args: []string{"--service", "checkout", "--override", "--reason", "INC-42", "--actor", "bob"},
			env:  map[string]string{"GITHUB_ACTOR": "octocat"},
			want: func(t *testing.T, o *gateOptions) {
				if *o.override != (gate.Override{Actor: "bob", ActorFrom: "--actor", Reason: "INC-42"}) {
					t.Errorf("override %+v", o.override)
				}
			},
		},
		{
			name: "an override without any actor",
			args: []string{"--service", "checkout", "--override", "--reason", "INC-42"},
			err:  "--override needs an actor: give --actor NAME (none of GITHUB_ACTOR, GITLAB_USER_LOGIN, BUILD_USER_ID, BUILD_USER, BUILDKITE_BUILD_CREATOR, CIRCLE_USERNAME, USER, LOGNAME is set)",
		},
		{
			name: "a Pushgateway URL that is not one is shown without its password",
			args: []string{"--service", "checkout", "--pushgateway", "ftp://u:hunter2@pgw"},
			err:  `invalid --pushgateway "ftp://pgw": give its base URL, such as http://pushgateway:9091`,
		},
		{
			name: "no arguments",
			args: []string{"--service", "checkout", "extra"},
			err:  `unknown command "extra" for "gate"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := testStreams(tt.env)
			var got *gateOptions
			cmd := newGateCmd(&globalOptions{}, s, func(o *gateOptions) error { got = o; return nil })
			err := executeQuietly(cmd, s, tt.args)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, got)
		})
	}
}

// executeQuietly runs cmd with args on s, its errors returned, not printed.
func executeQuietly(cmd *cobra.Command, s *streams, args []string) error {
	cmd.SetArgs(args)
	cmd.SetOut(s.Out)
	cmd.SetErr(s.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(context.Background())
}

func TestGateHelp(t *testing.T) {
	s, out, _ := testStreams(nil)
	code := run(context.Background(), []string{"gate", "--help"}, s)
	if code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	golden(t, "gate/help.txt", out.Bytes())
}

// gateGolden runs the gate against the fake Prometheus with gateTestSpecs and
// compares its output with a golden file; the server's URL reads
// http://prometheus.test.
func gateGolden(t *testing.T, name string, wantCode int, env map[string]string, args ...string) (stdout, stderr string) {
	t.Helper()
	srv := gateFakeProm(t, gateTestData())
	specs := gateTestSpecs(t)
	args = append([]string{"--specs", specs, "--prometheus.url", srv.URL, "--at", gateAt.Format(time.RFC3339),
		"--cache-dir", t.TempDir()}, args...)
	code, out, errOut := gateRun(t, env, args...)
	if code != wantCode {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, wantCode, errOut)
	}
	out = strings.ReplaceAll(out, srv.URL, "http://prometheus.test")
	golden(t, name, []byte(out))
	return out, errOut
}

func TestGateOutput(t *testing.T) {
	t.Run("a fast burn blocks as text", func(t *testing.T) {
		gateGolden(t, "gate/block.txt", exitBlocked, nil, "--service", "checkout")
	})
	t.Run("a fast burn blocks as wide text", func(t *testing.T) {
		gateGolden(t, "gate/block_wide.txt", exitBlocked, nil, "--service", "checkout", "-o", "wide")
	})
	t.Run("a fast burn blocks as JSON", func(t *testing.T) {
		out, _ := gateGolden(t, "gate/block.json", exitBlocked, map[string]string{"GITHUB_SHA": "abc123", "GITHUB_TOKEN": "ghs_secret"},
			"--service", "checkout", "-o", "json")
		var d report.GateDecision
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		if d.SchemaVersion != 1 || d.Verdict != "block" || d.ExitCode != 3 || d.ID != gateID || d.CI.Env["GITHUB_SHA"] != "abc123" {
			t.Errorf("decision %+v", d)
		}
		if strings.Contains(out, "ghs_secret") {
			t.Error("a token from the environment reached the output")
		}
	})
	t.Run("a fast burn blocks as Markdown", func(t *testing.T) {
		gateGolden(t, "gate/block.md", exitBlocked, nil, "--service", "checkout", "-o", "markdown")
	})
	t.Run("a healthy service is allowed", func(t *testing.T) {
		gateGolden(t, "gate/allow.txt", exitOK, nil, "--service", "search")
	})
	t.Run("a warning is allowed", func(t *testing.T) {
		gateGolden(t, "gate/warn.txt", exitOK, nil, "--service", "checkout", "--slo", "latency")
	})
	t.Run("a warning blocks with --fail-on-warn", func(t *testing.T) {
		gateGolden(t, "gate/fail-on-warn.txt", exitBlocked, nil, "--service", "checkout", "--slo", "latency", "--fail-on-warn")
	})
	t.Run("a rollback during a freeze is allowed", func(t *testing.T) {
		gateGolden(t, "gate/rollback.txt", exitOK, nil, "--service", "checkout", "--change-type", "rollback")
	})
	t.Run("a rollback during a freeze is allowed, as wide text", func(t *testing.T) {
		gateGolden(t, "gate/rollback_wide.txt", exitOK, nil, "--service", "checkout", "--change-type", "rollback", "-o", "wide")
	})
	t.Run("an exhausted budget blocks", func(t *testing.T) {
		gateGolden(t, "gate/exhausted.txt", exitBlocked, nil, "--service", "payments")
	})
	t.Run("an override allows as text", func(t *testing.T) {
		gateGolden(t, "gate/override.txt", exitOK, map[string]string{"GITHUB_ACTOR": "octocat"},
			"--service", "payments", "--override", "--reason", "INC-4711 fix, agreed with #payments-oncall")
	})
	t.Run("an override allows as JSON", func(t *testing.T) {
		gateGolden(t, "gate/override.json", exitOK, map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octocat", "GITHUB_RUN_ID": "42"},
			"--service", "payments", "--override", "--reason", "INC-4711 fix", "-o", "json")
	})
	t.Run("a dry run reports a block and exits 0", func(t *testing.T) {
		gateGolden(t, "gate/dry-run.txt", exitOK, nil, "--service", "payments", "--dry-run")
	})
}

// The standard tier decides on the last known good evaluation when the source
// fails: the cache is written by a run ten minutes earlier.
func TestGateOutputOnTheLastKnownGoodEvaluation(t *testing.T) {
	specs := gateTestSpecs(t)
	cache := t.TempDir()
	healthy := gateFakeProm(t, gateTestData())
	code, _, errOut := gateRun(t, nil, "--specs", specs, "--prometheus.url", healthy.URL, "--cache-dir", cache,
		"--at", gateAt.Add(-10*time.Minute).Format(time.RFC3339), "--service", "search")
	if code != exitOK {
		t.Fatalf("priming run: exit %d\n%s", code, errOut)
	}
	broken := gateFaultURL(t, "500")
	for _, f := range []struct{ output, name string }{{"text", "gate/last-known-good.txt"}, {"wide", "gate/last-known-good_wide.txt"}} {
		code, out, errOut := gateRun(t, nil, "--specs", specs, "--prometheus.url", broken, "--cache-dir", cache,
			"--at", gateAt.Format(time.RFC3339), "--service", "search", "--query.retries", "0", "-o", f.output)
		if code != exitOK {
			t.Fatalf("-o %s: exit %d, want 0 (warn on the cache)\n%s", f.output, code, errOut)
		}
		golden(t, f.name, []byte(strings.ReplaceAll(out, broken, "http://prometheus.test")))
	}
}

func TestGateOnGitHubActions(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("# Deploy\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	_, stderr := gateGolden(t, "gate/block.txt", exitBlocked, env, "--service", "checkout")
	var annotations []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "::") {
			annotations = append(annotations, l)
		}
	}
	want := []string{
		"::error title=nines gate checkout%3A deploy blocked::Deploy of checkout (normal change) is blocked by the error budget policy. Owner: payments (#payments-oncall)",
		"::error title=nines gate checkout/availability%3A page_alert::burning fast: page alert 1h/5m firing (burn 20x over 1h, 25x over 5m; threshold 14.4x); a page alert blocks deploys",
		"::warning title=nines gate checkout/latency%3A budget_low::error budget low: 20.0%25 left, below the warn threshold of 25.0%25",
		"::warning title=nines gate checkout/availability%3A ticket_alert::burning slowly: ticket alert 3d/6h firing (burn 1.1x over 3d, 3x over 6h; threshold 1x)",
	}
	if !reflect.DeepEqual(annotations, want) {
		t.Errorf("annotations\n got %q\nwant %q", annotations, want)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# Deploy\n### nines gate: BLOCK checkout\n") || !strings.Contains(string(data), "| block | availability | 99.9% | 95.00% | page 1h/5m 14.4x, ticket 3d/6h 1x | live | burning fast: page alert 1h/5m firing") {
		t.Errorf("step summary was not appended as Markdown:\n%s", data)
	}

	// Without GITHUB_ACTIONS, neither.
	_, stderr = gateGolden(t, "gate/block.txt", exitBlocked, map[string]string{"GITHUB_STEP_SUMMARY": summary}, "--service", "checkout")
	if strings.Contains(stderr, "::") {
		t.Errorf("annotations outside GitHub Actions:\n%s", stderr)
	}
	if again, _ := os.ReadFile(summary); len(again) != len(data) {
		t.Error("the step summary was written outside GitHub Actions")
	}
}

func TestGateAnnotationsAreAtMostTenMostImportantFirst(t *testing.T) {
	g := report.GateDecision{Service: "s", Verdict: "block", PolicyVerdict: "block", ChangeType: "normal"}
	for i := range 12 {
		g.Reasons = append(g.Reasons, report.GateReason{SLO: "w" + string(rune('a'+i)), Rule: "budget_low", Effect: "warn", Message: "low"})
	}
	g.Reasons = append([]report.GateReason{{SLO: "x", Rule: "budget_exhausted", Effect: "block", Message: "100%\ngone"}}, g.Reasons...)
	got := report.GateAnnotations(g, report.GitHubAnnotationLimit)
	if len(got) != 10 {
		t.Fatalf("%d annotations, want 10", len(got))
	}
	if !strings.HasPrefix(got[0], "::error title=nines gate s%3A deploy blocked::") ||
		got[1] != "::error title=nines gate s/x%3A budget_exhausted::100%25%0Agone" {
		t.Errorf("first annotations %q", got[:2])
	}
}

func TestGateJUnit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "reports", "gate.xml")
	gateGolden(t, "gate/block.txt", exitBlocked, nil, "--service", "checkout", "--junit", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not JUnit XML: %v\n%s", err, data)
	}
	if doc.Tests != 2 || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("tests %d failures %d:\n%s", doc.Tests, doc.Failures, data)
	}
	avail, lat := doc.Suites[0].Cases[0], doc.Suites[0].Cases[1]
	if avail.Name != "availability" || avail.Failure == nil || avail.Failure.Type != "page_alert" ||
		!strings.Contains(avail.SystemOut, "warn ticket_alert") {
		t.Errorf("availability case %+v", avail)
	}
	if lat.Name != "latency" || lat.Failure != nil || !strings.Contains(lat.SystemOut, "warn budget_low") {
		t.Errorf("latency case %+v: a warning must not fail", lat)
	}
	props := map[string]string{}
	for _, p := range doc.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	if props["decision_id"] != gateID || props["verdict"] != "block" || props["exit_code"] != "3" {
		t.Errorf("properties %v", props)
	}
	golden(t, "gate/junit.xml", []byte(strings.ReplaceAll(string(data), props["source"], "prometheus http://prometheus.test")))
}

func TestGateAuditRecordsTheDecisionWithoutSecrets(t *testing.T) {
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	srv := gateFakeProm(t, gateTestData())
	specs := gateTestSpecs(t)
	withCreds := strings.Replace(srv.URL, "http://", "http://deployer:hunter2@", 1)
	env := map[string]string{"GITHUB_ACTOR": "octocat", "GITHUB_SHA": "abc123", "GITHUB_RUN_ID": "42",
		"GITHUB_REPOSITORY": "acme/shop", "GITHUB_TOKEN": "ghs_secret", "NINES_AUDIT_LOG": audit}
	for _, args := range [][]string{
		{"--service", "payments"},
		{"--service", "payments", "--override", "--reason", "INC-4711 fix"},
		{"--service", "payments", "--dry-run"},
	} {
		args = append(args, "--specs", specs, "--prometheus.url", withCreds, "--at", gateAt.Format(time.RFC3339),
			"--cache-dir", t.TempDir(), "--log.level", "debug", "--log.format", "json")
		_, out, errOut := gateRun(t, env, args...)
		for _, secret := range []string{"hunter2", "ghs_secret"} {
			if strings.Contains(out+errOut, secret) {
				t.Errorf("%q reached the output of %v", secret, args)
			}
		}
		for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
			if strings.HasPrefix(l, "{") && !strings.Contains(l, `"decision_id":"`+gateID+`"`) {
				t.Errorf("log line without the decision ID: %s", l)
			}
		}
	}
	data, err := os.ReadFile(audit)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "hunter2") || strings.Contains(string(data), "ghs_secret") {
		t.Error("a secret reached the audit log")
	}
	var recs []report.GateDecision
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d report.GateDecision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("audit line is not a decision: %v", err)
		}
		recs = append(recs, d)
	}
	if len(recs) != 3 {
		t.Fatalf("%d audit lines, want 3", len(recs))
	}
	blocked, overridden, dry := recs[0], recs[1], recs[2]
	if blocked.Verdict != "block" || blocked.ExitCode != 3 || blocked.Override != nil {
		t.Errorf("first record %+v", blocked)
	}
	if overridden.Verdict != "allow" || overridden.PolicyVerdict != "block" || overridden.ExitCode != 0 ||
		overridden.Override == nil || *overridden.Override != (report.GateOverride{Actor: "octocat", ActorFrom: "GITHUB_ACTOR", Reason: "INC-4711 fix"}) {
		t.Errorf("override record %+v", overridden)
	}
	if !dry.DryRun || dry.Verdict != "block" || dry.ExitCode != 0 {
		t.Errorf("dry-run record %+v", dry)
	}
	for _, r := range recs {
		if r.Service != "payments" || r.ChangeType != "normal" || r.ID != gateID || !strings.HasPrefix(r.Source, "prometheus http://127.0.0.1:") ||
			r.CI.Env["GITHUB_SHA"] != "abc123" || r.CI.Env["GITHUB_REPOSITORY"] != "acme/shop" || len(r.SLOs) != 1 ||
			r.SLOs[0].BudgetLeft == nil || len(r.SLOs[0].BurnRates) != 7 || r.Reasons[0].Rule != "budget_exhausted" {
			t.Errorf("record lacks its inputs: %+v", r)
		}
	}
}

func TestGateFailsWhenTheAuditLogCannotBeWritten(t *testing.T) {
	srv := gateFakeProm(t, gateTestData())
	dir := t.TempDir() // a directory is not an appendable file
	code, out, errOut := gateRun(t, nil, "--specs", gateTestSpecs(t), "--prometheus.url", srv.URL, "--at", gateAt.Format(time.RFC3339),
		"--cache-dir", t.TempDir(), "--service", "search", "--audit-log", dir)
	if code != exitFailure {
		t.Errorf("exit code %d, want 1: an unrecorded decision must not pass", code)
	}
	if !strings.HasPrefix(out, "ALLOW: ") {
		t.Errorf("the decision was not printed first:\n%s", out)
	}
	if want := "nines: decision " + gateID + " was not recorded: could not open the audit log: "; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
}

func TestGateToolFailures(t *testing.T) {
	srv := gateFakeProm(t, gateTestData())
	specs := gateTestSpecs(t)
	bad := gateWriteSpecs(t, map[string]string{"tiers.yaml": gateTestTiers + "  odd:\n    objective: 99\n    gate: {warn_below: 200}\n",
		"checkout.yaml": gateServiceSpec("checkout", "critical", "", "availability")})
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"an unknown service", []string{"--specs", specs, "--service", "nope"},
			`nines: unknown service "nope": the specs define checkout, payments, search`},
		{"an unknown SLO", []string{"--specs", specs, "--service", "checkout", "--slo", "errors"},
			`nines: unknown SLO "errors" of service checkout: it has availability, latency`},
		{"an invalid spec", []string{"--specs", bad, "--service", "checkout"},
			"nines: could not load specs: invalid specs (1 problem):\n  " + filepath.Join(bad, "tiers.yaml") +
				":18: tiers.odd.gate.warn_below: must be a percent of error budget left, at most 100 (such as 25), got 200"},
		{"no source", []string{"--specs", specs, "--service", "checkout", "--prometheus.url", ""},
			"nines: no metrics source: give --prometheus.url (or NINES_PROMETHEUS_URL) or --source FILE (for the demo: --source demo)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--prometheus.url", srv.URL, "--cache-dir", t.TempDir()}, tt.args...)
			code, out, errOut := gateRun(t, nil, args...)
			if code != exitFailure {
				t.Errorf("exit code %d, want 1", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if got := strings.TrimSpace(errOut); got != tt.err {
				t.Errorf("stderr\n%s\nwant\n%s", got, tt.err)
			}
		})
	}
}

func TestGateRefreshesTheCacheOnlyWithGoodEvaluations(t *testing.T) {
	cache := t.TempDir()
	specs := gateTestSpecs(t)
	srv := gateFakeProm(t, gateTestData())
	gateRun(t, nil, "--specs", specs, "--prometheus.url", srv.URL, "--cache-dir", cache, "--at", gateAt.Format(time.RFC3339), "--service", "checkout")
	c, err := gate.Cache{Dir: cache}.Load("checkout")
	if err != nil || c == nil || len(c.SLOs) != 2 {
		t.Fatalf("cache after a good run: %+v, %v", c, err)
	}
	if a := c.SLOs["availability"]; !a.At.Equal(gateAt) || a.BudgetLeft < 0.95-1e-9 || a.BudgetLeft > 0.95+1e-9 || len(a.Firing) != 2 {
		t.Errorf("cached availability %+v: want 95%% left and two alerts firing at %s", a, gateAt)
	}
	broken := gateFaultURL(t, "invalid JSON")
	gateRun(t, nil, "--specs", specs, "--prometheus.url", broken, "--cache-dir", cache, "--at", gateAt.Add(time.Minute).Format(time.RFC3339), "--service", "checkout")
	c2, _ := gate.Cache{Dir: cache}.Load("checkout")
	if !reflect.DeepEqual(c, c2) {
		t.Error("a failed evaluation changed the cache")
	}
}

// An allow that rests on an assumption says so in the run, as a notice;
// within_policy and the other allows stay quiet.
func TestGateAnnotationsNoticeAssumptions(t *testing.T) {
	g := report.GateDecision{Service: "s", Verdict: "allow", PolicyVerdict: "allow", ChangeType: "normal", Reasons: []report.GateReason{
		{SLO: "a", Rule: "within_policy", Effect: "allow", Message: "fine"},
		{SLO: "a", Rule: "assumption", Effect: "allow", Message: "assumed: no error series"},
	}}
	got := report.GateAnnotations(g, report.GitHubAnnotationLimit)
	if want := "::notice title=nines gate s/a%3A assumption::assumed: no error series"; len(got) != 1 || got[0] != want {
		t.Errorf("annotations %q, want only %q", got, want)
	}
}
