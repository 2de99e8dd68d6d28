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
