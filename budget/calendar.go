package budget

import (
	"math"
	"time"
)

// Calendar lengths under the Gregorian convention.
const (
	Day     = 24 * time.Hour
	Week    = 7 * Day
	Year    = time.Duration(365.2425 * float64(Day))
	Month   = Year / 12
	Quarter = Year / 4
)

// Convention states the calendar convention in words, for output.
const Convention = "Gregorian calendar: year = 365.2425 days, month = year/12 (30.436875 days), quarter = year/4"

// Period is a named length of time for downtime tables.
type Period struct {
	Name   string
	Length time.Duration
}

// Periods returns the standard downtime table periods, shortest first.
func Periods() []Period {
	return []Period{
		{"day", Day},
		{"week", Week},
		{"28d", 28 * Day},
		{"30d", 30 * Day},
		{"month", Month},
		{"quarter", Quarter},
		{"year", Year},
	}
}

// AllowedDowntime is the downtime an objective allows over a period.
func AllowedDowntime(objective float64, period time.Duration) time.Duration {
	return time.Duration(math.Round((1 - objective) * float64(period)))
}

// AvailabilityFromDowntime is the availability over window given downtime in it.
// Downtime longer than the window gives 0.
func AvailabilityFromDowntime(downtime, window time.Duration) float64 {
	if window <= 0 {
		return math.NaN()
	}
	return math.Max(0, 1-float64(downtime)/float64(window))
}

// Nines is -log10(1 - availability): 0.999 is 3 nines. Perfect availability is +Inf.
func Nines(availability float64) float64 {
	if availability >= 1 {
		return math.Inf(1)
	}
	return -math.Log10(1 - availability)
}

// Serial is the availability of components that all must work: the product.
func Serial(availabilities ...float64) float64 {
	a := 1.0
	for _, x := range availabilities {
		a *= x
	}
	return a
}

// Parallel is the availability of redundant components of which one must work:
// 1 - product of (1 - a).
func Parallel(availabilities ...float64) float64 {
	if len(availabilities) == 0 {
		return 0
	}
	u := 1.0
	for _, x := range availabilities {
		u *= 1 - x
	}
	return 1 - u
}
