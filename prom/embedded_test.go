package prom_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// fixture is a small OpenMetrics file: three hours of one-minute samples
// (t = 60·i seconds after the epoch, i = 0…180) of a counter with a process
// restart, a gauge and a classic histogram, and one NaN gauge sample.
func fixture() string {
	var b strings.Builder
	b.WriteString("# TYPE req counter\n# HELP req Requests.\n")
	for i := 0; i <= 180; i++ {
		fmt.Fprintf(&b, "req_total{code=\"200\"} %d %d\n", 1000+60*i, 60*i)
	}
	for i := 0; i <= 180; i++ {
		fmt.Fprintf(&b, "req_total{code=\"500\"} %d %d\n", 10*i, 60*i)
	}
	// restarts_total restarts between i = 90 and i = 91: it counts 10 per
	// minute and drops to 0.
	b.WriteString("# TYPE restarts counter\n")
	for i := 0; i <= 180; i++ {
		v := 10 * i
		if i > 90 {
			v = 10 * (i - 91)
		}
		fmt.Fprintf(&b, "restarts_total %d %d\n", v, 60*i)
	}
	b.WriteString("# TYPE temp gauge\n")
	for i := 0; i <= 180; i++ {
		fmt.Fprintf(&b, "temp{room=\"a\"} %d %d\n", i%7, 60*i)
	}
	// Per minute: 5 requests under 0.1 s, 4 between 0.1 and 0.3 s, 1 between
	// 0.3 and 1 s. le="1" is written the short way on purpose.
	b.WriteString("# TYPE lat_seconds histogram\n# UNIT lat_seconds seconds\n")
	for i := 0; i <= 180; i++ {
		t := 60 * i
		fmt.Fprintf(&b, "lat_seconds_bucket{le=\"0.1\"} %d %d\n", 5*i, t)
		fmt.Fprintf(&b, "lat_seconds_bucket{le=\"0.3\"} %d %d\n", 9*i, t)
		fmt.Fprintf(&b, "lat_seconds_bucket{le=\"1\"} %d %d\n", 10*i, t)
		fmt.Fprintf(&b, "lat_seconds_bucket{le=\"+Inf\"} %d %d\n", 10*i, t)
		fmt.Fprintf(&b, "lat_seconds_count %d %d\n", 10*i, t)
		fmt.Fprintf(&b, "lat_seconds_sum %d %d\n", 2*i, t)
	}
	b.WriteString("# TYPE weird gauge\nweird NaN 7200\n")
	b.WriteString("# EOF\n")
	return b.String()
}

// writeFile writes content under dir and returns the path.
func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// open loads content and registers Close.
func open(t *testing.T, name string, content []byte) *prom.Embedded {
	t.Helper()
	dir := t.TempDir()
	e, err := prom.OpenFile(t.Context(), writeFile(t, dir, name, content), prom.EmbeddedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

// chunkSizes runs f with the loader's default chunk size and with chunks so
// small that every line, or every few lines, is parsed on its own.
func chunkSizes(t *testing.T, f func(t *testing.T)) {
	for _, n := range []int{0, 1, 100} {
		name := "chunk=default"
		if n > 0 {
			name = fmt.Sprintf("chunk=%dB", n)
		}
		t.Run(name, func(t *testing.T) {
			if n > 0 {
				t.Cleanup(prom.SetChunkSize(n))
			}
			f(t)
		})
	}
}

func sec(s int) time.Time { return time.Unix(int64(s), 0).UTC() }

// near reports whether got is within a relative tol of want (absolute for
// want 0); NaN equals NaN and infinities must match exactly.
func near(got, want, tol float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0) || want == 0:
		return got == want || math.Abs(got-want) <= tol
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}

func TestEmbeddedQuery(t *testing.T) {
	chunkSizes(t, testEmbeddedQuery)
}

func testEmbeddedQuery(t *testing.T) {
	e := open(t, "fixture.om", []byte(fixture()))
	// extrapolation is the 1h window's extrapolation factor: 60 samples span
	// 59 minutes, and increase() extrapolates half an interval… here the whole
	// 60 s gap to the window start, since it is below 1.1× the average
	// interval: 3600/3540.
	const extrapolation = 3600.0 / 3540.0
	// Tolerance: increase() multiplies by the float factor above, so results
	// are exact only to a few ulps; 1e-12 relative is far below any meaning.
	const tol = 1e-12

	tests := []struct {
		name  string
		query string
		at    int
		want  map[string]float64 // by labels formatted with fmt %v; "{}" for none
	}{
		{"increase of a counter over 1h is extrapolated to the whole window",
			`increase(req_total{code="200"}[1h])`, 7200, map[string]float64{`map[code:200]`: 3540 * extrapolation}},
		{"sum of increases adds every series",
			`sum(increase(req_total[1h]))`, 7200, map[string]float64{`map[]`: (3540 + 590) * extrapolation}},
		{"increase across a counter reset counts the restart from zero",
			`increase(restarts_total[1h])`, 7200, map[string]float64{`map[]`: (290 + 290) * extrapolation}},
		{"a ratio of increases cancels the extrapolation",
			`sum(increase(req_total{code="500"}[1h])) / sum(increase(req_total[1h]))`, 7200, map[string]float64{`map[]`: 590.0 / (3540 + 590)}},
		// Range selectors are left-open since Prometheus 3: (6600 s, 7200 s]
		// holds i = 111…120, i%7 = 6,0,1,2,3,4,5,6,0,1.
		{"sum_over_time of a gauge adds the samples of the left-open window",
			`sum_over_time(temp[10m])`, 7200, map[string]float64{`map[room:a]`: 28}},
		{"count_over_time excludes the sample at the window start",
			`count_over_time(temp[10m])`, 7200, map[string]float64{`map[room:a]`: 10}},
		{"avg_over_time divides the two",
			`avg_over_time(temp[10m])`, 7200, map[string]float64{`map[room:a]`: 2.8}},
		{"an instant selector takes the last sample within the lookback",
			`temp`, 7230, map[string]float64{`map[__name__:temp room:a]`: 120 % 7}},
		{"a histogram bucket ratio is the share of fast requests",
			`sum(increase(lat_seconds_bucket{le="0.3"}[1h])) / sum(increase(lat_seconds_count[1h]))`, 7200, map[string]float64{`map[]`: 0.9}},
		{"histogram_quantile interpolates within the bucket",
			`histogram_quantile(0.7, sum by (le) (rate(lat_seconds_bucket[1h])))`, 7200, map[string]float64{`map[]`: 0.2}},
		{"le values are normalised as Prometheus 3 does: 1 becomes 1.0",
			`lat_seconds_bucket{le="1.0"}`, 7200, map[string]float64{`map[__name__:lat_seconds_bucket le:1.0]`: 1200}},
		{"the unnormalised le matches nothing",
			`lat_seconds_bucket{le="1"}`, 7200, map[string]float64{}},
		{"a scalar has no labels",
			`scalar(sum(req_total))`, 7200, map[string]float64{`map[]`: 1000 + 7200 + 1200}},
		{"time() is the evaluation time",
			`time()`, 7200, map[string]float64{`map[]`: 7200}},
		{"a query matching nothing is an empty result, not an error",
			`req_total{code="404"}`, 7200, map[string]float64{}},
		{"data after the last sample plus lookback is gone",
			`temp`, 10800 + 301, map[string]float64{}},
		{"a stored NaN passes through",
			`weird`, 7200, map[string]float64{`map[__name__:weird]`: math.NaN()}},
		{"0/0 is NaN",
			`vector(0) / 0`, 7200, map[string]float64{`map[]`: math.NaN()}},
		{"1/0 is +Inf",
			`vector(1) / 0`, 7200, map[string]float64{`map[]`: math.Inf(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Query(t.Context(), tt.query, sec(tt.at))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, s := range res.Samples {
				if s.Labels == nil {
					t.Errorf("labels are nil; want an empty map")
				}
				got[fmt.Sprint(s.Labels)] = s.Value
			}
			if len(got) != len(tt.want) || len(res.Samples) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, w := range tt.want {
				g, ok := got[k]
				if !ok || !near(g, w, tol) {
					t.Errorf("%s = %v, want %v (got %v)", k, g, w, got)
				}
			}
			if len(res.Warnings) != 0 {
				t.Errorf("unexpected warnings %q", res.Warnings)
			}
		})
	}
}

func TestEmbeddedQueryRange(t *testing.T) {
	e := open(t, "fixture.om", []byte(fixture()))
	res, err := e.QueryRange(t.Context(), `sum_over_time(temp[2m])`, sec(7080), sec(7200), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 1 {
		t.Fatalf("got %d series, want 1: %+v", len(res.Series), res.Series)
	}
	// At 7080 s the window (6960, 7080] holds i = 117, 118: 5 + 6.
	want := []slo.Point{{T: sec(7080), V: 11}, {T: sec(7140), V: 6}, {T: sec(7200), V: 1}}
	got := res.Series[0].Points
	if fmt.Sprint(res.Series[0].Labels) != "map[room:a]" || len(got) != len(want) {
		t.Fatalf("got %v %v, want map[room:a] %v", res.Series[0].Labels, got, want)
	}
	for i := range want {
		if !got[i].T.Equal(want[i].T) || got[i].V != want[i].V {
			t.Errorf("point %d = %v, want %v", i, got[i], want[i])
		}
	}

	empty, err := e.QueryRange(t.Context(), `req_total{code="404"}`, sec(0), sec(7200), time.Hour)
	if err != nil || len(empty.Series) != 0 {
		t.Errorf("empty range query = %+v, %v; want no series and no error", empty, err)
	}
}

func TestEmbeddedWarnings(t *testing.T) {
	e := open(t, "fixture.om", []byte(fixture()))
	res, err := e.Query(t.Context(), `rate(temp[5m])`, sec(7200))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "might not be a counter") {
		t.Errorf("warnings = %q; want one saying temp might not be a counter", res.Warnings)
	}
}

func TestEmbeddedQueryErrors(t *testing.T) {
	e := open(t, "fixture.om", []byte(fixture()))
	tests := []struct {
		name, query, want string
	}{
		{"a syntax error names the source", `sum(`, `could not query file `},
		{"a range vector is not an instant result", `temp[5m]`, `returns a matrix, not an instant vector or scalar`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Query(t.Context(), tt.query, sec(7200))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := e.QueryRange(t.Context(), `temp`, sec(7200), sec(0), time.Minute); err == nil || !strings.Contains(err.Error(), "end is before start") {
		t.Errorf("reversed range: error = %v", err)
	}
	if _, err := e.QueryRange(t.Context(), `temp`, sec(0), sec(7200), 0); err == nil || !strings.Contains(err.Error(), "step must be positive") {
		t.Errorf("zero step: error = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := e.Query(ctx, `sum_over_time(temp[1h])`, sec(7200)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled query: error = %v; want context.Canceled", err)
	}
}

func TestOpenFileDetectsGzipByContent(t *testing.T) {
	chunkSizes(t, testOpenFileDetectsGzipByContent)
}

func testOpenFileDetectsGzipByContent(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content []byte
	}{
		{"gzip without a .gz name", "metrics.om", gzipped(t, fixture())},
		{"plain text with a .gz name", "metrics.om.gz", []byte(fixture())},
		{"gzip with a .gz name", "metrics.om.gz", gzipped(t, fixture())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := open(t, tt.file, tt.content)
			res, err := e.Query(t.Context(), `sum_over_time(temp[10m])`, sec(7200))
			if err != nil || len(res.Samples) != 1 || res.Samples[0].Value != 28 {
				t.Errorf("got %+v, %v; want 28", res, err)
			}
			if want := "file " + tt.file; !strings.HasSuffix(e.String(), tt.file) || !strings.HasPrefix(e.String(), "file ") {
				t.Errorf("String() = %q, want %q", e.String(), want)
			}
		})
	}
}

func TestOpenFileRejectsMalformedInput(t *testing.T) {
	chunkSizes(t, testOpenFileRejectsMalformedInput)
}

func testOpenFileRejectsMalformedInput(t *testing.T) {
	tests := []struct {
		name    string
		content string
		line    int
		reason  string
	}{
		{"a line that is not OpenMetrics",
			"# TYPE x counter\nx_total 1 0\nx_total{code=\"200\" 2 60\n# EOF\n", 3, `expected`},
		{"an empty line",
			"# TYPE x counter\nx_total 1 0\n\nx_total 2 60\n# EOF\n", 3, `expected a valid start token`},
		{"a comment that is not HELP, TYPE or UNIT",
			"# a comment\nx 1 0\n# EOF\n", 1, `expected a valid start token`},
		{"samples of a series out of time order",
			"# TYPE x counter\nx_total 1 0\nx_total 2 120\nx_total 3 60\n# EOF\n", 4,
			`is not after the previous sample of its series at 1970-01-01T00:02:00Z (line 3): samples of a series must be in increasing time order`},
		{"two samples of a series at the same time",
			"# TYPE x counter\nx_total 1 0\nx_total 1 0\n# EOF\n", 3, `must be in increasing time order`},
		{"one series written two ways, out of order",
			"# TYPE x counter\nx_total{a=\"1\",b=\"2\"} 1 60\nx_total{b=\"2\",a=\"1\"} 2 0\n# EOF\n", 3, `must be in increasing time order`},
		{"a missing # EOF",
			"# TYPE x counter\nx_total 1 0\nx_total 2 60\n", 4, `missing "# EOF" at the end`},
		{"data after # EOF",
			"# TYPE x counter\nx_total 1 0\n# EOF\nx_total 2 60\n", 4, `unexpected data after "# EOF"`},
		{"a sample without a timestamp",
			"# TYPE x gauge\nx 1\n# EOF\n", 2, `sample x has no timestamp`},
		{"a counter sample in a gauge family",
			"# TYPE x gauge\nx_total 1 0\n# EOF\n", 2, `sample x_total is a counter sample but family "x" is of type gauge: declare it with "# TYPE x counter"`},
		{"a counter sample in a family without a type",
			"# HELP x Things.\nx_total 1 0\n# EOF\n", 2, `sample x_total is a counter sample but family "x" is of type unknown`},
		{"a counter family whose sample lacks _total",
			"# TYPE x counter\nx 1 0\n# EOF\n", 2, `sample x is in counter family "x", whose samples are named x_total`},
		{"a counter family named with _total",
			"# TYPE x_total counter\nx_total 1 0\n# EOF\n", 2, `counter family "x_total" is named with _total`},
		{"a negative counter",
			"# TYPE x counter\nx_total 1 0\nx_total -1 60\n# EOF\n", 3, `has value -1: counters, bucket counts and counts must be non-negative`},
		{"a NaN counter",
			"# TYPE x counter\nx_total NaN 0\n# EOF\n", 2, `has value NaN`},
		{"a bucket without le",
			"# TYPE h histogram\nh_bucket 1 0\n# EOF\n", 2, `has no "le" label`},
		{"a histogram sample with a foreign suffix",
			"# TYPE h histogram\nh_total 1 0\n# EOF\n", 2, `is a counter sample but family "h" is of type histogram`},
		{"an unknown type",
			"# TYPE x thing\nx 1 0\n# EOF\n", 1, `invalid metric type "thing"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "bad.om", []byte(tt.content))
			e, err := prom.OpenFile(t.Context(), path, prom.EmbeddedOptions{})
			if err == nil {
				e.Close()
				t.Fatal("no error")
			}
			var le *prom.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *prom.LoadError", err)
			}
			if le.File != path || le.Line != tt.line {
				t.Errorf("error at %s line %d, want %s line %d: %v", le.File, le.Line, path, tt.line, err)
			}
			msg := err.Error()
			for _, want := range []string{path, fmt.Sprintf("line %d: ", tt.line), tt.reason} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
		})
	}
}

func TestOpenFileUnreadable(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path, want string
	}{
		{"a missing file", filepath.Join(dir, "nope.om"), "no such file"},
		{"a corrupt gzip stream", writeFile(t, dir, "bad.gz", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3}), "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prom.OpenFile(t.Context(), tt.path, prom.EmbeddedOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want it to name %s and say %q", err, tt.path, tt.want)
			}
		})
	}
}

func TestOpenFileInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	path := writeFile(t, t.TempDir(), "big.om", []byte(fixture()))
	_, err := prom.OpenFile(ctx, path, prom.EmbeddedOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}

	// A cause (a signal, the --timeout) is what the error says.
	ctx, cancelCause := context.WithCancelCause(t.Context())
	cancelCause(errors.New("interrupted by SIGTERM"))
	_, err = prom.OpenFile(ctx, path, prom.EmbeddedOptions{})
	if want := "stopped at line 1: interrupted by SIGTERM"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to say %q", err, want)
	}
}

func TestCloseTwice(t *testing.T) {
	path := writeFile(t, t.TempDir(), "f.om", []byte(fixture()))
	e, err := prom.OpenFile(t.Context(), path, prom.EmbeddedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestOpenFileWithoutFinalLineFeed(t *testing.T) {
	chunkSizes(t, func(t *testing.T) {
		e := open(t, "f.om", []byte(strings.TrimSuffix(fixture(), "\n")))
		res, err := e.Query(t.Context(), `count_over_time(temp[10m])`, sec(7200))
		if err != nil || len(res.Samples) != 1 || res.Samples[0].Value != 10 {
			t.Errorf("got %+v, %v; want 10", res, err)
		}
	})
}

func TestOpenFileEmpty(t *testing.T) {
	e := open(t, "empty.om", []byte("# EOF\n"))
	res, err := e.Query(t.Context(), `up`, sec(0))
	if err != nil || len(res.Samples) != 0 {
		t.Errorf("got %+v, %v; want no samples", res, err)
	}
}
