package report

import (
	"testing"
	"time"
)

// The occurrences of one adjustment are one entry of the table's line,
// their events summed; others keep their own.
func TestAdjustmentLineGroupsOccurrences(t *testing.T) {
	t0 := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
	ev := func(v float64) *float64 { return &v }
	as := []Adjustment{
		{Reason: "weekly", Start: t0, End: t0.Add(2 * time.Hour), ExcludedEvents: ev(100)},
		{Reason: "migration", Start: t0.Add(24 * time.Hour), End: t0.Add(26 * time.Hour), ExcludedEvents: ev(7)},
		{Reason: "weekly", Start: t0.Add(7 * 24 * time.Hour), End: t0.Add(7*24*time.Hour + 2*time.Hour), ExcludedEvents: ev(1100)},
	}
	left, rawLeft := 0.8, -0.25
	got := AdjustmentLine(as, &left, &RawBudget{BudgetLeft: &rawLeft})
	want := "budget left 80.0% adjusted, -25.0% raw; excluded: weekly 2 intervals from 2026-10-04 00:00 to 2026-10-11 02:00Z (1,200 events); migration 2026-10-05 00:00 to 02:00Z (7 events)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
