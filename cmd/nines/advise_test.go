package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/report"
)

// adviseDemo runs advise on the demo with extra args and decodes its JSON.
func adviseDemo(t *testing.T, args ...string) *report.Advice {
	t.Helper()
	code, out, errOut := runCLI(t, "", append(append([]string{"advise", "-o", "json"}, args...), demoArgs...)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var a report.Advice
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// TestAdviseDemoGolden: the advisor's table on the demo, over the four
// quarters to 2026-Q3 (the last complete one at the demo's --at).
func TestAdviseDemoGolden(t *testing.T) {
	for _, f := range []struct{ format, name string }{{"table", "advise_demo.txt"}, {"csv", "advise_demo.csv"}} {
		t.Run(f.format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"advise", "-o", f.format}, demoArgs...)...)
			if code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, errOut)
			}
			if !strings.Contains(errOut, "the last complete quarter, 2026-Q3") {
				t.Errorf("stderr does not name the quarter: %q", errOut)
			}
			golden(t, f.name, []byte(out))
		})
	}
}

// TestAdviseDemoStory: the demo's specs tell a story the advice must
// keep: checkout's availability is held at its SLA floor, the mobile
// network caps search at 99.9%, and the gateway's premium plan pays.
func TestAdviseDemoStory(t *testing.T) {
	a := adviseDemo(t)
	if len(a.Periods) != 4 || a.Periods[0].Name != "2025-Q4" || a.Periods[3].Name != "2026-Q3" {
		t.Fatalf("periods %+v, want 2025-Q4 to 2026-Q3", a.Periods)
	}
	got := map[string]report.SLOAdvice{}
	for _, s := range a.SLOs {
		got[s.Service+"/"+s.SLO] = s
	}
	co := got["checkout/availability"]
	if co.SLAFloor == nil || *co.SLAFloor != 0.9995 || co.Recommended == nil || *co.Recommended != 0.9995 || co.Change != report.ChangeKeep {
		t.Errorf("checkout/availability: floor %v, recommended %v, change %q; want kept at the 99.95%% floor", co.SLAFloor, co.Recommended, co.Change)
	}
	se := got["search/availability"]
	if se.Ceiling == nil || se.Ceiling.Availability != 0.999 {
		t.Fatalf("search ceiling %+v, want the mobile network's 99.9%%", se.Ceiling)
	}
	for _, c := range se.Candidates {
		if above := c.Objective > 0.999+1e-12; above != strings.Contains(strings.Join(c.Flags, ";"), report.FlagAboveCeiling) {
			t.Errorf("search %v: flags %v", c.Objective, c.Flags)
		}
	}
	if pg := got["payments-gateway/reachability"]; pg.Recommended == nil || *pg.Recommended != 0.9995 || pg.Change != report.ChangeRaise {
		t.Errorf("payments-gateway: recommended %v, change %q; want a raise to 99.95%%", pg.Recommended, pg.Change)
	}
	// Every recommended total is the least of its eligible candidates, and
	// the total is the sum of its four figures (to the cent: one code path).
	for id, s := range got {
		for _, c := range s.Candidates {
			sum := c.DowntimeCost.Value + c.Labor.Value + c.SLACredits.Value
			if c.ReliabilityCost != nil {
				sum += c.ReliabilityCost.Value
			}
			if math.Abs(sum-c.Total.Value) > 0.005 {
				t.Errorf("%s %v: total %v, figures sum to %v", id, c.Objective, c.Total.Value, sum)
			}
			if s.Recommended != nil && c.Eligible && c.Total.Value < recommendedTotal(s)-0.005 {
				t.Errorf("%s: %v costs %v, less than the recommended %v", id, c.Objective, c.Total.Value, *s.Recommended)
			}
		}
	}
	// The summary of the same quarters links to the advice with the same count.
	code, out, errOut := runCLI(t, "", append([]string{"summary", "-o", "json", "--quarter", "2026-Q3", "--quarters", "4"}, demoArgs...)...)
	if code != exitOK {
		t.Fatalf("summary: exit %d; stderr:\n%s", code, errOut)
	}
	var s struct {
		Advice *report.AdviceLink `json:"advice"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Advice == nil || s.Advice.Changes != a.Changes || s.Advice.SLOs != len(a.SLOs) || a.Changes == 0 {
		t.Errorf("summary's advice %+v; advise has %d changes of %d SLOs", s.Advice, a.Changes, len(a.SLOs))
	}
}

func recommendedTotal(s report.SLOAdvice) float64 {
	for _, c := range s.Candidates {
		if c.Recommended {
			return c.Total.Value
		}
	}
	return math.Inf(1)
}

// TestAdviseWorkbookReadsBack: advise -o FILE.xlsx and report --advice
// write the Advice sheet; read back, its rows hold the JSON's figures and
// each total is a formula over the row's four components.
func TestAdviseWorkbookReadsBack(t *testing.T) {
	a := adviseDemo(t, "--service", "checkout")
	dir := t.TempDir()
	advice := filepath.Join(dir, "advice.xlsx")
	code, _, errOut := runCLI(t, dir, append([]string{"advise", "--service", "checkout", "-o", advice}, demoArgs...)...)
	if code != exitOK || !strings.Contains(errOut, "wrote TMP/advice.xlsx: 2 SLOs advised") {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	book := filepath.Join(dir, "q3.xlsx")
	code, _, errOut = runCLI(t, dir, append([]string{"report", "--service", "checkout", "--advice", "-o", book}, demoArgs...)...)
	if code != exitOK || !strings.Contains(errOut, "wrote TMP/q3.xlsx: "+strconv.Itoa(len(report.Sheets)+1)+" sheets") {
		t.Fatalf("report --advice: exit %d; stderr:\n%s", code, errOut)
	}
	for _, path := range []string{advice, book} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(report.SheetAdvice, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[1] {
				col[h] = i
			}
			n := 0
			for _, s := range a.SLOs {
				n += len(s.Candidates)
			}
			if len(rows) < 2+n {
				t.Fatalf("%d rows, want a title, a header and %d candidates", len(rows), n)
			}
			i := 2
			for _, s := range a.SLOs {
				for _, c := range s.Candidates {
					r := rows[i]
					cellName, _ := excelize.CoordinatesToCellName(col["Total"]+1, i+1)
					fm, _ := f.GetCellFormula(report.SheetAdvice, cellName)
					if r[col["Service"]] != s.Service || r[col["SLO"]] != s.SLO || !strings.HasPrefix(fm, "SUM(") {
						t.Errorf("row %d: %v %v, total formula %q", i+1, r[col["Service"]], r[col["SLO"]], fm)
					}
					for _, x := range []struct {
						name string
						want float64
					}{{"Objective", c.Objective}, {"Downtime cost", c.DowntimeCost.Value}, {"Labor", c.Labor.Value}, {"SLA credits", c.SLACredits.Value}, {"Total", c.Total.Value}} {
						v, err := strconv.ParseFloat(r[col[x.name]], 64)
						// The sheet holds the same float64 the JSON does.
						if err != nil || math.Abs(v-x.want) > 1e-9*math.Max(1, math.Abs(x.want)) {
							t.Errorf("row %d %s = %q, want %v", i+1, x.name, r[col[x.name]], x.want)
						}
					}
					if want := map[bool]string{true: "yes", false: "no"}[c.Recommended]; r[col["Advised"]] != want {
						t.Errorf("row %d Advised %q, want %q", i+1, r[col["Advised"]], want)
					}
					if r[col["Downtime cost formula"]] != c.DowntimeCost.Formula {
						t.Errorf("row %d formula %q, want %q", i+1, r[col["Downtime cost formula"]], c.DowntimeCost.Formula)
					}
					i++
				}
			}
		})
	}
}

func TestAdviseFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"advise", "--quarters", "0"}, "--quarters must be between 1 and 12, not 0"},
		{[]string{"advise", "-o", "yaml"}, "yaml"},
		{[]string{"advise", "-o", "/no/such/dir/a.xlsx"}, `cannot write "/no/such/dir/a.xlsx": directory "/no/such/dir" does not exist`},
		{[]string{"report", "--advice", "-o", "csv"}, "--advice adds a sheet to the workbook: give -o FILE.xlsx"},
	} {
		code, _, errOut := runCLI(t, "", append(c.args, demoArgs...)...)
		if code != exitFailure || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want a usage error %q", c.args, code, errOut, c.want)
		}
	}
	code, out, _ := runCLI(t, "", "advise", "--help")
	if code != exitOK || !strings.Contains(out, "Examples:") {
		t.Fatalf("advise --help: exit %d:\n%s", code, out)
	}
	own, _, _ := strings.Cut(out, "Global Flags:")
	golden(t, "advise_help.txt", []byte(own))
}
