package interop_test

import (
	"io/fs"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/nines-sre/nines/interop"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
	"github.com/nines-sre/nines/specs"
)

// loadImported loads imported service files beside the tiers (and
// incidents) of the example specs, as nines would read them.
func loadImported(t *testing.T, imp *interop.Imported, tool string) *slo.Catalog {
	t.Helper()
	mfs := fstest.MapFS{}
	for _, p := range []string{"tiers.yaml", "incidents/2026-q3.yaml"} {
		b, err := fs.ReadFile(specs.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		mfs[p] = &fstest.MapFile{Data: b}
	}
	paths := []string{"tiers.yaml"}
	for _, s := range imp.Services {
		b, err := s.YAML(tool)
		if err != nil {
			t.Fatal(err)
		}
		name := "imported/" + s.Spec.Service + ".yaml"
		mfs[name] = &fstest.MapFile{Data: b}
		paths = append(paths, name)
	}
	cat, err := slo.Load(paths, slo.LoadOptions{FS: mfs, CheckQuery: prom.CheckQuery})
	if err != nil {
		t.Fatalf("the imported specs do not load: %v", err)
	}
	return cat
}

// expressible is what OpenSLO can say of an SLO: the round trip keeps it.
type expressible struct {
	Service, Name, Tier, Description string
	Objective                        float64
	Window                           string
	Alerts                           any
	SLI                              slo.SLI
	NoData, MissingErrors            string
	MinEvents                        float64
}

func view(s slo.SLO) expressible {
	return expressible{s.Service, s.Name, s.Tier, s.Description, s.Objective, s.Window.String(), s.Alerts, s.SLI, string(s.NoData), string(s.MissingErrors), s.MinEvents}
}

func TestRoundTripNinesOpenSLONinesKeepsTheDemoSLOs(t *testing.T) {
	cat, err := slo.Load([]string{specs.Dir}, slo.LoadOptions{FS: specs.FS})
	if err != nil {
		t.Fatal(err)
	}
	var all []slo.SLO
	for _, s := range cat.Services {
		all = append(all, s.SLOs...)
	}
	exp, err := interop.ExportOpenSLO(all, cat.Services)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := interop.ImportOpenSLO([]interop.File{{Name: "exported.yaml", Data: exp.YAML}}, interop.ImportOptions{Tiers: cat.Tiers})
	if err != nil {
		t.Fatalf("import of the export: %v\n%s", err, exp.YAML)
	}
	back := loadImported(t, imp, "openslo")
	var got []slo.SLO
	for _, s := range back.Services {
		got = append(got, s.SLOs...)
	}
	if len(got) != len(all) {
		t.Fatalf("%d SLOs came back, want %d", len(got), len(all))
	}
	for i := range all {
		if w, g := view(all[i]), view(got[i]); !reflect.DeepEqual(w, g) {
			t.Errorf("SLO %s changed in the round trip:\n want %+v\n got  %+v", all[i].ID(), w, g)
		}
	}
	for _, n := range imp.Notes {
		if n.Outcome != interop.Exact && n.Object != "AlertNotificationTarget nines-page" && n.Object != "AlertNotificationTarget nines-ticket" {
			t.Logf("%+v", n)
		}
	}
}

func TestRoundTripKeepsNamesOpenSLOCannotSpell(t *testing.T) {
	specsFS := fstest.MapFS{
		"tiers.yaml": {Data: []byte("version: nines/v1\ntiers:\n  gold_tier:\n    objective: 99.9\n    window: month\n    timezone: Asia/Tokyo\n")},
		"svc.yaml": {Data: []byte(`version: nines/v1
service: pay.gw_eu
tier: gold_tier
slos:
  - name: avail_v2.http
    sli:
      latency: {metric: http_request_duration_seconds, labels: {job: "a\"b"}, threshold: 1}
  - name: up
    objective: 99.5
    window: 14d
    alerts:
      - {long: 1h, short: 5m, factor: 14.4, severity: page, for: 2m}
      - {long: 1h, short: 10m, factor: 10, severity: page}
    sli:
      probe: {metric: probe_success, labels: {instance: "https://x"}}
`)},
	}
	cat, err := slo.Load([]string{"tiers.yaml", "svc.yaml"}, slo.LoadOptions{FS: specsFS})
	if err != nil {
		t.Fatal(err)
	}
	slos := cat.Services[0].SLOs
	exp, err := interop.ExportOpenSLO(slos, cat.Services)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := interop.ImportOpenSLO([]interop.File{{Name: "x.yaml", Data: exp.YAML}}, interop.ImportOptions{Tiers: cat.Tiers})
	if err != nil {
		t.Fatalf("%v\n%s", err, exp.YAML)
	}
	if len(imp.Services) != 1 || imp.Services[0].Spec.Service != "pay.gw_eu" || imp.Services[0].Spec.Tier != "gold_tier" {
		t.Fatalf("services %+v, want pay.gw_eu in gold_tier", imp.Services)
	}
	mfs := fstest.MapFS{"tiers.yaml": specsFS["tiers.yaml"]}
	b, err := imp.Services[0].YAML("openslo")
	if err != nil {
		t.Fatal(err)
	}
	mfs["svc.yaml"] = &fstest.MapFile{Data: b}
	back, err := slo.Load([]string{"tiers.yaml", "svc.yaml"}, slo.LoadOptions{FS: mfs})
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	for i, s := range back.Services[0].SLOs {
		if w, g := view(slos[i]), view(s); !reflect.DeepEqual(w, g) {
			t.Errorf("SLO %s changed:\n want %+v\n got  %+v", slos[i].ID(), w, g)
		}
	}
}
