package main

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/report"
)

// The demo's commented adjustment (specs/tiers.yaml), switched on.
const (
	demoAdjustmentOff = `    # adjustments:        # budget adjustments (docs/adjustments.md): events inside do not count
    #   - reason: weekly maintenance window
    #     every: week
    #     on: [sunday]
    #     at: "02:00"
    #     duration: 2h
    #     time_zone: Europe/Berlin
    #     from: 2026-09-01
    #     until: 2026-12-31
`
	demoAdjustmentOn = `    adjustments:
      - reason: weekly maintenance window
        every: week
        on: [sunday]
        at: "02:00"
        duration: 2h
        time_zone: Europe/Berlin
        from: 2026-09-01
        until: 2026-12-31
`
	demoAdjustmentReason = "weekly maintenance window"
)

// adjustedDemoSpecs is a copy of the demo's specs (its data too) with the
// critical tier's weekly maintenance adjustment switched on.
func adjustedDemoSpecs(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "specs")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "tiers.yaml" {
			if !strings.Contains(string(b), demoAdjustmentOff) {
				t.Fatal("specs/tiers.yaml no longer has the commented adjustment example")
			}
			b = []byte(strings.Replace(string(b), demoAdjustmentOff, demoAdjustmentOn, 1))
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Every CSV names the adjustments applied to an SLO and carries its raw
// figures beside the adjusted ones, equal to the JSON's; an SLO without
// adjustments has the columns empty.
func TestAdjustmentsInCSV(t *testing.T) {
	specs := adjustedDemoSpecs(t)
	base := []string{"--specs", specs, "--source", "demo", "--at", demoAt}
	// Exact equality: the CSV writes the shortest decimal that reads back
	// as the JSON's float64 (docs/csv.md).
	same := func(what string, got float64, want *float64) {
		t.Helper()
		if want == nil || got != *want {
			t.Errorf("%s: CSV %v, JSON %v", what, got, want)
		}
	}

	t.Run("burn", func(t *testing.T) {
		m := readMachineCSV(t, runCSV(t, append([]string{"burn"}, append(base, "-o", "csv")...)...))
		var r report.BurnReport
		mustJSON(t, runCSV(t, append([]string{"burn"}, append(base, "-o", "json")...)...), &r)
		adjusted, differs := 0, false
		for i, s := range r.SLOs {
			row := m.rows[i]
			what := s.Service + "/" + s.SLO
			if len(s.Adjustments) == 0 {
				if row["adjustments"] != "" || row["raw_error_ratio"] != "" || row["raw_budget_left_ratio"] != "" {
					t.Errorf("%s has no adjustment, CSV %q %q %q", what, row["adjustments"], row["raw_error_ratio"], row["raw_budget_left_ratio"])
				}
				continue
			}
			adjusted++
			if row["adjustments"] != demoAdjustmentReason {
				t.Errorf("%s adjustments %q", what, row["adjustments"])
			}
			same(what+" raw_error_ratio", csvNum(t, row, "raw_error_ratio"), s.Raw.ErrorRatio)
			same(what+" raw_availability", csvNum(t, row, "raw_availability"), s.Raw.Availability)
			same(what+" raw_budget_left_ratio", csvNum(t, row, "raw_budget_left_ratio"), s.Raw.BudgetLeft)
			differs = differs || csvNum(t, row, "raw_budget_left_ratio") != csvNum(t, row, "budget_left_ratio")
		}
		// The critical tier's three SLOs; the other two are not adjusted.
		if adjusted != 3 || len(r.SLOs) != 5 {
			t.Errorf("%d of %d SLOs adjusted, want 3 of 5", adjusted, len(r.SLOs))
		}
		if !differs {
			t.Error("no raw budget differs from the adjusted one: the raw column is not the raw figure")
		}
	})

	t.Run("status", func(t *testing.T) {
		m := readMachineCSV(t, runCSV(t, append([]string{"status"}, append(base, "-o", "csv")...)...))
		var n int
		for _, row := range m.rows {
			if row["adjustments"] == demoAdjustmentReason && row["raw_budget_left_ratio"] != "" {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d status rows name the adjustment with a raw budget, want 3", n)
		}
	})

	q := append([]string{"--quarter", demoQuarter}, base...)
	t.Run("cost", func(t *testing.T) {
		m := readMachineCSV(t, runCSV(t, append([]string{"cost"}, append(q, "-o", "csv")...)...))
		var r report.CostReport
		mustJSON(t, runCSV(t, append([]string{"cost"}, append(q, "-o", "json")...)...), &r)
		rows := m.kind("slos")
		var i, adjusted int
		for _, s := range r.Services {
			for _, o := range s.SLOs {
				row := rows[i]
				i++
				what := s.Service + "/" + o.SLO
				if len(o.Adjustments) == 0 {
					if row["adjustments"] != "" || row["raw_availability"] != "" {
						t.Errorf("%s: CSV %q %q without adjustments", what, row["adjustments"], row["raw_availability"])
					}
					continue
				}
				adjusted++
				if row["adjustments"] != demoAdjustmentReason {
					t.Errorf("%s adjustments %q", what, row["adjustments"])
				}
				same(what+" raw_availability", csvNum(t, row, "raw_availability"), o.Raw.Availability)
				same(what+" raw_budget_used_ratio", csvNum(t, row, "raw_budget_used_ratio"), o.Raw.BudgetUsed)
				sec := *o.Raw.DowntimeMinutes * 60
				same(what+" raw_downtime_seconds", csvNum(t, row, "raw_downtime_seconds"), &sec)
			}
		}
		if adjusted != 3 {
			t.Errorf("%d SLOs adjusted in 2026-Q3, want 3", adjusted)
		}
	})

	t.Run("summary", func(t *testing.T) {
		m := readMachineCSV(t, runCSV(t, append([]string{"summary"}, append(q, "-o", "csv")...)...))
		var s report.Summary
		mustJSON(t, runCSV(t, append([]string{"summary"}, append(q, "-o", "json")...)...), &s)
		rows := m.kind("slos")
		var i, adjusted int
		for _, svc := range s.Services {
			for _, o := range svc.SLOs {
				row := rows[i]
				i++
				if len(o.Adjustments) == 0 {
					continue
				}
				adjusted++
				if row["adjustments"] != demoAdjustmentReason {
					t.Errorf("%s/%s adjustments %q", svc.Service, o.SLO, row["adjustments"])
				}
				same(svc.Service+"/"+o.SLO+" raw_availability", csvNum(t, row, "raw_availability"), o.Raw.Availability)
			}
		}
		if adjusted != 3 {
			t.Errorf("%d summary SLOs adjusted, want 3", adjusted)
		}
	})
}

// The summary page names the adjustments applied to each SLO, with its raw
// availability beside the adjusted one (to the page's 3 decimals).
func TestAdjustmentsOnSummaryPage(t *testing.T) {
	specs := adjustedDemoSpecs(t)
	args := []string{"summary", "--specs", specs, "--source", "demo", "--at", demoAt, "--quarter", demoQuarter}
	var s report.Summary
	mustJSON(t, runCSV(t, append(args, "-o", "json")...), &s)
	page := strings.Join(strings.Fields(runCSV(t, append(args, "-o", "wide")...)), " ")
	var n int
	for _, svc := range s.Services {
		for _, o := range svc.SLOs {
			if len(o.Adjustments) == 0 {
				continue
			}
			n++
			want := "Adjusted " + svc.Service + "/" + o.SLO + ": achieved " + report.Percent(*o.Achieved, 3) + " adjusted, " +
				report.Percent(*o.Raw.Availability, 3) + " raw; excluded: " + demoAdjustmentReason + " 4 intervals"
			if !strings.Contains(page, want) {
				t.Errorf("the summary page lacks %q:\n%s", want, page)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d adjusted SLOs in the summary's JSON, want 3", n)
	}
}

// The workbook's Services sheet has the raw availability and budget used
// beside the adjusted ones and the adjustments' reasons, and its notes name
// each adjustment; read back with excelize.
func TestAdjustmentsInWorkbook(t *testing.T) {
	specs := adjustedDemoSpecs(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "q3.xlsx")
	args := []string{"--specs", specs, "--source", "demo", "--at", demoAt, "--quarter", demoQuarter}
	runCSV(t, append([]string{"report", "-o", path}, args...)...)
	var r report.CostReport
	mustJSON(t, runCSV(t, append([]string{"cost", "-o", "json"}, args...)...), &r)

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetServices, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[1] {
		col[h] = i
	}
	for _, h := range []string{"Availability", "Raw availability", "Raw budget used", "Adjustments"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("Services header %v lacks %q", rows[1], h)
		}
	}
	cellOf := func(row []string, h string) string {
		if col[h] < len(row) {
			return row[col[h]]
		}
		return ""
	}
	var adjusted int
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			var row []string
			for _, x := range rows[2:] {
				if len(x) > 1 && x[0] == s.Service && x[1] == o.SLO {
					row = x
				}
			}
			if row == nil {
				t.Fatalf("no row for %s/%s", s.Service, o.SLO)
			}
			if len(o.Adjustments) == 0 {
				if cellOf(row, "Raw availability") != "" || cellOf(row, "Adjustments") != "" {
					t.Errorf("%s/%s not adjusted, workbook %q %q", s.Service, o.SLO, cellOf(row, "Raw availability"), cellOf(row, "Adjustments"))
				}
				continue
			}
			adjusted++
			if got := cellOf(row, "Adjustments"); got != demoAdjustmentReason {
				t.Errorf("%s/%s Adjustments %q", s.Service, o.SLO, got)
			}
			// excelize writes a number with 15 significant digits, as
			// Excel keeps them: equal to the JSON's within 1e-14 relative.
			got, err := strconv.ParseFloat(cellOf(row, "Raw availability"), 64)
			if err != nil || math.Abs(got-*o.Raw.Availability) > 1e-14*math.Abs(*o.Raw.Availability) {
				t.Errorf("%s/%s raw availability %q, JSON %v", s.Service, o.SLO, cellOf(row, "Raw availability"), *o.Raw.Availability)
			}
			used, err := strconv.ParseFloat(cellOf(row, "Raw budget used"), 64)
			if err != nil || math.Abs(used-*o.Raw.BudgetUsed) > 1e-14*math.Abs(*o.Raw.BudgetUsed) {
				t.Errorf("%s/%s raw budget used %q, JSON %v", s.Service, o.SLO, cellOf(row, "Raw budget used"), *o.Raw.BudgetUsed)
			}
		}
	}
	if adjusted != 3 {
		t.Errorf("%d SLOs adjusted, want 3", adjusted)
	}
	var notes int
	for _, x := range rows {
		if len(x) > 0 && strings.Contains(x[0], "availability") && strings.Contains(x[0], "raw; excluded: "+demoAdjustmentReason) {
			notes++
		}
	}
	if notes != 3 {
		t.Errorf("%d notes on the Services sheet name the adjustment, want 3", notes)
	}
}
