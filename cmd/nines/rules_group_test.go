package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/rules"
	"github.com/nines-sre/nines/slo"
)

// TestRulesForGroupedSLO: a grouped SLO's rules are per group. The golden
// file holds them, promtool reads all 6; on a real Prometheus over the
// Regions scenario (backfilled with the records), each region's records
// give that region's error ratio over every alert window (to the records'
// stated tolerance against the exact truth), and each alert fires for the
// regions, and only those, for which nines burn says it fires.
func TestRulesForGroupedSLO(t *testing.T) {
	dir := t.TempDir()
	specs := filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range scenario.RegionsSpecs {
		if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, dir, "rules", "--specs", specs)
	if code != exitOK {
		t.Fatalf("nines rules: exit %d\n%s", code, errOut)
	}
	golden(t, "rules_groups.yaml", []byte(out))
	file := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if checked := promtest.CheckRules(t, file); !strings.Contains(checked, "SUCCESS: 6 rules found") {
		t.Fatalf("promtool did not find the 6 rules (2 records, 4 alerts):\n%s", checked)
	}
	var rf rules.File
	if err := yaml.Unmarshal([]byte(out), &rf); err != nil {
		t.Fatal(err)
	}
	for _, r := range rf.Groups[0].Rules[:2] {
		if !strings.HasPrefix(r.Expr, "sum by (region) (") {
			t.Errorf("record %s is not summed by region: %s", r.Record, r.Expr)
		}
	}
	if testing.Short() {
		t.Skip("starts two Prometheus servers")
	}

	data, truth, err := scenario.Regions()
	if err != nil {
		t.Fatal(err)
	}
	at := scenario.At
	srv := promtest.Start(t, data)
	// The longest alert window is 3d: records from 3d and an hour before.
	recorded := srv.WithRecordingRules(t, file, at.Add(-73*time.Hour), at)

	// Each region's error ratio over every window, from its records.
	cat, err := slo.Load([]string{specs}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := catalogSLOs(cat)[0]
	// The records stretch 4 minutes of samples over 5 (rules_test.go,
	// agreementTolerance); eu's outage has 40% errors, the highest ratio.
	const peak = 0.4
	for _, w := range []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour} {
		got := instantBy(t, recorded.URL, rules.ErrorRatioQuery(s, w), at, "region")
		for _, region := range []string{"eu", "us", "ap"} {
			bad, total := truth[`checkout/availability{region="`+region+`"}`].Window(w)
			v, ok := got[region]
			if !ok {
				t.Errorf("%s: no error ratio for region %s over %s (got %v)", s.ID(), region, w, got)
				continue
			}
			if tol := agreementTolerance(s, w, peak); abs(v-bad/total) > tol {
				t.Errorf("region %s over %s: records say %.9f, truth %.9f (tolerance %g)", region, w, v, bad/total, tol)
			}
		}
		if len(got) != 3 {
			t.Errorf("over %s: %d series, want one per region: %v", w, len(got), got)
		}
	}

	// Each alert, per region, against nines burn's verdict per group, 10
	// minutes before At (a record's time): no window's edge is then within
	// 10 minutes of eu's outage (3h to 2h before At), where the records'
	// 5m steps could move an alert across its factor.
	evalAt := at.Add(-10 * time.Minute)
	var burn report.BurnReport
	mustJSON(t, runCSV(t, "burn", "--specs", specs, "--prometheus.url", srv.URL, "--at", evalAt.Format(time.RFC3339), "-o", "json"), &burn)
	want := map[string]bool{}
	for _, st := range burn.SLOs {
		for _, a := range st.Alerts {
			if a.Firing {
				want[fmt.Sprintf("%s %s/%s %s", a.Severity, a.Long, a.Short, st.Group["region"])] = true
			}
		}
	}
	got := map[string]bool{}
	for _, r := range rf.Groups[0].Rules[2:] {
		for region := range instantBy(t, recorded.URL, r.Expr, evalAt, "region") {
			got[fmt.Sprintf("%s %s/%s %s", r.Labels["severity"], r.Labels["long"], r.Labels["short"], region)] = true
		}
	}
	keys := func(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
	if !slices.Equal(keys(got), keys(want)) {
		t.Errorf("alerts firing per region: rules %v, nines burn %v", keys(got), keys(want))
	}
	// The scenario: eu's outage, 2h50m to 1h50m before, fires its tickets
	// (1d/2h and 3d/6h); us's 20 minutes of 1% errors fire nothing (its
	// 30m window is above 6x, its 6h window not), ap has no errors.
	if w := []string{"ticket 1d/2h eu", "ticket 3d/6h eu"}; !slices.Equal(keys(got), w) {
		t.Errorf("alerts firing %v, want %v", keys(got), w)
	}
}

// instantBy runs an instant query and returns its values by the value of
// label; a series without it is under "".
func instantBy(t *testing.T, base, query string, at time.Time, label string) map[string]float64 {
	t.Helper()
	q := url.Values{"query": {query}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}}
	resp, err := http.Get(base + "/api/v1/query?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	if r.Status != "success" {
		t.Fatalf("query %q: %s %s", query, r.Status, r.Error)
	}
	out := map[string]float64{}
	for _, s := range r.Data.Result {
		k := s.Metric[label]
		if _, dup := out[k]; dup {
			t.Fatalf("query %q: two series with %s=%q", query, label, k)
		}
		v, err := strconv.ParseFloat(fmt.Sprint(s.Value[1]), 64)
		if err != nil {
			t.Fatalf("query %q: value %v: %v", query, s.Value[1], err)
		}
		out[k] = v
	}
	return out
}
