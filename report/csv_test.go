package report

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func TestMachineValues(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	one := 1.0
	yes := true
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, ""},
		{(*float64)(nil), ""},
		{(*bool)(nil), ""},
		{0.9997731909854757, "0.9997731909854757"},
		{&one, "1"},
		{1e-7, "0.0000001"}, // never an exponent
		{123456789.0, "123456789"},
		{math.Copysign(0, -1), "0"},
		{math.NaN(), ""},
		{math.Inf(1), ""},
		{42, "42"},
		{true, "true"},
		{&yes, "true"},
		{false, "false"},
		{amount{7366.574999, "EUR"}, "7366.57"},
		{amount{0.005, "EUR"}, "0.01"}, // half a cent rounds away from zero
		{amount{-0.004, "EUR"}, "0.00"},
		{amount{-12.345, "USD"}, "-12.35"},
		{amount{1234.5, "JPY"}, "1235"},
		{amount{1234.5, "CHF"}, "1234.50"},
		{amount{math.NaN(), "EUR"}, ""},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, berlin), "2026-07-01T00:00:00+02:00"},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), "2026-07-01T00:00:00Z"},
		{time.Time{}, ""},
		{"a\nb", `a\nb`},
	} {
		got, err := machineValue(c.in)
		if err != nil || got != c.want {
			t.Errorf("machineValue(%#v) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := machineValue(struct{}{}); err == nil {
		t.Error("a value of an unknown type is written")
	}
}

func TestMachineTableCatchesMistakes(t *testing.T) {
	m := newMachine(rowKind{"a", []string{"x", "y"}}, rowKind{"b", []string{"y", "z"}})
	m.add("a", 1, 2)
	m.add("b", 3, 4)
	tb, err := m.table()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tb.Columns, ","); got != "table,x,y,z" {
		t.Errorf("columns %s", got)
	}
	if got := strings.Join(tb.Rows[1], ","); got != "b,,3,4" {
		t.Errorf("row %s", got)
	}
	for name, m := range map[string]*machine{
		"too few values":   func() *machine { m := newMachine(rowKind{"a", []string{"x", "y"}}); m.add("a", 1); return m }(),
		"an unknown kind":  func() *machine { m := newMachine(rowKind{"a", []string{"x"}}); m.add("b", 1); return m }(),
		"a column twice":   newMachine(rowKind{"a", []string{"x", "x"}}),
		"a kind twice":     newMachine(rowKind{"a", []string{"x"}}, rowKind{"a", []string{"y"}}),
		"a table column":   newMachine(rowKind{"a", []string{"table"}}, rowKind{"b", []string{"y"}}),
		"an unknown value": func() *machine { m := newMachine(rowKind{"a", []string{"x"}}); m.add("a", []int{1}); return m }(),
	} {
		if _, err := m.table(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestMachineKindsAreDocumented: docs/csv.md lists the columns of every
// kind of row, exactly.
func TestMachineKindsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/csv.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, kinds := range [][]rowKind{costKinds, summaryKinds, reportKinds} {
		for _, k := range kinds {
			line := "| `" + k.name + "` | `" + strings.Join(k.cols, "`, `") + "` |"
			if !strings.Contains(string(b), line) {
				t.Errorf("docs/csv.md lacks\n%s", line)
			}
		}
		// Every kind builds.
		if _, err := newMachine(kinds...).table(); err != nil {
			t.Error(err)
		}
	}
}

// TestMachineHeaderIsFixed: an empty result has the header of a full one.
func TestMachineHeaderIsFixed(t *testing.T) {
	empty, err := (&CostReport{}).Records()
	if err != nil {
		t.Fatal(err)
	}
	full, err := (&CostReport{Period: PeriodInfo{Name: "2026-Q3", TimeZone: "UTC"}, Totals: []CurrencyTotal{{Currency: "EUR", Total: 1}},
		Services: []ServiceCost{{Service: "s", Currency: "EUR", SLOs: []SLOCost{{SLO: "a", DataState: "no_data"}}}}}).Records()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(empty.Columns, ",") != strings.Join(full.Columns, ",") || len(full.Rows) != 4 {
		t.Errorf("%v\n%v\n%d rows", empty.Columns, full.Columns, len(full.Rows))
	}
}

// TestBurnCSVWindows: the default windows are always columns, whatever the
// SLOs' data; another window of a custom policy adds a column after them.
func TestBurnCSVWindows(t *testing.T) {
	r := &BurnReport{SLOs: []SLOStatus{{Service: "a", SLO: "x", DataState: ConditionError}}}
	tb, err := r.Records()
	if err != nil {
		t.Fatal(err)
	}
	want := "burn_rate_5m,burn_rate_30m,burn_rate_1h,burn_rate_2h,burn_rate_6h,burn_rate_1d,burn_rate_3d,exhausted"
	if !strings.Contains(strings.Join(tb.Columns, ","), want) {
		t.Errorf("columns %v lack %s", tb.Columns, want)
	}
	rate := 2.5
	r.SLOs = append(r.SLOs, SLOStatus{Service: "b", SLO: "y", DataState: "ok",
		BurnRates: []BurnRate{{Window: "4h", Seconds: 4 * 3600, BurnRate: &rate}, {Window: "1h", Seconds: 3600}}})
	tb, err = r.Records()
	if err != nil {
		t.Fatal(err)
	}
	cols := strings.Join(tb.Columns, ",")
	if !strings.Contains(cols, "burn_rate_3d,burn_rate_4h,exhausted") {
		t.Errorf("columns %s", cols)
	}
	row := tb.Rows[1]
	for i, c := range tb.Columns {
		if want := map[string]string{"burn_rate_4h": "2.5", "burn_rate_1h": "", "page_firing": "false", "exhausted": "false"}[c]; want != "" && row[i] != want {
			t.Errorf("%s = %q, want %q", c, row[i], want)
		}
	}
}
