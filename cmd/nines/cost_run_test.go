package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/officetest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
)

var (
	fleetOnce sync.Once
	fleetData []byte
	fleetErr  error
)

// fleetFiles writes the quarter fleet's data (two quarters, five-minute
// samples), its specs and its incidents file into a temporary directory, for
// the embedded engine: real PromQL, no server.
func fleetFiles(t *testing.T) (dir, data, specs, incidents string) {
	t.Helper()
	fleetOnce.Do(func() { fleetData, fleetErr = scenario.QuarterFleet().OpenMetrics() })
	if fleetErr != nil {
		t.Fatal(fleetErr)
	}
	dir = t.TempDir()
	data = filepath.Join(dir, "fleet.om")
	specs = filepath.Join(dir, "specs")
	incidents = filepath.Join(dir, "incidents.yaml")
	if err := os.WriteFile(data, fleetData, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := scenario.WriteFleetSpecs(specs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(incidents, []byte(scenario.QuarterFleetIncidents), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, data, specs, incidents
}

// fleetAt is after the end of 2026-Q3: the quarter is whole.
const fleetAt = "2026-10-05T00:00:00Z"

// relMoney is the relative tolerance of amounts recomputed from a report's
// own inputs: only float64 rounding separates them.
const relMoney = 1e-9

func nearRel(got, want, rel float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-9
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestRunCostPricesTheQuarter(t *testing.T) {
	dir, data, specs, incidents := fleetFiles(t)
	code, out, errOut := runCLI(t, dir, "cost", "-o", "json", "--specs", specs, "--source", data, "--at", fleetAt,
		"--quarter", "2026-Q3", "--incidents", incidents)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var r report.CostReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("cost -o json is not JSON: %v\n%s", err, out)
	}
	if r.Period.Name != "2026-Q3" || r.Period.Minutes != 92*24*60 || r.Detection.Step != "5m" {
		t.Fatalf("period %+v detection %+v", r.Period, r.Detection)
	}
	shop, ok := r.Service("shop")
	if !ok || shop.Cost == nil {
		t.Fatalf("no priced shop in %+v", r.Services)
	}
	// The truth: 190 minutes of full outage and 0.02% errors the rest of the
	// quarter. increase() over the quarter extrapolates its first five
	// minutes, which holds no outage: 0.1% is far above that error.
	quarter := 92 * 24 * 60.0
	wantDowntime := 190 + scenario.FleetShopErrors*(quarter-190)
	avail := shop.SLOs[0]
	if avail.SLO != "availability" || avail.DowntimeMinutes == nil || !nearRel(*avail.DowntimeMinutes, wantDowntime, 1e-3) {
		t.Errorf("shop availability downtime %v, want %.3f", avail.DowntimeMinutes, wantDowntime)
	}
	if avail.Met == nil || *avail.Met {
		t.Errorf("shop availability at %v met its 99.9%%: it must have missed", avail.Availability)
	}
	// Every line is its formula of its own inputs, and the totals add up.
	b := shop.Cost
	var sum float64
	for _, l := range b.Revenue {
		if want := l.PerMinute * l.Share * l.Impact * l.DowntimeMinutes * (1 - l.Recovery); !nearRel(l.Amount, want, relMoney) {
			t.Errorf("revenue line %+v: amount is not per_minute x share x impact x minutes x (1 - recovery) = %v", l, want)
		}
		sum += l.Amount
	}
	if !nearRel(b.LostRevenue, sum, relMoney) {
		t.Errorf("lost revenue %v, lines sum to %v", b.LostRevenue, sum)
	}
	// 100 EUR a minute (52,594,920 a year), 80% share, 20% recovery: 64 a
	// downtime minute at impact 100%, 16 at latency's 25%.
	if l := b.Revenue[0]; !nearRel(l.PerMinute, 100, 1e-12) || l.Share != 0.8 || l.Recovery != 0.2 || l.Impact != 1 || !nearRel(l.Amount, 64*l.DowntimeMinutes, relMoney) {
		t.Errorf("availability revenue line %+v", l)
	}
	if l := b.Revenue[1]; l.SLO != "latency" || l.Impact != 0.25 || !nearRel(l.Amount, 16*l.DowntimeMinutes, relMoney) {
		t.Errorf("latency revenue line %+v", l)
	}
	if !nearRel(b.Total, b.LostRevenue+b.Labor+b.Opportunity+b.SLACredits, relMoney) {
		t.Errorf("total %v is not the sum of its components %+v", b.Total, b)
	}
	// SLA credits: July (background only, 99.98%) met 99.9%; August (40
	// minutes down and 0.02% of the rest: 99.890%) and September (150
	// minutes: 99.633%) are below 99.9%: 10% of 20,000 each.
	wantCredits := []struct {
		month  string
		avail  float64
		amount float64
	}{
		{"2026-07", 1 - scenario.FleetShopErrors, 0},
		{"2026-08", 1 - (40+scenario.FleetShopErrors*(44640-40))/44640, 2000},
		{"2026-09", 1 - (150+scenario.FleetShopErrors*(43200-150))/43200, 2000},
	}
	if len(b.Credits) != len(wantCredits) {
		t.Fatalf("SLA credit lines %+v", b.Credits)
	}
	for i, w := range wantCredits {
		c := b.Credits[i]
		if c.Month != w.month || math.Abs(c.Availability-w.avail) > 2e-6 || !nearRel(c.Amount, w.amount, relMoney) || c.MonthShare != 1 ||
			!nearRel(c.Amount, c.MonthlyContractValue*c.CreditRate*c.MonthShare, relMoney) {
			t.Errorf("SLA credit line %+v, want %s at %.6f owing %v", c, w.month, w.avail, w.amount)
		}
	}

	// Incidents: latency 07-15, the corrected 08-12 and 09-03; the
	// incidents file states the 08-12 responders and diverted hours.
	var shopIncidents []report.IncidentCost
	for _, i := range r.Incidents {
		if i.Service == "shop" {
			shopIncidents = append(shopIncidents, i)
		}
	}
	if len(shopIncidents) != 3 || shop.Incidents != 3 {
		t.Fatalf("shop incidents %+v", shopIncidents)
	}
	corrected := shopIncidents[1]
	if corrected.Source != "corrected" || corrected.Title != "Card payments rejected after a certificate rotation" ||
		!corrected.Start.Equal(time.Date(2026, 8, 12, 14, 15, 0, 0, time.UTC)) || corrected.DurationSeconds != 50*60 {
		t.Errorf("corrected incident %+v", corrected)
	}
	// 4 x 3 h x 120 + 5 x 2 h x 50 + 1 x 1 h x 250 (its own rate); 24 h x 150.
	if c := corrected.Cost; c == nil || !nearRel(c.Labor, 1440+500+250, relMoney) || !nearRel(c.Opportunity, 3600, relMoney) || len(c.LaborLines) != 3 || !c.LaborLines[0].Stated {
		t.Errorf("corrected incident cost %+v", corrected.Cost)
	}
	if d := corrected.DowntimeMinutes; math.Abs(d-40) > 1 {
		t.Errorf("the corrected incident's downtime %v, want about the 40 minutes of its outage", d)
	}
	// The 09-03 incident is detected: the model's responders for 2.5 hours,
	// support 2 x (1 + 2.5) x 50, engineering 3 x (2 + 2.5) x 120,
	// management 1 x 0.5 x 150.
	detected := shopIncidents[2]
	if detected.Source != "detected" || detected.Cost == nil || math.Abs(detected.DurationSeconds-150*60) > 5*60 {
		t.Fatalf("detected incident %+v", detected)
	}
	h := detected.DurationSeconds / 3600
	if want := 2*(1+h)*50 + 3*(2+h)*120 + 0.5*150; !nearRel(detected.Cost.Labor, want, relMoney) {
		t.Errorf("detected incident labor %v, want %v", detected.Cost.Labor, want)
	}
	// Labor and opportunity of the service are its incidents'.
	var labor, opp float64
	for _, i := range shopIncidents {
		labor += i.Cost.Labor
		opp += i.Cost.Opportunity
	}
	if !nearRel(b.Labor, labor, relMoney) || !nearRel(b.Opportunity, opp, relMoney) {
		t.Errorf("service labor %v opportunity %v, incidents sum to %v and %v", b.Labor, b.Opportunity, labor, opp)
	}
	if shop.MTTRSeconds == nil || !nearRel(*shop.MTTRSeconds, shop.IncidentSeconds/3, 1e-12) {
		t.Errorf("MTTR %v, want the mean of %v s over 3", shop.MTTRSeconds, shop.IncidentSeconds)
	}
	if shop.MTBFSeconds == nil || !nearRel(*shop.MTBFSeconds, (quarter*60-shop.IncidentSeconds)/3, 1e-12) {
		t.Errorf("MTBF %v", shop.MTBFSeconds)
	}
	// gateway's 07-22 outage is dismissed; recs gains the file's incident.
	if g, _ := r.Service("gateway"); g.Incidents != 0 {
		t.Errorf("gateway has %d incidents; the file dismisses its only one", g.Incidents)
	}
	if rc, _ := r.Service("recs"); rc.Incidents != 2 {
		t.Errorf("recs has %d incidents, want the detected one and the file's", rc.Incidents)
	}
	if len(r.Totals) != 1 || r.Totals[0].Currency != "EUR" {
		t.Errorf("totals %+v", r.Totals)
	}
}

func TestRunCostTableAndProgress(t *testing.T) {
	dir, data, specs, _ := fleetFiles(t)
	for _, tty := range []bool{false, true} {
		s, out, errOut := testStreams(nil)
		s.ErrOutIsTTY = tty
		code := run(context.Background(), []string{"cost", "--specs", specs, "--source", data, "--at", fleetAt, "--quarter", "2026-Q3", "--service", "shop", "-o", "wide"}, s)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, errOut)
		}
		got := strings.ReplaceAll(out.String(), dir, "TMP")
		for _, want := range []string{"Cost by service, 2026-Q3", "shop", "€", "Cost breakdown", "lost revenue", "€100.00/min x 80% share x 100% impact", "SLA credit"} {
			if !strings.Contains(got, want) {
				t.Errorf("table lacks %q:\n%s", want, got)
			}
		}
		progress := strings.Contains(errOut.String(), "scanning incidents 2026-Q3")
		if progress != tty {
			t.Errorf("stderr is a terminal: %v, progress shown: %v:\n%q", tty, progress, errOut.String())
		}
	}
}

func TestRunCostWhatIf(t *testing.T) {
	dir, data, specs, _ := fleetFiles(t)
	code, out, errOut := runCLI(t, dir, "cost", "-o", "json", "--specs", specs, "--source", data, "--at", "2026-09-30T12:00:00Z",
		"--service", "shop", "--what-if", "45m")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var w report.WhatIfReport
	if err := json.Unmarshal([]byte(out), &w); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// 45 minutes at 100 EUR a minute x 80% x (1 - 20%) = 2,880 of revenue;
	// the model's responders at 0.75 outage hours: support 2 x 1.75 x 50,
	// engineering 3 x 2.75 x 120, management 0.5 x 150; 8 h x 150 diverted.
	if w.Cost == nil || !nearRel(w.Cost.LostRevenue, 2880, relMoney) || !nearRel(w.Cost.Labor, 175+990+75, relMoney) || !nearRel(w.Cost.Opportunity, 1200, relMoney) {
		t.Fatalf("what-if cost %+v", w.Cost)
	}
	avail := w.SLOs[0]
	// 99.9% over 30 days: 43.2 budget minutes; the outage spends 45.
	if avail.SLO != "availability" || avail.BudgetMinutes == nil || !nearRel(*avail.BudgetMinutes, 43.2, 1e-9) ||
		!nearRel(*avail.BudgetLeftBefore-*avail.BudgetLeftAfter, 45/43.2, 1e-6) {
		t.Errorf("availability budget %+v", avail)
	}
	// Five-minute samples leave the 5m window without data, so the 1h/5m
	// page cannot fire; the 6h/30m one does.
	if len(avail.FiringAfter) == 0 || avail.FiringAfter[0] != "page 6h/30m 6x" {
		t.Errorf("alerts after a 45-minute outage: %v, want the 6h/30m page first", avail.FiringAfter)
	}
	if w.Gate.After != "block" || len(w.Gate.ReasonsAfter) == 0 {
		t.Errorf("gate %+v: a fresh 45-minute outage must block deploys", w.Gate)
	}
	// The SLA SLO's September to date, 150 bad minutes: below 99.9% already.
	if w.SLA == nil || w.SLA.Month != "2026-09" || w.SLA.AvailabilityAfter >= w.SLA.AvailabilityBefore || !nearRel(w.SLA.CreditAfter, 2000, relMoney) {
		t.Errorf("SLA %+v", w.SLA)
	}
	// The budget left in money is what an outage that long would cost.
	if avail.BudgetLeftCostBefore == nil || *avail.BudgetLeftCostBefore < 0 {
		t.Errorf("budget left in money %v", avail.BudgetLeftCostBefore)
	}
	// An outage of latency alone leaves availability's budget as it is.
	code, out, errOut = runCLI(t, dir, "cost", "-o", "json", "--specs", specs, "--source", data, "--at", "2026-09-30T12:00:00Z",
		"--service", "shop", "--what-if", "45m", "--slo", "latency", "--error-ratio", "0.5")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var only report.WhatIfReport
	if err := json.Unmarshal([]byte(out), &only); err != nil {
		t.Fatal(err)
	}
	if a, l := only.SLOs[0], only.SLOs[1]; a.Hit || *a.BudgetLeftAfter != *a.BudgetLeftBefore || !l.Hit || !nearRel(l.OutageMinutes, 22.5, 1e-12) || only.SLA != nil {
		t.Errorf("latency-only outage: %+v %+v, SLA %+v", a, l, only.SLA)
	}
	code, _, errOut = runCLI(t, dir, "cost", "--specs", specs, "--source", data, "--service", "shop", "--what-if", "45m", "--slo", "speed")
	if code != exitFailure || !strings.Contains(errOut, `nines: unknown --slo "speed": shop defines availability, latency`) {
		t.Errorf("unknown --slo: exit %d\n%s", code, errOut)
	}
	code, text, errOut := runCLI(t, dir, "cost", "--specs", specs, "--source", data, "--at", "2026-09-30T12:00:00Z", "--service", "shop", "--what-if", "45m")
	if code != exitOK || !strings.Contains(text, "What if shop fails for 45m") || !strings.Contains(text, "Deploy gate") {
		t.Errorf("what-if table (exit %d):\n%s\n%s", code, text, errOut)
	}
}

func TestSummaryGolden(t *testing.T) {
	dir, data, specs, incidents := fleetFiles(t)
	for _, f := range []struct{ format, ext string }{{"table", "txt"}, {"wide", "txt"}, {"markdown", "md"}, {"json", "json"}, {"csv", "csv"}} {
		t.Run(f.format, func(t *testing.T) {
			code, out, errOut := runCLI(t, dir, "summary", "-o", f.format, "--specs", specs, "--source", data, "--at", fleetAt,
				"--quarter", "2026-Q3", "--incidents", incidents)
			if code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, errOut)
			}
			name := "summary_fleet." + f.ext
			if f.format == "wide" {
				name = "summary_fleet_wide.txt"
			}
			golden(t, name, []byte(out))
		})
	}
}

func TestSummaryComparesWithThePreviousQuarter(t *testing.T) {
	dir, data, specs, incidents := fleetFiles(t)
	code, out, errOut := runCLI(t, dir, "summary", "-o", "json", "--specs", specs, "--source", data, "--at", fleetAt,
		"--quarter", "2026-Q3", "--incidents", incidents)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var s report.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.PreviousPeriod.Name != "2026-Q2" || len(s.Missed) != 1 || s.Missed[0].Service != "shop" || s.Missed[0].Owner.Team != "storefront" {
		t.Fatalf("previous %q, missed %+v", s.PreviousPeriod.Name, s.Missed)
	}
	var shop report.ServiceSummary
	for _, x := range s.Services {
		if x.Service == "shop" {
			shop = x
		}
	}
	// Q2 had 30 bad minutes, Q3 190: availability fell by 160 minutes'
	// worth (of 91 and 92 days) within the tolerance of the background.
	a := shop.SLOs[0]
	q2, q3 := 91*24*60.0, 92*24*60.0
	want := (1 - (190+scenario.FleetShopErrors*(q3-190))/q3) - (1 - (30+scenario.FleetShopErrors*(q2-30))/q2)
	if a.Change == nil || math.Abs(*a.Change-want) > 2e-6 {
		t.Errorf("shop availability change %v, want %v", a.Change, want)
	}
	if shop.PreviousIncidents == nil || *shop.PreviousIncidents != 1 || shop.Incidents != 3 || shop.CostChange == nil || *shop.CostChange <= 0 {
		t.Errorf("shop trend %+v", shop)
	}
	var gold report.TierSummary
	for _, x := range s.Tiers {
		if x.Tier == "gold" {
			gold = x
		}
	}
	if gold.SLOs != 3 || gold.Met != 2 || gold.Missed != 1 || gold.Change == nil || gold.Change.Cost["EUR"] <= 0 {
		t.Errorf("gold tier %+v", gold)
	}
	if len(s.TopCostDrivers) == 0 || s.TopCostDrivers[0].Service != "shop" || s.TopCostDrivers[0].Rank != 1 {
		t.Errorf("top cost drivers %+v", s.TopCostDrivers)
	}
}

// readWorkbook runs the report into a workbook and opens it with excelize.
func readWorkbook(t *testing.T, extra ...string) (*excelize.File, string) {
	t.Helper()
	dir, data, specs, incidents := fleetFiles(t)
	path := filepath.Join(dir, "q3.xlsx")
	args := append([]string{"report", "-o", path, "--specs", specs, "--source", data, "--at", fleetAt,
		"--quarter", "2026-Q3", "--incidents", incidents}, extra...)
	code, out, errOut := runCLI(t, dir, args...)
	if code != exitOK {
		t.Fatalf("exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if out != "" {
		t.Errorf("a workbook report printed on stdout:\n%s", out)
	}
	if want := "wrote TMP/q3.xlsx: " + strconv.Itoa(len(report.Sheets)) + " sheets, 2026-Q3\n"; !strings.HasSuffix(errOut, want) {
		t.Errorf("stderr %q, want it to end with %q", errOut, want)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot read the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, path
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

func cellFloat(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var x float64
	if err := json.Unmarshal([]byte(v), &x); err != nil {
		t.Fatalf("%s!%s = %q, not a number", sheet, cell, v)
	}
	return x
}

func TestReportWorkbookReadsBack(t *testing.T) {
	f, path := readWorkbook(t)
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(report.Sheets, ",") {
		t.Fatalf("sheets %v, want %v", got, report.Sheets)
	}
	headers := map[string][]string{
		report.SheetTiers:       {"Tier", "Objective", "SLOs", "Met", "Missed", "No data", "Availability", "Nines", "Worst budget used", "Downtime (min)", "Incidents", "MTTR", "MTBF", "Cost EUR"},
		report.SheetServices:    {"Service", "SLO", "Tier", "Owner", "SLI", "Objective", "Availability", "Met", "Nines", "Budget used", "Budget left", "Downtime (min)", "Revenue impact", "Lost revenue", "Incident threshold", "Data coverage", "State"},
		report.SheetIncidents:   {"Incident", "Service", "Tier", "Start (UTC)", "End (UTC)", "Duration", "Source", "Title", "Peak SLO", "Peak error ratio", "Peak burn rate", "Downtime (min)", "Lost revenue", "Labor", "Opportunity", "Total", "Record"},
		report.SheetCost:        {"Service", "Tier", "Currency", "Lost revenue", "Labor", "Opportunity", "SLA credits", "Total"},
		report.SheetDaily:       {"Date (UTC)", "Service", "SLO", "Tier", "Availability", "Downtime (min)", "Data coverage", "Incidents", "Lost revenue", "Incident labor and opportunity", "Cost"},
		report.SheetAssumptions: {"Service", "Input", "Item", "Value", "Unit", "Note"},
	}
	for sheet, want := range headers {
		row := 2
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < row || strings.Join(rows[row-1][:len(want)], "|") != strings.Join(want, "|") {
			t.Errorf("%s header row %d = %v, want %v", sheet, row, rows[row-1], want)
		}
	}

	// Tiers: gold is the second tier (bronze, gold); 2 of 3 SLOs met.
	if v, _ := f.GetCellValue(report.SheetTiers, "A4"); v != "gold" {
		t.Fatalf("Tiers A4 = %q, want gold", v)
	}
	if v := cellFloat(t, f, report.SheetTiers, "D4"); v != 2 {
		t.Errorf("gold met %v, want 2", v)
	}
	if got := numFmt(t, f, report.SheetTiers, "G4"); got != "0.000%" {
		t.Errorf("availability format %q", got)
	}
	if got := numFmt(t, f, report.SheetTiers, "N4"); got != `"€"#,##0.00;[Red]-"€"#,##0.00` {
		t.Errorf("cost format %q", got)
	}
	if got := numFmt(t, f, report.SheetTiers, "L4"); got != "[h]:mm" {
		t.Errorf("MTTR format %q", got)
	}

	// Services: shop availability missed, highlighted by a formula rule.
	rows, _ := f.GetRows(report.SheetServices)
	var shopRow int
	for i, r := range rows {
		if len(r) > 1 && r[0] == "shop" && r[1] == "availability" {
			shopRow = i + 1
		}
	}
	if shopRow == 0 {
		t.Fatal("no shop availability row")
	}
	if v, _ := f.GetCellValue(report.SheetServices, "H"+itoa(shopRow)); v != "MISSED" {
		t.Errorf("shop availability Met = %q", v)
	}
	if obj := cellFloat(t, f, report.SheetServices, "F"+itoa(shopRow)); obj != 0.999 {
		t.Errorf("objective %v", obj)
	}
	cf, err := f.GetConditionalFormats(report.SheetServices)
	if err != nil {
		t.Fatal(err)
	}
	if len(cf) != 4 || len(cf["G3:G6"]) != 1 || cf["G3:G6"][0].Criteria != "AND(ISNUMBER($G3),$G3<$F3)" || len(cf["J3:J6"]) != 2 {
		t.Errorf("conditional formats %+v", cf)
	}

	// Incidents: the corrected one carries its title and its stated labor.
	rows, _ = f.GetRows(report.SheetIncidents)
	found := false
	for i, r := range rows {
		if len(r) > 7 && r[7] == "Card payments rejected after a certificate rotation" {
			found = true
			n := itoa(i + 1)
			if v := cellFloat(t, f, report.SheetIncidents, "N"+n); !nearRel(v, 2190, relMoney) {
				t.Errorf("labor %v, want 2,190", v)
			}
			if got := numFmt(t, f, report.SheetIncidents, "D"+n); got != "yyyy-mm-dd hh:mm" {
				t.Errorf("start format %q", got)
			}
			if v, _ := f.GetCellValue(report.SheetIncidents, "D"+n); v != "2026-08-12 14:15" {
				t.Errorf("start shows as %q", v)
			}
			if v, _ := f.GetCellValue(report.SheetIncidents, "F"+n); v != "0:50" {
				t.Errorf("duration shows as %q", v)
			}
		}
	}
	if !found {
		t.Error("the corrected incident is missing")
	}

	// Daily: a row per SLO and day of the quarter (4 SLOs x 92 days).
	rows, _ = f.GetRows(report.SheetDaily)
	if len(rows) != 2+4*92 {
		t.Errorf("Daily has %d rows, want %d", len(rows), 2+4*92)
	}
	if got := numFmt(t, f, report.SheetDaily, "A3"); got != "yyyy-mm-dd" {
		t.Errorf("date format %q", got)
	}
	if v, _ := f.GetCellValue(report.SheetDaily, "A3"); v != "2026-07-01" {
		t.Errorf("first day %q", v)
	}

	// Frozen headers and filters on every data sheet.
	for sheet, row := range map[string]int{report.SheetTiers: 2, report.SheetServices: 2, report.SheetIncidents: 2, report.SheetCost: 2, report.SheetDaily: 2} {
		p, err := f.GetPanes(sheet)
		if err != nil || !p.Freeze || p.YSplit != row {
			t.Errorf("%s panes %+v (%v), want frozen at row %d", sheet, p, err, row)
		}
	}
	filters := 0
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters++
		}
	}
	if filters != len(report.Sheets)-1 {
		t.Errorf("%d autofilters, want one per table sheet, %d", filters, len(report.Sheets)-1)
	}

	// Charts: two on Summary, each over valid ranges.
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
			rc, _ := zf.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			x := b.String()
			if !strings.Contains(x, "Summary!$A$") && !strings.Contains(x, "Tiers!$A$3:$A$4") {
				t.Errorf("%s charts no table range:\n%.400s", zf.Name, x)
			}
		}
	}
	if charts != 2 {
		t.Errorf("%d charts, want 2", charts)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestReportOpensInLibreOffice converts the workbook with LibreOffice when
// it is installed: a workbook it cannot read fails the conversion.
func TestReportOpensInLibreOffice(t *testing.T) {
	soffice := officetest.Soffice(t)
	_, path := readWorkbook(t)
	pdf := officetest.Convert(t, soffice, path, "pdf")
	if st, err := os.Stat(pdf); err != nil || st.Size() < 10000 {
		t.Fatalf("a PDF of %v bytes from LibreOffice (%v)", st.Size(), err)
	}
	// Every sheet prints one page wide, so the workbook prints on a page
	// or more per sheet, not the dozens of a sheet cut into columns.
	if n := officetest.PDFPages(t, pdf); n < len(report.Sheets) || n > 40 {
		t.Errorf("the workbook prints on %d pages, want %d to 40", n, len(report.Sheets))
	}
}

func TestReportAsText(t *testing.T) {
	dir, data, specs, incidents := fleetFiles(t)
	// The CSV is for tools: TestCSVForTools.
	for _, format := range []string{"markdown"} {
		code, out, errOut := runCLI(t, dir, "report", "-o", format, "--specs", specs, "--source", data, "--at", fleetAt,
			"--quarter", "2026-Q3", "--incidents", incidents)
		if code != exitOK {
			t.Fatalf("%s: exit %d; stderr:\n%s", format, code, errOut)
		}
		for _, want := range []string{"Tier", "Card payments rejected after a certificate rotation", "Incident labor and opportunity", "Calendar convention", budget.Convention} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q", format, want)
			}
		}
	}
	// A file is written whole: the markdown file holds the same text.
	path := filepath.Join(dir, "q3.md")
	code, _, errOut := runCLI(t, dir, "report", "-o", path, "--specs", specs, "--source", data, "--at", fleetAt, "--quarter", "2026-Q3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The confirmation is printed whether or not stderr is a terminal.
	if want := "wrote TMP/q3.md: 11 tables, 2026-Q3\n"; !strings.HasSuffix(errOut, want) {
		t.Errorf("stderr %q, want it to end with %q", errOut, want)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte("### Summary by tier")) {
		t.Errorf("markdown file: %v\n%.300s", err, b)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".q3.md.*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestCostHelpGolden(t *testing.T) {
	for _, cmd := range []string{"cost", "report", "summary"} {
		t.Run(cmd, func(t *testing.T) {
			code, out, _ := runCLI(t, "", cmd, "--help")
			if code != exitOK || !strings.Contains(out, "Examples:") {
				t.Fatalf("%s --help: exit %d, no examples:\n%s", cmd, code, out)
			}
			// The global flags belong to the root command and its golden.
			own, _, _ := strings.Cut(out, "Global Flags:")
			golden(t, cmd+"_help.txt", []byte(own))
		})
	}
}

// TestReportOnTheDemo runs the quick start's report on the demo data with
// the example specs and incidents file: the example incidents file must
// stay valid against the specs and the demo's story.
func TestReportOnTheDemo(t *testing.T) {
	demo := filepath.Join("..", "..", "specs/demo/metrics.om.gz")
	if _, err := os.Stat(demo); err != nil {
		t.Skipf("no demo data: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "q3.xlsx")
	code, _, errOut := runCLI(t, dir, "report", "-o", path, "--specs", "../../specs", "--source", demo,
		"--quarter", "2026-Q3", "--at", "2026-10-14T12:00:00Z", "--incidents", "../../specs/incidents/2026-q3.yaml")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	code, out, errOut := runCLI(t, dir, "cost", "-o", "json", "--specs", "../../specs", "--source", demo,
		"--quarter", "2026-Q3", "--at", "2026-10-14T12:00:00Z", "--incidents", "../../specs/incidents/2026-q3.yaml")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var r report.CostReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	corrected := 0
	for _, i := range r.Incidents {
		if i.Source == "corrected" {
			corrected++
		}
		if i.Service == "payments-gateway" && i.Start.After(time.Date(2026, 9, 4, 17, 25, 0, 0, time.UTC)) && i.Start.Before(time.Date(2026, 9, 4, 18, 25, 0, 0, time.UTC)) {
			t.Errorf("the dismissed prober incident is still there: %+v", i)
		}
	}
	if corrected != 2 || len(r.Totals) != 1 || r.Totals[0].Total <= 0 {
		t.Errorf("%d corrected incidents (want checkout's and the gateway's), totals %+v", corrected, r.Totals)
	}
}

// TestSummaryDefaultsToTheLastCompleteQuarter: without a period, summary
// (and report) take the last complete quarter, not the current one to
// date, and say which on stderr; the JSON is the same as asking for it.
func TestSummaryDefaultsToTheLastCompleteQuarter(t *testing.T) {
	dir, data, specs, incidents := fleetFiles(t)
	args := []string{"summary", "-o", "json", "--specs", specs, "--source", data, "--at", fleetAt, "--incidents", incidents}
	code, out, errOut := runCLI(t, dir, args...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	if want := "nines: no period given: the last complete quarter, 2026-Q3 (--quarter quarter for this one to date)\n"; !strings.Contains(errOut, want) {
		t.Errorf("stderr should name the period:\n%s\nwant a line %q", errOut, want)
	}
	_, explicit, errOut := runCLI(t, dir, append(args, "--quarter", "2026-Q3")...)
	if out != explicit {
		t.Errorf("the default differs from --quarter 2026-Q3; stderr:\n%s", errOut)
	}
}
