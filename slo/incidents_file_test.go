package slo_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nines-sre/nines/slo"
)

func TestIncidentsFileInYAMLAndCSVReadsTheSame(t *testing.T) {
	cat := fleetCatalog(t)
	hours := 24.0
	want := []slo.IncidentRecord{
		{
			Service: "shop", Start: july(1, 10, 0), End: july(1, 10, 45), Title: "Payment provider rejected every card",
			Responders: []slo.Responder{
				{Role: "engineering", People: 4, Hours: 3},
				{Role: "support", People: 6, Hours: 2},
				{Role: "legal", People: 1, Hours: 1, HourlyRate: 250},
			},
			OpportunityHours: &hours,
		},
		{Service: "gateway", Start: july(1, 20, 5), End: july(1, 20, 35), Title: "Synthetic probe misconfigured", Dismissed: true},
		{Service: "recs", Start: july(2, 2, 0), End: july(2, 3, 0), Title: "Model store migration, announced", Planned: true},
	}
	for _, f := range []string{"testdata/incidents/good.yaml", "testdata/incidents/good.csv"} {
		t.Run(filepath.Ext(f), func(t *testing.T) {
			got, err := slo.LoadIncidents(f, cat)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.File != f || g.Line == 0 {
					t.Errorf("record %d at %s:%d, want a line of %s", i, g.File, g.Line, f)
				}
				if !g.Start.Equal(w.Start) || !g.End.Equal(w.End) {
					t.Errorf("record %d spans %s-%s, want %s-%s", i, g.Start, g.End, w.Start, w.End)
				}
				if g.Service != w.Service || g.Title != w.Title || g.Dismissed != w.Dismissed || g.Planned != w.Planned || !reflect.DeepEqual(g.Responders, w.Responders) {
					t.Errorf("record %d\n got %+v\nwant %+v", i, g, w)
				}
				if (g.OpportunityHours == nil) != (w.OpportunityHours == nil) || (g.OpportunityHours != nil && *g.OpportunityHours != *w.OpportunityHours) {
					t.Errorf("record %d opportunity hours %v, want %v", i, g.OpportunityHours, w.OpportunityHours)
				}
			}
		})
	}
}

// Each testdata/incidents/bad* file must give exactly the problems in its
// .err file (rewritten with -update).
func TestBadIncidentsFilesGiveTheirErrors(t *testing.T) {
	cat := fleetCatalog(t)
	files, _ := filepath.Glob("testdata/incidents/bad*")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".err") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := slo.LoadIncidents(f, cat)
			var verr *slo.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("got error %v, want a *slo.ValidationError", err)
			}
			var got strings.Builder
			for _, p := range verr.Problems {
				got.WriteString(p.String() + "\n")
			}
			errFile := f + ".err"
			if *update {
				if err := os.WriteFile(errFile, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(errFile)
			if err != nil {
				t.Fatalf("every bad fixture needs its .err file: %v", err)
			}
			if got.String() != string(want) {
				t.Errorf("problems differ\n got:\n%s\nwant:\n%s", got.String(), want)
			}
		})
	}
	if n < 3 {
		t.Fatalf("found %d bad incidents files, want at least 3", n)
	}
}

func TestIncidentsFileFormatAndPath(t *testing.T) {
	cat := fleetCatalog(t)
	if _, err := slo.LoadIncidents("testdata/incidents/nope.yaml", cat); err == nil || !strings.HasPrefix(err.Error(), `could not read incidents file "testdata/incidents/nope.yaml": `) {
		t.Errorf("missing file: %v", err)
	}
	txt := filepath.Join(t.TempDir(), "incidents.txt")
	if err := os.WriteFile(txt, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := slo.LoadIncidents(txt, cat); err == nil || err.Error() != `incidents file "`+txt+`": unknown format: use a .yaml, .yml or .csv file` {
		t.Errorf("unknown format: %v", err)
	}
}
