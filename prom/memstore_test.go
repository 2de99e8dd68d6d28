package prom

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
)

// t0 is the first sample's minute, on the minute.
const t0 = int64(1_700_000_040_000)

// fSample is a float sample for storage.NewListSeries.
type fSample struct {
	t int64
	f float64
}

func (s fSample) T() int64                    { return s.t }
func (fSample) ST() int64                     { return 0 }
func (s fSample) F() float64                  { return s.f }
func (fSample) H() *histogram.Histogram       { return nil }
func (fSample) FH() *histogram.FloatHistogram { return nil }
func (fSample) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (s fSample) Copy() chunks.Sample         { return s }
func (s fSample) String() string              { return fmt.Sprintf("%d:%v", s.t, s.f) }
func sameSample(a, b fSample) bool {
	return a.t == b.t && math.Float64bits(a.f) == math.Float64bits(b.f)
}
func sampleOf(it chunkenc.Iterator) fSample { t, f := it.At(); return fSample{t, f} }
func listIterator(s []fSample) chunkenc.Iterator {
	return storage.NewListSeries(labels.EmptyLabels(), toChunkSamples(s)).Iterator(nil)
}

func toChunkSamples(s []fSample) []chunks.Sample {
	out := make([]chunks.Sample, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// refSeries and refStore are the naive reference: every sample in a slice,
// every matching series returned whole, whatever the time range.
type refSeries struct {
	lset    labels.Labels
	samples []fSample
}

type refStore struct{ series []*refSeries }

func (r *refStore) Querier(int64, int64) (storage.Querier, error) { return r, nil }

func (r *refStore) Select(_ context.Context, sortSeries bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	var out []storage.Series
	for _, s := range r.series {
		if matches(s.lset, ms) {
			out = append(out, storage.NewListSeries(s.lset, toChunkSamples(s.samples)))
		}
	}
	if sortSeries {
		slices.SortFunc(out, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
	}
	return &memSeriesSet{series: out, i: -1}
}

func (*refStore) LabelValues(context.Context, string, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return nil, nil, nil
}

func (*refStore) LabelNames(context.Context, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return nil, nil, nil
}

func (*refStore) Close() error { return nil }

// testData makes counters with resets, a classic histogram's buckets, count
// and sum, and gauges with NaNs, scraped every minute with jitter (so off the
// minute), with gaps and stale markers where a target went away, loaded into
// a memStore and a refStore in the same order.
func testData(t *testing.T, seed uint64) (*memStore, *refStore) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	var all []*refSeries
	add := func(lset labels.Labels) *refSeries {
		s := &refSeries{lset: lset}
		all = append(all, s)
		return s
	}
	const scrapes = 1500 // 25 hours
	for _, svc := range []string{"api", "db", "web"} {
		ok := add(labels.FromStrings("__name__", "req_total", "svc", svc, "code", "200"))
		bad := add(labels.FromStrings("__name__", "req_total", "svc", svc, "code", "500"))
		les := []string{"0.1", "0.5", "1", "+Inf"}
		var buckets []*refSeries
		for _, le := range les {
			buckets = append(buckets, add(labels.FromStrings("__name__", "lat_bucket", "svc", svc, "le", le)))
		}
		count := add(labels.FromStrings("__name__", "lat_count", "svc", svc))
		sum := add(labels.FromStrings("__name__", "lat_sum", "svc", svc))
		temp := add(labels.FromStrings("__name__", "temp", "svc", svc))
		counters := append([]*refSeries{ok, bad, count, sum}, buckets...)

		var vOK, vBad, vSum, vTemp float64
		vBuckets := make([]float64, len(les))
		skipUntil := int64(0)
		for i := range scrapes {
			ts := t0 + int64(i)*60_000 + r.Int64N(3000) // jitter, off the minute
			if svc == "web" && i >= scrapes*2/3 {
				break // the target went away for good (its stale marker is below)
			}
			if ts < skipUntil {
				continue
			}
			if r.IntN(200) == 0 { // the target disappears for 2 to 30 minutes
				for _, s := range append(counters, temp) {
					s.samples = append(s.samples, fSample{ts, math.Float64frombits(value.StaleNaN)})
				}
				skipUntil = ts + int64(2+r.IntN(29))*60_000
				continue
			}
			if r.IntN(300) == 0 { // the target restarts: every counter resets
				vOK, vBad, vSum = 0, 0, 0
				clear(vBuckets)
			}
			vOK += float64(r.IntN(1000))
			vBad += float64(r.IntN(20))
			n := 0.0
			for j := range vBuckets {
				n += float64(r.IntN(50))
				vBuckets[j] += n
			}
			vSum += r.Float64() * n
			vTemp += r.NormFloat64()
			ok.samples = append(ok.samples, fSample{ts, vOK})
			bad.samples = append(bad.samples, fSample{ts, vBad})
			for j, b := range buckets {
				b.samples = append(b.samples, fSample{ts, vBuckets[j]})
			}
			count.samples = append(count.samples, fSample{ts, vBuckets[len(les)-1]})
			sum.samples = append(sum.samples, fSample{ts, vSum})
			g := vTemp
			if r.IntN(100) == 0 {
				g = math.NaN() // a real NaN, not a stale marker
			}
			temp.samples = append(temp.samples, fSample{ts, g})
		}
		if svc == "web" {
			last := ok.samples[len(ok.samples)-1].t
			for _, s := range append(counters, temp) {
				s.samples = append(s.samples, fSample{last + 60_000, math.Float64frombits(value.StaleNaN)})
			}
		}
	}
	// Series are created in an order that is not the sorted one, as in a file.
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

	ms := newMemStore()
	for _, s := range all {
		series, err := ms.getOrCreate(s.lset)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range s.samples {
			if err := ms.append(series, x.t, x.f); err != nil {
				t.Fatal(err)
			}
		}
	}
	ms.done()
	return ms, &refStore{series: all}
}

func testEngine() *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{
		MaxSamples:               DefaultMaxSamples,
		Timeout:                  time.Minute,
		LookbackDelta:            DefaultLookbackDelta,
		EnableAtModifier:         true,
		EnableNegativeOffset:     true,
		NoStepSubqueryIntervalFn: func(int64) int64 { return time.Minute.Milliseconds() },
	})
}

// TestMemStoreAgreesWithReference runs PromQL queries over the same samples
// in a memStore and in the naive refStore and requires identical results, bit
// for bit. Exact is right: the engine is the same and it is handed the same
// samples of the same series in the same order, so it does the same float
// operations in the same order; any difference is a sample that the store
// lost, added, altered (a stale marker that is no longer one) or trimmed too
// much, or series in another order.
func TestMemStoreAgreesWithReference(t *testing.T) {
	ms, ref := testData(t, 8)
	if got := len(ms.series); got != 27 {
		t.Fatalf("store holds %d series, want 27", got)
	}
	engine := testEngine()
	t.Cleanup(func() { engine.Close() })
	opts := promql.NewPrometheusQueryOpts(false, DefaultLookbackDelta, nil)
	end := ms.maxt

	queries := []string{
		`req_total`,
		`increase(req_total[1h])`,
		`rate(req_total[5m])`,
		`sum by (svc) (rate(req_total[5m]))`,
		`sum(increase(req_total{code="500"}[1d])) / sum(increase(req_total[1d]))`,
		`resets(req_total[6h])`,
		`last_over_time(req_total[2h])`,
		`sum by (le) (rate(lat_bucket[10m]))`,
		`histogram_quantile(0.9, sum by (le, svc) (rate(lat_bucket[30m])))`,
		`sum by (svc) (increase(lat_bucket{le="0.5"}[1h])) / sum by (svc) (increase(lat_count[1h]))`,
		`rate(lat_sum[5m]) / rate(lat_count[5m])`,
		`count_over_time(temp[1h])`,
		`avg_over_time(temp[30m])`,
		`max_over_time(temp[17m])`,
		`changes(temp[1h])`,
		`timestamp(temp)`,
		`temp offset 10m`,
		`avg_over_time(rate(req_total[5m])[1h:1m])`,
		`count(req_total)`,
		`absent(temp{svc="web"})`,
	}
	var times []int64 // on the minute, off it, before the data and after it
	for _, d := range []int64{-10 * 60_000, 0, 60_000, 3 * 3_600_000, 10 * 3_600_000, 16*3_600_000 + 60_000, 20 * 3_600_000} {
		times = append(times, t0+d)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		times = append(times, t0+r.Int64N(end-t0))
	}
	times = append(times, end, end+60_000, end+4*60_000, end+10*60_000)
	ranges := []struct{ start, end, step int64 }{
		{t0, end, 300_000},
		{t0 + 7_123, t0 + 6*3_600_000, 37_000},
		{end - 2*3_600_000, end + 30*60_000, 60_000},
		{t0 - 3_600_000, end + 3_600_000, 3_600_000},
		{t0 + 15*3_600_000 + 29_999, t0 + 17*3_600_000, 15_000},
	}

	ctx := t.Context()
	for _, q := range queries {
		nonEmpty := 0
		for _, ts := range times {
			at := time.UnixMilli(ts)
			got := run(t, func(s storage.Queryable) (promql.Query, error) { return engine.NewInstantQuery(ctx, s, opts, q, at) }, ms)
			want := run(t, func(s storage.Queryable) (promql.Query, error) { return engine.NewInstantQuery(ctx, s, opts, q, at) }, ref)
			if err := sameResult(got, want); err != nil {
				t.Errorf("%s at %d: %v", q, ts, err)
			}
			if v, ok := want.Value.(promql.Vector); ok && len(v) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < 3 {
			t.Errorf("%s has results at only %d of %d times: the test data do not exercise it", q, nonEmpty, len(times))
		}
		for _, rg := range ranges {
			start, stop, step := time.UnixMilli(rg.start), time.UnixMilli(rg.end), time.Duration(rg.step)*time.Millisecond
			got := run(t, func(s storage.Queryable) (promql.Query, error) {
				return engine.NewRangeQuery(ctx, s, opts, q, start, stop, step)
			}, ms)
			want := run(t, func(s storage.Queryable) (promql.Query, error) {
				return engine.NewRangeQuery(ctx, s, opts, q, start, stop, step)
			}, ref)
			if err := sameResult(got, want); err != nil {
				t.Errorf("%s from %d to %d every %s: %v", q, rg.start, rg.end, step, err)
			}
		}
	}
}

func run(t *testing.T, newQuery func(storage.Queryable) (promql.Query, error), s storage.Queryable) *promql.Result {
	t.Helper()
	q, err := newQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q.Exec(t.Context())
}

// sameResult compares two results exactly: errors, warnings, labels and
// series order, timestamps, and values bit for bit.
func sameResult(got, want *promql.Result) error {
	if fmt.Sprint(got.Err) != fmt.Sprint(want.Err) {
		return fmt.Errorf("error %v, want %v", got.Err, want.Err)
	}
	gw, gi := got.Warnings.AsStrings("", 0, 0)
	ww, wi := want.Warnings.AsStrings("", 0, 0)
	slices.Sort(gw)
	slices.Sort(ww)
	slices.Sort(gi)
	slices.Sort(wi)
	if !slices.Equal(gw, ww) || !slices.Equal(gi, wi) {
		return fmt.Errorf("annotations %q %q, want %q %q", gw, gi, ww, wi)
	}
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	switch w := want.Value.(type) {
	case promql.Vector:
		g, ok := got.Value.(promql.Vector)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("got %v, want %v", got.Value, w)
		}
		// The engine itself orders some instant vectors by map iteration
		// (histogram_quantile's groups, for one): compare them sorted.
		byLabels := func(a, b promql.Sample) int { return labels.Compare(a.Metric, b.Metric) }
		slices.SortStableFunc(g, byLabels)
		slices.SortStableFunc(w, byLabels)
		for i := range w {
			if !labels.Equal(g[i].Metric, w[i].Metric) || g[i].T != w[i].T || !same(g[i].F, w[i].F) || g[i].H != nil || w[i].H != nil {
				return fmt.Errorf("sample %d is %v, want %v", i, g[i], w[i])
			}
		}
	case promql.Matrix:
		g, ok := got.Value.(promql.Matrix)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("got %d series, want %d", len(g), len(w))
		}
		for i := range w {
			if !labels.Equal(g[i].Metric, w[i].Metric) || len(g[i].Floats) != len(w[i].Floats) || len(g[i].Histograms)+len(w[i].Histograms) > 0 {
				return fmt.Errorf("series %d is %v with %d points, want %v with %d", i, g[i].Metric, len(g[i].Floats), w[i].Metric, len(w[i].Floats))
			}
			for j := range w[i].Floats {
				if g[i].Floats[j].T != w[i].Floats[j].T || !same(g[i].Floats[j].F, w[i].Floats[j].F) {
					return fmt.Errorf("series %v point %d is %v, want %v", w[i].Metric, j, g[i].Floats[j], w[i].Floats[j])
				}
			}
		}
	case promql.Scalar:
		g, ok := got.Value.(promql.Scalar)
		if !ok || g.T != w.T || !same(g.V, w.V) {
			return fmt.Errorf("got %v, want %v", got.Value, w)
		}
	case nil:
		if got.Value != nil {
			return fmt.Errorf("got %v, want nothing", got.Value)
		}
	default:
		return fmt.Errorf("unexpected result type %T", w)
	}
	return nil
}

// TestMemIteratorAgreesWithListIterator drives the store's iterator and
// Prometheus's list iterator over the same samples with the same random
// Next and Seek calls, and requires the same answers, including Seek to a
// time before the current sample (no move), Seeks across chunks, and the end.
func TestMemIteratorAgreesWithListIterator(t *testing.T) {
	ms, ref := testData(t, 3)
	r := rand.New(rand.NewPCG(4, 5))
	var reuse chunkenc.Iterator
	for round := range 400 {
		i := r.IntN(len(ref.series))
		rs := ref.series[i]
		first, last := rs.samples[0].t, rs.samples[len(rs.samples)-1].t
		mint := first - 3_600_000 + r.Int64N(last-first+2*3_600_000)
		maxt := mint + r.Int64N(last-first)
		switch round % 4 {
		case 0:
			mint, maxt = math.MinInt64, math.MaxInt64
		case 1: // exactly on samples at the ends of chunks
			chunk := r.IntN(len(rs.samples)/samplesPerChunk) * samplesPerChunk
			mint = rs.samples[chunk+samplesPerChunk-1].t
			maxt = rs.samples[min(chunk+samplesPerChunk+r.IntN(2*samplesPerChunk), len(rs.samples)-1)].t
		case 2: // exactly on samples at the starts of chunks
			mint = rs.samples[r.IntN(len(rs.samples)/samplesPerChunk)*samplesPerChunk].t
			maxt = rs.samples[min(r.IntN(len(rs.samples)/samplesPerChunk+1)*samplesPerChunk, len(rs.samples)-1)].t
		}
		var want []fSample
		for _, s := range rs.samples {
			if s.t >= mint && s.t <= maxt {
				want = append(want, s)
			}
		}
		q, _ := ms.Querier(mint, maxt)
		ss := q.Select(t.Context(), false, nil, labels.MustNewMatcher(labels.MatchEqual, "__name__", rs.lset.Get("__name__")))
		var series storage.Series
		for ss.Next() {
			if labels.Equal(ss.At().Labels(), rs.lset) {
				series = ss.At()
			}
		}
		if len(want) == 0 {
			// A series is selected if one of its chunks overlaps the range,
			// as in a TSDB block, even if no sample is in the range.
			if series != nil && series.Iterator(nil).Next() != chunkenc.ValNone {
				t.Fatalf("round %d: %v has samples from %d to %d, want none", round, rs.lset, mint, maxt)
			}
			continue
		}
		if series == nil {
			t.Fatalf("round %d: %v not selected from %d to %d", round, rs.lset, mint, maxt)
		}
		got := series.Iterator(reuse)
		reuse = got
		exp := listIterator(want)
		cur := int64(math.MinInt64)
		for step := range 60 {
			var gv, wv chunkenc.ValueType
			var op string
			if r.IntN(3) == 0 {
				op = "Next"
				gv, wv = got.Next(), exp.Next()
			} else {
				// Around the current sample: behind it (no move), on it, or ahead.
				seek := cur + r.Int64N(40*60_000) - 10*60_000
				switch {
				case cur == math.MinInt64 || r.IntN(10) == 0:
					seek = want[r.IntN(len(want))].t // exactly on a sample
				case r.IntN(5) == 0:
					seek = cur // on the current sample: no move
				}
				op = "Seek(" + strconv.FormatInt(seek, 10) + ")"
				gv, wv = got.Seek(seek), exp.Seek(seek)
			}
			if gv != wv {
				t.Fatalf("round %d step %d %s: %v, want %v", round, step, op, gv, wv)
			}
			if wv == chunkenc.ValNone {
				if err := got.Err(); err != nil {
					t.Fatal(err)
				}
				break
			}
			if g, w := sampleOf(got), sampleOf(exp); !sameSample(g, w) || got.AtT() != w.t {
				t.Fatalf("round %d step %d %s: at %v, want %v", round, step, op, g, w)
			}
			cur = exp.AtT()
		}
	}
}

func TestMemStoreSelect(t *testing.T) {
	s := newMemStore()
	var created []labels.Labels
	for _, name := range []string{"b", "a", "c"} {
		lset := labels.FromStrings("__name__", "m", "x", name, "empty", "")
		series, err := s.getOrCreate(lset)
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, lset.WithoutEmpty())
		for i := range 1000 { // 9 chunks: 8 of 120 samples and one of 40
			if err := s.append(series, int64(i)*60_000, float64(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := len(s.series[0].chunks); got != 9 {
		t.Errorf("1000 samples make %d chunks, want 9", got)
	}
	if err := s.append(s.series[0], 999*60_000, 1); err == nil {
		t.Error("a sample at the time of the last one was appended")
	}
	if again, _ := s.getOrCreate(labels.FromStrings("__name__", "m", "x", "b")); again != s.series[0] {
		t.Error(`{x="b", empty=""} and {x="b"} are different series`)
	}
	if _, err := s.getOrCreate(labels.New(labels.Label{Name: "a", Value: "1"}, labels.Label{Name: "a", Value: "2"})); err == nil {
		t.Error("a label set with a repeated name was accepted")
	}
	s.done()

	q, _ := s.Querier(math.MinInt64, math.MaxInt64)
	m := labels.MustNewMatcher(labels.MatchRegexp, "x", "a|b|c")
	for _, sorted := range []bool{false, true} {
		want := slices.Clone(created)
		if sorted {
			slices.SortFunc(want, labels.Compare)
		}
		// Minutes 200 to 250 are all in the second chunk (samples 120 to 239)
		// and minute 240 starts the third.
		for _, h := range []struct {
			start, end int64
			chunks     int
		}{{200 * 60_000, 230 * 60_000, 1}, {200 * 60_000, 250 * 60_000, 2}, {-1, 5_000_000_000, 9}} {
			ss := q.Select(t.Context(), sorted, &storage.SelectHints{Start: h.start, End: h.end}, m)
			var got []labels.Labels
			for ss.Next() {
				v := ss.At().(*memSeriesView)
				got = append(got, v.lset)
				if len(v.chunks) != h.chunks {
					t.Errorf("from %d to %d: %d chunks to decode, want %d", h.start, h.end, len(v.chunks), h.chunks)
				}
				it := v.Iterator(nil)
				n := 0
				for it.Next() == chunkenc.ValFloat {
					if ts := it.AtT(); ts < h.start || ts > h.end {
						t.Errorf("from %d to %d: sample at %d", h.start, h.end, ts)
					}
					n++
				}
				if wantN := min(h.end/60_000, 999) - max(h.start, 0)/60_000 + 1; int64(n) != wantN {
					t.Errorf("from %d to %d: %d samples, want %d", h.start, h.end, n, wantN)
				}
			}
			if !slices.EqualFunc(got, want, labels.Equal) {
				t.Errorf("sorted=%v: got %v, want %v", sorted, got, want)
			}
		}
	}
	ss := q.Select(t.Context(), false, &storage.SelectHints{Start: 1000 * 60_000, End: 2000 * 60_000}, m)
	if ss.Next() {
		t.Errorf("selected %v, which has no sample in the range", ss.At().Labels())
	}

	vals, _, err := q.LabelValues(t.Context(), "x", nil, labels.MustNewMatcher(labels.MatchNotEqual, "x", "b"))
	if err != nil || !slices.Equal(vals, []string{"a", "c"}) {
		t.Errorf("LabelValues = %q, %v; want [a c]", vals, err)
	}
	names, _, err := q.LabelNames(t.Context(), nil)
	if err != nil || !slices.Equal(names, []string{"__name__", "x"}) {
		t.Errorf("LabelNames = %q, %v; want [__name__ x]", names, err)
	}
	late, _ := s.Querier(1000*60_000, 2000*60_000)
	if vals, _, _ := late.LabelValues(t.Context(), "x", nil); len(vals) != 0 {
		t.Errorf("LabelValues after the last sample = %q, want none", vals)
	}
}
