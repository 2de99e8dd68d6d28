package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// demoEnd is the demo data's last sample (specs/demo/gen writes 2026-06-01
// to 2026-10-15).
const demoEnd = "2026-10-15T00:00:00Z"

// runWithEnv runs nines in-process with an environment.
func runWithEnv(env map[string]string, args ...string) (int, string, string) {
	s, out, errOut := testStreams(env)
	code := run(context.Background(), args, s)
	return code, out.String(), errOut.String()
}

// TestDemoSourceRunsAnywhere: --source demo reads the data and the example
// specs built into the binary (this package's directory has no specs/),
// and without --at evaluates at the data's last sample, saying so on
// stderr, instead of at the wall clock, where everything would be "no data".
func TestDemoSourceRunsAnywhere(t *testing.T) {
	code, out, errOut := runWithEnv(nil, "burn", "--source", "demo", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "nines: evaluating at " + demoEnd + ", the last sample in the demo data (give --at to choose)\n"
	if errOut != want {
		t.Errorf("stderr:\n%q\nwant\n%q", errOut, want)
	}
	var b report.BurnReport
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	if got := b.At.UTC().Format(time.RFC3339); got != demoEnd || b.Source != "file demo" {
		t.Errorf("at %s from %q, want %s from the demo", got, b.Source, demoEnd)
	}
	services := map[string]bool{}
	for _, s := range b.SLOs {
		services[s.Service] = true
		if s.DataState != "ok" {
			t.Errorf("%s/%s is %s at the data's last sample", s.Service, s.SLO, s.DataState)
		}
	}
	if len(services) != 4 {
		t.Errorf("the example specs define 4 services, got %v", services)
	}
}

// TestAtAfterTheDataIsWarned: an --at past a file's last sample (beyond the
// 5m lookback) is kept, but warned about on stderr.
func TestAtAfterTheDataIsWarned(t *testing.T) {
	code, _, errOut := runWithEnv(nil, "status", "--source", "demo", "--at", "2026-12-01T00:00:00Z")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "nines: warning: --at 2026-12-01T00:00:00Z is after the last sample in the demo data (" + demoEnd + "): windows reaching past it see no data there\n"
	if errOut != want {
		t.Errorf("stderr:\n%q\nwant\n%q", errOut, want)
	}
	code, _, errOut = runWithEnv(nil, "status", "--source", "demo", "--at", "2026-10-15T00:04:00Z")
	if code != exitOK || errOut != "" {
		t.Errorf("an --at within the lookback of the last sample is not warned about: exit %d, stderr %q", code, errOut)
	}
}

// TestFlagsBeatTheEnvironment: NINES_PROMETHEUS_URL stands in for
// --prometheus.url, but --source on the command line wins over it, with a
// note that names the variable; the two flags together are an error.
func TestFlagsBeatTheEnvironment(t *testing.T) {
	env := map[string]string{"NINES_PROMETHEUS_URL": "http://127.0.0.1:1"}
	code, out, errOut := runWithEnv(env, "burn", "--source", "demo", "--at", "2026-10-14T12:00:00Z", "--service", "search")
	if code != exitOK || !strings.Contains(out, "search") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if want := "nines: note: NINES_PROMETHEUS_URL is set and --source is given: the flag wins\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	// Without --source the variable is the source: port 1 refuses.
	code, _, errOut = runWithEnv(env, "burn", "--at", "2026-10-14T12:00:00Z", "--specs", "../../specs", "--query.retries", "0")
	if code != exitFailure || !strings.Contains(errOut, "127.0.0.1:1") {
		t.Errorf("NINES_PROMETHEUS_URL alone should be the source: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runWithEnv(nil, "burn", "--source", "demo", "--prometheus.url", "http://127.0.0.1:1")
	if code != exitFailure || !strings.Contains(errOut, "--prometheus.url and --source are exclusive") {
		t.Errorf("both flags: exit %d, stderr %q", code, errOut)
	}
}
