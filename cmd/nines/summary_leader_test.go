package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/report"
)

// demoArgs and cent are in period_test.go.

// demoSummary runs summary -o json on the demo data and decodes it.
func demoSummary(t *testing.T, args ...string) report.Summary {
	t.Helper()
	code, out, errOut := runCLI(t, "", append(append([]string{"summary", "-o", "json"}, demoArgs...), args...)...)
	if code != exitOK {
		t.Fatalf("summary %v: exit %d; stderr:\n%s", args, code, errOut)
	}
	var s report.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %v: %v", args, err)
	}
	return s
}

// TestSummaryTrendEqualsEachQuartersSummary: each period of the trend has
// the totals, incidents and SLOs met of `summary --quarter` of that period,
// to the cent: one pricing path.
func TestSummaryTrendEqualsEachQuartersSummary(t *testing.T) {
	s := demoSummary(t, "--quarter", "2026-Q3", "--quarters", "4")
	var names []string
	for _, p := range s.Trend {
		names = append(names, p.Period.Name)
	}
	if strings.Join(names, ",") != "2025-Q4,2026-Q1,2026-Q2,2026-Q3" {
		t.Fatalf("trend periods %v, want the 4 quarters ending with 2026-Q3, oldest first", names)
	}
	sawMoney := false
	for _, p := range s.Trend {
		q := demoSummary(t, "--quarter", p.Period.Name, "--quarters", "0")
		if len(q.Trend) != 0 {
			t.Errorf("--quarters 0 gave a trend of %d", len(q.Trend))
		}
		if len(p.Totals) != len(q.Totals) {
			t.Fatalf("%s: trend totals %+v, summary totals %+v", p.Period.Name, p.Totals, q.Totals)
		}
		for i, tot := range p.Totals {
			w := q.Totals[i]
			for _, c := range [][2]float64{{tot.Total, w.Total}, {tot.LostRevenue, w.LostRevenue}, {tot.Labor, w.Labor}, {tot.Opportunity, w.Opportunity}, {tot.SLACredits, w.SLACredits}} {
				if tot.Currency != w.Currency || math.Abs(c[0]-c[1]) > cent {
					t.Errorf("%s: trend %s %.2f, summary --quarter %.2f", p.Period.Name, tot.Currency, c[0], c[1])
				}
			}
			sawMoney = sawMoney || tot.Total > 0
		}
		met, slos, incidents := 0, 0, 0
		for _, tier := range q.Tiers {
			met += tier.Met
			slos += tier.SLOs
			incidents += tier.Incidents
		}
		if p.Met != met || p.SLOs != slos || p.Incidents != incidents {
			t.Errorf("%s: trend %d/%d met, %d incidents; summary %d/%d, %d", p.Period.Name, p.Met, p.SLOs, p.Incidents, met, slos, incidents)
		}
		if math.Abs(p.Coverage-q.Coverage) > 1e-12 {
			t.Errorf("%s: trend coverage %v, summary coverage %v", p.Period.Name, p.Coverage, q.Coverage)
		}
	}
	if !sawMoney {
		t.Error("no period of the trend costs anything: the test compares only zeros")
	}
	// The demo has data from late June 2026: Q2 and before are low coverage.
	for _, p := range s.Trend {
		if want := p.Period.Name != "2026-Q3"; p.LowCoverage != want {
			t.Errorf("%s: low coverage %v (coverage %v), want %v", p.Period.Name, p.LowCoverage, p.Coverage, want)
		}
	}
	if last := s.Trend[3]; math.Abs(last.Coverage-s.Coverage) > 1e-12 || math.Abs(last.Totals[0].Total-s.Totals[0].Total) > cent {
		t.Errorf("the trend's last period %+v is not the summary's (coverage %v, totals %+v)", last, s.Coverage, s.Totals)
	}
}

// TestSummaryBaselinePlusOverspendIsTheTotal: per service and per currency
// the baseline and the overspend add up to the cost, and checkout's
// availability overspend is recomputed by hand from the summary's numbers
// as docs/cost.md says.
func TestSummaryBaselinePlusOverspendIsTheTotal(t *testing.T) {
	s := demoSummary(t, "--quarter", "2026-Q3")
	b := s.BaselineOverspend
	if len(b.Services) != 4 || len(b.Totals) != 1 || len(s.Totals) != 1 {
		t.Fatalf("split %+v", b)
	}
	// Baseline and overspend are components less their overspend, summed:
	// only float64 rounding separates them from the total (relMoney).
	for _, svc := range b.Services {
		if !nearRel(svc.Baseline+svc.Overspend, svc.Total, relMoney) {
			t.Errorf("%s: baseline %v + overspend %v != total %v", svc.Service, svc.Baseline, svc.Overspend, svc.Total)
		}
		var cost float64
		for _, x := range s.Services {
			if x.Service == svc.Service && x.Cost != nil {
				cost = *x.Cost
			}
		}
		if math.Abs(cost-svc.Total) > cent {
			t.Errorf("%s: split total %v, summary cost %v", svc.Service, svc.Total, cost)
		}
	}
	tot := b.Totals[0]
	if !nearRel(tot.Baseline+tot.Overspend, tot.Total, relMoney) || math.Abs(tot.Total-s.Totals[0].Total) > cent {
		t.Errorf("totals %+v, summary total %v", tot, s.Totals[0].Total)
	}
	// By hand: 2026-Q3 has 92 days; checkout availability (99.95%) may
	// spend 0.05% of them, and spent 1 - achieved of them.
	var checkout report.ServiceSplit
	for _, svc := range b.Services {
		if svc.Service == "checkout" {
			checkout = svc
		}
	}
	var avail report.SLOSplit
	for _, o := range checkout.SLOs {
		if o.SLO == "availability" {
			avail = o
		}
	}
	minutes := 92 * 24 * 60.0
	var achieved float64
	for _, x := range s.Services {
		for _, o := range x.SLOs {
			if x.Service == "checkout" && o.SLO == "availability" && o.Achieved != nil {
				achieved = *o.Achieved
			}
		}
	}
	allowed, downtime := 0.0005*minutes, (1-achieved)*minutes
	// downtime_minutes is error ratio x minutes: the same product.
	if !nearRel(avail.AllowedMinutes, allowed, 1e-9) || !nearRel(avail.DowntimeMinutes, downtime, 1e-9) || !nearRel(avail.OverspendMinutes, downtime-allowed, 1e-9) {
		t.Errorf("checkout availability %+v; by hand allowed %v, downtime %v", avail, allowed, downtime)
	}
	if avail.LostRevenue == nil || avail.LostRevenueOverspend == nil || !nearRel(*avail.LostRevenueOverspend, *avail.LostRevenue*(downtime-allowed)/downtime, 1e-9) {
		t.Errorf("checkout availability lost revenue split %+v", avail)
	}
	// checkout missed its objective in Q3: something is overspent, and its
	// SLA credits (owed below a band under the objective) are all overspend.
	if checkout.Overspend <= 0 || checkout.SLACredits.Baseline != 0 || checkout.SLACredits.Overspend <= 0 {
		t.Errorf("checkout split %+v", checkout)
	}
	wantFixed := (checkout.Fixed.Baseline + checkout.Fixed.Overspend) * checkout.OverspendMinutes / checkout.DowntimeMinutes
	if !nearRel(checkout.Fixed.Overspend, wantFixed, 1e-9) {
		t.Errorf("checkout labor and opportunity overspend %v, want %v", checkout.Fixed.Overspend, wantFixed)
	}
	// A service within every budget, without a credit month below its
	// objective, has no overspend.
	within := 0
	for _, svc := range b.Services {
		if svc.OverspendMinutes == 0 && svc.SLACredits.Overspend == 0 {
			within++
			if svc.Overspend != 0 {
				t.Errorf("%s stayed within its budgets but has overspend %v", svc.Service, svc.Overspend)
			}
		}
	}
	if within == 0 {
		t.Error("every service overspent: the check above checked nothing")
	}
}

// TestSummaryTopRiskIsCheckoutAvailability: at 2026-10-14T12:00Z the demo's
// checkout availability pages: it is the top risk of the quarter to date,
// evaluated at --at over its own 30d window.
func TestSummaryTopRiskIsCheckoutAvailability(t *testing.T) {
	s := demoSummary(t, "--quarter", "quarter", "--quarters", "1")
	if len(s.TopRisks) == 0 || len(s.TopRisks) > report.TopRisks {
		t.Fatalf("%d top risks", len(s.TopRisks))
	}
	r := s.TopRisks[0]
	if r.Service != "checkout" || r.SLO != "availability" || r.Rank != 1 || r.Window != "30d" || r.TimeToExhaustionSeconds == nil {
		t.Errorf("top risk %+v, want checkout availability running out", r)
	}
	if got := s.RisksAt.Format("2006-01-02T15:04:05Z07:00"); got != "2026-10-14T12:00:00Z" {
		t.Errorf("risks at %s, want --at (the quarter runs on)", got)
	}
	// The same figures as nines burn at --at.
	code, out, errOut := runCLI(t, "", append([]string{"burn", "-o", "json", "--service", "checkout"}, demoArgs...)...)
	if code != exitOK {
		t.Fatalf("burn: exit %d; stderr:\n%s", code, errOut)
	}
	var b report.BurnReport
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	var st report.SLOStatus
	for _, x := range b.SLOs {
		if x.SLO == "availability" {
			st = x
		}
	}
	// The same evaluation: the same float64s.
	if st.BudgetLeft == nil || *st.BudgetLeft != *r.BudgetLeft || st.TimeToExhaustionSeconds == nil || *st.TimeToExhaustionSeconds != *r.TimeToExhaustionSeconds {
		t.Errorf("top risk %+v differs from burn %+v", r, st)
	}
	for i := 1; i < len(s.TopRisks); i++ {
		a, c := s.TopRisks[i-1], s.TopRisks[i]
		if a.TimeToExhaustionSeconds != nil && c.TimeToExhaustionSeconds != nil && *a.TimeToExhaustionSeconds > *c.TimeToExhaustionSeconds {
			t.Errorf("rank %d runs out later than rank %d", a.Rank, c.Rank)
		}
	}
	// A closed quarter's risks are evaluated at its end.
	q3 := demoSummary(t, "--quarter", "2026-Q3", "--quarters", "0")
	if got := q3.RisksAt.Format("2006-01-02T15:04:05Z07:00"); got != "2026-10-01T00:00:00Z" {
		t.Errorf("2026-Q3 risks at %s, want its end", got)
	}
}

// TestSummaryNarrativeGolden: the Markdown narrative is the same on every
// run (golden), says n/a for the comparison with 2026-Q2, whose data
// coverage is low, and gives the figures of the summary.
func TestSummaryNarrativeGolden(t *testing.T) {
	args := append([]string{"summary", "-o", "markdown", "--quarter", "2026-Q3"}, demoArgs...)
	var first string
	for i := 0; i < 2; i++ {
		code, out, errOut := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, errOut)
		}
		if i == 0 {
			first = out
		} else if out != first {
			t.Fatal("two runs wrote different Markdown")
		}
	}
	s := demoSummary(t, "--quarter", "2026-Q3")
	if !strings.Contains(first, "\n"+s.Narrative+"\n") {
		t.Fatalf("the Markdown lacks the narrative paragraph %q", s.Narrative)
	}
	golden(t, "summary_demo_narrative.txt", []byte(s.Narrative+"\n"))
	if !regexp.MustCompile(`Comparison with 2026-Q2 n/a: 2026-Q2 has data for [0-9]+% of its time \(a comparison needs 90%\)\.`).MatchString(s.Narrative) {
		t.Errorf("the narrative does not say the comparison with 2026-Q2 is n/a:\n%s", s.Narrative)
	}
	met, slos := 0, 0
	for _, tier := range s.Tiers {
		met += tier.Met
		slos += tier.SLOs
	}
	for _, want := range []string{fmt.Sprintf("In 2026-Q3, %d of %d SLOs met their objectives", met, slos), "checkout missed its availability objective",
		report.Money(s.Totals[0].Total, "EUR"), report.Money(s.BaselineOverspend.Totals[0].Overspend, "EUR")} {
		if !strings.Contains(s.Narrative, want) {
			t.Errorf("the narrative lacks %q:\n%s", want, s.Narrative)
		}
	}
	if strings.Contains(s.Narrative, "rose") || strings.Contains(s.Narrative, "fell") {
		t.Errorf("the narrative compares costs with a low-coverage quarter:\n%s", s.Narrative)
	}
	// Q4 to date is compared like for like: with Q3 to the same day.
	q4 := demoSummary(t, "--quarter", "quarter", "--quarters", "0")
	if !strings.Contains(q4.Narrative, "In 2026-Q4 to date") || !strings.Contains(q4.Narrative, "Against 2026-Q3 to the same day, cost") {
		t.Errorf("Q4 narrative:\n%s", q4.Narrative)
	}
}

// TestSummaryLeaderJSONFields: warnings and coverage are in the JSON.
func TestSummaryLeaderJSONFields(t *testing.T) {
	code, out, errOut := runCLI(t, "", append([]string{"summary", "-o", "json", "--quarter", "2026-Q3", "--quarters", "2"}, demoArgs...)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"warnings", "coverage", "trend", "baseline_overspend", "risks_at", "top_risks", "unranked_slos", "narrative"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in the summary JSON", k)
		}
	}
	var w []string
	if err := json.Unmarshal(m["warnings"], &w); err != nil || len(w) == 0 || !strings.Contains(strings.Join(w, "\n"), "2026-Q2") {
		t.Errorf("warnings %s: want the low coverage of 2026-Q2 among them", m["warnings"])
	}
	var c float64
	if err := json.Unmarshal(m["coverage"], &c); err != nil || c < 0.9 || c > 1 {
		t.Errorf("coverage %s: the demo covers 2026-Q3", m["coverage"])
	}
}

func TestSummaryQuartersFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"summary", "--quarters", "-1"}, "--quarters must be between 0 and 12, not -1"},
		{[]string{"summary", "--quarters", "13"}, "--quarters must be between 0 and 12, not 13"},
		{[]string{"report", "-o", "csv", "--window", "30d", "--quarters", "2"}, "--quarters needs a calendar period (--quarter or --month), not --window or --from"},
	} {
		code, _, errOut := runCLI(t, "", append(c.args, demoArgs...)...)
		if code != exitFailure || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "Run 'nines") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error %q", c.args, code, errOut, c.want)
		}
	}
}

// TestReportTrendSheet: report --quarters 4 writes a Trend sheet whose
// cells hold the trend's numbers (read back with excelize) and a chart.
func TestReportTrendSheet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q3.xlsx")
	code, _, errOut := runCLI(t, dir, append([]string{"report", "-o", path, "--quarter", "2026-Q3", "--quarters", "4"}, demoArgs...)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	if want := fmt.Sprintf("wrote TMP/q3.xlsx: %d sheets, 2026-Q3\n", len(report.Sheets)+1); !strings.HasSuffix(errOut, want) {
		t.Errorf("stderr %q, want it to end with %q", errOut, want)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheets[len(sheets)-1] != report.SheetTrend || len(sheets) != len(report.Sheets)+1 {
		t.Fatalf("sheets %v, want the Trend sheet last", sheets)
	}
	s := demoSummary(t, "--quarter", "2026-Q3", "--quarters", "4")
	hdr, err := f.GetRows(report.SheetTrend)
	if err != nil {
		t.Fatal(err)
	}
	if len(hdr) < 6 || strings.Join(hdr[1][:6], ",") != "Period,Start (UTC),End (UTC),Measured to (UTC),To date,Coverage" || hdr[1][14] != "Cost EUR" || hdr[1][16] != "Overspend EUR" {
		t.Fatalf("Trend sheet header %v", hdr[1])
	}
	for i, p := range s.Trend {
		row := itoa(i + 3)
		if got, _ := f.GetCellValue(report.SheetTrend, "A"+row); got != p.Period.Name {
			t.Errorf("row %s: period %q, want %q", row, got, p.Period.Name)
		}
		// Cells hold the figures unrounded: the same float64 as the JSON
		// up to excelize's 15 significant digits (relMoney).
		if got := cellFloat(t, f, report.SheetTrend, "O"+row); !nearRel(got, p.Totals[0].Total, relMoney) {
			t.Errorf("%s cost cell %v, summary trend %v", p.Period.Name, got, p.Totals[0].Total)
		}
		if got := cellFloat(t, f, report.SheetTrend, "Q"+row); !nearRel(got, p.Split[0].Overspend, relMoney) {
			t.Errorf("%s overspend cell %v, summary trend %v", p.Period.Name, got, p.Split[0].Overspend)
		}
		if got := cellFloat(t, f, report.SheetTrend, "F"+row); math.Abs(got-p.Coverage) > 1e-12 {
			t.Errorf("%s coverage cell %v, summary trend %v", p.Period.Name, got, p.Coverage)
		}
	}
	if got := numFmt(t, f, report.SheetTrend, "O6"); !strings.Contains(got, "€") {
		t.Errorf("cost number format %q", got)
	}
	// Two charts, drawn on the Trend sheet.
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	charts := 0
	for _, zf := range z.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			buf := make([]byte, 1<<16)
			for {
				n, err := rc.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			rc.Close()
			if strings.Contains(b.String(), "Trend!$A$3:$A$6") {
				charts++
			}
		}
	}
	if charts != 2 {
		t.Errorf("%d charts plot the Trend sheet's periods, want 2", charts)
	}
}
