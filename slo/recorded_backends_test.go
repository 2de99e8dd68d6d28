package slo_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/slo"
)

// The fast path on every backend: the same raw counters and the records
// that the rules give on them (the exact 5m increases, written as samples:
// promtool backfills rules for Prometheus only, and the records' values are
// what a ruler computes at aligned samples on Prometheus 2 and
// VictoriaMetrics), loaded into Prometheus 2.42, Prometheus 3.x and
// VictoriaMetrics. On each, the recorded path must equal the exact truth,
// the raw path must agree with it as docs/backends.md says, and the guard
// must send to raw data an SLO whose records start late or miss one.

// backendData is the span of the data: a 1d window and 6 hours before it.
const backendSpan = 30 * time.Hour

// recordsFrom is when the records start, after the data: a 1d window
// ending before recordsFrom + 1d reaches before them.
const recordsFrom = 3 * time.Hour

// backendFixture is the data of the test and its truth: per service the
// one-minute increments of its bad and total events, minute i covering
// (start + (i-1)m, start + i m].
type backendFixture struct {
	start, end time.Time
	bad, total map[string][]float64
	// maxInc is the largest one-minute increment of any one series.
	maxInc float64
}

// truth is the events of service in (t-w, t].
func (f *backendFixture) truth(incs []float64, t time.Time, w time.Duration) float64 {
	hi := int(t.Sub(f.start) / time.Minute)
	lo := hi - int(w/time.Minute)
	sum := 0.0
	for i := lo + 1; i <= hi; i++ {
		sum += incs[i]
	}
	return sum
}

// backendServices: "steady" has every record from recordsFrom on;
// "gappy" misses one, 10 hours before the end (a missed evaluation).
var backendServices = []string{"steady", "gappy"}

func newBackendFixture() (*backendFixture, []byte) {
	end := time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)
	f := &backendFixture{start: end.Add(-backendSpan), end: end, bad: map[string][]float64{}, total: map[string][]float64{}}
	n := int(backendSpan / time.Minute)
	fam := omtext.Family{Name: "bk_requests", Type: omtext.Counter}
	for si, svc := range backendServices {
		f.bad[svc], f.total[svc] = make([]float64, n+1), make([]float64, n+1)
		for _, inst := range []string{"a", "b"} {
			for _, code := range []string{"200", "500"} {
				ser := omtext.Series{Labels: map[string]string{"service": svc, "instance": inst, "code": code}}
				v := 0.0
				for i := range n + 1 {
					inc := 0.0
					switch {
					case i == 0:
					case code == "200":
						inc = float64(40 + (i*7+len(inst)+si)%31)
					case i > n/2 && i < n/2+30:
						inc = 50 // an outage
					case i%3 == 0:
						inc = 1
					}
					v += inc
					if inst == "b" && i == n*3/4 {
						v = inc // the instance restarted: the counter starts again
					}
					f.total[svc][i] += inc
					if code == "500" {
						f.bad[svc][i] += inc
					}
					f.maxInc = max(f.maxInc, inc)
					ser.Samples = append(ser.Samples, omtext.Sample{T: f.start.Add(time.Duration(i) * time.Minute), V: v})
				}
				fam.Series = append(fam.Series, ser)
			}
		}
	}
	fams := []omtext.Family{fam}
	for _, rec := range []struct {
		name string
		incs map[string][]float64
	}{{slo.RecordedBad, f.bad}, {slo.RecordedTotal, f.total}} {
		rf := omtext.Family{Name: rec.name, Type: omtext.Gauge}
		for _, svc := range backendServices {
			ser := omtext.Series{Labels: map[string]string{"service": svc, "slo": "availability", "tier": "critical"}}
			for r := f.start.Add(recordsFrom + slo.RecordedInterval); !r.After(end); r = r.Add(slo.RecordedInterval) {
				if svc == "gappy" && r.Equal(end.Add(-10*time.Hour)) {
					continue
				}
				ser.Samples = append(ser.Samples, omtext.Sample{T: r, V: f.truth(rec.incs[svc], r, slo.RecordedInterval)})
			}
			rf.Series = append(rf.Series, ser)
		}
		fams = append(fams, rf)
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, fams); err != nil {
		panic(err)
	}
	return f, b.Bytes()
}

func backendSLOs() []slo.SLO {
	var out []slo.SLO
	for _, svc := range backendServices {
		out = append(out, slo.SLO{Service: svc, Name: "availability", Tier: "critical", Objective: 0.999,
			Window: slo.Window{Rolling: budget.Day, Location: time.UTC}, Alerts: recordedAlerts,
			SLI: slo.SLI{Kind: slo.Events,
				Bad:   fmt.Sprintf(`sum(increase(bk_requests_total{service=%q,code="500"}[{{.window}}]))`, svc),
				Total: fmt.Sprintf(`sum(increase(bk_requests_total{service=%q}[{{.window}}]))`, svc)}})
	}
	return out
}

func TestRecordedPathOnEveryBackend(t *testing.T) {
	f, data := newBackendFixture()
	slos := backendSLOs()
	for _, b := range []struct {
		name  string
		start func(testing.TB, []byte) *promtest.Server
		// rawExact: the raw path's increase() is the truth at aligned
		// times (closed ranges, or no extrapolation). Prometheus 3.x's
		// left-open ranges replace a window's first one-minute increment
		// by the mean of the others (docs/backends.md): per series at
		// most n/(n-1) × its largest increment off, n ≥ 5 minutes, so
		// 1.25 × maxInc × the 4 series of a total (2 of a bad count).
		rawExact bool
	}{
		{"Prometheus 2.42", promtest.Start, true},
		{"Prometheus 3.x", promtest.StartPrometheus3, false},
		{"VictoriaMetrics", promtest.StartVictoriaMetrics, true},
	} {
		t.Run(strings.ReplaceAll(b.name, " ", ""), func(t *testing.T) {
			q := serveHTTP(t, b.start(t, data).URL)
			ctx := context.Background()
			worstRaw, worstRec := 0.0, 0.0
			// The steady service at three record times whose 1d window is
			// within the records; the gappy one only before its gap.
			for _, at := range []time.Time{f.end, f.end.Add(-time.Hour - 35*time.Minute), f.start.Add(recordsFrom + budget.Day)} {
				raw := slo.Evaluate(ctx, q, slos, slo.EvalOptions{At: at, Recorded: slo.RecordedNever})
				fast := slo.Evaluate(ctx, q, slos, slo.EvalOptions{At: at, Recorded: slo.RecordedAuto})
				for i, s := range slos {
					r, e := raw[i], fast[i]
					if r.Err != nil || e.Err != nil || r.SLI.State != slo.DataOK || e.SLI.State != slo.DataOK {
						t.Fatalf("%s at %s: raw %v %s, auto %v %s", s.ID(), at, r.Err, r.SLI.State, e.Err, e.SLI.State)
					}
					if s.Service == "gappy" {
						// The gap is in every window of a day ending after
						// it: raw data, and the reason names the count.
						if e.Path != slo.PathRaw || !strings.Contains(e.PathReason, "has 287 records where its windows need 288") {
							t.Errorf("gappy at %s: path %s (%s); want raw for the missing record", at, e.Path, e.PathReason)
						}
						continue
					}
					if e.Path != slo.PathRecorded || !e.RecordedAt.Equal(at) {
						t.Fatalf("%s at %s: path %s (%s), records end %s", s.ID(), at, e.Path, e.PathReason, e.RecordedAt)
					}
					rm, em := append([]slo.Measurement{r.SLI}, r.Burn...), append([]slo.Measurement{e.SLI}, e.Burn...)
					for j := range rm {
						w := rm[j].Window
						for _, c := range []struct {
							what        string
							raw, rec    float64
							incs        []float64
							seriesCount float64
						}{{"total", rm[j].Total, em[j].Total, f.total[s.Service], 4}, {"bad", rm[j].Bad, em[j].Bad, f.bad[s.Service], 2}} {
							want := f.truth(c.incs, at, w)
							// Records are the exact 5m increases, summed:
							// float rounding only.
							if !near(c.rec, want, 1e-9) {
								t.Errorf("%s at %s over %s: recorded %s %v, truth %v", s.ID(), at, slo.PromQLDuration(w), c.what, c.rec, want)
							}
							worstRec = max(worstRec, relDiff(c.rec, want))
							worstRaw = max(worstRaw, relDiff(c.raw, want))
							tol := 1e-9 * math.Max(1, want)
							if !b.rawExact {
								tol = 1.25 * f.maxInc * c.seriesCount
							}
							if math.Abs(c.raw-want) > tol {
								t.Errorf("%s at %s over %s: raw %s %v, truth %v (tolerance %v)", s.ID(), at, slo.PromQLDuration(w), c.what, c.raw, want, tol)
							}
						}
					}
				}
			}
			t.Logf("%s: largest relative difference from the truth: recorded path %.1e, raw path %.1e", b.name, worstRec, worstRaw)

			// A window reaching before the records: auto reads raw data,
			// always fails.
			early := f.start.Add(recordsFrom + budget.Day - 5*time.Minute)
			auto := slo.Evaluate(ctx, q, slos, slo.EvalOptions{At: early, Recorded: slo.RecordedAuto})
			always := slo.Evaluate(ctx, q, slos, slo.EvalOptions{At: early, Recorded: slo.RecordedAlways})
			for i, s := range slos {
				if auto[i].Path != slo.PathRaw || auto[i].Err != nil || !strings.Contains(auto[i].PathReason, "records where its windows need 288") {
					t.Errorf("%s before the records, auto: path %s (%s), err %v", s.ID(), auto[i].Path, auto[i].PathReason, auto[i].Err)
				}
				if always[i].Err == nil || !strings.Contains(always[i].Err.Error(), "--recorded always, but") {
					t.Errorf("%s before the records, always: err %v", s.ID(), always[i].Err)
				}
			}
		})
	}
}

// relDiff is |a-b| relative to the larger (absolute below 1).
func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// PlanRecorded batches as Evaluate does: 1,001 SLOs with the same windows
// make 3 batches (500 at most), each sending the probe, the count and a
// bad and a total sum per piece; a raw SLI is left out with its reason.
func TestPlanRecordedBatches(t *testing.T) {
	at := time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)
	var evals []slo.Evaluation
	for i := range 1001 {
		s := backendSLOs()[0]
		s.Service = fmt.Sprintf("s%d", i)
		evals = append(evals, slo.Evaluation{SLO: s, At: at, Start: at.Add(-budget.Day), Elapsed: budget.Day})
	}
	raw := slo.SLO{Service: "r", Name: "x", SLI: slo.SLI{Kind: slo.Raw, ErrorRatio: "vector(0)"}, Window: slo.Window{Rolling: budget.Day}}
	evals = append(evals, slo.Evaluation{SLO: raw, At: at, Start: at.Add(-budget.Day), Elapsed: budget.Day})
	c := slo.PlanRecorded(evals, false)
	// Windows 5m, 30m, 1h, 2h, 6h, 1d: 6 pieces, 2 + 2 × 6 = 14 queries a
	// batch; 288 records read 3 times and the probe's 1: 865 samples.
	if c.FleetQueries != 3*14 || c.Queries[0] != 14 || c.Samples[0] != 865 || c.Reasons[0] != "" {
		t.Errorf("fleet %d queries, first SLO %d queries %d samples (%q); want 42, 14, 865", c.FleetQueries, c.Queries[0], c.Samples[0], c.Reasons[0])
	}
	if last := len(evals) - 1; c.Reasons[last] != "a raw SLI has no recorded series" || c.Samples[last] != 0 {
		t.Errorf("raw SLI: reason %q, samples %d", c.Reasons[last], c.Samples[last])
	}
}
