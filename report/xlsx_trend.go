package report

import (
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"
)

// SheetTrend is the workbook's Trend sheet, written after the others when
// the report has a trend (`nines report --quarters N`).
const SheetTrend = "Trend"

// trendCurrencies lists the currencies of a trend's totals, sorted.
func trendCurrencies(t []TrendPeriod) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range t {
		for _, c := range p.Totals {
			if !seen[c.Currency] {
				seen[c.Currency] = true
				out = append(out, c.Currency)
			}
		}
	}
	sort.Strings(out)
	return out
}

// trendFixedCols is the number of the trend table's columns before the
// money columns (three per currency: cost, baseline, overspend).
const trendFixedCols = 14

// trendTable is a row per period, oldest first.
func trendTable(t []TrendPeriod) table {
	curs := trendCurrencies(t)
	cols := []column{
		{"Period", kText, 12}, {"Start", kDate, 11}, {"End", kDate, 11}, {"Measured to", kTime, 17}, {"To date", kText, 8},
		{"Coverage", kPct1, 10}, {"Low coverage", kText, 13}, {"SLOs", kInt, 7}, {"Met", kInt, 7}, {"Missed", kInt, 8}, {"No data", kInt, 9},
		{"Availability", kPct3, 13}, {"Incidents", kInt, 10}, {"MTTR", kDuration, 10},
	}
	for _, c := range curs {
		cols = append(cols, column{"Cost " + c, kMoney, 16}, column{"Baseline " + c, kMoney, 16}, column{"Overspend " + c, kMoney, 16})
	}
	yesNo := func(b bool) cell {
		if b {
			return text("yes")
		}
		return text("no")
	}
	var rows [][]cell
	for _, p := range t {
		row := []cell{text(p.Period.Name), {v: p.Period.Start}, {v: p.Period.End}, {v: p.Period.MeasuredTo}, yesNo(p.Period.ToDate || p.Period.MeasuredTo.Before(p.Period.End)),
			numCell(p.Coverage), yesNo(p.LowCoverage), {v: p.SLOs}, {v: p.Met}, {v: p.Missed}, {v: p.NoData},
			optNum(p.Availability), {v: p.Incidents}, optNum(p.MTTRSeconds)}
		for _, c := range curs {
			var tot, base, over cell
			for _, x := range p.Totals {
				if x.Currency == c {
					tot = moneyCell(x.Total, c)
				}
			}
			for _, x := range p.Split {
				if x.Currency == c {
					base, over = moneyCell(x.Baseline, c), moneyCell(x.Overspend, c)
				}
			}
			row = append(row, tot, base, over)
		}
		rows = append(rows, row)
	}
	tt := newTable(fmt.Sprintf("Trend, the last %d periods", len(t)), cols, rows)
	tt.notes = []string{
		"Coverage is the share of each period its SLOs have data for; a period with low coverage (under 90%) counts only what was measured and is not compared.",
		"Baseline is the cost within the error budgets, overspend the cost beyond them (docs/cost.md, Baseline and overspend).",
	}
	return tt
}

// writeTrend writes the Trend sheet: the table and, once the workbook is
// read back, a chart of each period's baseline and overspend in the first
// currency and one of the mean availability below the table. It writes
// nothing without a trend.
func (x *xlsxWriter) writeTrend(t []TrendPeriod) error {
	if len(t) == 0 {
		return nil
	}
	if _, err := x.f.NewSheet(SheetTrend); err != nil {
		return err
	}
	tt := trendTable(t).zoned(x.loc.String())
	if err := x.writeTableSheet(SheetTrend, tt); err != nil {
		return err
	}
	x.later = append(x.later, func() error { return x.trendCharts(t, tt) })
	return nil
}

// trendCharts adds the Trend sheet's charts below its table and notes.
func (x *xlsxWriter) trendCharts(t []TrendPeriod, tt table) error {
	f := x.f
	first, last := firstRow, rowOf(len(t)-1)
	rng := func(col int) string {
		c := colName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", sheetRef(SheetTrend), c, first, c, last)
	}
	cats := rng(1)
	row := last + 2 + len(tt.notes) + 1
	if curs := trendCurrencies(t); len(curs) > 0 {
		base := trendFixedCols + 2 // the first currency's baseline column
		var series []excelize.ChartSeries
		for _, col := range []int{base, base + 1} {
			series = append(series, excelize.ChartSeries{Name: absRef(SheetTrend, col, headerRow), Categories: cats, Values: rng(col)})
		}
		if err := f.AddChart(SheetTrend, cellName(2, row), &excelize.Chart{
			Type:      excelize.ColStacked,
			Series:    series,
			Title:     chartTitle("Downtime cost per period (" + curs[0] + "): baseline and overspend"),
			Legend:    excelize.ChartLegend{Position: "bottom", Font: &chartFont},
			XAxis:     excelize.ChartAxis{Font: chartFont},
			YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: excelCurrencyFormat(curs[0])}, MajorGridLines: true, Font: chartFont},
			Dimension: excelize.ChartDimension{Width: 640, Height: 300},
		}); err != nil {
			return fmt.Errorf("could not add a chart: %w", err)
		}
		row += 17 // 300 px at the default 20 px a row, and a gap
	}
	if err := f.AddChart(SheetTrend, cellName(2, row), &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{Name: absRef(SheetTrend, 12, headerRow), Categories: cats, Values: rng(12),
			Marker: excelize.ChartMarker{Symbol: "circle"}}},
		Title:     chartTitle("Mean availability of the SLOs with data"),
		Legend:    excelize.ChartLegend{Position: "none"},
		XAxis:     excelize.ChartAxis{Font: chartFont},
		YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.00%"}, MajorGridLines: true, Font: chartFont},
		Dimension: excelize.ChartDimension{Width: 640, Height: 300},
	}); err != nil {
		return fmt.Errorf("could not add a chart: %w", err)
	}
	return nil
}
