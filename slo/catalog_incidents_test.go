package slo_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nines-sre/nines/slo"
	"github.com/nines-sre/nines/specs"
)

const incidentsA = `version: nines/v1
incidents:
  - service: a
    start: 2026-08-12T14:18:00Z
    end: 2026-08-12T15:02:00Z
    title: in a
  - service: gone
    start: 2026-08-13T14:18:00Z
    end: 2026-08-13T15:02:00Z
`

const incidentsB = `service,start,end,title,role,people,hours,rate,dismissed,opportunity_hours
a,2026-09-01T10:00:00Z,2026-09-01T11:00:00Z,in b,,,,,,
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIncidentFilesAreRelativeToTheTiersFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"specs/tiers.yaml": strings.Replace(costTiers, "tiers:\n", "incident_files: [../incidents/*.yaml, ../incidents/b.csv]\ntiers:\n", 1),
		"specs/a.yaml":     costService("a", "critical", ""),
		"incidents/a.yaml": incidentsA,
		"incidents/b.csv":  incidentsB,
		"incidents/x.txt":  "not an incidents file, left out by the glob",
	})
	cat, err := slo.Load([]string{filepath.Join(dir, "specs")}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, ignored, err := cat.DefaultIncidents()
	if err != nil {
		t.Fatal(err)
	}
	// a.yaml's "gone" is a service these specs do not define: left out and
	// counted, not refused. b.csv is named twice (glob and path): read once.
	if len(recs) != 2 || ignored != 1 || recs[0].Title != "in a" || recs[1].Title != "in b" {
		t.Fatalf("records %+v, ignored %d", recs, ignored)
	}
}

func TestIncidentFilesProblems(t *testing.T) {
	for _, c := range []struct {
		name, entry, want string
	}{
		{"a missing file", "missing.yaml", `incident_files[0]: incidents file "missing.yaml" not found`},
		{"an empty entry", `""`, "incident_files[0]: empty path"},
		{"an unknown format", "notes.txt", `incidents file "notes.txt": unknown format`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{
				"tiers.yaml": strings.Replace(costTiers, "tiers:\n", "incident_files: ["+c.entry+"]\ntiers:\n", 1),
				"notes.txt":  "x",
			})
			_, err := slo.Load([]string{filepath.Join(dir, "tiers.yaml")}, slo.LoadOptions{})
			var v *slo.ValidationError
			if !errors.As(err, &v) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	// A glob that matches nothing is no problem: the files come and go.
	dir := writeFiles(t, map[string]string{"tiers.yaml": strings.Replace(costTiers, "tiers:\n", "incident_files: [incidents/*.yaml]\ntiers:\n", 1)})
	cat, err := slo.Load([]string{dir}, slo.LoadOptions{})
	if err != nil || len(cat.IncidentFiles) != 0 {
		t.Fatalf("catalog %+v, error %v", cat, err)
	}
}

func TestIncidentFilesOverlappingAcrossFilesAreRefused(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"tiers.yaml": strings.Replace(costTiers, "tiers:\n", "incident_files: [i/*]\ntiers:\n", 1),
		"a.yaml":     costService("a", "critical", ""),
		"i/one.yaml": incidentsA,
		"i/two.csv":  "service,start,end\na,2026-08-12T15:00:00Z,2026-08-12T16:00:00Z\n",
	})
	cat, err := slo.Load([]string{filepath.Join(dir, "tiers.yaml"), filepath.Join(dir, "a.yaml")}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cat.DefaultIncidents(); err == nil || !strings.Contains(err.Error(), "keep it in one file") {
		t.Fatalf("error %v: want the overlap across files refused", err)
	}
}

func TestExampleSpecsNameTheExampleIncidentsFile(t *testing.T) {
	cat, err := slo.Load([]string{specs.Dir}, slo.LoadOptions{FS: specs.FS})
	if err != nil {
		t.Fatal(err)
	}
	recs, ignored, err := cat.DefaultIncidents()
	if err != nil || ignored != 0 || len(recs) == 0 {
		t.Fatalf("%d records (%d ignored), error %v", len(recs), ignored, err)
	}
	if len(cat.IncidentFiles) != 1 || cat.IncidentFiles[0] != "incidents/2026-q3.yaml" {
		t.Errorf("files %v", cat.IncidentFiles)
	}
	// The same from an fs.FS and from disk.
	fsys := fstest.MapFS{}
	for _, n := range []string{"tiers.yaml", "checkout.yaml", "search.yaml", "payments-gateway.yaml", "recommendations.yaml", "incidents/2026-q3.yaml"} {
		b, err := specs.FS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		fsys["s/"+n] = &fstest.MapFile{Data: b}
	}
	c2, err := slo.Load([]string{"s"}, slo.LoadOptions{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	r2, _, err := c2.DefaultIncidents()
	if err != nil || len(r2) != len(recs) {
		t.Fatalf("%d records from a MapFS, %d embedded; error %v", len(r2), len(recs), err)
	}
}
