package main

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/slo"
)

// periodFlags are the period flags of cost, report and summary: a rolling
// window ending at --at, a calendar quarter or month, or --from/--to.
type periodFlags struct {
	window  string
	quarter string
	month   string
	from    string
	to      string
	tz      string
	// minCoverage is --min-coverage, in percent.
	minCoverage float64

	// parsed by check
	windowLen time.Duration
	loc       *time.Location
}

func (p *periodFlags) addFlags(c *cobra.Command, calendarOnly bool) {
	f := c.Flags()
	f.StringVar(&p.quarter, "quarter", "", "a calendar quarter: 2026-Q3, or quarter (to date)")
	f.StringVar(&p.month, "month", "", "a calendar month: 2026-09, or month (to date)")
	f.StringVar(&p.tz, "timezone", "UTC", "time zone of quarters, months and days (IANA name such as Europe/Berlin)")
	f.Float64Var(&p.minCoverage, "min-coverage", 90, "percent of a period an SLO needs data for: below it its figures carry a caveat and no comparison is made")
	if calendarOnly {
		return
	}
	f.StringVar(&p.window, "window", "", "a rolling window ending at --at: 30d, 7d, 90d")
	f.StringVar(&p.from, "from", "", "start of the period, RFC 3339 or unix seconds (with --to; --to defaults to --at)")
	f.StringVar(&p.to, "to", "", "end of the period, RFC 3339 or unix seconds")
}

// check validates the period flags without the evaluation time: at most one
// form, each well formed. Every error is a usage error.
func (p *periodFlags) check(c *cobra.Command) error {
	forms := 0
	for _, name := range []string{"window", "quarter", "month", "from"} {
		if fl := c.Flags().Lookup(name); fl != nil && fl.Changed {
			forms++
		}
	}
	if fl := c.Flags().Lookup("to"); fl != nil && fl.Changed && (c.Flags().Lookup("from") == nil || !c.Flags().Changed("from")) {
		return usageErrorf("--to needs --from")
	}
	if forms > 1 {
		if c.Flags().Lookup("window") != nil {
			return usageErrorf("give one period: --window, --quarter, --month or --from/--to")
		}
		return usageErrorf("give one period: --quarter or --month")
	}
	if !(p.minCoverage >= 0 && p.minCoverage <= 100) {
		return usageErrorf("invalid --min-coverage %v: use a percent from 0 to 100, such as 90", p.minCoverage)
	}
	loc, err := time.LoadLocation(p.tz)
	if err != nil || p.tz == "" {
		return usageErrorf("unknown --timezone %q: use an IANA name such as Europe/Berlin", p.tz)
	}
	p.loc = loc
	if p.window != "" {
		d, err := model.ParseDuration(p.window)
		if err != nil || d <= 0 {
			return usageErrorf("invalid --window %q: use a duration such as 30d or 90d", p.window)
		}
		p.windowLen = time.Duration(d)
	}
	// Validation needs no evaluation time: a fixed reference tells a well
	// formed period from a bad one; resolve places it at env.At.
	ref := checkReference
	if p.quarter != "" {
		if _, err := slo.ParsePeriod(p.quarter, ref, loc); err != nil || !isQuarter(p.quarter) {
			return usageErrorf("invalid --quarter %q: use a quarter such as 2026-Q3, or quarter for the current one", p.quarter)
		}
	}
	if p.month != "" {
		if _, err := slo.ParsePeriod(p.month, ref, loc); err != nil || isQuarter(p.month) {
			return usageErrorf("invalid --month %q: use a month such as 2026-09, or month for the current one", p.month)
		}
	}
	if p.from != "" {
		if _, err := parseTime(p.from, "--from", func() time.Time { return ref }); err != nil {
			return err
		}
	}
	if p.to != "" {
		if _, err := parseTime(p.to, "--to", func() time.Time { return ref }); err != nil {
			return err
		}
	}
	return nil
}

// checkReference is the time check validates relative periods ("quarter",
// "now") at: any time tells a well-formed one from a bad one.
var checkReference = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func isQuarter(s string) bool {
	return s == "quarter" || s == "qtd" || (len(s) == 7 && (s[5] == 'Q' || s[5] == 'q'))
}

// given reports whether a period flag was given.
func (p *periodFlags) given() bool {
	return p.window != "" || p.quarter != "" || p.month != "" || p.from != ""
}

// calendar reports whether the period is a calendar quarter or month, the
// only kinds that have a previous period of the same kind.
func (p *periodFlags) calendar() bool { return p.quarter != "" || p.month != "" }

// defaultLastQuarter is the default period of report and summary: the last
// complete calendar quarter.
const defaultLastQuarter = "last quarter"

// resolve turns the flags into a period at time at (env.At, which "now"
// in --from and --to also means); def is the period when no flag is given:
// "30d" (a window) or defaultLastQuarter.
func (p *periodFlags) resolve(at time.Time, def string) (slo.Period, error) {
	loc := p.loc
	if loc == nil {
		loc = time.UTC
	}
	now := func() time.Time { return at }
	switch {
	case p.quarter != "":
		return slo.ParsePeriod(p.quarter, at, loc)
	case p.month != "":
		return slo.ParsePeriod(p.month, at, loc)
	case p.from != "":
		from, err := parseTime(p.from, "--from", now)
		if err != nil {
			return slo.Period{}, err
		}
		to := at
		if p.to != "" {
			if to, err = parseTime(p.to, "--to", now); err != nil {
				return slo.Period{}, err
			}
		}
		if !to.After(from) {
			return slo.Period{}, usageErrorf("--to %s is not after --from %s", to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339))
		}
		return slo.Period{Name: from.In(loc).Format("2006-01-02 15:04") + " to " + to.In(loc).Format("2006-01-02 15:04"), Start: from, End: to}, nil
	case p.windowLen > 0:
		return windowPeriod(p.window, p.windowLen, at), nil
	}
	if def == defaultLastQuarter {
		return slo.CalendarPeriod(slo.Quarter, at, loc).Previous(), nil
	}
	d, _ := model.ParseDuration(def)
	return windowPeriod(def, time.Duration(d), at), nil
}

func windowPeriod(name string, d time.Duration, at time.Time) slo.Period {
	return slo.Period{Name: "last " + name, Start: at.Add(-d), End: at}
}

// previous is the period before cur of the same kind: the previous quarter
// or month, or the window of the same length just before. def is the
// default period, as for resolve.
func (p *periodFlags) previous(cur slo.Period, def string) slo.Period {
	if p.calendar() || (def == defaultLastQuarter && p.window == "" && p.from == "") {
		return cur.Previous()
	}
	l := cur.Length()
	return slo.Period{Name: fmt.Sprintf("previous %s", cur.Name), Start: cur.Start.Add(-l), End: cur.Start}
}

// coverageRatio is --min-coverage as app.PriceRequest takes it: a ratio,
// negative for no minimum (0 there means the default).
func (p *periodFlags) coverageRatio() float64 {
	if p.minCoverage == 0 {
		return -1
	}
	return p.minCoverage / 100
}
