package budget_test

import (
	"math"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
)

// hms builds a duration from hours, minutes and seconds, to write the
// uptime.is figures as the site prints them.
func hms(h, m int, s float64) time.Duration {
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s*float64(time.Second))
}

func TestCalendarLengths(t *testing.T) {
	// Calendar lengths are integer nanoseconds chosen by the Gregorian
	// convention; they must be exact, so no tolerance.
	tests := []struct {
		name string
		got  time.Duration
		want time.Duration
	}{
		{"a day is 24 hours", budget.Day, 24 * time.Hour},
		{"a week is 7 days", budget.Week, 7 * 24 * time.Hour},
		{"a year is 365.2425 days", budget.Year, 31556952 * time.Second},
		{"a month is a twelfth of the year, 30.436875 days", budget.Month, 2629746 * time.Second},
		{"a quarter is a fourth of the year, 91.310625 days", budget.Quarter, 7889238 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestPeriodsAreShortestFirst(t *testing.T) {
	ps := budget.Periods()
	if len(ps) == 0 {
		t.Fatal("no periods")
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Length <= ps[i-1].Length {
			t.Errorf("period %s (%v) is not longer than %s (%v)", ps[i].Name, ps[i].Length, ps[i-1].Name, ps[i-1].Length)
		}
	}
	want := map[string]time.Duration{"day": budget.Day, "week": budget.Week, "month": budget.Month, "quarter": budget.Quarter, "year": budget.Year, "30d": 30 * budget.Day, "28d": 28 * budget.Day}
	for _, p := range ps {
		if w, ok := want[p.Name]; ok && w != p.Length {
			t.Errorf("period %s is %v, want %v", p.Name, p.Length, w)
		}
	}
}

func TestAllowedDowntimeMatchesUptimeIs(t *testing.T) {
	// uptime.is prints downtime rounded to the second (or to a tenth of a
	// second under a minute), so its figures are compared within 1 s. The 8.64 s
	// a day of 99.99% is exact and is compared to the millisecond.
	tests := []struct {
		name      string
		objective float64
		period    time.Duration
		want      time.Duration
		tolerance time.Duration
	}{
		{"99.9% allows 1m 26s a day", 0.999, budget.Day, hms(0, 1, 26.4), time.Second},
		{"99.9% allows 10m 5s a week", 0.999, budget.Week, hms(0, 10, 4.8), time.Second},
		{"99.9% allows 43m 50s a month", 0.999, budget.Month, hms(0, 43, 50), time.Second},
		{"99.9% allows 2h 11m 29s a quarter", 0.999, budget.Quarter, hms(2, 11, 29), time.Second},
		{"99.9% allows 8h 45m 57s a year", 0.999, budget.Year, hms(8, 45, 57), time.Second},
		{"99.9% allows 43m 12s in 30 days", 0.999, 30 * budget.Day, hms(0, 43, 12), time.Second},
		{"99.95% allows 43s a day", 0.9995, budget.Day, hms(0, 0, 43.2), time.Second},
		{"99.95% allows 5m 2s a week", 0.9995, budget.Week, hms(0, 5, 2.4), time.Second},
		{"99.95% allows 21m 55s a month", 0.9995, budget.Month, hms(0, 21, 55), time.Second},
		{"99.95% allows 1h 5m 45s a quarter", 0.9995, budget.Quarter, hms(1, 5, 45), time.Second},
		{"99.95% allows 4h 22m 58s a year", 0.9995, budget.Year, hms(4, 22, 58), time.Second},
		{"99.99% allows exactly 8.64s a day", 0.9999, budget.Day, 8640 * time.Millisecond, time.Millisecond},
		{"99.99% allows 4m 23s a month", 0.9999, budget.Month, hms(0, 4, 23), time.Second},
		{"99.99% allows 52m 36s a year", 0.9999, budget.Year, hms(0, 52, 36), time.Second},
		{"99% allows 7h 18m 17s a month", 0.99, budget.Month, hms(7, 18, 17), time.Second},
		{"100% allows no downtime", 1, budget.Year, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := budget.AllowedDowntime(tt.objective, tt.period)
			if diff := (got - tt.want).Abs(); diff > tt.tolerance {
				t.Errorf("AllowedDowntime(%v, %v) = %v, want %v ± %v", tt.objective, tt.period, got, tt.want, tt.tolerance)
			}
		})
	}
}

func TestNines(t *testing.T) {
	// -log10 of a difference like 1 - 0.999 carries float64 rounding in the
	// last digits; 1e-5 is the precision the expected values are written to.
	const tolerance = 1e-5
	tests := []struct {
		name         string
		availability float64
		want         float64
	}{
		{"99.9% is 3 nines", 0.999, 3},
		{"99% is 2 nines", 0.99, 2},
		{"99.99% is 4 nines", 0.9999, 4},
		{"99.95% is 3.30103 nines", 0.9995, 3.30103},
		{"99.995% is 4.30103 nines", 0.99995, 4.30103},
		{"90% is 1 nine", 0.9, 1},
		{"0% is 0 nines", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := budget.Nines(tt.availability)
			if !approx(got, tt.want, tolerance) {
				t.Errorf("Nines(%v) = %v, want %v ± %v", tt.availability, got, tt.want, tolerance)
			}
		})
	}
	t.Run("perfect availability is infinitely many nines", func(t *testing.T) {
		if got := budget.Nines(1); !math.IsInf(got, 1) {
			t.Errorf("Nines(1) = %v, want +Inf", got)
		}
	})
}

func TestAvailabilityFromDowntime(t *testing.T) {
	// The quotient of two durations is exact to float64 precision; 1e-9 only
	// absorbs the last-digit rounding of the subtraction from 1.
	const tolerance = 1e-9
	tests := []struct {
		name     string
		downtime time.Duration
		window   time.Duration
		want     float64
	}{
		{"43 minutes over 30 days is 99.9005%", 43 * time.Minute, 30 * budget.Day, 1 - 43.0/43200},
		{"43m 12s over 30 days is exactly 99.9%", hms(0, 43, 12), 30 * budget.Day, 0.999},
		{"no downtime is 100%", 0, budget.Week, 1},
		{"a whole window down is 0%", budget.Day, budget.Day, 0},
		{"downtime longer than the window is 0%, not negative", 2 * budget.Day, budget.Day, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := budget.AvailabilityFromDowntime(tt.downtime, tt.window)
			if !approx(got, tt.want, tolerance) {
				t.Errorf("AvailabilityFromDowntime(%v, %v) = %v, want %v ± %v", tt.downtime, tt.window, got, tt.want, tolerance)
			}
		})
	}
	t.Run("an empty window has no availability", func(t *testing.T) {
		if got := budget.AvailabilityFromDowntime(time.Minute, 0); !math.IsNaN(got) {
			t.Errorf("AvailabilityFromDowntime(1m, 0) = %v, want NaN", got)
		}
	})
}

func TestCompositeAvailability(t *testing.T) {
	// Products of ratios near 1 are exact to about 1e-16; the expected values
	// are written to 8 significant digits, hence 1e-12.
	const tolerance = 1e-12
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"99.9% in series with 99.95% is 99.85005%", budget.Serial(0.999, 0.9995), 0.9985005},
		{"three 99.9% in series are 99.7003%", budget.Serial(0.999, 0.999, 0.999), 0.997002999},
		{"a single component in series is itself", budget.Serial(0.995), 0.995},
		{"nothing in series never fails", budget.Serial(), 1},
		{"two 99.9% in parallel are 99.9999%", budget.Parallel(0.999, 0.999), 0.999999},
		{"99% in parallel with 90% is 99.9%", budget.Parallel(0.99, 0.9), 0.999},
		{"a single component in parallel is itself", budget.Parallel(0.995), 0.995},
		{"an empty redundant group never works", budget.Parallel(), 0},
		{"a dead component in parallel changes nothing", budget.Parallel(0.999, 0), 0.999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !approx(tt.got, tt.want, tolerance) {
				t.Errorf("got %.12f, want %.12f ± %v", tt.got, tt.want, tolerance)
			}
		})
	}
}
