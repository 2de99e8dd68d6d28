package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// gateAt is when the first gate of a test evaluates.
var gateAt = time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)

// The standard tier decides on the last known good evaluation when the
// source fails, and blocks without one (fallback closed).
const gateTiers = `version: nines/v1
tiers:
  standard:
    objective: 99
    window: 30d
    no_data: warn
    gate:
      on_error: last_known_good
      max_staleness: 1h
      fallback: closed
`

const gateSearch = `version: nines/v1
service: search
tier: standard
owner: {team: discovery}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(search_bad_total[{{.window}}]))
        total: sum(increase(search_total[{{.window}}]))
`

// gateCatalog loads the specs above.
func gateCatalog(t *testing.T) *slo.Catalog {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"tiers.yaml": gateTiers, "search.yaml": gateSearch} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

var fakeQueryRE = regexp.MustCompile(`search(_bad)?_total\[`)

// fakeSource answers the search SLO's queries with the same error ratio
// over every window, out of a million events; with err set, every query
// fails with it.
type fakeSource struct {
	ratio float64
	err   error
}

func (f fakeSource) Query(_ context.Context, query string, _ time.Time) (slo.Result, error) {
	if f.err != nil {
		return slo.Result{}, f.err
	}
	m := fakeQueryRE.FindStringSubmatch(query)
	if m == nil {
		return slo.Result{}, fmt.Errorf("fake source: unexpected query %q", query)
	}
	v := 1e6
	if m[1] != "" {
		v *= f.ratio
	}
	return slo.Result{Samples: []slo.Sample{{Value: v}}}, nil
}

func (f fakeSource) QueryRange(context.Context, string, time.Time, time.Time, time.Duration) (slo.RangeResult, error) {
	return slo.RangeResult{}, errors.New("fake source: the gate makes no range queries")
}

func (f fakeSource) String() string { return "fake" }

// gateEnv is an Env over src at at, with the clock three seconds later.
func gateEnv(cat *slo.Catalog, src app.Source, at time.Time) *app.Env {
	return &app.Env{Catalog: cat, Source: src, At: at, Now: func() time.Time { return at.Add(3 * time.Second) }}
}

// readAudit returns the decisions in the audit log, one a line.
func readAudit(t *testing.T, path string) []report.GateDecision {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []report.GateDecision
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var d report.GateDecision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, d)
	}
	return out
}

// closeTo compares budgets computed from exact fractions: 1e-9 absolute is
// float rounding, far below any budget difference that matters.
func closeTo(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestGateLiveRefreshesTheCacheAndIsAudited(t *testing.T) {
	cat := gateCatalog(t)
	cache, audit := t.TempDir(), filepath.Join(t.TempDir(), "audit.jsonl")
	req := app.GateRequest{ID: "live-1", Service: "search", ChangeType: slo.ChangeNormal, CacheDir: cache, AuditLog: audit}

	// 0.1% errors at 99%: 90% of the budget left.
	doc, err := app.Gate(context.Background(), gateEnv(cat, fakeSource{ratio: 0.001}, gateAt), req)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Verdict != report.VerdictAllow || doc.ExitCode != 0 || doc.Fallback.Path != report.FallbackNone || doc.Source != "fake" {
		t.Errorf("decision %s, exit %d, fallback %s, source %q: want allow, 0, none, fake", doc.Verdict, doc.ExitCode, doc.Fallback.Path, doc.Source)
	}
	if len(doc.SLOs) != 1 || doc.SLOs[0].Evaluation != "live" || doc.SLOs[0].BudgetLeft == nil || !closeTo(*doc.SLOs[0].BudgetLeft, 0.9) {
		t.Errorf("SLOs %+v: want availability evaluated live with 90%% left", doc.SLOs)
	}
	if !doc.Time.Equal(gateAt.Add(3 * time.Second)) {
		t.Errorf("decision time %s: want the clock's", doc.Time)
	}

	c, err := gate.Cache{Dir: cache}.Load("search")
	if err != nil || c == nil {
		t.Fatalf("cache after a live evaluation: %+v, %v", c, err)
	}
	if o, ok := c.SLOs["availability"]; !ok || !o.At.Equal(gateAt) || !closeTo(o.BudgetLeft, 0.9) {
		t.Errorf("cached availability %+v: want 90%% left evaluated at %s", o, gateAt)
	}

	recs := readAudit(t, audit)
	if len(recs) != 1 || recs[0].ID != "live-1" || recs[0].Verdict != report.VerdictAllow || recs[0].Service != "search" {
		t.Fatalf("audit log %+v: want one allow of search with id live-1", recs)
	}
}

func TestGateDecidesOnTheCacheWhenTheSourceFails(t *testing.T) {
	down := errors.New("connection refused")
	tests := []struct {
		name string
		env  func(cat *slo.Catalog, at time.Time) *app.Env
	}{
		{
			name: "every query fails",
			env: func(cat *slo.Catalog, at time.Time) *app.Env {
				return gateEnv(cat, fakeSource{err: down}, at)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := gateCatalog(t)
			cache, audit := t.TempDir(), filepath.Join(t.TempDir(), "audit.jsonl")
			req := app.GateRequest{Service: "search", ChangeType: slo.ChangeNormal, CacheDir: cache, AuditLog: audit}
			later := gateAt.Add(10 * time.Minute)

			// Without a last known good evaluation the policy falls back closed.
			req.ID = "cold"
			cold, err := app.Gate(context.Background(), tt.env(cat, later), req)
			if err != nil {
				t.Fatal(err)
			}
			if cold.Verdict != report.VerdictBlock || cold.ExitCode != app.ExitBlocked || cold.Fallback.Path != report.FallbackFailClosed {
				t.Errorf("without a cache: %s, exit %d, fallback %s; want block, 3, fail_closed", cold.Verdict, cold.ExitCode, cold.Fallback.Path)
			}

			// A live evaluation fills the cache; ten minutes later the
			// source fails and the decision takes the cached one.
			req.ID = "live"
			if _, err := app.Gate(context.Background(), gateEnv(cat, fakeSource{ratio: 0.001}, gateAt), req); err != nil {
				t.Fatal(err)
			}
			req.ID = "warm"
			doc, err := app.Gate(context.Background(), tt.env(cat, later), req)
			if err != nil {
				t.Fatal(err)
			}
			// A last_known_good decision always warns.
			if doc.Verdict != report.VerdictWarn || doc.ExitCode != 0 || doc.Fallback.Path != report.FallbackLastKnownGood ||
				doc.Fallback.Cache == nil || *doc.Fallback.Cache != "fresh" {
				t.Errorf("with a fresh cache: %s, exit %d, fallback %+v; want warn, 0, last_known_good from a fresh cache", doc.Verdict, doc.ExitCode, doc.Fallback)
			}
			if doc.Fallback.CacheAgeSeconds == nil || *doc.Fallback.CacheAgeSeconds != 600 {
				t.Errorf("cache age %v, want 600 seconds", doc.Fallback.CacheAgeSeconds)
			}
			s := doc.SLOs[0]
			if s.Evaluation != "cache" || !s.EvaluatedAt.Equal(gateAt) || s.BudgetLeft == nil || !closeTo(*s.BudgetLeft, 0.9) {
				t.Errorf("SLO %+v: want the cached evaluation of %s, 90%% left", s, gateAt)
			}
			if doc.Fallback.Error == nil || *doc.Fallback.Error == "" {
				t.Error("the source's error is not recorded")
			}

			// A failed evaluation leaves the cache as it was.
			c, err := gate.Cache{Dir: cache}.Load("search")
			if err != nil || c == nil || !c.SLOs["availability"].At.Equal(gateAt) {
				t.Errorf("cache after a failed evaluation: %+v, %v; want the evaluation of %s", c, err, gateAt)
			}

			recs := readAudit(t, audit)
			if len(recs) != 3 {
				t.Fatalf("%d audit lines, want 3", len(recs))
			}
			for i, want := range []struct{ id, verdict, path string }{
				{"cold", report.VerdictBlock, report.FallbackFailClosed},
				{"live", report.VerdictAllow, report.FallbackNone},
				{"warm", report.VerdictWarn, report.FallbackLastKnownGood},
			} {
				if r := recs[i]; r.ID != want.id || r.Verdict != want.verdict || r.Fallback.Path != want.path {
					t.Errorf("audit line %d: %s %s %s, want %s %s %s", i+1, r.ID, r.Verdict, r.Fallback.Path, want.id, want.verdict, want.path)
				}
			}
		})
	}
}

func TestGateSelectionErrors(t *testing.T) {
	cat := gateCatalog(t)
	tests := []struct {
		name string
		req  app.GateRequest
		want string
	}{
		{"an unknown service lists the known ones", app.GateRequest{Service: "nope"},
			`unknown service "nope": the specs define search`},
		{"an unknown SLO lists the service's", app.GateRequest{Service: "search", SLOs: []string{"latency"}},
			`unknown SLO "latency" of service search: it has availability`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audit := filepath.Join(t.TempDir(), "audit.jsonl")
			tt.req.AuditLog = audit
			doc, err := app.Gate(context.Background(), gateEnv(cat, fakeSource{ratio: 0.001}, gateAt), tt.req)
			var se *app.SelectionError
			if !errors.As(err, &se) || err.Error() != tt.want || doc != nil {
				t.Fatalf("got %v, %v; want the selection error %q and no decision", doc, err, tt.want)
			}
			if _, err := os.Stat(audit); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed selection wrote the audit log: %v", err)
			}
		})
	}
}

func TestGateReturnsTheDecisionItCouldNotRecord(t *testing.T) {
	cat := gateCatalog(t)
	// The audit log's directory is a file: the log cannot be created.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	req := app.GateRequest{ID: "lost", Service: "search", AuditLog: filepath.Join(blocker, "audit.jsonl")}
	doc, err := app.Gate(context.Background(), gateEnv(cat, fakeSource{ratio: 0.001}, gateAt), req)
	if err == nil || doc == nil || doc.ID != "lost" {
		t.Fatalf("got %v, %v; want the decision and an error", doc, err)
	}
	if want := "decision lost was not recorded: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
}

// report spells the gate's verdicts and paths as package gate does: the
// rendering compares with its own constants.
func TestReportSpellsTheGateValues(t *testing.T) {
	if !slices.Equal(report.GateVerdicts, []string{string(gate.Allow), string(gate.Warn), string(gate.Block)}) {
		t.Errorf("report.GateVerdicts %v", report.GateVerdicts)
	}
	paths := []string{string(gate.PathNone), string(gate.PathFailClosed), string(gate.PathFailOpen), string(gate.PathLastKnownGood)}
	if !slices.Equal(report.GateFallbackPaths, paths) {
		t.Errorf("report.GateFallbackPaths %v, want %v", report.GateFallbackPaths, paths)
	}
}
