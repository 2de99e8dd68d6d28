package gate_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/slo"
)

func TestCacheStoresAndLoadsWhatTheGateDecidesOn(t *testing.T) {
	c := gate.Cache{Dir: t.TempDir()}
	if e, err := c.Load("checkout"); err != nil || e != nil {
		t.Fatalf("empty cache: %v, %v; want nothing and no error", e, err)
	}
	o := gate.Observation{
		SLO: "availability", Objective: 0.999, Window: "30d", At: at, State: slo.DataOK, BudgetLeft: -0.123456789,
		NoData: slo.NoDataBlock,
		Burn:   []gate.Burn{{Window: 5 * time.Minute, Rate: 21.5}, {Window: time.Hour, NoData: true}},
		Firing: []budget.AlertState{page},
	}
	noData := gate.Observation{SLO: "latency", Objective: 0.99, Window: "30d", At: at, State: slo.NoData,
		StateReason: "no events over 30d", NoData: slo.NoDataWarn, Burn: []gate.Burn{}}
	failed := gate.Observation{SLO: "errors", At: at, Error: "timeout"}
	if err := c.Store("checkout", []gate.Observation{o, noData, failed}); err != nil {
		t.Fatal(err)
	}
	e, err := c.Load("checkout")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.SLOs) != 2 {
		t.Fatalf("cached %d SLOs, want 2 (a failed evaluation is not good)", len(e.SLOs))
	}
	got := e.SLOs["availability"]
	if math.Abs(got.BudgetLeft-o.BudgetLeft) > 1e-15 || !got.At.Equal(at) || got.State != slo.DataOK || got.NoData != slo.NoDataBlock {
		t.Errorf("availability came back as %+v", got)
	}
	if !reflect.DeepEqual(got.Burn, o.Burn) {
		t.Errorf("burn %+v, want %+v", got.Burn, o.Burn)
	}
	if len(got.Firing) != 1 || got.Firing[0].AlertWindow != page.AlertWindow || got.Firing[0].LongBurn != 20 || !got.Firing[0].Firing {
		t.Errorf("firing %+v, want the page alert", got.Firing)
	}
	if l := e.SLOs["latency"]; l.State != slo.NoData || l.StateReason != "no events over 30d" || l.NoData != slo.NoDataWarn {
		t.Errorf("latency came back as %+v", l)
	}
}

func TestCacheKeepsTheNewerEvaluationOfEachSLO(t *testing.T) {
	c := gate.Cache{Dir: t.TempDir()}
	newer := gate.Observation{SLO: "a", At: at, State: slo.DataOK, BudgetLeft: 0.5}
	older := gate.Observation{SLO: "a", At: at.Add(-time.Hour), State: slo.DataOK, BudgetLeft: 0.9}
	other := gate.Observation{SLO: "b", At: at.Add(-time.Hour), State: slo.DataOK, BudgetLeft: 0.7}
	if err := c.Store("svc", []gate.Observation{newer}); err != nil {
		t.Fatal(err)
	}
	if err := c.Store("svc", []gate.Observation{older, other}); err != nil {
		t.Fatal(err)
	}
	e, err := c.Load("svc")
	if err != nil {
		t.Fatal(err)
	}
	if e.SLOs["a"].BudgetLeft != 0.5 || e.SLOs["b"].BudgetLeft != 0.7 {
		t.Errorf("cache %+v: want a from the newer run and b added", e.SLOs)
	}
	cachedCopy := gate.Observation{SLO: "c", At: at, State: slo.DataOK, Cached: true}
	if err := c.Store("svc", []gate.Observation{cachedCopy}); err != nil {
		t.Fatal(err)
	}
	if e, _ := c.Load("svc"); len(e.SLOs) != 2 {
		t.Error("an observation taken from the cache was stored back as a fresh one")
	}
}

func TestCacheRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	c := gate.Cache{Dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "gate"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ body, want string }{
		{"{not json", "could not read the last-known-good cache"},
		{`{"version": 99, "slos": {}}`, "version 99, this nines reads 1"},
	} {
		if err := os.WriteFile(filepath.Join(dir, "gate", "svc.json"), []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Load("svc"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load of %q: error %v, want %q", tt.body, err, tt.want)
		}
	}
	if _, err := c.Load("../etc/passwd"); err == nil {
		t.Error("a service name with a path in it was accepted")
	}
}

func TestCacheUpdatesFromManyGoroutinesLoseNoSLO(t *testing.T) {
	c := gate.Cache{Dir: t.TempDir()}
	var wg sync.WaitGroup
	names := "abcdefghijklmnopqrst"
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Store("svc", []gate.Observation{{SLO: string(n), At: at, State: slo.DataOK, BudgetLeft: 1}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	e, err := c.Load("svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.SLOs) != len(names) {
		t.Errorf("cached %d SLOs, want %d: concurrent updates lost some", len(e.SLOs), len(names))
	}
}
