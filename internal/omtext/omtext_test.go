package omtext_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // 1767225600

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestWrite(t *testing.T) {
	tests := []struct {
		name string
		fams []omtext.Family
		want string
	}{
		{
			name: "no families is just the EOF marker",
			want: "# EOF\n",
		},
		{
			name: "a counter gets the _total suffix, help and unit",
			fams: []omtext.Family{{
				Name: "requests_bytes", Type: omtext.Counter, Unit: "bytes", Help: "Bytes served.",
				Series: []omtext.Series{{
					Labels:  map[string]string{"code": "200"},
					Samples: []omtext.Sample{{T: t0, V: 0}, {T: at(time.Minute), V: 60}},
				}},
			}},
			want: `# TYPE requests_bytes counter
# UNIT requests_bytes bytes
# HELP requests_bytes Bytes served.
requests_bytes_total{code="200"} 0 1767225600
requests_bytes_total{code="200"} 60 1767225660
# EOF
`,
		},
		{
			name: "labels are sorted and values escaped",
			fams: []omtext.Family{{
				Name: "g", Type: omtext.Gauge, Help: "a \"quoted\" back\\slash\nnewline",
				Series: []omtext.Series{{
					Labels:  map[string]string{"z": "last", "a": `q"b\s` + "\n", "m": ""},
					Samples: []omtext.Sample{{T: t0, V: 1}},
				}},
			}},
			want: `# TYPE g gauge
# HELP g a \"quoted\" back\\slash\nnewline
g{a="q\"b\\s\n",m="",z="last"} 1 1767225600
# EOF
`,
		},
		{
			name: "special values and fractional and pre-epoch timestamps",
			fams: []omtext.Family{{
				Name: "g", Type: omtext.Gauge,
				Series: []omtext.Series{{Samples: []omtext.Sample{
					{T: time.Unix(-2, 750_000_000), V: -0.5},
					{T: time.Unix(0, 0), V: math.NaN()},
					{T: time.Unix(1, 500_000_000), V: math.Inf(1)},
					{T: time.Unix(2, 1), V: math.Inf(-1)},
					{T: time.Unix(3, 0), V: 1e21},
					{T: time.Unix(4, 0), V: 0.1},
					{T: time.Unix(5, 0), V: 123456789},
				}}},
			}},
			want: `# TYPE g gauge
g -0.5 -1.25
g NaN 0
g +Inf 1.5
g -Inf 2.000000001
g 1e+21 3
g 0.1 4
g 1.23456789e+08 5
# EOF
`,
		},
		{
			name: "a zero time writes no timestamp",
			fams: []omtext.Family{{
				Name: "up", Type: omtext.Gauge,
				Series: []omtext.Series{{Samples: []omtext.Sample{{V: 1}}}},
			}},
			want: "# TYPE up gauge\nup 1\n# EOF\n",
		},
		{
			name: "families and series keep their given order",
			fams: []omtext.Family{
				{Name: "b", Type: omtext.Gauge, Series: []omtext.Series{
					{Labels: map[string]string{"i": "2"}, Samples: []omtext.Sample{{T: t0, V: 2}}},
					{Labels: map[string]string{"i": "1"}, Samples: []omtext.Sample{{T: t0, V: 1}}},
				}},
				{Name: "a", Type: omtext.Gauge, Series: []omtext.Series{
					{Samples: []omtext.Sample{{T: t0, V: 3}}},
				}},
			},
			want: `# TYPE b gauge
b{i="2"} 2 1767225600
b{i="1"} 1 1767225600
# TYPE a gauge
a 3 1767225600
# EOF
`,
		},
		{
			name: "histogram series are interleaved by timestamp, buckets by le",
			fams: []omtext.Family{{
				Name: "lat_seconds", Type: omtext.Histogram, Unit: "seconds",
				Series: []omtext.Series{
					{Suffix: omtext.SuffixSum, Labels: map[string]string{"svc": "a"},
						Samples: []omtext.Sample{{T: t0, V: 1.5}, {T: at(time.Minute), V: 3}}},
					{Suffix: omtext.SuffixBucket, Labels: map[string]string{"svc": "a", "le": "+Inf"},
						Samples: []omtext.Sample{{T: t0, V: 10}, {T: at(time.Minute), V: 20}}},
					{Suffix: omtext.SuffixCount, Labels: map[string]string{"svc": "a"},
						Samples: []omtext.Sample{{T: t0, V: 10}, {T: at(time.Minute), V: 20}}},
					{Suffix: omtext.SuffixBucket, Labels: map[string]string{"svc": "a", "le": "0.5"},
						Samples: []omtext.Sample{{T: t0, V: 8}, {T: at(time.Minute), V: 16}}},
					{Suffix: omtext.SuffixBucket, Labels: map[string]string{"svc": "b", "le": "+Inf"},
						Samples: []omtext.Sample{{T: at(time.Minute), V: 1}}},
					{Suffix: omtext.SuffixBucket, Labels: map[string]string{"svc": "a", "le": "0.1"},
						Samples: []omtext.Sample{{T: t0, V: 5}, {T: at(time.Minute), V: 10}}},
				},
			}},
			want: `# TYPE lat_seconds histogram
# UNIT lat_seconds seconds
lat_seconds_bucket{le="0.1",svc="a"} 5 1767225600
lat_seconds_bucket{le="0.5",svc="a"} 8 1767225600
lat_seconds_bucket{le="+Inf",svc="a"} 10 1767225600
lat_seconds_count{svc="a"} 10 1767225600
lat_seconds_sum{svc="a"} 1.5 1767225600
lat_seconds_bucket{le="0.1",svc="a"} 10 1767225660
lat_seconds_bucket{le="0.5",svc="a"} 16 1767225660
lat_seconds_bucket{le="+Inf",svc="a"} 20 1767225660
lat_seconds_count{svc="a"} 20 1767225660
lat_seconds_sum{svc="a"} 3 1767225660
lat_seconds_bucket{le="+Inf",svc="b"} 1 1767225660
# EOF
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := omtext.Write(&buf, tt.fams); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("Write wrote\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	labels := map[string]string{}
	for _, k := range strings.Fields("a b c d e f g h i j k l m n o p") {
		labels[k] = k + k
	}
	fams := []omtext.Family{{Name: "g", Type: omtext.Gauge, Series: []omtext.Series{
		{Labels: labels, Samples: []omtext.Sample{{T: t0, V: 1}}},
	}}}
	var first bytes.Buffer
	if err := omtext.Write(&first, fams); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		var again bytes.Buffer
		if err := omtext.Write(&again, fams); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), again.Bytes()) {
			t.Fatalf("output changed between runs:\n%s\n%s", first.String(), again.String())
		}
	}
}

func TestWriteRejectsInvalidInput(t *testing.T) {
	one := []omtext.Sample{{T: t0, V: 1}}
	tests := []struct {
		name string
		fam  omtext.Family
		want string
	}{
		{
			name: "a metric name with a dash",
			fam:  omtext.Family{Name: "a-b", Type: omtext.Gauge},
			want: `family "a-b": invalid metric name`,
		},
		{
			name: "a counter named with _total",
			fam:  omtext.Family{Name: "x_total", Type: omtext.Counter},
			want: `family "x_total": counter name must be given without the "_total" suffix`,
		},
		{
			name: "an unsupported type",
			fam:  omtext.Family{Name: "x", Type: "summary"},
			want: `family "x": unsupported type "summary" (want counter, gauge or histogram)`,
		},
		{
			name: "a unit that is not the name's suffix",
			fam:  omtext.Family{Name: "x_ms", Type: omtext.Gauge, Unit: "seconds"},
			want: `family "x_ms": name must end in "_seconds" to carry unit "seconds"`,
		},
		{
			name: "a reserved label name",
			fam: omtext.Family{Name: "x", Type: omtext.Gauge, Series: []omtext.Series{
				{Labels: map[string]string{"__name__": "y"}, Samples: one}}},
			want: `family "x": series 0 {__name__="y"}: invalid label name "__name__"`,
		},
		{
			name: "samples out of time order",
			fam: omtext.Family{Name: "x", Type: omtext.Gauge, Series: []omtext.Series{
				{Samples: []omtext.Sample{{T: at(time.Minute)}, {T: t0}}}}},
			want: `family "x": series 0 {}: sample 1 at 2026-01-01T00:00:00Z is not after the previous one at 2026-01-01T00:01:00Z`,
		},
		{
			name: "two samples at the same time",
			fam: omtext.Family{Name: "x", Type: omtext.Gauge, Series: []omtext.Series{
				{Samples: []omtext.Sample{{T: t0}, {T: t0}}}}},
			want: `family "x": series 0 {}: sample 1 at 2026-01-01T00:00:00Z is not after the previous one at 2026-01-01T00:00:00Z`,
		},
		{
			name: "a sample without timestamp among others",
			fam: omtext.Family{Name: "x", Type: omtext.Gauge, Series: []omtext.Series{
				{Samples: []omtext.Sample{{}, {T: t0}}}}},
			want: `family "x": series 0 {}: sample 0 has no timestamp, which is only allowed in a series of one sample`,
		},
		{
			name: "the same label set twice",
			fam: omtext.Family{Name: "x", Type: omtext.Gauge, Series: []omtext.Series{
				{Labels: map[string]string{"a": "1"}, Samples: one},
				{Labels: map[string]string{"a": "1"}, Samples: one}}},
			want: `family "x": series 1 {a="1"}: label set appears twice`,
		},
		{
			name: "a suffix on a gauge",
			fam: omtext.Family{Name: "x", Type: omtext.Gauge, Series: []omtext.Series{
				{Suffix: "_sum", Samples: one}}},
			want: `family "x": series 0 _sum{}: suffix "_sum" is only valid in histogram families`,
		},
		{
			name: "a histogram series without suffix",
			fam: omtext.Family{Name: "h", Type: omtext.Histogram, Series: []omtext.Series{
				{Samples: one}}},
			want: `family "h": series 0 {}: histogram series needs suffix _bucket, _count or _sum, got ""`,
		},
		{
			name: "a bucket without le",
			fam: omtext.Family{Name: "h", Type: omtext.Histogram, Series: []omtext.Series{
				{Suffix: omtext.SuffixBucket, Samples: one}}},
			want: `family "h": series 0 _bucket{}: bucket series needs an "le" label`,
		},
		{
			name: "a bucket whose le is not a number",
			fam: omtext.Family{Name: "h", Type: omtext.Histogram, Series: []omtext.Series{
				{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "big"}, Samples: one}}},
			want: `family "h": series 0 _bucket{le="big"}: invalid le "big": not a number`,
		},
		{
			name: "a histogram without a +Inf bucket",
			fam: omtext.Family{Name: "h", Type: omtext.Histogram, Series: []omtext.Series{
				{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "1"}, Samples: one},
				{Suffix: omtext.SuffixCount, Samples: one}}},
			want: `family "h": series {}: histogram needs a bucket with le="+Inf"`,
		},
		{
			name: "two buckets with the same bound spelled differently",
			fam: omtext.Family{Name: "h", Type: omtext.Histogram, Series: []omtext.Series{
				{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "1"}, Samples: one},
				{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "1.0"}, Samples: one},
				{Suffix: omtext.SuffixBucket, Labels: map[string]string{"le": "+Inf"}, Samples: one}}},
			want: `family "h": series {}: two buckets with le 1.0`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := omtext.Write(&buf, []omtext.Family{tt.fam})
			if err == nil {
				t.Fatalf("Write succeeded, want error %q; wrote\n%s", tt.want, buf.String())
			}
			if err.Error() != tt.want {
				t.Errorf("Write error\n got %q\nwant %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func TestWriteRejectsDuplicateFamilies(t *testing.T) {
	fams := []omtext.Family{{Name: "x", Type: omtext.Gauge}, {Name: "x", Type: omtext.Counter}}
	err := omtext.Write(&bytes.Buffer{}, fams)
	if err == nil || err.Error() != `family "x": defined twice` {
		t.Fatalf("Write error = %v, want family \"x\": defined twice", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteWrapsWriterErrors(t *testing.T) {
	err := omtext.Write(failWriter{}, nil)
	if err == nil || err.Error() != "could not write OpenMetrics text: disk full" {
		t.Fatalf("Write error = %v", err)
	}
}
