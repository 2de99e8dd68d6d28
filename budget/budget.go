package budget

import (
	"math"
	"time"
)

// BurnRate is how fast an error ratio spends the budget of objective:
// errorRatio / (1 - objective). 1 spends exactly the budget over the SLO window.
func BurnRate(errorRatio, objective float64) float64 {
	return errorRatio / (1 - objective)
}

// TimeToExhaustion is how long the budget left lasts at burnRate:
// left x window / burnRate. ok is false when the burn rate is zero (never) or the
// budget is already gone.
func TimeToExhaustion(left float64, window time.Duration, burnRate float64) (d time.Duration, ok bool) {
	if burnRate <= 0 || left <= 0 || math.IsNaN(burnRate) || math.IsNaN(left) {
		return 0, false
	}
	v := left * float64(window) / burnRate
	// float64(math.MaxInt64) is 2^63, one past the largest Duration.
	if v >= math.MaxInt64 {
		return 0, false
	}
	return time.Duration(v), true
}

// Ratio is an error ratio measured over a window. With events, Bad and Total
// count them (requests, or probe samples); a raw ratio has no counts.
type Ratio struct {
	ErrorRatio float64
	Bad        float64
	Total      float64
	Events     bool
}

// Input is what Compute needs for one SLO.
type Input struct {
	// Objective is the target availability ratio, e.g. 0.999.
	Objective float64
	// Window is the SLO window: the rolling length, or the whole calendar period.
	Window time.Duration
	// Elapsed is the part of Window the measurement covers: Window for rolling
	// windows, the time since the period started for calendar windows.
	Elapsed time.Duration
	// SLI is the measurement over Elapsed.
	SLI Ratio
	// Burn holds the error ratio per alert window; a missing window has no data.
	Burn map[time.Duration]Ratio
	// Alerts are the multi-window alerts to evaluate.
	Alerts []AlertWindow
	// ExhaustionWindow names the window whose burn rate projects time to
	// exhaustion; 0 means 1h.
	ExhaustionWindow time.Duration
}

// WindowBurn is the burn rate over one alert window.
type WindowBurn struct {
	Window     time.Duration
	ErrorRatio float64
	BurnRate   float64
	// NoData is set when the window had no measurement.
	NoData bool
}

// AlertState is one alert and whether it fires.
type AlertState struct {
	AlertWindow
	LongBurn  float64
	ShortBurn float64
	Firing    bool
	// NoData is set when either window had no measurement; the alert does not fire.
	NoData bool
}

// Status is the error budget of one SLO at one time.
type Status struct {
	Objective    float64
	ErrorRatio   float64
	Availability float64
	Nines        float64

	// BudgetMinutes is the whole budget of the window in downtime-equivalent
	// minutes: (1 - objective) x window.
	BudgetMinutes float64
	// BudgetUsed and BudgetLeft are fractions of the whole budget; BudgetLeft can
	// go below zero.
	BudgetUsed float64
	BudgetLeft float64
	// BudgetLeftMinutes is BudgetLeft in downtime-equivalent minutes.
	BudgetLeftMinutes float64
	// BudgetEvents and BudgetLeftEvents count bad events the budget allows and
	// has left, projected over the whole window; valid when HasEvents.
	BudgetEvents     float64
	BudgetLeftEvents float64
	HasEvents        bool

	// BurnRate is the average burn rate over the elapsed part of the window.
	BurnRate float64
	Windows  []WindowBurn
	Alerts   []AlertState

	// TimeToExhaustion is how long the budget left lasts at the burn rate of
	// ExhaustionWindow; valid when HasExhaustion.
	TimeToExhaustion time.Duration
	HasExhaustion    bool
	ExhaustionWindow time.Duration
}

// Compute turns a measurement into the budget status. Budget used is the bad
// time so far over the budget of the whole window:
// errorRatio x elapsed / ((1 - objective) x window); for a rolling window this is
// errorRatio / (1 - objective).
func Compute(in Input) Status {
	obj := in.Objective
	s := Status{
		Objective:    obj,
		ErrorRatio:   in.SLI.ErrorRatio,
		Availability: 1 - in.SLI.ErrorRatio,
	}
	s.Nines = Nines(s.Availability)
	elapsed := in.Elapsed
	if elapsed <= 0 || elapsed > in.Window {
		elapsed = in.Window
	}
	budget := 1 - obj
	s.BudgetMinutes = budget * in.Window.Minutes()
	badMinutes := in.SLI.ErrorRatio * elapsed.Minutes()
	s.BudgetUsed = badMinutes / s.BudgetMinutes
	s.BudgetLeft = 1 - s.BudgetUsed
	if math.Abs(s.BudgetLeft) < 1e-9 {
		// Burning at exactly 1x leaves float noise, not budget.
		s.BudgetLeft, s.BudgetUsed = 0, 1
	}
	s.BudgetLeftMinutes = s.BudgetMinutes - badMinutes
	s.BurnRate = BurnRate(in.SLI.ErrorRatio, obj)
	if in.SLI.Events && in.SLI.Total > 0 {
		s.HasEvents = true
		projected := in.SLI.Total * float64(in.Window) / float64(elapsed)
		s.BudgetEvents = budget * projected
		s.BudgetLeftEvents = s.BudgetEvents - in.SLI.Bad
	}

	burn := func(w time.Duration) (float64, bool) {
		r, ok := in.Burn[w]
		if !ok {
			return 0, false
		}
		return BurnRate(r.ErrorRatio, obj), true
	}
	for _, w := range Windows(in.Alerts) {
		b, ok := burn(w)
		wb := WindowBurn{Window: w, NoData: !ok}
		if ok {
			wb.ErrorRatio, wb.BurnRate = in.Burn[w].ErrorRatio, b
		}
		s.Windows = append(s.Windows, wb)
	}
	for _, a := range in.Alerts {
		lb, lok := burn(a.Long)
		sb, sok := burn(a.Short)
		st := AlertState{AlertWindow: a, LongBurn: lb, ShortBurn: sb, NoData: !lok || !sok}
		st.Firing = lok && sok && a.Fires(lb, sb)
		s.Alerts = append(s.Alerts, st)
	}

	s.ExhaustionWindow = in.ExhaustionWindow
	if s.ExhaustionWindow == 0 {
		s.ExhaustionWindow = time.Hour
	}
	if b, ok := burn(s.ExhaustionWindow); ok {
		s.TimeToExhaustion, s.HasExhaustion = TimeToExhaustion(s.BudgetLeft, in.Window, b)
	}
	return s
}

// Firing returns the alerts that fire, pages first.
func (s Status) Firing() []AlertState {
	var out []AlertState
	for _, sev := range []Severity{Page, Ticket} {
		for _, a := range s.Alerts {
			if a.Firing && a.Severity == sev {
				out = append(out, a)
			}
		}
	}
	return out
}

// Condition is how a status page would show an SLO.
type Condition string

// Conditions, from best to worst.
const (
	Operational Condition = "operational"
	Degraded    Condition = "degraded"
	Outage      Condition = "outage"
)

// Condition classifies the status: outage when a page alert fires, degraded
// when a ticket alert fires or the shortest window burns faster than 1x,
// operational otherwise.
func (s Status) Condition() Condition {
	degraded := false
	for _, a := range s.Alerts {
		if a.Firing && a.Severity == Page {
			return Outage
		}
		if a.Firing {
			degraded = true
		}
	}
	if len(s.Windows) > 0 && !s.Windows[0].NoData && exceeds(s.Windows[0].BurnRate, 1) {
		degraded = true
	}
	if degraded {
		return Degraded
	}
	return Operational
}
