package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nines-sre/nines/report"
)

// demoArgs read the demo data at the demo's evaluation time: 2026-Q3 is over, 2026-Q4 to date.
var demoArgs = []string{"--source", "demo", "--at", "2026-10-14T12:00:00Z"}

// cent is the tolerance of totals compared across commands: one period is
// priced by one code path with one set of inputs, so the totals must agree
// to the smallest unit a user reads (a cent); anything more is a second
// figure for the same period.
const cent = 0.005

// jsonOf runs nines and decodes its JSON output into v.
func jsonOf(t *testing.T, dir string, v any, args ...string) {
	t.Helper()
	code, out, errOut := runCLI(t, dir, args...)
	if code != exitOK {
		t.Fatalf("nines %s: exit %d; stderr:\n%s", strings.Join(args, " "), code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("nines %s: not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// total is the total of currency in totals, failing when there is none.
func total(t *testing.T, what string, totals []report.CurrencyTotal, currency string) float64 {
	t.Helper()
	for _, c := range totals {
		if c.Currency == currency {
			return c.Total
		}
	}
	t.Fatalf("%s: no %s total in %+v", what, currency, totals)
	return 0
}

// reportTotal is the EUR grand total of `nines report -o markdown`: the
// last cell of the cost components table's total row.
func reportTotal(t *testing.T, dir string, args ...string) float64 {
	t.Helper()
	code, out, errOut := runCLI(t, dir, append([]string{"report", "-o", "markdown"}, args...)...)
	if code != exitOK {
		t.Fatalf("report: exit %d; stderr:\n%s", code, errOut)
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| total |") || !strings.Contains(line, "| EUR |") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		last := strings.NewReplacer("€", "", ",", "").Replace(cells[len(cells)-1])
		v, err := strconv.ParseFloat(last, 64)
		if err != nil {
			t.Fatalf("report total row %q: %v", line, err)
		}
		return v
	}
	t.Fatalf("report -o markdown has no EUR total row:\n%s", out)
	return 0
}

// quarterTotals checks that a closed quarter's total is one figure in
// cost, report, summary, and as the previous quarter of the next summary
// (at a time when the next quarter is over too, so it is compared whole).
func quarterTotals(t *testing.T, dir string, common []string, at, later, quarter, next string) float64 {
	t.Helper()
	with := func(extra ...string) []string {
		return append(append(append([]string{}, extra...), common...), "--at", at)
	}
	var c report.CostReport
	jsonOf(t, dir, &c, with("cost", "-o", "json", "--quarter", quarter)...)
	var s report.Summary
	jsonOf(t, dir, &s, with("summary", "-o", "json", "--quarter", quarter)...)
	var n report.Summary
	nextArgs := append(append([]string{"summary", "-o", "json", "--quarter", next}, common...), "--at", later)
	jsonOf(t, dir, &n, nextArgs...)
	want := total(t, "cost", c.Totals, "EUR")
	got := map[string]float64{
		"summary":                 total(t, "summary", s.Totals, "EUR"),
		"next quarter's previous": total(t, "next summary", n.PreviousTotals, "EUR"),
		"report":                  reportTotal(t, dir, append(append([]string{"--quarter", quarter}, common...), "--at", at)...),
	}
	for what, v := range got {
		if math.Abs(v-want) > cent {
			t.Errorf("%s %s total %.2f, cost says %.2f", quarter, what, v, want)
		}
	}
	if n.PreviousPeriod.Name != quarter || n.Comparison.LikeForLike {
		t.Errorf("next summary compares with %q (like for like %v), want all of %s", n.PreviousPeriod.Name, n.Comparison.LikeForLike, quarter)
	}
	if len(c.IncidentFiles) == 0 {
		t.Errorf("cost read no incidents file: the specs' incident_files are the default")
	}
	return want
}

func TestQuarterTotalsAreOneFigureAcrossCommands(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		// 2027-01-02: Q4 is over, so the next summary prices Q3 whole (its
		// figures do not depend on --at once it is over).
		got := quarterTotals(t, "", demoArgs[:2], "2026-10-14T12:00:00Z", "2027-01-02T00:00:00Z", "2026-Q3", "2026-Q4")
		// The incidents file the demo specs name is read by default: the
		// figure of `cost --incidents specs/incidents/2026-q3.yaml`.
		var explicit report.CostReport
		jsonOf(t, "", &explicit, append([]string{"cost", "-o", "json", "--quarter", "2026-Q3", "--incidents", filepath.Join("..", "..", "specs", "incidents", "2026-q3.yaml")}, demoArgs...)...)
		if e := total(t, "cost --incidents", explicit.Totals, "EUR"); math.Abs(e-got) > cent {
			t.Errorf("cost with the incidents file named: %.2f, by default %.2f", e, got)
		}
		var none report.CostReport
		jsonOf(t, "", &none, append([]string{"cost", "-o", "json", "--quarter", "2026-Q3", "--incidents", "none"}, demoArgs...)...)
		if len(none.IncidentFiles) != 0 || math.Abs(total(t, "cost --incidents none", none.Totals, "EUR")-got) < 1 {
			t.Errorf("--incidents none read %v and costs the same as with the file", none.IncidentFiles)
		}
	})
	t.Run("fleet", func(t *testing.T) {
		dir, data, specs, incidents := fleetFiles(t)
		// The fleet's tiers file names the incidents file, as the demo's does.
		tiers := filepath.Join(specs, "tiers.yaml")
		b, err := os.ReadFile(tiers)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(specs, incidents)
		if err := os.WriteFile(tiers, append(b, []byte("incident_files: ["+rel+"]\n")...), 0o644); err != nil {
			t.Fatal(err)
		}
		got := quarterTotals(t, dir, []string{"--specs", specs, "--source", data}, fleetAt, "2027-01-02T00:00:00Z", "2026-Q3", "2026-Q4")
		var explicit report.CostReport
		jsonOf(t, dir, &explicit, "cost", "-o", "json", "--specs", specs, "--source", data, "--at", fleetAt, "--quarter", "2026-Q3", "--incidents", incidents)
		if e := total(t, "cost --incidents", explicit.Totals, "EUR"); math.Abs(e-got) > cent {
			t.Errorf("cost with the incidents file named: %.2f, by default %.2f", e, got)
		}
		// Q2 alone and as Q3's previous.
		var q2 report.CostReport
		jsonOf(t, dir, &q2, "cost", "-o", "json", "--specs", specs, "--source", data, "--at", fleetAt, "--quarter", "2026-Q2")
		var s report.Summary
		jsonOf(t, dir, &s, "summary", "-o", "json", "--specs", specs, "--source", data, "--at", fleetAt, "--quarter", "2026-Q3")
		if a, b := total(t, "Q2", q2.Totals, "EUR"), total(t, "Q3's previous", s.PreviousTotals, "EUR"); math.Abs(a-b) > cent {
			t.Errorf("2026-Q2 costs %.2f alone and %.2f as 2026-Q3's previous", a, b)
		}
	})
}

func TestSummaryOfDemoQ3HasNoComparisonWithALowCoverageQ2(t *testing.T) {
	var s report.Summary
	jsonOf(t, "", &s, append([]string{"summary", "-o", "json", "--quarter", "2026-Q3"}, demoArgs...)...)
	// The demo data starts on 2026-06-01: a third of Q2 (30 of 91 days).
	if s.PreviousCoverage == nil || math.Abs(*s.PreviousCoverage-30.0/91) > 0.02 || s.Coverage < 0.99 {
		t.Fatalf("coverage %v, previous %v: want 100%% and about 33%% (to the 1/64 of the period the coverage query samples)", s.Coverage, s.PreviousCoverage)
	}
	if s.Comparison.Available || !strings.Contains(s.Comparison.Reason, "2026-Q2 has data for 33% of its time") {
		t.Errorf("comparison %+v: want n/a because of 2026-Q2's coverage", s.Comparison)
	}
	for _, tr := range s.Tiers {
		if tr.Change != nil || tr.Previous != nil || tr.ComparisonReason == "" {
			t.Errorf("tier %s compared with a 33%% quarter: %+v", tr.Tier, tr)
		}
	}
	for _, svc := range s.Services {
		if svc.CostChange != nil || svc.PreviousIncidents != nil || svc.SLOs[0].Change != nil {
			t.Errorf("service %s compared with a 33%% quarter", svc.Service)
		}
	}
	if len(s.Warnings) == 0 {
		t.Errorf("no warnings in the JSON")
	}
	for _, h := range s.Headline {
		if strings.Contains(h, "%)") && strings.Contains(h, "2026-Q2: €") {
			t.Errorf("headline compares: %q", h)
		}
	}
	// In the table itself, not only on stderr.
	code, out, _ := runCLI(t, "", append([]string{"summary", "--quarter", "2026-Q3"}, demoArgs...)...)
	if code != exitOK || !strings.Contains(out, "(2026-Q2: n/a)") || !strings.Contains(out, "No comparison with 2026-Q2: 2026-Q2 has data for 33% of its time") {
		t.Errorf("table (exit %d) lacks the n/a and its reason:\n%s", code, out)
	}
	// A lower bar allows the comparison.
	var low report.Summary
	jsonOf(t, "", &low, append([]string{"summary", "-o", "json", "--quarter", "2026-Q3", "--min-coverage", "30"}, demoArgs...)...)
	if !low.Comparison.Available || low.Services[0].CostChange == nil {
		t.Errorf("--min-coverage 30: comparison %+v", low.Comparison)
	}
}

func TestSummaryToDateComparesTheSameElapsedPart(t *testing.T) {
	var s report.Summary
	jsonOf(t, "", &s, append([]string{"summary", "-o", "json", "--quarter", "2026-Q4"}, demoArgs...)...)
	if !s.Period.ToDate || !s.Comparison.LikeForLike || s.Comparison.With != "2026-Q3 to the same day" ||
		s.PreviousPeriod.MeasuredTo.Format("2006-01-02T15:04Z07:00") != "2026-07-14T12:00Z" {
		t.Fatalf("period %+v, previous %+v, comparison %+v", s.Period, s.PreviousPeriod, s.Comparison)
	}
	// The previous figure is Q3 as it stood on 07-14 12:00: what cost says
	// of Q3 at that time.
	var q3 report.CostReport
	jsonOf(t, "", &q3, "cost", "-o", "json", "--quarter", "2026-Q3", "--source", "demo", "--at", "2026-07-14T12:00:00Z")
	if a, b := total(t, "previous", s.PreviousTotals, "EUR"), total(t, "Q3 to 07-14", q3.Totals, "EUR"); math.Abs(a-b) > cent {
		t.Errorf("previous total %.2f, Q3 to 2026-07-14 12:00 costs %.2f", a, b)
	}
	if !q3.Period.ToDate {
		t.Errorf("Q3 at 07-14 is not to date: %+v", q3.Period)
	}
	if !strings.Contains(strings.Join(s.Headline, "\n"), "2026-Q4 to date") || !strings.Contains(strings.Join(s.Headline, "\n"), "(2026-Q3 to the same day: ") {
		t.Errorf("headline: %q", s.Headline)
	}
}

func TestMonthlySLOThatMissedAMonthMissedTheQuarter(t *testing.T) {
	var c report.CostReport
	jsonOf(t, "", &c, append([]string{"cost", "-o", "json", "--quarter", "2026-Q3"}, demoArgs...)...)
	search, _ := c.Service("search")
	o := search.SLOs[0]
	if o.SLO != "availability" || len(o.Months) != 3 || o.Met == nil || *o.Met {
		t.Fatalf("search/availability: met %v, months %+v", o.Met, o.Months)
	}
	// Over the quarter it reaches 99.9%; July alone (99.827%) does not.
	// Tolerance: the three decimals the summary shows.
	july := o.Months[0]
	if july.Month != "2026-07" || july.Met == nil || *july.Met || july.Availability == nil || math.Abs(*july.Availability-0.99827) > 5e-6 {
		t.Errorf("July %+v", july)
	}
	if o.Availability == nil || *o.Availability < 0.999 {
		t.Errorf("quarter availability %v: the quarter as one window meets 99.9%%", o.Availability)
	}
	for _, m := range o.Months[1:] {
		if m.Met == nil || !*m.Met {
			t.Errorf("%s missed: %+v", m.Month, m)
		}
	}
	// The SLA months are numbers: August fell below 99.9%, a 25% credit.
	var aug *report.SLAMonth
	for i, m := range c.SLAMonths {
		if m.Service == "checkout" && m.Month == "2026-08" {
			aug = &c.SLAMonths[i]
		}
	}
	if len(c.SLAMonths) != 3 || aug == nil || aug.BandBelow == nil || *aug.BandBelow != 0.999 || aug.CreditRate != 0.25 || math.Abs(aug.Credit-62500) > cent {
		t.Errorf("SLA months %+v", c.SLAMonths)
	}
	var s report.Summary
	jsonOf(t, "", &s, append([]string{"summary", "-o", "json", "--quarter", "2026-Q3"}, demoArgs...)...)
	if s.Headline[0] != "3 of 5 SLOs met their objectives in 2026-Q3." {
		t.Errorf("headline %q", s.Headline[0])
	}
	missed := false
	for _, m := range s.Missed {
		if m.Service == "search" && m.Month == "2026-07" && math.Abs(m.Achieved-0.99827) < 5e-6 {
			missed = true
		}
	}
	if !missed {
		t.Errorf("search is not missed in July: %+v", s.Missed)
	}
	code, out, _ := runCLI(t, "", append([]string{"summary", "--quarter", "2026-Q3"}, demoArgs...)...)
	if code != exitOK || !strings.Contains(out, "SLOs judged month by month") || !strings.Contains(out, "99.926% MISSED 2026-07") {
		t.Errorf("summary table (exit %d) does not show the months:\n%s", code, out)
	}
}
