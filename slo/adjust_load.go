package slo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// checkAdjustments validates an adjustments: list at p and maps it into
// the model. Overlaps within the list, and with inherited (the tier's, the
// service's), are problems reported at the later entry of this list.
func checkAdjustments(c *fileChecker, p path, specs []adjustmentSpec, inherited []Adjustment) []Adjustment {
	if specs == nil {
		return inherited
	}
	if len(specs) == 0 {
		c.addf(p, "empty list: omit adjustments, or give each with a reason")
		return inherited
	}
	if len(specs) > MaxAdjustments {
		c.addf(p, "%d adjustments, more than the %d one list may have: make the recurring ones recurrences, and drop those that have passed", len(specs), MaxAdjustments)
		return inherited
	}
	var own []Adjustment
	for i, s := range specs {
		if a, ok := checkAdjustment(c, p.with(i), s); ok {
			own = append(own, a)
		}
	}
	checkOverlaps(c, own, inherited)
	return append(slices.Clone(inherited), own...)
}

func checkAdjustment(c *fileChecker, p path, s adjustmentSpec) (Adjustment, bool) {
	n := len(c.problems)
	a := Adjustment{Reason: strings.TrimSpace(s.Reason), File: c.file, Line: c.line(p), Field: p.String(), pos: p}
	if a.Reason == "" {
		c.addf(p.with("reason"), "missing: say why the events of the interval do not count (a maintenance window, a planned migration)")
	}
	var dur time.Duration
	if s.Duration != "" {
		d, err := model.ParseDuration(s.Duration)
		if err != nil || d <= 0 {
			c.addf(p.with("duration"), "invalid duration %q: use a duration such as 2h or 30m", s.Duration)
		}
		dur = time.Duration(d)
	}
	recurring := s.Every != "" || s.On != nil || s.At != "" || s.From != "" || s.Until != "" || s.Count != 0 || s.TimeZone != ""
	if !recurring {
		switch {
		case s.Start == "":
			c.addf(p.with("start"), "missing: give start with end or duration (a one-off interval), or every with at, duration, from and until (a recurring one)")
			return a, false
		case s.End != "" && s.Duration != "":
			c.addf(p.with("end"), "give end or duration, not both")
		case s.End == "" && s.Duration == "":
			c.addf(p.with("end"), "missing: give end or duration")
		}
		start, err := time.Parse(time.RFC3339, s.Start)
		if err != nil {
			c.addf(p.with("start"), "invalid time %q: use RFC 3339 with a zone, such as 2026-10-10T02:00:00Z or 2026-10-10T04:00:00+02:00", s.Start)
		}
		a.Start, a.End = start, start.Add(dur)
		if s.End != "" {
			end, err := time.Parse(time.RFC3339, s.End)
			switch {
			case err != nil:
				c.addf(p.with("end"), "invalid time %q: use RFC 3339 with a zone, such as 2026-10-10T04:00:00Z", s.End)
			case !end.After(start):
				c.addf(p.with("end"), "end %s is not after start %s", s.End, s.Start)
			}
			a.End = end
		}
		return a, len(c.problems) == n
	}
	if s.Start != "" || s.End != "" {
		c.addf(p.with(pick(s.Start != "", "start", "end")), "a recurring adjustment (every) has no start or end: give from and until (dates), and at and duration")
	}
	switch s.Every {
	case EveryDay:
		if s.On != nil {
			c.addf(p.with("on"), "on names weekdays of every: week; every: day recurs daily")
		}
	case EveryWeek:
		if len(s.On) == 0 {
			c.addf(p.with("on"), "missing: name the weekdays, such as [sunday]")
		}
	case "":
		c.addf(p.with("every"), "missing: a recurring adjustment says every: day or every: week")
	default:
		c.addf(p.with("every"), "invalid recurrence %q: use day or week", s.Every)
	}
	a.Every = s.Every
	for j, d := range s.On {
		wd, ok := weekdays[strings.ToLower(d)]
		if !ok {
			c.addf(p.with("on", j), "invalid weekday %q: use monday ... sunday", d)
			continue
		}
		if !slices.Contains(a.On, wd) {
			a.On = append(a.On, wd)
		}
	}
	if tod, err := time.Parse("15:04", s.At); err != nil {
		c.addf(p.with("at"), "invalid time of day %q: use HH:MM in time_zone, such as \"02:00\"", s.At)
	} else {
		a.At = time.Duration(tod.Hour())*time.Hour + time.Duration(tod.Minute())*time.Minute
	}
	if s.Duration == "" {
		c.addf(p.with("duration"), "missing: how long each occurrence lasts, such as 2h")
	} else if dur > 7*24*time.Hour {
		c.addf(p.with("duration"), "%s is longer than a week: use one-off adjustments for long intervals", s.Duration)
	}
	a.Duration = dur
	a.Location = time.UTC
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil || s.TimeZone == "Local" {
			c.addf(p.with("time_zone"), "unknown time zone %q: use an IANA name such as Europe/Berlin", s.TimeZone)
		} else {
			a.Location = loc
		}
	}
	var err error
	if a.From, err = time.Parse(time.DateOnly, s.From); err != nil {
		c.addf(p.with("from"), "%s: a recurrence needs its first date, such as 2026-09-01", dateProblem(s.From))
	}
	switch {
	case s.Until == "" && s.Count == 0:
		c.addf(p.with("until"), "missing: a recurrence needs an end, until (a date) or count; an unbounded one would exclude events forever")
	case s.Until != "" && s.Count != 0:
		c.addf(p.with("count"), "give until or count, not both")
	case s.Count < 0:
		c.addf(p.with("count"), "must be above 0, got %d", s.Count)
	case s.Until != "":
		if a.Until, err = time.Parse(time.DateOnly, s.Until); err != nil {
			c.addf(p.with("until"), "%s: use a date such as 2026-12-31", dateProblem(s.Until))
		} else if !a.From.IsZero() && a.Until.Before(a.From) {
			c.addf(p.with("until"), "until %s is before from %s", s.Until, s.From)
		}
	}
	a.Count = s.Count
	if len(c.problems) != n {
		return a, false
	}
	if a.Count > MaxAdjustmentOccurrences || a.Until.Sub(a.From) > 8*MaxAdjustmentOccurrences*24*time.Hour {
		c.addf(p, "more than the %d occurrences one adjustment may have: split it or shorten it", MaxAdjustmentOccurrences)
		return a, false
	}
	a.occ = a.expand()
	if k := len(a.occ); k > MaxAdjustmentOccurrences {
		c.addf(p, "%d occurrences, more than the %d one adjustment may have: split it or shorten it", k, MaxAdjustmentOccurrences)
		return a, false
	}
	if a.Duration > 24*time.Hour && a.Every == EveryDay {
		c.addf(p.with("duration"), "%s is longer than a day, so daily occurrences overlap", s.Duration)
		return a, false
	}
	return a, true
}

func dateProblem(v string) string {
	if v == "" {
		return "missing"
	}
	return fmt.Sprintf("invalid date %q", v)
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// checkOverlaps reports each adjustment of own whose occurrences overlap
// those of an earlier one of own, of inherited, or its own.
func checkOverlaps(c *fileChecker, own, inherited []Adjustment) {
	type occ struct {
		Interval
		idx int // into own; -1 for inherited
		a   *Adjustment
	}
	var all []occ
	for i := range inherited {
		for _, iv := range inherited[i].all() {
			all = append(all, occ{iv, -1, &inherited[i]})
		}
	}
	for i := range own {
		for _, iv := range own[i].all() {
			all = append(all, occ{iv, i, &own[i]})
		}
	}
	slices.SortStableFunc(all, func(a, b occ) int { return a.Start.Compare(b.Start) })
	reported := map[int]bool{}
	var furthest occ
	// prev is the occurrence reaching furthest so far: an occurrence that
	// starts before its end overlaps it.
	for j := 1; j < len(all); j++ {
		if j == 1 || all[j-1].End.After(furthest.End) {
			furthest = all[j-1]
		}
		prev, cur := furthest, all[j]
		if !cur.Start.Before(prev.End) {
			continue
		}
		// Report at the entry of this list: the later one, or the one
		// of this list when the other is inherited.
		at, other := cur, prev
		if at.idx < 0 || (other.idx >= 0 && other.idx > at.idx) {
			at, other = prev, cur
		}
		if at.idx < 0 || reported[at.idx] {
			continue
		}
		reported[at.idx] = true
		where := "the same adjustment"
		if other.a != at.a {
			where = fmt.Sprintf("%s (%s:%d, reason %q)", other.a.Field, other.a.File, other.a.Line, other.a.Reason)
		}
		c.addf(at.a.pos, "overlaps %s from %s to %s: an event may be excluded once; merge them into one adjustment or make them disjoint",
			where, maxTime(cur.Start, prev.Start).UTC().Format(time.RFC3339), minTime(cur.End, prev.End).UTC().Format(time.RFC3339))
	}
}
