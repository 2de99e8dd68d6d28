package cost

import (
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// RatePerMinute is the revenue per minute of r: PerMinute, or PerYear
// divided by the minutes in a year under the Gregorian convention
// (525,949.2).
func RatePerMinute(r slo.Revenue) float64 {
	if r.PerMinute > 0 {
		return r.PerMinute
	}
	return r.PerYear / budget.Year.Minutes()
}

// Band returns the credit band of s that applies to availability: the one
// with the largest credit among those whose threshold availability is
// below. ok is false when none applies.
func Band(s slo.SLA, availability float64) (b slo.CreditBand, ok bool) {
	for _, c := range s.Credits {
		if availability < c.Below && (!ok || c.Credit > b.Credit) {
			b, ok = c, true
		}
	}
	return b, ok
}

// DowntimeMinutes is the downtime-equivalent minutes of an error ratio held
// over span: errorRatio x minutes. For request SLIs the ratio is bad events
// over total events, so a partial degradation counts in proportion; for
// probe SLIs it is failed probes over probes, so the result is the bad
// minutes.
func DowntimeMinutes(errorRatio float64, span time.Duration) float64 {
	return errorRatio * span.Minutes()
}
