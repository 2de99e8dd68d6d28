package budget_test

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
)

// approx reports whether got is within tolerance of want, absolutely or
// relative to want (whichever is looser), so one tolerance serves values near
// zero and large ones. NaN never matches.
func approx(got, want, tolerance float64) bool {
	if math.IsInf(want, 0) {
		return got == want
	}
	d := math.Abs(got - want)
	return d <= tolerance || d <= tolerance*math.Abs(want)
}

// ratioTolerance is used for budgets and burn rates. They are quotients of
// ratios such as 1 - 0.999, which float64 holds as 0.0010000000000000009, so
// results are off in about the 15th significant digit; 1e-9 is far above
// that noise and far below any difference a reader could see.
const ratioTolerance = 1e-9

func TestBurnRate(t *testing.T) {
	tests := []struct {
		name       string
		errorRatio float64
		objective  float64
		want       float64
	}{
		{"an error ratio equal to the budget burns at 1x", 0.001, 0.999, 1},
		{"0.1% errors against 99.9% burns at 1x", 0.001, 0.999, 1},
		{"1.44% errors against 99.9% burns at 14.4x", 0.0144, 0.999, 14.4},
		{"0.5% errors against 99.95% burns at 10x", 0.005, 0.9995, 10},
		{"no errors burn nothing", 0, 0.999, 0},
		{"a total outage against 99% burns at 100x", 1, 0.99, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := budget.BurnRate(tt.errorRatio, tt.objective)
			if !approx(got, tt.want, ratioTolerance) {
				t.Errorf("BurnRate(%v, %v) = %v, want %v", tt.errorRatio, tt.objective, got, tt.want)
			}
		})
	}
}

func TestTimeToExhaustionMatchesTheWorkbook(t *testing.T) {
	// SRE Workbook, "Alerting on SLOs", table 5-4: at 99.9% over 30 days a
	// full budget lasts 30 days at 1x, 15 days at 2x, 3 days at 10x and 43
	// minutes at 1000x (43.2 min, rounded by the book: tolerance one minute).
	const window = 30 * budget.Day
	tests := []struct {
		name      string
		burn      float64
		want      time.Duration
		tolerance time.Duration
	}{
		{"burning at 1x spends the budget in 30 days", 1, 30 * budget.Day, time.Millisecond},
		{"burning at 2x spends the budget in 15 days", 2, 15 * budget.Day, time.Millisecond},
		{"burning at 10x spends the budget in 3 days", 10, 3 * budget.Day, time.Millisecond},
		{"burning at 1000x spends the budget in 43 minutes", 1000, 43 * time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := budget.TimeToExhaustion(1, window, tt.burn)
			if !ok {
				t.Fatalf("TimeToExhaustion(1, 30d, %v) has no answer", tt.burn)
			}
			if (got - tt.want).Abs() > tt.tolerance {
				t.Errorf("TimeToExhaustion(1, 30d, %v) = %v, want %v ± %v", tt.burn, got, tt.want, tt.tolerance)
			}
		})
	}
}

func TestTimeToExhaustion(t *testing.T) {
	tests := []struct {
		name   string
		left   float64
		window time.Duration
		burn   float64
		want   time.Duration
		wantOK bool
	}{
		{"half a 30d budget at 14.4x lasts 25 hours", 0.5, 30 * budget.Day, 14.4, 25 * time.Hour, true},
		{"a quarter of a 28d budget at 1x lasts 7 days", 0.25, 28 * budget.Day, 1, 7 * budget.Day, true},
		{"a budget that is not burning never runs out", 1, 30 * budget.Day, 0, 0, false},
		{"a negative burn rate never runs out", 1, 30 * budget.Day, -1, 0, false},
		{"a budget already gone has no time left", 0, 30 * budget.Day, 2, 0, false},
		{"an overspent budget has no time left", -0.3, 30 * budget.Day, 2, 0, false},
		{"an unknown burn rate gives no answer", 1, 30 * budget.Day, math.NaN(), 0, false},
		{"an unknown budget left gives no answer", math.NaN(), 30 * budget.Day, 1, 0, false},
		{"a burn too slow to run out within a time.Duration gives no answer", 1, 30 * budget.Day, 1e-12, 0, false},
		// 1 x 2^62 ns / 0.5 is exactly 2^63 ns, one past the largest Duration:
		// converting it would wrap to a negative duration.
		{"a budget that lasts exactly one past the largest duration gives no answer", 1, 1 << 62, 0.5, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := budget.TimeToExhaustion(tt.left, tt.window, tt.burn)
			if ok != tt.wantOK {
				t.Fatalf("TimeToExhaustion(%v, %v, %v) ok = %v (%v), want %v", tt.left, tt.window, tt.burn, ok, got, tt.wantOK)
			}
			// Durations come from float64 nanoseconds: a millisecond is
			// plenty of room for the rounding and still exact for a reader.
			if (got - tt.want).Abs() > time.Millisecond {
				t.Errorf("TimeToExhaustion(%v, %v, %v) = %v, want %v", tt.left, tt.window, tt.burn, got, tt.want)
			}
		})
	}
}

func TestAlertWindowBudgetSpent(t *testing.T) {
	// SRE Workbook table 5-8: the budget each default alert spends before it
	// fires, as a fraction of a 30 day budget.
	byLong := map[time.Duration]float64{
		time.Hour:      0.02,
		6 * time.Hour:  0.05,
		budget.Day:     0.10,
		3 * budget.Day: 0.10,
	}
	names := map[time.Duration]string{
		time.Hour:      "14.4x over 1h spends 2% of a 30d budget",
		6 * time.Hour:  "6x over 6h spends 5% of a 30d budget",
		budget.Day:     "3x over 1d spends 10% of a 30d budget",
		3 * budget.Day: "1x over 3d spends 10% of a 30d budget",
	}
	for _, a := range budget.DefaultAlertWindows() {
		t.Run(names[a.Long], func(t *testing.T) {
			got := a.BudgetSpent(30 * budget.Day)
			if !approx(got, byLong[a.Long], ratioTolerance) {
				t.Errorf("BudgetSpent(30d) = %v, want %v", got, byLong[a.Long])
			}
		})
	}
	t.Run("14.4x over 1h spends 5.14% of a 28d budget", func(t *testing.T) {
		a := budget.AlertWindow{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4}
		if got, want := a.BudgetSpent(28*budget.Day), 14.4/672; !approx(got, want, ratioTolerance) {
			t.Errorf("BudgetSpent(28d) = %v, want %v", got, want)
		}
	})
}

func TestDefaultAlertWindowsAreTheWorkbookOnes(t *testing.T) {
	want := []budget.AlertWindow{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page},
		{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: budget.Page},
		{Long: 24 * time.Hour, Short: 2 * time.Hour, Factor: 3, Severity: budget.Ticket},
		{Long: 72 * time.Hour, Short: 6 * time.Hour, Factor: 1, Severity: budget.Ticket},
	}
	// Factors are constants copied from the book, so exact equality is meant.
	if got := budget.DefaultAlertWindows(); !slices.Equal(got, want) {
		t.Errorf("DefaultAlertWindows() = %+v, want %+v", got, want)
	}
}

func TestAlertWindowFires(t *testing.T) {
	page := budget.AlertWindow{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page}
	tests := []struct {
		name        string
		long, short float64
		want        bool
	}{
		{"both windows above the factor fire", 15, 20, true},
		{"a long window above and a short one below do not fire (the incident is over)", 15, 2, false},
		{"a short window above and a long one below do not fire (a blip)", 3, 50, false},
		{"both windows exactly at the factor do not fire (strictly greater, as PromQL's >)", 14.4, 14.4, false},
		{"the long window at the factor and the short above do not fire", 14.4, 20, false},
		{"burn rates above the factor only by float64 noise do not fire", 14.4000000000016, 14.4000000000016, false},
		{"burn rates a thousandth above the factor fire", 14.401, 14.401, true},
		{"no burn does not fire", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := page.Fires(tt.long, tt.short); got != tt.want {
				t.Errorf("Fires(%v, %v) = %v, want %v", tt.long, tt.short, got, tt.want)
			}
		})
	}
}

func TestWindowsAreDistinctAndShortestFirst(t *testing.T) {
	tests := []struct {
		name   string
		alerts []budget.AlertWindow
		want   []time.Duration
	}{
		{
			"the default alerts use eight windows from 5m to 3d",
			budget.DefaultAlertWindows(),
			[]time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, budget.Day, 3 * budget.Day},
		},
		{
			"a window shared by two alerts appears once",
			[]budget.AlertWindow{
				{Long: 6 * time.Hour, Short: time.Hour},
				{Long: time.Hour, Short: 5 * time.Minute},
			},
			[]time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour},
		},
		{"no alerts have no windows", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := budget.Windows(tt.alerts); !slices.Equal(got, tt.want) {
				t.Errorf("Windows() = %v, want %v", got, tt.want)
			}
		})
	}
}

// statusWant lists the numbers of a budget.Status a case checks.
type statusWant struct {
	budgetMinutes, budgetUsed, budgetLeft, budgetLeftMinutes float64
	burnRate, availability, nines                            float64
	hasEvents                                                bool
	budgetEvents, budgetLeftEvents                           float64
}

func TestComputeBudget(t *testing.T) {
	tests := []struct {
		name string
		in   budget.Input
		want statusWant
	}{
		{
			name: "a rolling 30d window at half the error ratio has used half its budget",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day, Elapsed: 30 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0.0005},
			},
			want: statusWant{
				budgetMinutes: 43.2, budgetUsed: 0.5, budgetLeft: 0.5, budgetLeftMinutes: 21.6,
				burnRate: 0.5, availability: 0.9995, nines: 3.301029995663981,
			},
		},
		{
			name: "a rolling window with no elapsed time given is measured over the whole window",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0.0005},
			},
			want: statusWant{
				budgetMinutes: 43.2, budgetUsed: 0.5, budgetLeft: 0.5, budgetLeftMinutes: 21.6,
				burnRate: 0.5, availability: 0.9995, nines: 3.301029995663981,
			},
		},
		{
			name: "a rolling window counts events the budget allows and has left",
			in: budget.Input{
				Objective: 0.999, Window: 28 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0.00025, Bad: 250, Total: 1_000_000, Events: true},
			},
			want: statusWant{
				budgetMinutes: 40.32, budgetUsed: 0.25, budgetLeft: 0.75, budgetLeftMinutes: 30.24,
				burnRate: 0.25, availability: 0.99975, nines: 3.602059991327962,
				hasEvents: true, budgetEvents: 1000, budgetLeftEvents: 750,
			},
		},
		{
			name: "an overspent rolling window has negative budget left",
			in: budget.Input{
				Objective: 0.99, Window: 30 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0.025, Bad: 2500, Total: 100_000, Events: true},
			},
			want: statusWant{
				budgetMinutes: 432, budgetUsed: 2.5, budgetLeft: -1.5, budgetLeftMinutes: -648,
				burnRate: 2.5, availability: 0.975, nines: 1.6020599913279623,
				hasEvents: true, budgetEvents: 1000, budgetLeftEvents: -1500,
			},
		},
		{
			// Ten days into a 30 day month at 2x: errorRatio x elapsed /
			// ((1 - objective) x window) = 0.002 x 10 / (0.001 x 30) = 2/3.
			// The 40,000 events seen so far project to 120,000 over the month,
			// of which the budget allows 120.
			name: "a calendar window ten days in has spent budget for the time elapsed only",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day, Elapsed: 10 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0.002, Bad: 80, Total: 40_000, Events: true},
			},
			want: statusWant{
				budgetMinutes: 43.2, budgetUsed: 2.0 / 3, budgetLeft: 1.0 / 3, budgetLeftMinutes: 14.4,
				burnRate: 2, availability: 0.998, nines: 2.698970004336019,
				hasEvents: true, budgetEvents: 120, budgetLeftEvents: 40,
			},
		},
		{
			name: "a calendar window with elapsed past its end is measured over the whole window",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day, Elapsed: 31 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0.0005},
			},
			want: statusWant{
				budgetMinutes: 43.2, budgetUsed: 0.5, budgetLeft: 0.5, budgetLeftMinutes: 21.6,
				burnRate: 0.5, availability: 0.9995, nines: 3.301029995663981,
			},
		},
		{
			name: "a ratio without events has no event counts",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI: budget.Ratio{ErrorRatio: 0, Events: false},
			},
			want: statusWant{
				budgetMinutes: 43.2, budgetUsed: 0, budgetLeft: 1, budgetLeftMinutes: 43.2,
				burnRate: 0, availability: 1, nines: math.Inf(1),
			},
		},
		{
			name: "events with a total of zero have no event counts",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI: budget.Ratio{Events: true},
			},
			want: statusWant{
				budgetMinutes: 43.2, budgetUsed: 0, budgetLeft: 1, budgetLeftMinutes: 43.2,
				burnRate: 0, availability: 1, nines: math.Inf(1),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := budget.Compute(tt.in)
			check := func(field string, got, want float64) {
				t.Helper()
				if !approx(got, want, ratioTolerance) {
					t.Errorf("%s = %v, want %v", field, got, want)
				}
			}
			if s.Objective != tt.in.Objective {
				t.Errorf("Objective = %v, want the input's %v", s.Objective, tt.in.Objective)
			}
			check("ErrorRatio", s.ErrorRatio, tt.in.SLI.ErrorRatio)
			check("Availability", s.Availability, tt.want.availability)
			check("Nines", s.Nines, tt.want.nines)
			check("BudgetMinutes", s.BudgetMinutes, tt.want.budgetMinutes)
			check("BudgetUsed", s.BudgetUsed, tt.want.budgetUsed)
			check("BudgetLeft", s.BudgetLeft, tt.want.budgetLeft)
			check("BudgetLeftMinutes", s.BudgetLeftMinutes, tt.want.budgetLeftMinutes)
			check("BurnRate", s.BurnRate, tt.want.burnRate)
			if s.HasEvents != tt.want.hasEvents {
				t.Fatalf("HasEvents = %v, want %v", s.HasEvents, tt.want.hasEvents)
			}
			if s.HasEvents {
				check("BudgetEvents", s.BudgetEvents, tt.want.budgetEvents)
				check("BudgetLeftEvents", s.BudgetLeftEvents, tt.want.budgetLeftEvents)
			}
		})
	}
}

// burns builds the per-window error ratios of an Input.
func burns(kv ...any) map[time.Duration]budget.Ratio {
	m := map[time.Duration]budget.Ratio{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(time.Duration)] = budget.Ratio{ErrorRatio: kv[i+1].(float64)}
	}
	return m
}

// allBurning gives every default window the same error ratio.
func allBurning(errorRatio float64) map[time.Duration]budget.Ratio {
	m := map[time.Duration]budget.Ratio{}
	for _, w := range budget.Windows(budget.DefaultAlertWindows()) {
		m[w] = budget.Ratio{ErrorRatio: errorRatio}
	}
	return m
}

// alertKey names an alert as the fixtures do: "page 1h/5m".
func alertKey(a budget.AlertWindow) string {
	return fmt.Sprintf("%s %s/%s", a.Severity, fmtDuration(a.Long), fmtDuration(a.Short))
}

func TestComputeAlerts(t *testing.T) {
	const (
		m5  = 5 * time.Minute
		m30 = 30 * time.Minute
		h1  = time.Hour
		h2  = 2 * time.Hour
		h6  = 6 * time.Hour
		d1  = budget.Day
		d3  = 3 * budget.Day
	)
	tests := []struct {
		name       string
		burn       map[time.Duration]budget.Ratio
		wantFiring []string
		wantNoData []string
	}{
		{
			name:       "a fast burn in both the 1h and 5m windows pages",
			burn:       burns(m5, 0.02, m30, 0.0005, h1, 0.015, h2, 0.0005, h6, 0.0005, d1, 0.0005, d3, 0.0005),
			wantFiring: []string{"page 1h/5m"},
		},
		{
			name:       "a fast burn that stopped five minutes ago does not page",
			burn:       burns(m5, 0.0001, m30, 0.0005, h1, 0.015, h2, 0.0005, h6, 0.0005, d1, 0.0005, d3, 0.0005),
			wantFiring: nil,
		},
		{
			name:       "a burn at 20x everywhere fires every alert, pages first",
			burn:       allBurning(0.02),
			wantFiring: []string{"page 1h/5m", "page 6h/30m", "ticket 1d/2h", "ticket 3d/6h"},
		},
		{
			name:       "a burn at 4x everywhere opens the two tickets only",
			burn:       allBurning(0.004),
			wantFiring: []string{"ticket 1d/2h", "ticket 3d/6h"},
		},
		{
			name:       "no errors fire nothing",
			burn:       allBurning(0),
			wantFiring: nil,
		},
		{
			name:       "an alert whose short window has no data does not fire and says so",
			burn:       burns(h1, 0.02, m30, 0.02, h6, 0.02, h2, 0.0005, d1, 0.0005, d3, 0.0005),
			wantFiring: []string{"page 6h/30m"},
			wantNoData: []string{"page 1h/5m"},
		},
		{
			name:       "no measurement at all fires nothing and every alert has no data",
			burn:       nil,
			wantFiring: nil,
			wantNoData: []string{"page 1h/5m", "page 6h/30m", "ticket 1d/2h", "ticket 3d/6h"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := budget.Compute(budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI:    budget.Ratio{ErrorRatio: 0.0005},
				Burn:   tt.burn,
				Alerts: budget.DefaultAlertWindows(),
			})
			var firing, noData []string
			for _, a := range s.Firing() {
				firing = append(firing, alertKey(a.AlertWindow))
			}
			for _, a := range s.Alerts {
				if a.NoData {
					noData = append(noData, alertKey(a.AlertWindow))
					if a.Firing {
						t.Errorf("%s has no data but fires", alertKey(a.AlertWindow))
					}
				}
			}
			if !slices.Equal(firing, tt.wantFiring) {
				t.Errorf("firing = %q, want %q", firing, tt.wantFiring)
			}
			if !slices.Equal(noData, tt.wantNoData) {
				t.Errorf("no data = %q, want %q", noData, tt.wantNoData)
			}
			if len(s.Windows) != 7 {
				t.Fatalf("got %d windows, want the 7 distinct default windows", len(s.Windows))
			}
			for _, w := range s.Windows {
				r, ok := tt.burn[w.Window]
				if w.NoData == ok {
					t.Errorf("window %v: NoData = %v with measurement present = %v", w.Window, w.NoData, ok)
				}
				if ok && !approx(w.BurnRate, r.ErrorRatio/0.001, ratioTolerance) {
					t.Errorf("window %v: burn rate %v, want %v", w.Window, w.BurnRate, r.ErrorRatio/0.001)
				}
			}
		})
	}
}

func TestComputeTimeToExhaustion(t *testing.T) {
	tests := []struct {
		name       string
		in         budget.Input
		want       time.Duration
		wantOK     bool
		wantWindow time.Duration
	}{
		{
			name: "half a 30d budget burning at 14.4x over the last hour lasts 25 hours",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI:  budget.Ratio{ErrorRatio: 0.0005},
				Burn: burns(time.Hour, 0.0144),
			},
			want: 25 * time.Hour, wantOK: true, wantWindow: time.Hour,
		},
		{
			name: "the projection uses the window it is told to",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI:              budget.Ratio{ErrorRatio: 0.0005},
				Burn:             burns(time.Hour, 0.0144, 6*time.Hour, 0.006),
				ExhaustionWindow: 6 * time.Hour,
			},
			want: 60 * time.Hour, wantOK: true, wantWindow: 6 * time.Hour,
		},
		{
			name: "a budget not burning over the last hour never runs out",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI:  budget.Ratio{ErrorRatio: 0.0005},
				Burn: burns(time.Hour, 0.0),
			},
			wantOK: false, wantWindow: time.Hour,
		},
		{
			name: "a budget already gone has no time to exhaustion",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI:  budget.Ratio{ErrorRatio: 0.002},
				Burn: burns(time.Hour, 0.0144),
			},
			wantOK: false, wantWindow: time.Hour,
		},
		{
			name: "no measurement over the last hour gives no projection",
			in: budget.Input{
				Objective: 0.999, Window: 30 * budget.Day,
				SLI:  budget.Ratio{ErrorRatio: 0.0005},
				Burn: burns(6*time.Hour, 0.0144),
			},
			wantOK: false, wantWindow: time.Hour,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := budget.Compute(tt.in)
			if s.ExhaustionWindow != tt.wantWindow {
				t.Errorf("ExhaustionWindow = %v, want %v", s.ExhaustionWindow, tt.wantWindow)
			}
			if s.HasExhaustion != tt.wantOK {
				t.Fatalf("HasExhaustion = %v (%v), want %v", s.HasExhaustion, s.TimeToExhaustion, tt.wantOK)
			}
			// A millisecond absorbs the float64 nanosecond arithmetic.
			if (s.TimeToExhaustion - tt.want).Abs() > time.Millisecond {
				t.Errorf("TimeToExhaustion = %v, want %v", s.TimeToExhaustion, tt.want)
			}
		})
	}
}

func TestFiringPutsPagesFirst(t *testing.T) {
	ticket3d := budget.AlertState{AlertWindow: budget.AlertWindow{Long: 3 * budget.Day, Short: 6 * time.Hour, Factor: 1, Severity: budget.Ticket}, Firing: true}
	ticket1d := budget.AlertState{AlertWindow: budget.AlertWindow{Long: budget.Day, Short: 2 * time.Hour, Factor: 3, Severity: budget.Ticket}, Firing: true}
	page6h := budget.AlertState{AlertWindow: budget.AlertWindow{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: budget.Page}, Firing: true}
	page1h := budget.AlertState{AlertWindow: budget.AlertWindow{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page}}
	tests := []struct {
		name   string
		alerts []budget.AlertState
		want   []string
	}{
		{
			"pages come before tickets, each in the order given",
			[]budget.AlertState{ticket3d, ticket1d, page1h, page6h},
			[]string{"page 6h/30m", "ticket 3d/6h", "ticket 1d/2h"},
		},
		{"alerts that do not fire are left out", []budget.AlertState{page1h}, nil},
		{"no alerts fire nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range (budget.Status{Alerts: tt.alerts}).Firing() {
				got = append(got, alertKey(a.AlertWindow))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Firing() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCondition(t *testing.T) {
	page := budget.AlertState{AlertWindow: budget.AlertWindow{Severity: budget.Page}, Firing: true}
	ticket := budget.AlertState{AlertWindow: budget.AlertWindow{Severity: budget.Ticket}, Firing: true}
	quiet := budget.AlertState{AlertWindow: budget.AlertWindow{Severity: budget.Page}}
	tests := []struct {
		name   string
		status budget.Status
		want   budget.Condition
	}{
		{"a firing page is an outage", budget.Status{Alerts: []budget.AlertState{ticket, page}}, budget.Outage},
		{"a firing ticket alone is degraded", budget.Status{Alerts: []budget.AlertState{quiet, ticket}}, budget.Degraded},
		{
			"no alert but the shortest window burning above 1x is degraded",
			budget.Status{Alerts: []budget.AlertState{quiet}, Windows: []budget.WindowBurn{{Window: 5 * time.Minute, BurnRate: 1.5}, {Window: time.Hour, BurnRate: 0.2}}},
			budget.Degraded,
		},
		{
			"the shortest window burning at exactly 1x is operational",
			budget.Status{Windows: []budget.WindowBurn{{Window: 5 * time.Minute, BurnRate: 1}}},
			budget.Operational,
		},
		{
			"a longer window burning above 1x alone is operational",
			budget.Status{Windows: []budget.WindowBurn{{Window: 5 * time.Minute, BurnRate: 0.5}, {Window: time.Hour, BurnRate: 3}}},
			budget.Operational,
		},
		{
			"a shortest window with no data is operational",
			budget.Status{Windows: []budget.WindowBurn{{Window: 5 * time.Minute, NoData: true}}},
			budget.Operational,
		},
		{"nothing firing and no windows is operational", budget.Status{Alerts: []budget.AlertState{quiet}}, budget.Operational},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.status.Condition(); got != tt.want {
				t.Errorf("Condition() = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("a computed fast burn is an outage", func(t *testing.T) {
		s := budget.Compute(budget.Input{
			Objective: 0.999, Window: 30 * budget.Day,
			Burn: allBurning(0.02), Alerts: budget.DefaultAlertWindows(),
		})
		if got := s.Condition(); got != budget.Outage {
			t.Errorf("Condition() = %q, want %q", got, budget.Outage)
		}
	})
}

// Scenarios as data: testdata/*.txt hold burn-rate and budget cases in a small
// line format, one command per line, "#" starts a comment:
//
//	scenario <name as a sentence>      starts a case
//	objective <percent>                99.9
//	window <duration>                  30d (Go durations plus d and w)
//	elapsed <duration>                 calendar windows: time since the start
//	sli <error ratio> | sli <bad>/<total>
//	ratio <window> <error ratio>       the error ratio over one alert window
//	alert <page|ticket> <factor> <long>/<short>   replaces the default alerts
//	exhaustion-window <duration>
//	expect burn <window> <rate|nodata>
//	expect budget-used|budget-left|budget-left-minutes|burn-rate|budget-events|budget-left-events <value>
//	expect exhaustion <duration|none>
//	expect condition <operational|degraded|outage>
//	expect firing <page|ticket> <long>/<short> | expect firing none
//
// The firing lines list every alert that fires, in Firing() order.

type scenario struct {
	name, file string
	line       int
	in         budget.Input
	expects    []expectation
	firing     []string
	// ownAlerts is set by the first "alert" line, which replaces the defaults.
	ownAlerts bool
}

type expectation struct {
	line int
	what []string
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files in testdata: %v", err)
	}
	for _, f := range files {
		scenarios, err := parseScenarios(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range scenarios {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".txt")+"/"+sc.name, func(t *testing.T) {
				runScenario(t, sc)
			})
		}
	}
}

func runScenario(t *testing.T, sc scenario) {
	s := budget.Compute(sc.in)
	var firing []string
	for _, a := range s.Firing() {
		firing = append(firing, alertKey(a.AlertWindow))
	}
	if !slices.Equal(firing, sc.firing) {
		t.Errorf("%s:%d: firing = %q, want %q", sc.file, sc.line, firing, sc.firing)
	}
	for _, e := range sc.expects {
		fail := func(format string, a ...any) {
			t.Errorf("%s:%d: %s", sc.file, e.line, fmt.Sprintf(format, a...))
		}
		switch e.what[0] {
		case "burn":
			w := mustDuration(t, e.what[1])
			var wb *budget.WindowBurn
			for i := range s.Windows {
				if s.Windows[i].Window == w {
					wb = &s.Windows[i]
				}
			}
			switch {
			case wb == nil:
				fail("no window %s in the status", e.what[1])
			case e.what[2] == "nodata":
				if !wb.NoData {
					fail("burn %s = %v, want no data", e.what[1], wb.BurnRate)
				}
			case wb.NoData:
				fail("burn %s has no data, want %s", e.what[1], e.what[2])
			case !approx(wb.BurnRate, mustFloat(t, e.what[2]), ratioTolerance):
				fail("burn %s = %v, want %s", e.what[1], wb.BurnRate, e.what[2])
			}
		case "exhaustion":
			switch {
			case e.what[1] == "none" && s.HasExhaustion:
				fail("exhaustion = %v, want none", s.TimeToExhaustion)
			case e.what[1] == "none":
			case !s.HasExhaustion:
				fail("no exhaustion, want %s", e.what[1])
			case (s.TimeToExhaustion - mustDuration(t, e.what[1])).Abs() > time.Millisecond:
				// A millisecond absorbs float64 nanosecond rounding.
				fail("exhaustion = %v, want %s", s.TimeToExhaustion, e.what[1])
			}
		case "condition":
			if got := s.Condition(); string(got) != e.what[1] {
				fail("condition = %s, want %s", got, e.what[1])
			}
		default:
			fields := map[string]float64{
				"budget-used":         s.BudgetUsed,
				"budget-left":         s.BudgetLeft,
				"budget-left-minutes": s.BudgetLeftMinutes,
				"burn-rate":           s.BurnRate,
				"budget-events":       s.BudgetEvents,
				"budget-left-events":  s.BudgetLeftEvents,
			}
			got, ok := fields[e.what[0]]
			if !ok {
				t.Fatalf("%s:%d: unknown expectation %q", sc.file, e.line, e.what[0])
			}
			if !approx(got, mustFloat(t, e.what[1]), ratioTolerance) {
				fail("%s = %v, want %s", e.what[0], got, e.what[1])
			}
		}
	}
}

// parseScenarios reads a scenario file. Syntax errors name the file and line.
func parseScenarios(path string) ([]scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		out   []scenario
		cur   *scenario
		lineN int
	)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", path, lineN, fmt.Sprintf(format, a...))
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lineN++
		line, _, _ := strings.Cut(sc.Text(), "#")
		args := strings.Fields(line)
		if len(args) == 0 {
			continue
		}
		cmd, args := args[0], args[1:]
		if cmd == "scenario" {
			out = append(out, scenario{
				name: strings.Join(args, " "), file: path, line: lineN,
				in: budget.Input{Alerts: budget.DefaultAlertWindows(), Burn: map[time.Duration]budget.Ratio{}},
			})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			return nil, bad("%q before the first scenario", cmd)
		}
		want := map[string]int{"objective": 1, "window": 1, "elapsed": 1, "sli": 1, "ratio": 2, "alert": 3, "exhaustion-window": 1}
		if n, ok := want[cmd]; ok && len(args) != n {
			return nil, bad("%s takes %d arguments, got %d", cmd, n, len(args))
		}
		var err error
		switch cmd {
		case "objective":
			var p float64
			p, err = strconv.ParseFloat(args[0], 64)
			cur.in.Objective = p / 100
		case "window":
			cur.in.Window, err = parseDuration(args[0])
		case "elapsed":
			cur.in.Elapsed, err = parseDuration(args[0])
		case "exhaustion-window":
			cur.in.ExhaustionWindow, err = parseDuration(args[0])
		case "sli":
			cur.in.SLI, err = parseRatio(args[0])
		case "ratio":
			var w time.Duration
			var r budget.Ratio
			if w, err = parseDuration(args[0]); err == nil {
				r, err = parseRatio(args[1])
				cur.in.Burn[w] = r
			}
		case "alert":
			if !cur.ownAlerts {
				cur.in.Alerts, cur.ownAlerts = nil, true
			}
			var a budget.AlertWindow
			a, err = parseAlert(args)
			cur.in.Alerts = append(cur.in.Alerts, a)
		case "expect":
			switch {
			case len(args) == 2 && args[0] == "firing" && args[1] == "none":
			case len(args) == 3 && args[0] == "firing":
				cur.firing = append(cur.firing, args[1]+" "+args[2])
			case len(args) == 3 && args[0] == "burn", len(args) == 2 && args[0] != "burn":
				cur.expects = append(cur.expects, expectation{line: lineN, what: args})
			default:
				err = fmt.Errorf("malformed expectation")
			}
		default:
			err = fmt.Errorf("unknown command %q", cmd)
		}
		if err != nil {
			return nil, bad("%v", err)
		}
	}
	return out, sc.Err()
}

func parseRatio(s string) (budget.Ratio, error) {
	if bad, total, ok := strings.Cut(s, "/"); ok {
		b, err1 := strconv.ParseFloat(bad, 64)
		t, err2 := strconv.ParseFloat(total, 64)
		if err1 != nil || err2 != nil || t <= 0 {
			return budget.Ratio{}, fmt.Errorf("bad event ratio %q: use bad/total", s)
		}
		return budget.Ratio{ErrorRatio: b / t, Bad: b, Total: t, Events: true}, nil
	}
	r, err := strconv.ParseFloat(s, 64)
	return budget.Ratio{ErrorRatio: r}, err
}

func parseAlert(args []string) (budget.AlertWindow, error) {
	factor, err := strconv.ParseFloat(args[1], 64)
	if err != nil {
		return budget.AlertWindow{}, err
	}
	long, short, ok := strings.Cut(args[2], "/")
	if !ok {
		return budget.AlertWindow{}, fmt.Errorf("alert windows %q: use long/short", args[2])
	}
	a := budget.AlertWindow{Factor: factor, Severity: budget.Severity(args[0])}
	if a.Long, err = parseDuration(long); err != nil {
		return a, err
	}
	a.Short, err = parseDuration(short)
	return a, err
}

// parseDuration reads Go durations plus whole days and weeks ("30d", "1w").
// The budget package stays standard-library only, so its tests do not pull
// in prometheus/common for model.ParseDuration.
func parseDuration(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": budget.Day, "w": budget.Week} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil {
				return 0, fmt.Errorf("bad duration %q", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	return time.ParseDuration(s)
}

// fmtDuration writes a duration the way the fixtures do: 5m, 1h, 1d, 3d.
func fmtDuration(d time.Duration) string {
	switch {
	case d >= budget.Day && d%budget.Day == 0:
		return fmt.Sprintf("%dd", d/budget.Day)
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := parseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
