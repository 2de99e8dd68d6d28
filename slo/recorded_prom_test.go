package slo_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// rulesGroup and rulesFile name the recording rules group the tests
// backfill; Prometheus places a group's evaluations at an offset from the
// interval's grid that hashes both, so they are fixed.
const (
	rulesGroup = "nines-recorded-test"
	rulesFile  = "rules.yml"
)

// recordingRules writes the recorded series of slos as `nines rules` does
// (slo/recorded.go): the SLI's own queries over 5m, every 5m, labelled with
// service, slo and tier.
func recordingRules(slos []slo.SLO) string {
	var b strings.Builder
	fmt.Fprintf(&b, "groups:\n- name: %s\n  interval: %s\n  rules:\n", rulesGroup, slo.PromQLDuration(slo.RecordedInterval))
	for _, s := range slos {
		qs := s.SLI.Queries(slo.RecordedInterval)
		for name, expr := range map[string]string{slo.RecordedBad: qs.Bad, slo.RecordedTotal: qs.Total} {
			fmt.Fprintf(&b, "  - record: %s\n    expr: %s\n    labels: {service: %s, slo: %s, tier: %s}\n",
				name, strconv.Quote(expr), s.Service, s.Name, s.Tier)
		}
	}
	return b.String()
}

// backfillRules evaluates rules over [start, end] against the server at
// url with `promtool tsdb create-blocks-from rules` and returns the
// directory of the blocks it wrote.
func backfillRules(t *testing.T, url, rules string, start, end time.Time) string {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skipf("promtool is not installed: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, rulesFile), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), promtool, "tsdb", "create-blocks-from", "rules", "--quiet",
		"--start", strconv.FormatInt(start.Unix(), 10), "--end", strconv.FormatInt(end.Add(time.Second-1).Unix(), 10), // whole seconds: up to end
		"--url", url, "--output-dir", "blocks", rulesFile)
	cmd.Dir = dir // the file's name as given is part of the group's offset
	begin := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	t.Logf("promtool backfilled the rules in %s", time.Since(begin).Round(time.Millisecond))
	return filepath.Join(dir, "blocks")
}

// copyBlocks copies the TSDB blocks (ULID directories) of each dir into a
// new directory.
func copyBlocks(t *testing.T, dirs ...string) string {
	t.Helper()
	out := t.TempDir()
	ulid := regexp.MustCompile(`^[0-9A-Z]{26}$`)
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() && ulid.MatchString(e.Name()) {
				if err := os.CopyFS(filepath.Join(out, e.Name()), os.DirFS(filepath.Join(dir, e.Name()))); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return out
}

// recordPhase finds where promtool places the records of rulesGroup: their
// offset from the epoch's 5m grid, learnt by backfilling the rules over a
// few samples and reading the first record's time.
func recordPhase(t *testing.T) time.Duration {
	t.Helper()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fam := omtext.Family{Name: "phase_requests", Type: omtext.Counter}
	ser := omtext.Series{Labels: map[string]string{"service": "p"}}
	for i := range 40 {
		ser.Samples = append(ser.Samples, omtext.Sample{T: base.Add(time.Duration(i) * time.Minute), V: float64(i)})
	}
	fam.Series = append(fam.Series, ser)
	var b bytes.Buffer
	if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
		t.Fatal(err)
	}
	srv := promtest.Start(t, b.Bytes())
	s := slo.SLO{Service: "p", Name: "x", Tier: "t", SLI: slo.SLI{Kind: slo.Events,
		Bad: `sum(increase(phase_requests_total[{{.window}}]))`, Total: `sum(increase(phase_requests_total[{{.window}}]))`}}
	blocks := backfillRules(t, srv.URL, recordingRules([]slo.SLO{s}), base.Add(10*time.Minute), base.Add(35*time.Minute))
	h := serveHTTP(t, promtest.Serve(t, copyBlocks(t, blocks)).URL)
	res, err := h.Query(t.Context(), fmt.Sprintf("timestamp(%s)", slo.RecordedTotal), base.Add(35*time.Minute))
	if err != nil || len(res.Samples) != 1 {
		t.Fatalf("no record to learn the phase from: %v %+v", err, res)
	}
	last := time.UnixMilli(int64(math.Round(res.Samples[0].Value * 1000)))
	return time.Duration(last.UnixMilli()%slo.RecordedInterval.Milliseconds()) * time.Millisecond
}

func serveHTTP(t *testing.T, url string) *prom.HTTP {
	t.Helper()
	h, err := prom.NewHTTP(prom.HTTPOptions{URL: url, Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// recordedSpan is how much data the test has: the 1d SLO window, and room
// before it for windows that reach before the records.
const recordedSpan = 36 * time.Hour

// recordedData is 36 hours of one-minute counters on the records' phase:
// "steady" serves 60 to 100 requests a minute with a few errors, "rough"
// has an outage, a counter reset on one instance and an error series that
// counts nothing for its first 20 hours.
func recordedData(end time.Time) []byte {
	fam := omtext.Family{Name: "rec_requests", Type: omtext.Counter}
	n := int(recordedSpan / time.Minute)
	for _, svc := range []string{"steady", "rough"} {
		for _, inst := range []string{"a", "b"} {
			for _, code := range []string{"200", "500"} {
				ser := omtext.Series{Labels: map[string]string{"service": svc, "instance": inst, "code": code}}
				v := 0.0
				for i := range n + 1 {
					switch {
					case code == "200":
						v += float64(60 + (i*7+len(inst))%41)
					case svc == "steady" && i%13 == 0:
						v += 2
					case svc == "rough" && i > n/2 && i < n/2+45:
						v += 90 // the outage
					case svc == "rough" && inst == "a" && i < 20*60:
						// no errors yet
					case svc == "rough" && i%5 == 0:
						v++
					}
					if svc == "rough" && inst == "b" && i == n*3/4 {
						v = 3 // the instance restarted
					}
					ser.Samples = append(ser.Samples, omtext.Sample{T: end.Add(time.Duration(i-n) * time.Minute), V: v})
				}
				fam.Series = append(fam.Series, ser)
			}
		}
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// recordedAlerts are the SRE Workbook's windows up to the SLO window of a
// day: 5m, 30m, 1h, 2h, 6h and 1d (backfilling rules costs promtool about
// a second per rule and 4 days of data, so the test keeps to 36 hours).
var recordedAlerts = []budget.AlertWindow{
	{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page},
	{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: budget.Page},
	{Long: budget.Day, Short: 2 * time.Hour, Factor: 3, Severity: budget.Ticket},
}

func recordedSLOs() []slo.SLO {
	var out []slo.SLO
	for _, svc := range []string{"steady", "rough"} {
		out = append(out, slo.SLO{Service: svc, Name: "availability", Tier: "critical", Objective: 0.999,
			Window: slo.Window{Rolling: budget.Day, Location: time.UTC}, Alerts: recordedAlerts,
			SLI: slo.SLI{Kind: slo.Events,
				Bad:   fmt.Sprintf(`sum(increase(rec_requests_total{service=%q,code="500"}[{{.window}}]))`, svc),
				Total: fmt.Sprintf(`sum(increase(rec_requests_total{service=%q}[{{.window}}]))`, svc)}})
	}
	return out
}

// TestRecordedPathEqualsRaw backfills the recording rules with promtool
// over raw data, loads the blocks into Prometheus and compares the
// recorded path with the raw path: at the records' times (the raw samples
// fall on every record's bounds) every window's counts agree to 1e-9
// relative; between records the recorded path measures the windows ending
// at the last record and says so; where the records do not cover the
// window, auto reads raw data and always fails.
func TestRecordedPathEqualsRaw(t *testing.T) {
	phase := recordPhase(t)
	t.Logf("records fall %s after the 5m grid", phase)
	// The data ends on a record; its samples fall on the records' phase.
	end := time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC).Add(phase)
	start := end.Add(-recordedSpan)
	srv := promtest.Start(t, recordedData(end))
	slos := recordedSLOs()
	// Records from 3 hours after the data starts: a 1d window ending
	// within the first 27 hours reaches before them.
	blocks := backfillRules(t, srv.URL, recordingRules(slos), start.Add(3*time.Hour), end)
	recorded := serveHTTP(t, promtest.Serve(t, copyBlocks(t, srv.DataDir, blocks)).URL)
	ctx := context.Background()

	for _, at := range []time.Time{end, end.Add(-5*time.Hour - 35*time.Minute), start.Add(27 * time.Hour)} {
		raw := slo.Evaluate(ctx, recorded, slos, slo.EvalOptions{At: at, Recorded: slo.RecordedNever})
		fast := slo.Evaluate(ctx, recorded, slos, slo.EvalOptions{At: at, Recorded: slo.RecordedAuto})
		for i := range slos {
			r, f := raw[i], fast[i]
			if r.Err != nil || f.Err != nil || r.SLI.State != slo.DataOK || f.SLI.State != slo.DataOK {
				t.Fatalf("%s at %s: raw %v %s, recorded %v %s", slos[i].ID(), at, r.Err, r.SLI.State, f.Err, f.SLI.State)
			}
			if r.Path != slo.PathRaw || f.Path != slo.PathRecorded || !f.RecordedAt.Equal(at) {
				t.Fatalf("%s at %s: paths %s, %s (%s), records end %s", slos[i].ID(), at, r.Path, f.Path, f.PathReason, f.RecordedAt)
			}
			ms := append([]slo.Measurement{r.SLI}, r.Burn...)
			fs := append([]slo.Measurement{f.SLI}, f.Burn...)
			for j := range ms {
				// Both sum the same integral increments in another order:
				// float rounding only, far below 1e-9.
				for _, c := range []struct {
					what     string
					raw, rec float64
				}{{"total", ms[j].Total, fs[j].Total}, {"bad", ms[j].Bad, fs[j].Bad}} {
					if !near(c.raw, c.rec, 1e-9) {
						t.Errorf("%s at %s over %s: %s raw %v, recorded %v", slos[i].ID(), at, slo.PromQLDuration(ms[j].Window), c.what, c.raw, c.rec)
					}
				}
			}
		}
		if at.Equal(end) && (raw[1].SLI.Bad == 0 || raw[1].SLI.Total == 0) {
			t.Fatalf("the rough service has no errors: %+v", raw[1].SLI)
		}
	}

	// Between two records the windows end at the last one.
	between := slo.Evaluate(ctx, recorded, slos, slo.EvalOptions{At: end.Add(-3 * time.Minute), Recorded: slo.RecordedAuto})
	onRecord := slo.Evaluate(ctx, recorded, slos, slo.EvalOptions{At: end.Add(-5 * time.Minute), Recorded: slo.RecordedNever})
	for i := range slos {
		b, o := between[i], onRecord[i]
		if b.Path != slo.PathRecorded || !b.RecordedAt.Equal(end.Add(-5*time.Minute)) || !strings.Contains(strings.Join(b.Assumptions, "\n"), "2m before the evaluation time") {
			t.Errorf("%s between records: path %s, records end %s, assumptions %q", slos[i].ID(), b.Path, b.RecordedAt, b.Assumptions)
		}
		if !near(b.SLI.Total, o.SLI.Total, 1e-9) || !near(b.Burn[0].Bad, o.Burn[0].Bad, 1e-9) {
			t.Errorf("%s between records: total %v, bad %v; raw at the last record %v, %v", slos[i].ID(), b.SLI.Total, b.Burn[0].Bad, o.SLI.Total, o.Burn[0].Bad)
		}
	}

	// A window reaching before the records: auto reads raw data, always fails.
	early := start.Add(25 * time.Hour)
	auto := slo.Evaluate(ctx, recorded, slos, slo.EvalOptions{At: early, Recorded: slo.RecordedAuto})
	always := slo.Evaluate(ctx, recorded, slos, slo.EvalOptions{At: early, Recorded: slo.RecordedAlways})
	for i := range slos {
		if auto[i].Path != slo.PathRaw || auto[i].Err != nil || !strings.Contains(auto[i].PathReason, "records where its windows need 288") {
			t.Errorf("%s before the records, auto: path %s (%s), err %v", slos[i].ID(), auto[i].Path, auto[i].PathReason, auto[i].Err)
		}
		if always[i].Err == nil || !strings.Contains(always[i].Err.Error(), "--recorded always, but") {
			t.Errorf("%s before the records, always: err %v", slos[i].ID(), always[i].Err)
		}
	}

	// Without recording rules: auto reads raw data, always fails.
	plain := serveHTTP(t, srv.URL)
	auto = slo.Evaluate(ctx, plain, slos, slo.EvalOptions{At: end, Recorded: slo.RecordedAuto})
	always = slo.Evaluate(ctx, plain, slos, slo.EvalOptions{At: end, Recorded: slo.RecordedAlways})
	for i := range slos {
		if auto[i].Path != slo.PathRaw || auto[i].Err != nil || !strings.Contains(auto[i].PathReason, "no recorded series") {
			t.Errorf("%s without rules, auto: path %s (%s), err %v", slos[i].ID(), auto[i].Path, auto[i].PathReason, auto[i].Err)
		}
		if always[i].Err == nil || !strings.Contains(always[i].Err.Error(), "no recorded series "+slo.RecordedTotal) {
			t.Errorf("%s without rules, always: err %v", slos[i].ID(), always[i].Err)
		}
	}
}

// near reports whether a and b agree to rel relative (absolutely, near 0).
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
