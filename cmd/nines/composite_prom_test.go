package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// Against a real Prometheus over the scenario's generated data, composites
// equal the arithmetic on their members' exact truth: serial 1 − Π(1 − rᵢ),
// weighted Σbad/Σtotal, least healthy the worst member; over the SLO
// window and every alert window. A member without data makes no data.
func TestIntegrationCompositesAgainstRealPrometheus(t *testing.T) {
	url, specs, truth := realPrometheus(t)
	err := os.WriteFile(filepath.Join(specs, "journey.yaml"), []byte(`version: nines/v1
service: journey
tier: gold
slos:
  - name: serial
    composite: {method: serial, slos: [steady/availability, burning/availability, gateway/reachability]}
  - name: weighted
    composite: {method: weighted, slos: [steady/availability, burning/availability]}
  - name: worst
    composite: {method: least_healthy, slos: [steady/availability, steady/latency, burning/availability]}
  - name: blind
    composite: {method: weighted, slos: [steady/availability, ghost/availability]}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	s, out, errOut := testStreams(nil)
	code := run(context.Background(), []string{"burn", "-o", "json", "--specs", specs, "--service", "journey",
		"--prometheus.url", url, "--at", scenario.At.Format(time.RFC3339)}, s)
	if code != exitOK {
		t.Fatalf("burn exit %d: %s", code, errOut)
	}
	var rep report.BurnReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]report.SLOStatus{}
	for _, s := range rep.SLOs {
		got[s.SLO] = s
	}
	steady, burning := truth.Events["steady/availability"].Window, truth.Events["burning/availability"].Window
	latency, gateway := truth.Events["steady/latency"].Window, truth.Probes["gateway/reachability"].Window
	ratio := func(f func(time.Duration) (float64, float64), w time.Duration) float64 {
		b, tot := f(w)
		return b / tot
	}
	want := map[string]func(w time.Duration) float64{
		"serial": func(w time.Duration) float64 {
			return 1 - (1-ratio(steady, w))*(1-ratio(burning, w))*(1-ratio(gateway, w))
		},
		"weighted": func(w time.Duration) float64 {
			b1, t1 := steady(w)
			b2, t2 := burning(w)
			return (b1 + b2) / (t1 + t2)
		},
		"worst": func(w time.Duration) float64 {
			return max(ratio(steady, w), ratio(latency, w), ratio(burning, w))
		},
	}
	week := 7 * 24 * time.Hour
	for name, f := range want {
		c := got[name]
		if c.DataState != "ok" || c.ErrorRatio == nil {
			t.Fatalf("%s: %s (%s)", name, c.DataState, c.Reason)
		}
		// near: the truth is exact, and the samples are aligned (relTol).
		if w := f(week); !near(*c.ErrorRatio, w) {
			t.Errorf("%s error ratio %.17g, want %.17g", name, *c.ErrorRatio, w)
		}
		for _, br := range c.BurnRates {
			win := time.Duration(br.Seconds * float64(time.Second))
			if w := f(win) / (1 - 0.999); br.BurnRate == nil || !near(*br.BurnRate, w) {
				t.Errorf("%s burn rate over %s = %v, want %v", name, br.Window, deref(br.BurnRate), w)
			}
		}
	}
	worst, hi := "", -1.0
	for id, f := range map[string]func(time.Duration) (float64, float64){"steady/availability": steady, "steady/latency": latency, "burning/availability": burning} {
		if r := ratio(f, week); r > hi {
			worst, hi = id, r
		}
	}
	if w := got["worst"].Composite.LeastHealthy; w != worst {
		t.Errorf("least healthy %q, want %s (error ratio %v over the week)", w, worst, hi)
	}
	if b := got["blind"]; b.DataState != "no_data" || b.Availability != nil {
		t.Errorf("blind: %s, availability %v: want no data", b.DataState, deref(b.Availability))
	}
}
