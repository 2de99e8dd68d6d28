package prom_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// These tests load the same OpenMetrics text into a real Prometheus (through
// promtool's backfill, see internal/promtest) and into the embedded engine,
// and require the same answers to the same queries.
//
// The real server is Debian's Prometheus 2.42; the embedded engine is
// Prometheus 3.x (v0.316). Two documented changes separate them, and each has
// a test below that provokes it and shows that it explains the whole
// difference:
//
//   - Prometheus 3.0 made range selectors and the lookback window left-open:
//     a range [5m] at t holds the samples in (t-5m, t], where 2.x took
//     [t-5m, t]. The agreement tests evaluate at times off the samples' grid
//     (hh:mm:30.5), where no sample sits on a window's edge;
//     TestEmbeddedLeftOpenRangesVersusPrometheus2 evaluates on the grid.
//   - Prometheus 2.51.0 (#13725, "Constrain extrapolation in rate() to half
//     of sample interval") changed how rate() and increase() extrapolate a
//     counter whose series starts inside the range near zero. The agreement
//     tests avoid windows that reach back before a counter that starts at
//     zero; TestEmbeddedCounterStartVersusPrometheus2 provokes it.

// agreementTol is the largest relative difference allowed (absolute when the
// expected value is 0). The engines run the same algorithms; what may differ
// is the summation order of floats (Prometheus 3 uses Kahan summation in
// sum_over_time and avg_over_time), a few ulps.
const agreementTol = 1e-9

var agreementStart = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// agreementData is two days of deterministic samples exercising counters
// (with a reset), float gauges, a classic histogram, series on different
// grids and phases, a gap, NaN and infinities.
func agreementData(t testing.TB) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	end := agreementStart.Add(48 * time.Hour)
	reset := agreementStart.Add(30 * time.Hour) // api 200 restarts

	load := func(ts time.Time) float64 { // requests per second
		h := float64(ts.Sub(agreementStart)) / float64(time.Hour)
		return 20 + 12*math.Sin(2*math.Pi*h/24)
	}
	counter := func(labels map[string]string, step, phase time.Duration, share float64, resetAt time.Time) omtext.Series {
		s := omtext.Series{Labels: labels}
		v := 1000 * share
		prev := agreementStart.Add(phase - step)
		for ts := agreementStart.Add(phase); !ts.After(end); ts = ts.Add(step) {
			inc := math.Round(load(ts) * share * step.Seconds() * (0.8 + 0.4*r.Float64()))
			if !resetAt.IsZero() && !prev.After(resetAt) && ts.After(resetAt) {
				v = 0
			}
			v += inc
			s.Samples = append(s.Samples, omtext.Sample{T: ts, V: v})
			prev = ts
		}
		return s
	}
	requests := omtext.Family{Name: "http_requests", Type: omtext.Counter, Series: []omtext.Series{
		counter(map[string]string{"service": "api", "code": "200"}, time.Minute, 0, 0.97, reset),
		counter(map[string]string{"service": "api", "code": "500"}, time.Minute, 0, 0.03, time.Time{}),
		counter(map[string]string{"service": "web", "code": "200"}, 15*time.Second, 7*time.Second, 0.99, time.Time{}),
		counter(map[string]string{"service": "web", "code": "503"}, 15*time.Second, 7*time.Second, 0.01, time.Time{}),
	}}

	// A gauge with many decimals, every 30 s.
	queue := omtext.Series{Labels: map[string]string{"queue": "orders"}}
	depth := 50.0
	for ts := agreementStart; !ts.After(end); ts = ts.Add(30 * time.Second) {
		depth = math.Max(0, depth+r.NormFloat64()*3.7)
		queue.Samples = append(queue.Samples, omtext.Sample{T: ts, V: depth})
	}

	// A histogram every minute: buckets at the OpenMetrics spelling of each
	// bound, which Prometheus 3 would otherwise normalise (1 -> 1.0).
	bounds := []string{"0.05", "0.1", "0.3", "1.0", "2.5", "+Inf"}
	shares := []float64{0.30, 0.35, 0.28, 0.05, 0.015, 0.005}
	hist := make([]omtext.Series, len(bounds)+2)
	for i, le := range bounds {
		hist[i] = omtext.Series{Suffix: omtext.SuffixBucket, Labels: map[string]string{"service": "api", "le": le}}
	}
	hist[len(bounds)] = omtext.Series{Suffix: omtext.SuffixCount, Labels: map[string]string{"service": "api"}}
	hist[len(bounds)+1] = omtext.Series{Suffix: omtext.SuffixSum, Labels: map[string]string{"service": "api"}}
	cum := make([]float64, len(bounds))
	var sum float64
	for ts := agreementStart; !ts.After(end); ts = ts.Add(time.Minute) {
		n := math.Round(load(ts) * 60)
		below := 0.0
		for i := range bounds {
			k := math.Round(n * shares[i] * (0.7 + 0.6*r.Float64()))
			below += k
			cum[i] += below
			hist[i].Samples = append(hist[i].Samples, omtext.Sample{T: ts, V: cum[i]})
		}
		sum += below * (0.08 + 0.05*r.Float64())
		hist[len(bounds)].Samples = append(hist[len(bounds)].Samples, omtext.Sample{T: ts, V: cum[len(bounds)-1]})
		hist[len(bounds)+1].Samples = append(hist[len(bounds)+1].Samples, omtext.Sample{T: ts, V: sum})
	}

	// A probe every 20 s with failures and a 20-minute gap in the data.
	probe := omtext.Series{Labels: map[string]string{"instance": "https://example.com/health"}}
	gapFrom, gapTo := agreementStart.Add(20*time.Hour), agreementStart.Add(20*time.Hour+20*time.Minute)
	for ts := agreementStart; !ts.After(end); ts = ts.Add(20 * time.Second) {
		if !ts.Before(gapFrom) && ts.Before(gapTo) {
			continue
		}
		v := 1.0
		if r.Float64() < 0.02 {
			v = 0
		}
		probe.Samples = append(probe.Samples, omtext.Sample{T: ts, V: v})
	}

	// Special values in one gauge.
	weird := omtext.Series{Labels: map[string]string{"kind": "special"}}
	for i, v := range []float64{1, math.NaN(), 2, math.Inf(1), 3, math.Inf(-1), 4} {
		weird.Samples = append(weird.Samples, omtext.Sample{T: agreementStart.Add(time.Duration(10+i) * time.Hour), V: v})
	}

	var buf bytes.Buffer
	err := omtext.Write(&buf, []omtext.Family{
		requests,
		{Name: "queue_depth", Type: omtext.Gauge, Series: []omtext.Series{queue}},
		{Name: "request_duration_seconds", Type: omtext.Histogram, Unit: "seconds", Series: hist},
		{Name: "probe_success", Type: omtext.Gauge, Series: []omtext.Series{probe}},
		{Name: "weird", Type: omtext.Gauge, Series: []omtext.Series{weird}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// agreementQueries are evaluated on agreementData.
var agreementQueries = []string{
	`http_requests_total`,
	`increase(http_requests_total[5m])`,
	`increase(http_requests_total[1h])`,
	`increase(http_requests_total[1d])`,
	`rate(http_requests_total[5m])`,
	`sum by (service) (rate(http_requests_total[15m]))`,
	`sum by (service) (increase(http_requests_total{code=~"5.."}[1h])) / sum by (service) (increase(http_requests_total[1h]))`,
	`sum(increase(http_requests_total{code!~"5.."}[6h])) / sum(increase(http_requests_total[6h]))`,
	`resets(http_requests_total[1d])`,
	`queue_depth`,
	`sum_over_time(queue_depth[30m])`,
	`count_over_time(queue_depth[30m])`,
	`avg_over_time(queue_depth[1h])`,
	`max_over_time(queue_depth[1h]) - min_over_time(queue_depth[1h])`,
	`sum_over_time(queue_depth[1d])`,
	`avg_over_time(queue_depth[1d])`,
	`request_duration_seconds_bucket`,
	`increase(request_duration_seconds_bucket[1h])`,
	`sum(increase(request_duration_seconds_bucket{le="0.3"}[1h])) / sum(increase(request_duration_seconds_count[1h]))`,
	`sum(increase(request_duration_seconds_bucket{le="0.3"}[30m])) / sum(increase(request_duration_seconds_bucket{le="+Inf"}[30m]))`,
	`histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[1h])))`,
	`histogram_quantile(0.5, rate(request_duration_seconds_bucket[10m]))`,
	`rate(request_duration_seconds_sum[1h]) / rate(request_duration_seconds_count[1h])`,
	`probe_success`,
	`sum_over_time(probe_success[1h]) / count_over_time(probe_success[1h])`,
	`avg_over_time(probe_success[1h])`,
	`count_over_time(probe_success[1h]) - sum_over_time(probe_success[1h])`,
	`changes(probe_success[1d])`,
	`sum_over_time(weird[1d])`,
	`avg_over_time(weird[1d])`,
	`count_over_time(weird[1d])`,
	`max_over_time(weird[3h])`,
	`scalar(sum(increase(http_requests_total[1h])))`,
	`time()`,
	`vector(0) / 0`,
}

// offGrid returns times that no sample of agreementData (whole seconds) sits
// on, minus any whole-second range: hh:mm:30.5.
func offGrid(hours ...float64) []time.Time {
	var ts []time.Time
	for _, h := range hours {
		ts = append(ts, agreementStart.Add(time.Duration(h*float64(time.Hour))).Truncate(time.Minute).Add(30500*time.Millisecond))
	}
	return ts
}

func TestEmbeddedAgreesWithPrometheus(t *testing.T) {
	data := agreementData(t)
	srv := promtest.Start(t, data)
	e := open(t, "agreement.om", data)

	times := offGrid(
		1.5,       // early: 1d windows reach before the first sample
		6,         // first day
		20.1,      // inside the probe's gap: lookback finds nothing
		20.4,      // after the gap
		30.05,     // three minutes after the counter reset
		31,        // an hour after it
		47.99,     // the last minute of data
		48.05,     // after the data, within the lookback
		48.2,      // after the lookback
		10+4.0/60, // around the special values
	)
	var compared int
	for _, at := range times {
		for _, q := range agreementQueries {
			compared += compareInstant(t, srv.URL, e, q, at)
		}
	}
	t.Logf("compared %d samples of %d queries at %d times", compared, len(agreementQueries), len(times))
	if compared < 500 {
		t.Errorf("only %d samples compared: the queries should return data", compared)
	}

	rangeQueries := []string{
		`sum by (service) (rate(http_requests_total[5m]))`,
		`sum(increase(request_duration_seconds_bucket{le="0.3"}[30m])) / sum(increase(request_duration_seconds_count[30m]))`,
		`avg_over_time(probe_success[30m])`,
		`sum_over_time(queue_depth[10m])`,
	}
	for _, q := range rangeQueries {
		compareRange(t, srv.URL, e, q, agreementStart.Add(19*time.Hour+30500*time.Millisecond), agreementStart.Add(31*time.Hour), 7*time.Minute)
	}
}

// TestEmbeddedAgreesWithPrometheusOnTheDemo runs the queries that the example
// specs build on the demo dataset, at times off its sample grid.
func TestEmbeddedAgreesWithPrometheusOnTheDemo(t *testing.T) {
	data := demoData(t)
	srv := promtest.Start(t, data)
	e := open(t, "demo.om", data)

	var times []time.Time
	for _, s := range []string{
		"2026-07-01T00:02:30.5Z", "2026-07-15T03:17:30.5Z", "2026-07-21T16:02:30.5Z", "2026-08-12T14:47:30.5Z",
		"2026-08-27T02:32:30.5Z", "2026-09-08T18:02:30.5Z", "2026-09-30T21:57:30.5Z",
		"2026-10-14T11:59:30.5Z", "2026-10-14T12:00:30.5Z", "2026-10-15T00:00:30.5Z",
	} {
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, at)
	}
	var compared int
	for _, at := range times {
		for _, q := range demoQueries() {
			compared += compareInstant(t, srv.URL, e, q, at)
		}
	}
	t.Logf("compared %d samples at %d times", compared, len(times))

	// At the quick-start time itself, on the grid, the versions differ (see
	// TestEmbeddedLeftOpenRangesVersusPrometheus2); log by how much.
	quickStart := time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)
	for _, w := range []string{"5m", "30m", "1h", "6h", "30d"} {
		q := fmt.Sprintf(`sum(increase(http_requests_total{service="checkout",code=~"5.."}[%s])) / sum(increase(http_requests_total{service="checkout"}[%s])) / 0.0005`, w, w)
		real, emb := promQuery(t, srv.URL, q, quickStart), embeddedQuery(t, e, q, quickStart)
		t.Logf("checkout burn rate over %s at the quick start: 2.42 %.4f, embedded %.4f", w, real["{}"], emb["{}"])
	}
}

// TestEmbeddedLeftOpenRangesVersusPrometheus2 shows the one documented
// difference between Prometheus 2.42 and the embedded Prometheus 3 engine:
// at a time t on the samples' grid, a range [r] holds the sample at t-r in
// 2.x but not in 3.x. Widening the embedded range by one millisecond, the
// timestamps' resolution, makes (t-r-1ms, t] = [t-r, t], and the two agree
// again exactly for functions that do not extrapolate.
func TestEmbeddedLeftOpenRangesVersusPrometheus2(t *testing.T) {
	data := agreementData(t)
	srv := promtest.Start(t, data)
	e := open(t, "agreement.om", data)
	at := agreementStart.Add(6 * time.Hour) // on the 30 s, 1 min and 20 s grids

	for _, tt := range []struct{ closed, leftOpen string }{
		{`count_over_time(queue_depth[30m])`, `count_over_time(queue_depth[30m1ms])`},
		{`sum_over_time(queue_depth[30m])`, `sum_over_time(queue_depth[30m1ms])`},
		{`avg_over_time(probe_success[1h])`, `avg_over_time(probe_success[1h1ms])`},
		{`sum_over_time(probe_success[1h]) / count_over_time(probe_success[1h])`, `sum_over_time(probe_success[1h1ms]) / count_over_time(probe_success[1h1ms])`},
	} {
		real := promQuery(t, srv.URL, tt.closed, at)
		same := embeddedQuery(t, e, tt.closed, at)
		widened := embeddedQuery(t, e, tt.leftOpen, at)
		if diff := diffVectors(real, widened); diff != "" {
			t.Errorf("%s on 2.42 and %s embedded differ: %s", tt.closed, tt.leftOpen, diff)
		}
		if diffVectors(real, same) == "" {
			t.Errorf("%s agrees on the grid; the left-open change should show at %s", tt.closed, at.Format(time.RFC3339))
		}
	}
	// count_over_time differs by exactly the edge sample.
	real := promQuery(t, srv.URL, `count_over_time(queue_depth[30m])`, at)
	emb := embeddedQuery(t, e, `count_over_time(queue_depth[30m])`, at)
	for k, v := range real {
		if emb[k] != v-1 {
			t.Errorf("count_over_time%s: 2.42 %v, embedded %v; want one less", k, v, emb[k])
		}
	}

	// The lookback is left-open too: a sample exactly 5m old is still seen by
	// 2.42 and no longer by 3.x.
	lastProbe := agreementStart.Add(48 * time.Hour)
	atEdge := lastProbe.Add(5 * time.Minute)
	if got := promQuery(t, srv.URL, `probe_success`, atEdge); len(got) != 1 {
		t.Errorf("2.42 at the lookback edge: %v, want the last sample", got)
	}
	if got := embeddedQuery(t, e, `probe_success`, atEdge); len(got) != 0 {
		t.Errorf("embedded at the lookback edge: %v, want nothing", got)
	}

	// increase() extrapolates from the samples it holds, so on the grid the
	// two versions give different estimates; log how far apart they are.
	for _, q := range []string{`increase(http_requests_total{service="api"}[1h])`, `increase(http_requests_total{service="api"}[5m])`} {
		real, emb := promQuery(t, srv.URL, q, at), embeddedQuery(t, e, q, at)
		for k, v := range real {
			t.Logf("on the grid, %s%s: 2.42 %.4f, embedded %.4f (%+.3f%%)", q, k, v, emb[k], 100*(emb[k]-v)/v)
		}
	}
}

// TestEmbeddedCounterStartVersusPrometheus2 shows the second difference: the
// histogram's counters start at zero with the data, and a 1h range at 00:30
// reaches 30 minutes before their first sample. Before 2.51 the zero point
// (about a minute before the first sample) was taken as the series' start
// and extrapolated to in full; since 2.51 the extrapolation towards the start
// is first cut to half a sample interval, then to the zero point if that is
// nearer. The test recomputes both rules from the raw samples and requires
// each engine to match its own rule.
func TestEmbeddedCounterStartVersusPrometheus2(t *testing.T) {
	data := agreementData(t)
	srv := promtest.Start(t, data)
	e := open(t, "agreement.om", data)
	at := offGrid(0.5)[0]
	const r = time.Hour

	raw := promMatrix(t, srv.URL, fmt.Sprintf("request_duration_seconds_bucket[%s]", model(r)), at)
	real := promQuery(t, srv.URL, fmt.Sprintf("increase(request_duration_seconds_bucket[%s])", model(r)), at)
	emb := embeddedQuery(t, e, fmt.Sprintf("increase(request_duration_seconds_bucket[%s])", model(r)), at)
	if len(raw) == 0 || len(raw) != len(real) || len(real) != len(emb) {
		t.Fatalf("series: %d raw, %d from 2.42, %d embedded", len(raw), len(real), len(emb))
	}
	start, end := at.Add(-r).UnixMilli(), at.UnixMilli()
	for k, pts := range raw {
		before, since := increaseBefore251(pts, start, end), increaseSince251(pts, start, end)
		if !agree(before, real[k]) {
			t.Errorf("%s: 2.42 gives %v, the pre-2.51 rule %v", k, real[k], before)
		}
		if !agree(since, emb[k]) {
			t.Errorf("%s: embedded gives %v, the 2.51+ rule %v", k, emb[k], since)
		}
		if agree(real[k], emb[k]) {
			t.Errorf("%s: both give %v; the data should provoke the difference", k, emb[k])
		}
		t.Logf("increase(request_duration_seconds_bucket%s[1h]) at %s: 2.42 %.4f, embedded %.4f (%+.2f%%)",
			k, at.Format(time.RFC3339Nano), real[k], emb[k], 100*(emb[k]-real[k])/real[k])
	}
}

// model formats a duration the PromQL way for whole hours and minutes.
func model(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

type point struct {
	t int64 // ms
	v float64
}

// counterDelta is the increase over pts, counting a drop as a reset.
func counterDelta(pts []point) float64 {
	d := pts[len(pts)-1].v - pts[0].v
	for i := 1; i < len(pts); i++ {
		if pts[i].v < pts[i-1].v {
			d += pts[i-1].v
		}
	}
	return d
}

// increaseBefore251 is increase() of a counter as Prometheus 2.42 computes
// it: the zero point bounds the extrapolation towards the start before the
// threshold test.
func increaseBefore251(pts []point, rangeStart, rangeEnd int64) float64 {
	delta := counterDelta(pts)
	toStart := float64(pts[0].t-rangeStart) / 1000
	toEnd := float64(rangeEnd-pts[len(pts)-1].t) / 1000
	sampled := float64(pts[len(pts)-1].t-pts[0].t) / 1000
	avg := sampled / float64(len(pts)-1)
	if delta > 0 && pts[0].v >= 0 {
		if toZero := sampled * (pts[0].v / delta); toZero < toStart {
			toStart = toZero
		}
	}
	threshold := avg * 1.1
	interval := sampled
	if toStart < threshold {
		interval += toStart
	} else {
		interval += avg / 2
	}
	if toEnd < threshold {
		interval += toEnd
	} else {
		interval += avg / 2
	}
	return delta * (interval / sampled)
}

// increaseSince251 is increase() of a counter as Prometheus 2.51 and later
// compute it: the extrapolation towards the start is cut to half a sample
// interval first, then to the zero point if that is nearer.
func increaseSince251(pts []point, rangeStart, rangeEnd int64) float64 {
	delta := counterDelta(pts)
	toStart := float64(pts[0].t-rangeStart) / 1000
	toEnd := float64(rangeEnd-pts[len(pts)-1].t) / 1000
	sampled := float64(pts[len(pts)-1].t-pts[0].t) / 1000
	avg := sampled / float64(len(pts)-1)
	threshold := avg * 1.1
	if toStart >= threshold {
		toStart = avg / 2
	}
	if delta > 0 && pts[0].v >= 0 {
		if toZero := sampled * (pts[0].v / delta); toZero < toStart {
			toStart = toZero
		}
	}
	if toEnd >= threshold {
		toEnd = avg / 2
	}
	return delta * ((sampled + toStart + toEnd) / sampled)
}

// compareInstant evaluates q at at on both and reports differences; it
// returns the number of samples compared.
func compareInstant(t *testing.T, promURL string, e *prom.Embedded, q string, at time.Time) int {
	t.Helper()
	want := promQuery(t, promURL, q, at)
	got := embeddedQuery(t, e, q, at)
	if diff := diffVectors(want, got); diff != "" {
		t.Errorf("%s at %s: %s", q, at.Format(time.RFC3339Nano), diff)
	}
	return len(want)
}

func compareRange(t *testing.T, promURL string, e *prom.Embedded, q string, start, end time.Time, step time.Duration) {
	t.Helper()
	want := promQueryRange(t, promURL, q, start, end, step)
	res, err := e.QueryRange(t.Context(), q, start, end, step)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	got := map[string]float64{}
	for _, s := range res.Series {
		for _, p := range s.Points {
			got[labelKey(s.Labels)+"@"+strconv.FormatInt(p.T.UnixMilli(), 10)] = p.V
		}
	}
	if len(want) == 0 {
		t.Errorf("range %s: no data from Prometheus", q)
	}
	if diff := diffVectors(want, got); diff != "" {
		t.Errorf("range %s: %s", q, diff)
	}
}

// diffVectors describes how got differs from want, or returns "".
func diffVectors(want, got map[string]float64) string {
	var diffs []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s missing (want %v)", k, w))
		case !agree(w, g):
			diffs = append(diffs, fmt.Sprintf("%s = %v, want %v (relative difference %.3g)", k, g, w, math.Abs(g-w)/math.Abs(w)))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s = %v not in Prometheus' answer", k, g))
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("and %d more", len(diffs)-5))
	}
	return strings.Join(diffs, "; ")
}

func agree(want, got float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return want == got
	case want == 0:
		return math.Abs(got) < agreementTol
	}
	return math.Abs(got-want) <= agreementTol*math.Abs(want)
}

func embeddedQuery(t *testing.T, e *prom.Embedded, q string, at time.Time) map[string]float64 {
	t.Helper()
	res, err := e.Query(t.Context(), q, at)
	if err != nil {
		t.Fatalf("embedded %s: %v", q, err)
	}
	return samplesByLabels(res.Samples)
}

func samplesByLabels(ss []slo.Sample) map[string]float64 {
	out := make(map[string]float64, len(ss))
	for _, s := range ss {
		out[labelKey(s.Labels)] = s.Value
	}
	return out
}

func labelKey(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", k, l[k])
	}
	b.WriteByte('}')
	return b.String()
}

// apiResponse is the part of Prometheus' /api/v1 answer that the tests read.
type apiResponse struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

func promQuery(t *testing.T, base, q string, at time.Time) map[string]float64 {
	t.Helper()
	v := url.Values{"query": {q}, "time": {apiTime(at)}}
	resp := promGet(t, base+"/api/v1/query?"+v.Encode())
	out := map[string]float64{}
	switch resp.Data.ResultType {
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(resp.Data.Result, &vec); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, s := range vec {
			out[labelKey(s.Metric)] = apiValue(t, s.Value[1])
		}
	case "scalar":
		var sc [2]any
		if err := json.Unmarshal(resp.Data.Result, &sc); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out[labelKey(nil)] = apiValue(t, sc[1])
	default:
		t.Fatalf("%s: unexpected result type %q", q, resp.Data.ResultType)
	}
	return out
}

// promMatrix evaluates a range selector on the server and returns its raw
// samples by series.
func promMatrix(t *testing.T, base, q string, at time.Time) map[string][]point {
	t.Helper()
	v := url.Values{"query": {q}, "time": {apiTime(at)}}
	resp := promGet(t, base+"/api/v1/query?"+v.Encode())
	if resp.Data.ResultType != "matrix" {
		t.Fatalf("%s: result type %q, want matrix", q, resp.Data.ResultType)
	}
	var m []struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	}
	if err := json.Unmarshal(resp.Data.Result, &m); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := map[string][]point{}
	for _, s := range m {
		delete(s.Metric, "__name__") // increase() drops the name
		for _, p := range s.Values {
			ts, ok := p[0].(float64)
			if !ok {
				t.Fatalf("%s: timestamp %v", q, p[0])
			}
			out[labelKey(s.Metric)] = append(out[labelKey(s.Metric)], point{t: int64(math.Round(ts * 1000)), v: apiValue(t, p[1])})
		}
	}
	return out
}

func promQueryRange(t *testing.T, base, q string, start, end time.Time, step time.Duration) map[string]float64 {
	t.Helper()
	v := url.Values{"query": {q}, "start": {apiTime(start)}, "end": {apiTime(end)}, "step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}}
	resp := promGet(t, base+"/api/v1/query_range?"+v.Encode())
	var m []struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	}
	if err := json.Unmarshal(resp.Data.Result, &m); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := map[string]float64{}
	for _, s := range m {
		for _, p := range s.Values {
			ts, ok := p[0].(float64)
			if !ok {
				t.Fatalf("%s: timestamp %v", q, p[0])
			}
			out[labelKey(s.Metric)+"@"+strconv.FormatInt(int64(math.Round(ts*1000)), 10)] = apiValue(t, p[1])
		}
	}
	return out
}

func promGet(t *testing.T, u string) apiResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var resp apiResponse
	if err := json.Unmarshal(body, &resp); err != nil || resp.Status != "success" {
		t.Fatalf("GET %s: %s %s %v", u, res.Status, body, err)
	}
	return resp
}

func apiTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

func apiValue(t *testing.T, v any) float64 {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("value %v is not a string", v)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// demoData is the demo dataset, uncompressed.
func demoData(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "specs", "demo", "metrics.om.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// demoQueries are the queries the example specs build, over the windows of
// the default burn-rate alerts and the SLO windows.
func demoQueries() []string {
	var qs []string
	for _, w := range []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d", "30d"} {
		qs = append(qs,
			fmt.Sprintf(`sum(increase(http_requests_total{service="checkout",code=~"5.."}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_requests_total{service="checkout"}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_requests_total{service="search",code!~"5.."}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_requests_total{service="search"}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_request_duration_seconds_bucket{service="checkout",le="0.3"}[%s]))`, w),
			fmt.Sprintf(`sum(increase(http_request_duration_seconds_count{service="checkout"}[%s]))`, w),
			fmt.Sprintf(`sum(sum_over_time(probe_success{job="blackbox",instance="https://pay.example.com/health"}[%s]))`, w),
			fmt.Sprintf(`sum(count_over_time(probe_success{job="blackbox",instance="https://pay.example.com/health"}[%s]))`, w),
			fmt.Sprintf("sum(increase(recommendations_fallback_total[%s]))\n/\nsum(increase(recommendations_requests_total[%s]))", w, w),
		)
	}
	return qs
}
