package interop_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/interop"
	"github.com/nines-sre/nines/slo"
	"github.com/nines-sre/nines/specs"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name; -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no golden file (run with -update): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (run with -update to accept):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// fixtures reads testdata/dir's good files (not *.bad.*).
func fixtures(t *testing.T, dir string) []interop.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []interop.File
	for _, p := range paths {
		if strings.Contains(filepath.Base(p), ".bad.") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, interop.File{Name: filepath.ToSlash(p), Data: b})
	}
	return out
}

func demoTiers(t *testing.T) map[string]slo.Tier {
	t.Helper()
	cat, err := slo.Load([]string{specs.Dir}, slo.LoadOptions{FS: specs.FS})
	if err != nil {
		t.Fatal(err)
	}
	return cat.Tiers
}

// specsAndReport are the imported specs as one stream and the notes one a
// line, for the golden files.
func specsAndReport(t *testing.T, imp *interop.Imported, tool string) ([]byte, []byte) {
	t.Helper()
	var specsOut, rep bytes.Buffer
	for i, s := range imp.Services {
		if i > 0 {
			specsOut.WriteString("---\n")
		}
		b, err := s.YAML(tool)
		if err != nil {
			t.Fatal(err)
		}
		specsOut.Write(b)
		fmt.Fprintf(&rep, "service %s: tier %s (%s)\n", s.Spec.Service, s.Spec.Tier, s.TierReason)
	}
	for _, n := range imp.Notes {
		fmt.Fprintf(&rep, "%s:%d %s | %s | %s | %s | %s\n", n.File, n.Line, n.Object, n.Field, n.Outcome, n.Target, n.Reason)
	}
	return specsOut.Bytes(), rep.Bytes()
}

func TestImportOpenSLOFixturesGiveTheGoldenSpecsAndReport(t *testing.T) {
	imp, err := interop.ImportOpenSLO(fixtures(t, "openslo"), interop.ImportOptions{Tiers: demoTiers(t)})
	if err != nil {
		t.Fatal(err)
	}
	cat := loadImported(t, imp, "openslo")
	got := map[string]slo.SLO{}
	for _, s := range cat.Services {
		for _, o := range s.SLOs {
			got[o.ID()] = o
		}
	}
	// The facts the golden files hold, stated where a reader checks them.
	checks := []struct {
		id, window string
		objective  float64
		kind       slo.SLIKind
	}{
		{"checkout/availability", "30d", 0.9995, slo.Events},
		{"search/availability", "month (Europe/Berlin)", 0.999, slo.Events},
		{"checkout/latency", "4w", 0.99, slo.Latency},
		{"checkout/confirmations-tight", "quarter (UTC)", 0.999, slo.Raw},
		{"checkout/confirmations-loose", "quarter (UTC)", 0.99, slo.Raw},
		{"search/weekly", "1w", 0.999, slo.Events},
	}
	for _, c := range checks {
		s, ok := got[c.id]
		if !ok {
			t.Errorf("%s was not imported; got %v", c.id, keys(got))
			continue
		}
		if s.Window.String() != c.window || s.Objective != c.objective || s.SLI.Kind != c.kind {
			t.Errorf("%s: window %s, objective %v, SLI %s; want %s, %v, %s", c.id, s.Window, s.Objective, s.SLI.Kind, c.window, c.objective, c.kind)
		}
	}
	if _, ok := got["checkout/datadog"]; ok || len(got) != len(checks) {
		t.Errorf("got SLOs %v, want the %d above (the Datadog one dropped)", keys(got), len(checks))
	}
	a := got["checkout/availability"]
	if len(a.Alerts) != 2 || a.Alerts[0].Long.String() != "1h0m0s" || a.Alerts[0].Short.String() != "5m0s" || a.Alerts[0].Factor != 14.4 || a.Alerts[0].For.String() != "2m0s" || a.Alerts[1].Severity != "page" {
		t.Errorf("checkout/availability alerts = %+v, want page 14.4x 1h/5m for 2m and page 6x 6h/30m", a.Alerts)
	}
	specsOut, rep := specsAndReport(t, imp, "openslo")
	golden(t, "openslo.nines.yaml", specsOut)
	golden(t, "openslo.report.txt", rep)
}

func TestImportSlothBothVersionsGiveTheGoldenSpecsAndReport(t *testing.T) {
	imp, err := interop.ImportSloth(fixtures(t, "sloth"), interop.ImportOptions{Tiers: demoTiers(t)})
	if err != nil {
		t.Fatal(err)
	}
	cat := loadImported(t, imp, "sloth")
	got := map[string]slo.SLO{}
	for _, s := range cat.Services {
		for _, o := range s.SLOs {
			got[o.ID()] = o
		}
	}
	if len(got) != 4 {
		t.Fatalf("got %v, want 4 SLOs (the plugin SLI dropped)", keys(got))
	}
	lat := got["myservice/requests-latency"]
	if len(lat.Alerts) != 2 || lat.Alerts[0].Severity != "page" || lat.Alerts[1].Severity != "page" {
		t.Errorf("requests-latency alerts = %+v, want the two page alerts only (ticket disabled)", lat.Alerts)
	}
	if avail := got["payments/requests-availability"]; avail.Tier != "critical" || len(avail.Alerts) != 4 || avail.Window.String() != "30d" {
		t.Errorf("payments/requests-availability: tier %s, %d alerts, window %s; want critical, 4, 30d", avail.Tier, len(avail.Alerts), avail.Window)
	}
	if q := got["myservice/requests-availability"].SLI.Bad; !strings.HasPrefix(q, "sum(increase(") {
		t.Errorf("bad query %q: rate() should read as increase()", q)
	}
	specsOut, rep := specsAndReport(t, imp, "sloth")
	golden(t, "sloth.nines.yaml", specsOut)
	golden(t, "sloth.report.txt", rep)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAnAlertConditionTakesTheShortWindowOfTheTierAlertItMatches(t *testing.T) {
	tiers := map[string]slo.Tier{"custom": {
		Name: "custom", Objective: 0.999, Window: slo.Window{Rolling: 30 * 24 * time.Hour, Location: time.UTC},
		Alerts: []budget.AlertWindow{{Long: 6 * time.Hour, Short: time.Hour, Factor: 6, Severity: budget.Page}},
	}}
	doc := `apiVersion: openslo/v1
kind: SLO
metadata: {name: a}
spec:
  service: s
  indicator:
    metadata: {name: a}
    spec:
      ratioMetric:
        bad: {metricSource: {type: Prometheus, spec: {query: e_total}}}
        total: {metricSource: {type: Prometheus, spec: {query: t_total}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: p}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: c}
            spec: {severity: page, condition: {kind: burnrate, op: gt, threshold: 6, lookbackWindow: 6h}}
        notificationTargets: [{targetRef: x}]
    - kind: AlertPolicy
      metadata: {name: q}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: d}
            spec: {severity: ticket, condition: {kind: burnrate, op: gt, threshold: 1, lookbackWindow: 3d}}
        notificationTargets: [{targetRef: x}]
`
	imp, err := interop.ImportOpenSLO([]interop.File{{Name: "a.yaml", Data: []byte(doc)}}, interop.ImportOptions{Tiers: tiers})
	if err != nil {
		t.Fatal(err)
	}
	got := imp.Services[0].Spec.SLOs[0].Alerts
	// The 6h page alert is the tier's (short 1h, not 6h/12 = 30m); the 3d
	// ticket alert matches no tier alert and keeps the twelfth, 6h.
	want := []interop.AlertSpec{{Long: "6h", Short: "1h", Factor: 6, Severity: "page"}, {Long: "3d", Short: "6h", Factor: 1, Severity: "ticket"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("alerts %+v, want %+v", got, want)
	}
	if imp.Services[0].Spec.Tier != "custom" || imp.Services[0].Spec.SLOs[0].Objective != nil {
		t.Errorf("tier %s, objective %v: want custom and the tier's objective left to it", imp.Services[0].Spec.Tier, imp.Services[0].Spec.SLOs[0].Objective)
	}
}
