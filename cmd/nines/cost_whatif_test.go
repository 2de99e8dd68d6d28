package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/report"
)

// The what-if scenario: one service, shop, one request SLO at 99.9% over
// 30 days, 100 requests a minute shaped by the hour of the day (a quarter
// of that from 02:00 to 03:00 UTC, twice that from 12:00 to 13:00), and
// errors at exactly whatIfErrors of the requests for five weeks before
// whatIfAt: October to date is at 99.975%, just above the 99.95% credit
// band, and the 30-day budget is a quarter used.
var (
	whatIfAt = time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	// whatIfAtArg is whatIfAt as --at takes it.
	whatIfAtArg = whatIfAt.Format(time.RFC3339)
)

const (
	whatIfErrors = 0.00025
	// whatIfPerMinute is the requests a minute at a shape of 1.
	whatIfPerMinute = 100.0
	// whatIfMonthMinutes is October's minutes, whatIfMTDMinutes the 14
	// days of it measured at whatIfAt.
	whatIfMonthMinutes = 31 * 24 * 60.0
	whatIfMTDMinutes   = 14 * 24 * 60.0
)

// whatIfShape is the traffic of an hour of the day against the usual.
func whatIfShape(hour int) float64 {
	switch hour {
	case 2:
		return 0.25
	case 12:
		return 2
	}
	return 1
}

// whatIfMeanShape is the mean of whatIfShape over a day (every week the
// same): (22 + 0.25 + 2) / 24.
const whatIfMeanShape = 24.25 / 24

const whatIfTiers = `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 30d
    min_events: 100
    gate: {warn_below: 25, block_below: 0}
    cost:
      currency: EUR
      revenue:
        per_minute: 100
        share: 50
        recovery: 20
      responders:
        - {role: engineering, people: 2, rate: 100, hours_per_incident: 2, hours_per_outage_hour: 1}
      sla:
        monthly_contract_value: 100000
        credits:
          - {below: 99.95, credit: 10}
          - {below: 99.9, credit: 25}
      opportunity: {hours_per_incident: 8, hourly_value: 150}
`

const whatIfShop = `version: nines/v1
service: shop
tier: gold
owner: {team: storefront}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(shop_requests_total{code="500"}[{{.window}}]))
        total: sum(increase(shop_requests_total[{{.window}}]))
`

var (
	whatIfOnce sync.Once
	whatIfData []byte
	whatIfErr  error
)

// whatIfFiles writes the scenario's data (a sample a minute, five weeks)
// and specs into a temporary directory, for the embedded engine.
func whatIfFiles(t *testing.T) (dir, data, specs string) {
	t.Helper()
	whatIfOnce.Do(func() {
		from := whatIfAt.Add(-35 * 24 * time.Hour)
		var ok, bad []omtext.Sample
		var okN, badN float64
		for ts := from; !ts.After(whatIfAt); ts = ts.Add(time.Minute) {
			// The increment up to ts is the minute before it, at the
			// traffic of that minute's hour.
			n := whatIfPerMinute * whatIfShape(ts.Add(-time.Minute).Hour())
			okN += n * (1 - whatIfErrors)
			badN += n * whatIfErrors
			ok = append(ok, omtext.Sample{T: ts, V: okN})
			bad = append(bad, omtext.Sample{T: ts, V: badN})
		}
		var b bytes.Buffer
		whatIfErr = omtext.Write(&b, []omtext.Family{{Name: "shop_requests", Type: omtext.Counter, Series: []omtext.Series{
			{Labels: map[string]string{"code": "200"}, Samples: ok},
			{Labels: map[string]string{"code": "500"}, Samples: bad},
		}}})
		whatIfData = b.Bytes()
	})
	if whatIfErr != nil {
		t.Fatal(whatIfErr)
	}
	dir = t.TempDir()
	data = filepath.Join(dir, "shop.om")
	specs = filepath.Join(dir, "specs")
	if err := os.WriteFile(data, whatIfData, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"tiers.yaml": whatIfTiers, "shop.yaml": whatIfShop} {
		if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, data, specs
}

// whatIf runs `nines cost --what-if` (or --fit) on the scenario and
// decodes its JSON.
func whatIf(t *testing.T, args ...string) report.WhatIfReport {
	t.Helper()
	dir, data, specs := whatIfFiles(t)
	all := append([]string{"cost", "-o", "json", "--specs", specs, "--source", data, "--at", whatIfAtArg, "--service", "shop"}, args...)
	code, out, errOut := runCLI(t, dir, all...)
	if code != exitOK {
		t.Fatalf("%v: exit %d\n%s", args, code, errOut)
	}
	var r report.WhatIfReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: not JSON: %v\n%s", args, err, out)
	}
	return r
}

// relWeight is the tolerance of a traffic weight: increase() over an hour
// of minute samples extrapolates its first minute at the same rate, which
// is exact here, so only float64 rounding is left.
const relWeight = 1e-9

func TestWhatIfExposureIncludesTheSLACredit(t *testing.T) {
	// 30 minutes at 100%: 0.00025 x 20,160 + 30 bad minutes ... the month
	// projected to its end: (0.00025 x (44,640 - 30) + 30) / 44,640 =
	// 0.0922% errors, 99.908%: below 99.95%, 10% of 100,000 owed.
	r := whatIf(t, "--what-if", "30m")
	if r.Exposure == nil || r.Cost == nil || r.SLA == nil {
		t.Fatalf("exposure %+v cost %+v sla %+v", r.Exposure, r.Cost, r.SLA)
	}
	e := r.Exposure
	// The weight of 00:00-00:30 on a Thursday: 1 / the mean shape.
	weight := 1 / whatIfMeanShape
	if !nearRel(r.Traffic.Weight, weight, relWeight) || r.Traffic.Assumed || r.Traffic.Samples != 4 || r.Traffic.HoursWithData != 672 {
		t.Errorf("traffic %+v, want weight %v from 4 values and 672 hours", r.Traffic, weight)
	}
	// lost revenue = 100/min x 50% share x 1 x 30 min x weight x (1 - 20%);
	// labor 2 people x (2 h + 1 h x 0.5 h) x 100; opportunity 8 h x 150.
	wantRevenue := 100 * 0.5 * 30 * weight * 0.8
	if !nearRel(e.LostRevenue, wantRevenue, relMoney) || !nearRel(e.Labor, 2*2.5*100, relMoney) || !nearRel(e.Opportunity, 1200, relMoney) {
		t.Errorf("exposure %+v, want lost revenue %v, labor 500, opportunity 1200", e, wantRevenue)
	}
	if !nearRel(e.SLACredit, 10000, relMoney) || !nearRel(r.SLA.ExtraCredit, 10000, relMoney) || r.SLA.CreditBefore != 0 {
		t.Errorf("SLA credit in the exposure %v, SLA %+v: want the extra 10,000", e.SLACredit, r.SLA)
	}
	if !nearRel(e.Total, e.LostRevenue+e.Labor+e.Opportunity+e.SLACredit, relMoney) || !nearRel(e.Total, r.Cost.Total+r.SLA.ExtraCredit, relMoney) {
		t.Errorf("total exposure %v is not lost revenue + labor + opportunity + SLA credit (%+v)", e.Total, e)
	}
	// The projection, from the month's own minutes (evaluated to the
	// second, so 1e-9 relative).
	wantWith := 1 - (whatIfErrors*(whatIfMonthMinutes-30)+30)/whatIfMonthMinutes
	if !nearRel(r.SLA.ProjectedAvailability, wantWith, 1e-9) || r.SLA.AvailabilityAfter != r.SLA.ProjectedAvailability ||
		!nearRel(r.SLA.ProjectedAvailabilityWithout, 1-whatIfErrors, 1e-9) || r.SLA.MonthToDateAvailability == nil ||
		!nearRel(*r.SLA.MonthToDateAvailability, 1-whatIfErrors, 1e-9) || r.SLA.MeasuredSeconds != whatIfMTDMinutes*60 ||
		r.SLA.RemainingSeconds != (whatIfMonthMinutes-whatIfMTDMinutes)*60 {
		t.Errorf("SLA %+v: want projected %v with the window", r.SLA, wantWith)
	}
	if !strings.Contains(r.SLA.Projection, "month to date 99.975% over 14d + 30m window at 100% errors + 16d 23h 30m at 2026-10's error ratio to date") {
		t.Errorf("projection %q", r.SLA.Projection)
	}
	// The table headlines the exposure, the credit listed under it.
	dir, data, specs := whatIfFiles(t)
	code, text, errOut := runCLI(t, dir, "cost", "--specs", specs, "--source", data, "--at", whatIfAtArg, "--service", "shop", "--what-if", "30m")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	head, _, _ := strings.Cut(text, "\n")
	if !strings.HasSuffix(head, "total exposure "+report.Money(e.Total, "EUR")) || !strings.Contains(text, "SLA credit      2026-10 (projected)   €10,000.00") {
		t.Errorf("the table does not headline the exposure with the credit under it:\n%s", text)
	}
}

func TestWhatIfTenMinutesStayInTheBandTheMonthStaysIn(t *testing.T) {
	// October to date is 99.975%, 0.025% above the 99.95% band. Added to
	// the 14 days measured, 10 minutes would cross it: (0.00025 x 20,160 +
	// 10) / 20,170 = 0.0746% errors. Over the whole month projected they
	// do not: (0.00025 x 44,630 + 10) / 44,640 = 0.0474%.
	if mtd := (whatIfErrors*whatIfMTDMinutes + 10) / (whatIfMTDMinutes + 10); mtd <= 0.0005 {
		t.Fatalf("the scenario must make a month-to-date reading cross the band: %v", mtd)
	}
	r := whatIf(t, "--what-if", "10m")
	if r.SLA == nil {
		t.Fatal("no SLA")
	}
	want := 1 - (whatIfErrors*(whatIfMonthMinutes-10)+10)/whatIfMonthMinutes
	if !nearRel(r.SLA.ProjectedAvailability, want, 1e-9) || r.SLA.ProjectedAvailability < 0.9995 {
		t.Errorf("projected %v, want %v (above 99.95%%)", r.SLA.ProjectedAvailability, want)
	}
	if r.SLA.CreditAfter != 0 || r.SLA.ExtraCredit != 0 || r.SLA.BandAfter != nil || r.Exposure.SLACredit != 0 {
		t.Errorf("a 10-minute window costs a credit: %+v", r.SLA)
	}
}

func TestWhatIfStartWeighsByTheHourOfTheWeek(t *testing.T) {
	// 45 minutes from 02:00 and from 12:00 the day after --at (30 from
	// 12:30): a quarter and twice the usual traffic, against the mean of
	// the day's shape.
	for _, c := range []struct {
		start string
		d     float64
		shape float64
	}{{"2026-10-15T02:00:00Z", 45, 0.25}, {"2026-10-15T12:00:00Z", 45, 2}, {"2026-10-15T12:30:00Z", 30, 2}} {
		r := whatIf(t, "--what-if", strconv.FormatFloat(c.d, 'f', 0, 64)+"m", "--start", c.start)
		weight := c.shape / whatIfMeanShape
		if !nearRel(r.Traffic.Weight, weight, relWeight) || r.Traffic.Assumed || r.Traffic.Weeks != 4 || r.StartFrom != "--start" ||
			r.Start.Format(time.RFC3339) != c.start {
			t.Errorf("%s: traffic %+v start %s, want weight %v from 4 weeks", c.start, r.Traffic, r.Start, weight)
		}
		if r.Traffic.MeanHourlyEvents == nil || !nearRel(*r.Traffic.MeanHourlyEvents, whatIfPerMinute*60*whatIfMeanShape, relWeight) {
			t.Errorf("%s: mean hourly events %v", c.start, r.Traffic.MeanHourlyEvents)
		}
		if want := 100 * 0.5 * c.d * weight * 0.8; !nearRel(r.Exposure.LostRevenue, want, relMoney) {
			t.Errorf("%s: lost revenue %v, want %v", c.start, r.Exposure.LostRevenue, want)
		}
	}
	// From 12:30 for an hour: half in 12:00-13:00 (x2), half in
	// 13:00-14:00 (x1).
	r := whatIf(t, "--what-if", "1h", "--start", "2026-10-15T12:30:00Z")
	if want := 1.5 / whatIfMeanShape; !nearRel(r.Traffic.Weight, want, relWeight) || r.Traffic.Samples != 8 {
		t.Errorf("a window over two hours: traffic %+v, want weight %v from 8 values", r.Traffic, want)
	}
	dir, data, specs := whatIfFiles(t)
	code, _, errOut := runCLI(t, dir, "cost", "--specs", specs, "--source", data, "--at", whatIfAtArg, "--service", "shop", "--what-if", "1h", "--start", "2026-10-14T23:00:00Z")
	if code != exitFailure || !strings.Contains(errOut, "--start 2026-10-14T23:00:00Z is before --at 2026-10-15T00:00:00Z") {
		t.Errorf("a start before --at: exit %d\n%s", code, errOut)
	}
}

func TestWhatIfPlannedHasNoIncidentOverhead(t *testing.T) {
	r := whatIf(t, "--what-if", "30m", "--planned")
	if !r.Planned || r.Cost == nil || r.Cost.Labor != 0 || len(r.Cost.LaborLines) != 0 || r.Cost.Opportunity != 0 || r.Exposure.Labor != 0 || r.Exposure.Opportunity != 0 {
		t.Fatalf("a planned window carries labor or opportunity: %+v %+v", r.Cost, r.Exposure)
	}
	unplanned := whatIf(t, "--what-if", "30m")
	// The same lost revenue and SLA credit, and the gate still judged.
	if !nearRel(r.Exposure.LostRevenue, unplanned.Exposure.LostRevenue, relMoney) || !nearRel(r.Exposure.SLACredit, unplanned.Exposure.SLACredit, relMoney) ||
		!nearRel(r.Exposure.Total, r.Exposure.LostRevenue+r.Exposure.SLACredit, relMoney) || r.Gate.After != "block" {
		t.Errorf("planned %+v gate %+v, unplanned %+v", r.Exposure, r.Gate, unplanned.Exposure)
	}
}

// gateRules are the rules of the gate's reasons after, for budgets.
func gateRules(r report.WhatIfReport) []string {
	var out []string
	for _, x := range r.Gate.ReasonsAfter {
		if x.Rule == "budget_low" || x.Rule == "budget_exhausted" {
			out = append(out, x.Rule)
		}
	}
	return out
}

func TestWhatIfFitAgreesWithTheWhatIfOfItsAnswer(t *testing.T) {
	f := whatIf(t, "--fit")
	if f.Fit == nil || len(f.Fit.Limits) != 3 {
		t.Fatalf("fit %+v", f.Fit)
	}
	// The analytic limits: the 30-day budget is 43.2 minutes, a quarter
	// used; 75% - 25% of it to the warn line, 75% to the block line; the
	// SLA band: 0.00025 x (44,640 - w) + w = 0.0005 x 44,640. Rounded
	// down to the second, within a second (float64 at the boundary).
	want := map[string]float64{
		"warn_line":  0.5 * 43.2 * 60,
		"block_line": 0.75 * 43.2 * 60,
		"sla_band":   (0.0005 - whatIfErrors) * whatIfMonthMinutes / (1 - whatIfErrors) * 60,
	}
	for _, l := range f.Fit.Limits {
		if l.Seconds == nil || math.Abs(*l.Seconds-math.Floor(want[l.Limit])) > 1 {
			t.Errorf("%s: %v s, want %v rounded down", l.Limit, l.Seconds, want[l.Limit])
		}
	}
	if f.Fit.Binding != "sla_band" || f.OutageSeconds != f.Fit.LongestSeconds {
		t.Errorf("binding %s (%v s), priced %v s", f.Fit.Binding, f.Fit.LongestSeconds, f.OutageSeconds)
	}
	for _, l := range f.Fit.Limits {
		at := whatIf(t, "--what-if", l.Duration)
		longer := whatIf(t, "--what-if", (time.Duration(*l.Seconds+1) * time.Second).String())
		if at.OutageSeconds != *l.Seconds || longer.OutageSeconds != *l.Seconds+1 {
			t.Fatalf("%s: priced %v and %v s for a limit of %v", l.Limit, at.OutageSeconds, longer.OutageSeconds, *l.Seconds)
		}
		switch l.Limit {
		case "warn_line", "block_line":
			left, leftLonger := *at.SLOs[0].BudgetLeftAfter, *longer.SLOs[0].BudgetLeftAfter
			if left < *l.Line || leftLonger >= *l.Line {
				t.Errorf("%s at %v: budget left %v after %s, %v a second longer", l.Limit, *l.Line, left, l.Duration, leftLonger)
			}
			rule := map[string]string{"warn_line": "budget_low", "block_line": "budget_exhausted"}[l.Limit]
			if slices.Contains(gateRules(at), rule) || !slices.Contains(gateRules(longer), rule) {
				t.Errorf("%s: the gate says %v after %s and %v a second longer", l.Limit, gateRules(at), l.Duration, gateRules(longer))
			}
		case "sla_band":
			if at.SLA.ExtraCredit != 0 || longer.SLA.ExtraCredit <= 0 || *l.Line != 0.9995 {
				t.Errorf("sla band %v: extra credit %v after %s, %v a second longer", l.Line, at.SLA.ExtraCredit, l.Duration, longer.SLA.ExtraCredit)
			}
		}
	}
}

func TestWhatIfFlagErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"fit and a duration are refused together", []string{"--service", "a", "--fit", "--what-if", "1h"}, "--fit finds the window's length: give --what-if or --fit, not both"},
		{"fit needs one service", []string{"--fit"}, "--fit prices an outage of one service: give one --service"},
		{"fit takes no period", []string{"--fit", "--service", "a", "--month", "2026-09"}, "--fit prices an outage now: it takes no --month"},
		{"start needs what-if", []string{"--start", "2026-10-15T02:00:00Z"}, "--start needs --what-if"},
		{"planned needs what-if", []string{"--planned"}, "--planned needs --what-if"},
		{"start is a time", []string{"--service", "a", "--what-if", "1h", "--start", "tomorrow"}, `invalid --start "tomorrow": use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append([]string{"cost"}, c.args...)...)
			if code != exitFailure || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %q", code, errOut, c.want)
			}
		})
	}
}
