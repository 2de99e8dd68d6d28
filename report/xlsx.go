package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/slo"
)

// Sheet names of the workbook, in order. Each is a valid Excel sheet name
// (at most 31 characters, none of []:*?/\); formulas quote them (sheetRef).
const (
	SheetSummary         = "Summary"
	SheetTiers           = "Tiers"
	SheetServices        = "Services"
	SheetSLOMonths       = "SLO months"
	SheetIncidents       = "Incidents"
	SheetIncidentRevenue = "Incident revenue"
	SheetIncidentLabor   = "Incident labor"
	SheetCost            = "Cost"
	SheetLaborByRole     = "Labor by role"
	SheetSLAMonths       = "SLA months"
	SheetDaily           = "Daily"
	SheetAssumptions     = "Assumptions"
	SheetMethod          = "Method"
)

// workbookSheet is one sheet of the workbook and the function that writes
// it from the built workbook (every table and input placed).
type workbookSheet struct {
	name  string
	write func(x *xlsxWriter, b *book) error
}

// workbookSheets are the workbook's sheets in order. A new sheet is one
// line here and a function that writes it; a sheet that is one table
// writes it with x.writeTableSheet (title row 1, frozen header row 2).
func workbookSheets() []workbookSheet {
	return []workbookSheet{
		{SheetSummary, (*xlsxWriter).writeSummary},
		{SheetTiers, tableSheet(SheetTiers, func(b *book) table { return b.tiers })},
		{SheetServices, (*xlsxWriter).writeServices},
		{SheetSLOMonths, tableSheet(SheetSLOMonths, func(b *book) table { return b.sloMonths })},
		{SheetIncidents, tableSheet(SheetIncidents, func(b *book) table { return b.incidents })},
		{SheetIncidentRevenue, tableSheet(SheetIncidentRevenue, func(b *book) table { return b.incRevenue })},
		{SheetIncidentLabor, tableSheet(SheetIncidentLabor, func(b *book) table { return b.incLabor })},
		{SheetCost, tableSheet(SheetCost, func(b *book) table { return b.cost })},
		{SheetLaborByRole, tableSheet(SheetLaborByRole, func(b *book) table { return b.roles })},
		{SheetSLAMonths, tableSheet(SheetSLAMonths, func(b *book) table { return b.slaMonths })},
		{SheetDaily, (*xlsxWriter).writeDaily},
		{SheetAssumptions, tableSheet(SheetAssumptions, func(b *book) table { return b.assumptions })},
		{SheetMethod, tableSheet(SheetMethod, func(b *book) table { return b.method })},
	}
}

// tableSheet writes the table of a one-table sheet.
func tableSheet(sheet string, t func(*book) table) func(*xlsxWriter, *book) error {
	return func(x *xlsxWriter, b *book) error { return x.writeTableSheet(sheet, t(b)) }
}

// Sheets lists the workbook's sheets in order.
var Sheets = func() []string {
	var out []string
	for _, s := range workbookSheets() {
		out = append(out, s.name)
	}
	return out
}()

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
	// Advice, when set, is the objective advice for the Advice sheet.
	Advice *Advice
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

// Describe says what a written report holds: "13 sheets, 2026-Q3" for a
// workbook, "11 tables, 2026-Q3" for text.
func (p *PeriodReport) Describe(f Format) string {
	if f == XLSX {
		return fmt.Sprintf("%d sheets, %s", len(Sheets)+min(len(p.Trend), 1)+min(countAdvice(p.Advice), 1), p.Cost.Period.Name)
	}
	if f == CSV {
		return p.describeCSV()
	}
	return fmt.Sprintf("%d tables, %s", len(p.Grids(GridOptions{})), p.Cost.Period.Name)
}

// WriteXLSX writes the report as a live Excel workbook: every input of the
// cost model is a cell of the Assumptions sheet, and every cost cell is a
// formula over those inputs and the measured quantities (downtime minutes,
// outage hours, availability), with its value cached for viewers that do
// not recalculate; the workbook asks to be recalculated when opened. The
// Summary sheet is a one-page executive view; every other sheet holds one
// table under a frozen header row, and prints landscape, one page wide.
func (p *PeriodReport) WriteXLSX(w io.Writer) error {
	x := &xlsxWriter{f: excelize.NewFile(), loc: timeZone(p.Cost.Period.TimeZone), styles: map[styleKey]int{}}
	defer func() { x.f.Close() }()
	if err := x.write(p); err != nil {
		return fmt.Errorf("could not build the workbook: %w", err)
	}
	if err := x.f.Write(w); err != nil {
		return fmt.Errorf("could not write the workbook: %w", err)
	}
	return nil
}

type styleKey struct {
	kind kind
	cur  string
	role string // "", "header", "title", "note", "bold", "input"
}

type xlsxWriter struct {
	f      *excelize.File
	loc    *time.Location
	styles map[styleKey]int
	// later are the changes to sheets already streamed, made once the
	// workbook is read back (see write).
	later []func() error
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
	case "input":
		// The convention of financial models: inputs on a pale yellow
		// fill with blue figures, so an editable cell stands out.
		s.Font = &excelize.Font{Color: "0000CC"}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
		s.Border = []excelize.Border{{Type: "bottom", Color: "BFBFBF", Style: 1}}
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

// cellStyle is the style of a cell of column kind k (or of its own kind).
func (x *xlsxWriter) cellStyle(c cell, k kind) (int, error) {
	if c.k != kText {
		k = c.k
	}
	role := ""
	if c.input {
		role = "input"
	}
	if k == kText && role == "" {
		return 0, nil
	}
	return x.style(styleKey{kind: k, cur: c.cur, role: role})
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// colWidth is a column's width, wide enough for its header.
func colWidth(c column) float64 { return max(c.width, float64(len(c.name))+2) }

func colName(n int) string {
	c, _ := excelize.ColumnNumberToName(n)
	return c
}

// write builds the workbook in two passes. Cells with a formula and a
// numeric cached value can only be written by excelize's StreamWriter, and
// a streamed sheet takes no later change through the normal API (its
// fit-to-page property, conditional formats): so the first pass streams
// every sheet but Daily, the workbook is read back, the second pass makes
// those changes and streams the Daily sheet, which can be large and is
// never read back.
func (x *xlsxWriter) write(p *PeriodReport) error {
	r := p.Cost
	sheets := workbookSheets()
	if err := x.f.SetSheetName("Sheet1", sheets[0].name); err != nil {
		return err
	}
	for _, s := range sheets[1:] {
		if _, err := x.f.NewSheet(s.name); err != nil {
			return err
		}
	}
	if err := x.f.SetDocProps(&excelize.DocProperties{
		Title:   "Reliability and downtime cost, " + r.Period.Name,
		Subject: r.Period.PeriodLabel(),
		Creator: "nines",
		Created: r.At.UTC().Format(time.RFC3339),
	}); err != nil {
		return err
	}
	b := newBook(p, x.loc)
	for _, s := range sheets {
		if s.name == SheetDaily {
			continue
		}
		if err := s.write(x, b); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	if err := x.writeTrend(p.Trend); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetTrend, err)
	}
	if err := x.writeAdvice(p.Advice); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetAdvice, err)
	}
	var buf bytes.Buffer
	if err := x.f.Write(&buf); err != nil {
		return err
	}
	if err := x.f.Close(); err != nil {
		return err
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return fmt.Errorf("could not read the first pass back: %w", err)
	}
	x.f = f
	for _, fn := range x.later {
		if err := fn(); err != nil {
			return err
		}
	}
	// The first sheet, Summary, is the active one, as in a new file.
	// (SetActiveSheet would parse every sheet again.)
	if err := x.writeDaily(b); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetDaily, err)
	}
	// Excel recalculates every formula when it opens the file, so the cached
	// values never disagree with the inputs. (LibreOffice recalculates
	// xlsx files on load only when its "Recalculation on File Load"
	// option says so; it recalculates on every edit either way.)
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	return nil
}

// streamRow writes one row of cells: values with their styles, and
// formulas with their cached values.
func (x *xlsxWriter) streamRow(sw *excelize.StreamWriter, row int, cols []column, cells []cell) error {
	buf := make([]any, len(cells))
	for i, c := range cells {
		if c.v == nil && c.f == "" {
			continue
		}
		k := kText
		if i < len(cols) {
			k = cols[i].kind
		}
		if c.k != kText {
			k = c.k
		}
		id, err := x.cellStyle(c, k)
		if err != nil {
			return err
		}
		buf[i] = excelize.Cell{StyleID: id, Value: x.value(c, k), Formula: c.f}
	}
	return sw.SetRow(cellName(1, row), buf)
}

// Every table sheet has its title in row 1, its header in row 2 and its
// data from row 3 on.
const (
	headerRow = 2
	firstRow  = 3
)

// maxFitRows is the most rows of a sheet printed fit to page; larger
// sheets are scaled (printScale).
const maxFitRows = 2000

// rowOf is the sheet row of a table's i-th data row (from 0).
func rowOf(i int) int { return firstRow + i }

// writeTableSheet writes a one-table sheet with excelize's StreamWriter
// (rows go to a temporary buffer, a file beyond 16 MB, instead of the
// in-memory sheet): the title in row 1, the header in row 2, frozen and
// filtered, the rows and then the notes; it prints landscape, one page
// wide, repeating the header on every page.
func (x *xlsxWriter) writeTableSheet(sheet string, t table) error {
	f := x.f
	last := max(t.n+headerRow, headerRow+1) // an empty table still filters its header
	if err := f.AutoFilter(sheet, cellName(1, headerRow)+":"+cellName(len(t.cols), last), nil); err != nil {
		return err
	}
	// The StreamWriter does not write the sheet properties that turn
	// fit-to-page on, and setting them after it parses the whole sheet
	// again: a sheet of many rows (Daily, the incidents of a large fleet)
	// is scaled to the width of its columns instead.
	var scale uint
	if sheet == SheetDaily || t.n > maxFitRows {
		scale = printScale(t.cols)
	}
	if err := x.pageLayout(sheet, scale); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, colWidth(c)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cellName(1, firstRow), ActivePane: "bottomLeft"}); err != nil {
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
	if err := sw.SetRow(cellName(1, headerRow), hdr); err != nil {
		return err
	}
	row := headerRow
	for cells := range t.rows {
		row++
		if err := x.streamRow(sw, row, t.cols, cells); err != nil {
			return err
		}
	}
	if len(t.notes) > 0 {
		ns, err := x.style(styleKey{role: "note"})
		if err != nil {
			return err
		}
		for i, n := range t.notes {
			if err := sw.SetRow(cellName(1, row+2+i), []any{excelize.Cell{StyleID: ns, Value: n}}); err != nil {
				return err
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if scale == 0 {
		x.later = append(x.later, func() error { return x.fitToPage(sheet) })
	}
	return x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("%s!$%d:$%d", sheetRef(sheet), headerRow, headerRow), Scope: sheet})
}

// pageLayout prints a sheet landscape, scaled by scale percent, or one
// page wide (and as many tall as it takes) when scale is 0, which
// fitToPage then turns on.
func (x *xlsxWriter) pageLayout(sheet string, scale uint) error {
	landscape := "landscape"
	opts := &excelize.PageLayoutOptions{Orientation: &landscape}
	if scale > 0 {
		opts.AdjustTo = &scale
	} else {
		wide, tall := 1, 0
		opts.FitToWidth, opts.FitToHeight = &wide, &tall
	}
	return x.f.SetPageLayout(sheet, opts)
}

// fitToPage turns on the sheet's fit-to-page printing.
func (x *xlsxWriter) fitToPage(sheet string) error {
	fit := true
	return x.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}

// printScale is the percent that prints columns one landscape page wide:
// about 7 pixels a character, 640 pixels of printable width (measured
// with LibreOffice on A4 and Letter, default margins).
func printScale(cols []column) uint {
	var px float64
	for _, c := range cols {
		px += colWidth(c)*7 + 5
	}
	return uint(min(100, max(10, math.Floor(640/px*100))))
}

// writeDaily writes the Daily sheet, streamed unless the options say not.
func (x *xlsxWriter) writeDaily(b *book) error {
	if !b.p.Options.DailyWithoutStream {
		return x.writeTableSheet(SheetDaily, b.daily)
	}
	// The normal API, row by row: for the benchmark only.
	f, t := x.f, b.daily
	hdr := make([]any, len(t.cols))
	for i, c := range t.cols {
		hdr[i] = c.name
	}
	if err := f.SetCellValue(SheetDaily, "A1", t.title); err != nil {
		return err
	}
	if err := f.SetSheetRow(SheetDaily, cellName(1, headerRow), &hdr); err != nil {
		return err
	}
	row := headerRow
	for cells := range t.rows {
		row++
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = x.value(c, t.cols[i].kind)
		}
		if err := f.SetSheetRow(SheetDaily, cellName(1, row), &vals); err != nil {
			return err
		}
		for i, c := range cells {
			if c.v == nil {
				continue
			}
			id, err := x.cellStyle(c, t.cols[i].kind)
			if err != nil {
				return err
			}
			if id != 0 {
				if err := f.SetCellStyle(SheetDaily, cellName(i+1, row), cellName(i+1, row), id); err != nil {
					return err
				}
			}
		}
	}
	if err := f.SetPanes(SheetDaily, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cellName(1, firstRow), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return x.pageLayout(SheetDaily, printScale(t.cols))
}

// writeServices writes the SLO table and highlights missed objectives and
// low budgets.
func (x *xlsxWriter) writeServices(b *book) error {
	t := b.services
	if err := x.writeTableSheet(SheetServices, t); err != nil {
		return err
	}
	if t.n == 0 {
		return nil
	}
	x.later = append(x.later, func() error { return x.highlightServices(t) })
	return nil
}

// highlightServices sets the Services sheet's conditional formats.
func (x *xlsxWriter) highlightServices(t table) error {
	f := x.f
	red, err := f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		return err
	}
	amber, err := f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C5700"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEB9C"}}})
	if err != nil {
		return err
	}
	first, last := firstRow, rowOf(t.n-1)
	col := func(name string) string { return colName(t.col(name)) }
	rng := func(name string) string { return fmt.Sprintf("%s%d:%s%d", col(name), first, col(name), last) }
	obj, av, met, used, left := col("Objective"), col("Availability"), col("Met"), col("Budget used"), col("Budget left")
	formats := []struct {
		rng  string
		opts []excelize.ConditionalFormatOptions
	}{
		{rng("Availability"), []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($%s%d),$%s%d<$%s%d)", av, first, av, first, obj, first), Format: &red}}},
		{rng("Met"), []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: fmt.Sprintf(`$%s%d="MISSED"`, met, first), Format: &red}}},
		{rng("Budget used"), []excelize.ConditionalFormatOptions{
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($%s%d),$%s%d>1)", used, first, used, first), Format: &red, StopIfTrue: true},
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($%s%d),$%s%d>0.75)", used, first, used, first), Format: &amber},
		}},
		{rng("Budget left"), []excelize.ConditionalFormatOptions{
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($%s%d),$%s%d<0)", left, first, left, first), Format: &red, StopIfTrue: true},
			{Type: "formula", Criteria: fmt.Sprintf("AND(ISNUMBER($%s%d),$%s%d<0.25)", left, first, left, first), Format: &amber},
		}},
	}
	for _, c := range formats {
		if err := f.SetConditionalFormat(SheetServices, c.rng, c.opts); err != nil {
			return fmt.Errorf("could not set conditional format on %s: %w", c.rng, err)
		}
	}
	return nil
}

// countAdvice is 1 with advice, 0 without.
func countAdvice(a *Advice) int {
	if a == nil {
		return 0
	}
	return 1
}
