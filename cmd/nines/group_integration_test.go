package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// TestGroupedSLOCommands runs burn, status, gate and cost on checkout's
// availability grouped by region (internal/scenario Regions) against a
// real Prometheus: a row per region with its group, and the gate deciding
// per group (eu's spent budget blocks, though us and ap are fine).
func TestGroupedSLOCommands(t *testing.T) {
	data, truth, err := scenario.Regions()
	if err != nil {
		t.Fatal(err)
	}
	specs := t.TempDir()
	for name, body := range scenario.RegionsSpecs {
		if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	url := promtest.Start(t, data).URL
	common := []string{"--specs", specs, "--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339)}
	cmd := func(want int, args ...string) string {
		t.Helper()
		s, out, errOut := testStreams(nil)
		if code := run(context.Background(), append(args, common...), s); code != want {
			t.Fatalf("%s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, want, errOut)
		}
		return out.String()
	}

	var burn report.BurnReport
	if err := json.Unmarshal([]byte(cmd(exitOK, "burn", "-o", "json")), &burn); err != nil {
		t.Fatal(err)
	}
	if len(burn.SLOs) != 3 {
		t.Fatalf("burn: %d SLOs, want one per region", len(burn.SLOs))
	}
	for _, s := range burn.SLOs {
		id := s.Service + "/" + s.SLO
		bad, total := truth[id].Window(7 * 24 * time.Hour)
		if s.Group["region"] == "" || !strings.HasSuffix(s.SLO, `{region="`+s.Group["region"]+`"}`) {
			t.Errorf("burn: SLO %q with group %v", s.SLO, s.Group)
		}
		// Exact counts: the scenario's samples fall on every range's ends.
		if s.Total == nil || *s.Total != total || s.Good == nil || *s.Good != total-bad {
			t.Errorf("burn %s: good %v of %v, truth %v of %v", id, s.Good, s.Total, total-bad, total)
		}
	}
	// --stats counts the groups' queries under their SLO: one finds the
	// groups, then one bad and one total query per window (8) for all
	// three, and one coverage query; the same for the fleet.
	var stats report.BurnReport
	if err := json.Unmarshal([]byte(cmd(exitOK, "burn", "-o", "json", "--stats")), &stats); err != nil {
		t.Fatal(err)
	}
	if st := stats.Stats; st == nil || len(st.SLOs) != 1 || st.SLOs[0].SLO != "availability" || st.SLOs[0].Queries != 18 || st.Fleet.Queries != 18 {
		t.Errorf("burn --stats: %+v, want 18 queries under checkout/availability and for the fleet", st)
	}
	if text := cmd(exitOK, "status"); !strings.Contains(text, `availability{region="eu"}`) {
		t.Errorf("status names no group:\n%s", text)
	}

	// The gate falls back to the last known good evaluation of each
	// group (tiers.yaml below sets on_error: last_known_good).
	tiers := scenario.RegionsSpecs["tiers.yaml"] + "    gate: {on_error: last_known_good, max_staleness: 1h, fallback: open}\n"
	if err := os.WriteFile(filepath.Join(specs, "tiers.yaml"), []byte(tiers), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir()
	var gate report.GateDecision
	out := cmd(exitBlocked, "gate", "--service", "checkout", "-o", "json", "--cache-dir", cacheDir)
	if err := json.Unmarshal([]byte(out), &gate); err != nil {
		t.Fatal(err)
	}
	var blockers []string
	for _, r := range gate.Reasons {
		if r.Effect == "block" {
			blockers = append(blockers, r.SLO)
		}
	}
	if gate.Verdict != "block" || len(blockers) == 0 || strings.Join(blockers, ",") != `availability{region="eu"}` {
		t.Errorf("gate: verdict %s, blocked by %q; want block by eu alone\n%s", gate.Verdict, blockers, out)
	}
	if len(gate.SLOs) != 3 {
		t.Errorf("gate: %d SLOs, want one per region", len(gate.SLOs))
	}

	// Prometheus down before the groups are found: each group the cache
	// holds is decided on its own last known good evaluation (fresh: the
	// same --at), so eu still blocks; without them the SLO would take the
	// policy's fallback (open) and the deploy would pass.
	s, dead, errOut := testStreams(nil)
	code := run(context.Background(), []string{"gate", "--service", "checkout", "-o", "json", "--cache-dir", cacheDir,
		"--specs", specs, "--prometheus.url", "http://127.0.0.1:1", "--at", scenario.At.Format(time.RFC3339)}, s)
	var down report.GateDecision
	if err := json.Unmarshal([]byte(dead.String()), &down); err != nil {
		t.Fatalf("gate with Prometheus down: exit %d, %v; stderr:\n%s", code, err, errOut)
	}
	var lkg []string
	for _, r := range down.Reasons {
		if r.Rule == "last_known_good" {
			lkg = append(lkg, r.SLO)
		}
	}
	if code != exitBlocked || down.Fallback.Path != "last_known_good" || len(down.SLOs) != 3 ||
		strings.Join(lkg, ",") != `availability{region="ap"},availability{region="eu"},availability{region="us"}` {
		t.Errorf("gate with Prometheus down: exit %d, fallback %s, %d SLOs, last known good for %q; want exit 3 on each group's cached evaluation\n%s",
			code, down.Fallback.Path, len(down.SLOs), lkg, dead.String())
	}

	// cost has a line per group (the tier has no cost model: no money, but
	// no failure either).
	text := cmd(exitOK, "cost", "-o", "csv", "--window", "7d")
	for _, r := range []string{"ap", "eu", "us"} {
		if !strings.Contains(text, `region=""`+r+`""`) {
			t.Errorf("cost has no line for %s:\n%s", r, text)
		}
	}
}
