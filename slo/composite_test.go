package slo_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/slo"
)

const compositeTiers = `version: nines/v1
tiers:
  std:
    objective: 99
    window: 30d
`

// writeSpecs writes files (name → body) into a temporary directory and
// returns its path.
func writeSpecs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func events(name, metric string) string {
	return `  - name: ` + name + `
    sli:
      events:
        bad: sum(increase(` + metric + `_bad[{{.window}}]))
        total: sum(increase(` + metric + `_total[{{.window}}]))
`
}

// compositeSpecs: services a and b with measured SLOs, ghost without data,
// and j with composites of every method.
func compositeSpecs(t *testing.T) string {
	return writeSpecs(t, map[string]string{
		"tiers.yaml": compositeTiers,
		"a.yaml": "version: nines/v1\nservice: a\ntier: std\nslos:\n" + events("availability", "a") + `  - name: r
    sli:
      raw:
        error_ratio: sum(rate(a_ratio[{{.window}}]))
`,
		"b.yaml":     "version: nines/v1\nservice: b\ntier: std\nslos:\n" + events("availability", "b"),
		"ghost.yaml": "version: nines/v1\nservice: ghost\ntier: std\nslos:\n" + events("availability", "ghost"),
		"j.yaml": `version: nines/v1
service: j
tier: std
slos:
  - name: weighted
    composite: {method: weighted, slos: [a/availability, b/availability]}
  - name: serial
    composite: {method: serial, slos: [a/availability, b/availability, a/r]}
  - name: worst
    composite: {method: least_healthy, slos: [a/availability, b/availability]}
  - name: blind
    composite: {method: weighted, slos: [a/availability, ghost/availability]}
  - name: nested
    composite: {method: serial, slos: [weighted, a/r]}
`,
	})
}

func TestCompositesCombineTheirMembers(t *testing.T) {
	cat, err := load(compositeSpecs(t))
	if err != nil {
		t.Fatal(err)
	}
	var slos []slo.SLO
	for _, s := range cat.Services {
		slos = append(slos, s.SLOs...)
	}
	// Every window answers alike: a 10/10000, b 50/20000, a/r 0.002; the
	// coverage query finds data from before every window.
	q := &fakeQuerier{rules: []rule{
		{contains: "timestamp(", values: []float64{float64(at.AddDate(0, -3, 0).Unix())}},
		{contains: "ghost_"},
		{contains: "a_bad", values: []float64{10}},
		{contains: "a_total", values: []float64{10000}},
		{contains: "b_bad", values: []float64{50}},
		{contains: "b_total", values: []float64{20000}},
		{contains: "a_ratio", values: []float64{0.002}},
	}}
	evals := slo.Evaluate(context.Background(), q, slos, slo.EvalOptions{At: at})
	got := map[string]slo.Evaluation{}
	for _, e := range evals {
		got[e.SLO.ID()] = e
	}
	// The arithmetic is a handful of operations on exact inputs: 1e-15
	// relative is floating-point rounding, nothing else.
	close := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-15*math.Abs(want) {
			t.Errorf("%s = %.17g, want %.17g", name, got, want)
		}
	}
	for id, want := range map[string]float64{
		"j/weighted": 60.0 / 30000,
		"j/serial":   1 - 0.999*0.9975*0.998,
		"j/worst":    0.0025,
		"j/nested":   1 - (1-60.0/30000)*0.998,
	} {
		e := got[id]
		if e.Err != nil || e.SLI.State != slo.DataOK {
			t.Fatalf("%s: state %s, err %v", id, e.SLI.State, e.Err)
		}
		close(id+" error ratio", e.SLI.ErrorRatio, want)
		close(id+" budget error ratio", e.Status.ErrorRatio, want)
		close(id+" burn rate 1h", burnAt(t, e, time.Hour), want/(1-0.99))
	}
	if w := got["j/weighted"]; w.SLI.Bad != 60 || w.SLI.Total != 30000 || !w.SLI.Events {
		t.Errorf("weighted counts %v/%v (events %v), want 60/30000", w.SLI.Bad, w.SLI.Total, w.SLI.Events)
	}
	if n := got["j/worst"].LeastHealthy(); n != "b/availability" {
		t.Errorf("least healthy member %q, want b/availability", n)
	}
	blind := got["j/blind"]
	if blind.SLI.State != slo.NoData || !strings.Contains(blind.SLI.Reason, "ghost/availability") {
		t.Errorf("a member without data: state %s (%s), want no_data naming ghost/availability", blind.SLI.State, blind.SLI.Reason)
	}
	for _, b := range blind.Burn {
		if b.State != slo.NoData {
			t.Errorf("blind burn over %s: %s, want no_data", b.Window, b.State)
		}
	}
}

func burnAt(t *testing.T, e slo.Evaluation, w time.Duration) float64 {
	t.Helper()
	for _, b := range e.Status.Windows {
		if b.Window == w {
			return b.BurnRate
		}
	}
	t.Fatalf("%s has no burn over %s", e.SLO.ID(), w)
	return 0
}

func TestCompositeMemberErrorIsTheCompositesError(t *testing.T) {
	cat, err := load(compositeSpecs(t))
	if err != nil {
		t.Fatal(err)
	}
	var serial slo.SLO
	for _, s := range cat.Services {
		for _, x := range s.SLOs {
			if x.ID() == "j/serial" {
				serial = x
			}
		}
	}
	boom := errors.New("boom")
	q := &fakeQuerier{rules: []rule{{contains: "a_ratio", err: boom}, {contains: "", values: []float64{1}}}}
	e := slo.Evaluate(context.Background(), q, []slo.SLO{serial}, slo.EvalOptions{At: at})[0]
	if !errors.Is(e.Err, boom) || !strings.Contains(e.Err.Error(), "member a/r") || e.SLI.State == slo.DataOK {
		t.Errorf("err %v, state %s: want the member's error, named, and no data", e.Err, e.SLI.State)
	}
}

func TestCompositeSpecProblems(t *testing.T) {
	base := map[string]string{
		"tiers.yaml": compositeTiers,
		"a.yaml": "version: nines/v1\nservice: a\ntier: std\nslos:\n" + events("availability", "a") + `  - name: r
    sli:
      raw:
        error_ratio: sum(rate(a_ratio[{{.window}}]))
`,
	}
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"cycle", `version: nines/v1
service: c
tier: std
slos:
  - name: x
    composite: {method: serial, slos: [y, a/availability]}
  - name: y
    composite:
      method: least_healthy
      slos: [a/availability, x]
`, []string{
			"c.yaml:6: slos[0].composite.slos: composite SLOs form a cycle: c/x → c/y → c/x",
			"c.yaml:10: slos[1].composite.slos: composite SLOs form a cycle: c/y → c/x → c/y",
		}},
		{"unknown, raw in weighted, bad method, too few", `version: nines/v1
service: c
tier: std
slos:
  - name: x
    composite:
      method: weighted
      slos:
        - a/nope
        - a/r
  - name: y
    composite: {method: product, slos: [a/availability]}
`, []string{
			"c.yaml:9: slos[0].composite.slos[0]: unknown SLO \"a/nope\": name an SLO of a loaded service file",
			"c.yaml:10: slos[0].composite.slos[1]: member a/r has no event counts (a raw SLI), which a weighted composite pools: use serial or least_healthy",
			"c.yaml:12: slos[1].composite.method: invalid method \"product\": use weighted, serial or least_healthy",
			"c.yaml:12: slos[1].composite.slos: a composite needs at least 2 member SLOs, got 1",
		}},
		{"grouped member", `version: nines/v1
service: c
tier: std
slos:
  - name: g
    group_by: [region]
    sli:
      events:
        bad: sum(increase(g_total{code="500"}[{{.window}}]))
        total: sum(increase(g_total[{{.window}}]))
  - name: x
    composite: {method: serial, slos: [g, a/availability]}
`, []string{
			"c.yaml:12: slos[1].composite.slos[0]: member c/g is grouped (group_by): its groups are separate SLOs, which a composite cannot name; list a member without group_by",
		}},
		{"sli and composite", `version: nines/v1
service: c
tier: std
slos:
  - name: x
    sli: {raw: {error_ratio: "sum(rate(x[{{.window}}]))"}}
    composite: {method: serial, slos: [a/availability, a/r]}
`, []string{"c.yaml:6: slos[0].sli: give sli or composite, not both"}},
		{"dependencies", `version: nines/v1
service: c
tier: std
dependencies:
  - slo: a/nope
  - name: dns
  - {name: cdn, availability: 100}
  - any_of: [{name: one, availability: 99}]
  - {slo: a/r, name: both, availability: 99}
  - {slo: c/x}
slos:
` + events("x", "x"), []string{
			"c.yaml:5: dependencies[0].slo: unknown SLO \"a/nope\": name an SLO of a loaded service file (service/slo)",
			"c.yaml:6: dependencies[1].availability: missing: the dependency's availability, a percent such as 99.9",
			"c.yaml:7: dependencies[2].availability: must be a percent between 0 and 100, exclusive (such as 99.9), got 100",
			"c.yaml:8: dependencies[3].any_of: a redundant group needs at least 2 members, got 1",
			"c.yaml:9: dependencies[4]: give one of slo, name with availability, or any_of, not several",
			"c.yaml:10: dependencies[5].slo: \"c/x\" is this service's own SLO: dependencies are what the service needs from others",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"c.yaml": tc.body}
			for k, v := range base {
				files[k] = v
			}
			dir := writeSpecs(t, files)
			_, err := load(dir)
			var verr *slo.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("got %v, want a *slo.ValidationError", err)
			}
			var got []string
			for _, p := range verr.Problems {
				got = append(got, strings.TrimPrefix(p.String(), dir+string(filepath.Separator)))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tc.want, "\n      "))
			}
		})
	}
}

// The ceiling of serial dependencies is their product, an any_of group
// counts 1 − Π(1 − a), a composite's is its members' objectives (product
// for serial, lowest for least_healthy, none for weighted), and the lowest
// applies; an objective above it is a warning with file, line and field.
func TestCeilingsAndTheirWarnings(t *testing.T) {
	dir := writeSpecs(t, map[string]string{
		"tiers.yaml": compositeTiers,
		"a.yaml":     "version: nines/v1\nservice: a\ntier: std\nslos:\n  - name: availability\n    objective: 99.9\n" + strings.TrimPrefix(events("availability", "a"), "  - name: availability\n"),
		"b.yaml":     "version: nines/v1\nservice: b\ntier: std\nslos:\n" + events("availability", "b"),
		"s.yaml": `version: nines/v1
service: s
tier: std
dependencies:
  - slo: a/availability
  - name: mobile network
    availability: 99.95
slos:
  - name: fine
    objective: 99.8
` + strings.TrimPrefix(events("fine", "f"), "  - name: fine\n") + `  - name: greedy
    objective: 99.9
` + strings.TrimPrefix(events("greedy", "g"), "  - name: greedy\n"),
		"r.yaml": `version: nines/v1
service: r
tier: std
dependencies:
  - any_of:
      - {name: region-a, availability: 99}
      - {name: region-b, availability: 99}
  - {name: dns, availability: 99.99}
slos:
  - name: greedy
    objective: 99.99
` + strings.TrimPrefix(events("greedy", "rg"), "  - name: greedy\n") + `  - name: serial
    objective: 98.5
    composite: {method: serial, slos: [a/availability, b/availability]}
  - name: worst
    objective: 99.5
    composite: {method: least_healthy, slos: [a/availability, b/availability]}
  - name: pooled
    objective: 99.95
    composite: {method: weighted, slos: [a/availability, b/availability]}
`,
	})
	cat, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ceil := map[string]*slo.Ceiling{}
	for _, s := range cat.Services {
		for _, x := range s.SLOs {
			ceil[x.ID()] = x.Ceiling
		}
	}
	regions := 1 - 0.01*0.01
	for id, want := range map[string]float64{
		"s/fine":   0.999 * 0.9995,
		"s/greedy": 0.999 * 0.9995,
		"r/greedy": regions * 0.9999,
		"r/serial": 0.999 * 0.99, // below the dependencies' 0.9998
		"r/worst":  0.99,
		"r/pooled": regions * 0.9999, // weighted has no ceiling of its own; 99.95% is below it
	} {
		c := ceil[id]
		// Products of a few ratios: 1e-15 is rounding.
		if c == nil || math.Abs(c.Availability-want) > 1e-15 {
			t.Errorf("%s ceiling %+v, want %.15g", id, c, want)
		}
	}
	if ceil["a/availability"] != nil {
		t.Errorf("a/availability has no dependencies, got ceiling %+v", ceil["a/availability"])
	}
	var got []string
	for _, w := range cat.Warnings {
		got = append(got, strings.TrimPrefix(w.File, dir+string(filepath.Separator))+":"+strconv.Itoa(w.Line)+": "+w.Field)
	}
	want := []string{"r.yaml:11: slos[0].objective", "r.yaml:20: slos[2].objective", "s.yaml:16: slos[1].objective"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n got: %s\nwant: %s\n%v", strings.Join(got, ", "), strings.Join(want, ", "), cat.Warnings)
	}
	for _, w := range cat.Warnings {
		if strings.HasSuffix(w.File, "s.yaml") && !strings.Contains(w.Message, "objective 99.9% is above the ceiling of 99.85005% (serial of 2 dependencies: a/availability 99.9% × mobile network 99.95%)") {
			t.Errorf("s/greedy's warning does not say why: %s", w.Message)
		}
	}
}
