package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// NA is what the formatters print for a number that is not one: NaN or an
// infinity where none makes sense.
const NA = "n/a"

// Percent formats a ratio as a percent with decimals digits after the point:
// Percent(0.99953, 3) is "99.953%". NaN and infinities are "n/a".
func Percent(ratio float64, decimals int) string {
	if !finite(ratio) {
		return NA
	}
	return fixed(ratio*100, decimals) + "%"
}

// Objective formats an objective ratio as the shortest exact percent: 0.9995
// is "99.95%", 0.99 is "99%". The percent is rounded to 6 decimals first, so
// float64 noise (0.9995 x 100 = 99.94999999999999) does not show.
func Objective(ratio float64) string {
	if !finite(ratio) {
		return NA
	}
	p := math.Round(ratio*100*1e6) / 1e6
	return strconv.FormatFloat(p+0, 'f', -1, 64) + "%" // +0 turns -0 into 0
}

// Float formats f with decimals digits after the point; NaN and infinities
// are "n/a".
func Float(f float64, decimals int) string {
	if !finite(f) {
		return NA
	}
	return fixed(f, decimals)
}

// Nines formats a count of nines with two decimals: "3.00", "4.30". Perfect
// availability (+Inf) is "inf"; NaN and -Inf are "n/a".
func Nines(n float64) string {
	if math.IsInf(n, 1) {
		return "inf"
	}
	return Float(n, 2)
}

// Count formats a number of events rounded to a whole number, with thousands
// separators: 1234567 is "1,234,567". NaN and infinities are "n/a".
func Count(f float64) string {
	if !finite(f) {
		return NA
	}
	s := strconv.FormatFloat(math.Abs(math.Round(f)), 'f', 0, 64)
	var b strings.Builder
	if math.Round(f) < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Duration formats d for people with its two most significant units, the
// second rounded to the nearest: "43m 50s", "8h 46m", "3d 0h". The second unit
// is left out only when d is a whole number of the first ("30d", "1h").
// Under a minute, seconds carry up to two decimals ("8.64s", "43.2s"); zero
// is "0s" and anything shorter than 5ms is "<0.01s". Negative durations get a
// leading "-".
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(d.Abs())
	}
	if d == 0 {
		return "0s"
	}
	if d < time.Minute {
		r := roundTo(d, 10*time.Millisecond)
		if r == 0 {
			return "<0.01s"
		}
		if r < time.Minute {
			s := strings.TrimRight(strconv.FormatFloat(r.Seconds(), 'f', 2, 64), "0")
			return strings.TrimSuffix(s, ".") + "s"
		}
		d = r // 59.996s rounds up to a minute
	}
	units := []struct {
		size time.Duration
		name string
	}{
		{24 * time.Hour, "d"},
		{time.Hour, "h"},
		{time.Minute, "m"},
		{time.Second, "s"},
	}
	i := 0
	for d < units[i].size {
		i++
	}
	big, small := units[i], units[i+1]
	r := roundTo(d, small.size)
	if i > 0 && r >= units[i-1].size {
		// Rounding carried into the unit above (23h 59m 45s is 1d 0h).
		big, small = units[i-1], units[i]
	}
	n := strconv.FormatInt(int64(r/big.size), 10) + big.name
	if d%big.size == 0 {
		return n
	}
	return n + " " + strconv.FormatInt(int64(r%big.size/small.size), 10) + small.name
}

// roundTo rounds d >= 0 to the nearest multiple of m, halves up, without
// overflowing near the largest Duration.
func roundTo(d, m time.Duration) time.Duration {
	q, rem := d/m, d%m
	if rem >= m-rem && q < math.MaxInt64/m {
		q++
	}
	return q * m
}

func finite(f float64) bool {
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// fixed is FormatFloat with 'f', without a "-" on a value that rounds to zero.
func fixed(f float64, decimals int) string {
	if decimals < 0 {
		decimals = 0
	}
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		return s[1:]
	}
	return s
}
