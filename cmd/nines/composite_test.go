package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nines-sre/nines/report"
)

// journeySpec adds composites and dependencies over the example services.
const journeySpec = `version: nines/v1
service: storefront
tier: standard
dependencies:
  - slo: payments-gateway/reachability
  - name: mobile network
    availability: 99.95
  - any_of:
      - {name: region-a, availability: 99.9}
      - {name: region-b, availability: 99.9}
slos:
  - name: journey-serial
    objective: 99
    composite:
      method: serial
      slos: [checkout/availability, search/availability, payments-gateway/reachability]
  - name: journey-weighted
    objective: 99.5
    composite:
      method: weighted
      slos: [checkout/availability, search/availability]
  - name: journey-worst
    objective: 99.9
    composite:
      method: least_healthy
      slos: [checkout/availability, checkout/latency, search/availability]
`

// exampleSpecsWith copies the example specs into a temporary directory with
// extra files.
func exampleSpecsWith(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../../specs/*.yaml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// On the demo data, each composite's figures are the arithmetic on its
// members' (measured over the composite's 30d window), and a member whose
// own window is 30d reads exactly what burn shows for it.
func TestCompositesOnTheDemo(t *testing.T) {
	specs := exampleSpecsWith(t, map[string]string{"storefront.yaml": journeySpec})
	code, out, errOut := runCLI(t, "", "burn", "-o", "json", "--specs", specs, "--source", "demo", "--at", demoAt)
	if code != exitOK {
		t.Fatalf("burn exit %d: %s", code, errOut)
	}
	var rep report.BurnReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]report.SLOStatus{}
	for _, s := range rep.SLOs {
		got[s.Service+"/"+s.SLO] = s
	}
	// A few products and sums of figures read from the same JSON: 1e-12
	// relative is floating-point rounding (JSON round-trips float64 exactly).
	near := func(what string, got *float64, want float64) {
		t.Helper()
		if got == nil || math.Abs(*got-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s = %v, want %.17g", what, deref(got), want)
		}
	}
	serial := got["storefront/journey-serial"]
	if serial.Composite == nil || len(serial.Composite.Members) != 3 {
		t.Fatalf("journey-serial composite %+v", serial.Composite)
	}
	avail := 1.0
	for _, m := range serial.Composite.Members {
		if m.DataState != "ok" || m.Availability == nil {
			t.Fatalf("member %s: %s", m.SLO, m.DataState)
		}
		avail *= *m.Availability
	}
	near("serial availability", serial.Availability, avail)
	near("serial error ratio", serial.ErrorRatio, 1-avail)
	near("serial budget used", serial.BudgetUsed, (1-avail)/(1-0.99))
	// checkout/availability has a 30d window of its own: the same queries.
	plain := got["checkout/availability"]
	m0 := serial.Composite.Members[0]
	if m0.SLO != "checkout/availability" || *m0.Total != *plain.Total || *m0.ErrorRatio != *plain.ErrorRatio {
		t.Errorf("member %s read %v/%v, burn shows %v/%v", m0.SLO, deref(m0.ErrorRatio), deref(m0.Total), deref(plain.ErrorRatio), deref(plain.Total))
	}

	weighted := got["storefront/journey-weighted"]
	var good, total float64
	for _, m := range weighted.Composite.Members {
		good += *m.Good
		total += *m.Total
	}
	near("weighted total", weighted.Total, total)
	near("weighted good", weighted.Good, good)
	near("weighted error ratio", weighted.ErrorRatio, (total-good)/total)

	worst := got["storefront/journey-worst"]
	var hi float64
	var hiName string
	for _, m := range worst.Composite.Members {
		if *m.ErrorRatio > hi {
			hi, hiName = *m.ErrorRatio, m.SLO
		}
	}
	if worst.Composite.LeastHealthy != hiName || hiName == "" {
		t.Errorf("least healthy %q, want %q", worst.Composite.LeastHealthy, hiName)
	}
	near("least healthy error ratio", worst.ErrorRatio, hi)

	// Ceilings: serial is its members' objectives' product (below the
	// dependencies' 99.9% × 99.95% × (1 − 0.001²)); weighted has none of
	// its own, so the dependencies' applies; least healthy its lowest.
	near("serial ceiling", serial.Ceiling, 0.9995*0.999*0.999)
	near("weighted ceiling", weighted.Ceiling, 0.999*0.9995*(1-0.001*0.001))
	near("least healthy ceiling", worst.Ceiling, 0.99)
	// checkout's one dependency is an any_of of payments-gateway/reachability
	// (99.9%) and a backup acquirer (99.5%): 1 − 0.001 × 0.005.
	near("checkout's dependency ceiling", got["checkout/availability"].Ceiling, 1-0.001*0.005)

	code, table, _ := runCLI(t, "", "burn", "--specs", specs, "--source", "demo", "--at", demoAt, "--service", "storefront")
	if code != exitOK || !strings.Contains(table, "storefront/journey-worst: ceiling 99% (the lowest of its members' objectives: checkout/availability 99.95%, checkout/latency 99%, search/availability 99.9%); the objective 99.9% is above it") ||
		!strings.Contains(table, "storefront/journey-worst: least healthy member checkout/latency") {
		t.Errorf("the burn table does not show the ceiling beside the objective:\n%s", table)
	}
}

// A member without data makes the composite no data, never 100%.
func TestCompositeWithAMemberWithoutData(t *testing.T) {
	specs := exampleSpecsWith(t, map[string]string{"ghost.yaml": `version: nines/v1
service: ghost
tier: standard
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(ghost_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(increase(ghost_requests_total[{{.window}}]))
  - name: journey
    composite: {method: serial, slos: [availability, checkout/availability]}
`})
	code, out, errOut := runCLI(t, "", "burn", "-o", "json", "--specs", specs, "--source", "demo", "--at", demoAt, "--service", "ghost")
	if code != exitOK {
		t.Fatalf("burn exit %d: %s", code, errOut)
	}
	var rep report.BurnReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	j := rep.SLOs[1]
	if j.SLO != "journey" || j.DataState != "no_data" || j.Availability != nil || !strings.Contains(j.Reason, "member ghost/availability") {
		t.Errorf("journey: state %s, availability %v, reason %q: want no_data naming the member", j.DataState, deref(j.Availability), j.Reason)
	}
}

// validate flags an objective above its ceiling, with file, line and
// field, and fails; a cycle is an error.
func TestValidateFlagsObjectivesAboveTheirCeiling(t *testing.T) {
	specs := exampleSpecsWith(t, map[string]string{"storefront.yaml": journeySpec + `  - name: greedy
    objective: 99.9
    composite: {method: weighted, slos: [checkout/availability, search/availability]}
`})
	code, out, _ := runCLI(t, specs, "validate", "-o", "json", specs)
	var rep validateReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.Severity+" "+p.File+":"+strconv.Itoa(p.Line)+": "+p.Field)
	}
	// journey-worst: the lowest member objective is 99%; greedy (weighted,
	// no ceiling of its own): the dependencies allow 99.9% × 99.95% ×
	// 99.9999% = 99.84995%.
	want := []string{"warning TMP/storefront.yaml:23: slos[2].objective", "warning TMP/storefront.yaml:28: slos[3].objective"}
	if code != exitFailure || rep.Valid || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exit %d, valid %v, problems\n%s\nwant\n%s", code, rep.Valid, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(rep.Problems[1].Message, "above the ceiling of 99.84995% (serial of 3 dependencies: payments-gateway/reachability 99.9% × mobile network 99.95% × any of (region-a, region-b) 99.9999%)") {
		t.Errorf("message: %s", rep.Problems[1].Message)
	}
	code, _, errOut := runCLI(t, specs, "validate", specs)
	if code != exitFailure || !strings.Contains(errOut, "but 2 objectives are above the ceiling") || !strings.Contains(errOut, "TMP/storefront.yaml:28: slos[3].objective: objective 99.9% is above") {
		t.Errorf("validate table: exit %d\n%s", code, errOut)
	}

	cyc := exampleSpecsWith(t, map[string]string{"loop.yaml": `version: nines/v1
service: loop
tier: standard
slos:
  - name: a
    composite: {method: serial, slos: [b, checkout/availability]}
  - name: b
    composite: {method: serial, slos: [a, checkout/availability]}
`})
	code, _, errOut = runCLI(t, cyc, "validate", cyc)
	if code != exitFailure || !strings.Contains(errOut, "TMP/loop.yaml:6: slos[0].composite.slos: composite SLOs form a cycle: loop/a → loop/b → loop/a") {
		t.Errorf("cycle: exit %d\n%s", code, errOut)
	}
	// The specs without the cycle are fine: ok, exit 0.
	if code, out, _ := runCLI(t, "", "validate", "../../specs"); code != exitOK || !strings.HasPrefix(out, "ok:") {
		t.Errorf("example specs: exit %d %s", code, out)
	}
}

// nines rules writes no rule for a composite (its members' serve it),
// counts only the SLOs it wrote rules for, and names the composites.
func TestRulesCountWithoutComposites(t *testing.T) {
	specs := exampleSpecsWith(t, map[string]string{"storefront.yaml": journeySpec})
	file := filepath.Join(t.TempDir(), "nines.yaml")
	code, _, errOut := runCLI(t, "", "rules", "--specs", specs, "-o", file)
	if code != exitOK {
		t.Fatalf("rules exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	// The example specs have 5 SLOs of 4 services; storefront adds 3
	// composites and no rule.
	want := "in 4 groups for 5 SLOs of 4 services (3 composite SLOs need none: their members' rules serve them: storefront/journey-serial, storefront/journey-weighted, storefront/journey-worst)"
	if !strings.Contains(errOut, want) || strings.Contains(out, "storefront") {
		t.Errorf("stderr %q, want it to contain %q; stdout names storefront: %v", errOut, want, strings.Contains(out, "storefront"))
	}
}
