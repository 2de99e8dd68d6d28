package budget

import (
	"math"
	"slices"
	"time"
)

// Severity is what a firing burn-rate alert asks for.
type Severity string

// Severities of burn-rate alerts.
const (
	Page   Severity = "page"
	Ticket Severity = "ticket"
)

// AlertWindow is one multi-window burn-rate alert: it fires when the burn rate
// over both Long and Short exceeds Factor.
type AlertWindow struct {
	Long     time.Duration
	Short    time.Duration
	Factor   float64
	Severity Severity
	// For is how long the condition must hold before the alert of a
	// Prometheus rule fires (its for:); nines evaluates each instant alone
	// and ignores it.
	For time.Duration
}

// DefaultAlertWindows is the Google SRE Workbook's set: page at 14.4x over 1h
// and 5m, page at 6x over 6h and 30m, ticket at 3x over 1d and 2h, ticket at 1x
// over 3d and 6h.
func DefaultAlertWindows() []AlertWindow {
	return []AlertWindow{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: Page},
		{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: Page},
		{Long: Day, Short: 2 * time.Hour, Factor: 3, Severity: Ticket},
		{Long: 3 * Day, Short: 6 * time.Hour, Factor: 1, Severity: Ticket},
	}
}

// BudgetSpent is the fraction of an SLO window's budget that burning at the
// alert's factor for its long window spends: 14.4x over 1h spends 2% of 30 days.
func (a AlertWindow) BudgetSpent(sloWindow time.Duration) float64 {
	return a.Factor * float64(a.Long) / float64(sloWindow)
}

// Fires reports whether the alert fires given the burn rates over its long and
// short windows: both must exceed the factor (strictly, as Prometheus's ">").
// A burn rate within float64 noise of the factor does not exceed it.
func (a AlertWindow) Fires(longBurn, shortBurn float64) bool {
	return exceeds(longBurn, a.Factor) && exceeds(shortBurn, a.Factor)
}

// burnSlack is the relative margin by which a burn rate must pass a threshold
// to exceed it. Objectives are decimal percents that float64 cannot hold
// exactly: 99.9/100 is 0.9990000000000001, so 1 - objective is
// 0.000999999999999889 and an error ratio of exactly 0.1% burns at
// 1.0000000000001x. Without the margin, an error ratio exactly at a threshold
// would fire for some objectives and not for others. 1e-9 is far above that
// noise (about 1e-13) and far below any difference that matters.
const burnSlack = 1e-9

// exceeds reports whether burn is strictly above threshold, beyond float64 noise.
func exceeds(burn, threshold float64) bool {
	return burn > threshold && burn-threshold > burnSlack*math.Abs(threshold)
}

// Windows returns the distinct long and short windows of alerts, shortest first.
func Windows(alerts []AlertWindow) []time.Duration {
	seen := map[time.Duration]bool{}
	var out []time.Duration
	for _, a := range alerts {
		for _, w := range []time.Duration{a.Short, a.Long} {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return out
}
