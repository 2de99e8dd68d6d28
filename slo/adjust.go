package slo

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Budget adjustments (docs/adjustments.md): intervals, one-off or
// recurring, whose events are excluded from an SLO's good and total events.

// MaxAdjustmentOccurrences is the most occurrences one recurring adjustment
// may have between its from and until dates (or its count): every one is
// expanded when the specs are checked for overlaps.
const MaxAdjustmentOccurrences = 2000

// MaxAdjustments is the most entries one adjustments: list (of a tier, a
// service or an SLO) may have.
const MaxAdjustments = 100

// adjustmentSpec is one entry of an adjustments: list, as written.
type adjustmentSpec struct {
	Reason string `yaml:"reason"`
	// One-off: start, and end or duration.
	Start string `yaml:"start"`
	End   string `yaml:"end"`
	// Duration is the length of a one-off interval, or of each occurrence.
	Duration string `yaml:"duration"`
	// Recurring: every day or week (on the weekdays of on), at a local
	// time of day in time_zone, from a date until a date or count times.
	Every    string   `yaml:"every"`
	On       []string `yaml:"on"`
	At       string   `yaml:"at"`
	TimeZone string   `yaml:"time_zone"`
	From     string   `yaml:"from"`
	Until    string   `yaml:"until"`
	Count    int      `yaml:"count"`
}

// Recurrence frequencies.
const (
	EveryDay  = "day"
	EveryWeek = "week"
)

// Adjustment is one budget adjustment: events inside its intervals are
// excluded from the SLO's good and total events.
type Adjustment struct {
	Reason string
	// Start and End bound a one-off adjustment (Every empty).
	Start, End time.Time
	// Every is EveryDay or EveryWeek for a recurring adjustment; On are its
	// weekdays (every week), At the local time of day each occurrence
	// starts, Duration its exact length, Location the time zone.
	Every    string
	On       []time.Weekday
	At       time.Duration
	Duration time.Duration
	Location *time.Location
	// From and Until are the first and last local dates (midnight UTC of
	// the date) an occurrence may start on; Count, when set instead of
	// Until, is how many occurrences there are from From.
	From, Until time.Time
	Count       int
	// File, Line and Field say where it is declared.
	File  string
	Line  int
	Field string
	pos   path
	// occ are a recurring adjustment's occurrences, expanded once by the
	// loader (nil: expanded when asked).
	occ []Interval
}

// Recurring reports whether a recurs.
func (a Adjustment) Recurring() bool { return a.Every != "" }

// Interval is a span [Start, End) excluded by an adjustment.
type Interval struct {
	Start, End time.Time
	Reason     string
}

// Occurrences lists the intervals of a that overlap [from, to], by start.
// A recurring adjustment's occurrence starts at its local time of day
// in its time zone; RFC 5545's rules decide the days of a clock change: a
// time that happens twice is its first instance, a time skipped by the
// change is read with the offset before it (02:30 on a spring-forward
// night is 03:30); the duration is elapsed time.
func (a Adjustment) Occurrences(from, to time.Time) []Interval {
	if !a.Recurring() {
		if a.Start.Before(to) && a.End.After(from) {
			return []Interval{{Start: a.Start, End: a.End, Reason: a.Reason}}
		}
		return nil
	}
	all := a.occ
	if all == nil {
		all = a.expand()
	}
	// The occurrences are sorted and disjoint: the first that ends after
	// from, and on while they start before to.
	i, _ := slices.BinarySearchFunc(all, from, func(iv Interval, t time.Time) int {
		if iv.End.After(t) {
			return 1
		}
		return -1
	})
	var out []Interval
	for ; i < len(all) && all[i].Start.Before(to); i++ {
		out = append(out, all[i])
	}
	return out
}

// expand lists every occurrence of a recurring adjustment, by start.
func (a Adjustment) expand() []Interval {
	var out []Interval
	for d := a.From; !d.After(a.lastDay()); d = d.AddDate(0, 0, 1) {
		if a.Every == EveryWeek && !slices.Contains(a.On, d.Weekday()) {
			continue
		}
		if a.Count > 0 && len(out) >= a.Count {
			break
		}
		start := localInstant(d, a.At, a.Location)
		out = append(out, Interval{Start: start, End: start.Add(a.Duration), Reason: a.Reason})
	}
	return out
}

// lastDay is the last date an occurrence may start on: Until, or far
// enough for Count occurrences.
func (a Adjustment) lastDay() time.Time {
	if a.Count > 0 {
		return a.From.AddDate(0, 0, 7*a.Count)
	}
	return a.Until
}

// all lists every occurrence of a.
func (a Adjustment) all() []Interval {
	if !a.Recurring() {
		return []Interval{{Start: a.Start, End: a.End, Reason: a.Reason}}
	}
	if a.occ != nil {
		return a.occ
	}
	return a.expand()
}

// localInstant is the instant the wall clock of loc shows the time of day
// tod on the date day (its year, month and day): the first of two
// instants when the clock is set back, and when the clock skips it, the
// instant it names with the offset in force before the change.
func localInstant(day time.Time, tod time.Duration, loc *time.Location) time.Time {
	wall := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC).Add(tod)
	// The offsets in force well before and well after: a zone changes
	// its offset at most once within two days.
	_, before := wall.Add(-36 * time.Hour).In(loc).Zone()
	_, after := wall.Add(36 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		t := wall.Add(-time.Duration(off) * time.Second)
		lw := t.In(loc)
		if time.Date(lw.Year(), lw.Month(), lw.Day(), lw.Hour(), lw.Minute(), lw.Second(), lw.Nanosecond(), time.UTC).Equal(wall) {
			if best.IsZero() || t.Before(best) {
				best = t
			}
		}
	}
	if best.IsZero() { // in the gap: the offset before the change
		best = wall.Add(-time.Duration(before) * time.Second)
	}
	return best
}

// ExcludedIntervals lists the intervals of the SLO's adjustments that
// overlap [from, to], clipped to it, by start; intervals that touch or
// overlap are merged (their reasons joined with "; "), so no instant is
// excluded twice.
func (s SLO) ExcludedIntervals(from, to time.Time) []Interval {
	var all []Interval
	for _, a := range s.Adjustments {
		for _, iv := range a.Occurrences(from, to) {
			iv.Start, iv.End = maxTime(iv.Start, from), minTime(iv.End, to)
			if iv.End.After(iv.Start) {
				all = append(all, iv)
			}
		}
	}
	return mergeIntervals(all)
}

func mergeIntervals(ivs []Interval) []Interval {
	slices.SortFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []Interval
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			last := &out[n-1]
			last.End = maxTime(last.End, iv.End)
			if !strings.Contains(last.Reason, iv.Reason) {
				last.Reason += "; " + iv.Reason
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// String describes a: "2026-10-10T02:00:00Z to 2026-10-10T04:00:00Z" or
// "every week on sunday at 02:00 for 2h (Europe/Berlin), 2026-09-01 to
// 2026-12-31".
func (a Adjustment) String() string {
	if !a.Recurring() {
		return a.Start.UTC().Format(time.RFC3339) + " to " + a.End.UTC().Format(time.RFC3339)
	}
	var b strings.Builder
	b.WriteString("every " + a.Every)
	if a.Every == EveryWeek {
		days := make([]string, len(a.On))
		for i, d := range a.On {
			days[i] = strings.ToLower(d.String())
		}
		b.WriteString(" on " + strings.Join(days, ", "))
	}
	fmt.Fprintf(&b, " at %02d:%02d for %s (%s), from %s", int(a.At.Hours()), int(a.At.Minutes())%60, formatDuration(a.Duration), a.Location, a.From.Format(time.DateOnly))
	if a.Count > 0 {
		fmt.Fprintf(&b, ", %d times", a.Count)
	} else {
		b.WriteString(" until " + a.Until.Format(time.DateOnly))
	}
	return b.String()
}
