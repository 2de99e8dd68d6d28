package cost_test

import (
	"testing"
	"time"

	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/slo"
)

func TestWindowPricesPlannedWindowsWithoutIncidentOverhead(t *testing.T) {
	m := example()
	// 45 minutes at 100 a minute x 60% x 45 x 1.5 traffic x (1 - 25%).
	planned := cost.Window(m, 45*time.Minute, 1, 1.5, true)
	near(t, "planned lost revenue", planned.LostRevenue(), 100*0.6*45*1.5*0.75)
	if planned.LaborCost() != 0 || planned.OpportunityCost() != 0 || len(planned.Labor) != 0 || len(planned.Opportunity) != 0 {
		t.Errorf("a planned window carries incident overhead: %+v", planned)
	}
	near(t, "planned downtime-equivalent minutes", planned.Revenue[0].DowntimeMinutes, 45*1.5)
	// Unplanned at weight 1 is the Outage of docs/cost.md's worked example.
	near(t, "unplanned total", cost.Window(m, 45*time.Minute, 1, 1, false).Total(), cost.Outage(m, 45*time.Minute, 1).Total())
	near(t, "unplanned total", cost.Window(m, 45*time.Minute, 1, 1, false).Total(), 7026.25)
}

func TestProjectMonth(t *testing.T) {
	// A 31-day month, 14 days measured at 99.975%, 17 days to come at the
	// same rate, a 10-minute full outage among them.
	const month, mtd = 31 * 24 * 60.0, 14 * 24 * 60.0
	p := cost.ProjectMonth(mtd, 0.99975, month-mtd, 0.00025, 10, 1)
	near(t, "without", p.Without, 0.99975)
	near(t, "with", p.With, 1-(0.00025*(month-10)+10)/month)
	// The month-to-date reading crosses 99.95% with the same 10 minutes;
	// the projection stays above it.
	if old := cost.MonthAfterOutage(0.99975, 14*24*time.Hour, 10*time.Minute, 1); old >= 0.9995 || p.With < 0.9995 {
		t.Errorf("month to date with the window %v, projected %v: want the first below 99.95%%, the second above", old, p.With)
	}
	// A window longer than the rest of the month counts only the rest.
	whole := cost.ProjectMonth(mtd, 0.99975, 60, 0.00025, 90, 1)
	near(t, "window minutes", whole.WindowMinutes, 60)
	// A month that has not begun: the window and the rest at the rate.
	next := cost.ProjectMonth(0, 0, month, 0.001, 30, 0.5)
	near(t, "next month", next.With, 1-(0.5*30+0.001*(month-30))/month)
	near(t, "next month without", next.Without, 0.999)
}

func TestLongestAgreesWithItsTest(t *testing.T) {
	for _, limit := range []time.Duration{0, time.Second, 1234567 * time.Millisecond, 37*time.Minute + 11*time.Second, 100 * time.Hour} {
		within := func(d time.Duration) bool { return d <= limit }
		d, bounded := cost.Longest(within, 200*time.Hour)
		if want := limit.Truncate(time.Second); d != want || !bounded {
			t.Errorf("limit %s: got %s (bounded %v), want %s", limit, d, bounded, want)
		}
	}
	if d, bounded := cost.Longest(func(time.Duration) bool { return true }, time.Hour); d != time.Hour || bounded {
		t.Errorf("no limit within an hour: %s bounded %v", d, bounded)
	}
	if d, bounded := cost.Longest(func(time.Duration) bool { return false }, time.Hour); d != 0 || !bounded {
		t.Errorf("nothing fits: %s bounded %v", d, bounded)
	}
}

func TestWeighTraffic(t *testing.T) {
	// Four weeks of hourly points: 100 events an hour, 300 in the hour of
	// the week starting Wednesday 12:00 UTC. Mean (167 x 100 + 300) / 168.
	to := time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC) // a Wednesday
	var points []slo.Point
	for ts := to.Add(-28*24*time.Hour + time.Hour); !ts.After(to); ts = ts.Add(time.Hour) {
		v := 100.0
		if start := ts.Add(-time.Hour); start.Weekday() == time.Wednesday && start.Hour() == 12 {
			v = 300
		}
		points = append(points, slo.Point{T: ts, V: v})
	}
	mean := (167*100 + 300) / 168.0
	w := cost.WeighTraffic(points, time.Date(2026, 10, 21, 12, 15, 0, 0, time.UTC), 30*time.Minute)
	if w.Assumed || w.Samples != 4 || w.Weeks != 4 || w.HoursWithData != 672 {
		t.Errorf("weight %+v: want 4 values from 4 weeks and 672 hours", w)
	}
	near(t, "weight at Wednesday 12:15", w.Weight, 300/mean)
	// An hour from 12:30: half at 300, half at 100.
	near(t, "weight over two hours", cost.WeighTraffic(points, time.Date(2026, 10, 21, 12, 30, 0, 0, time.UTC), time.Hour).Weight, 200/mean)
	if w := cost.WeighTraffic(nil, to, time.Hour); !w.Assumed || w.Weight != 1 {
		t.Errorf("no data: %+v, want weight 1 assumed", w)
	}
	if cost.HourOfWeek(time.Date(2026, 10, 12, 0, 30, 0, 0, time.UTC)) != 0 || cost.HourOfWeek(time.Date(1969, 12, 28, 23, 59, 0, 0, time.UTC)) != 167 {
		t.Error("hours of the week count from Monday 00:00 UTC")
	}
}
