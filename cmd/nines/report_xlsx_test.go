package main

import (
	"archive/zip"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/internal/officetest"
	"github.com/nines-sre/nines/report"
)

// cent (period_test.go) is also the tolerance of money read back from a
// workbook: the workbook and `cost -o json` compute the same products in the
// same order, so they agree far below a cent; LibreOffice's own arithmetic
// too.

// demoWorkbook writes the demo's Q3 workbook and its `cost -o json`.
func demoWorkbook(t *testing.T) (path string, r report.CostReport) {
	t.Helper()
	demo := filepath.Join("..", "..", "specs/demo/metrics.om.gz")
	if _, err := os.Stat(demo); err != nil {
		t.Skipf("no demo data: %v", err)
	}
	dir := t.TempDir()
	path = filepath.Join(dir, "q3.xlsx")
	args := []string{"--specs", "../../specs", "--source", demo, "--quarter", "2026-Q3", "--at", "2026-10-14T12:00:00Z", "--incidents", "../../specs/incidents/2026-q3.yaml"}
	if code, _, errOut := runCLI(t, dir, append([]string{"report", "-o", path}, args...)...); code != exitOK {
		t.Fatalf("report: exit %d; stderr:\n%s", code, errOut)
	}
	code, out, errOut := runCLI(t, dir, append([]string{"cost", "-o", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("cost: exit %d; stderr:\n%s", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return path, r
}

// costSheet reads the Cost sheet's figures: per service (and "total CUR")
// its lost revenue, labor, opportunity, SLA credits and total.
func costSheet(t *testing.T, path string) map[string][5]float64 {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetCost, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][5]float64{}
	for _, r := range rows[2:] {
		if len(r) < 8 || r[0] == "" {
			continue
		}
		name := r[0]
		if name == "total" {
			name += " " + r[2]
		}
		var v [5]float64
		for i := range v {
			if err := json.Unmarshal([]byte(r[3+i]), &v[i]); err != nil {
				t.Fatalf("Cost %s column %d = %q, not a number", name, 4+i, r[3+i])
			}
		}
		out[name] = v
	}
	return out
}

// TestWorkbookMatchesCostJSON: on the demo's Q3, the workbook's cost cells
// hold the figures of `cost -o json` to the cent, both as written (the
// cached values) and as LibreOffice recalculates them from the formulas
// and the Assumptions sheet.
func TestWorkbookMatchesCostJSON(t *testing.T) {
	soffice := officetest.Soffice(t)
	path, r := demoWorkbook(t)
	want := map[string][5]float64{}
	for _, s := range r.Services {
		if s.Cost != nil {
			want[s.Service] = [5]float64{s.Cost.LostRevenue, s.Cost.Labor, s.Cost.Opportunity, s.Cost.SLACredits, s.Cost.Total}
		}
	}
	for _, c := range r.Totals {
		want["total "+c.Currency] = [5]float64{c.LostRevenue, c.Labor, c.Opportunity, c.SLACredits, c.Total}
	}
	// Without its cached values, the workbook's figures can only come from
	// its formulas: LibreOffice computes every one of them.
	recalculated := officetest.Convert(t, soffice, withoutCachedValues(t, path), "xlsx")
	for name, file := range map[string]string{"cached": path, "recalculated": recalculated} {
		got := costSheet(t, file)
		if len(got) != len(want) {
			t.Errorf("%s: Cost sheet rows %v, want %v", name, got, want)
		}
		for k, w := range want {
			for i := range w {
				if math.Abs(got[k][i]-w[i]) > cent {
					t.Errorf("%s: Cost %s column %d = %.4f, cost -o json %.4f", name, k, 4+i, got[k][i], w[i])
				}
			}
		}
	}
	t.Logf("Q3 total on the demo: %.2f EUR (json), %.2f (recalculated)", want["total EUR"][4], costSheet(t, recalculated)["total EUR"][4])
}

// withoutCachedValues copies a workbook without the cached values of its
// formula cells.
func withoutCachedValues(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := filepath.Join(t.TempDir(), "bare.xlsx")
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(w)
	cached := regexp.MustCompile(`(</f>)<v>[^<]*</v>`)
	stripped := 0
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			stripped += len(cached.FindAll(b, -1))
			b = cached.ReplaceAll(b, []byte("$1"))
		}
		fw, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if stripped < 20 {
		t.Fatalf("only %d formula cells with cached values", stripped)
	}
	return out
}

// TestSummaryPrintsOnOnePage renders the demo workbook's Summary sheet to
// PDF with LibreOffice (the other sheets hidden) and counts one page.
func TestSummaryPrintsOnOnePage(t *testing.T) {
	soffice := officetest.Soffice(t)
	path, _ := demoWorkbook(t)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range report.Sheets[1:] {
		if err := f.SetSheetVisible(s, false); err != nil {
			t.Fatal(err)
		}
	}
	summary := filepath.Join(t.TempDir(), "summary.xlsx")
	if err := f.SaveAs(summary); err != nil {
		t.Fatal(err)
	}
	f.Close()
	pdf := officetest.Convert(t, soffice, summary, "pdf")
	if n := officetest.PDFPages(t, pdf); n != 1 {
		t.Errorf("the Summary prints on %d pages, want 1", n)
	}
}

// TestWorkbookSummaryNamesMissedMonths: on the demo's Q3, search's monthly
// SLO missed July only; the Summary's missed SLOs show that month and its
// availability, as the summary command does, not the quarter's (which met
// the objective).
func TestWorkbookSummaryNamesMissedMonths(t *testing.T) {
	path, r := demoWorkbook(t)
	var july *report.SLOMonth
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			for i, m := range o.Months {
				if s.Service == "search" && m.Month == "2026-07" {
					july = &o.Months[i]
				}
			}
		}
	}
	if july == nil || july.Met == nil || *july.Met || july.Availability == nil {
		t.Fatalf("the demo's search SLO has no missed July in cost -o json: %+v", july)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		if len(row) < 6 || row[0] != "search" || row[1] != "availability" || row[5] != "2026-07" {
			continue
		}
		found = true
		got, err := strconv.ParseFloat(row[3], 64)
		// The cell holds the JSON's float64 (excelize writes 15 significant digits).
		if err != nil || math.Abs(got-*july.Availability) > 1e-12 {
			t.Errorf("achieved %q, want July's %v", row[3], *july.Availability)
		}
	}
	if !found {
		t.Errorf("the Summary sheet does not list search/availability as missed in 2026-07:\n%v", rows)
	}
}
