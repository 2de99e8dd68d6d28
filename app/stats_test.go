package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// statsSpecs: search's two SLOs measure the same events (every query
// shared); shop's are its own.
var statsSpecs = map[string]string{
	"tiers.yaml": gateTiers,
	"search.yaml": `version: nines/v1
service: search
tier: standard
owner: {team: discovery}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(search_bad_total[{{.window}}]))
        total: sum(increase(search_total[{{.window}}]))
  - name: availability-copy
    objective: 95
    sli:
      events:
        bad: sum(increase(search_bad_total[{{.window}}]))
        total: sum(increase(search_total[{{.window}}]))
`,
	"shop.yaml": `version: nines/v1
service: shop
tier: standard
owner: {team: shop}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(shop_bad_total[{{.window}}]))
        total: sum(increase(shop_total[{{.window}}]))
`,
}

// countingSource answers every query with a million events (a thousand
// bad) and, unless noStats, stats of len(query) samples and 2ms; it counts
// the queries it answered and the samples it reported.
type countingSource struct {
	noStats bool
	mu      sync.Mutex
	queries int
	samples int64
}

func (c *countingSource) Query(_ context.Context, query string, at time.Time) (slo.Result, error) {
	v := 1e6
	if strings.Contains(query, "_bad_") {
		v = 1e3
	}
	res := slo.Result{Samples: []slo.Sample{{Value: v, T: at}}}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queries++
	if !c.noStats {
		n := int64(len(query))
		c.samples += n
		res.Stats = &slo.QueryStats{Duration: 2 * time.Millisecond, Samples: &n}
	}
	return res, nil
}

func (c *countingSource) QueryRange(context.Context, string, time.Time, time.Time, time.Duration) (slo.RangeResult, error) {
	return slo.RangeResult{}, nil
}

func (c *countingSource) String() string { return "counting" }

func statsBurn(t *testing.T, src *countingSource, sel app.Selection, stats bool) *report.BurnReport {
	t.Helper()
	dir := t.TempDir()
	for name, body := range statsSpecs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	env := gateEnv(cat, src, gateAt)
	env.Stats = stats
	b, _, err := app.Burn(t.Context(), env, app.EvalRequest{Selection: sel})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func cost(t *testing.T, s *report.QueryStats, service, name string) report.QueryCost {
	t.Helper()
	for _, c := range s.SLOs {
		if c.Service == service && c.SLO == name {
			return c.QueryCost
		}
	}
	t.Fatalf("no stats for %s/%s", service, name)
	return report.QueryCost{}
}

// TestStatsAttributionAddsUp: without shared queries, the SLOs' queries,
// samples and query time add up to the fleet's, which is what the source
// answered (counted exactly: integers, and float sums of 2ms within 1e-9).
func TestStatsAttributionAddsUp(t *testing.T) {
	src := &countingSource{}
	b := statsBurn(t, src, app.Selection{SLOs: []string{"availability"}}, true)
	s := b.Stats
	if s == nil {
		t.Fatal("no stats with Stats set")
	}
	if len(s.SLOs) != 2 {
		t.Fatalf("%d SLOs in the stats, want 2", len(s.SLOs))
	}
	var queries int
	var samples int64
	var secs float64
	for _, c := range s.SLOs {
		if c.Queries == 0 || c.SamplesScanned == nil || c.QuerySeconds == nil || c.SharedQueries != 0 {
			t.Fatalf("%s/%s: %+v, want queries with samples and time, none shared", c.Service, c.SLO, c.QueryCost)
		}
		queries += c.Queries
		samples += *c.SamplesScanned
		secs += *c.QuerySeconds
	}
	f := s.Fleet
	if f.Queries != src.queries || queries != f.Queries {
		t.Errorf("queries: SLOs %d, fleet %d, sent %d; want all equal", queries, f.Queries, src.queries)
	}
	if f.SamplesScanned == nil || *f.SamplesScanned != src.samples || samples != src.samples {
		t.Errorf("samples: SLOs %d, fleet %v, reported %d; want all equal", samples, f.SamplesScanned, src.samples)
	}
	if want := float64(src.queries) * 0.002; f.QuerySeconds == nil || abs(*f.QuerySeconds-want) > 1e-9 || abs(secs-want) > 1e-9 {
		t.Errorf("query seconds: SLOs %g, fleet %v, want %g", secs, f.QuerySeconds, want)
	}
	if f.SharedQueries != 0 || s.Unattributed != nil {
		t.Errorf("shared %d, unattributed %+v; want none", f.SharedQueries, s.Unattributed)
	}
}

// TestStatsSharedQueriesCountOnceForTheFleet: two SLOs over the same
// queries each list them all (as shared), and the fleet counts them once.
func TestStatsSharedQueriesCountOnceForTheFleet(t *testing.T) {
	src := &countingSource{}
	s := statsBurn(t, src, app.Selection{}, true).Stats
	a, c, shop := cost(t, s, "search", "availability"), cost(t, s, "search", "availability-copy"), cost(t, s, "shop", "availability")
	if a.Queries == 0 || a.Queries != c.Queries || a.SharedQueries != a.Queries || c.SharedQueries != c.Queries {
		t.Errorf("search SLOs: %+v and %+v, want the same queries, all shared", a, c)
	}
	if *a.SamplesScanned != *c.SamplesScanned {
		t.Errorf("search SLOs scanned %d and %d, want the same", *a.SamplesScanned, *c.SamplesScanned)
	}
	if s.Fleet.Queries != src.queries || s.Fleet.Queries != a.Queries+shop.Queries {
		t.Errorf("fleet %d queries, sent %d, want search's %d + shop's %d", s.Fleet.Queries, src.queries, a.Queries, shop.Queries)
	}
	if *s.Fleet.SamplesScanned != *a.SamplesScanned+*shop.SamplesScanned || s.Fleet.SharedQueries != a.Queries {
		t.Errorf("fleet %+v, want search's samples once plus shop's, %d shared", s.Fleet, a.Queries)
	}
	if !strings.Contains(strings.Join(s.Notes, " "), "shared") {
		t.Errorf("notes %q do not say queries are shared", s.Notes)
	}
}

// TestStatsAbsentAreNull: a source that reports no stats gives null
// samples and time, never 0, and says so; without Stats no stats at all.
func TestStatsAbsentAreNull(t *testing.T) {
	s := statsBurn(t, &countingSource{noStats: true}, app.Selection{}, true).Stats
	for _, c := range append(s.SLOs, report.SLOQueryCost{SLO: "fleet", QueryCost: s.Fleet}) {
		if c.SamplesScanned != nil || c.QuerySeconds != nil || c.QueriesWithoutSamples != c.Queries || c.Queries == 0 {
			t.Errorf("%s: %+v, want queries without samples or time", c.SLO, c.QueryCost)
		}
	}
	if !strings.Contains(strings.Join(s.Notes, " "), "n/a") {
		t.Errorf("notes %q do not say samples are n/a", s.Notes)
	}
	if b := statsBurn(t, &countingSource{}, app.Selection{}, false); b.Stats != nil {
		t.Errorf("stats without Stats: %+v", b.Stats)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
