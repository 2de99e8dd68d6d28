package slo_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/common/model"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// FuzzLoad loads a tiers file and a service file (either may be anything)
// and requires an error that lists problems with their file, or a catalog
// whose every SLO is one nines can evaluate: valid names, objectives,
// windows and alerts, and queries that parse for every window.
//
// Seeded with the example specs and the test specs.
func FuzzLoad(f *testing.F) {
	tiers := []string{"../specs/tiers.yaml", "testdata/tiers.good.yaml"}
	services, _ := filepath.Glob("../specs/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	services = append(services, more...)
	for _, tf := range tiers {
		td := readSeed(f, tf)
		for _, sf := range services {
			if !strings.Contains(sf, "tiers") {
				f.Add(td, readSeed(f, sf))
			}
		}
	}
	for _, sf := range services {
		if strings.Contains(filepath.Base(sf), "tiers") {
			f.Add(readSeed(f, sf), []byte("version: nines/v1\nservice: s\ntier: x\n"))
		}
	}
	f.Fuzz(func(t *testing.T, tiers, service []byte) {
		fsys := fstest.MapFS{"specs/tiers.yaml": {Data: tiers}, "specs/svc.yaml": {Data: service}}
		cat, err := slo.Load([]string{"specs"}, slo.LoadOptions{FS: fsys, CheckQuery: prom.CheckQuery})
		if err != nil {
			var verr *slo.ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("error %v, want a *slo.ValidationError with problems", err)
			}
			for _, p := range verr.Problems {
				if (p.File != "specs/tiers.yaml" && p.File != "specs/svc.yaml") || p.Message == "" || p.Line < 0 {
					t.Errorf("problem %+v names no file or says nothing", p)
				}
			}
			return
		}
		checkCatalog(t, cat)
	})
}

func readSeed(f *testing.F, name string) []byte {
	f.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// checkCatalog fails t unless every tier and SLO of cat is valid.
func checkCatalog(t *testing.T, cat *slo.Catalog) {
	t.Helper()
	for name, tier := range cat.Tiers {
		if !slo.ValidName(name) || tier.Name != name {
			t.Errorf("tier %q named %q", name, tier.Name)
		}
		if !(tier.Objective >= 0 && tier.Objective < 1) {
			t.Errorf("tier %s: objective %v", name, tier.Objective)
		}
		checkWindowAndAlerts(t, "tier "+name, tier.Window, tier.Alerts)
	}
	for _, svc := range cat.Services {
		if !slo.ValidName(svc.Name) {
			t.Errorf("service name %q", svc.Name)
		}
		if _, ok := cat.Tiers[svc.Tier]; !ok {
			t.Errorf("service %s: unknown tier %q", svc.Name, svc.Tier)
		}
		if len(svc.SLOs) == 0 || len(svc.SLOs) > slo.MaxSLOsPerFile {
			t.Errorf("service %s: %d SLOs", svc.Name, len(svc.SLOs))
		}
		checkAdvisorInputs(t, cat, svc)
		seen := map[string]bool{}
		for _, s := range svc.SLOs {
			if !slo.ValidName(s.Name) || seen[s.Name] {
				t.Errorf("SLO name %q (seen %v)", s.Name, seen[s.Name])
			}
			seen[s.Name] = true
			if !(s.Objective > 0 && s.Objective < 1) {
				t.Errorf("%s: objective %v", s.ID(), s.Objective)
			}
			if math.IsNaN(s.MinEvents) || s.MinEvents < 0 {
				t.Errorf("%s: min_events %v", s.ID(), s.MinEvents)
			}
			switch s.NoData {
			case slo.NoDataBlock, slo.NoDataWarn, slo.NoDataAllow:
			default:
				t.Errorf("%s: no_data %q", s.ID(), s.NoData)
			}
			checkWindowAndAlerts(t, s.ID(), s.Window, s.Alerts)
			checkQueries(t, s)
		}
	}
}

func checkWindowAndAlerts(t *testing.T, what string, w slo.Window, alerts []budget.AlertWindow) {
	t.Helper()
	switch {
	case w.Calendar == slo.Month || w.Calendar == slo.Quarter:
		if w.Location == nil || w.Rolling != 0 {
			t.Errorf("%s: calendar window %+v", what, w)
		}
	case w.Calendar != "":
		t.Errorf("%s: calendar %q", what, w.Calendar)
	case w.Rolling <= 0 || w.Rolling%time.Second != 0:
		t.Errorf("%s: window %s is not a positive whole number of seconds", what, w.Rolling)
	default:
		// The window as written parses back to itself.
		d, err := model.ParseDuration(w.String())
		if err != nil || time.Duration(d) != w.Rolling {
			t.Errorf("%s: window %s prints as %q, which reads as %v, %v", what, w.Rolling, w.String(), d, err)
		}
		if ws := budget.Windows(alerts); len(ws) > 0 && w.Rolling < ws[0] {
			t.Errorf("%s: window %s shorter than the alert window %s", what, w.Rolling, ws[0])
		}
	}
	if len(alerts) == 0 || len(alerts) > slo.MaxAlerts {
		t.Errorf("%s: %d alerts", what, len(alerts))
	}
	for _, a := range alerts {
		if a.Short <= 0 || a.Short >= a.Long || a.Short%time.Second != 0 || a.Long%time.Second != 0 ||
			!(a.Factor > 0) || math.IsInf(a.Factor, 0) || (a.Severity != budget.Page && a.Severity != budget.Ticket) {
			t.Errorf("%s: alert %+v", what, a)
		}
	}
}

// checkQueries requires the queries of s over its window and every alert
// window to parse.
func checkQueries(t *testing.T, s slo.SLO) {
	t.Helper()
	windows := budget.Windows(s.Alerts)
	if s.Window.Calendar == "" {
		windows = append(windows, s.Window.Rolling)
	} else {
		windows = append(windows, 17*24*time.Hour+3*time.Second) // a calendar window to date
	}
	for _, w := range windows {
		q := s.SLI.Queries(w)
		all := q.All()
		if len(all) == 0 {
			t.Errorf("%s: no queries over %s", s.ID(), w)
		}
		for _, query := range all {
			if strings.Contains(query, "{{") && strings.Contains(query, ".window") {
				t.Errorf("%s: placeholder left in %q", s.ID(), query)
			}
			if err := prom.CheckQuery(query); err != nil {
				t.Errorf("%s: query over %s does not parse: %v\n%s", s.ID(), w, err, query)
			}
		}
	}
}

// checkAdvisorInputs fails t unless svc's reliability cost curve and
// dependencies are ones nines advise can price: a positive curve that
// does not fall, dependency availabilities in (0, 1].
func checkAdvisorInputs(t *testing.T, cat *slo.Catalog, svc slo.Service) {
	t.Helper()
	c := svc.ReliabilityCost
	if c.Declared() && svc.Cost.Currency == "" {
		t.Errorf("service %s: a reliability cost without a currency", svc.Name)
	}
	if c.PerYear > 0 && (c.PerNine < 1 || math.IsInf(c.PerNine, 0) || !(c.At > 0 && c.At < 1)) {
		t.Errorf("service %s: curve %+v", svc.Name, c)
	}
	for i, p := range c.Points {
		if !(p.PerYear > 0) || math.IsInf(p.PerYear, 0) || !(p.Objective > 0 && p.Objective < 1) ||
			i > 0 && (p.Objective <= c.Points[i-1].Objective || p.PerYear < c.Points[i-1].PerYear) {
			t.Errorf("service %s: points %+v", svc.Name, c.Points)
		}
	}
	for _, d := range svc.Dependencies {
		if a := d.Ceiling(); !(a > 0 && a <= 1) {
			t.Errorf("service %s: dependency %s has availability %v", svc.Name, d.Label(), a)
		}
	}
}
