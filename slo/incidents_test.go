package slo_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

func july(day, hour, minute int) time.Time {
	return time.Date(2026, time.July, day, hour, minute, 0, 0, time.UTC)
}

// knownOutages is three days of the fleet with outages whose detection is
// known: each want is an incident (merged where the outages are less than
// 15 minutes apart, the merge gap the test scans with, or hit two SLOs of
// one service at once).
var knownOutages = struct {
	outages []scenario.Outage
	want    []struct {
		service    string
		start, end time.Time
	}
}{
	outages: []scenario.Outage{
		{Service: "shop", SLO: "availability", Start: july(1, 10, 2), End: july(1, 10, 41), Ratio: 1},
		{Service: "gateway", SLO: "reachability", Start: july(1, 22, 7), End: july(1, 22, 31), Ratio: 1},
		// 10 minutes apart: one incident.
		{Service: "shop", SLO: "availability", Start: july(2, 3, 0), End: july(2, 3, 20), Ratio: 0.5},
		{Service: "shop", SLO: "availability", Start: july(2, 3, 30), End: july(2, 3, 47), Ratio: 0.5},
		// 20 minutes apart: two incidents.
		{Service: "shop", SLO: "availability", Start: july(2, 12, 0), End: july(2, 12, 10), Ratio: 1},
		{Service: "shop", SLO: "availability", Start: july(2, 12, 30), End: july(2, 12, 40), Ratio: 1},
		// A raw SLI of the bronze tier: 30% fallbacks burn at 30x its 6x page.
		{Service: "recs", SLO: "personalised", Start: july(2, 18, 0), End: july(2, 19, 30), Ratio: 0.3},
		// Slow requests, and errors within them: one incident of shop.
		{Service: "shop", SLO: "latency", Start: july(3, 6, 13), End: july(3, 7, 2), Ratio: 0.4},
		{Service: "shop", SLO: "availability", Start: july(3, 6, 20), End: july(3, 6, 30), Ratio: 0.2},
		// A slow burn: 1% errors burn at 10x, under the 14.4x page. No incident.
		{Service: "shop", SLO: "availability", Start: july(3, 15, 0), End: july(3, 20, 0), Ratio: 0.01},
	},
	want: []struct {
		service    string
		start, end time.Time
	}{
		{"shop", july(1, 10, 2), july(1, 10, 41)},
		{"gateway", july(1, 22, 7), july(1, 22, 31)},
		{"shop", july(2, 3, 0), july(2, 3, 47)},
		{"shop", july(2, 12, 0), july(2, 12, 10)},
		{"shop", july(2, 12, 30), july(2, 12, 40)},
		{"recs", july(2, 18, 0), july(2, 19, 30)},
		{"shop", july(3, 6, 13), july(3, 7, 2)},
	},
}

func fleetCatalog(t *testing.T) *slo.Catalog {
	t.Helper()
	dir := t.TempDir()
	if err := scenario.WriteFleetSpecs(dir); err != nil {
		t.Fatal(err)
	}
	cat, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func allSLOs(cat *slo.Catalog) []slo.SLO {
	var out []slo.SLO
	for _, s := range cat.Services {
		out = append(out, s.SLOs...)
	}
	return out
}

// TestScanFindsKnownOutages runs incident detection against a real
// Prometheus (2.x: closed ranges) and the embedded engine (3.x: left-open
// ranges), over data sampled every minute and every five minutes, each at
// the step and sparseness ProbeStep finds: every known outage must be found,
// its start and end within one step, and nothing else.
func TestScanFindsKnownOutages(t *testing.T) {
	cat := fleetCatalog(t)
	for _, interval := range []time.Duration{time.Minute, 5 * time.Minute} {
		fleet := scenario.Fleet{From: july(1, 0, 0).Add(-time.Hour), To: july(4, 0, 10), Interval: interval, Outages: knownOutages.outages}
		om, err := fleet.OpenMetrics()
		if err != nil {
			t.Fatal(err)
		}
		sources := []struct {
			name string
			open func(t *testing.T) slo.RangeQuerier
		}{
			{"real Prometheus", func(t *testing.T) slo.RangeQuerier {
				srv := promtest.Start(t, om)
				h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL})
				if err != nil {
					t.Fatal(err)
				}
				return h
			}},
			{"embedded engine", func(t *testing.T) slo.RangeQuerier {
				f := filepath.Join(t.TempDir(), "fleet.om")
				if err := os.WriteFile(f, om, 0o644); err != nil {
					t.Fatal(err)
				}
				e, err := prom.OpenFile(context.Background(), f, prom.EmbeddedOptions{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { e.Close() })
				return e
			}},
		}
		for _, src := range sources {
			t.Run(fmt.Sprintf("%s, samples every %s", src.name, interval), func(t *testing.T) {
				rq := src.open(t)
				probe, err := slo.ProbeStep(context.Background(), rq, allSLOs(cat), july(4, 0, 0), []time.Duration{5 * time.Minute, 10 * time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				if probe.Step != 5*time.Minute || !probe.OK {
					t.Fatalf("probe %+v, want the 5m step", probe)
				}
				step := probe.Step
				scans := slo.Scan(context.Background(), rq, allSLOs(cat), slo.ScanOptions{Start: july(1, 0, 0), End: july(4, 0, 0), Step: step, Sparse: probe.Sparse, MaxPoints: 300, MergeGap: 15 * time.Minute})
				var got []slo.Incident
				for _, s := range scans {
					if s.Err != nil {
						t.Fatalf("scan of %s: %v", s.Service, s.Err)
					}
					for _, sl := range s.SLOs {
						if sl.Steps != 3*288 || sl.Coverage() < 0.99 {
							t.Errorf("%s: %d steps, coverage %.3f; want 864 steps with data", sl.SLO.ID(), sl.Steps, sl.Coverage())
						}
					}
					got = append(got, s.Incidents()...)
				}
				for _, w := range knownOutages.want {
					found := false
					for _, g := range got {
						if g.Service == w.service && g.Start.Before(w.end) && w.start.Before(g.End) {
							found = true
							if d := g.Start.Sub(w.start).Abs(); d > step {
								t.Errorf("%s outage %s-%s: detected start %s is %s off, more than a step", w.service, w.start.Format("02 15:04"), w.end.Format("15:04"), g.Start.Format("02 15:04"), d)
							}
							if d := g.End.Sub(w.end).Abs(); d > step {
								t.Errorf("%s outage %s-%s: detected end %s is %s off, more than a step", w.service, w.start.Format("02 15:04"), w.end.Format("15:04"), g.End.Format("02 15:04"), d)
							}
						}
					}
					if !found {
						t.Errorf("%s outage %s-%s not found", w.service, w.start.Format("02 15:04"), w.end.Format("15:04"))
					}
				}
				if len(got) != len(knownOutages.want) {
					var b strings.Builder
					for _, g := range got {
						fmt.Fprintf(&b, "  %s %s-%s\n", g.Service, g.Start.Format("02 15:04"), g.End.Format("02 15:04"))
					}
					t.Errorf("found %d incidents, want %d:\n%s", len(got), len(knownOutages.want), b.String())
				}
			})
		}
	}
}

// fakeRange answers range queries from per-minute events: the query's
// metric name picks a function that gives the events of the minute ending
// at its argument, and each point sums them over the query's window.
type fakeRange struct {
	series map[string]func(minute time.Time) (float64, bool)
	calls  int
}

var windowRE = regexp.MustCompile(`\[(\w+)\]`)

func (f *fakeRange) QueryRange(_ context.Context, q string, start, end time.Time, step time.Duration) (slo.RangeResult, error) {
	f.calls++
	m := windowRE.FindStringSubmatch(q)
	if m == nil {
		return slo.RangeResult{}, fmt.Errorf("no window in %q", q)
	}
	w, err := model.ParseDuration(m[1])
	if err != nil {
		return slo.RangeResult{}, err
	}
	for name, fn := range f.series {
		if !strings.Contains(q, name) {
			continue
		}
		var pts []slo.Point
		for t := start; !t.After(end); t = t.Add(step) {
			sum, any := 0.0, false
			for m := t.Add(-time.Duration(w)).Add(time.Minute); !m.After(t); m = m.Add(time.Minute) {
				if v, ok := fn(m); ok {
					sum, any = sum+v, true
				}
			}
			if any {
				pts = append(pts, slo.Point{T: t, V: sum})
			}
		}
		return slo.RangeResult{Series: []slo.Series{{Points: pts}}}, nil
	}
	return slo.RangeResult{}, nil
}

func scanSLO(service, name string, objective float64) slo.SLO {
	return slo.SLO{
		Service: service, Name: name, Objective: objective, Alerts: budget.DefaultAlertWindows(),
		SLI: slo.SLI{Kind: slo.Events, Bad: name + `_bad[{{.window}}]`, Total: name + `_total[{{.window}}]`},
	}
}

// burst returns per-minute event functions: 100 requests a minute, all
// failing in the minutes inside the spans.
func burst(spans ...[2]time.Time) (bad, total func(time.Time) (float64, bool)) {
	bad = func(t time.Time) (float64, bool) {
		for _, s := range spans {
			if t.After(s[0]) && !t.After(s[1]) {
				return 100, true
			}
		}
		return 0, true
	}
	total = func(time.Time) (float64, bool) { return 100, true }
	return bad, total
}

func TestScanMergesGapsShorterThanTheMergeGap(t *testing.T) {
	day := july(1, 0, 0)
	tests := []struct {
		name  string
		gap   time.Duration
		spans int
	}{
		// The default merge gap, slo.DefaultMergeGap, is 30 minutes.
		{"a 10-minute gap merges", 10 * time.Minute, 1},
		{"a 25-minute gap merges", 25 * time.Minute, 1},
		{"a gap of 30 minutes does not merge", 30 * time.Minute, 2},
		{"a gap of 40 minutes does not merge", 40 * time.Minute, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := [2]time.Time{day.Add(time.Hour), day.Add(time.Hour + 10*time.Minute)}
			second := [2]time.Time{first[1].Add(tt.gap), first[1].Add(tt.gap + 10*time.Minute)}
			bad, total := burst(first, second)
			rq := &fakeRange{series: map[string]func(time.Time) (float64, bool){"a_bad": bad, "a_total": total}}
			scans := slo.Scan(context.Background(), rq, []slo.SLO{scanSLO("svc", "a", 0.999)}, slo.ScanOptions{Start: day, End: day.Add(6 * time.Hour)})
			got := scans[0].Detected
			if len(got) != tt.spans {
				t.Fatalf("got %d incidents, want %d: %+v", len(got), tt.spans, got)
			}
			if !got[0].Start.Equal(first[0]) || !got[len(got)-1].End.Equal(second[1]) {
				t.Errorf("incidents span %s to %s, want %s to %s", got[0].Start, got[len(got)-1].End, first[0], second[1])
			}
			if tt.spans == 1 {
				// The merged incident counts the quiet gap: 20 bad minutes in 20 + gap.
				m := got[0].SLOs[0]
				const tol = 1e-9
				want := 20 / (20 + tt.gap.Minutes())
				if math.Abs(m.ErrorRatio-want) > tol || math.Abs(m.DowntimeMinutes-20) > tol || m.PeakErrorRatio != 1 || !m.Burning {
					t.Errorf("merged incident measure %+v, want ratio %v, 20 downtime minutes, peak 1", m, want)
				}
				if math.Abs(m.PeakBurnRate-1000) > 1e-6 {
					t.Errorf("peak burn rate %v, want 1000 (100%% errors at 99.9%%)", m.PeakBurnRate)
				}
			}
		})
	}
}

func TestScanMeasuresEverySLOOfTheServiceOverItsIncident(t *testing.T) {
	day := july(1, 0, 0)
	outage := [2]time.Time{day.Add(2 * time.Hour), day.Add(2*time.Hour + 30*time.Minute)}
	bad, total := burst(outage)
	// b has 1% errors all day: under its threshold, but measured over a's
	// incident. Its windows reach a step beyond the incident at each end, so
	// its even background counts over 35 minutes of the 30.
	rq := &fakeRange{series: map[string]func(time.Time) (float64, bool){
		"a_bad": bad, "a_total": total,
		"b_bad":   func(time.Time) (float64, bool) { return 1, true },
		"b_total": total,
	}}
	scans := slo.Scan(context.Background(), rq, []slo.SLO{scanSLO("svc", "a", 0.999), scanSLO("svc", "b", 0.99)}, slo.ScanOptions{Start: day, End: day.Add(24 * time.Hour)})
	if len(scans) != 1 || len(scans[0].Detected) != 1 {
		t.Fatalf("want one service with one incident, got %+v", scans)
	}
	inc := scans[0].Detected[0]
	if !inc.Start.Equal(outage[0]) || !inc.End.Equal(outage[1]) {
		t.Errorf("incident %s-%s, want the outage's %s-%s", inc.Start, inc.End, outage[0], outage[1])
	}
	if a := inc.SLOs[0]; math.Abs(a.DowntimeMinutes-30) > 1e-9 || math.Abs(a.ErrorRatio-1) > 1e-9 {
		t.Errorf("a over its incident: %+v, want 30 downtime minutes, ratio 1", a)
	}
	if len(inc.SLOs) != 2 || inc.SLOs[1].SLO != "b" || inc.SLOs[1].Burning || math.Abs(inc.SLOs[1].DowntimeMinutes-0.35) > 1e-9 {
		t.Errorf("b over a's incident: %+v, want not burning, 1%% of 35 minutes = 0.35 downtime minutes", inc.SLOs)
	}
	if p := inc.Peak(); p.SLO != "a" {
		t.Errorf("peak SLO %q, want a", p.SLO)
	}
	// Days: a's error ratio on the day is 30 bad minutes of 1440 (every
	// minute counted twice, in two windows).
	d := scans[0].SLOs[0].Days
	if len(d) != 1 {
		t.Fatalf("days %+v", d)
	}
	if r, ok := d[0].ErrorRatio(); !ok || math.Abs(r-30.0/1440) > 1e-12 || d[0].Steps != 288 || d[0].StepsWithData != 288 {
		t.Errorf("day %+v ratio %v, want 30/1440 over 288 steps", d[0], r)
	}
}

func TestScanChunksLongPeriodsAndSplitsDaysInTheTimeZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 7, 1, 0, 0, 0, 0, berlin)
	total := func(time.Time) (float64, bool) { return 10, true }
	bad := func(t time.Time) (float64, bool) { return float64(t.In(berlin).Day() % 2), true } // 10% on odd days
	mk := func(maxPoints int) (slo.ServiceScan, int) {
		rq := &fakeRange{series: map[string]func(time.Time) (float64, bool){"a_bad": bad, "a_total": total}}
		s := slo.Scan(context.Background(), rq, []slo.SLO{scanSLO("svc", "a", 0.9)}, slo.ScanOptions{Start: start, End: start.AddDate(0, 0, 3), Location: berlin, MaxPoints: maxPoints})
		return s[0], rq.calls
	}
	whole, calls := mk(0)
	chunked, chunkedCalls := mk(100)
	if calls != 2 || chunkedCalls != 2*9 {
		t.Errorf("range queries: %d unchunked, %d in chunks of 100 steps; want 2 and 18 (864 steps)", calls, chunkedCalls)
	}
	for _, s := range []slo.ServiceScan{whole, chunked} {
		days := s.SLOs[0].Days
		if len(days) != 3 {
			t.Fatalf("%d days, want 3", len(days))
		}
		for i, d := range days {
			if d.Start.In(berlin).Hour() != 0 || d.Steps != 288 {
				t.Errorf("day %d starts %s with %d steps, want Berlin midnight and 288", i, d.Start.In(berlin), d.Steps)
			}
			// A step is stamped at its end: the first step of a day belongs to it.
			want := float64(d.Start.In(berlin).Day()%2) / 10
			if r, _ := d.ErrorRatio(); math.Abs(r-want) > 0.01 {
				t.Errorf("day %d ratio %v, want about %v", i, r, want)
			}
		}
	}
}

func TestIncidentsFileCorrectsAddsAndDismisses(t *testing.T) {
	day := july(1, 0, 0)
	h := func(hh, mm int) time.Time {
		return day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	}
	bad, total := burst([2]time.Time{h(1, 0), h(1, 30)}, [2]time.Time{h(5, 0), h(5, 10)}, [2]time.Time{h(9, 0), h(9, 20)})
	rq := &fakeRange{series: map[string]func(time.Time) (float64, bool){"a_bad": bad, "a_total": total}}
	eng := 3.0
	recs := []slo.IncidentRecord{
		{Service: "svc", Start: h(0, 55), End: h(1, 40), Title: "database failover", OpportunityHours: &eng},
		{Service: "svc", Start: h(5, 0), End: h(5, 10), Dismissed: true, Title: "synthetic test traffic"},
		{Service: "svc", Start: h(12, 0), End: h(12, 30), Title: "third-party outage the metrics missed"},
		{Service: "other", Start: h(1, 0), End: h(2, 0)},
		{Service: "svc", Start: h(-3, 0), End: h(-2, 0), Title: "before the period"},
	}
	scans := slo.Scan(context.Background(), rq, []slo.SLO{scanSLO("svc", "a", 0.999)}, slo.ScanOptions{Start: day, End: day.Add(24 * time.Hour), Records: recs})
	s := scans[0]
	if len(s.Detected) != 3 || len(s.Records) != 3 {
		t.Fatalf("detected %d, records %d; want 3 and the service's 3 in the period", len(s.Detected), len(s.Records))
	}
	got := s.Incidents()
	want := []struct {
		start, end time.Time
		source     string
		title      string
		downtime   float64
	}{
		{h(0, 55), h(1, 40), slo.SourceCorrected, "database failover", 30},
		{h(9, 0), h(9, 20), slo.SourceDetected, "", 20},
		{h(12, 0), h(12, 30), slo.SourceFile, "third-party outage the metrics missed", 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d incidents, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		title := ""
		if g.Record != nil {
			title = g.Record.Title
		}
		if !g.Start.Equal(w.start) || !g.End.Equal(w.end) || g.Source != w.source || title != w.title {
			t.Errorf("incident %d: %s-%s %s %q, want %s-%s %s %q", i, g.Start, g.End, g.Source, title, w.start, w.end, w.source, w.title)
		}
		if math.Abs(g.SLOs[0].DowntimeMinutes-w.downtime) > 1e-9 {
			t.Errorf("incident %d downtime %v, want %v", i, g.SLOs[0].DowntimeMinutes, w.downtime)
		}
	}
}

func TestFastestPageFactor(t *testing.T) {
	tests := []struct {
		name   string
		alerts []budget.AlertWindow
		want   float64
	}{
		{"the SRE Workbook set pages fastest at 14.4x", budget.DefaultAlertWindows(), 14.4},
		{"a tier paging at 6x over 6h/30m only", []budget.AlertWindow{{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: budget.Page}, {Long: 3 * budget.Day, Short: 6 * time.Hour, Factor: 1, Severity: budget.Ticket}}, 6},
		{"tickets only use the highest factor", []budget.AlertWindow{{Long: budget.Day, Short: 2 * time.Hour, Factor: 3, Severity: budget.Ticket}, {Long: 3 * budget.Day, Short: 6 * time.Hour, Factor: 1, Severity: budget.Ticket}}, 3},
		{"no alerts burn at 1x", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slo.FastestPageFactor(tt.alerts); got != tt.want {
				t.Errorf("FastestPageFactor = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProbeStepFindsTheDataResolution(t *testing.T) {
	end := july(10, 0, 0)
	candidates := []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}
	tests := []struct {
		name     string
		interval time.Duration // 0: no data
		step     time.Duration
		sparse   bool
		ok       bool
	}{
		{"one-minute samples take the 5m step", time.Minute, 5 * time.Minute, false, true},
		{"five-minute samples take the 5m step, sparse", 5 * time.Minute, 5 * time.Minute, true, true},
		{"fifteen-minute samples need a 15m step", 15 * time.Minute, 15 * time.Minute, true, true},
		{"no data keeps the finest step", 0, 5 * time.Minute, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := slo.ProbeStep(context.Background(), sampledRange{tt.interval}, []slo.SLO{scanSLO("svc", "a", 0.999)}, end, candidates)
			if err != nil {
				t.Fatal(err)
			}
			if got.Step != tt.step || got.Sparse[slo.Events] != tt.sparse || got.OK != tt.ok {
				t.Errorf("ProbeStep = %+v, want step %s sparse %v ok %v", got, tt.step, tt.sparse, tt.ok)
			}
		})
	}
}

// sampledRange answers as Prometheus 3 does for a counter sampled every
// interval: a value at t when the window (t - w, t] holds two samples.
type sampledRange struct{ interval time.Duration }

func (s sampledRange) QueryRange(_ context.Context, q string, start, end time.Time, step time.Duration) (slo.RangeResult, error) {
	if s.interval == 0 {
		return slo.RangeResult{}, nil
	}
	w, err := model.ParseDuration(windowRE.FindStringSubmatch(q)[1])
	if err != nil {
		return slo.RangeResult{}, err
	}
	var pts []slo.Point
	for t := start; !t.After(end); t = t.Add(step) {
		n := 0
		for x := t.Truncate(s.interval); x.After(t.Add(-time.Duration(w))); x = x.Add(-s.interval) {
			n++
		}
		if n >= 2 {
			pts = append(pts, slo.Point{T: t, V: 1})
		}
	}
	return slo.RangeResult{Series: []slo.Series{{Points: pts}}}, nil
}
