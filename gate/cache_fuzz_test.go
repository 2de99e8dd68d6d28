package gate

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// encodeCache is what Store writes for entry.
func encodeCache(entry *CacheEntry) ([]byte, error) {
	f := cacheFile{Version: cacheVersion, Service: entry.Service, SLOs: map[string]cachedObservation{}}
	for name, o := range entry.SLOs {
		f.SLOs[name] = newCachedObservation(o)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	return append(data, '\n'), err
}

// FuzzCacheFile reads a last-known-good cache file and requires an error
// that names the file, or an entry that Store can write and that reads
// back as itself: the reader never returns an entry it cannot re-encode.
//
// Seeded with cache files written the way Store writes them.
func FuzzCacheFile(f *testing.F) {
	at := time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)
	page := budget.DefaultAlertWindows()[0]
	seeds := []*CacheEntry{{Service: "svc", SLOs: map[string]Observation{
		"availability": {SLO: "availability", Objective: 0.999, Window: "30d", At: at, State: slo.DataOK, BudgetLeft: -0.123456789,
			NoData: slo.NoDataBlock, Burn: []Burn{{Window: 5 * time.Minute, Rate: 21.5}, {Window: time.Hour, NoData: true}},
			Firing: []budget.AlertState{{AlertWindow: page, LongBurn: 20, ShortBurn: 21.5, Firing: true}}},
		"latency": {SLO: "latency", Objective: 0.99, Window: "month (Europe/Berlin)", At: at.Add(-time.Hour), State: slo.NoData,
			StateReason: "no events over 30d", NoData: slo.NoDataWarn, Burn: []Burn{}},
		"probe": {SLO: "probe", Objective: 0.9, Window: "28d", At: at, State: slo.InsufficientData, NoData: slo.NoDataAllow},
	}}}
	for _, e := range seeds {
		data, err := encodeCache(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"version": 1, "service": "svc", "slos": {}}`,
		`{"version": 1, "slos": {"a": {"at": "0000-01-01T00:00:00+01:00", "state": "ok", "budget_left": 1}}}`,
		`{"version": 1, "slos": {"a": {"at": "2026-01-01T00:00:00Z", "state": "ok", "burn_rates": [{"window_seconds": 1e300}]}}}`,
		`{"version": 2}`, `{not json`, `[]`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "/cache/gate/svc.json"
		e, err := decodeCache(path, "svc", data)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if e == nil || e.Service != "svc" {
			t.Fatalf("entry %+v", e)
		}
		enc, err := encodeCache(e)
		if err != nil {
			t.Fatalf("the entry read cannot be written: %v", err)
		}
		again, err := decodeCache(path, "svc", enc)
		if err != nil {
			t.Fatalf("the entry written cannot be read: %v\n%s", err, enc)
		}
		if len(again.SLOs) != len(e.SLOs) {
			t.Fatalf("%d SLOs read back as %d", len(e.SLOs), len(again.SLOs))
		}
		for name, o := range e.SLOs {
			b := again.SLOs[name]
			if !o.At.Equal(b.At) {
				t.Errorf("%s: at %s read back as %s", name, o.At, b.At)
			}
			o.At, b.At = time.Time{}, time.Time{}
			if !reflect.DeepEqual(o, b) {
				t.Errorf("%s\n%+v\nread back as\n%+v", name, o, b)
			}
		}
		enc2, err := encodeCache(again)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Errorf("written twice differs (%v):\n%s\n%s", err, enc, enc2)
		}
	})
}

// A cache file the reader refuses names the file and the field, and says
// what to do.
func TestCacheFileValuesAreChecked(t *testing.T) {
	const path = "/c/gate/svc.json"
	for _, tt := range []struct{ body, want string }{
		{"{\n  \"version\": 1,\n  \"slos\": [1]\n}", "could not read the last-known-good cache /c/gate/svc.json: line 3: json: cannot unmarshal array into Go struct field cacheFile.slos of type map[string]gate.cachedObservation: delete it, and the next gate run writes it anew"},
		{`{"version": 1, "service": "other"}`, `could not read the last-known-good cache /c/gate/svc.json: service: "other", not "svc": delete it, and the next gate run writes it anew`},
		{`{"version": 1, "slos": {"a": {"at": "0000-01-01T00:00:00+01:00", "state": "ok", "budget_left": 1}}}`, "slos.a.at: 0000-01-01T00:00:00+01:00 is outside the years 0 to 9999 in UTC"},
		{`{"version": 1, "slos": {"a": {"at": "2026-01-01T00:00:00Z", "state": "ok", "burn_rates": [{"window_seconds": 1e300}]}}}`, "slos.a.burn_rates[0].window_seconds: 1e+300 is not a window in seconds"},
		{`{"version": 1, "slos": {"a": {"at": "2026-01-01T00:00:00Z", "state": "maybe"}}}`, `slos.a.state: unknown state "maybe"`},
		{`{"version": 1, "slos": {"A/b": {"at": "2026-01-01T00:00:00Z", "state": "ok"}}}`, `slos: invalid SLO name "A/b"`},
		{`{"version": 1, "slos": {"a{region=eu}": {"at": "2026-01-01T00:00:00Z", "state": "ok"}}}`, `slos: invalid SLO name "a{region=eu}"`},
		{`{"version": 1, "slos": {"a{region=\"eu\"}x": {"at": "2026-01-01T00:00:00Z", "state": "ok"}}}`, `slos: invalid SLO name "a{region=\"eu\"}x"`},
		{`{"version": 1, "slos": {"a": {"at": "2026-01-01T00:00:00Z", "state": "ok", "firing": [{"severity": "sms", "long_seconds": 3600, "short_seconds": 300, "factor": 1}]}}}`, `slos.a.firing[0].severity: unknown severity "sms"`},
	} {
		_, err := decodeCache(path, "svc", []byte(tt.body))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.body, err, tt.want)
		}
	}
}

// A group of a grouped SLO is cached under its own name (docs/groups.md),
// which the reader takes back.
func TestCacheKeepsGroups(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	name := `availability{region="eu",zone="a \"b\""}`
	if err := c.Store("svc", []Observation{{SLO: name, At: time.Now(), State: slo.DataOK, BudgetLeft: 0.25}}); err != nil {
		t.Fatal(err)
	}
	e, err := c.Load("svc")
	if err != nil || e == nil || e.SLOs[name].BudgetLeft != 0.25 {
		t.Fatalf("load: %v, %+v", err, e)
	}
}

func TestACacheFileLargerThanTheLimitIsRefused(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	if err := c.Store("svc", []Observation{{SLO: "a", At: time.Now(), State: slo.DataOK, BudgetLeft: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(c.path("svc"), bytes.Repeat([]byte(" "), MaxCacheFileBytes+1)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Load("svc")
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB, which nines never writes: delete it") {
		t.Errorf("got %v", err)
	}
	// Store replaces a file it cannot read.
	if err := c.Store("svc", []Observation{{SLO: "a", At: time.Now(), State: slo.DataOK, BudgetLeft: 1}}); err != nil {
		t.Fatal(err)
	}
	if e, err := c.Load("svc"); err != nil || len(e.SLOs) != 1 {
		t.Errorf("after Store: %+v, %v", e, err)
	}
}
