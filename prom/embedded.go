package prom

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/util/annotations"

	"github.com/nines-sre/nines/slo"
)

// Defaults of EmbeddedOptions, the same as a Prometheus server's.
const (
	DefaultLookbackDelta = 5 * time.Minute
	DefaultMaxSamples    = 50_000_000
	DefaultQueryTimeout  = 2 * time.Minute
)

// EmbeddedOptions configures the embedded engine. The zero value is usable.
type EmbeddedOptions struct {
	// Logger receives load statistics and engine logs; nil discards them.
	Logger *slog.Logger
	// LookbackDelta is how far back an instant selector looks for a sample;
	// zero means DefaultLookbackDelta (5m, as Prometheus).
	LookbackDelta time.Duration
	// MaxSamples bounds the samples one query may hold in memory; zero means
	// DefaultMaxSamples (50 million, as Prometheus).
	MaxSamples int
	// Timeout bounds each query; zero means DefaultQueryTimeout (2m, as
	// Prometheus).
	Timeout time.Duration
}

// Embedded answers PromQL queries with the Prometheus engine over the samples
// of an OpenMetrics file held in memory in compressed chunks, as a Prometheus
// head holds them. It satisfies slo.Querier and slo.RangeQuerier and is safe
// for concurrent queries.
type Embedded struct {
	PromQL // rewrites queries for batching (slo.Rewriter)
	path   string
	store  *memStore
	engine *promql.Engine
	opts   promql.QueryOpts

	closeOnce sync.Once
	closeErr  error
}

var (
	_ slo.Querier      = (*Embedded)(nil)
	_ slo.RangeQuerier = (*Embedded)(nil)
)

// LoadError is a malformed input file: the file, the 1-based line and what is
// wrong with it.
type LoadError struct {
	File string
	Line int
	Err  error
}

// Error implements error.
func (e *LoadError) Error() string {
	return fmt.Sprintf("could not load OpenMetrics file %q: line %d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the reason.
func (e *LoadError) Unwrap() error { return e.Err }

// OpenFile loads the OpenMetrics text file at path, plain or gzip-compressed
// (told apart by its first bytes, not its name), into memory and returns an
// engine over it. Every sample needs a timestamp and the samples of each
// series must be in increasing time order; a malformed file is a *LoadError
// naming the line. The caller must Close the result.
func OpenFile(ctx context.Context, path string, o EmbeddedOptions) (*Embedded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read OpenMetrics file: %w", err)
	}
	defer f.Close()
	return OpenReader(ctx, path, f, o)
}

// OpenReader loads OpenMetrics text (plain or gzip-compressed) from r, as
// OpenFile does from a file; name names the data in errors and in String
// (the demo data built into the binary is "demo").
func OpenReader(ctx context.Context, name string, r io.Reader, o EmbeddedOptions) (*Embedded, error) {
	path := name
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.LookbackDelta == 0 {
		o.LookbackDelta = DefaultLookbackDelta
	}
	if o.MaxSamples == 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultQueryTimeout
	}
	if o.LookbackDelta < 0 || o.MaxSamples < 0 || o.Timeout < 0 {
		return nil, errors.New("could not open embedded source: lookback delta, max samples and timeout must not be negative")
	}

	start := time.Now()
	input, err := textReader(r, path)
	if err != nil {
		return nil, err
	}

	e := &Embedded{path: path, store: newMemStore()}
	st, err := load(ctx, e.store, input, path)
	if err != nil {
		return nil, err
	}

	e.engine = promql.NewEngine(promql.EngineOpts{
		Logger:        log.With("component", "query engine"),
		MaxSamples:    o.MaxSamples,
		Timeout:       o.Timeout,
		LookbackDelta: o.LookbackDelta,
		// Always on in Prometheus since v2.33.
		EnableAtModifier:     true,
		EnableNegativeOffset: true,
		// A subquery without a step uses the default evaluation interval.
		NoStepSubqueryIntervalFn: func(int64) int64 { return time.Minute.Milliseconds() },
	})
	e.opts = promql.NewPrometheusQueryOpts(false, o.LookbackDelta, nil)

	log.Info("loaded OpenMetrics file", "file", path, "series", st.series, "samples", st.samples,
		"from", timeString(e.store.mint), "to", timeString(e.store.maxt),
		"took", time.Since(start).Round(time.Millisecond))
	return e, nil
}

// textReader returns the text of r, decompressed if it starts with the gzip
// magic bytes.
func textReader(r io.Reader, path string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("could not read OpenMetrics file %q: %w", path, err)
	}
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("could not read OpenMetrics file %q: %w", path, gzipError(err))
	}
	return gzipErrors{zr}, nil
}

// gzipErrors says "gzip" in the errors of a gzip stream.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

// gzipError says "gzip" once in err, and makes a stream cut short an error
// of its own: as io.ErrUnexpectedEOF it would read as the end of the text.
func gzipError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("gzip: the compressed stream is cut short: the file is truncated")
	case strings.HasPrefix(err.Error(), "gzip: "):
		return err
	}
	return fmt.Errorf("gzip: %w", err)
}

// family is the metric family the parser is in: the name of the last HELP,
// TYPE or UNIT line and its type (unknown until a TYPE line says otherwise).
type family struct {
	name string
	typ  model.MetricType
}

// seriesState is what the loader remembers of one series.
type seriesState struct {
	series *memSeries
	lastT  int64
	line   int    // line of the last sample, for error messages
	family string // family the series was checked against
	// nonNegative is set for counter totals and histogram buckets and counts,
	// which OpenMetrics requires to be non-negative and not NaN.
	nonNegative bool
}

type loadStats struct{ series, samples int }

// chunkSize is how much OpenMetrics text the loader parses at a time. The
// parser wants its input as one []byte, and a file of 10M samples is about
// 700 MB of text: reading it whole would make peak memory grow with the file.
// The loader hands the parser one chunk of whole lines at a time instead,
// preceded by the last TYPE line (the only state the parser carries from one
// line to the next) and followed by a "# EOF" line.
var chunkSize = 16 << 20

// loader appends the samples of one file to a store, chunk by chunk.
type loader struct {
	ctx   context.Context
	store *memStore
	path  string
	line  int    // the line being parsed, 1-based
	fam   family // the family the samples belong to
	// lastType replays the parser's state at the start of a chunk: the
	// last TYPE line read, as text.
	lastType []byte
	byText   map[string]*seriesState     // by the series text as written
	bySeries map[*memSeries]*seriesState // the same series written differently
	st       loadStats
}

// load parses r as OpenMetrics the way promtool's backfill does and appends
// every sample to s. It checks what promtool leaves to chance: a timestamp on
// every sample, time order within each series, samples that belong to their
// family's type, and non-negative counters.
func load(ctx context.Context, s *memStore, r io.Reader, path string) (loadStats, error) {
	l := &loader{
		ctx: ctx, store: s, path: path,
		byText:   map[string]*seriesState{},
		bySeries: map[*memSeries]*seriesState{},
	}
	br := bufio.NewReaderSize(r, 1<<20)
	buf := make([]byte, 0, chunkSize+64<<10)
	for {
		buf = append(buf[:0], l.lastType...)
		start := len(buf)
		var err error
		buf, err = readChunk(br, buf, chunkSize)
		final := false
		if err == nil {
			_, err = br.Peek(1)
			final = errors.Is(err, io.EOF)
			if final {
				err = nil
			}
		}
		if err != nil {
			return l.st, l.readError(buf, start, err)
		}
		if !final {
			buf = append(buf, "# EOF\n"...) // readChunk ends on a line feed
		}
		if err := l.parse(buf, start > 0); err != nil {
			return l.st, err
		}
		if final {
			break
		}
	}
	s.done()
	return l.st, nil
}

// readError is the error of a file that could not be read to its end (a
// corrupt or truncated gzip stream) after the chunk buf, whose text starts
// at start. The whole lines read are parsed first, so that the first error
// in the file is reported, and at the same line however the file is cut
// into chunks.
func (l *loader) readError(buf []byte, start int, err error) error {
	text := buf[start:]
	text = text[:bytes.LastIndexByte(text, '\n')+1]
	chunk := buf[:start+len(text)]
	if !bytes.HasSuffix(text, []byte("# EOF\n")) {
		chunk = append(chunk, "# EOF\n"...)
	}
	if perr := l.parse(chunk, start > 0); perr != nil {
		return perr
	}
	return fmt.Errorf("could not read OpenMetrics file %q at line %d: %w", l.path, l.line+1, err)
}

// readChunk appends at least size bytes of r to buf, or all that is left,
// ending after a line feed unless r ends without one.
func readChunk(r *bufio.Reader, buf []byte, size int) ([]byte, error) {
	start := len(buf)
	buf = slices.Grow(buf, size)[:start+size]
	n, err := io.ReadFull(r, buf[start:])
	buf = buf[:start+n]
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return buf, nil
	case err != nil:
		return buf, err
	case buf[len(buf)-1] == '\n':
		return buf, nil
	}
	for {
		rest, err := r.ReadSlice('\n')
		buf = append(buf, rest...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return buf, nil
		}
		return buf, err
	}
}

// parse parses one chunk. replay tells that the chunk starts with the
// replayed TYPE line, which is not a line of the file. A chunk that is not
// the file's last ends with an added "# EOF", which the parser reports as
// io.EOF; a "# EOF" of the file before the chunk's end is an error of the
// parser ("unexpected data after # EOF").
func (l *loader) parse(chunk []byte, replay bool) error {
	p := textparse.NewOpenMetricsParser(chunk, labels.NewSymbolTable())
	if replay {
		if _, err := p.Next(); err != nil {
			return fmt.Errorf("could not load OpenMetrics file %q: replaying %q: %w", l.path, l.lastType, err)
		}
	}
	fail := func(err error) error { return &LoadError{File: l.path, Line: l.line, Err: err} }
	for {
		l.line++
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			l.line-- // the "# EOF" line is not counted: it is the file's last or an added one
			return nil
		}
		if err != nil {
			// The parser's own words, made plainer for the two ends of a file.
			switch msg := err.Error(); {
			case strings.Contains(msg, "does not end with # EOF"):
				err = errors.New(`missing "# EOF" at the end: the file is truncated or not OpenMetrics`)
			case strings.Contains(msg, "unexpected data after # EOF"):
				l.line++ // the parser read past the "# EOF" line
				err = errors.New(`unexpected data after "# EOF"`)
			}
			return fail(err)
		}
		if l.line%4096 == 1 { // also before the first line
			if err := l.ctx.Err(); err != nil {
				return fmt.Errorf("loading %q stopped at line %d: %w", l.path, l.line, context.Cause(l.ctx))
			}
		}
		switch entry {
		case textparse.EntryType:
			name, typ := p.Type()
			if string(name) != l.fam.name {
				l.fam = family{name: string(name)}
			}
			l.fam.typ = typ
			l.lastType = fmt.Appendf(l.lastType[:0], "# TYPE %s %s\n", metricNameText(l.fam.name), typ)
			continue
		case textparse.EntryHelp:
			name, _ := p.Help()
			if string(name) != l.fam.name {
				l.fam = family{name: string(name), typ: model.MetricTypeUnknown}
			}
			continue
		case textparse.EntryUnit:
			name, _ := p.Unit()
			if string(name) != l.fam.name {
				l.fam = family{name: string(name), typ: model.MetricTypeUnknown}
			}
			continue
		case textparse.EntrySeries:
		default:
			continue // OpenMetrics has no other entries
		}
		if err := l.sample(p); err != nil {
			return fail(err)
		}
	}
}

// sample checks and appends the sample the parser is on.
func (l *loader) sample(p textparse.Parser) error {
	text, ts, v := p.Series()
	if ts == nil {
		return fmt.Errorf("sample %s has no timestamp: every sample of a file needs one", text)
	}
	s := l.byText[string(text)]
	if s == nil || s.family != l.fam.name {
		lset := labels.EmptyLabels()
		p.Labels(&lset)
		var err error
		if l.fam, err = checkFamily(l.fam, lset); err != nil {
			return err
		}
		if s == nil {
			ms, err := l.store.getOrCreate(lset)
			if err != nil {
				return fmt.Errorf("sample %s at %s: %w", text, timeString(*ts), err)
			}
			if s = l.bySeries[ms]; s == nil {
				s = &seriesState{series: ms, lastT: math.MinInt64}
				l.bySeries[ms] = s
				l.st.series++
			}
			l.byText[string(text)] = s
		}
		s.family = l.fam.name
		s.nonNegative = nonNegative(l.fam.typ, lset.Get(labels.MetricName), l.fam.name)
	}
	if *ts <= s.lastT {
		return outOfOrder(text, *ts, s)
	}
	if err := checkValue(s, text, v); err != nil {
		return err
	}
	if err := l.store.append(s.series, *ts, v); err != nil {
		return fmt.Errorf("sample %s at %s: %w", text, timeString(*ts), err)
	}
	s.lastT, s.line = *ts, l.line
	l.st.samples++
	return nil
}

// metricNameText writes a metric name as OpenMetrics text: bare if it is a
// classic name, quoted otherwise.
func metricNameText(name string) string {
	if model.LegacyValidation.IsValidMetricName(name) {
		return name
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(name) + `"`
}

func outOfOrder(text []byte, ts int64, s *seriesState) error {
	return fmt.Errorf("sample %s at %s is not after the previous sample of its series at %s (line %d): samples of a series must be in increasing time order",
		text, timeString(ts), timeString(s.lastT), s.line)
}

func checkValue(s *seriesState, text []byte, v float64) error {
	if s.nonNegative && (math.IsNaN(v) || v < 0) {
		return fmt.Errorf("sample %s has value %v: counters, bucket counts and counts must be non-negative numbers", text, v)
	}
	return nil
}

// suffixesOf lists the sample name suffixes OpenMetrics 1.0 allows for each
// family type.
var suffixesOf = map[model.MetricType][]string{
	model.MetricTypeCounter:        {"_total", "_created"},
	model.MetricTypeGauge:          {""},
	model.MetricTypeUnknown:        {""},
	model.MetricTypeHistogram:      {"_bucket", "_count", "_sum", "_created"},
	model.MetricTypeGaugeHistogram: {"_bucket", "_gcount", "_gsum"},
	model.MetricTypeSummary:        {"", "_count", "_sum", "_created"},
	model.MetricTypeInfo:           {"_info"},
	model.MetricTypeStateset:       {""},
}

// typedSuffixes are suffixes that make a sample part of a typed family.
var typedSuffixes = []string{"_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"}

// checkFamily checks that the sample with labels lset belongs to family f and
// returns the family it is in: f, or a new family of unknown type when the
// sample's name is unrelated to f (OpenMetrics allows families without
// metadata lines).
func checkFamily(f family, lset labels.Labels) (family, error) {
	name := lset.Get(labels.MetricName)
	if f.name == "" {
		return family{name: name, typ: model.MetricTypeUnknown}, nil
	}
	var suffix string
	switch {
	case name == f.name:
	case strings.HasPrefix(name, f.name+"_"):
		suffix = name[len(f.name):]
		if !slices.Contains(typedSuffixes, suffix) {
			return family{name: name, typ: model.MetricTypeUnknown}, nil
		}
	default:
		return family{name: name, typ: model.MetricTypeUnknown}, nil
	}
	if !slices.Contains(suffixesOf[f.typ], suffix) {
		switch {
		case suffix == "_total" || suffix == "_created" && f.typ != model.MetricTypeHistogram:
			return f, fmt.Errorf("sample %s is a counter sample but family %q is of type %s: declare it with \"# TYPE %s counter\"", name, f.name, f.typ, f.name)
		case f.typ == model.MetricTypeCounter && strings.HasSuffix(f.name, "_total"):
			return f, fmt.Errorf("counter family %q is named with _total: name the family without it (\"# TYPE %s counter\") and its samples %s", f.name, strings.TrimSuffix(f.name, "_total"), f.name)
		case f.typ == model.MetricTypeCounter:
			return f, fmt.Errorf("sample %s is in counter family %q, whose samples are named %s_total", name, f.name, f.name)
		default:
			return f, fmt.Errorf("sample %s does not belong to family %q of type %s", name, f.name, f.typ)
		}
	}
	switch {
	case suffix == "_bucket" && !lset.Has(labels.BucketLabel):
		return f, fmt.Errorf("bucket sample %s has no %q label", lset, labels.BucketLabel)
	case f.typ == model.MetricTypeSummary && suffix == "" && !lset.Has(model.QuantileLabel):
		return f, fmt.Errorf("summary sample %s has no %q label", lset, model.QuantileLabel)
	}
	return f, nil
}

// nonNegative tells whether samples named name in a family of type typ must be
// non-negative: counter totals, histogram buckets and counts.
func nonNegative(typ model.MetricType, name, fam string) bool {
	switch typ {
	case model.MetricTypeCounter:
		return name == fam+"_total"
	case model.MetricTypeHistogram, model.MetricTypeGaugeHistogram:
		return name == fam+"_bucket" || name == fam+"_count" || name == fam+"_gcount"
	}
	return false
}

// Query evaluates an instant query at time at.
func (e *Embedded) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	q, err := e.engine.NewInstantQuery(ctx, e.store, e.opts, query, at)
	if err != nil {
		return slo.Result{}, fmt.Errorf("could not query %s at %s: %w", e, at.UTC().Format(time.RFC3339), err)
	}
	defer q.Close()
	began := time.Now()
	res := q.Exec(ctx)
	if res.Err != nil {
		return slo.Result{}, fmt.Errorf("could not query %s at %s: %w", e, at.UTC().Format(time.RFC3339), withCause(ctx, res.Err))
	}
	out := slo.Result{Warnings: warnings(res.Warnings, query), Stats: engineStats(q, time.Since(began))}
	switch v := res.Value.(type) {
	case promql.Vector:
		out.Samples = make([]slo.Sample, 0, len(v))
		for _, s := range v {
			if s.H != nil {
				return slo.Result{}, fmt.Errorf("could not query %s at %s: %q returned a native histogram for %s; use a float expression", e, at.UTC().Format(time.RFC3339), query, s.Metric)
			}
			out.Samples = append(out.Samples, slo.Sample{Labels: s.Metric.Map(), Value: s.F, T: time.UnixMilli(s.T).UTC()})
		}
	case promql.Scalar:
		out.Samples = []slo.Sample{{Labels: map[string]string{}, Value: v.V, T: time.UnixMilli(v.T).UTC()}}
	default:
		return slo.Result{}, fmt.Errorf("could not query %s at %s: %q returns a %s, not an instant vector or scalar", e, at.UTC().Format(time.RFC3339), query, res.Value.Type())
	}
	return out, nil
}

// QueryRange evaluates query at every step from start to end inclusive.
func (e *Embedded) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (slo.RangeResult, error) {
	where := fmt.Sprintf("%s from %s to %s every %s", e, start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), step)
	if step <= 0 {
		return slo.RangeResult{}, fmt.Errorf("could not query %s: step must be positive", where)
	}
	if end.Before(start) {
		return slo.RangeResult{}, fmt.Errorf("could not query %s: end is before start", where)
	}
	q, err := e.engine.NewRangeQuery(ctx, e.store, e.opts, query, start, end, step)
	if err != nil {
		return slo.RangeResult{}, fmt.Errorf("could not query %s: %w", where, err)
	}
	defer q.Close()
	began := time.Now()
	res := q.Exec(ctx)
	if res.Err != nil {
		return slo.RangeResult{}, fmt.Errorf("could not query %s: %w", where, withCause(ctx, res.Err))
	}
	took := time.Since(began)
	m, ok := res.Value.(promql.Matrix)
	if !ok {
		return slo.RangeResult{}, fmt.Errorf("could not query %s: %q returned a %s, not a matrix", where, query, res.Value.Type())
	}
	out := slo.RangeResult{Series: make([]slo.Series, 0, len(m)), Warnings: warnings(res.Warnings, query), Stats: engineStats(q, took)}
	for _, s := range m {
		if len(s.Histograms) > 0 {
			return slo.RangeResult{}, fmt.Errorf("could not query %s: %q returned native histograms for %s; use a float expression", where, query, s.Metric)
		}
		pts := make([]slo.Point, len(s.Floats))
		for i, f := range s.Floats {
			pts[i] = slo.Point{T: time.UnixMilli(f.T).UTC(), V: f.F}
		}
		out.Series = append(out.Series, slo.Series{Labels: s.Metric.Map(), Points: pts})
	}
	return out, nil
}

// engineStats is the samples the engine read for q (the count Prometheus
// returns as totalQueryableSamples: the same engine counts them) and the
// query's wall time.
func engineStats(q promql.Query, took time.Duration) *slo.QueryStats {
	st := &slo.QueryStats{Duration: took}
	if s := q.Stats(); s != nil && s.Samples != nil {
		n := s.Samples.TotalSamples
		st.Samples = &n
	}
	return st
}

// withCause adds the context's error to an engine error, which does not wrap
// it, so that callers can tell a cancelled or timed-out query with errors.Is.
func withCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) {
		return fmt.Errorf("%w (%w)", err, cause)
	}
	return err
}

// warnings turns the engine's annotations (warnings and infos) into sorted
// strings, so that the order does not depend on map iteration.
func warnings(a annotations.Annotations, query string) []string {
	if len(a) == 0 {
		return nil
	}
	w, i := a.AsStrings(query, 0, 0)
	out := append(w, i...)
	slices.Sort(out)
	return out
}

// Close stops the engine; the samples are freed with the Embedded. It is safe
// to call more than once.
func (e *Embedded) Close() error {
	e.closeOnce.Do(func() {
		if err := e.engine.Close(); err != nil {
			e.closeErr = fmt.Errorf("could not close %s: %w", e, err)
		}
	})
	return e.closeErr
}

// String describes the source: "file <path>".
func (e *Embedded) String() string { return "file " + e.path }

// Span is the time of the data's first and last sample; zero times when it
// holds none.
func (e *Embedded) Span() (first, last time.Time) {
	if e.store.mint > e.store.maxt {
		return time.Time{}, time.Time{}
	}
	return time.UnixMilli(e.store.mint).UTC(), time.UnixMilli(e.store.maxt).UTC()
}

func timeString(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}
