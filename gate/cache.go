package gate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// CacheEntry is a service's last known good evaluation: per SLO, the latest
// observation that was evaluated without a source error.
type CacheEntry struct {
	Service string
	SLOs    map[string]Observation
}

// Cache keeps each service's last known good evaluation in a directory, one
// JSON file per service (DIR/gate/SERVICE.json). Updates are serialised with
// a lock file and replace the file atomically, so concurrent gates never see
// a half-written entry.
type Cache struct {
	// Dir is the cache directory, such as ~/.cache/nines.
	Dir string
}

// cacheVersion is the version of the cache file format.
const cacheVersion = 1

func (c Cache) path(service string) string {
	return filepath.Join(c.Dir, "gate", service+".json")
}

// Load returns the service's cached entry, or nil without an error when
// there is none. A file in an unknown format is an error.
func (c Cache) Load(service string) (*CacheEntry, error) {
	if !slo.ValidName(service) {
		return nil, fmt.Errorf("invalid service name %q for the cache", service)
	}
	path := c.path(service)
	data, err := readCacheFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeCache(path, service, data)
}

// MaxCacheFileBytes is the size a last-known-good cache file may have: an
// entry per SLO of one service is a few KiB at most.
const MaxCacheFileBytes = 8 << 20

// readCacheFile reads at most MaxCacheFileBytes of the file at path.
func readCacheFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the last-known-good cache: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxCacheFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("could not read the last-known-good cache %s: %w", path, err)
	}
	if len(data) > MaxCacheFileBytes {
		return nil, fmt.Errorf("could not read the last-known-good cache %s: larger than %d MiB, which nines never writes: %s", path, MaxCacheFileBytes>>20, rebuild)
	}
	return data, nil
}

// rebuild is what to do about a cache file nines cannot use.
const rebuild = "delete it, and the next gate run writes it anew"

// decodeCache decodes the cache file at path, whose content is data, and
// checks every value it holds, so that the entry it returns is one that
// Store would write.
func decodeCache(path, service string, data []byte) (*CacheEntry, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("could not read the last-known-good cache %s: %s: %s", path, fmt.Sprintf(format, a...), rebuild)
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, fail("line %d: %v", lineAt(data, syn.Offset), err)
		case errors.As(err, &typ):
			return nil, fail("line %d: %v", lineAt(data, typ.Offset), err)
		}
		return nil, fail("%v", err)
	}
	if f.Version != cacheVersion {
		return nil, fmt.Errorf("could not read the last-known-good cache %s: version %d, this nines reads %d", path, f.Version, cacheVersion)
	}
	if f.Service != "" && f.Service != service {
		return nil, fail("service: %q, not %q", f.Service, service)
	}
	e := &CacheEntry{Service: service, SLOs: map[string]Observation{}}
	for name, o := range f.SLOs {
		if err := o.check(name); err != nil {
			return nil, fail("%v", err)
		}
		e.SLOs[name] = o.observation(name)
	}
	return e, nil
}

// lineAt is the 1-based line of data at offset.
func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

// Store records the observations evaluated without error as the service's
// last known good evaluation. An SLO keeps its cached observation when that
// one is newer (a gate run with an earlier --at does not roll it back).
func (c Cache) Store(service string, obs []Observation) error {
	if !slo.ValidName(service) {
		return fmt.Errorf("invalid service name %q for the cache", service)
	}
	var good []Observation
	for _, o := range obs {
		if o.Error == "" && !o.Cached {
			good = append(good, o)
		}
	}
	if len(good) == 0 {
		return nil
	}
	dir := filepath.Dir(c.path(service))
	lockPath := filepath.Join(dir, service+".lock")
	unlock, err := lockFile(lockPath)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("could not create the last-known-good cache directory: %w", err)
		}
		unlock, err = lockFile(lockPath)
	}
	if err != nil {
		return fmt.Errorf("could not lock the last-known-good cache: %w", err)
	}
	defer unlock()

	f := cacheFile{Version: cacheVersion, Service: service, SLOs: map[string]cachedObservation{}}
	if old, err := c.Load(service); err == nil && old != nil {
		for name, o := range old.SLOs {
			f.SLOs[name] = newCachedObservation(o)
		}
	}
	for _, o := range good {
		if prev, ok := f.SLOs[o.SLO]; ok && prev.At.After(o.At) {
			continue
		}
		f.SLOs[o.SLO] = newCachedObservation(o)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("could not encode the last-known-good cache: %w", err)
	}
	return writeAtomic(c.path(service), append(data, '\n'))
}

// writeAtomic writes data to a temporary file beside path and renames it over
// path, so that readers see the old or the new content, never a mix.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("could not write the last-known-good cache: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write the last-known-good cache: %w", err)
	}
	return nil
}

// cacheFile is the on-disk format, versioned apart from the model.
type cacheFile struct {
	Version int                          `json:"version"`
	Service string                       `json:"service"`
	SLOs    map[string]cachedObservation `json:"slos"`
}

type cachedObservation struct {
	At          time.Time     `json:"at"`
	Objective   float64       `json:"objective"`
	Window      string        `json:"window"`
	State       string        `json:"state"`
	StateReason string        `json:"state_reason,omitempty"`
	BudgetLeft  *float64      `json:"budget_left"`
	NoData      string        `json:"no_data"`
	Burn        []cachedBurn  `json:"burn_rates"`
	Firing      []cachedAlert `json:"firing"`
	// NotEvaluated are the alerts whose windows had no data; Assumptions
	// what the evaluation assumed. Both added within version 1: a cache
	// written before has neither.
	NotEvaluated []cachedAlert `json:"not_evaluated,omitempty"`
	Assumptions  []string      `json:"assumptions,omitempty"`
}

type cachedBurn struct {
	WindowSeconds float64  `json:"window_seconds"`
	Rate          *float64 `json:"burn_rate"`
}

type cachedAlert struct {
	Severity     string  `json:"severity"`
	LongSeconds  float64 `json:"long_seconds"`
	ShortSeconds float64 `json:"short_seconds"`
	Factor       float64 `json:"factor"`
	LongBurn     float64 `json:"long_burn"`
	ShortBurn    float64 `json:"short_burn"`
}

func ptr(v float64) *float64 {
	if !finite(v) {
		return nil
	}
	return &v
}

func newCachedObservation(o Observation) cachedObservation {
	c := cachedObservation{
		At: o.At.UTC(), Objective: o.Objective, Window: o.Window, State: string(o.State),
		StateReason: o.StateReason, NoData: string(o.NoData),
		Burn: []cachedBurn{}, Firing: []cachedAlert{},
	}
	if o.State == slo.DataOK {
		c.BudgetLeft = ptr(o.BudgetLeft)
		if c.BudgetLeft == nil {
			c.State, c.StateReason = string(slo.NoData), "the budget left was not a number"
		}
	}
	for _, b := range o.Burn {
		cb := cachedBurn{WindowSeconds: b.Window.Seconds()}
		if !b.NoData {
			cb.Rate = ptr(b.Rate)
		}
		c.Burn = append(c.Burn, cb)
	}
	for _, a := range o.Firing {
		if !finite(a.LongBurn) || !finite(a.ShortBurn) {
			continue
		}
		c.Firing = append(c.Firing, cachedAlert{
			Severity: string(a.Severity), LongSeconds: a.Long.Seconds(), ShortSeconds: a.Short.Seconds(),
			Factor: a.Factor, LongBurn: a.LongBurn, ShortBurn: a.ShortBurn,
		})
	}
	for _, a := range o.NotEvaluated {
		c.NotEvaluated = append(c.NotEvaluated, cachedAlert{
			Severity: string(a.Severity), LongSeconds: a.Long.Seconds(), ShortSeconds: a.Short.Seconds(), Factor: a.Factor,
		})
	}
	c.Assumptions = o.Assumptions
	return c
}

func (c cachedObservation) observation(name string) Observation {
	o := Observation{
		SLO: name, At: c.At, Objective: c.Objective, Window: c.Window,
		State: slo.DataState(c.State), StateReason: c.StateReason, NoData: slo.NoDataPolicy(c.NoData),
	}
	if o.State == slo.DataOK {
		if c.BudgetLeft == nil {
			o.State, o.StateReason = slo.NoData, "the cached budget left is missing"
		} else {
			o.BudgetLeft = *c.BudgetLeft
		}
	}
	for _, b := range c.Burn {
		ob := Burn{Window: seconds(b.WindowSeconds), NoData: b.Rate == nil}
		if b.Rate != nil {
			ob.Rate = *b.Rate
		}
		o.Burn = append(o.Burn, ob)
	}
	for _, a := range c.Firing {
		o.Firing = append(o.Firing, budget.AlertState{
			AlertWindow: budget.AlertWindow{Long: seconds(a.LongSeconds), Short: seconds(a.ShortSeconds),
				Factor: a.Factor, Severity: budget.Severity(a.Severity)},
			LongBurn: a.LongBurn, ShortBurn: a.ShortBurn, Firing: true,
		})
	}
	for _, a := range c.NotEvaluated {
		o.NotEvaluated = append(o.NotEvaluated, budget.AlertWindow{Long: seconds(a.LongSeconds), Short: seconds(a.ShortSeconds),
			Factor: a.Factor, Severity: budget.Severity(a.Severity)})
	}
	o.Assumptions = c.Assumptions
	return o
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// maxSeconds is the longest window a cache file may name, in seconds: a
// time.Duration holds 292 years, and no SLO window comes near.
const maxSeconds = 100 * 366 * 24 * 3600

// check checks what the observation of SLO name holds: values Store writes.
func (c cachedObservation) check(name string) error {
	f := "slos." + name
	if !validCachedName(name) {
		return fmt.Errorf("slos: invalid SLO name %q", name)
	}
	if c.At.IsZero() {
		return fmt.Errorf("%s.at: missing", f)
	}
	if y := c.At.UTC().Year(); y < 0 || y > 9999 {
		return fmt.Errorf("%s.at: %s is outside the years 0 to 9999 in UTC", f, c.At.Format(time.RFC3339))
	}
	if !(c.Objective >= 0 && c.Objective < 1) {
		return fmt.Errorf("%s.objective: %v is not a ratio below 1", f, c.Objective)
	}
	switch slo.DataState(c.State) {
	case slo.DataOK, slo.NoData, slo.InsufficientData:
	default:
		return fmt.Errorf("%s.state: unknown state %q", f, c.State)
	}
	switch slo.NoDataPolicy(c.NoData) {
	case "", slo.NoDataBlock, slo.NoDataWarn, slo.NoDataAllow:
	default:
		return fmt.Errorf("%s.no_data: unknown policy %q", f, c.NoData)
	}
	window := func(field string, s float64) error {
		if !(s > 0 && s <= maxSeconds) || seconds(s) <= 0 {
			return fmt.Errorf("%s.%s: %v is not a window in seconds", f, field, s)
		}
		return nil
	}
	for i, b := range c.Burn {
		if err := window(fmt.Sprintf("burn_rates[%d].window_seconds", i), b.WindowSeconds); err != nil {
			return err
		}
	}
	for i, a := range c.Firing {
		af := fmt.Sprintf("firing[%d]", i)
		if err := window(af+".long_seconds", a.LongSeconds); err != nil {
			return err
		}
		if err := window(af+".short_seconds", a.ShortSeconds); err != nil {
			return err
		}
		switch budget.Severity(a.Severity) {
		case budget.Page, budget.Ticket:
		default:
			return fmt.Errorf("%s.%s.severity: unknown severity %q", f, af, a.Severity)
		}
		if !(a.Factor > 0) {
			return fmt.Errorf("%s.%s.factor: %v is not above 0", f, af, a.Factor)
		}
	}
	return nil
}

// validCachedName reports whether name is an SLO's name, or a group's: the
// SLO's name and its group (availability{region="eu"}, slo.GroupSuffix).
func validCachedName(name string) bool {
	base, _, grouped := strings.Cut(name, "{")
	if !grouped {
		return slo.ValidName(name)
	}
	_, ok := slo.ParseGroupSuffix(name[len(base):])
	return slo.ValidName(base) && ok
}
