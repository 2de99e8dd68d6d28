package prom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/util/annotations"
)

// samplesPerChunk is how many samples a chunk holds before the next one is
// cut, as in Prometheus's head. A query decodes only the chunks that overlap
// its time range, so smaller chunks decode less around the range's edges and
// larger ones compress better; 120 is Prometheus's trade-off.
const samplesPerChunk = 120

// memStore is the embedded engine's storage: the float samples of every
// series, in Gorilla-compressed (XOR) chunks of samplesPerChunk samples. It
// is filled by one goroutine and then only read: it is a storage.Queryable
// that is safe for concurrent queries once appending has ended.
//
// It does what a Prometheus head does for the embedded engine and no more:
// no write-ahead log, no memory-mapped chunks, no compaction, no native
// histograms, no out-of-order samples.
type memStore struct {
	series   []*memSeries            // in order of creation, as a head's postings
	byKey    map[string]*memSeries   // by the labels' bytes
	byName   map[string][]*memSeries // by metric name, in order of creation
	mint     int64                   // the oldest sample's time, math.MaxInt64 if none
	maxt     int64                   // the newest sample's time, math.MinInt64 if none
	keyBuf   []byte
	nSamples int
}

// memSeries is one series of a memStore.
type memSeries struct {
	lset   labels.Labels
	chunks []memChunk // in time order, the last one open
	app    chunkenc.Appender
}

// memChunk is a chunk and the times of its first and last samples.
type memChunk struct {
	mint, maxt int64
	chunk      *chunkenc.XORChunk
}

func newMemStore() *memStore {
	return &memStore{
		byKey:  map[string]*memSeries{},
		byName: map[string][]*memSeries{},
		mint:   math.MaxInt64,
		maxt:   math.MinInt64,
	}
}

// getOrCreate returns the series of lset, creating it if it is new. As in a
// Prometheus head, labels with an empty value are dropped, so {a=""} is the
// series without a, and a label name may appear only once.
func (s *memStore) getOrCreate(lset labels.Labels) (*memSeries, error) {
	lset = lset.WithoutEmpty()
	if lset.IsEmpty() {
		return nil, errors.New("empty label set")
	}
	if name, dup := lset.HasDuplicateLabelNames(); dup {
		return nil, fmt.Errorf("label name %q is not unique", name)
	}
	s.keyBuf = lset.Bytes(s.keyBuf[:0])
	if ms := s.byKey[string(s.keyBuf)]; ms != nil {
		return ms, nil
	}
	ms := &memSeries{lset: lset}
	s.byKey[string(s.keyBuf)] = ms
	s.series = append(s.series, ms)
	name := lset.Get(labels.MetricName)
	s.byName[name] = append(s.byName[name], ms)
	return ms, nil
}

// append adds the sample (t, v) to ms, which must be a series of s. Samples
// of a series must come in increasing time order. Every float, NaN and the
// stale marker included, is stored bit for bit.
func (s *memStore) append(ms *memSeries, t int64, v float64) error {
	n := len(ms.chunks)
	if n > 0 && t <= ms.chunks[n-1].maxt {
		return fmt.Errorf("sample at %d ms is not after the series' last sample at %d ms", t, ms.chunks[n-1].maxt)
	}
	if n == 0 || ms.chunks[n-1].chunk.NumSamples() >= samplesPerChunk {
		if n > 0 {
			ms.chunks[n-1].chunk.Compact()
		}
		c := chunkenc.NewXORChunk()
		app, err := c.Appender()
		if err != nil {
			return fmt.Errorf("could not start a chunk: %w", err)
		}
		ms.chunks = append(ms.chunks, memChunk{mint: t, chunk: c})
		ms.app = app
		n++
	}
	ms.app.Append(0, t, v)
	ms.chunks[n-1].maxt = t
	s.mint, s.maxt = min(s.mint, t), max(s.maxt, t)
	s.nSamples++
	return nil
}

// done ends appending: it releases the spare capacity of the open chunks.
func (s *memStore) done() {
	for _, ms := range s.series {
		if n := len(ms.chunks); n > 0 {
			ms.chunks[n-1].chunk.Compact()
		}
		ms.app = nil
	}
}

// Querier implements storage.Queryable: a querier of the samples from mint
// to maxt inclusive.
func (s *memStore) Querier(mint, maxt int64) (storage.Querier, error) {
	return &memQuerier{store: s, mint: mint, maxt: maxt}, nil
}

// memQuerier reads a memStore between two times.
type memQuerier struct {
	store      *memStore
	mint, maxt int64
}

// candidates returns the series that may match ms, in order of creation: those
// of the metric name if a matcher asks for one, else all.
func (q *memQuerier) candidates(ms []*labels.Matcher) []*memSeries {
	for _, m := range ms {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return q.store.byName[m.Value]
		}
	}
	return q.store.series
}

// matches tells whether lset satisfies every matcher; a missing label has
// the empty value, as in Prometheus.
func matches(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

// overlapping returns the chunks of ms that hold samples between mint and
// maxt inclusive.
func (ms *memSeries) overlapping(mint, maxt int64) []memChunk {
	from := sort.Search(len(ms.chunks), func(i int) bool { return ms.chunks[i].maxt >= mint })
	to := sort.Search(len(ms.chunks), func(i int) bool { return ms.chunks[i].mint > maxt })
	if from >= to {
		return nil
	}
	return ms.chunks[from:to]
}

// Select implements storage.Querier. It returns the matching series that
// have samples in the hinted time range (the querier's when there are no
// hints), as a TSDB block querier does: in order of creation, or sorted by
// labels if sortSeries is set. Each series yields only its samples in that
// range unless hints.DisableTrimming is set, and decodes only the chunks
// that overlap it. The other hints are ignored.
func (q *memQuerier) Select(ctx context.Context, sortSeries bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	mint, maxt, trim := q.mint, q.maxt, true
	if hints != nil {
		mint, maxt, trim = hints.Start, hints.End, !hints.DisableTrimming
	}
	var out []storage.Series
	for _, s := range q.candidates(ms) {
		if !matches(s.lset, ms) {
			continue
		}
		chunks := s.overlapping(mint, maxt)
		if len(chunks) == 0 {
			continue
		}
		v := &memSeriesView{lset: s.lset, chunks: chunks, mint: math.MinInt64, maxt: math.MaxInt64}
		if trim {
			v.mint, v.maxt = mint, maxt
		}
		out = append(out, v)
	}
	if err := ctx.Err(); err != nil {
		return storage.ErrSeriesSet(fmt.Errorf("could not select series: %w", err))
	}
	if sortSeries {
		slices.SortFunc(out, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
	}
	return &memSeriesSet{series: out, i: -1}
}

// LabelValues implements storage.LabelQuerier: the sorted values of label
// name among the matching series with samples in the querier's range.
func (q *memQuerier) LabelValues(ctx context.Context, name string, hints *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return q.labelStrings(ctx, hints, ms, func(lset labels.Labels, add func(string)) {
		if v := lset.Get(name); v != "" {
			add(v)
		}
	})
}

// LabelNames implements storage.LabelQuerier: the sorted label names of the
// matching series with samples in the querier's range.
func (q *memQuerier) LabelNames(ctx context.Context, hints *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	return q.labelStrings(ctx, hints, ms, func(lset labels.Labels, add func(string)) {
		lset.Range(func(l labels.Label) { add(l.Name) })
	})
}

// labelStrings collects what each of the matching series gives, sorted,
// without duplicates and at most hints.Limit of them if it is positive.
func (q *memQuerier) labelStrings(ctx context.Context, hints *storage.LabelHints, ms []*labels.Matcher, of func(labels.Labels, func(string))) ([]string, annotations.Annotations, error) {
	seen := map[string]struct{}{}
	add := func(v string) { seen[v] = struct{}{} }
	for _, s := range q.candidates(ms) {
		if matches(s.lset, ms) && len(s.overlapping(q.mint, q.maxt)) > 0 {
			of(s.lset, add)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("could not list labels: %w", err)
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	if hints != nil && hints.Limit > 0 && len(out) > hints.Limit {
		out = out[:hints.Limit]
	}
	return out, nil, nil
}

// Close implements storage.LabelQuerier; a memQuerier holds nothing.
func (*memQuerier) Close() error { return nil }

// memSeriesSet is a storage.SeriesSet over selected series.
type memSeriesSet struct {
	series []storage.Series
	i      int
}

// Next implements storage.SeriesSet.
func (s *memSeriesSet) Next() bool {
	if s.i < len(s.series) {
		s.i++
	}
	return s.i < len(s.series)
}

// At implements storage.SeriesSet.
func (s *memSeriesSet) At() storage.Series { return s.series[s.i] }

// Err implements storage.SeriesSet; selecting from memory cannot fail midway.
func (*memSeriesSet) Err() error { return nil }

// Warnings implements storage.SeriesSet.
func (*memSeriesSet) Warnings() annotations.Annotations { return nil }

// memSeriesView is a series as selected: its chunks that overlap the range
// and the range its samples are trimmed to.
type memSeriesView struct {
	lset       labels.Labels
	chunks     []memChunk
	mint, maxt int64
}

// Labels implements storage.Labels.
func (v *memSeriesView) Labels() labels.Labels { return v.lset }

// Iterator implements storage.SampleIterable, reusing it if it is a
// *memIterator.
func (v *memSeriesView) Iterator(it chunkenc.Iterator) chunkenc.Iterator {
	mi, ok := it.(*memIterator)
	if !ok {
		mi = &memIterator{}
	}
	mi.reset(v)
	return mi
}

// memIterator iterates over the samples of a memSeriesView, chunk after
// chunk, skipping the samples outside its range. It satisfies
// chunkenc.Iterator with Prometheus's semantics.
type memIterator = seriesIterator[int64]

// seriesIterator is memIterator; T is always int64. go vet's stdmethods check
// takes every method Seek(int64) for a wrong io.Seeker (Prometheus silences
// it for its own iterators), and a type parameter keeps it quiet.
type seriesIterator[T ~int64] struct {
	chunks     []memChunk
	mint, maxt int64
	i          int               // the chunk cur iterates over
	cur        chunkenc.Iterator // nil before the first Next or Seek
	spare      chunkenc.Iterator // a chunk iterator to reuse
	done       bool              // exhausted: no more samples
	err        error
}

func (it *seriesIterator[T]) reset(v *memSeriesView) {
	if it.cur != nil {
		it.spare = it.cur
	}
	*it = seriesIterator[T]{chunks: v.chunks, mint: v.mint, maxt: v.maxt, spare: it.spare}
}

// Next implements chunkenc.Iterator.
func (it *seriesIterator[T]) Next() chunkenc.ValueType {
	if it.done {
		return chunkenc.ValNone
	}
	for {
		if it.cur == nil {
			if it.i >= len(it.chunks) {
				it.done = true
				return chunkenc.ValNone
			}
			it.cur = it.chunks[it.i].chunk.Iterator(it.spare)
			it.spare = nil
		}
		vt := it.cur.Next()
		if vt == chunkenc.ValNone {
			if err := it.cur.Err(); err != nil {
				it.err = fmt.Errorf("could not decode chunk %d: %w", it.i, err)
				it.done = true
				return chunkenc.ValNone
			}
			it.spare, it.cur = it.cur, nil
			it.i++
			continue
		}
		switch t := it.cur.AtT(); {
		case t < it.mint:
			continue
		case t > it.maxt:
			it.done = true
			return chunkenc.ValNone
		}
		return vt
	}
}

// Seek implements chunkenc.Iterator: it advances to the first sample at or
// after t, and does not move if the current sample is already there.
func (it *seriesIterator[T]) Seek(seek T) chunkenc.ValueType {
	t := int64(seek)
	if it.done {
		return chunkenc.ValNone
	}
	if it.cur != nil && it.cur.AtT() >= t {
		return chunkenc.ValFloat
	}
	// Skip the chunks that end before t without decoding them.
	for it.i < len(it.chunks) && it.chunks[it.i].maxt < t {
		if it.cur != nil {
			it.spare, it.cur = it.cur, nil
		}
		it.i++
	}
	for {
		vt := it.Next()
		if vt == chunkenc.ValNone || it.cur.AtT() >= t {
			return vt
		}
	}
}

// At implements chunkenc.Iterator.
func (it *seriesIterator[T]) At() (int64, float64) { return it.cur.At() }

// AtHistogram implements chunkenc.Iterator; a memStore holds floats only, so
// it is never called by a caller that looks at the value type.
func (it *seriesIterator[T]) AtHistogram(h *histogram.Histogram) (int64, *histogram.Histogram) {
	return it.cur.AtHistogram(h)
}

// AtFloatHistogram implements chunkenc.Iterator, as AtHistogram.
func (it *seriesIterator[T]) AtFloatHistogram(fh *histogram.FloatHistogram) (int64, *histogram.FloatHistogram) {
	return it.cur.AtFloatHistogram(fh)
}

// AtT implements chunkenc.Iterator.
func (it *seriesIterator[T]) AtT() int64 { return it.cur.AtT() }

// AtST implements chunkenc.Iterator: a memStore keeps no start times.
func (*seriesIterator[T]) AtST() int64 { return 0 }

// Err implements chunkenc.Iterator.
func (it *seriesIterator[T]) Err() error { return it.err }
