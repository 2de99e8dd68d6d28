package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/report"
)

// parseCmd runs a command built by mk on args with a runF that captures
// nothing: only the flags are parsed and checked.
func parseCmd(t *testing.T, c *cobra.Command, args ...string) error {
	t.Helper()
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	c.SetArgs(args)
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	return c.Execute()
}

func parseCost(t *testing.T, args ...string) (*costOptions, error) {
	t.Helper()
	var got *costOptions
	s, _, _ := testStreams(nil)
	err := parseCmd(t, newCostCmd(&globalOptions{}, s, func(o *costOptions) error { got = o; return nil }), args...)
	return got, err
}

func TestCostFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		format     report.Format
		window     time.Duration
		quarter    string
		whatIf     time.Duration
		errorRatio float64
		step       time.Duration
		gap        time.Duration
		threshold  float64
	}{
		{name: "no flags price the last 30 days as a table (the merge gap of each tier's policy)", format: report.Table},
		{name: "a rolling window takes a Prometheus duration", args: []string{"--window", "90d", "-o", "json"}, format: report.JSON, window: 90 * 24 * time.Hour},
		{name: "a quarter is named", args: []string{"--quarter", "2026-Q3", "-o", "markdown"}, format: report.Markdown, quarter: "2026-Q3"},
		{name: "detection can be tuned", args: []string{"--step", "10m", "--merge-gap", "45m", "--threshold", "6"}, format: report.Table, step: 10 * time.Minute, gap: 45 * time.Minute, threshold: 6},
		{name: "a what-if outage fails every request by default", args: []string{"--service", "checkout", "--what-if", "45m"}, format: report.Table, whatIf: 45 * time.Minute, errorRatio: 1},
		{name: "a what-if outage may fail a share of requests", args: []string{"--service", "checkout", "--what-if", "2h", "--error-ratio", "0.25", "-o", "json"}, format: report.JSON, whatIf: 2 * time.Hour, errorRatio: 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseCost(t, tt.args...)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if o.format != tt.format || o.period.windowLen != tt.window || o.period.quarter != tt.quarter || o.whatIf != tt.whatIf ||
				o.errorRatio != tt.errorRatio || o.det.step != tt.step || o.det.mergeGap != tt.gap || o.det.threshold != tt.threshold {
				t.Errorf("parsed format %s window %s quarter %q what-if %s error ratio %v step %s gap %s threshold %v",
					o.format, o.period.windowLen, o.period.quarter, o.whatIf, o.errorRatio, o.det.step, o.det.mergeGap, o.det.threshold)
			}
		})
	}
}

func TestCostFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown format lists the known ones", []string{"-o", "xlsx"}, `unknown output format "xlsx": use table, wide, json, csv, markdown`},
		{"two periods at once are refused", []string{"--window", "30d", "--quarter", "2026-Q3"}, "give one period: --window, --quarter, --month or --from/--to"},
		{"--to alone is refused", []string{"--to", "2026-09-01T00:00:00Z"}, "--to needs --from"},
		{"a window must be a duration", []string{"--window", "a month"}, `invalid --window "a month": use a duration such as 30d or 90d`},
		{"a quarter must be a quarter", []string{"--quarter", "2026-09"}, `invalid --quarter "2026-09": use a quarter such as 2026-Q3, or quarter for the current one`},
		{"a month must be a month", []string{"--month", "2026-13"}, `invalid --month "2026-13": use a month such as 2026-09, or month for the current one`},
		{"a time zone must exist", []string{"--timezone", "Mars/Olympus"}, `unknown --timezone "Mars/Olympus": use an IANA name such as Europe/Berlin`},
		{"--from must be a time", []string{"--from", "yesterday"}, `invalid --from "yesterday": use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds`},
		{"the step is at least a minute", []string{"--step", "30s"}, "invalid --step 30s: use at least 1m"},
		{"the threshold is a positive burn rate", []string{"--threshold", "0"}, "invalid --threshold 0: use a burn rate above 0, such as 14.4"},
		{"the merge gap is not negative", []string{"--merge-gap", "-5m"}, "invalid --merge-gap -5m0s: use zero or more"},
		{"what-if needs one service", []string{"--what-if", "45m"}, "--what-if prices an outage of one service: give one --service"},
		{"what-if needs exactly one service", []string{"--what-if", "45m", "--service", "a,b"}, "--what-if prices an outage of one service: give one --service"},
		{"what-if takes a duration", []string{"--what-if", "soon", "--service", "a"}, `invalid --what-if "soon": use a duration such as 45m or 2h`},
		{"what-if takes no period", []string{"--what-if", "45m", "--service", "a", "--quarter", "2026-Q3"}, "--what-if prices an outage now: it takes no --quarter"},
		{"what-if takes no incidents file", []string{"--what-if", "45m", "--service", "a", "--incidents", "x.yaml"}, "--what-if prices an outage now: it takes no --incidents"},
		{"what-if writes no csv", []string{"--what-if", "45m", "--service", "a", "-o", "csv"}, "--what-if writes table, json or markdown, not csv"},
		{"the error ratio needs what-if", []string{"--error-ratio", "0.5"}, "--error-ratio needs --what-if"},
		{"the SLOs hit need what-if", []string{"--slo", "availability"}, "--slo needs --what-if"},
		{"the error ratio is at most 1", []string{"--what-if", "45m", "--service", "a", "--error-ratio", "1.5"}, `invalid --error-ratio "1.5": use a ratio above 0 and at most 1, such as 0.25`},
		{"the error ratio is above 0", []string{"--what-if", "45m", "--service", "a", "--error-ratio", "0"}, `invalid --error-ratio "0": use a ratio above 0 and at most 1, such as 0.25`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCost(t, tt.args...)
			assertUsageError(t, err, tt.want)
		})
	}
}

func assertUsageError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Errorf("error %q is not a usage error: no usage hint, wrong exit code", err)
	}
}

func TestReportFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		output string
		file   string
		format report.Format
	}{
		{"a workbook", filepath.Join(dir, "q3.xlsx"), filepath.Join(dir, "q3.xlsx"), report.XLSX},
		{"a CSV file", filepath.Join(dir, "q3.csv"), filepath.Join(dir, "q3.csv"), report.CSV},
		{"a Markdown file", filepath.Join(dir, "q3.md"), filepath.Join(dir, "q3.md"), report.Markdown},
		{"CSV on stdout", "csv", "", report.CSV},
		{"Markdown on stdout", "markdown", "", report.Markdown},
		{"the extension is not case sensitive", filepath.Join(dir, "Q3.XLSX"), filepath.Join(dir, "Q3.XLSX"), report.XLSX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *reportOptions
			s, _, _ := testStreams(nil)
			err := parseCmd(t, newReportCmd(&globalOptions{}, s, func(o *reportOptions) error { got = o; return nil }), "-o", tt.output, "--quarter", "2026-Q3")
			if err != nil {
				t.Fatal(err)
			}
			if got.file != tt.file || got.format != tt.format {
				t.Errorf("file %q format %q, want %q %q", got.file, got.format, tt.file, tt.format)
			}
		})
	}
}

func TestReportFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an output is required", nil, "give -o FILE.xlsx, FILE.csv, FILE.md, csv or markdown"},
		{"an unknown extension is refused", []string{"-o", "q3.pdf"}, `unknown output "q3.pdf": give FILE.xlsx, FILE.csv, FILE.md, csv or markdown`},
		{"json is not a report format", []string{"-o", "json"}, `unknown output "json": give FILE.xlsx, FILE.csv, FILE.md, csv or markdown`},
		{"the directory must exist", []string{"-o", filepath.Join("no", "such", "dir", "q3.xlsx")}, `cannot write "no/such/dir/q3.xlsx": directory "no/such/dir" does not exist`},
		{"periods are checked", []string{"-o", "csv", "--month", "2026-Q3"}, `invalid --month "2026-Q3": use a month such as 2026-09, or month for the current one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := testStreams(nil)
			err := parseCmd(t, newReportCmd(&globalOptions{}, s, func(*reportOptions) error { return nil }), tt.args...)
			assertUsageError(t, err, tt.want)
		})
	}
}

func TestSummaryFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"summaries are per quarter or month", []string{"--window", "30d"}, "unknown flag: --window"},
		{"one period at a time", []string{"--quarter", "2026-Q3", "--month", "2026-09"}, "give one period: --quarter or --month"},
		{"an unknown format lists the known ones", []string{"-o", "xlsx"}, `unknown output format "xlsx": use table, wide, json, csv, markdown`},
		{"a quarter must be a quarter", []string{"--quarter", "Q3"}, `invalid --quarter "Q3": use a quarter such as 2026-Q3, or quarter for the current one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := testStreams(nil)
			c := newSummaryCmd(&globalOptions{}, s, func(*summaryOptions) error { return nil })
			c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
			err := parseCmd(t, c, tt.args...)
			assertUsageError(t, err, tt.want)
		})
	}
}

func TestSummaryFlagsDefaultToTheLastCompleteQuarter(t *testing.T) {
	var got *summaryOptions
	s, _, _ := testStreams(nil)
	if err := parseCmd(t, newSummaryCmd(&globalOptions{}, s, func(o *summaryOptions) error { got = o; return nil })); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)
	p, err := got.period.resolve(at, defaultLastQuarter)
	if err != nil {
		t.Fatal(err)
	}
	prev := got.period.previous(p, defaultLastQuarter)
	if p.Name != "2026-Q2" || prev.Name != "2026-Q1" || got.format != report.Table {
		t.Errorf("period %s, previous %s, format %s; want 2026-Q2, 2026-Q1, table", p.Name, prev.Name, got.format)
	}
}

func TestPeriodsResolve(t *testing.T) {
	at := time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name       string
		args       []string
		def        string
		start, end time.Time
		prevStart  time.Time
	}{
		{"the default window is the 30 days to --at", nil, "30d", at.Add(-30 * 24 * time.Hour), at, at.Add(-60 * 24 * time.Hour)},
		{"a quarter in a time zone starts at its midnight", []string{"--quarter", "2026-Q3", "--timezone", "Europe/Berlin"}, "30d",
			time.Date(2026, 7, 1, 0, 0, 0, 0, berlin), time.Date(2026, 10, 1, 0, 0, 0, 0, berlin), time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)},
		{"the current month", []string{"--month", "month"}, "30d", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"--from alone runs to --at", []string{"--from", "2026-08-01T00:00:00Z"}, "30d", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), at, time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC).Add(-at.Sub(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseCost(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			p, err := o.period.resolve(at, tt.def)
			if err != nil {
				t.Fatal(err)
			}
			prev := o.period.previous(p, tt.def)
			if !p.Start.Equal(tt.start) || !p.End.Equal(tt.end) || !prev.Start.Equal(tt.prevStart) || !prev.End.Equal(p.Start) {
				t.Errorf("period %s to %s (previous from %s to %s), want %s to %s (previous from %s)", p.Start, p.End, prev.Start, prev.End, tt.start, tt.end, tt.prevStart)
			}
		})
	}
	o, _ := parseCost(t, "--from", "2026-08-10T00:00:00Z", "--to", "2026-08-01T00:00:00Z")
	_, err := o.period.resolve(at, "30d")
	if err == nil || err.Error() != "--to 2026-08-01T00:00:00Z is not after --from 2026-08-10T00:00:00Z" {
		t.Errorf("a reversed period: %v", err)
	}
}

// The parse of -o must not create files.
func TestReportParseWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s, _, _ := testStreams(nil)
	if err := parseCmd(t, newReportCmd(&globalOptions{}, s, func(*reportOptions) error { return nil }), "-o", filepath.Join(dir, "q.xlsx")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("parsing wrote %d files", len(entries))
	}
}
