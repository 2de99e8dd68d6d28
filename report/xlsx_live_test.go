package report_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/internal/officetest"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// The worked example of docs/cost.md: 100 EUR a minute (52,594,920 a
// year), share 60%, recovery 25%, latency impact 20%; support 4 x 45/h
// (1 h + 1 h per outage hour), engineering 3 x 120/h (2 h + 1.5 h);
// opportunity 16 h x 200; SLA 100,000 a month, 10% below 99.99%, 25% below
// 99%, 100% below 95%.
var workedModel = slo.CostModel{
	Currency: "EUR",
	Revenue:  slo.Revenue{PerYear: 52_594_920, Share: 0.6, Recovery: 0.25, Impact: map[string]float64{"latency": 0.2}},
	Responders: []slo.Role{
		{Name: "support", People: 4, HourlyRate: 45, HoursPerIncident: 1, HoursPerOutageHour: 1},
		{Name: "engineering", People: 3, HourlyRate: 120, HoursPerIncident: 2, HoursPerOutageHour: 1.5},
	},
	SLA:         slo.SLA{MonthlyContractValue: 100_000, Credits: []slo.CreditBand{{Below: 0.9999, Credit: 0.10}, {Below: 0.99, Credit: 0.25}, {Below: 0.95, Credit: 1}}},
	Opportunity: slo.Opportunity{HoursPerIncident: 16, HourlyValue: 200},
}

func ptr[T any](v T) *T { return &v }

// revenue is a revenue line of the worked model.
func revenue(name string, impact, minutes float64) report.RevenueLine {
	return report.RevenueLine{SLO: name, DowntimeMinutes: minutes, PerMinute: 100, Share: 0.6, Impact: impact, Recovery: 0.25,
		Amount: 100 * 0.6 * impact * minutes * 0.75}
}

// modelLabor is a labor line of a model role for an outage of hours.
func modelLabor(r slo.Role, hours float64) report.LaborLine {
	each := r.HoursPerIncident + r.HoursPerOutageHour*hours
	return report.LaborLine{Role: r.Name, People: r.People, HoursEach: each, HourlyRate: r.HourlyRate, HoursPerIncident: r.HoursPerIncident,
		HoursPerOutageHour: r.HoursPerOutageHour, OutageHours: hours, Amount: r.People * each * r.HourlyRate}
}

// breakdown sums lines into a breakdown.
func breakdown(rev []report.RevenueLine, labor []report.LaborLine, oppHours float64, credits []report.CreditLine) *report.Breakdown {
	b := &report.Breakdown{Currency: "EUR", Revenue: rev, LaborLines: labor, Credits: credits,
		Diverted: report.DivertedWork{Hours: oppHours, HourlyValue: 200, Amount: oppHours * 200}}
	for _, l := range rev {
		b.LostRevenue += l.Amount
	}
	for _, l := range labor {
		b.Labor += l.Amount
	}
	for _, c := range credits {
		b.SLACredits += c.Amount
	}
	b.Opportunity = b.Diverted.Amount
	b.Total = b.LostRevenue + b.Labor + b.Opportunity + b.SLACredits
	return b
}

// workedReport is a quarter of one priced service ("shop": an availability
// and a latency SLO, three incidents: one priced from the model, one with
// the responders an incidents file states and still ongoing, one planned
// without incident overhead, and an SLA month in the 10% band) and one
// service without a cost model.
func workedReport() *report.PeriodReport {
	q := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	sup, eng := workedModel.Responders[0], workedModel.Responders[1]
	inc1 := report.IncidentCost{ID: "shop/2026-08-12T14:18Z", Service: "shop", Tier: "critical", Source: "detected",
		Start: time.Date(2026, 8, 12, 14, 18, 0, 0, time.UTC), End: time.Date(2026, 8, 12, 15, 48, 0, 0, time.UTC), DurationSeconds: 5400,
		Cost: breakdown([]report.RevenueLine{revenue("availability", 1, 30)}, []report.LaborLine{modelLabor(sup, 1.5), modelLabor(eng, 1.5)}, 16, nil)}
	// Stated: 5 engineers for 4 hours at the model's rate, a lawyer 2 hours at 250.
	stated := []report.LaborLine{
		{Role: "engineering", People: 5, HoursEach: 4, HourlyRate: 120, OutageHours: 0.5, Stated: true, Amount: 2400},
		{Role: "legal", People: 1, HoursEach: 2, HourlyRate: 250, OutageHours: 0.5, Stated: true, Amount: 500},
	}
	inc2 := report.IncidentCost{ID: "shop/2026-09-30T23:30Z", Service: "shop", Tier: "critical", Source: "corrected", Title: "Checkout pool dropped", Ongoing: true,
		Start: time.Date(2026, 9, 30, 23, 30, 0, 0, time.UTC), End: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), DurationSeconds: 1800,
		Cost:       breakdown([]report.RevenueLine{revenue("availability", 1, 10), revenue("latency", 0.2, 5)}, stated, 40, nil),
		RecordFile: "q3.yaml", RecordLine: 4}
	// Planned: its outage hours priced, no fixed hours, no opportunity.
	planned := []report.LaborLine{modelLabor(sup, 1), modelLabor(eng, 1)}
	for i := range planned {
		planned[i].HoursPerIncident = 0
		planned[i].HoursEach = planned[i].HoursPerOutageHour
		planned[i].Amount = planned[i].People * planned[i].HoursEach * planned[i].HourlyRate
	}
	inc3 := report.IncidentCost{ID: "shop/2026-07-20T02:00Z", Service: "shop", Tier: "critical", Source: "file", Planned: true,
		Start: time.Date(2026, 7, 20, 2, 0, 0, 0, time.UTC), End: time.Date(2026, 7, 20, 3, 0, 0, 0, time.UTC), DurationSeconds: 3600,
		Cost: breakdown([]report.RevenueLine{revenue("availability", 1, 20)}, planned, 0, nil)}

	july, aug := 0.9985, 0.99995
	months := []report.SLAMonth{
		{Service: "shop", SLO: "availability", Month: "2026-07", Currency: "EUR", Availability: &july, Coverage: 1, BandBelow: ptr(0.9999), CreditRate: 0.10, MonthlyContractValue: 100_000, Share: 1, Credit: 10_000},
		{Service: "shop", SLO: "availability", Month: "2026-08", Currency: "EUR", Availability: &aug, Coverage: 1, MonthlyContractValue: 100_000, Share: 1},
		{Service: "shop", SLO: "availability", Month: "2026-09", Currency: "EUR", Coverage: 0, MonthlyContractValue: 100_000, Share: 1},
	}
	var credits []report.CreditLine
	for _, m := range months[:2] {
		credits = append(credits, report.CreditLine{Month: m.Month, Availability: *m.Availability, BandBelow: m.BandBelow, CreditRate: m.CreditRate, MonthlyContractValue: 100_000, MonthShare: 1, Amount: m.Credit})
	}
	svcRev := []report.RevenueLine{revenue("availability", 1, 43.2), revenue("latency", 0.2, 216)}
	var labor []report.LaborLine
	for _, i := range []report.IncidentCost{inc1, inc2, inc3} {
		labor = append(labor, i.Cost.LaborLines...)
	}
	shop := breakdown(svcRev, labor, 16+40, credits)
	av, lat := 0.999, 0.995
	met, missed := true, false
	r := &report.CostReport{
		At: time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC), Source: "test",
		Period:   report.PeriodInfo{Name: "2026-Q3", Start: q, End: q.AddDate(0, 3, 0), MeasuredTo: q.AddDate(0, 3, 0), Minutes: 92 * 1440, TimeZone: "UTC"},
		Coverage: 0.97,
		Services: []report.ServiceCost{
			{Service: "shop", Tier: "critical", Currency: "EUR", CostModel: true, Incidents: 3, Cost: shop, SLOs: []report.SLOCost{
				{SLO: "availability", Kind: "events", Objective: 0.999, DataState: "ok", Availability: &av, DowntimeMinutes: ptr(43.2), Met: &met, RevenueImpact: 1, LostRevenue: ptr(svcRev[0].Amount), Coverage: 1},
				{SLO: "latency", Kind: "latency", Objective: 0.999, DataState: "ok", Availability: &lat, DowntimeMinutes: ptr(216.0), Met: &missed, RevenueImpact: 0.2, LostRevenue: ptr(svcRev[1].Amount), Coverage: 0.94,
					Months: []report.SLOMonth{
						{Month: "2026-07", DataState: "ok", Availability: ptr(0.9995), Met: &met, Coverage: 1},
						{Month: "2026-08", DataState: "ok", Availability: ptr(0.998), Met: &missed, Coverage: 0.9},
					}},
			}},
			{Service: "docs", Tier: "standard", SLOs: []report.SLOCost{{SLO: "availability", Kind: "probe", Objective: 0.99, DataState: "no_data"}}},
		},
		Incidents: []report.IncidentCost{inc3, inc1, inc2},
		Totals:    []report.CurrencyTotal{{Currency: "EUR", LostRevenue: shop.LostRevenue, Labor: shop.Labor, Opportunity: shop.Opportunity, SLACredits: shop.SLACredits, Total: shop.Total}},
		SLAMonths: months,
	}
	return &report.PeriodReport{
		Cost: r,
		Tiers: []report.TierSummary{
			{Tier: "critical", Objective: 0.999, SLOs: 2, Met: 1, Missed: 1, Cost: map[string]float64{"EUR": shop.Total}},
			{Tier: "standard", Objective: 0.99, SLOs: 1, NoData: 1, Cost: map[string]float64{}},
		},
		Models: []report.ServiceModel{
			{Service: "shop", Tier: "critical", Model: workedModel, RatePerMinute: 100, SLASLO: "availability"},
			{Service: "docs", Tier: "standard"},
		},
	}
}

// workbook writes a report into a file and opens it.
func workbook(t *testing.T, p *report.PeriodReport) (*excelize.File, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := p.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "q3.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot read the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, path
}

// number reads a cell as a number.
func number(t *testing.T, f *excelize.File, sheet, cell string) float64 {
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

// find is the sheet row (1-based) whose first columns are keys.
func find(t *testing.T, f *excelize.File, sheet string, keys ...string) int {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) >= len(keys) && slicesEqual(r[:len(keys)], keys) {
			return i + 1
		}
	}
	t.Fatalf("%s has no row %v", sheet, keys)
	return 0
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// input is the Assumptions cell of an input: column D of its row, found by
// service, input and item.
func input(t *testing.T, f *excelize.File, service, name, item string) string {
	t.Helper()
	return "D" + strconv.Itoa(find(t, f, report.SheetAssumptions, service, name, item))
}

// cent: the workbook multiplies the same inputs in the same order as the
// pricing, so its figures agree far below a cent; LibreOffice's too.
const cent = 0.005

func TestWorkbookCostCellsAreFormulasOverAssumptions(t *testing.T) {
	p := workedReport()
	f, _ := workbook(t, p)
	if got := strings.Join(f.GetSheetList(), ","); got != strings.Join(report.Sheets, ",") {
		t.Fatalf("sheets %s, want %v", got, report.Sheets)
	}
	shop := p.Cost.Services[0].Cost
	row := strconv.Itoa(find(t, f, report.SheetCost, "shop"))
	for _, c := range []struct {
		col  string
		want float64
	}{{"D", shop.LostRevenue}, {"E", shop.Labor}, {"F", shop.Opportunity}, {"G", shop.SLACredits}, {"H", shop.Total}} {
		formula, err := f.GetCellFormula(report.SheetCost, c.col+row)
		if err != nil || formula == "" {
			t.Errorf("Cost!%s%s has no formula (%v)", c.col, row, err)
		}
		// The cached value is the priced figure, for viewers that do not
		// recalculate.
		if got := number(t, f, report.SheetCost, c.col+row); math.Abs(got-c.want) > cent {
			t.Errorf("Cost!%s%s caches %.4f, want %.4f", c.col, row, got, c.want)
		}
	}
	// Each line's formula names its inputs on the Assumptions sheet.
	lines := []struct{ sheet, cell string }{
		{report.SheetServices, "N" + strconv.Itoa(find(t, f, report.SheetServices, "shop", "latency"))},
		{report.SheetIncidentRevenue, "E" + strconv.Itoa(find(t, f, report.SheetIncidentRevenue, "shop/2026-08-12T14:18Z", "shop", "availability"))},
		{report.SheetIncidentLabor, "F" + strconv.Itoa(find(t, f, report.SheetIncidentLabor, "shop/2026-08-12T14:18Z", "shop", "engineering"))},
		{report.SheetIncidents, "O" + strconv.Itoa(find(t, f, report.SheetIncidents, "shop/2026-08-12T14:18Z"))},
		{report.SheetSLAMonths, "H" + strconv.Itoa(find(t, f, report.SheetSLAMonths, "shop", "availability", "2026-07"))},
		{report.SheetSLAMonths, "I" + strconv.Itoa(find(t, f, report.SheetSLAMonths, "shop", "availability", "2026-07"))},
	}
	for _, l := range lines {
		formula, _ := f.GetCellFormula(l.sheet, l.cell)
		if !strings.Contains(formula, "Assumptions!$D$") {
			t.Errorf("%s!%s = %q, want a formula over Assumptions", l.sheet, l.cell, formula)
		}
	}
	// The model's fields are rendered: ongoing and planned incidents, an
	// SLO month by month, an SLA month without data.
	if v, _ := f.GetCellValue(report.SheetIncidents, "R"+strconv.Itoa(find(t, f, report.SheetIncidents, "shop/2026-09-30T23:30Z"))); v != "yes" {
		t.Errorf("the ongoing incident's Ongoing = %q", v)
	}
	if v, _ := f.GetCellValue(report.SheetIncidents, "S"+strconv.Itoa(find(t, f, report.SheetIncidents, "shop/2026-07-20T02:00Z"))); v != "yes" {
		t.Errorf("the planned incident's Planned = %q", v)
	}
	if v, _ := f.GetCellValue(report.SheetSLOMonths, "H"+strconv.Itoa(find(t, f, report.SheetSLOMonths, "shop", "latency", "99.900%", "2026-08"))); v != "MISSED" {
		t.Errorf("latency in August: Met = %q, want MISSED", v)
	}
	if v, _ := f.GetCellValue(report.SheetSLAMonths, "G"+strconv.Itoa(find(t, f, report.SheetSLAMonths, "shop", "availability", "2026-09"))); v != "no data" {
		t.Errorf("September's band = %q, want no data", v)
	}
	// The stated responders are inputs of their own.
	input(t, f, "shop", "Stated responders: people", "shop/2026-09-30T23:30Z legal")
	input(t, f, "shop", "Stated responders: hourly rate", "shop/2026-09-30T23:30Z legal")
	// Time zones in the headers; frozen headers on every table sheet;
	// landscape, one page wide.
	if v, _ := f.GetCellValue(report.SheetIncidents, "D2"); v != "Start (UTC)" {
		t.Errorf("Incidents D2 = %q, want Start (UTC)", v)
	}
	for _, s := range report.Sheets[1:] {
		panes, err := f.GetPanes(s)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("%s panes %+v (%v), want the header row 2 frozen", s, panes, err)
		}
		pl, err := f.GetPageLayout(s)
		if err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" {
			t.Errorf("%s page layout %+v (%v), want landscape", s, pl, err)
		}
	}
	pl, _ := f.GetPageLayout(report.SheetSummary)
	props, _ := f.GetSheetProps(report.SheetSummary)
	if pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 1 || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("Summary is not fit to one page: %+v %+v", pl, props)
	}
	calc, err := f.GetCalcProps()
	if err != nil || calc.FullCalcOnLoad == nil || !*calc.FullCalcOnLoad {
		t.Errorf("calcPr %+v (%v), want fullCalcOnLoad", calc, err)
	}
}

// TestWorkbookRecalculatesFromAssumptions changes three inputs with
// excelize (revenue per year +10%, engineering's hourly rate 120 -> 150,
// the first SLA band's credit 10% -> 20%), recalculates with LibreOffice
// and reads the totals back: each moves by what docs/cost.md's formulas
// predict.
func TestWorkbookRecalculatesFromAssumptions(t *testing.T) {
	soffice := officetest.Soffice(t)
	p := workedReport()
	f, _ := workbook(t, p)
	costRow := strconv.Itoa(find(t, f, report.SheetCost, "shop"))
	totalRow := strconv.Itoa(find(t, f, report.SheetCost, "total"))
	incRow := strconv.Itoa(find(t, f, report.SheetIncidents, "shop/2026-08-12T14:18Z"))
	before := map[string]float64{}
	cells := map[string][2]string{
		"lost": {report.SheetCost, "D" + costRow}, "labor": {report.SheetCost, "E" + costRow}, "opportunity": {report.SheetCost, "F" + costRow},
		"credits": {report.SheetCost, "G" + costRow}, "total": {report.SheetCost, "H" + costRow}, "grand total": {report.SheetCost, "H" + totalRow},
		"incident": {report.SheetIncidents, "P" + incRow}, "tier": {report.SheetTiers, "N3"},
	}
	for k, c := range cells {
		before[k] = number(t, f, c[0], c[1])
	}
	for _, e := range []struct {
		name, item string
		value      float64
	}{
		{"Revenue per year", "", 52_594_920 * 1.1},
		{"Responders: hourly rate", "engineering", 150},
		{"SLA: credit", "band 1", 0.20},
	} {
		if err := f.SetCellValue(report.SheetAssumptions, input(t, f, "shop", e.name, e.item), e.value); err != nil {
			t.Fatal(err)
		}
	}
	edited := filepath.Join(t.TempDir(), "edited.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenFile(officetest.Convert(t, soffice, edited, "xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	// docs/cost.md: lost revenue is proportional to revenue per minute, so
	// +10% of it is +10% of the lost revenue (the service's SLOs: 1,944 +
	// 1,944); labor is people x hours x rate, so +30/h on engineering's
	// person-hours (3 x (2 + 1.5 x 1.5) = 12.75 on the model's incident, 3 x
	// 1.5 = 4.5 on the planned one, 5 x 4 stated at the model's rate); the
	// July credit is 100,000 x (20% - 10%) x the whole month. Opportunity
	// does not move.
	lostUp := 0.1 * (1944 + 1944)
	laborUp := 30 * (12.75 + 4.5 + 20)
	creditUp := 100_000 * 0.10
	want := map[string]float64{
		"lost": lostUp, "labor": laborUp, "opportunity": 0, "credits": creditUp,
		"total": lostUp + laborUp + creditUp, "grand total": lostUp + laborUp + creditUp, "tier": lostUp + laborUp + creditUp,
		"incident": 0.1*1350 + 30*12.75,
	}
	for k, c := range cells {
		got := number(t, g, c[0], c[1]) - before[k]
		if math.Abs(got-want[k]) > cent {
			t.Errorf("%s (%s!%s) moved by %.4f, want %.4f", k, c[0], c[1], got, want[k])
		}
	}
	t.Logf("grand total %.2f -> %.2f (+%.2f: lost revenue +%.2f, labor +%.2f, SLA credits +%.2f)", before["grand total"],
		number(t, g, cells["grand total"][0], cells["grand total"][1]), want["total"], lostUp, laborUp, creditUp)
}
