package slo

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Period is a calendar period [Start, End).
type Period struct {
	Name  string // "2026-Q3", "2026-09"
	Start time.Time
	End   time.Time
}

// Length is End - Start.
func (p Period) Length() time.Duration { return p.End.Sub(p.Start) }

// CalendarPeriod is the month or quarter containing at, in loc.
func CalendarPeriod(c Calendar, at time.Time, loc *time.Location) Period {
	if loc == nil {
		loc = time.UTC
	}
	t := at.In(loc)
	switch c {
	case Quarter:
		q := (int(t.Month()) - 1) / 3
		return quarterPeriod(t.Year(), q+1, loc)
	default:
		return monthPeriod(t.Year(), t.Month(), loc)
	}
}

func monthPeriod(y int, m time.Month, loc *time.Location) Period {
	start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	return Period{Name: fmt.Sprintf("%04d-%02d", y, int(m)), Start: start, End: start.AddDate(0, 1, 0)}
}

func quarterPeriod(y, q int, loc *time.Location) Period {
	start := time.Date(y, time.Month((q-1)*3+1), 1, 0, 0, 0, 0, loc)
	return Period{Name: fmt.Sprintf("%04d-Q%d", y, q), Start: start, End: start.AddDate(0, 3, 0)}
}

var (
	quarterRE = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	monthRE   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

// ParsePeriod reads a calendar period: "month" (month to date), "quarter"
// (quarter to date), a named quarter such as "2026-Q3" or a month such as
// "2026-09", in loc.
func ParsePeriod(s string, at time.Time, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	switch s {
	case "month", "mtd":
		return CalendarPeriod(Month, at, loc), nil
	case "quarter", "qtd":
		return CalendarPeriod(Quarter, at, loc), nil
	}
	if m := quarterRE.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		return quarterPeriod(y, q, loc), nil
	}
	if m := monthRE.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 {
			return monthPeriod(y, time.Month(mo), loc), nil
		}
	}
	return Period{}, fmt.Errorf("invalid period %q: use month, quarter, a quarter such as 2026-Q3 or a month such as 2026-09", s)
}

// Previous is the period of the same kind just before p.
func (p Period) Previous() Period {
	loc := p.Start.Location()
	if quarterRE.MatchString(p.Name) {
		s := p.Start.AddDate(0, -3, 0)
		return quarterPeriod(s.Year(), (int(s.Month())-1)/3+1, loc)
	}
	s := p.Start.AddDate(0, -1, 0)
	return monthPeriod(s.Year(), s.Month(), loc)
}
