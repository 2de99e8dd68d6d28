package prom

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/tsdb/chunkenc"

	"github.com/nines-sre/nines/internal/omtext"
)

// dump lists every series of e and its samples (values bit for bit), in
// the order the store holds them.
func dump(e *Embedded) string {
	var b strings.Builder
	for _, s := range e.store.series {
		b.WriteString(s.lset.String())
		for _, c := range s.chunks {
			it := c.chunk.Iterator(nil)
			for it.Next() == chunkenc.ValFloat {
				t, v := it.At()
				fmt.Fprintf(&b, " %d@%x", t, math.Float64bits(v))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// openWithChunkSize loads data cut into chunks of n bytes (0: the default)
// and returns what it loaded, or the error.
func openWithChunkSize(t *testing.T, data []byte, n int) (string, error) {
	t.Helper()
	if n > 0 {
		defer SetChunkSize(n)()
	}
	e, err := OpenReader(context.Background(), "fuzz.om", bytes.NewReader(data), EmbeddedOptions{})
	if err != nil {
		return "", err
	}
	defer e.Close()
	first, last := e.Span()
	if e.store.nSamples > 0 && first.After(last) {
		t.Errorf("span %s to %s", first, last)
	}
	// A query over everything loaded runs without a panic.
	if _, err := e.Query(context.Background(), `count({__name__=~".+"})`, last); err != nil {
		t.Errorf("query: %v", err)
	}
	return dump(e), nil
}

// sameLoadError reports whether a and b are the same error of a file: both
// nil, the same line of the file, or the same message. (A *LoadError
// quotes the parser, which quotes the text after a bad token: a token that
// runs to the end of a chunk quotes the "# EOF" that ends every chunk.)
func sameLoadError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var la, lb *LoadError
	if errors.As(a, &la) && errors.As(b, &lb) {
		return la.File == lb.File && la.Line == lb.Line
	}
	return a.Error() == b.Error()
}

// demoPrefix is the first lines of the demo data, ended with "# EOF".
func demoPrefix(f *testing.F, size int) []byte {
	f.Helper()
	file, err := os.Open("../specs/demo/metrics.om.gz")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	zr, err := gzip.NewReader(file)
	if err != nil {
		f.Fatal(err)
	}
	r := bufio.NewReader(io.LimitReader(zr, int64(size)))
	var b bytes.Buffer
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			break // a partial last line is left out
		}
		b.Write(line)
	}
	b.WriteString("# EOF\n")
	return b.Bytes()
}

// FuzzOpenReader loads OpenMetrics text whole and cut into chunks of a few
// bytes, and requires the same samples or the same error: the loader hands
// the parser chunks of whole lines and replays the last TYPE line, which
// must not change what a file means. Whatever loads can be queried.
//
// Seeded with the demo data's first lines, gzip-compressed and not, and
// with small files that exercise every check of the loader.
func FuzzOpenReader(f *testing.F) {
	demo := demoPrefix(f, 4<<10)
	f.Add(demo)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(demo)
	zw.Close()
	f.Add(gz.Bytes())
	for _, s := range []string{
		"# TYPE x counter\nx_total 1 0\nx_total 2 60\n# EOF\n",
		"# TYPE x counter\n# HELP x Things.\nx_total{a=\"1\",b=\"2\"} 1 60\nx_total{b=\"2\",a=\"1\"} 2 120\n# EOF\n",
		"# TYPE h histogram\n# UNIT h_seconds seconds\nh_bucket{le=\"0.1\"} 1 0\nh_bucket{le=\"+Inf\"} 2 0\nh_count 2 0\nh_sum 0.3 0\n# EOF\n",
		"# TYPE g gauge\ng NaN 7200\ng{a=\"\"} 1 7260\ng +Inf 7320.5\n# EOF\n",
		"# TYPE x counter\nx_total 1 0\nx_total -1 60\n# EOF\n",
		"# TYPE x gauge\nx 1\n# EOF\n",
		"# TYPE x counter\nx_total 1 0\n# EOF\nx_total 2 60\n",
		"# TYPE x counter\nx_total 1 0\nx_total 2 60\n",
		"# TYPE x_total counter\nx_total 1 0\n# EOF\n",
		"# TYPE s summary\ns{quantile=\"0.5\"} 1 0\ns_count 1 0\ns_sum 1 0\n# EOF\n",
		"{\"utf8.name\",a=\"b\"} 1 0\n# EOF\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, errWhole := openWithChunkSize(t, data, 0)
		for _, n := range []int{1, 29} {
			cut, errCut := openWithChunkSize(t, data, n)
			if !sameLoadError(errWhole, errCut) {
				t.Fatalf("whole: %v\nin chunks of %d bytes: %v", errWhole, n, errCut)
			}
			if whole != cut {
				t.Fatalf("whole:\n%s\nin chunks of %d bytes:\n%s", whole, n, cut)
			}
		}
		if errWhole != nil {
			var le *LoadError
			if errors.As(errWhole, &le) && (le.File != "fuzz.om" || le.Line < 1) {
				t.Errorf("load error at %s line %d: %v", le.File, le.Line, errWhole)
			}
			if !strings.Contains(errWhole.Error(), `"fuzz.om"`) {
				t.Errorf("error %q does not name the file", errWhole)
			}
		}
	})
}

// FuzzOMTextRoundTrip writes a family with internal/omtext and loads the
// text with the embedded loader: what the writer accepts, the loader reads
// as written (the writer does not judge values, so a negative or NaN
// counter or bucket may be refused).
func FuzzOMTextRoundTrip(f *testing.F) {
	f.Add(uint8(0), "http_requests", "", "code", "200", "Requests.", 1.0, 2.0, int64(0), int64(60_000))
	f.Add(uint8(1), "temp_celsius", "celsius", "room", "a\"b\\c\nd", "", math.NaN(), math.Inf(-1), int64(-5_500), int64(7_200_250))
	f.Add(uint8(2), "lat_seconds", "seconds", "le", "0.25", "Latency.", 3.0, 5.0, int64(1_790_000_000_000), int64(1_790_000_060_000))
	f.Add(uint8(1), "x", "", "a", "", "", 1.0, 2.0, int64(1), int64(2))
	f.Fuzz(func(t *testing.T, typ uint8, name, unit, label, value, help string, v1, v2 float64, t1, t2 int64) {
		if t1 <= math.MinInt64/int64(time.Millisecond) || t2 >= math.MaxInt64/int64(time.Millisecond) {
			return // beyond what time.UnixMilli and a sample's int64 milliseconds share
		}
		samples := []omtext.Sample{{T: time.UnixMilli(t1), V: v1}, {T: time.UnixMilli(t2), V: v2}}
		fam := omtext.Family{Name: name, Unit: unit, Help: help}
		switch typ % 3 {
		case 0:
			fam.Type = omtext.Counter
			fam.Series = []omtext.Series{{Labels: map[string]string{label: value}, Samples: samples}}
		case 1:
			fam.Type = omtext.Gauge
			fam.Series = []omtext.Series{{Labels: map[string]string{label: value}, Samples: samples}}
		default:
			fam.Type = omtext.Histogram
			le := map[string]string{"le": "+Inf"}
			other := map[string]string{}
			if label != "le" {
				le[label], other[label] = value, value
			}
			fam.Series = []omtext.Series{
				{Suffix: omtext.SuffixBucket, Labels: le, Samples: samples},
				{Suffix: omtext.SuffixCount, Labels: other, Samples: samples},
			}
		}
		var b bytes.Buffer
		if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
			return
		}
		e, err := OpenReader(context.Background(), "om", bytes.NewReader(b.Bytes()), EmbeddedOptions{})
		if err != nil {
			judged := fam.Type != omtext.Gauge && (!(v1 >= 0) || !(v2 >= 0))
			if !judged || !strings.Contains(err.Error(), "must be non-negative") {
				t.Fatalf("omtext wrote text the loader refuses: %v\n%s", err, b.String())
			}
			return
		}
		defer e.Close()
		if len(e.store.series) != len(fam.Series) {
			t.Fatalf("%d series read, %d written:\n%s", len(e.store.series), len(fam.Series), b.String())
		}
		for _, s := range e.store.series {
			if label != "le" && s.lset.Get(label) != value {
				t.Fatalf("series %s: label %s is %q, written as %q", s.lset, label, s.lset.Get(label), value)
			}
			var got []omtext.Sample
			for _, c := range s.chunks {
				it := c.chunk.Iterator(nil)
				for it.Next() == chunkenc.ValFloat {
					ts, v := it.At()
					got = append(got, omtext.Sample{T: time.UnixMilli(ts), V: v})
				}
			}
			if len(got) != 2 || !got[0].T.Equal(samples[0].T) || !got[1].T.Equal(samples[1].T) ||
				!sameFloat(got[0].V, v1) || !sameFloat(got[1].V, v2) {
				t.Fatalf("series %s read as %v, written as %v:\n%s", s.lset, got, samples, b.String())
			}
		}
	})
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
