// Package scenario generates metrics with known outages, and the nines specs
// that measure them, for integration tests against a real Prometheus. Every
// number a test expects is computed here exactly from the generated samples.
//
// The data has one sample a minute for every series, aligned to whole
// minutes, from At-8d to At+10m. Evaluating at At, a range [At-w, At] holds a
// sample at both ends, so Prometheus 2.x's increase() has nothing to
// extrapolate and equals the sum of the increments in (At-w, At] exactly.
package scenario

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
)

// At is the evaluation time of the scenario.
var At = time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)

const (
	history = 8 * 24 * 60 // minutes of data before At
	after   = 10          // minutes of data after At
)

// Minute i is At + i minutes; data spans i in [-history, after].

// Events is the truth of an event-based SLI: good and bad increments per minute.
type Events struct {
	Good, Bad []float64 // indexed by i+history
}

// Window sums the increments in (At-w, At] (Prometheus 2.x's closed range
// [At-w, At] with increase() over aligned samples).
func (e Events) Window(w time.Duration) (bad, total float64) {
	n := int(w / time.Minute)
	for i := -n + 1; i <= 0; i++ {
		bad += e.Bad[i+history]
		total += e.Good[i+history] + e.Bad[i+history]
	}
	return bad, total
}

// Probe is the truth of a probe SLI: the 0/1 value per minute.
type Probe struct {
	Up []float64
}

// Window counts samples in the closed range [At-w, At], as Prometheus 2.x's
// sum_over_time and count_over_time do.
func (p Probe) Window(w time.Duration) (bad, total float64) {
	n := int(w / time.Minute)
	for i := -n; i <= 0; i++ {
		total++
		bad += 1 - p.Up[i+history]
	}
	return bad, total
}

// Truth holds what was generated, per "service/slo".
type Truth struct {
	Events map[string]Events
	Probes map[string]Probe
	// Ratios are the constant error ratios of raw SLIs.
	Ratios map[string]float64
}

func minutes() int { return history + after + 1 }

func ts(i int) time.Time { return At.Add(time.Duration(i) * time.Minute) }

// in reports whether minute i falls in [from, to) minutes relative to At.
func in(i, from, to int) bool { return i >= from && i < to }

// Generate returns the OpenMetrics text and the truth.
func Generate() ([]byte, Truth) {
	tr := Truth{Events: map[string]Events{}, Probes: map[string]Probe{}, Ratios: map[string]float64{}}
	n := minutes()
	events := func(id string, good, bad func(i int) float64) Events {
		e := Events{Good: make([]float64, n), Bad: make([]float64, n)}
		for k := range n {
			i := k - history
			e.Good[k], e.Bad[k] = good(i), bad(i)
		}
		tr.Events[id] = e
		return e
	}
	// steady: 1000 requests a minute, one error every other minute (0.05%).
	steady := events("steady/availability", func(i int) float64 {
		if i%2 == 0 {
			return 999
		}
		return 1000
	}, func(i int) float64 {
		if i%2 == 0 {
			return 1
		}
		return 0
	})
	tr.Events["steady/monthly"] = steady
	// burning: clean, then 2% errors over the last 90 minutes before At.
	burning := events("burning/availability", func(i int) float64 {
		if in(i, -89, 1) {
			return 980
		}
		return 1000
	}, func(i int) float64 {
		if in(i, -89, 1) {
			return 20
		}
		return 0
	})
	// exhausted: a full two-hour outage four days ago, and a process restart
	// (counter reset) two days ago.
	exhausted := events("exhausted/availability", func(i int) float64 {
		if in(i, -4*1440, -4*1440+120) {
			return 0
		}
		return 500
	}, func(i int) float64 {
		if in(i, -4*1440, -4*1440+120) {
			return 500
		}
		return 0
	})
	// sparse: one request a minute, never an error; its SLO asks for more events.
	events("sparse/availability", func(int) float64 { return 1 }, func(int) float64 { return 0 })
	// latency: 1000 requests a minute, 995 of them within 0.3s.
	events("steady/latency", func(int) float64 { return 995 }, func(int) float64 { return 5 })
	// probe: down for 30 minutes a day and a half ago.
	probe := Probe{Up: make([]float64, n)}
	for k := range n {
		probe.Up[k] = 1
		if in(k-history, -36*60, -36*60+30) {
			probe.Up[k] = 0
		}
	}
	tr.Probes["gateway/reachability"] = probe
	tr.Ratios["recs/personalised"] = 0.01

	var fams []omtext.Family
	counter := func(svc, code string, inc []float64, resetAt int) omtext.Series {
		s := omtext.Series{Labels: map[string]string{"service": svc, "code": code}}
		v := 0.0
		for k := range n {
			i := k - history
			if i == resetAt {
				v = 0
			}
			v += inc[k]
			s.Samples = append(s.Samples, omtext.Sample{T: ts(i), V: v})
		}
		return s
	}
	noReset := -1 << 30
	fams = append(fams, omtext.Family{Name: "http_requests", Type: omtext.Counter, Series: []omtext.Series{
		counter("steady", "200", steady.Good, noReset),
		counter("steady", "500", steady.Bad, noReset),
		counter("burning", "200", burning.Good, noReset),
		counter("burning", "503", burning.Bad, noReset),
		counter("exhausted", "200", exhausted.Good, -2*1440),
		counter("exhausted", "500", exhausted.Bad, -2*1440),
		counter("sparse", "200", tr.Events["sparse/availability"].Good, noReset),
	}})

	// Histogram: per minute 900 requests <= 0.1s, 95 in (0.1, 0.3], 5 in (0.3, 1].
	hist := omtext.Family{Name: "http_request_duration_seconds", Type: omtext.Histogram}
	bounds := []struct {
		le  string
		inc float64
	}{{"0.1", 900}, {"0.3", 995}, {"1", 1000}, {"+Inf", 1000}}
	for _, b := range bounds {
		s := omtext.Series{Suffix: omtext.SuffixBucket, Labels: map[string]string{"service": "steady", "le": b.le}}
		for k := range n {
			s.Samples = append(s.Samples, omtext.Sample{T: ts(k - history), V: b.inc * float64(k)})
		}
		hist.Series = append(hist.Series, s)
	}
	cnt := omtext.Series{Suffix: omtext.SuffixCount, Labels: map[string]string{"service": "steady"}}
	sum := omtext.Series{Suffix: omtext.SuffixSum, Labels: map[string]string{"service": "steady"}}
	for k := range n {
		cnt.Samples = append(cnt.Samples, omtext.Sample{T: ts(k - history), V: 1000 * float64(k)})
		sum.Samples = append(sum.Samples, omtext.Sample{T: ts(k - history), V: 100 * float64(k)})
	}
	hist.Series = append(hist.Series, cnt, sum)
	fams = append(fams, hist)

	up := omtext.Series{Labels: map[string]string{"job": "blackbox", "instance": "https://gw.example.com"}}
	for k := range n {
		up.Samples = append(up.Samples, omtext.Sample{T: ts(k - history), V: probe.Up[k]})
	}
	fams = append(fams, omtext.Family{Name: "probe_success", Type: omtext.Gauge, Series: []omtext.Series{up}})

	req, fb := omtext.Series{}, omtext.Series{}
	for k := range n {
		req.Samples = append(req.Samples, omtext.Sample{T: ts(k - history), V: 200 * float64(k)})
		fb.Samples = append(fb.Samples, omtext.Sample{T: ts(k - history), V: 2 * float64(k)})
	}
	fams = append(fams,
		omtext.Family{Name: "recs_requests", Type: omtext.Counter, Series: []omtext.Series{req}},
		omtext.Family{Name: "recs_fallback", Type: omtext.Counter, Series: []omtext.Series{fb}},
	)

	var buf bytes.Buffer
	if err := omtext.Write(&buf, fams); err != nil {
		panic(fmt.Sprintf("scenario: generated invalid OpenMetrics: %v", err))
	}
	return buf.Bytes(), tr
}

// Specs are the spec files that measure the scenario, by file name.
var Specs = map[string]string{
	"tiers.yaml": `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 7d
    no_data: block
    min_events: 100
  silver:
    objective: 99
    window: 7d
    no_data: warn
`,
	"steady.yaml": `version: nines/v1
service: steady
tier: gold
owner: {team: core, contact: "#core"}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(http_requests_total{service="steady",code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="steady"}[{{.window}}]))
  - name: monthly
    window: month
    sli:
      events:
        bad: sum(increase(http_requests_total{service="steady",code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="steady"}[{{.window}}]))
  - name: latency
    objective: 99
    sli:
      latency:
        metric: http_request_duration_seconds
        labels: {service: steady}
        threshold: 0.3
`,
	"burning.yaml": `version: nines/v1
service: burning
tier: gold
owner: {team: web}
slos:
  - name: availability
    sli:
      events:
        good: sum(increase(http_requests_total{service="burning",code!~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="burning"}[{{.window}}]))
`,
	"exhausted.yaml": `version: nines/v1
service: exhausted
tier: gold
owner: {team: web}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(http_requests_total{service="exhausted",code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="exhausted"}[{{.window}}]))
`,
	"sparse.yaml": `version: nines/v1
service: sparse
tier: gold
slos:
  - name: availability
    min_events: 100000
    sli:
      events:
        bad: sum(increase(http_requests_total{service="sparse",code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service="sparse"}[{{.window}}]))
`,
	"gateway.yaml": `version: nines/v1
service: gateway
tier: gold
slos:
  - name: reachability
    sli:
      probe:
        metric: probe_success
        labels: {job: blackbox, instance: "https://gw.example.com"}
`,
	"recs.yaml": `version: nines/v1
service: recs
tier: silver
slos:
  - name: personalised
    sli:
      raw:
        error_ratio: sum(increase(recs_fallback_total[{{.window}}])) / sum(increase(recs_requests_total[{{.window}}]))
`,
	"ghost.yaml": `version: nines/v1
service: ghost
tier: gold
owner: {team: nobody}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(ghost_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(increase(ghost_requests_total[{{.window}}]))
`,
}

// WriteSpecs writes Specs into dir.
func WriteSpecs(dir string) error {
	for name, body := range Specs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return fmt.Errorf("could not write scenario spec %s: %w", name, err)
		}
	}
	return nil
}
