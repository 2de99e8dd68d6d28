package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// scenarioFiles writes the scenario's data and specs into a temporary
// directory, for the embedded engine: real PromQL, no server.
func scenarioFiles(t *testing.T) (dir, data, specs string) {
	t.Helper()
	dir = t.TempDir()
	om, _ := scenario.Generate()
	data = filepath.Join(dir, "data.om")
	if err := os.WriteFile(data, om, 0o644); err != nil {
		t.Fatal(err)
	}
	specs = filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := scenario.WriteSpecs(specs); err != nil {
		t.Fatal(err)
	}
	return dir, data, specs
}

// runCLI runs nines with args and returns the exit code, stdout and stderr,
// with dir replaced by TMP so that golden files are stable.
func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	s, out, errOut := testStreams(nil)
	code := run(context.Background(), args, s)
	clean := func(x string) string {
		if dir == "" {
			return x
		}
		return strings.ReplaceAll(x, dir, "TMP")
	}
	return code, clean(out.String()), clean(errOut.String())
}

func TestBurnAndStatusGolden(t *testing.T) {
	dir, data, specs := scenarioFiles(t)
	at := scenario.At.Format(time.RFC3339)
	cases := []struct{ name, cmd, format string }{
		{"burn_scenario.txt", "burn", "table"},
		{"burn_scenario_wide.txt", "burn", "wide"},
		{"burn_scenario.json", "burn", "json"},
		{"burn_scenario.csv", "burn", "csv"},
		{"burn_scenario.md", "burn", "markdown"},
		{"status_scenario.txt", "status", "table"},
		{"status_scenario_wide.txt", "status", "wide"},
		{"status_scenario.json", "status", "json"},
		{"status_scenario.md", "status", "markdown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, dir, c.cmd, "--specs", specs, "--source", data, "--at", at, "-o", c.format)
			if code != exitOK {
				t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
			}
			golden(t, c.name, []byte(out))
		})
	}
}

func TestBurnSelectsServicesAndTiers(t *testing.T) {
	dir, data, specs := scenarioFiles(t)
	at := scenario.At.Format(time.RFC3339)
	code, out, errOut := runCLI(t, dir, "burn", "--specs", specs, "--source", data, "--at", at, "--service", "steady,ghost", "-o", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], "ghost,") || !strings.HasPrefix(lines[4], "steady,latency") {
		t.Errorf("--service steady,ghost gave:\n%s", out)
	}
	code, out, _ = runCLI(t, dir, "burn", "--specs", specs, "--source", data, "--at", at, "--tier", "silver", "-o", "csv")
	if code != exitOK || strings.Count(out, "\n") != 2 || !strings.Contains(out, "recs,personalised") {
		t.Errorf("--tier silver gave exit %d:\n%s", code, out)
	}
}

func TestBurnOverAPeriod(t *testing.T) {
	dir, data, specs := scenarioFiles(t)
	code, out, errOut := runCLI(t, dir, "burn", "--specs", specs, "--source", data, "--at", scenario.At.Format(time.RFC3339),
		"--service", "steady", "--period", "month", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, `"period": "2026-09"`) != 3 {
		t.Errorf("every SLO should be measured over 2026-09:\n%s", out)
	}
}

func TestBurnAndStatusErrors(t *testing.T) {
	dir, data, specs := scenarioFiles(t)
	at := scenario.At.Format(time.RFC3339)
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no source names both flags and the demo", []string{"burn", "--specs", specs},
			exitFailure, "nines: no metrics source: give --prometheus.url (or NINES_PROMETHEUS_URL) or --source FILE (for the demo: --source demo)\nRun 'nines burn --help' for usage.\n"},
		{"both sources are exclusive", []string{"status", "--specs", specs, "--source", data, "--prometheus.url", "http://localhost:9090"},
			exitFailure, "nines: --prometheus.url and --source are exclusive: give one (for the demo: --source demo)\nRun 'nines status --help' for usage.\n"},
		{"an unknown output format", []string{"burn", "-o", "xml"},
			exitFailure, "nines: unknown output format \"xml\": use table, wide, json, csv, markdown\nRun 'nines burn --help' for usage.\n"},
		{"a bad --at", []string{"burn", "--specs", specs, "--source", data, "--at", "yesterday"},
			exitFailure, "nines: invalid --at \"yesterday\": use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds\nRun 'nines burn --help' for usage.\n"},
		{"an unknown service lists the known ones", []string{"burn", "--specs", specs, "--source", data, "--at", at, "--service", "nope"},
			exitFailure, "nines: unknown service \"nope\": the specs define burning, exhausted, gateway, ghost, recs, sparse, steady\nRun 'nines burn --help' for usage.\n"},
		{"a bad period", []string{"burn", "--specs", specs, "--source", data, "--at", at, "--period", "Q3"},
			exitFailure, "nines: invalid period \"Q3\": use month, quarter, a quarter such as 2026-Q3 or a month such as 2026-09\nRun 'nines burn --help' for usage.\n"},
		{"positional arguments are refused", []string{"burn", "checkout"},
			exitFailure, "nines: unknown command \"checkout\" for \"nines burn\"\nRun 'nines burn --help' for usage.\n"},
		{"an unreachable server fails with exit 1", []string{"status", "--specs", specs, "--prometheus.url", "http://127.0.0.1:1", "--query.retries", "0"},
			exitFailure, "nines: could not evaluate any of 9 SLOs: could not query Prometheus at http://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused: check --prometheus.url and that the server is up\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, dir, c.args...)
			if code != c.wantCode || errOut != c.wantErr {
				t.Errorf("exit %d, stderr:\n%q\nwant exit %d, stderr:\n%q", code, errOut, c.wantCode, c.wantErr)
			}
			if out != "" {
				t.Errorf("nothing should reach stdout on failure, got %q", out)
			}
		})
	}
}

func TestBurnFlags(t *testing.T) {
	s, _, _ := testStreams(nil)
	var got *burnOptions
	cmd := newBurnCmd(&globalOptions{}, s, func(o *burnOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--service", "a,b", "--service", "c", "--tier", "critical", "-o", "markdown", "--period", "2026-Q3", "--timezone", "Europe/Berlin"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.sel.services, ",") != "a,b,c" || strings.Join(got.sel.tiers, ",") != "critical" ||
		got.format != report.Markdown || got.period != "2026-Q3" || got.tz != "Europe/Berlin" {
		t.Errorf("parsed %+v", got)
	}
}

func TestValidateGolden(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{"validate_examples.txt", []string{"validate", "../../specs"}, exitOK},
		{"validate_bad.txt", []string{"validate", "../../slo/testdata/tiers.good.yaml", "../../slo/testdata/many.bad.yaml", "../../slo/testdata/unknown-field.bad.yaml"}, exitFailure},
		{"validate_bad.json", []string{"validate", "-o", "json", "../../slo/testdata/tiers.good.yaml", "../../slo/testdata/many.bad.yaml"}, exitFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", c.args...)
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.wantCode, errOut)
			}
			golden(t, c.name, []byte(out+errOut))
		})
	}
}

func TestHelpGolden(t *testing.T) {
	for _, cmd := range []string{"burn", "status", "validate"} {
		t.Run(cmd, func(t *testing.T) {
			code, out, _ := runCLI(t, "", cmd, "--help")
			if code != exitOK || !strings.Contains(out, "Examples:") {
				t.Fatalf("%s --help: exit %d, no examples:\n%s", cmd, code, out)
			}
			golden(t, cmd+"_help.txt", []byte(out))
		})
	}
}
