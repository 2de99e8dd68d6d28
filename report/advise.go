package report

import (
	"fmt"
	"strings"
	"time"
)

// Advice is the result of `nines advise`: per SLO, candidate objectives
// priced over a year and the one that costs least (docs/advise.md).
type Advice struct {
	At     time.Time `json:"at"`
	Source string    `json:"source"`
	// Periods are the periods the achieved availability and incidents were
	// measured over, oldest first.
	Periods []PeriodInfo `json:"periods"`
	// Method holds the model's constants.
	Method AdviceMethod `json:"method"`
	SLOs   []SLOAdvice  `json:"slos"`
	// Changes counts the SLOs whose recommended objective differs from
	// their current one.
	Changes  int      `json:"changes"`
	Warnings []string `json:"warnings"`
}

// AdviceMethod holds the advisor's constants.
type AdviceMethod struct {
	MinutesPerYear float64 `json:"minutes_per_year"`
	// FarNines is how many nines from the achieved availability an
	// objective must be to be flagged far above or far below it.
	FarNines float64 `json:"far_nines"`
	// Candidates are the objectives priced besides each SLO's own.
	Candidates []float64 `json:"candidates"`
	// DefaultIncidentSeconds is the incident assumed when none was measured.
	DefaultIncidentSeconds float64 `json:"default_incident_seconds"`
	// MinCoverage is the coverage under which an SLO's achieved figures
	// carry a caveat (--min-coverage).
	MinCoverage float64 `json:"min_coverage"`
}

// Figure is one computed figure and its formula with the inputs written in.
type Figure struct {
	Value   float64 `json:"value"`
	Formula string  `json:"formula"`
}

// The flags of a candidate objective.
const (
	FlagAboveCeiling = "above the dependency ceiling"
	FlagFarAbove     = "far above achieved: invest or lower"
	FlagFarBelow     = "far below achieved: budget to spend on speed"
	FlagBelowSLA     = "below the committed SLA"
)

// The changes an advice recommends.
const (
	ChangeRaise = "raise"
	ChangeLower = "lower"
	ChangeKeep  = "keep"
	ChangeNone  = "none" // no recommendation: see the reason
)

// SLOAdvice is the advice for one SLO.
type SLOAdvice struct {
	Service  string `json:"service"`
	SLO      string `json:"slo"`
	Tier     string `json:"tier"`
	Owner    Owner  `json:"owner"`
	Currency string `json:"currency"`
	// Path is the data the achieved figures were measured from over the
	// periods: raw, recorded, or mixed (some periods each); PathReason is
	// why raw data where records were allowed ("2026-Q2: ...").
	Path       string `json:"path"`
	PathReason string `json:"path_reason,omitempty"`
	// Objective is the current objective.
	Objective float64        `json:"objective"`
	Achieved  AchievedSpread `json:"achieved"`
	// Ceiling is what the declared dependencies allow; nil without any.
	Ceiling *Ceiling `json:"ceiling"`
	// SLAFloor is the committed SLA (the highest credit band's threshold)
	// when the service's SLA measures this SLO; nil otherwise.
	SLAFloor *float64       `json:"sla_floor"`
	Incident AdviceIncident `json:"incident"`
	// ReliabilityCurve describes the curve and where it is declared; empty
	// when none is.
	ReliabilityCurve string `json:"reliability_curve"`
	// Formulas are the formulas of the candidates' figures with this SLO's
	// inputs, one a line.
	Formulas   []string       `json:"formulas"`
	Candidates []AdviceOption `json:"candidates"`
	// Recommended is the objective of least yearly total at or above the
	// SLA floor; nil when none can be priced (see Reason).
	Recommended *float64 `json:"recommended"`
	Change      string   `json:"change"`
	// Saving is the current objective's total less the recommended one's,
	// per year.
	Saving *float64 `json:"saving"`
	Reason string   `json:"reason"`
	// Flags are the current objective's.
	Flags []string `json:"flags"`
}

// AchievedSpread is an SLO's achieved availability over the periods.
type AchievedSpread struct {
	Periods []AchievedPeriod `json:"periods"`
	// Mean is weighted by each period's measured minutes with data; Min
	// and Max are over the periods with data. Nil without data.
	Mean  *float64 `json:"mean"`
	Min   *float64 `json:"min"`
	Max   *float64 `json:"max"`
	Nines *float64 `json:"nines"`
	// Coverage is the share of the periods' whole time with data.
	Coverage        float64 `json:"coverage"`
	PeriodsWithData int     `json:"periods_with_data"`
}

// AchievedPeriod is an SLO's availability in one period.
type AchievedPeriod struct {
	Period       string   `json:"period"`
	Availability *float64 `json:"availability"`
	Coverage     float64  `json:"coverage"`
}

// Ceiling is the availability an SLO's dependencies allow, served serially.
type Ceiling struct {
	Availability float64            `json:"availability"`
	Formula      string             `json:"formula"`
	Dependencies []DependencyFigure `json:"dependencies"`
}

// DependencyFigure is one dependency and its availability.
type DependencyFigure struct {
	Dependency   string  `json:"dependency"`
	Availability float64 `json:"availability"`
}

// AdviceIncident is the incident the labor is priced by.
type AdviceIncident struct {
	DowntimeMinutes float64 `json:"downtime_minutes"`
	DurationSeconds float64 `json:"duration_seconds"`
	// Observed is how many incidents of the service were measured; with
	// none, Assumed is set and the default incident is used.
	Observed int  `json:"observed"`
	Assumed  bool `json:"assumed"`
}

// AdviceOption is one candidate objective priced for a year.
type AdviceOption struct {
	Objective   float64 `json:"objective"`
	Current     bool    `json:"current"`
	Recommended bool    `json:"recommended"`
	// Eligible is false below the SLA floor.
	Eligible              bool    `json:"eligible"`
	EffectiveAvailability float64 `json:"effective_availability"`
	DowntimeMinutes       Figure  `json:"downtime_minutes"`
	Incidents             Figure  `json:"incidents"`
	DowntimeCost          Figure  `json:"downtime_cost"`
	Labor                 Figure  `json:"labor"`
	SLACredits            Figure  `json:"sla_credits"`
	// ReliabilityCost is nil without a curve.
	ReliabilityCost *Figure  `json:"reliability_cost"`
	Total           Figure   `json:"total"`
	Flags           []string `json:"flags"`
}

// AdviceLink is the summary's pointer to `nines advise`.
type AdviceLink struct {
	Command string `json:"command"`
	// Changes counts the SLOs whose recommended objective differs from
	// the current one; Advised those with a recommendation, of SLOs.
	Changes int `json:"changes"`
	Advised int `json:"advised"`
	SLOs    int `json:"slos"`
}

// Line is the summary's sentence.
func (l AdviceLink) Line() string {
	s := fmt.Sprintf("Objectives: %s recommended for %s (see `%s`, docs/advise.md)", plural(l.Changes, "change"), plural(l.Advised, "SLO"), l.Command)
	if n := l.SLOs - l.Advised; n > 0 {
		s += fmt.Sprintf("; %s not advised: no reliability_cost or cost model to price them", plural(n, "SLO"))
	}
	return s + "."
}

// Advised counts the SLOs with a recommendation.
func (a *Advice) Advised() int {
	n := 0
	for _, s := range a.SLOs {
		if s.Recommended != nil {
			n++
		}
	}
	return n
}

// span names the periods: "2025-Q4 to 2026-Q3".
func (a *Advice) span() string {
	switch len(a.Periods) {
	case 0:
		return ""
	case 1:
		return a.Periods[0].Name
	}
	return a.Periods[0].Name + " to " + a.Periods[len(a.Periods)-1].Name
}

// Describe implements Describer.
func (a *Advice) Describe(Format) string {
	return fmt.Sprintf("%s advised, %s, %s", plural(len(a.SLOs), "SLO"), plural(a.Changes, "change"), a.span())
}

// shortFlag is a flag in a few words, for the narrow table.
func shortFlag(f string) string {
	switch f {
	case FlagAboveCeiling:
		return "ceiling"
	case FlagFarAbove:
		return "far above"
	case FlagFarBelow:
		return "far below"
	case FlagBelowSLA:
		return "below SLA"
	}
	return f
}

// Grids implements Tabular: the advice per SLO, then each SLO's candidates
// with their formulas.
func (a *Advice) Grids(o GridOptions) []Grid {
	g := Grid{
		Title:  "Objective advice, priced per year from " + a.span(),
		Header: []string{"SERVICE", "SLO", "OBJECTIVE", "ACHIEVED", "MIN-MAX", "COVERAGE", "CEILING", "SLA FLOOR", "ADVISED", "CHANGE", "SAVING/YR"},
	}
	if o.Wide {
		g.Header = append(g.Header, "FLAGS", "REASON")
	}
	for _, s := range a.SLOs {
		row := []string{s.Service, s.SLO, Objective(s.Objective), "-", "-", Percent(s.Achieved.Coverage, 0), "-", "-", "-", s.Change, "-"}
		if s.Achieved.Mean != nil {
			row[3] = Percent(*s.Achieved.Mean, 3)
			row[4] = Percent(*s.Achieved.Min, 3) + "-" + Percent(*s.Achieved.Max, 3)
		}
		if s.Ceiling != nil {
			row[6] = Objective(s.Ceiling.Availability)
		}
		if s.SLAFloor != nil {
			row[7] = Objective(*s.SLAFloor)
		}
		if s.Recommended != nil {
			row[8] = Objective(*s.Recommended)
		}
		if s.Saving != nil {
			row[10] = Money(*s.Saving, s.Currency)
		}
		if o.Wide {
			row = append(row, strings.Join(s.Flags, "; "), s.Reason)
		}
		g.Rows = append(g.Rows, row)
	}
	g.Notes = append(g.Notes,
		fmt.Sprintf("ACHIEVED is the mean over the periods with data (MIN-MAX their spread); COVERAGE the share of %s with data.", a.span()),
		fmt.Sprintf("Each candidate is priced as if run exactly at its objective for a year; ADVISED is the least total at or above the SLA floor; far is more than %s of a nine from achieved (docs/advise.md).", Float(a.Method.FarNines, 1)))
	low := 0
	for _, s := range a.SLOs {
		if s.Achieved.Coverage < a.Method.MinCoverage {
			low++
		}
	}
	if low > 0 {
		who, whose := fmt.Sprintf("%d SLOs have", low), "their"
		if low == 1 {
			who, whose = "1 SLO has", "its"
		}
		g.Notes = append(g.Notes, fmt.Sprintf("%s data for less than %s of the periods: %s achieved figures and incidents count only the time measured.",
			who, Percent(a.Method.MinCoverage, 0), whose))
	}
	if n := advicePathNote(a); n != "" {
		g.Notes = append(g.Notes, n)
	}
	for _, w := range a.Warnings {
		g.Notes = append(g.Notes, "Warning: "+w)
	}
	if !o.Wide {
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
		g.Notes = append(g.Notes, wideNote("the flags and reasons"))
	}
	out := []Grid{g}
	for _, s := range a.SLOs {
		out = append(out, s.grid(o))
	}
	return out
}

// grid is the SLO's candidates.
func (s SLOAdvice) grid(o GridOptions) Grid {
	g := Grid{
		Title:  fmt.Sprintf("%s/%s: candidate objectives, %s per year", s.Service, s.SLO, s.Currency),
		Header: []string{"OBJECTIVE", "", "DOWNTIME/YR", "DOWNTIME COST", "LABOR", "SLA CREDITS", "RELIABILITY", "TOTAL", "FLAGS"},
	}
	if o.Wide {
		g.Header = []string{"OBJECTIVE", "", "EFFECTIVE", "DOWNTIME/YR", "INCIDENTS/YR", "DOWNTIME COST", "LABOR", "SLA CREDITS", "RELIABILITY", "TOTAL", "FLAGS"}
	}
	for _, c := range s.Candidates {
		mark := ""
		switch {
		case c.Recommended && c.Current:
			mark = "advised, current"
		case c.Recommended:
			mark = "advised"
		case c.Current:
			mark = "current"
		}
		rel := "-"
		if c.ReliabilityCost != nil {
			rel = Money(c.ReliabilityCost.Value, s.Currency)
		}
		var flags []string
		for _, f := range c.Flags {
			if o.Wide {
				flags = append(flags, f)
			} else {
				flags = append(flags, shortFlag(f))
			}
		}
		dt := Duration(time.Duration(c.DowntimeMinutes.Value * float64(time.Minute)))
		if o.Wide {
			g.Rows = append(g.Rows, []string{Objective(c.Objective), mark, Percent(c.EffectiveAvailability, 4), dt, Float(c.Incidents.Value, 1),
				Money(c.DowntimeCost.Value, s.Currency), Money(c.Labor.Value, s.Currency), Money(c.SLACredits.Value, s.Currency), rel,
				Money(c.Total.Value, s.Currency), strings.Join(flags, "; ")})
			continue
		}
		g.Rows = append(g.Rows, []string{Objective(c.Objective), mark, dt, Money(c.DowntimeCost.Value, s.Currency), Money(c.Labor.Value, s.Currency),
			Money(c.SLACredits.Value, s.Currency), rel, Money(c.Total.Value, s.Currency), strings.Join(flags, ", ")})
	}
	g.Notes = append(g.Notes, s.Reason)
	g.Notes = append(g.Notes, s.Formulas...)
	if !o.Wide {
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
	}
	return g
}
