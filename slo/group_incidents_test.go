package slo_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// rangeCounter counts the range queries sent to a source that rewrites
// PromQL (as the real ones do).
type rangeCounter struct {
	prom.PromQL
	h  *prom.HTTP
	mu sync.Mutex
	qs []string
}

func (c *rangeCounter) QueryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (slo.RangeResult, error) {
	c.mu.Lock()
	c.qs = append(c.qs, q)
	c.mu.Unlock()
	return c.h.QueryRange(ctx, q, start, end, step)
}

// TestScanPerGroup scans checkout's availability grouped by region
// (internal/scenario Regions) over the last day on a real Prometheus: each
// group is an SLO of the scan, from two range queries in all (total and
// bad, summed by region) where the groups alone would send six; eu's outage
// is the one incident, eu the only SLO burning in it; without the groups the
// SLO is scanned whole.
func TestScanPerGroup(t *testing.T) {
	data, _, err := scenario.Regions()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range scenario.RegionsSpecs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{CheckQuery: prom.CheckQuery, Rewriter: prom.PromQL{}})
	if err != nil {
		t.Fatal(err)
	}
	slos := cat.Services[0].SLOs
	src := &rangeCounter{h: serveHTTP(t, promtest.Start(t, data).URL)}
	groups := map[string][]map[string]string{"checkout/availability": {{"region": "ap"}, {"region": "eu"}, {"region": "us"}}}
	opts := slo.ScanOptions{Start: scenario.At.Add(-24 * time.Hour), End: scenario.At, Step: 5 * time.Minute, Groups: groups}
	scans := slo.Scan(t.Context(), src, slos, opts)
	if len(scans) != 1 || scans[0].Err != nil {
		t.Fatalf("scans %+v", scans)
	}
	sc := scans[0]
	var names []string
	for _, s := range sc.SLOs {
		names = append(names, s.SLO.Name)
		if s.Coverage() != 1 {
			t.Errorf("%s: coverage %v, want 1", s.SLO.Name, s.Coverage())
		}
	}
	if want := []string{`availability{region="ap"}`, `availability{region="eu"}`, `availability{region="us"}`}; !slices.Equal(names, want) {
		t.Fatalf("scanned %q, want %q", names, want)
	}
	if len(src.qs) != 2 {
		t.Errorf("%d range queries, want 2 (total and bad by region): %q", len(src.qs), src.qs)
	}
	incs := sc.Incidents()
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want eu's outage", len(incs))
	}
	for _, s := range incs[0].SLOs {
		if s.Burning != (s.SLO == `availability{region="eu"}`) {
			t.Errorf("%s burning %v", s.SLO, s.Burning)
		}
	}

	// Without groups, the SLO is scanned whole, as before.
	opts.Groups = nil
	whole := slo.Scan(t.Context(), src, slos, opts)
	if len(whole[0].SLOs) != 1 || whole[0].SLOs[0].SLO.Name != "availability" {
		t.Errorf("without groups: scanned %d SLOs", len(whole[0].SLOs))
	}
}
