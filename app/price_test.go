package app_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// tol is the absolute tolerance of money and minutes in the worked example:
// every input is a short decimal, so float64 is off by far less.
const tol = 1e-6

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

func fleetCatalog(t *testing.T) *slo.Catalog {
	t.Helper()
	dir := t.TempDir()
	if err := scenario.WriteFleetSpecs(dir); err != nil {
		t.Fatal(err)
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func sloOf(t *testing.T, cat *slo.Catalog, service, name string) slo.SLO {
	t.Helper()
	for _, s := range cat.Services {
		for _, o := range s.SLOs {
			if s.Name == service && o.Name == name {
				return o
			}
		}
	}
	t.Fatalf("no SLO %s/%s", service, name)
	return slo.SLO{}
}

var (
	july   = slo.Period{Name: "2026-07", Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)}
	julyAt = time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)
)

// evalOK is an evaluation of s over July at errorRatio.
func evalOK(s slo.SLO, errorRatio float64) slo.Evaluation {
	l := july.Length()
	return slo.Evaluation{
		SLO: s, At: julyAt, Start: july.Start, Length: l, Elapsed: l, Period: july.Name,
		SLI:    slo.Measurement{Window: l, ErrorRatio: errorRatio, Events: true, Total: 1e6, Bad: errorRatio * 1e6, Good: (1 - errorRatio) * 1e6, State: slo.DataOK},
		Status: budget.Compute(budget.Input{Objective: s.Objective, Window: l, Elapsed: l, SLI: budget.Ratio{ErrorRatio: errorRatio, Bad: errorRatio * 1e6, Total: 1e6, Events: true}}),
	}
}

// example is July for the fleet: shop at 0.1% errors and 0.2% slow, one
// detected 30-minute incident and one stated by an incidents file; gateway
// without data; recs failing to evaluate.
func example(t *testing.T, records ...slo.IncidentRecord) (*slo.Catalog, app.CostInput) {
	t.Helper()
	cat := fleetCatalog(t)
	avail, lat := sloOf(t, cat, "shop", "availability"), sloOf(t, cat, "shop", "latency")
	gw, recs := sloOf(t, cat, "gateway", "reachability"), sloOf(t, cat, "recs", "personalised")
	noData := slo.Evaluation{SLO: gw, At: julyAt, Start: july.Start, Length: july.Length(), Elapsed: july.Length(), SLI: slo.Measurement{State: slo.NoData, Reason: "the total query returned no series"}}
	failed := slo.Evaluation{SLO: recs, At: julyAt, Start: july.Start, Length: july.Length(), Elapsed: july.Length(), Err: errTest("connection refused")}
	incStart := time.Date(2026, 7, 10, 12, 0, 0, 0, time.UTC)
	shopScan := slo.ServiceScan{
		Service: "shop", Step: 5 * time.Minute,
		SLOs: []slo.SLOScan{
			{SLO: avail, Threshold: 14.4, Steps: 8928, StepsWithData: 8928, Days: []slo.DayMeasure{{Start: july.Start, End: july.Start.Add(24 * time.Hour), Bad: 2, Total: 1000, Steps: 288, StepsWithData: 288}}},
			{SLO: lat, Threshold: 14.4, Steps: 8928, StepsWithData: 8928},
		},
		Detected: []slo.Incident{{
			Service: "shop", Start: incStart, End: incStart.Add(30 * time.Minute), Source: slo.SourceDetected,
			SLOs: []slo.IncidentSLO{
				{SLO: "availability", HasData: true, ErrorRatio: 1, PeakErrorRatio: 1, PeakBurnRate: 1000, Burning: true, DowntimeMinutes: 30},
				{SLO: "latency", HasData: true, ErrorRatio: 0.1, PeakErrorRatio: 0.2, PeakBurnRate: 20, Burning: true, DowntimeMinutes: 3},
			},
		}},
	}
	for i := range records {
		r := records[i]
		shopScan.Records = append(shopScan.Records, slo.Incident{Service: "shop", Start: r.Start, End: r.End, Source: slo.SourceFile, Record: &r,
			SLOs: []slo.IncidentSLO{{SLO: "availability", HasData: true}, {SLO: "latency", HasData: true}}})
	}
	months := app.MonthsOf(july.Start, july.End, time.UTC)
	months[0].Evals = []slo.Evaluation{evalOK(avail, 0.0015)}
	return cat, app.CostInput{
		Catalog: cat, Period: july, At: julyAt, Source: "test",
		Evals:  []slo.Evaluation{evalOK(avail, 0.001), evalOK(lat, 0.002), noData, failed},
		Months: months,
		Scans: []slo.ServiceScan{shopScan, {Service: "gateway", Step: 5 * time.Minute, SLOs: []slo.SLOScan{{SLO: gw, Threshold: 14.4}}},
			{Service: "recs", Step: 5 * time.Minute, Err: errTest("connection refused")}},
		Detection: report.NewDetection(5*time.Minute, "the short window of the fastest page alert", 15*time.Minute, 0),
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func fileRecord() slo.IncidentRecord {
	start := time.Date(2026, 7, 20, 9, 0, 0, 0, time.UTC)
	return slo.IncidentRecord{Service: "shop", Start: start, End: start.Add(time.Hour), Title: "stale cache", File: "incidents.yaml", Line: 7,
		Responders: []slo.Responder{{Role: "engineering", People: 2, Hours: 1.5}, {Role: "legal", People: 1, Hours: 2, HourlyRate: 200}}}
}

// TestCostReportWorkedExample checks every figure of a month against the
// arithmetic written out: the fleet's gold tier earns 100 EUR a minute, shop
// takes 80% of it, 20% of failed purchases are retried, latency counts at
// 25%.
func TestCostReportWorkedExample(t *testing.T) {
	_, in := example(t, fileRecord())
	r, err := app.NewCostReport(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Period.Minutes != 44640 || r.Period.Name != "2026-07" || r.Convention != budget.Convention {
		t.Errorf("period %+v", r.Period)
	}
	shop, ok := r.Service("shop")
	if !ok || shop.Cost == nil || shop.Currency != "EUR" || !shop.CostModel {
		t.Fatalf("shop %+v", shop)
	}
	// Downtime: 0.1% of 44,640 minutes = 44.64; 0.2% = 89.28.
	near(t, "availability downtime", *shop.SLOs[0].DowntimeMinutes, 44.64)
	near(t, "latency downtime", *shop.SLOs[1].DowntimeMinutes, 89.28)
	if !*shop.SLOs[0].Met || !*shop.SLOs[1].Met {
		t.Errorf("met: availability %v (0.1%% errors at 99.9%% is exactly at the objective: met), latency %v", *shop.SLOs[0].Met, *shop.SLOs[1].Met)
	}
	b := shop.Cost
	// Lost revenue: 100 x 0.8 x 1 x 44.64 x 0.8 = 2,856.96;
	// 100 x 0.8 x 0.25 x 89.28 x 0.8 = 1,428.48.
	near(t, "availability lost revenue", b.Revenue[0].Amount, 2856.96)
	near(t, "latency lost revenue", b.Revenue[1].Amount, 1428.48)
	near(t, "lost revenue", b.LostRevenue, 4285.44)
	near(t, "per minute", b.Revenue[0].PerMinute, 100)
	// Labor: the detected 30-minute incident uses the model (support
	// 2 x 1.5 x 50 = 150, engineering 3 x 2.5 x 120 = 900, management
	// 1 x 0.5 x 150 = 75); the file's states 2 x 1.5 x 120 = 360 and
	// 1 x 2 x 200 = 400.
	near(t, "labor", b.Labor, 1125+760)
	roles := map[string]float64{}
	for _, l := range b.LaborByRole {
		roles[l.Role] = l.Amount
	}
	near(t, "engineering", roles["engineering"], 900+360)
	near(t, "legal", roles["legal"], 400)
	// Opportunity: 8 h x 150 per incident, twice.
	near(t, "opportunity", b.Opportunity, 2400)
	near(t, "opportunity hours", b.Diverted.Hours, 16)
	// SLA: July at 99.85% is below 99.9%: 10% of 20,000.
	if len(b.Credits) != 1 || b.Credits[0].BandBelow == nil || *b.Credits[0].BandBelow != 0.999 {
		t.Fatalf("credits %+v", b.Credits)
	}
	near(t, "credit", b.SLACredits, 2000)
	near(t, "total", b.Total, 4285.44+1885+2400+2000)

	// Incidents, by start, with their own breakdowns.
	if len(r.Incidents) != 2 || r.Incidents[0].Source != "detected" || r.Incidents[1].Source != "file" {
		t.Fatalf("incidents %+v", r.Incidents)
	}
	d := r.Incidents[0]
	if d.ID != "shop/2026-07-10T12:00Z" || d.PeakSLO != "availability" || *d.PeakBurnRate != 1000 || d.DowntimeMinutes != 30 || d.DurationSeconds != 1800 {
		t.Errorf("detected incident %+v", d)
	}
	// 100 x 0.8 x 30 x 0.8 + 100 x 0.8 x 0.25 x 3 x 0.8 = 1,920 + 48.
	near(t, "incident lost revenue", d.Cost.LostRevenue, 1968)
	near(t, "incident labor", d.Cost.Labor, 1125)
	near(t, "incident total", d.Cost.Total, 1968+1125+1200)
	f := r.Incidents[1]
	if f.Title != "stale cache" || f.RecordFile != "incidents.yaml" || f.RecordLine != 7 || !f.Cost.LaborLines[0].Stated {
		t.Errorf("file incident %+v", f)
	}
	near(t, "file incident labor", f.Cost.Labor, 760)
	// MTTR (30 + 60) / 2 minutes; MTBF the rest of July over 2.
	near(t, "MTTR", *shop.MTTRSeconds, 2700)
	near(t, "MTBF", *shop.MTBFSeconds, (44640*60-5400)/2)

	// gateway: no data, priced at nothing but still listed; recs: an error.
	gw, _ := r.Service("gateway")
	if gw.SLOs[0].DataState != "no_data" || gw.SLOs[0].Availability != nil || gw.SLOs[0].LostRevenue != nil || gw.SLOs[0].Met != nil {
		t.Errorf("gateway without data %+v", gw.SLOs[0])
	}
	recs, _ := r.Service("recs")
	if recs.SLOs[0].DataState != "error" || recs.SLOs[0].Error != "connection refused" {
		t.Errorf("recs %+v", recs.SLOs[0])
	}
	if len(r.Errors) != 2 {
		t.Errorf("errors %v, want the scan's and the evaluation's", r.Errors)
	}
	// Totals per currency: every priced service in EUR (recs has no revenue).
	if len(r.Totals) != 1 {
		t.Fatalf("totals %+v", r.Totals)
	}
	var sum float64
	for _, s := range r.Services {
		if s.Cost != nil {
			sum += s.Cost.Total
		}
	}
	near(t, "EUR total", r.Totals[0].Total, sum)

	// Daily: shop's first day at 2 bad of 1,000 is 0.2% over 288 steps of
	// 5 minutes: 2.88 minutes, 100 x 0.8 x 2.88 x 0.8 = 184.32.
	var first report.DailyRow
	n := 0
	for row := range r.Daily {
		if n == 0 {
			first = row
		}
		n++
	}
	if n != r.DailyCount || n != 1 {
		t.Fatalf("%d daily rows, DailyCount %d", n, r.DailyCount)
	}
	near(t, "day downtime", first.DowntimeMinutes, 2.88)
	near(t, "day lost revenue", first.LostRevenue, 184.32)
	near(t, "day availability", first.Availability(), 0.998)
}

func TestCostReportNamesAnUnpricedRole(t *testing.T) {
	rec := fileRecord()
	rec.Responders = []slo.Responder{{Role: "legal", People: 1, Hours: 2}}
	_, in := example(t, rec)
	_, err := app.NewCostReport(in)
	want := `could not price the shop incident of 2026-07-20T09:00:00Z (incidents.yaml:7): role "legal" has no hourly rate: the cost model does not define it, so give its rate`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant  %s", err, want)
	}
}

func TestMonthsOfSplitsAPeriodAtMonths(t *testing.T) {
	start := time.Date(2026, 8, 17, 0, 0, 0, 0, time.UTC)
	ms := app.MonthsOf(start, start.Add(30*24*time.Hour), time.UTC)
	if len(ms) != 2 || ms[0].Month.Name != "2026-08" || ms[1].Month.Name != "2026-09" {
		t.Fatalf("months %+v", ms)
	}
	near(t, "August share", ms[0].Share, 15.0/31)
	near(t, "September share", ms[1].Share, 15.0/30)
}

func TestSummaryAggregatesTiers(t *testing.T) {
	cat, in := example(t, fileRecord())
	r, err := app.NewCostReport(in)
	if err != nil {
		t.Fatal(err)
	}
	tiers := app.TierSummaries(cat, r)
	if len(tiers) != 2 || tiers[0].Tier != "bronze" || tiers[1].Tier != "gold" {
		t.Fatalf("tiers %+v", tiers)
	}
	gold := tiers[1]
	// gold: shop's two SLOs with data and gateway without.
	if gold.SLOs != 3 || gold.Met != 2 || gold.Missed != 0 || gold.NoData != 1 || gold.Incidents != 2 {
		t.Errorf("gold %+v", gold)
	}
	near(t, "mean availability", *gold.Availability, (0.999+0.998)/2)
	near(t, "downtime", gold.DowntimeMinutes, 44.64+89.28)
	near(t, "worst budget used", *gold.WorstBudgetUsed, 1)
	near(t, "MTTR", *gold.MTTRSeconds, 2700)
	s := app.NewSummary(cat, r, nil)
	if len(s.TopCostDrivers) != 1 || s.TopCostDrivers[0].Service != "shop" || s.TopCostDrivers[0].Component != "lost_revenue" ||
		s.TopCostDrivers[0].LargestIncident != "shop/2026-07-10T12:00Z" || s.TopCostDrivers[0].Share != 1 {
		t.Errorf("cost drivers %+v", s.TopCostDrivers)
	}
	if len(s.Headline) < 3 || !strings.HasPrefix(s.Headline[0], "2 of 4 SLOs met") {
		t.Errorf("headline %q", s.Headline)
	}
}

// workbook is the report command's result for r, with opts.
func workbook(cat *slo.Catalog, r *report.CostReport, opts report.XLSXOptions) *report.PeriodReport {
	p := app.NewPeriodReport(cat, r)
	p.Options = opts
	return p
}

// TestDailyStreamedAndNotAgree writes the workbook both ways and reads the
// Daily sheet back: the same cells.
func TestDailyStreamedAndNotAgree(t *testing.T) {
	cat, in := example(t, fileRecord())
	r, err := app.NewCostReport(in)
	if err != nil {
		t.Fatal(err)
	}
	read := func(opts report.XLSXOptions) [][]string {
		var buf bytes.Buffer
		if err := workbook(cat, r, opts).WriteXLSX(&buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(report.SheetDaily)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	streamed, plain := read(report.XLSXOptions{}), read(report.XLSXOptions{DailyWithoutStream: true})
	if len(streamed) != 3 || strings.Join(streamed[2], "|") != strings.Join(plain[2], "|") {
		t.Errorf("streamed %q\nplain    %q", streamed, plain)
	}
	if streamed[2][0] != "2026-07-01" || streamed[2][4] != "99.800%" || streamed[2][8] != "€184.32" {
		t.Errorf("daily row %q", streamed[2])
	}
	// A workbook of an empty report still opens: no chart over no rows.
	empty, err := app.NewCostReport(app.CostInput{Catalog: cat, Period: july, At: julyAt})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := workbook(cat, empty, report.XLSXOptions{}).WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "empty.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := excelize.OpenFile(path); err != nil {
		t.Errorf("an empty report's workbook does not open: %v", err)
	} else {
		f.Close()
	}
}
