package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

// The backend agreement test: the scenario's data (one sample a minute,
// aligned to the evaluation time, with known outages and exact truth) is
// loaded into Prometheus 2.42, a Prometheus 3.x and VictoriaMetrics, and
// `nines burn` is run against each. Every SLO's error ratio, budget left and
// burn rates are compared twice:
//
//   - with the backend's semantics (backendSemantics), modelled from the
//     truth's per-minute increments, to 1e-9: this shows that the documented
//     differences (docs/backends.md) explain the whole difference;
//   - with the exact truth, within the tolerance the semantics allow, stated
//     per backend below; the measured differences are logged as the table in
//     docs/backends.md.
//
// The truth of an event SLI over a window w at At is the events in
// (At-w, At]; of a probe SLI, the share of failed samples in (At-w, At] (one
// sample a minute stands for that minute).

// semantics is how a backend turns the samples of a window into a count.
type semantics struct {
	// closed: a range [w] at t holds the sample at t-w (Prometheus 2.x);
	// otherwise it is left-open, (t-w, t].
	closed bool
	// extrapolates: increase() is the difference between the first and the
	// last sample in the range, resets added, extrapolated towards the
	// range's start (Prometheus, see extrapolatedIncrease); otherwise it
	// starts from the last sample before the range and is not extrapolated
	// (VictoriaMetrics).
	extrapolates bool
}

var backendSemantics = []struct {
	name  string
	start func(testing.TB, []byte) *promtest.Server
	sem   semantics
	// tolerance, against the exact truth:
	//   - Prometheus 2.x: 1e-9 relative for events. The closed range
	//     [At-w, At] holds a sample at both ends and increase() extrapolates
	//     nothing: the count is the truth, up to float summation. Its probe
	//     windows hold n+1 samples for n minutes: bad off by 0 or 1, total
	//     by 1.
	//   - Prometheus 3.x: the left-open range (At-w, At] loses the sample at
	//     At-w, so increase() sees n-1 of a window's n one-minute increments
	//     and extrapolates them over at most one more minute: each series's
	//     count is off by at most n/(n-1) times its largest one-minute
	//     increment in the window, and bad and total by the sum of that over
	//     their series. Probe windows hold exactly the n samples of the truth.
	//   - VictoriaMetrics: increase() starts from the last sample before the
	//     range, so event counts are exact (1e-9); probe windows are
	//     left-open as in 3.x and exact too.
}{
	{"Prometheus 2.42 (Debian)", promtest.Start, semantics{closed: true, extrapolates: true}},
	{"Prometheus 3.x (" + prometheus3Version + ")", promtest.StartPrometheus3, semantics{closed: false, extrapolates: true}},
	{"VictoriaMetrics 1.79 (Debian)", promtest.StartVictoriaMetrics, semantics{closed: false, extrapolates: false}},
}

// prometheus3Version is the github.com/prometheus/prometheus module version
// in go.mod that scripts/test.sh builds; it names Prometheus 3.16.0.
const prometheus3Version = "v0.316.0"

// modelTol is the tolerance against each backend's own semantics: the model
// does the same arithmetic in another order.
const modelTol = 1e-9

// history is the scenario's minutes of data before At: minute i (At + i
// minutes) is index i+history of its per-minute slices.
const history = 8 * 24 * 60

// count is a bad and total count with the bounds the tolerance allows.
type count struct {
	bad, total       float64
	badErr, totalErr float64 // absolute bounds on the difference from the truth
}

// counter is one counter series of the scenario: its value per minute.
type counter []float64

// cumulate builds a counter from per-minute increments as the scenario
// does: the first sample holds the first increment, and at minute resetAt
// (relative to At) the process restarts from 0.
func cumulate(inc []float64, resetAt int) counter {
	c := make(counter, len(inc))
	v := 0.0
	for k, x := range inc {
		if k-history == resetAt {
			v = 0
		}
		v += x
		c[k] = v
	}
	return c
}

// linear is a counter that reads perMinute*k at index k (the scenario's
// histogram series).
func linear(perMinute float64, n int) counter {
	c := make(counter, n)
	for k := range c {
		c[k] = perMinute * float64(k)
	}
	return c
}

// increase is what a backend with sem answers for increase(c[n minutes]) at
// At, and the bound on its difference from the truth.
func (c counter) increase(n int, sem semantics) (v, bound float64) {
	first := history - n // the sample at At-w
	if !sem.closed && sem.extrapolates {
		first++ // left out of a left-open range; VictoriaMetrics starts from it
	}
	last := history
	maxInc := 0.0
	for k := first + 1; k <= last; k++ {
		d := c[k] - c[k-1]
		if d < 0 { // a reset: the counter restarted from 0
			d = c[k]
		}
		v += d
		maxInc = math.Max(maxInc, d)
	}
	if first == history-n {
		return v, 0 // every increment of the window, nothing to extrapolate
	}
	// Prometheus's extrapolation (promql extrapolatedRate) with the first
	// sample one minute after the range's start, samples a minute apart:
	// that minute is under 1.1 average intervals, so the result is stretched
	// over it, unless the counter would reach zero sooner.
	sampled := float64(last - first)
	toStart := 1.0
	if v > 0 && c[first] >= 0 {
		toStart = math.Min(toStart, sampled*c[first]/v)
	}
	return v * (sampled + toStart) / sampled, float64(n) / float64(n-1) * maxInc
}

// sumIncrease is sum(increase(...)) over the series.
func sumIncrease(series []counter, n int, sem semantics) (v, bound float64) {
	for _, c := range series {
		x, b := c.increase(n, sem)
		v += x
		bound += b
	}
	return v, bound
}

// eventSLI is an event SLI by its counter series: bad and total, or good and
// total (bad = total - good).
type eventSLI struct {
	truth            scenario.Events
	bad, good, total []counter
}

// count is what a backend with sem returns over n minutes ending at At, and
// the truth.
func (e eventSLI) count(n int, sem semantics) (got, truth count) {
	truth.bad, truth.total = e.truth.Window(time.Duration(n) * time.Minute)
	got.total, got.totalErr = sumIncrease(e.total, n, sem)
	if e.bad != nil {
		got.bad, got.badErr = sumIncrease(e.bad, n, sem)
	} else {
		good, goodErr := sumIncrease(e.good, n, sem)
		got.bad, got.badErr = got.total-good, goodErr+got.totalErr
	}
	return got, truth
}

// probeCount is what a backend with sem returns for a probe SLI over n
// minutes ending at At, and the truth.
func probeCount(p scenario.Probe, n int, sem semantics) (got, truth count) {
	for i := -n; i <= 0; i++ {
		failed := 1 - p.Up[i+history]
		if i > -n {
			truth.bad += failed
			truth.total++
		}
		if i > -n || sem.closed {
			got.bad += failed
			got.total++
		}
	}
	if sem.closed {
		got.badErr, got.totalErr = 1, 1
	}
	return got, truth
}

// ratioBounds is the range of bad/total when bad and total are each off by
// at most their bounds.
func ratioBounds(c count) (lo, hi float64) {
	lo = math.Max(0, c.bad-c.badErr) / (c.total + c.totalErr)
	hi = math.Min(c.total+c.totalErr, c.bad+c.badErr) / math.Max(c.total-c.totalErr, 1e-300)
	return lo, math.Min(hi, 1)
}

// relDiff is |got-want| relative to want, absolute when want is 0.
func relDiff(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func TestBackendsAgreeWithTruth(t *testing.T) {
	om, truth := scenario.Generate()
	specs := t.TempDir()
	if err := scenario.WriteSpecs(specs); err != nil {
		t.Fatal(err)
	}
	// The SLOs with data and enough events (sparse has too few, ghost none).
	type sli struct {
		kind      string // the table's row: events or probe
		count     func(n int, sem semantics) (got, truth count)
		objective float64
		length    time.Duration
	}
	events := func(e eventSLI, objective float64, length time.Duration) sli {
		return sli{"events", e.count, objective, length}
	}
	// The counter series each SLI's queries sum, as scenario.Generate
	// writes them.
	noReset := math.MinInt
	ev := func(id string) scenario.Events { return truth.Events[id] }
	steady := eventSLI{truth: ev("steady/availability"),
		bad:   []counter{cumulate(ev("steady/availability").Bad, noReset)},
		total: []counter{cumulate(ev("steady/availability").Good, noReset), cumulate(ev("steady/availability").Bad, noReset)}}
	steadyMonthly := steady
	steadyMonthly.truth = ev("steady/monthly")
	burning := eventSLI{truth: ev("burning/availability"),
		good:  []counter{cumulate(ev("burning/availability").Good, noReset)},
		total: []counter{cumulate(ev("burning/availability").Good, noReset), cumulate(ev("burning/availability").Bad, noReset)}}
	exhausted := eventSLI{truth: ev("exhausted/availability"),
		bad:   []counter{cumulate(ev("exhausted/availability").Bad, -2*1440)},
		total: []counter{cumulate(ev("exhausted/availability").Good, -2*1440), cumulate(ev("exhausted/availability").Bad, -2*1440)}}
	samples := len(ev("steady/latency").Good)
	latency := eventSLI{truth: ev("steady/latency"), // le="0.3" bucket and _count
		good:  []counter{linear(995, samples)},
		total: []counter{linear(1000, samples)}}
	week, month := 7*24*time.Hour, 30*24*time.Hour
	slis := map[string]sli{
		"steady/availability":    events(steady, 0.999, week),
		"steady/monthly":         events(steadyMonthly, 0.999, month),
		"steady/latency":         events(latency, 0.99, week),
		"burning/availability":   events(burning, 0.999, week),
		"exhausted/availability": events(exhausted, 0.999, week),
		"gateway/reachability": {"probe", func(n int, sem semantics) (count, count) {
			return probeCount(truth.Probes["gateway/reachability"], n, sem)
		}, 0.999, week},
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range slis {
			if !yield(id) {
				return
			}
		}
	})

	columns := []string{"SLO window error ratio", "budget left"}
	burnWindows := []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}
	for _, w := range burnWindows {
		columns = append(columns, "burn "+w)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| backend | SLIs | %s | nines burn |\n|---|---|%s---|\n", strings.Join(columns, " | "), strings.Repeat("---:|", len(columns)))
	kinds := []string{"events", "probe"}
	kindSLOs := map[string]int{}
	for _, w := range slis {
		kindSLOs[w.kind]++
	}

	for _, b := range backendSemantics {
		t.Run(strings.Fields(b.name)[0]+"-"+strings.Fields(b.name)[1], func(t *testing.T) {
			srv := b.start(t, om)
			s, out, errOut := testStreams(nil)
			begin := time.Now()
			code := run(context.Background(), []string{"burn", "-o", "json", "--specs", specs,
				"--prometheus.url", srv.URL, "--at", scenario.At.Format(time.RFC3339)}, s)
			took := time.Since(begin)
			if code != exitOK {
				t.Fatalf("burn exit code %d, stderr:\n%s", code, errOut)
			}
			var rep report.BurnReport
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("burn -o json is not JSON: %v\n%s", err, out)
			}
			got := map[string]report.SLOStatus{}
			for _, s := range rep.SLOs {
				got[s.Service+"/"+s.SLO] = s
			}
			// the largest difference from the truth per kind and column
			worst := map[string][]float64{}
			for _, k := range kinds {
				worst[k] = make([]float64, len(columns))
			}
			var kind string
			// check compares one figure with the backend's model (1e-9) and
			// with the truth (within [lo, hi]), and records the difference.
			check := func(col int, what string, v *float64, model, want, lo, hi float64) {
				t.Helper()
				if v == nil {
					t.Errorf("%s: no value", what)
					return
				}
				if d := relDiff(*v, model); d > modelTol {
					t.Errorf("%s = %.12g, the backend's semantics give %.12g (relative difference %.3g > %g)", what, *v, model, d, modelTol)
				}
				if *v < lo-modelTol*math.Abs(lo) || *v > hi+modelTol*math.Abs(hi) {
					t.Errorf("%s = %.12g, truth %.12g, tolerance allows [%.12g, %.12g]", what, *v, want, lo, hi)
				}
				worst[kind][col] = math.Max(worst[kind][col], relDiff(*v, want))
			}
			for _, id := range ids {
				w := slis[id]
				kind = w.kind
				st, ok := got[id]
				if !ok {
					t.Errorf("no row for %s", id)
					continue
				}
				if st.DataState != "ok" {
					t.Errorf("%s: data state %q (%s), want ok", id, st.DataState, st.Reason)
					continue
				}
				elapsed := st.At.Sub(st.WindowStart)
				n := int(elapsed / time.Minute)
				gotC, truthC := w.count(n, b.sem)
				lo, hi := ratioBounds(count{truthC.bad, truthC.total, gotC.badErr, gotC.totalErr})
				check(0, id+" error ratio", st.ErrorRatio, gotC.bad/gotC.total, truthC.bad/truthC.total, lo, hi)
				budget := func(r float64) float64 {
					return 1 - r*elapsed.Minutes()/((1-w.objective)*w.length.Minutes())
				}
				// budget left falls as the ratio rises
				check(1, id+" budget left", st.BudgetLeft, budget(gotC.bad/gotC.total), budget(truthC.bad/truthC.total), budget(hi), budget(lo))

				if len(st.BurnRates) != len(burnWindows) {
					t.Errorf("%s: %d burn windows, want %d", id, len(st.BurnRates), len(burnWindows))
				}
				for _, br := range st.BurnRates {
					col := slices.Index(burnWindows, br.Window)
					if col < 0 {
						t.Errorf("%s: unexpected burn window %s", id, br.Window)
						continue
					}
					m := int(br.Seconds / 60)
					gotW, truthW := w.count(m, b.sem)
					lo, hi := ratioBounds(count{truthW.bad, truthW.total, gotW.badErr, gotW.totalErr})
					budget := 1 - w.objective
					check(2+col, id+" burn rate over "+br.Window, br.BurnRate,
						gotW.bad/gotW.total/budget, truthW.bad/truthW.total/budget, lo/budget, hi/budget)
				}
			}
			for _, k := range kinds {
				cells := make([]string, len(columns))
				for i, d := range worst[k] {
					cells[i] = fmt.Sprintf("%.2g", d)
				}
				slos := fmt.Sprintf("%d SLOs", kindSLOs[k])
				if kindSLOs[k] == 1 {
					slos = "1 SLO"
				}
				fmt.Fprintf(&table, "| %s | %s (%s) | %s | %s |\n", b.name, k, slos, strings.Join(cells, " | "), took.Round(10*time.Millisecond))
			}
		})
	}
	t.Logf("largest relative difference from the exact truth (absolute where the truth is 0), and the time `nines burn` took:\n%s", table.String())
}
