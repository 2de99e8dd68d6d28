package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The Summary sheet: the executive view on one printed page. The figures
// are formulas over the Cost and SLA months sheets, so they follow the
// Assumptions too; two charts stand to the right of the tables.

// Limits of the Summary's lists, so that it stays one page.
const (
	summaryServices = 10
	summarySLA      = 6
	summaryMissed   = 8
)

// summaryWidths are the widths of the Summary's table columns A to H.
var summaryWidths = []float64{24, 16, 14, 14, 14, 14, 14, 16}

// Where the Summary's charts stand: column J, clear of the tables in A to
// H, one above the other.
const (
	chartCol    = 10
	chartWidth  = 560
	chartHeight = 300
	// chartRows is a chart's height in rows (20 pixels each) and a gap.
	chartRows = chartHeight/20 + 2
)

// summaryWriter writes the Summary's rows in order.
type summaryWriter struct {
	x   *xlsxWriter
	sw  *excelize.StreamWriter
	row int
}

// line writes a line of text in a role's style.
func (s *summaryWriter) line(text, role string) error {
	s.row++
	id, err := s.x.style(styleKey{role: role})
	if err != nil {
		return err
	}
	return s.sw.SetRow(cellName(1, s.row), []any{excelize.Cell{StyleID: id, Value: text}})
}

// block writes a titled table: title, header and rows; it returns the
// sheet rows of the first and last data rows.
func (s *summaryWriter) block(title string, cols []column, rows [][]cell) (first, last int, err error) {
	s.row++ // a blank row
	if err := s.line(title, "bold"); err != nil {
		return 0, 0, err
	}
	s.row++
	hs, err := s.x.style(styleKey{role: "header"})
	if err != nil {
		return 0, 0, err
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: hs, Value: c.name}
	}
	if err := s.sw.SetRow(cellName(1, s.row), hdr); err != nil {
		return 0, 0, err
	}
	first = s.row + 1
	for _, r := range rows {
		s.row++
		if err := s.x.streamRow(s.sw, s.row, cols, r); err != nil {
			return 0, 0, err
		}
	}
	return first, s.row, nil
}

// ref is a cell of another sheet as a formula, with its cached value.
func ref(c cell, sheet string, col, row int) cell {
	return formula(c, absRef(sheet, col, row))
}

// writeSummary writes the Summary sheet.
func (x *xlsxWriter) writeSummary(b *book) error {
	f, r := x.f, b.r
	landscape, one := "landscape", 1
	if err := f.SetPageLayout(SheetSummary, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &one}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	for i, w := range summaryWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	s := &summaryWriter{x: x, sw: sw}

	title := "Reliability and downtime cost, " + r.Period.Name
	if r.Period.ToDate {
		title += " to date"
	}
	period := "Period: " + r.Period.PeriodLabel()
	if r.Period.ToDate {
		period += "; to date: the period is still running and every figure covers it up to the measured time"
	}
	coverage := fmt.Sprintf("Data coverage: %s of the period (the mean of the SLOs' coverage)", Percent(r.Coverage, 1))
	if r.Coverage < 0.9 {
		coverage += "; under 90%: the figures miss part of the period"
	}
	var met, missed, noData, slos int
	type miss struct {
		s ServiceCost
		o SLOCost
	}
	var misses []miss
	for _, sc := range r.Services {
		for _, o := range sc.SLOs {
			slos++
			switch {
			case o.Met == nil:
				noData++
			case *o.Met:
				met++
			default:
				missed++
				misses = append(misses, miss{sc, o})
			}
		}
	}
	var incidents, ongoing, planned int
	for _, i := range r.Incidents {
		switch {
		case i.Planned:
			planned++
		case i.Ongoing:
			incidents++
			ongoing++
		default:
			incidents++
		}
	}
	counts := fmt.Sprintf("SLOs: %d of %d met, %d missed, %d without data. Incidents: %d", met, slos, missed, noData, incidents)
	if ongoing > 0 {
		counts += fmt.Sprintf(" (%d ongoing)", ongoing)
	}
	if planned > 0 {
		counts += fmt.Sprintf("; planned intervals: %d", planned)
	}
	for _, l := range []struct{ text, role string }{
		{title, "title"},
		{period, ""},
		{coverage, ""},
		{counts + ".", ""},
		{fmt.Sprintf("Source: %s. Evaluated at %s. Every input is on the Assumptions sheet (yellow cells); every cost is a formula over them.", r.Source, r.At.Format("2006-01-02 15:04 MST")), "note"},
	} {
		if err := s.line(l.text, l.role); err != nil {
			return err
		}
	}

	// The grand total and its components, per currency.
	money := func(name string) column { return column{name, kMoney, 14} }
	cols := []column{{"Currency", kText, 0}, money("Total"), money("Lost revenue"), money("Labor"), money("Opportunity"), money("SLA credits")}
	var rows [][]cell
	for _, t := range r.Totals {
		row := b.totalRow[t.Currency]
		c := t.Currency
		total := ref(moneyCell(t.Total, c), SheetCost, 8, row)
		total.k = kMoney
		rows = append(rows, []cell{text(c), total, ref(moneyCell(t.LostRevenue, c), SheetCost, 4, row), ref(moneyCell(t.Labor, c), SheetCost, 5, row),
			ref(moneyCell(t.Opportunity, c), SheetCost, 6, row), ref(moneyCell(t.SLACredits, c), SheetCost, 7, row)})
	}
	if len(rows) == 0 {
		rows = append(rows, []cell{text("no cost model")})
	}
	if _, _, err := s.block("Downtime cost", cols, rows); err != nil {
		return err
	}

	// Cost per service, the costliest first.
	top := slices.Clone(b.costRows)
	slices.SortStableFunc(top, func(a, b costRow) int { return cmp.Compare(b.s.Cost.Total, a.s.Cost.Total) })
	more := len(top) - summaryServices
	top = top[:min(len(top), summaryServices)]
	cols = []column{{"Service", kText, 0}, {"Tier", kText, 0}, {"Currency", kText, 0}, money("Lost revenue"), money("Labor"), money("Opportunity"), money("SLA credits"), money("Total")}
	rows = nil
	for _, cr := range top {
		c, bd := cr.s.Currency, cr.s.Cost
		rows = append(rows, []cell{ref(text(cr.s.Service), SheetCost, 1, cr.row), text(cr.s.Tier), text(c),
			ref(moneyCell(bd.LostRevenue, c), SheetCost, 4, cr.row), ref(moneyCell(bd.Labor, c), SheetCost, 5, cr.row),
			ref(moneyCell(bd.Opportunity, c), SheetCost, 6, cr.row), ref(moneyCell(bd.SLACredits, c), SheetCost, 7, cr.row),
			ref(moneyCell(bd.Total, c), SheetCost, 8, cr.row)})
	}
	heading := "Cost per service"
	if more > 0 {
		heading = fmt.Sprintf("Cost per service: the %d costliest of %d (all on the Cost sheet)", len(top), len(b.costRows))
	}
	svcFirst, svcLast, err := s.block(heading, cols, rows)
	if err != nil {
		return err
	}

	// SLA credits: the months that owe the most.
	sla := slices.Clone(b.sla)
	slices.SortStableFunc(sla, func(a, b slaRow) int { return cmp.Compare(b.m.Credit, a.m.Credit) })
	cols = []column{{"Service", kText, 0}, {"SLO", kText, 0}, {"Month", kText, 0}, {"Availability", kPct3, 0}, {"Credit rate", kPct1, 0}, money("Credit")}
	rows = nil
	for _, m := range sla[:min(len(sla), summarySLA)] {
		rows = append(rows, []cell{text(m.m.Service), text(m.m.SLO), text(m.m.Month), ref(optNum(m.m.Availability), SheetSLAMonths, 5, m.row),
			ref(numCell(m.m.CreditRate), SheetSLAMonths, 8, m.row), ref(moneyCell(m.m.Credit, m.m.Currency), SheetSLAMonths, 11, m.row)})
	}
	heading = "SLA credits by month"
	switch {
	case len(sla) == 0:
		rows = [][]cell{{text("No service has an SLA with credit bands.")}}
	case len(sla) > summarySLA:
		heading = fmt.Sprintf("SLA credits: the %d largest of %d months (all on the SLA months sheet)", summarySLA, len(sla))
	}
	if _, _, err := s.block(heading, cols, rows); err != nil {
		return err
	}

	// The SLOs that missed their objective.
	// Seven columns: the owner's contact may run on into H and I, clear of
	// the charts in J.
	cols = []column{{"Service", kText, 0}, {"SLO", kText, 0}, {"Objective", kPct3, 0}, {"Achieved", kPct3, 0}, {"Budget used", kPct1, 0},
		{"Missed in", kText, 0}, {"Owner", kText, 0}}
	rows = nil
	for _, m := range misses[:min(len(misses), summaryMissed)] {
		// An SLO judged month by month shows its worst missed month.
		achieved, used, when := m.o.Availability, m.o.BudgetUsed, "the period"
		if ms := missedMonthsOf(m.o.Months); len(ms) > 0 {
			worst := ms[0]
			for _, mo := range ms[1:] {
				if *mo.Availability < *worst.Availability {
					worst = mo
				}
			}
			achieved, used = worst.Availability, worst.BudgetUsed
			var names []string
			for _, mo := range ms {
				names = append(names, mo.Month)
			}
			when = strings.Join(names, ", ")
		}
		rows = append(rows, []cell{text(m.s.Service), text(m.o.SLO), numCell(m.o.Objective), optNum(achieved), optNum(used),
			text(when), text(ownerLabel(m.s.Owner))})
	}
	heading = fmt.Sprintf("SLOs missed: %d of %d", missed, slos)
	switch {
	case missed == 0:
		rows = [][]cell{{text("Every SLO with data met its objective.")}}
	case missed > summaryMissed:
		heading += fmt.Sprintf(" (the first %d; all on the Services sheet)", summaryMissed)
	}
	if _, _, err := s.block(heading, cols, rows); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	x.later = append(x.later, func() error {
		if err := x.fitToPage(SheetSummary); err != nil {
			return err
		}
		return x.summaryCharts(b, svcFirst, svcLast)
	})
	return nil
}

// chartFont is the dark font of chart titles, axes and legends: readable
// on screen and in print.
var chartFont = excelize.Font{Color: "262626", Size: 9}

// missedMonthsOf lists the months with data that missed their objective.
func missedMonthsOf(ms []SLOMonth) []SLOMonth {
	var out []SLOMonth
	for _, m := range ms {
		if m.Met != nil && !*m.Met && m.Availability != nil {
			out = append(out, m)
		}
	}
	return out
}

func chartTitle(s string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: &excelize.Font{Bold: true, Color: "262626", Size: 11}}}}
}

// summaryCharts adds the cost by service and component (from the
// Summary's service rows) and the SLOs met and missed by tier (from the
// Tiers sheet), to the right of the tables, one under the other.
func (x *xlsxWriter) summaryCharts(b *book, svcFirst, svcLast int) error {
	f := x.f
	rng := func(sheet string, col, from, to int) string {
		c := colName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", sheetRef(sheet), c, from, c, to)
	}
	var charts []*excelize.Chart
	if svcLast >= svcFirst && len(b.costRows) > 0 {
		var series []excelize.ChartSeries
		for col := 4; col <= 7; col++ {
			series = append(series, excelize.ChartSeries{Name: absRef(SheetCost, col, headerRow),
				Categories: rng(SheetSummary, 1, svcFirst, svcLast), Values: rng(SheetSummary, col, svcFirst, svcLast)})
		}
		cur := firstOr(b.r.Currencies(), "")
		charts = append(charts, &excelize.Chart{
			Type:      excelize.ColStacked,
			Series:    series,
			Title:     chartTitle("Downtime cost by service and component (" + cur + ")"),
			Legend:    excelize.ChartLegend{Position: "bottom"},
			XAxis:     excelize.ChartAxis{Font: chartFont},
			YAxis:     excelize.ChartAxis{Font: chartFont, NumFmt: excelize.ChartNumFmt{CustomNumFmt: strings.SplitN(excelCurrencyFormat(cur), ";", 2)[0]}, MajorGridLines: true},
			Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		})
	}
	if n := len(b.p.Tiers); n > 0 {
		var series []excelize.ChartSeries
		for _, name := range []string{"Met", "Missed", "No data"} {
			col := b.tiers.col(name)
			series = append(series, excelize.ChartSeries{Name: absRef(SheetTiers, col, headerRow),
				Categories: rng(SheetTiers, 1, firstRow, rowOf(n-1)), Values: rng(SheetTiers, col, firstRow, rowOf(n-1))})
		}
		charts = append(charts, &excelize.Chart{
			Type:      excelize.ColStacked,
			Series:    series,
			Title:     chartTitle("SLOs met and missed by tier"),
			Legend:    excelize.ChartLegend{Position: "bottom"},
			XAxis:     excelize.ChartAxis{Font: chartFont},
			YAxis:     excelize.ChartAxis{Font: chartFont, MajorGridLines: true, MajorUnit: 1},
			Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		})
	}
	for i, c := range charts {
		c.Legend.Font = &chartFont
		if err := f.AddChart(SheetSummary, cellName(chartCol, 1+i*chartRows), c); err != nil {
			return fmt.Errorf("could not add a chart: %w", err)
		}
	}
	return nil
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}
