package promtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
)

// t0 is where all test data starts; it is in the past, so nothing here
// depends on the wall clock.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// floatTolerance bounds float rounding only. increase() extrapolates the
// difference of the samples it finds to the edges of its window (when they
// lie within 1.1 average sample intervals of the edges): the result is the
// sample difference times window/sampled interval, e.g. 3540 × 3600/3540,
// which for a perfectly linear counter is the true value up to rounding.
const floatTolerance = 1e-9

// testData is two hours of one-minute samples starting at t0:
//
//   - x_total{case="steady"} rises by exactly 60 per minute: 60·i at minute i.
//   - x_total{case="reset"} does the same, but restarts after minute 60: it
//     reads 3600 at minute 60 and 60 at minute 61, 1800 at minute 90.
//   - lat_seconds, a histogram whose buckets rise by 30 (le=0.1), 50 (le=0.5)
//     and 60 (le=+Inf) per minute, with sum rising by 12 per minute.
//   - g{path=...}, a gauge with a label value that needs every escape, read 1
//     at 00:10:00.000 and 0.25 at 00:10:00.250.
//   - special{v=...}, gauges holding NaN, +Inf and -Inf at t0.
func testData(t *testing.T) []byte {
	t.Helper()
	var steady, reset, b01, b05, bInf, count, sum []omtext.Sample
	for i := range 121 {
		ts := at(time.Duration(i) * time.Minute)
		n := float64(i)
		steady = append(steady, omtext.Sample{T: ts, V: 60 * n})
		r := 60 * n
		if i > 60 {
			r = 60 * (n - 60)
		}
		reset = append(reset, omtext.Sample{T: ts, V: r})
		b01 = append(b01, omtext.Sample{T: ts, V: 30 * n})
		b05 = append(b05, omtext.Sample{T: ts, V: 50 * n})
		bInf = append(bInf, omtext.Sample{T: ts, V: 60 * n})
		count = append(count, omtext.Sample{T: ts, V: 60 * n})
		sum = append(sum, omtext.Sample{T: ts, V: 12 * n})
	}
	fams := []omtext.Family{
		{Name: "x", Type: omtext.Counter, Help: "A counter with a known pattern.", Series: []omtext.Series{
			{Labels: map[string]string{"case": "steady"}, Samples: steady},
			{Labels: map[string]string{"case": "reset"}, Samples: reset},
		}},
		{Name: "lat_seconds", Type: omtext.Histogram, Unit: "seconds", Series: []omtext.Series{
			{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "0.1"}, Samples: b01},
			{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "0.5"}, Samples: b05},
			{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "+Inf"}, Samples: bInf},
			{Suffix: omtext.SuffixCount, Samples: count},
			{Suffix: omtext.SuffixSum, Samples: sum},
		}},
		{Name: "g", Type: omtext.Gauge, Series: []omtext.Series{
			{Labels: map[string]string{"path": escapedPath}, Samples: []omtext.Sample{
				{T: at(10 * time.Minute), V: 1},
				{T: at(10*time.Minute + 250*time.Millisecond), V: 0.25},
			}},
		}},
		{Name: "special", Type: omtext.Gauge, Series: []omtext.Series{
			{Labels: map[string]string{"v": "nan"}, Samples: []omtext.Sample{{T: t0, V: math.NaN()}}},
			{Labels: map[string]string{"v": "inf"}, Samples: []omtext.Sample{{T: t0, V: math.Inf(1)}}},
			{Labels: map[string]string{"v": "-inf"}, Samples: []omtext.Sample{{T: t0, V: math.Inf(-1)}}},
		}},
	}
	var buf bytes.Buffer
	if err := omtext.Write(&buf, fams); err != nil {
		t.Fatalf("could not write test data: %v", err)
	}
	return buf.Bytes()
}

const escapedPath = `a"b\c` + "\n" + `d`

func TestPrometheusServesBackfilledData(t *testing.T) {
	srv := promtest.Start(t, testData(t))

	tests := []struct {
		name  string
		query string
		at    time.Time
		want  float64
		tol   float64 // 0 means exact
	}{
		{
			name:  "a raw sample reads back exactly",
			query: `x_total{case="steady"}`, at: at(30 * time.Minute), want: 1800,
		},
		{
			name:  "the last sample reads back exactly",
			query: `x_total{case="steady"}`, at: at(120 * time.Minute), want: 7200,
		},
		{
			name:  "between samples the previous sample is returned",
			query: `x_total{case="steady"}`, at: at(30*time.Minute + 59*time.Second), want: 1800,
		},
		{
			name:  "a backfilled series has no staleness marker, so it is seen for the 5m lookback after its last sample",
			query: `x_total{case="steady"}`, at: at(124 * time.Minute), want: 7200,
		},
		{
			name:  "increase over a window aligned with samples is the written 3600",
			query: `increase(x_total{case="steady"}[1h])`, at: at(90 * time.Minute), want: 3600, tol: floatTolerance,
		},
		{
			name:  "increase extrapolates the 3540 between the samples inside an unaligned window to 3600",
			query: `increase(x_total{case="steady"}[1h])`, at: at(90*time.Minute + 30*time.Second), want: 3600, tol: floatTolerance,
		},
		{
			name:  "increase does not extrapolate before a series that starts inside the window below zero",
			query: `increase(x_total{case="steady"}[1h])`, at: at(30 * time.Minute), want: 1800, tol: floatTolerance,
		},
		{
			name:  "the counter reset is in the data",
			query: `x_total{case="reset"}`, at: at(61 * time.Minute), want: 60,
		},
		{
			name:  "increase across a counter reset still counts 60 per minute",
			query: `increase(x_total{case="reset"}[1h])`, at: at(90 * time.Minute), want: 3600, tol: floatTolerance,
		},
		{
			name:  "resets counts the one reset",
			query: `resets(x_total{case="reset"}[2h])`, at: at(120 * time.Minute), want: 1,
		},
		{
			name:  "histogram count reads back",
			query: `lat_seconds_count`, at: at(60 * time.Minute), want: 3600,
		},
		{
			name:  "histogram sum reads back",
			query: `lat_seconds_sum`, at: at(60 * time.Minute), want: 720,
		},
		{
			name: "histogram_quantile interpolates inside the le=0.5 bucket",
			// Rates per second: 0.5 (le=0.1), 0.833 (le=0.5), 1 (+Inf); rank 0.75
			// lies a quarter of 1/3 into (0.1, 0.5]: 0.1 + 0.4×0.75 = 0.4.
			query: `histogram_quantile(0.75, rate(lat_seconds_bucket[5m]))`, at: at(60 * time.Minute), want: 0.4, tol: floatTolerance,
		},
		{
			name:  "a sample 1 ms before a fractional timestamp sees the earlier value",
			query: `g`, at: at(10*time.Minute + 249*time.Millisecond), want: 1,
		},
		{
			name:  "a fractional timestamp keeps its milliseconds",
			query: `g`, at: at(10*time.Minute + 250*time.Millisecond), want: 0.25,
		},
		{
			name:  "NaN reads back",
			query: `special{v="nan"}`, at: t0, want: math.NaN(),
		},
		{
			name:  "+Inf reads back",
			query: `special{v="inf"}`, at: t0, want: math.Inf(1),
		},
		{
			name:  "-Inf reads back",
			query: `special{v="-inf"}`, at: t0, want: math.Inf(-1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := queryOne(t, srv.URL, tt.query, tt.at)
			if !closeEnough(got.Value, tt.want, tt.tol) {
				t.Errorf("%s at %s = %v, want %v (tolerance %g)", tt.query, tt.at.Format(time.RFC3339Nano), got.Value, tt.want, tt.tol)
			}
		})
	}

	t.Run("escaped label values read back unchanged", func(t *testing.T) {
		got := queryOne(t, srv.URL, `g`, at(10*time.Minute))
		if got.Metric["path"] != escapedPath {
			t.Errorf("path label = %q, want %q", got.Metric["path"], escapedPath)
		}
	})

	t.Run("no data after the lookback is an empty result, not zero", func(t *testing.T) {
		if got := query(t, srv.URL, `x_total`, at(126*time.Minute)); len(got) != 0 {
			t.Errorf("x_total 6m after the last sample = %v, want no series", got)
		}
	})
}

func TestMonthsOfDataBackfillIntoFewBlocks(t *testing.T) {
	// 90 days of 5-minute samples. With promtool's default 2h block range this
	// would be 1080 blocks and take most of a minute to write.
	const days, step = 90, 5 * time.Minute
	var samples []omtext.Sample
	for ts := t0; !ts.After(t0.Add(days * 24 * time.Hour)); ts = ts.Add(step) {
		samples = append(samples, omtext.Sample{T: ts, V: float64(ts.Sub(t0) / step)})
	}
	var buf bytes.Buffer
	err := omtext.Write(&buf, []omtext.Family{{Name: "long", Type: omtext.Counter, Series: []omtext.Series{{Samples: samples}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := promtest.Start(t, buf.Bytes())

	entries, err := os.ReadDir(srv.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(srv.DataDir, e.Name(), "meta.json")); err == nil {
			blocks++
		}
	}
	if blocks < 1 || blocks > 2 {
		t.Errorf("%d days of data were written as %d blocks, want 1 or 2", days, blocks)
	}
	wantLast := float64(len(samples) - 1)
	if got := queryOne(t, srv.URL, "long_total", samples[len(samples)-1].T); got.Value != wantLast {
		t.Errorf("long_total at the end = %v, want %v", got.Value, wantLast)
	}
	if got := queryOne(t, srv.URL, "long_total", t0); got.Value != 0 {
		t.Errorf("long_total at the start = %v, want 0 (retention must keep old data)", got.Value)
	}
}

func TestPushgatewayKeepsPushedMetrics(t *testing.T) {
	pg := promtest.StartPushgateway(t)

	body := "# TYPE nines_push_test gauge\nnines_push_test{kind=\"x\"} 42\n"
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, pg.URL+"/metrics/job/test", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain; version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("push: %s: %s", resp.Status, msg)
	}

	metrics := get(t, pg.URL+"/metrics")
	want := `nines_push_test{instance="",job="test",kind="x"} 42`
	if !strings.Contains(metrics, "\n"+want+"\n") {
		t.Errorf("/metrics lacks the line %s; got:\n%s", want, metrics)
	}
}

// sample is one element of an instant vector.
type sample struct {
	Metric map[string]string
	Value  float64
}

// query runs an instant query at ts through the HTTP API.
func query(t *testing.T, base, q string, ts time.Time) []sample {
	t.Helper()
	params := url.Values{
		"query": {q},
		"time":  {strconv.FormatFloat(float64(ts.UnixMilli())/1000, 'f', 3, 64)},
	}
	var r struct {
		Status   string   `json:"status"`
		Error    string   `json:"error"`
		Warnings []string `json:"warnings"`
		Data     struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(get(t, base+"/api/v1/query?"+params.Encode())), &r); err != nil {
		t.Fatalf("query %s: could not decode response: %v", q, err)
	}
	if r.Status != "success" || len(r.Warnings) > 0 || r.Data.ResultType != "vector" {
		t.Fatalf("query %s: status %q, error %q, warnings %q, result type %q", q, r.Status, r.Error, r.Warnings, r.Data.ResultType)
	}
	out := make([]sample, 0, len(r.Data.Result))
	for _, res := range r.Data.Result {
		s, ok := res.Value[1].(string)
		if !ok {
			t.Fatalf("query %s: value %v is not a string", q, res.Value[1])
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("query %s: %v", q, err)
		}
		out = append(out, sample{Metric: res.Metric, Value: v})
	}
	return out
}

// queryOne runs query and requires exactly one series.
func queryOne(t *testing.T, base, q string, ts time.Time) sample {
	t.Helper()
	got := query(t, base, q, ts)
	if len(got) != 1 {
		t.Fatalf("query %s at %s: got %d series %v, want 1", q, ts.Format(time.RFC3339Nano), len(got), got)
	}
	return got[0]
}

func get(t *testing.T, u string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", u, resp.Status, body)
	}
	return string(body)
}

// closeEnough compares with a relative tolerance; tol 0 means exact, and NaN
// equals NaN.
func closeEnough(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if tol == 0 || math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}
