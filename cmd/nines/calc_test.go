package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// parseCalc runs the calc constructor on args with a runF that captures the
// options, so nothing is computed.
func parseCalc(t *testing.T, s *streams, args ...string) (*calcOptions, error) {
	t.Helper()
	var got *calcOptions
	c := newCalcCmd(s, func(o *calcOptions) error {
		got = o
		return nil
	})
	c.SetArgs(args)
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	err := c.Execute()
	return got, err
}

func TestCalcFlags(t *testing.T) {
	// Percents are divided by 100 into ratios: 99.95/100 is off from 0.9995
	// in the 16th digit, so ratios are compared within 1e-12.
	const tolerance = 1e-12
	const day = 24 * time.Hour
	tests := []struct {
		name       string
		args       []string
		form       calcForm
		objectives []float64
		downtime   time.Duration
		window     time.Duration
		serial     []float64
		parallel   []float64
		format     report.Format
	}{
		{
			name: "one objective asks for the downtime table as text",
			args: []string{"99.95"},
			form: calcFormObjectives, objectives: []float64{0.9995}, format: report.Table,
		},
		{
			name: "several objectives give one column each",
			args: []string{"99.9", "99.95", "99.99", "-o", "markdown"},
			form: calcFormObjectives, objectives: []float64{0.999, 0.9995, 0.9999}, format: report.Markdown,
		},
		{
			name: "an objective may carry a percent sign",
			args: []string{"99.5%"},
			form: calcFormObjectives, objectives: []float64{0.995}, format: report.Table,
		},
		{
			name: "downtime and window take Prometheus durations",
			args: []string{"--downtime", "43m", "--window", "30d", "-o", "json"},
			form: calcFormDowntime, downtime: 43 * time.Minute, window: 30 * day, format: report.JSON,
		},
		{
			name: "the window of downtime defaults to 30 days",
			args: []string{"--downtime", "1h30m"},
			form: calcFormDowntime, downtime: 90 * time.Minute, window: 30 * day, format: report.Table,
		},
		{
			name: "downtime takes a fraction of a second as Go writes it",
			args: []string{"--downtime", "8.64s", "--window", "1d"},
			form: calcFormDowntime, downtime: 8640 * time.Millisecond, window: day, format: report.Table,
		},
		{
			name: "no downtime at all is allowed",
			args: []string{"--downtime", "0"},
			form: calcFormDowntime, downtime: 0, window: 30 * day, format: report.Table,
		},
		{
			name: "serial and parallel components are comma-separated percents",
			args: []string{"--serial", "99.9,99.95", "--parallel", "99.9,99.9", "-o", "csv"},
			form: calcFormComposite, serial: []float64{0.999, 0.9995}, parallel: []float64{0.999, 0.999}, format: report.CSV,
		},
		{
			name: "serial components may be given one flag each",
			args: []string{"--serial", "99.9", "--serial", "99.95"},
			form: calcFormComposite, serial: []float64{0.999, 0.9995}, format: report.Table,
		},
		{
			name: "a redundant group alone is a composite",
			args: []string{"--parallel", "99,99,99"},
			form: calcFormComposite, parallel: []float64{0.99, 0.99, 0.99}, format: report.Table,
		},
	}
	sameRatios := func(got, want []float64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > tolerance {
				return false
			}
		}
		return true
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := testStreams(nil)
			opts, err := parseCalc(t, s, tt.args...)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if opts.s != s {
				t.Error("options do not carry the command's streams")
			}
			if opts.form != tt.form {
				t.Errorf("form = %v, want %v", opts.form, tt.form)
			}
			if got := ratios(opts.objectives); !sameRatios(got, tt.objectives) {
				t.Errorf("objectives = %v, want %v", got, tt.objectives)
			}
			if opts.downtime != tt.downtime || opts.window != tt.window {
				t.Errorf("downtime, window = %v, %v; want %v, %v", opts.downtime, opts.window, tt.downtime, tt.window)
			}
			if got := ratios(opts.serial); !sameRatios(got, tt.serial) {
				t.Errorf("serial = %v, want %v", got, tt.serial)
			}
			if got := ratios(opts.parallel); !sameRatios(got, tt.parallel) {
				t.Errorf("parallel = %v, want %v", got, tt.parallel)
			}
			if opts.format != tt.format {
				t.Errorf("format = %q, want %q", opts.format, tt.format)
			}
		})
	}
}

func TestCalcFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an objective that is not a number names the argument", []string{"99.9x"}, `invalid objective "99.9x": use a percent such as 99.95`},
		{"the bad objective among several is the one named", []string{"99.9", "abc"}, `invalid objective "abc": use a percent such as 99.95`},
		{"an objective of 100 is refused", []string{"100"}, `invalid objective "100": use a percent above 0 and below 100, such as 99.95`},
		{"an objective above 100 is refused", []string{"150"}, `invalid objective "150": use a percent above 0 and below 100, such as 99.95`},
		{"an objective of 0 is refused", []string{"0"}, `invalid objective "0": use a percent above 0 and below 100, such as 99.95`},
		{"a negative objective is refused", []string{"--", "-5"}, `invalid objective "-5": use a percent above 0 and below 100, such as 99.95`},
		{"NaN is not an objective", []string{"NaN"}, `invalid objective "NaN": use a percent such as 99.95`},
		{"nothing to calculate says what to give", nil, "nothing to calculate: give objectives (nines calc 99.95), --downtime, or --serial/--parallel"},
		{"objectives and downtime at once are refused", []string{"99.9", "--downtime", "43m"}, "give objectives, --downtime or --serial/--parallel, one form at a time"},
		{"downtime and serial at once are refused", []string{"--downtime", "43m", "--serial", "99.9"}, "give objectives, --downtime or --serial/--parallel, one form at a time"},
		{"a window alone is refused", []string{"--window", "30d"}, "--window needs --downtime"},
		{"a window with objectives is refused", []string{"99.9", "--window", "30d"}, "--window needs --downtime"},
		{"a downtime that is not a duration is named", []string{"--downtime", "43 minutes"}, `invalid --downtime "43 minutes": use a duration such as 43m, 1h30m or 2d`},
		{"a negative downtime is refused", []string{"--downtime", "-5m"}, `invalid --downtime "-5m": use a duration such as 43m, 1h30m or 2d`},
		{"a window that is not a duration is named", []string{"--downtime", "43m", "--window", "month"}, `invalid --window "month": use a duration such as 43m, 1h30m or 2d`},
		{"an empty window is refused", []string{"--downtime", "0", "--window", "0"}, `invalid --window "0": must be longer than zero`},
		{"downtime longer than the window is refused", []string{"--downtime", "31d", "--window", "30d"}, "--downtime 31d is longer than --window 30d"},
		{"a bad serial component is named", []string{"--serial", "99.9,high"}, `invalid --serial component "high": use a percent such as 99.95`},
		{"a parallel component of 100 is refused", []string{"--parallel", "99.9,100"}, `invalid --parallel component "100": use a percent above 0 and below 100, such as 99.95`},
		{"an empty serial list is refused", []string{"--serial", ""}, "--serial and --parallel need at least one availability, such as --serial 99.9,99.95"},
		{"an unknown output format lists the known ones", []string{"99.9", "-o", "xlsx"}, `unknown output format "xlsx": use table, json, markdown, csv`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := testStreams(nil)
			_, err := parseCalc(t, s, tt.args...)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Errorf("error %q is not a usage error: no usage hint, wrong exit code", err)
			}
		})
	}
}

// calcFormats maps each output format to its golden file extension.
var calcFormats = []struct {
	format report.Format
	ext    string
}{
	{report.Table, "txt"},
	{report.Markdown, "md"},
	{report.CSV, "csv"},
	{report.JSON, "json"},
}

func TestRunCalcGolden(t *testing.T) {
	forms := []struct {
		name string
		args []string
	}{
		{"objective", []string{"99.95"}},
		{"objectives", []string{"99.9", "99.95", "99.99"}},
		{"downtime", []string{"--downtime", "43m", "--window", "30d"}},
		{"composite", []string{"--serial", "99.9,99.95", "--parallel", "99.9,99.9"}},
		{"serial", []string{"--serial", "99.9,99.9,99.9"}},
	}
	for _, form := range forms {
		for _, f := range calcFormats {
			name := "calc_" + form.name + "." + f.ext
			t.Run(name, func(t *testing.T) {
				s, out, errOut := testStreams(nil)
				opts, err := parseCalc(t, s, append(form.args, "-o", string(f.format))...)
				if err != nil {
					t.Fatal(err)
				}
				if err := runCalc(opts); err != nil {
					t.Fatalf("runCalc: %v", err)
				}
				if errOut.Len() > 0 {
					t.Errorf("unexpected stderr: %q", errOut)
				}
				if f.format == report.JSON && !json.Valid(out.Bytes()) {
					t.Errorf("output is not JSON:\n%s", out)
				}
				golden(t, name, out.Bytes())
			})
		}
	}
}

func TestRunCalcJSON(t *testing.T) {
	// JSON numbers are float64; values are checked within 1e-9, well above
	// the rounding of a percent divided by 100 and well below a printed digit.
	const tolerance = 1e-9
	near := func(got, want float64) bool { return math.Abs(got-want) <= tolerance }

	t.Run("99.9% allows 2629.746 s a month and is 3 nines", func(t *testing.T) {
		var doc struct {
			DowntimeTable struct {
				Convention string `json:"convention"`
				Objectives []struct {
					Objective       float64  `json:"objective"`
					Nines           *float64 `json:"nines"`
					AllowedDowntime []struct {
						Period  string  `json:"period"`
						Seconds float64 `json:"seconds"`
						Human   string  `json:"human"`
					} `json:"allowed_downtime"`
				} `json:"objectives"`
			} `json:"downtime_table"`
		}
		runCalcJSON(t, &doc, "99.9", "-o", "json")
		objs := doc.DowntimeTable.Objectives
		if len(objs) != 1 || objs[0].Nines == nil || !near(*objs[0].Nines, 3) {
			t.Fatalf("objectives = %+v, want one with 3 nines", objs)
		}
		if doc.DowntimeTable.Convention == "" {
			t.Error("the calendar convention is missing")
		}
		for _, p := range objs[0].AllowedDowntime {
			if p.Period == "month" {
				if !near(p.Seconds, 2629.746) || p.Human != "43m 50s" {
					t.Errorf("month = %v s (%s), want 2629.746 s (43m 50s)", p.Seconds, p.Human)
				}
				return
			}
		}
		t.Error("no month in the table")
	})

	t.Run("no downtime is 100% with null nines", func(t *testing.T) {
		var doc struct {
			Availability map[string]any `json:"availability"`
		}
		runCalcJSON(t, &doc, "--downtime", "0", "-o", "json")
		a := doc.Availability
		if a["availability"] != 1.0 || a["availability_percent"] != 100.0 {
			t.Errorf("availability = %v (%v%%), want 1 (100%%)", a["availability"], a["availability_percent"])
		}
		if n, ok := a["nines"]; !ok || n != nil {
			t.Errorf("nines = %v (present: %v), want null", n, ok)
		}
	})

	t.Run("a redundant pair behind a serial chain combines both", func(t *testing.T) {
		var doc struct {
			Composite struct {
				Serial, Parallel, Combined struct {
					Availability        float64   `json:"availability"`
					AvailabilityPercent float64   `json:"availability_percent"`
					ComponentsPercent   []float64 `json:"components_percent"`
				}
				Formula string `json:"formula"`
			} `json:"composite"`
		}
		runCalcJSON(t, &doc, "--serial", "99.9,99.95", "--parallel", "99.9,99.9", "-o", "json")
		c := doc.Composite
		if !near(c.Serial.AvailabilityPercent, 99.85005) || !near(c.Parallel.AvailabilityPercent, 99.9999) {
			t.Errorf("serial, parallel = %v%%, %v%%; want 99.85005%%, 99.9999%%", c.Serial.AvailabilityPercent, c.Parallel.AvailabilityPercent)
		}
		if want := 0.9985005 * 0.999999; !near(c.Combined.Availability, want) {
			t.Errorf("combined = %v, want %v", c.Combined.Availability, want)
		}
		if len(c.Serial.ComponentsPercent) != 2 || c.Serial.ComponentsPercent[1] != 99.95 {
			t.Errorf("serial components = %v, want [99.9 99.95]", c.Serial.ComponentsPercent)
		}
		if !strings.Contains(c.Formula, "A = A_serial x A_parallel") {
			t.Errorf("formula = %q, want the combined formula", c.Formula)
		}
	})
}

func runCalcJSON(t *testing.T, doc any, args ...string) {
	t.Helper()
	s, out, _ := testStreams(nil)
	opts, err := parseCalc(t, s, args...)
	if err != nil {
		t.Fatal(err)
	}
	if err := runCalc(opts); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

func TestRunCalcWarnsOfARatioTakenForAPercent(t *testing.T) {
	s, out, errOut := testStreams(nil)
	opts, err := parseCalc(t, s, "0.999")
	if err != nil {
		t.Fatal(err)
	}
	if err := runCalc(opts); err != nil {
		t.Fatal(err)
	}
	want := "nines: note: 0.999 is read as 0.999%; objectives are percents (for 99.9% write 99.9)\n"
	if errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
	if !strings.Contains(out.String(), "Allowed downtime for 0.999%") {
		t.Errorf("the table is still printed for what was asked; got:\n%s", out)
	}
}

func TestCalcThroughTheRoot(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
		wantOut    string // golden file name; "" when stdout must be empty
	}{
		{
			name:       "a bad objective exits 1 with the error and a usage hint",
			args:       []string{"calc", "99.9x"},
			wantCode:   exitFailure,
			wantStderr: "nines: invalid objective \"99.9x\": use a percent such as 99.95\nRun 'nines calc --help' for usage.\n",
		},
		{
			name:       "an unknown flag exits 1 with a usage hint",
			args:       []string{"calc", "--objective", "99.9"},
			wantCode:   exitFailure,
			wantStderr: "nines: unknown flag: --objective\nRun 'nines calc --help' for usage.\n",
		},
		{
			name:     "a good objective exits 0 and prints the table",
			args:     []string{"calc", "99.95"},
			wantCode: exitOK,
			wantOut:  "calc_objective.txt",
		},
		{
			name:     "--help prints the help with examples for every form",
			args:     []string{"calc", "--help"},
			wantCode: exitOK,
			wantOut:  "calc_help.txt",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, errOut := testStreams(nil)
			if code := run(context.Background(), tt.args, s); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if errOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q\nwant     %q", errOut, tt.wantStderr)
			}
			if tt.wantOut == "" {
				if out.Len() > 0 {
					t.Errorf("unexpected stdout:\n%s", out)
				}
				return
			}
			golden(t, tt.wantOut, out.Bytes())
		})
	}
}
