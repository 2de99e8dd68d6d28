package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// The columns of every CSV by type (docs/csv.md); every other column is a
// number. A new column must be added here if it is not a number.
var (
	csvTimeColumns = []string{"start", "end", "at", "measured_to", "window_start", "comparison_measured_to", "risks_at"}
	csvBoolColumns = []string{"to_date", "cost_model", "met", "ongoing", "planned", "burning", "exhausted", "page_firing", "ticket_firing",
		"comparison_available", "like_for_like", "low_coverage"}
	csvTextColumns = []string{"table", "period", "service", "slo", "tier", "sli_kind", "window", "data_state", "condition", "currency",
		"owner_team", "owner_contact", "reason", "error", "time_zone", "source", "calendar_convention", "month", "incident_id", "title",
		"incident_source", "peak_slo", "record_file", "component", "item", "message", "main_component", "largest_incident",
		"revenue_impact_by_slo", "sla_slo", "role", "composition", "components", "service_status", "firing_alerts",
		"compared_with", "comparison_reason", "rank_reason", "stats_scope", "adjustments", "path"}
)

// machineCSV is a CSV for tools, read back.
type machineCSV struct {
	header []string
	rows   []map[string]string
}

// kind is the rows whose table column is name.
func (m machineCSV) kind(name string) []map[string]string {
	var out []map[string]string
	for _, r := range m.rows {
		if r[report.TableColumn] == name {
			out = append(out, r)
		}
	}
	return out
}

// readMachineCSV parses out with encoding/csv (every row as long as the
// header) and checks every cell against its column's type: a time is RFC
// 3339, a boolean true or false, a number parses with strconv.ParseFloat;
// any may be empty. The header's columns are unique.
func readMachineCSV(t *testing.T, out string) machineCSV {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not a rectangular CSV: %v\n%.2000s", err, out)
	}
	if len(recs) == 0 {
		t.Fatal("no header row")
	}
	m := machineCSV{header: recs[0]}
	seen := map[string]bool{}
	for _, c := range m.header {
		if seen[c] {
			t.Errorf("column %q twice in %v", c, m.header)
		}
		seen[c] = true
		if c != strings.ToLower(c) || strings.ContainsAny(c, " -") {
			t.Errorf("column %q is not snake_case", c)
		}
	}
	for i, rec := range recs[1:] {
		row := map[string]string{}
		for j, v := range rec {
			c := m.header[j]
			row[c] = v
			if v == "" {
				continue
			}
			switch {
			case slices.Contains(csvTimeColumns, c):
				ts, err := time.Parse(time.RFC3339, v)
				if err != nil || ts.Format(time.RFC3339) != v {
					t.Errorf("row %d, %s: %q is not an RFC 3339 time with its offset", i+1, c, v)
				}
			case slices.Contains(csvBoolColumns, c):
				if v != "true" && v != "false" {
					t.Errorf("row %d, %s: %q is not true or false", i+1, c, v)
				}
			case c == "components":
				for _, p := range strings.Split(v, ";") {
					if _, err := strconv.ParseFloat(p, 64); err != nil {
						t.Errorf("row %d, components: %q is not a list of numbers", i+1, v)
					}
				}
			case slices.Contains(csvTextColumns, c):
			default:
				if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "eE,%") {
					t.Errorf("row %d, %s: %q is not a plain decimal", i+1, c, v)
				}
			}
		}
		m.rows = append(m.rows, row)
	}
	return m
}

// csvNum is a number cell, NaN when empty.
func csvNum(t *testing.T, row map[string]string, col string) float64 {
	t.Helper()
	v, ok := row[col]
	if !ok {
		t.Fatalf("no column %q", col)
	}
	if v == "" {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s: %v", col, err)
	}
	return f
}

// runCSV runs a command that must succeed and returns its stdout.
func runCSV(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("nines %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// The demo's times: one with data (the quarter before it whole), one
// before its data starts.
const (
	demoAt       = "2026-10-14T12:00:00Z"
	demoQuarter  = "2026-Q3"
	emptyAt      = "2026-01-05T00:00:00Z"
	emptyQuarter = "2025-Q4"
)

// TestCSVForTools: every command's CSV parses into numbers, times and
// booleans, with unique columns, and has the same header with data and
// without (the demo before its data starts); values agree with the
// command's JSON.
func TestCSVForTools(t *testing.T) {
	periodic := func(cmd string, quarter bool) func(at, q string) []string {
		return func(at, q string) []string {
			args := []string{cmd, "--source", "demo", "--at", at}
			if quarter {
				args = append(args, "--quarter", q)
			}
			return args
		}
	}
	for _, c := range []struct {
		cmd  string
		args func(at, q string) []string
	}{
		{"burn", periodic("burn", false)},
		{"status", periodic("status", false)},
		{"cost", periodic("cost", true)},
		{"summary", periodic("summary", true)},
		{"report", periodic("report", true)},
	} {
		t.Run(c.cmd, func(t *testing.T) {
			full := readMachineCSV(t, runCSV(t, append(c.args(demoAt, demoQuarter), "-o", "csv")...))
			empty := readMachineCSV(t, runCSV(t, append(c.args(emptyAt, emptyQuarter), "-o", "csv")...))
			if !slices.Equal(full.header, empty.header) {
				t.Errorf("the header changes without data:\nwith    %v\nwithout %v", full.header, empty.header)
			}
			if len(full.rows) == 0 || len(empty.rows) == 0 {
				t.Fatalf("%d rows with data, %d without", len(full.rows), len(empty.rows))
			}
			if !strings.Contains(docsCSV(t), strings.Join(full.header, ",")) {
				t.Errorf("docs/csv.md does not give the header of %s:\n%s", c.cmd, strings.Join(full.header, ","))
			}
			if c.cmd != "report" {
				checkAgainstJSON(t, c.cmd, full, runCSV(t, append(c.args(demoAt, demoQuarter), "-o", "json")...))
			}
		})
	}
}

// TestCSVTimesCarryTheirOffset: with --timezone, cost's times are in that
// zone, with its offset; the incident's instant is the JSON's.
func TestCSVTimesCarryTheirOffset(t *testing.T) {
	args := []string{"cost", "--source", "demo", "--at", demoAt, "--quarter", demoQuarter, "--timezone", "Europe/Berlin", "--service", "checkout"}
	m := readMachineCSV(t, runCSV(t, append(args, "-o", "csv")...))
	p := m.kind("period")
	if len(p) != 1 || p[0]["start"] != "2026-07-01T00:00:00+02:00" || p[0]["end"] != "2026-10-01T00:00:00+02:00" || p[0]["time_zone"] != "Europe/Berlin" {
		t.Errorf("period %v", p)
	}
	var r report.CostReport
	mustJSON(t, runCSV(t, append(args, "-o", "json")...), &r)
	inc := m.kind("incidents")
	if len(inc) == 0 || len(inc) != len(r.Incidents) {
		t.Fatalf("%d incidents, JSON %d", len(inc), len(r.Incidents))
	}
	start, _ := time.Parse(time.RFC3339, inc[0]["start"])
	if _, off := start.Zone(); off != 2*3600 || !start.Equal(r.Incidents[0].Start) {
		t.Errorf("start %s, JSON %s", inc[0]["start"], r.Incidents[0].Start)
	}
}

// docsCSV is docs/csv.md.
func docsCSV(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "csv.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkAgainstJSON compares values of a command's CSV with its JSON. Ratios,
// seconds and counts are exact: the CSV writes the shortest decimal of the
// same float64 (seconds from minutes are minutes x 60 on both sides).
// Amounts are rounded to the cent in the CSV: within half a cent.
func checkAgainstJSON(t *testing.T, cmd string, m machineCSV, js string) {
	t.Helper()
	const halfCent = 0.005 + 1e-9
	exact := func(what string, got float64, want *float64) {
		t.Helper()
		if want == nil {
			if !math.IsNaN(got) {
				t.Errorf("%s: CSV %v, JSON null", what, got)
			}
			return
		}
		if got != *want {
			t.Errorf("%s: CSV %v, JSON %v", what, got, *want)
		}
	}
	switch cmd {
	case "burn":
		var r report.BurnReport
		mustJSON(t, js, &r)
		if len(r.SLOs) != len(m.rows) || len(r.SLOs) < 5 {
			t.Fatalf("%d rows, %d SLOs in JSON", len(m.rows), len(r.SLOs))
		}
		for i, s := range r.SLOs {
			row := m.rows[i]
			what := s.Service + "/" + s.SLO
			exact(what+" availability", csvNum(t, row, "availability"), s.Availability)
			exact(what+" budget_left_ratio", csvNum(t, row, "budget_left_ratio"), s.BudgetLeft)
			exact(what+" exhausted_in_seconds", csvNum(t, row, "exhausted_in_seconds"), s.TimeToExhaustionSeconds)
			if s.BudgetLeftMinutes != nil {
				sec := *s.BudgetLeftMinutes * 60
				exact(what+" budget_left_seconds", csvNum(t, row, "budget_left_seconds"), &sec)
			}
			if s.BudgetLeftCost != nil && math.Abs(csvNum(t, row, "budget_left_cost")-*s.BudgetLeftCost) > halfCent {
				t.Errorf("%s budget_left_cost: CSV %s, JSON %v", what, row["budget_left_cost"], *s.BudgetLeftCost)
			}
			if at, _ := time.Parse(time.RFC3339, row["at"]); !at.Equal(s.At) || row["currency"] != s.Currency {
				t.Errorf("%s: at %s currency %q, JSON %s %q", what, row["at"], row["currency"], s.At, s.Currency)
			}
		}
	case "status":
		var r report.StatusReport
		mustJSON(t, js, &r)
		i := 0
		for _, svc := range r.Services {
			for _, s := range svc.SLOs {
				row := m.rows[i]
				i++
				if row["service"] != svc.Service || row["service_status"] != svc.Status || row["slo"] != s.SLO || row["condition"] != s.Condition {
					t.Errorf("row %d: %v, JSON %s %s %s %s", i, row, svc.Service, svc.Status, s.SLO, s.Condition)
				}
				exact(svc.Service+"/"+s.SLO+" availability", csvNum(t, row, "availability"), s.Availability)
			}
		}
		if i != len(m.rows) {
			t.Errorf("%d rows, %d SLOs in JSON", len(m.rows), i)
		}
	case "cost":
		var r report.CostReport
		mustJSON(t, js, &r)
		svcs := m.kind("services")
		if len(svcs) != len(r.Services) || len(m.kind("incidents")) != len(r.Incidents) || len(r.Incidents) == 0 {
			t.Fatalf("%d services and %d incidents, JSON %d and %d", len(svcs), len(m.kind("incidents")), len(r.Services), len(r.Incidents))
		}
		for i, s := range r.Services {
			if got := csvNum(t, svcs[i], "total"); s.Cost == nil || math.Abs(got-s.Cost.Total) > halfCent {
				t.Errorf("%s total: CSV %v, JSON %+v", s.Service, got, s.Cost)
			}
		}
		for i, inc := range r.Incidents {
			row := m.kind("incidents")[i]
			start, _ := time.Parse(time.RFC3339, row["start"])
			if row["incident_id"] != inc.ID || !start.Equal(inc.Start) || csvNum(t, row, "duration_seconds") != inc.DurationSeconds {
				t.Errorf("incident %d: %v, JSON %s %s %v", i, row, inc.ID, inc.Start, inc.DurationSeconds)
			}
		}
		var sum float64
		for _, l := range m.kind("cost_lines") {
			sum += csvNum(t, l, "amount")
		}
		// The lines sum to the total within half a cent per line (each is rounded).
		if total := r.Totals[0].Total; math.Abs(sum-total) > halfCent*float64(len(m.kind("cost_lines"))) {
			t.Errorf("cost lines sum to %v, total %v", sum, total)
		}
	case "summary":
		var s report.Summary
		mustJSON(t, js, &s)
		tot := m.kind("totals")
		if len(tot) != 1 || math.Abs(csvNum(t, tot[0], "total")-s.Totals[0].Total) > halfCent {
			t.Errorf("totals %v, JSON %+v", tot, s.Totals)
		}
		slos := m.kind("slos")
		i := 0
		for _, svc := range s.Services {
			for _, o := range svc.SLOs {
				exact(svc.Service+"/"+o.SLO+" availability", csvNum(t, slos[i], "availability"), o.Achieved)
				exact(svc.Service+"/"+o.SLO+" availability_change", csvNum(t, slos[i], "availability_change"), o.Change)
				i++
			}
		}
	}
}

func mustJSON(t *testing.T, js string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(js), v); err != nil {
		t.Fatalf("JSON: %v", err)
	}
}

// TestReportCSVIsCostCSVAndMore: report's CSV has cost's rows for the same
// period (the same totals, to the cent), the tiers, a row per SLO and day,
// and the cost models; -o FILE.csv writes the same bytes as -o csv.
func TestReportCSVIsCostCSVAndMore(t *testing.T) {
	args := []string{"--source", "demo", "--at", demoAt, "--quarter", demoQuarter}
	out := runCSV(t, append([]string{"report", "-o", "csv"}, args...)...)
	rep := readMachineCSV(t, out)
	cost := readMachineCSV(t, runCSV(t, append([]string{"cost", "-o", "csv"}, args...)...))
	for _, kind := range []string{"period", "totals", "services", "slos", "incidents", "cost_lines"} {
		a, b := rep.kind(kind), cost.kind(kind)
		if len(a) != len(b) || len(a) == 0 {
			t.Errorf("%s: %d rows in report, %d in cost", kind, len(a), len(b))
			continue
		}
		for i := range a {
			for c, v := range b[i] {
				if a[i][c] != v {
					t.Errorf("%s row %d, %s: report %q, cost %q", kind, i, c, a[i][c], v)
				}
			}
		}
	}
	days := rep.kind("daily")
	// Five SLOs over the 92 days of the quarter.
	if len(days) != 5*92 || len(rep.kind("tiers")) == 0 || len(rep.kind("cost_models")) == 0 || len(rep.kind("responders")) == 0 {
		t.Errorf("%d daily rows, %d tiers, %d cost models, %d responders", len(days), len(rep.kind("tiers")), len(rep.kind("cost_models")), len(rep.kind("responders")))
	}
	if days[0]["start"] != "2026-07-01T00:00:00Z" || days[0]["end"] != "2026-07-02T00:00:00Z" {
		t.Errorf("first day %s to %s", days[0]["start"], days[0]["end"])
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "q3.csv")
	code, _, errOut := runCLI(t, dir, append([]string{"report", "-o", path}, args...)...)
	if code != exitOK || !strings.HasSuffix(errOut, "wrote TMP/q3.csv: "+strconv.Itoa(len(rep.rows))+" rows, 2026-Q3\n") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != out {
		t.Errorf("the file differs from -o csv (%v)", err)
	}
}

// TestCalcCSVForTools: each form of calc writes one table of numbers whose
// header does not depend on how many objectives or components are given;
// the seconds are the JSON's.
func TestCalcCSVForTools(t *testing.T) {
	forms := []struct {
		name       string
		args, more []string
	}{
		{"objectives", []string{"99.95"}, []string{"99.9", "99.95", "99.99"}},
		{"downtime", []string{"--downtime", "43m", "--window", "30d"}, []string{"--downtime", "1h", "--window", "1w"}},
		{"composite", []string{"--serial", "99.9,99.95"}, []string{"--serial", "99.9,99.95", "--parallel", "99.9,99.9"}},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			one := readMachineCSV(t, runCSV(t, append(append([]string{"calc"}, f.args...), "-o", "csv")...))
			more := readMachineCSV(t, runCSV(t, append(append([]string{"calc"}, f.more...), "-o", "csv")...))
			if !slices.Equal(one.header, more.header) {
				t.Errorf("header %v, then %v", one.header, more.header)
			}
			if !strings.Contains(docsCSV(t), strings.Join(one.header, ",")) {
				t.Errorf("docs/csv.md does not give the header of calc %s:\n%s", f.name, strings.Join(one.header, ","))
			}
			var r report.CalcResult
			mustJSON(t, runCSV(t, append(append([]string{"calc"}, f.more...), "-o", "json")...), &r)
			switch {
			case r.DowntimeTable != nil:
				i := 0
				for _, o := range r.DowntimeTable.Objectives {
					for _, p := range o.AllowedDowntime {
						row := more.rows[i]
						i++
						if csvNum(t, row, "objective") != o.Objective || row["period"] != p.Period || csvNum(t, row, "allowed_downtime_seconds") != p.Seconds {
							t.Errorf("row %d: %v, JSON %v %s %v", i, row, o.Objective, p.Period, p.Seconds)
						}
					}
				}
				if i != len(more.rows) || i != 21 {
					t.Errorf("%d rows, %d in JSON", len(more.rows), i)
				}
			case r.Availability != nil:
				if csvNum(t, more.rows[0], "availability") != r.Availability.Availability || csvNum(t, more.rows[0], "downtime_seconds") != 3600 {
					t.Errorf("%v, JSON %+v", more.rows[0], r.Availability)
				}
			case r.Composite != nil:
				if len(more.rows) != 3 || csvNum(t, more.rows[2], "availability") != r.Composite.Combined.Availability ||
					more.rows[0]["components"] != "0.999;0.9995" {
					t.Errorf("%v, JSON %+v", more.rows, r.Composite)
				}
			}
		})
	}
}
