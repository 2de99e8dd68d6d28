package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// SheetAdvice is the name of the advisor's sheet: in advise's workbook and,
// with --advice, in the report's.
const SheetAdvice = "Advice"

// adviceTable is the Advice sheet: a row per SLO and candidate objective,
// each figure beside its formula with the inputs written in; the total is
// a formula over the row's four components.
func adviceTable(a *Advice) table {
	cols := []column{
		{"Service", kText, 18}, {"SLO", kText, 14}, {"Tier", kText, 11}, {"Objective", kPct3, 10}, {"Current", kText, 8}, {"Advised", kText, 8},
		{"Eligible", kText, 8}, {"Achieved (mean)", kPct3, 11}, {"Ceiling", kPct3, 10}, {"Effective", kPct3, 10},
		{"Downtime per year (min)", kMinutes, 12}, {"Incidents per year", kFloat, 10},
		{"Downtime cost", kMoney, 15}, {"Labor", kMoney, 14}, {"SLA credits", kMoney, 14}, {"Reliability cost", kMoney, 15}, {"Total", kMoney, 16},
		{"Flags", kText, 30},
		{"Downtime formula", kText, 40}, {"Downtime cost formula", kText, 60}, {"Labor formula", kText, 50},
		{"SLA credits formula", kText, 40}, {"Reliability formula", kText, 50},
	}
	yes := func(b bool) cell {
		if b {
			return text("yes")
		}
		return text("no")
	}
	first := 0
	for i, c := range cols {
		if c.name == "Downtime cost" {
			first = i + 1
		}
	}
	var rows [][]cell
	var notes []string
	for _, s := range a.SLOs {
		var ceiling cell
		if s.Ceiling != nil {
			ceiling = numCell(s.Ceiling.Availability)
		}
		for _, c := range s.Candidates {
			row := rowOf(len(rows))
			rel, relFormula := cell{}, "no reliability_cost declared"
			if c.ReliabilityCost != nil {
				rel, relFormula = moneyCell(c.ReliabilityCost.Value, s.Currency), c.ReliabilityCost.Formula
			}
			total := formula(moneyCell(c.Total.Value, s.Currency), fmt.Sprintf("SUM(%s:%s)", cellAt(first, row), cellAt(first+3, row)))
			rows = append(rows, []cell{
				text(s.Service), text(s.SLO), text(s.Tier), numCell(c.Objective), yes(c.Current), yes(c.Recommended),
				yes(c.Eligible), optNum(s.Achieved.Mean), ceiling, numCell(c.EffectiveAvailability),
				numCell(c.DowntimeMinutes.Value), numCell(c.Incidents.Value),
				moneyCell(c.DowntimeCost.Value, s.Currency), moneyCell(c.Labor.Value, s.Currency), moneyCell(c.SLACredits.Value, s.Currency), rel, total,
				text(strings.Join(c.Flags, "; ")),
				text(c.DowntimeMinutes.Formula), text(c.DowntimeCost.Formula), text(c.Labor.Formula), text(c.SLACredits.Formula), text(relFormula),
			})
		}
		notes = append(notes, fmt.Sprintf("%s/%s: %s", s.Service, s.SLO, s.Reason))
	}
	t := newTable("Objective advice, priced per year from "+a.span(), cols, rows)
	t.notes = append(notes,
		"Each candidate is priced as if the service ran exactly at it for a year; Advised is the least total at or above the SLA floor (docs/advise.md).",
		"Total is a formula: downtime cost + labor + SLA credits + reliability cost.")
	return t
}

// WriteXLSX implements Workbook: the Advice sheet alone.
func (a *Advice) WriteXLSX(w io.Writer) error {
	x := &xlsxWriter{f: excelize.NewFile(), loc: timeZone("UTC"), styles: map[styleKey]int{}}
	defer func() { x.f.Close() }()
	if err := x.f.SetSheetName("Sheet1", SheetAdvice); err != nil {
		return err
	}
	if err := x.writeTableSheet(SheetAdvice, adviceTable(a)); err != nil {
		return fmt.Errorf("could not build the workbook: %w", err)
	}
	// The streamed sheet is read back for what a stream cannot take (fit
	// to page), as the report's workbook is.
	var buf bytes.Buffer
	if err := x.f.Write(&buf); err != nil {
		return fmt.Errorf("could not build the workbook: %w", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return fmt.Errorf("could not read the workbook back: %w", err)
	}
	x.f.Close()
	x.f = f
	for _, fn := range x.later {
		if err := fn(); err != nil {
			return fmt.Errorf("could not build the workbook: %w", err)
		}
	}
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	if err := x.f.Write(w); err != nil {
		return fmt.Errorf("could not write the workbook: %w", err)
	}
	return nil
}

// writeAdvice adds the Advice sheet to the report's workbook; nothing
// without advice.
func (x *xlsxWriter) writeAdvice(a *Advice) error {
	if a == nil {
		return nil
	}
	if _, err := x.f.NewSheet(SheetAdvice); err != nil {
		return err
	}
	return x.writeTableSheet(SheetAdvice, adviceTable(a))
}
