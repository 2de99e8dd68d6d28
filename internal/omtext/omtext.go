// Package omtext writes metric samples as OpenMetrics 1.0 text, the format that
// `promtool tsdb create-blocks-from openmetrics` backfills and the embedded
// PromQL engine loads. It exists for tests and data generators: the output is
// deterministic byte for byte, so fixtures can be compared and regenerated.
//
// Write checks structure (names, types, suffixes, label sets, time order) and
// returns an error rather than emitting text a reader would reject or, worse,
// misread: promtool 2.42 silently drops a sample that goes back in time within
// a block. It does not judge values: a negative or NaN counter is written as
// given. Prometheus keeps timestamps to the millisecond.
package omtext

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Metric family types accepted in Family.Type.
const (
	Counter   = "counter"
	Gauge     = "gauge"
	Histogram = "histogram"
)

// Histogram sample suffixes accepted in Series.Suffix.
const (
	SuffixBucket = "_bucket"
	SuffixCount  = "_count"
	SuffixSum    = "_sum"
)

// Sample is one value of a series. A zero T writes the sample without a
// timestamp (the reader then uses its own clock); a series that does so may
// hold only that one sample.
type Sample struct {
	T time.Time
	V float64
}

// Series is one label set of a family and its samples in strictly increasing
// time order.
type Series struct {
	// Suffix selects the sample name for histogram families: SuffixBucket
	// (Labels must then include "le"), SuffixCount or SuffixSum. It must be
	// empty for counters and gauges.
	Suffix string
	// Labels are written sorted by name; nil means no labels.
	Labels map[string]string
	// Samples are written in the order given, which must be by time.
	Samples []Sample
}

// Family is one metric family. Name is the base name: a counter named
// "http_requests" is written as samples named "http_requests_total", a
// histogram named "latency_seconds" as "latency_seconds_bucket",
// "latency_seconds_count" and "latency_seconds_sum".
type Family struct {
	Name string
	Type string // Counter, Gauge or Histogram
	Help string // optional; written as "# HELP" when not empty
	Unit string // optional; when set, Name must end in "_" + Unit
	// Series are written in the order given, except that histogram series
	// sharing a label set (apart from "le") are interleaved by timestamp as
	// OpenMetrics requires: at each timestamp the buckets by increasing le,
	// then _count, then _sum.
	Series []Series
}

// Write writes fams as OpenMetrics text terminated by "# EOF\n". Nothing is
// written if the families are invalid.
func Write(w io.Writer, fams []Family) error {
	var b strings.Builder
	seen := make(map[string]bool, len(fams))
	for i := range fams {
		f := &fams[i]
		if seen[f.Name] {
			return fmt.Errorf("family %q: defined twice", f.Name)
		}
		seen[f.Name] = true
		if err := writeFamily(&b, f); err != nil {
			return fmt.Errorf("family %q: %w", f.Name, err)
		}
	}
	b.WriteString("# EOF\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("could not write OpenMetrics text: %w", err)
	}
	return nil
}

func writeFamily(b *strings.Builder, f *Family) error {
	if !validMetricName(f.Name) {
		return errors.New("invalid metric name")
	}
	switch f.Type {
	case Counter:
		if strings.HasSuffix(f.Name, "_total") {
			return errors.New(`counter name must be given without the "_total" suffix`)
		}
	case Gauge, Histogram:
	default:
		return fmt.Errorf("unsupported type %q (want %s, %s or %s)", f.Type, Counter, Gauge, Histogram)
	}
	if !utf8.ValidString(f.Help) {
		return fmt.Errorf("help %q is not valid UTF-8", f.Help)
	}
	if f.Unit != "" && !strings.HasSuffix(f.Name, "_"+f.Unit) {
		return fmt.Errorf("name must end in %q to carry unit %q", "_"+f.Unit, f.Unit)
	}

	fmt.Fprintf(b, "# TYPE %s %s\n", f.Name, f.Type)
	if f.Unit != "" {
		fmt.Fprintf(b, "# UNIT %s %s\n", f.Name, f.Unit)
	}
	if f.Help != "" {
		fmt.Fprintf(b, "# HELP %s %s\n", f.Name, Escape(f.Help))
	}

	// Check every series and render its label text once.
	rendered := make([]string, len(f.Series))
	keys := make(map[string]bool, len(f.Series))
	for i := range f.Series {
		s := &f.Series[i]
		rendered[i] = formatLabels(s.Labels)
		if err := checkSeries(f.Type, s); err != nil {
			return fmt.Errorf("series %d %s%s: %w", i, s.Suffix, braces(rendered[i]), err)
		}
		key := s.Suffix + rendered[i]
		if keys[key] {
			return fmt.Errorf("series %d %s%s: label set appears twice", i, s.Suffix, braces(rendered[i]))
		}
		keys[key] = true
	}

	if f.Type != Histogram {
		name := f.Name
		if f.Type == Counter {
			name += "_total"
		}
		for i := range f.Series {
			for _, smp := range f.Series[i].Samples {
				writeSample(b, name, rendered[i], smp)
			}
		}
		return nil
	}
	return writeHistogram(b, f, rendered)
}

// checkSeries validates one series of a family of type typ.
func checkSeries(typ string, s *Series) error {
	for name, value := range s.Labels {
		if !validLabelName(name) || strings.HasPrefix(name, "__") {
			return fmt.Errorf("invalid label name %q", name)
		}
		if !utf8.ValidString(value) {
			return fmt.Errorf("label %s: value %q is not valid UTF-8", name, value)
		}
	}
	if typ == Histogram {
		switch s.Suffix {
		case SuffixBucket:
			le, ok := s.Labels["le"]
			if !ok {
				return errors.New(`bucket series needs an "le" label`)
			}
			if _, err := strconv.ParseFloat(le, 64); err != nil {
				return fmt.Errorf("invalid le %q: not a number", le)
			}
		case SuffixCount, SuffixSum:
			if _, ok := s.Labels["le"]; ok {
				return fmt.Errorf(`%s series must not carry an "le" label`, s.Suffix)
			}
		default:
			return fmt.Errorf("histogram series needs suffix %s, %s or %s, got %q", SuffixBucket, SuffixCount, SuffixSum, s.Suffix)
		}
	} else if s.Suffix != "" {
		return fmt.Errorf("suffix %q is only valid in histogram families", s.Suffix)
	}
	for j, smp := range s.Samples {
		if smp.T.IsZero() && len(s.Samples) > 1 {
			return fmt.Errorf("sample %d has no timestamp, which is only allowed in a series of one sample", j)
		}
		if j > 0 && !smp.T.After(s.Samples[j-1].T) {
			return fmt.Errorf("sample %d at %s is not after the previous one at %s",
				j, smp.T.Format(time.RFC3339Nano), s.Samples[j-1].T.Format(time.RFC3339Nano))
		}
	}
	return nil
}

// writeHistogram writes histogram series grouped by label set (without "le"),
// each group interleaved by timestamp.
func writeHistogram(b *strings.Builder, f *Family, rendered []string) error {
	type member struct {
		idx  int
		rank int     // 0 bucket, 1 count, 2 sum
		le   float64 // bucket bound, for ordering
	}
	var order []string
	groups := map[string][]member{}
	for i := range f.Series {
		s := &f.Series[i]
		m := member{idx: i}
		base := s.Labels
		switch s.Suffix {
		case SuffixBucket:
			m.le, _ = strconv.ParseFloat(s.Labels["le"], 64) // checked in checkSeries
			base = withoutLe(s.Labels)
		case SuffixCount:
			m.rank = 1
		case SuffixSum:
			m.rank = 2
		}
		key := formatLabels(base)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], m)
	}
	for _, key := range order {
		ms := groups[key]
		slices.SortStableFunc(ms, func(a, b member) int {
			if c := cmp.Compare(a.rank, b.rank); c != 0 {
				return c
			}
			return cmp.Compare(a.le, b.le)
		})
		hasInf := false
		for i, m := range ms {
			if m.rank == 0 && math.IsInf(m.le, 1) {
				hasInf = true
			}
			if i > 0 && m.rank == 0 && ms[i-1].rank == 0 && m.le == ms[i-1].le {
				return fmt.Errorf("series %s: two buckets with le %s", braces(key), f.Series[m.idx].Labels["le"])
			}
		}
		if !hasInf {
			return fmt.Errorf(`series %s: histogram needs a bucket with le="+Inf"`, braces(key))
		}
		next := make([]int, len(ms)) // next sample index per member
		for {
			// The earliest pending timestamp in the group.
			var at time.Time
			found := false
			for k, m := range ms {
				smps := f.Series[m.idx].Samples
				if next[k] < len(smps) && (!found || smps[next[k]].T.Before(at)) {
					at, found = smps[next[k]].T, true
				}
			}
			if !found {
				break
			}
			for k, m := range ms {
				s := &f.Series[m.idx]
				if next[k] < len(s.Samples) && s.Samples[next[k]].T.Equal(at) {
					writeSample(b, f.Name+s.Suffix, rendered[m.idx], s.Samples[next[k]])
					next[k]++
				}
			}
		}
	}
	return nil
}

func withoutLe(labels map[string]string) map[string]string {
	out := make(map[string]string, len(labels))
	for k, v := range labels {
		if k != "le" {
			out[k] = v
		}
	}
	return out
}

func writeSample(b *strings.Builder, name, labels string, s Sample) {
	b.WriteString(name)
	b.WriteString(labels)
	b.WriteByte(' ')
	b.WriteString(FormatValue(s.V))
	if !s.T.IsZero() {
		b.WriteByte(' ')
		b.WriteString(formatTimestamp(s.T))
	}
	b.WriteByte('\n')
}

// formatLabels renders labels as `{a="1",b="2"}` sorted by name, or "" when
// there are none.
func formatLabels(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(Escape(labels[k]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// braces returns rendered labels for an error message, "{}" when empty.
func braces(rendered string) string {
	if rendered == "" {
		return "{}"
	}
	return rendered
}

var escaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// Escape escapes a label value or help text: backslash, double quote and
// line feed (also the Prometheus text format's escaping).
func Escape(s string) string { return escaper.Replace(s) }

// FormatValue formats v the way OpenMetrics (and the Prometheus text
// format) spells numbers: the shortest
// representation that parses back to v ('g', -1), and "NaN", "+Inf", "-Inf".
func FormatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// formatTimestamp formats t as seconds since the Unix epoch: an integer when
// t is on a whole second, otherwise a decimal without trailing zeros
// (nanosecond precision; Prometheus keeps milliseconds).
func formatTimestamp(t time.Time) string {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	if nsec == 0 {
		return strconv.FormatInt(sec, 10)
	}
	sign := ""
	if sec < 0 { // t.Unix() floors, so -0.25 s is -1 s + 750 ms
		sign, sec, nsec = "-", -(sec + 1), 1e9-nsec
	}
	frac := strings.TrimRight(fmt.Sprintf("%09d", nsec), "0")
	return sign + strconv.FormatInt(sec, 10) + "." + frac
}

func validMetricName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r == ':' || isLetter(r) || (i > 0 && isDigit(r))) {
			return false
		}
	}
	return true
}

func validLabelName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || isLetter(r) || (i > 0 && isDigit(r))) {
			return false
		}
	}
	return true
}

func isLetter(r rune) bool { return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') }
func isDigit(r rune) bool  { return '0' <= r && r <= '9' }
