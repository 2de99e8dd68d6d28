package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/slo"
)

// Sheet names of the workbook, in order. Each is a valid Excel sheet name
// (at most 31 characters, none of []:*?/\) and needs no quoting in formulas.
const (
	SheetSummary     = "Summary"
	SheetServices    = "Services"
	SheetIncidents   = "Incidents"
	SheetCost        = "Cost"
	SheetDaily       = "Daily"
	SheetAssumptions = "Assumptions"
)

// Sheets lists the workbook's sheets in order.
var Sheets = []string{SheetSummary, SheetServices, SheetIncidents, SheetCost, SheetDaily, SheetAssumptions}

// XLSXOptions tunes PeriodReport.WriteXLSX.
type XLSXOptions struct {
	// DailyWithoutStream writes the Daily sheet row by row with the normal
	// API instead of excelize's StreamWriter: slower and larger in memory.
	// It exists to measure the difference (bench/report).
	DailyWithoutStream bool
}

// PeriodReport is the result of `nines report`: a priced period and what
// its workbook adds, the tiers aggregated and each service's cost model as
// an input. It writes as an Excel workbook (WriteXLSX) or as the same
// tables in text (Grids).
type PeriodReport struct {
	Cost *CostReport
	// Tiers aggregate Cost per tier, for the Summary sheet.
	Tiers []TierSummary
	// Models are the cost models of Cost's services, in its order, for the
	// Assumptions sheet.
	Models []ServiceModel
	// Options tune the workbook.
	Options XLSXOptions
	// Trend, when set, is the last periods ending with Cost's, for the
	// Trend sheet.
	Trend []TrendPeriod
}

// ServiceModel is a service's cost model as the Assumptions sheet lists it,
// with the figures derived from it.
type ServiceModel struct {
	Service string
	Tier    string
	Model   slo.CostModel
	// RatePerMinute is the revenue per minute the model prices with.
	RatePerMinute float64
	// SLASLO is the SLO the model's SLA measures; empty without SLA credits.
	SLASLO string
}

// Describe says what a written report holds: "6 sheets, 2026-Q3" for a
// workbook, "11 tables, 2026-Q3" for text.
func (p *PeriodReport) Describe(f Format) string {
	if f == XLSX {
		return fmt.Sprintf("%d sheets, %s", len(Sheets)+min(len(p.Trend), 1), p.Cost.Period.Name)
	}
	if f == CSV {
		return p.describeCSV()
	}
	return fmt.Sprintf("%d tables, %s", len(p.Grids(GridOptions{})), p.Cost.Period.Name)
}

// WriteXLSX writes the report as an Excel workbook: Summary (per tier, with
// charts), Services (a row per SLO, missed objectives and low budgets
// highlighted), Incidents, Cost (by component and role, every line with its
// formula, and a chart), Daily (per SLO and day, streamed) and Assumptions
// (every input). Amounts carry their currency's number format, ratios a
// percent format; header rows are frozen and filtered.
func (p *PeriodReport) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, loc: timeZone(p.Cost.Period.TimeZone), styles: map[styleKey]int{}}
	if err := x.write(p); err != nil {
		return fmt.Errorf("could not build the workbook: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("could not write the workbook: %w", err)
	}
	return nil
}

type styleKey struct {
	kind kind
	cur  string
	role string // "", "header", "title", "note", "bold"
}

type xlsxWriter struct {
	f      *excelize.File
	loc    *time.Location
	styles map[styleKey]int
}

// style returns the style of a kind (and currency), created once.
func (x *xlsxWriter) style(k styleKey) (int, error) {
	if id, ok := x.styles[k]; ok {
		return id, nil
	}
	s := &excelize.Style{}
	switch k.role {
	case "header":
		s.Font = &excelize.Font{Bold: true}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
		s.Border = []excelize.Border{{Type: "bottom", Color: "9BC2E6", Style: 1}}
		s.Alignment = &excelize.Alignment{Vertical: "center"}
	case "title":
		s.Font = &excelize.Font{Bold: true, Size: 14}
	case "note":
		s.Font = &excelize.Font{Italic: true, Color: "595959"}
	case "bold":
		s.Font = &excelize.Font{Bold: true}
	}
	numFmt := ""
	switch k.kind {
	case kInt:
		numFmt = "#,##0"
	case kFloat:
		numFmt = "#,##0.00"
	case kPct3:
		numFmt = "0.000%"
	case kPct1:
		numFmt = "0.0%"
	case kMinutes:
		numFmt = "#,##0.0"
	case kDuration:
		numFmt = "[h]:mm"
	case kDays:
		numFmt = `#,##0.0 "days"`
	case kTime:
		numFmt = "yyyy-mm-dd hh:mm"
	case kDate:
		numFmt = "yyyy-mm-dd"
	case kMoney:
		numFmt = excelCurrencyFormat(k.cur)
	}
	if numFmt != "" {
		s.CustomNumFmt = &numFmt
	}
	id, err := x.f.NewStyle(s)
	if err != nil {
		return 0, fmt.Errorf("could not create a cell style: %w", err)
	}
	x.styles[k] = id
	return id, nil
}

// excelEpoch is day 0 of Excel's 1900 date system (as it counts, with its
// leap-year bug, from 1900-03-01 on).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelTime is t's wall clock in loc as an Excel serial date.
func excelTime(t time.Time, loc *time.Location) float64 {
	l := t.In(loc)
	wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
	// Whole seconds divide once: the serial is the double nearest the
	// exact value, as Excel stores a typed-in time, so 16:00 shows as 16:00
	// and not 15:59.
	return (float64(wall.Unix()-excelEpoch.Unix()) + float64(l.Nanosecond())/1e9) / 86400
}

// value is a cell's value as the workbook stores it: durations in days,
// times as serial dates.
func (x *xlsxWriter) value(c cell, k kind) any {
	switch v := c.v.(type) {
	case time.Time:
		return nudge(excelTime(v, x.loc))
	case float64:
		if k == kDuration || k == kDays {
			return nudge(v / 86400)
		}
		return v
	}
	return c.v
}

// nudge lifts a time or duration in days by 1e-8 days (under a
// millisecond). excelize writes 15 significant digits, cutting off the
// rest, and spreadsheets cut a time down to the minute shown: without the
// nudge 16:00 (46206.666666666664) is written as 46206.6666666666 and shows
// as 15:59.
func nudge(days float64) float64 { return days + 1e-8 }

// cellStyle is the style of a cell of column kind k.
func (x *xlsxWriter) cellStyle(c cell, k kind) (int, error) {
	if k == kText {
		return 0, nil
	}
	return x.style(styleKey{kind: k, cur: c.cur})
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// placed is where a table landed: its header row and its last row.
type placed struct {
	header, last int
	cols         int
}

// rangeOf is the sheet range of column col (1-based) over the table's data
// rows, as a chart reference: Sheet!$C$3:$C$9.
func (p placed) rangeOf(sheet string, col, from, to int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", sheet, c, from, c, to)
}

// writeTable writes a table's title at row, its header below and its rows,
// with styles and column widths, and its notes after a blank row. It
// returns where the table landed.
func (x *xlsxWriter) writeTable(sheet string, row int, t table, widths bool) (placed, error) {
	f := x.f
	title, err := x.style(styleKey{role: "bold"})
	if err != nil {
		return placed{}, err
	}
	if err := f.SetCellValue(sheet, cellName(1, row), t.title); err != nil {
		return placed{}, err
	}
	if err := f.SetCellStyle(sheet, cellName(1, row), cellName(1, row), title); err != nil {
		return placed{}, err
	}
	p := placed{header: row + 1, last: row + 1, cols: len(t.cols)}
	hdr := make([]any, len(t.cols))
	for i, c := range t.cols {
		hdr[i] = c.name
		if widths {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(sheet, col, col, colWidth(c)); err != nil {
				return placed{}, err
			}
		}
	}
	if err := f.SetSheetRow(sheet, cellName(1, p.header), &hdr); err != nil {
		return placed{}, err
	}
	hs, err := x.style(styleKey{role: "header"})
	if err != nil {
		return placed{}, err
	}
	if err := f.SetCellStyle(sheet, cellName(1, p.header), cellName(len(t.cols), p.header), hs); err != nil {
		return placed{}, err
	}
	r := p.header
	for cells := range t.rows {
		r++
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = x.value(c, t.cols[i].kind)
		}
		if err := f.SetSheetRow(sheet, cellName(1, r), &vals); err != nil {
			return placed{}, err
		}
		for i, c := range cells {
			if c.v == nil {
				continue
			}
			id, err := x.cellStyle(c, t.cols[i].kind)
			if err != nil {
				return placed{}, err
			}
			if id != 0 {
				if err := f.SetCellStyle(sheet, cellName(i+1, r), cellName(i+1, r), id); err != nil {
					return placed{}, err
				}
			}
		}
	}
	p.last = r
	if len(t.notes) > 0 {
		ns, err := x.style(styleKey{role: "note"})
		if err != nil {
			return placed{}, err
		}
		for i, n := range t.notes {
			at := cellName(1, r+2+i)
			if err := f.SetCellValue(sheet, at, n); err != nil {
				return placed{}, err
			}
			if err := f.SetCellStyle(sheet, at, at, ns); err != nil {
				return placed{}, err
			}
		}
	}
	return p, nil
}

// freezeAndFilter freezes the rows down to the table's header and puts an
// autofilter on the table.
func (x *xlsxWriter) freezeAndFilter(sheet string, p placed) error {
	if err := x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: p.header, TopLeftCell: cellName(1, p.header+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last := max(p.last, p.header+1) // an empty table still filters its header
	return x.f.AutoFilter(sheet, cellName(1, p.header)+":"+cellName(p.cols, last), nil)
}

func (x *xlsxWriter) write(p *PeriodReport) error {
	f, r, opts := x.f, p.Cost, p.Options
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, s := range Sheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   "Reliability and downtime cost, " + r.Period.Name,
		Subject: r.Period.PeriodLabel(),
		Creator: "nines",
		Created: r.At.UTC().Format(time.RFC3339),
	}); err != nil {
		return err
	}
	t := newReportTables(p)
	steps := []func() error{
		func() error { return x.writeSummary(t.summary, r) },
		func() error { return x.writeServices(t.services) },
		func() error {
			p, err := x.writeTable(SheetIncidents, 1, t.incidents, true)
			if err != nil {
				return err
			}
			return x.freezeAndFilter(SheetIncidents, p)
		},
		func() error { return x.writeCost(t.components, t.roles, t.lines, r) },
		func() error {
			if opts.DailyWithoutStream {
				p, err := x.writeTable(SheetDaily, 1, t.daily, true)
				if err != nil {
					return err
				}
				return x.freezeAndFilter(SheetDaily, p)
			}
			return x.writeDailyStream(t.daily)
		},
		func() error { return x.writeAssumptions(t.assumptions, t.models, t.responders, t.credits) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("sheet %s: %w", Sheets[i], err)
		}
	}
	if err := x.writeTrend(p.Trend); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetTrend, err)
	}
	f.SetActiveSheet(0)
	return nil
}

func (x *xlsxWriter) writeSummary(t table, r *CostReport) error {
	f := x.f
	ts, err := x.style(styleKey{role: "title"})
	if err != nil {
		return err
	}
	ns, err := x.style(styleKey{role: "note"})
	if err != nil {
		return err
	}
	lines := []struct {
		text  string
		style int
	}{
		{"Reliability and downtime cost, " + r.Period.PeriodLabel(), ts},
		{fmt.Sprintf("Source: %s. Evaluated at %s. Every input is on the Assumptions sheet.", r.Source, r.At.Format("2006-01-02 15:04 MST")), ns},
	}
	for i, l := range lines {
		at := cellName(1, i+1)
		if err := f.SetCellValue(SheetSummary, at, l.text); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetSummary, at, at, l.style); err != nil {
			return err
		}
	}
	p, err := x.writeTable(SheetSummary, 4, t, true)
	if err != nil {
		return err
	}
	if err := x.freezeAndFilter(SheetSummary, p); err != nil {
		return err
	}
	n := p.last - p.header
	if n == 0 {
		return nil
	}
	first, last := p.header+1, p.last
	below := cellName(2, p.last+4)
	charts := []*excelize.Chart{{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			{Name: SheetSummary + "!$B$" + fmt.Sprint(p.header), Categories: p.rangeOf(SheetSummary, 1, first, last), Values: p.rangeOf(SheetSummary, 2, first, last)},
			{Name: SheetSummary + "!$G$" + fmt.Sprint(p.header), Categories: p.rangeOf(SheetSummary, 1, first, last), Values: p.rangeOf(SheetSummary, 7, first, last)},
		},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Availability vs objective by tier"}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.00%"}, MajorGridLines: true},
		Dimension: excelize.ChartDimension{Width: 560, Height: 300},
	}}
	if curs := r.Currencies(); len(curs) > 0 {
		col := len(t.cols) - len(curs) + 1 // the first currency's cost column
		charts = append(charts, &excelize.Chart{
			Type:      excelize.Col,
			Series:    []excelize.ChartSeries{{Name: fmt.Sprintf("%s!$%s$%d", SheetSummary, colName(col), p.header), Categories: p.rangeOf(SheetSummary, 1, first, last), Values: p.rangeOf(SheetSummary, col, first, last)}},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Downtime cost by tier (" + curs[0] + ")"}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: excelCurrencyFormat(curs[0])}, MajorGridLines: true},
			Dimension: excelize.ChartDimension{Width: 560, Height: 300},
		})
	}
	for i, c := range charts {
		at := below
		if i == 1 {
			at = cellName(8, p.last+4)
		}
		if err := f.AddChart(SheetSummary, at, c); err != nil {
			return fmt.Errorf("could not add a chart: %w", err)
		}
	}
	return nil
}

// colWidth is a column's width, wide enough for its header.
func colWidth(c column) float64 { return max(c.width, float64(len(c.name))+2) }

func colName(n int) string {
	c, _ := excelize.ColumnNumberToName(n)
	return c
}

// writeServices writes the SLO table and highlights missed objectives and
// low budgets.
func (x *xlsxWriter) writeServices(t table) error {
	f := x.f
	p, err := x.writeTable(SheetServices, 1, t, true)
	if err != nil {
		return err
	}
	if err := x.freezeAndFilter(SheetServices, p); err != nil {
		return err
	}
	if p.last == p.header {
		return nil
	}
	red, err := f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		return err
	}
	amber, err := f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C5700"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEB9C"}}})
	if err != nil {
		return err
	}
	first := p.header + 1
	rng := func(col string) string { return fmt.Sprintf("%s%d:%s%d", col, first, col, p.last) }
	// Columns: F objective, G availability, H met, J budget used, K budget left.
	formats := []struct {
		rng  string
		opts []excelize.ConditionalFormatOptions
	}{
		{rng("G"), []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($G%d),$G%d<$F%d)", first, first, first), Format: &red}}},
		{rng("H"), []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: fmt.Sprintf(`$H%d="MISSED"`, first), Format: &red}}},
		{rng("J"), []excelize.ConditionalFormatOptions{
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($J%d),$J%d>1)", first, first), Format: &red, StopIfTrue: true},
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($J%d),$J%d>0.75)", first, first), Format: &amber},
		}},
		{rng("K"), []excelize.ConditionalFormatOptions{
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($K%d),$K%d<0)", first, first), Format: &red, StopIfTrue: true},
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($K%d),$K%d<0.25)", first, first), Format: &amber},
		}},
	}
	for _, c := range formats {
		if err := f.SetConditionalFormat(SheetServices, c.rng, c.opts); err != nil {
			return fmt.Errorf("could not set conditional format on %s: %w", c.rng, err)
		}
	}
	return nil
}

// writeCost writes the cost by component (with a stacked chart), by role,
// and every line with its formula, one table under the other.
func (x *xlsxWriter) writeCost(components, roles, lines table, r *CostReport) error {
	f := x.f
	p, err := x.writeTable(SheetCost, 1, components, true)
	if err != nil {
		return err
	}
	if err := x.freezeAndFilter(SheetCost, p); err != nil {
		return err
	}
	services := p.last - p.header - len(r.Totals)
	chartRow := p.last + 3
	next := chartRow
	if services > 0 {
		first, last := p.header+1, p.header+services
		var series []excelize.ChartSeries
		for col := 4; col <= 7; col++ {
			series = append(series, excelize.ChartSeries{Name: fmt.Sprintf("%s!$%s$%d", SheetCost, colName(col), p.header),
				Categories: p.rangeOf(SheetCost, 1, first, last), Values: p.rangeOf(SheetCost, col, first, last)})
		}
		if err := f.AddChart(SheetCost, cellName(2, chartRow), &excelize.Chart{
			Type:      excelize.ColStacked,
			Series:    series,
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Cost by service and component"}}},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: excelCurrencyFormat(firstOr(r.Currencies(), ""))}, MajorGridLines: true},
			Dimension: excelize.ChartDimension{Width: 640, Height: 320},
		}); err != nil {
			return fmt.Errorf("could not add a chart: %w", err)
		}
		next = chartRow + 18
	}
	rp, err := x.writeTable(SheetCost, next, roles, false)
	if err != nil {
		return err
	}
	_, err = x.writeTable(SheetCost, rp.last+3, lines, false)
	return err
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// writeDailyStream writes the Daily sheet with excelize's StreamWriter: rows
// go to a temporary buffer (a file beyond 16 MB) instead of the in-memory
// sheet. Panes, widths and the autofilter are set before the first row.
func (x *xlsxWriter) writeDailyStream(t table) error {
	f := x.f
	last := max(t.n+2, 3)
	if err := f.AutoFilter(SheetDaily, "A2:"+cellName(len(t.cols), last), nil); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetDaily)
	if err != nil {
		return err
	}
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, colWidth(c)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	bold, err := x.style(styleKey{role: "bold"})
	if err != nil {
		return err
	}
	hs, err := x.style(styleKey{role: "header"})
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: bold, Value: t.title}}); err != nil {
		return err
	}
	hdr := make([]any, len(t.cols))
	for i, c := range t.cols {
		hdr[i] = excelize.Cell{StyleID: hs, Value: c.name}
	}
	if err := sw.SetRow("A2", hdr); err != nil {
		return err
	}
	row := 2
	buf := make([]any, len(t.cols))
	for cells := range t.rows {
		row++
		for i, c := range cells {
			if c.v == nil {
				buf[i] = nil
				continue
			}
			k := t.cols[i].kind
			id, err := x.cellStyle(c, k)
			if err != nil {
				return err
			}
			buf[i] = excelize.Cell{StyleID: id, Value: x.value(c, k)}
		}
		if err := sw.SetRow(cellName(1, row), buf); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// writeAssumptions writes every input, one table under the other. Column A
// holds the inputs' names, B their values (long text overflows to the
// right); the cost model tables below use the columns as their own.
func (x *xlsxWriter) writeAssumptions(tables ...table) error {
	row := 1
	for _, t := range tables {
		p, err := x.writeTable(SheetAssumptions, row, t, false)
		if err != nil {
			return err
		}
		row = p.last + 2 + len(t.notes) + 1
	}
	for _, w := range []struct {
		from, to string
		width    float64
	}{{"A", "A", 34}, {"B", "B", 40}, {"C", "L", 16}} {
		if err := x.f.SetColWidth(SheetAssumptions, w.from, w.to, w.width); err != nil {
			return err
		}
	}
	return x.f.SetPanes(SheetAssumptions, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}
