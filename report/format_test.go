package report_test

import (
	"math"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// The formatters return strings, so every case compares exactly: the
// rounding to the printed digits is what is under test.

func TestPercent(t *testing.T) {
	tests := []struct {
		name     string
		ratio    float64
		decimals int
		want     string
	}{
		{"a ratio prints as a percent with the decimals asked for", 0.99953, 3, "99.953%"},
		{"extra decimals are rounded to the nearest", 0.999537, 3, "99.954%"},
		{"missing decimals are padded with zeros", 0.999, 3, "99.900%"},
		{"zero decimals round to a whole percent", 0.9951, 0, "100%"},
		{"negative decimals count as zero", 0.5, -2, "50%"},
		{"a composite availability keeps its five decimals", 0.9985005, 5, "99.85005%"},
		{"zero is 0%", 0, 2, "0.00%"},
		{"a budget overspent is a negative percent", -0.5, 1, "-50.0%"},
		{"a tiny negative that rounds to zero has no minus sign", -1e-9, 2, "0.00%"},
		{"NaN is n/a", math.NaN(), 3, "n/a"},
		{"+Inf is n/a", math.Inf(1), 3, "n/a"},
		{"-Inf is n/a", math.Inf(-1), 3, "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Percent(tt.ratio, tt.decimals); got != tt.want {
				t.Errorf("Percent(%v, %d) = %q, want %q", tt.ratio, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestObjective(t *testing.T) {
	tests := []struct {
		name  string
		ratio float64
		want  string
	}{
		{"99.95% prints without float noise", 0.9995, "99.95%"},
		{"99% prints without decimals", 0.99, "99%"},
		{"99.9% prints with one decimal", 0.999, "99.9%"},
		{"99.99% prints with two decimals", 0.9999, "99.99%"},
		{"a percent parsed from text round-trips", 99.9 / 100, "99.9%"},
		{"five nines keep all their digits", 0.99999, "99.999%"},
		{"six decimals of a percent are kept", 0.99999999, "99.999999%"},
		{"a seventh decimal of a percent is rounded away", 0.999999999, "100%"},
		{"an odd objective keeps its digits", 0.98765, "98.765%"},
		{"zero is 0%", 0, "0%"},
		{"NaN is n/a", math.NaN(), "n/a"},
		{"+Inf is n/a", math.Inf(1), "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Objective(tt.ratio); got != tt.want {
				t.Errorf("Objective(%v) = %q, want %q", tt.ratio, got, tt.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"zero is 0s", 0, "0s"},
		{"99.99% of a day allows 8.64s", 8640 * time.Millisecond, "8.64s"},
		{"under a minute keeps up to two decimals", 43200 * time.Millisecond, "43.2s"},
		{"whole seconds have no decimals", 26 * time.Second, "26s"},
		{"under a minute rounds to the hundredth", 1234567 * time.Microsecond, "1.23s"},
		{"half a hundredth rounds up", 1235 * time.Millisecond, "1.24s"},
		{"a few milliseconds round up to a hundredth", 8 * time.Millisecond, "0.01s"},
		{"a nonzero duration too short to show is below a hundredth", 864 * time.Microsecond, "<0.01s"},
		{"just under a minute rounds up to a minute", 59996 * time.Millisecond, "1m"},
		{"99.9% of a month allows 43m 50s", 43*time.Minute + 49746*time.Millisecond, "43m 50s"},
		{"minutes and seconds print as two units", 10*time.Minute + 4800*time.Millisecond, "10m 5s"},
		{"a whole number of minutes prints one unit", 43 * time.Minute, "43m"},
		{"a remainder that rounds to zero still shows the second unit", 43*time.Minute + 200*time.Millisecond, "43m 0s"},
		{"hours and minutes print as two units, seconds rounded away", 8*time.Hour + 45*time.Minute + 20*time.Second, "8h 45m"},
		{"99.9% of a year allows 8h 46m, to the nearest minute", 8*time.Hour + 45*time.Minute + 57*time.Second, "8h 46m"},
		{"a whole number of hours prints one unit", time.Hour, "1h"},
		{"days and hours print as two units", 3*day + 2*time.Hour + 10*time.Minute, "3d 2h"},
		{"three days and a few minutes show 0h", 3*day + 20*time.Minute, "3d 0h"},
		{"exactly 30 days prints one unit", 30 * day, "30d"},
		{"rounding that carries into minutes shows the new unit", 59*time.Minute + 59600*time.Millisecond, "1h 0m"},
		{"rounding that carries into days shows the new unit", 23*time.Hour + 59*time.Minute + 45*time.Second, "1d 0h"},
		{"a long time is still days and hours", 400*day + 5*time.Hour, "400d 5h"},
		{"the largest duration does not overflow", time.Duration(math.MaxInt64), "106751d 23h"},
		{"a negative duration has a leading minus", -(43*time.Minute + 50*time.Second), "-43m 50s"},
		{"a negative sub-minute duration has a leading minus", -8640 * time.Millisecond, "-8.64s"},
		{"the smallest duration does not overflow", time.Duration(math.MinInt64), "-106751d 23h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Duration(tt.d); got != tt.want {
				t.Errorf("Duration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestFloat(t *testing.T) {
	tests := []struct {
		name     string
		f        float64
		decimals int
		want     string
	}{
		{"a burn rate prints with the decimals asked for", 14.4, 2, "14.40"},
		{"extra decimals round to the nearest", 2.6666, 2, "2.67"},
		{"zero decimals round to a whole number", 2.5001, 0, "3"},
		{"float noise does not show", 14.399999999999986, 1, "14.4"},
		{"a negative number keeps its sign", -1.5, 1, "-1.5"},
		{"a negative that rounds to zero has no minus sign", -0.001, 2, "0.00"},
		{"NaN is n/a", math.NaN(), 2, "n/a"},
		{"+Inf is n/a", math.Inf(1), 2, "n/a"},
		{"-Inf is n/a", math.Inf(-1), 2, "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Float(tt.f, tt.decimals); got != tt.want {
				t.Errorf("Float(%v, %d) = %q, want %q", tt.f, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestNines(t *testing.T) {
	tests := []struct {
		name string
		n    float64
		want string
	}{
		{"three nines print with two decimals", 3, "3.00"},
		{"three nines with float noise print as 3.00", 2.9999999999999996, "3.00"},
		{"99.995% is 4.30 nines", 4.301029995663981, "4.30"},
		{"perfect availability is inf", math.Inf(1), "inf"},
		{"NaN is n/a", math.NaN(), "n/a"},
		{"-Inf is n/a", math.Inf(-1), "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Nines(tt.n); got != tt.want {
				t.Errorf("Nines(%v) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		name string
		f    float64
		want string
	}{
		{"millions get two separators", 1234567, "1,234,567"},
		{"fractions round to the nearest event", 1234.5, "1,235"},
		{"three digits get no separator", 999, "999"},
		{"four digits get one separator", 1000, "1,000"},
		{"zero is 0", 0, "0"},
		{"a tiny fraction rounds to 0", 0.4, "0"},
		{"negative counts keep their sign", -1500, "-1,500"},
		{"a small negative that rounds to zero has no minus sign", -0.2, "0"},
		{"counts beyond int64 still print", 1e20, "100,000,000,000,000,000,000"},
		{"NaN is n/a", math.NaN(), "n/a"},
		{"+Inf is n/a", math.Inf(1), "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.Count(tt.f); got != tt.want {
				t.Errorf("Count(%v) = %q, want %q", tt.f, got, tt.want)
			}
		})
	}
}
