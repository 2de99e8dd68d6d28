package slo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// incidentsCatalog names the services of the incidents files in the
// repository: the example specs' and the test fleet's.
var incidentsCatalog = func() *Catalog {
	cat := &Catalog{}
	for _, n := range []string{"checkout", "payments-gateway", "recommendations", "search", "shop", "gateway", "recs"} {
		cat.Services = append(cat.Services, Service{Name: n})
	}
	return cat
}()

// FuzzIncidents reads an incidents file, YAML or CSV, and requires a
// *ValidationError whose problems name the file, or records that hold
// together: known services, spans that end after they start and do not
// overlap within a service, responders with a valid role and finite
// amounts. Accepted records, written back as CSV, read the same.
//
// Seeded with specs/incidents and slo/testdata/incidents.
func FuzzIncidents(f *testing.F) {
	files, _ := filepath.Glob("../specs/incidents/*")
	more, _ := filepath.Glob("testdata/incidents/*")
	for _, name := range append(files, more...) {
		if strings.HasSuffix(name, ".err") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, filepath.Ext(name) == ".csv")
	}
	f.Fuzz(func(t *testing.T, data []byte, isCSV bool) {
		file := "incidents.yaml"
		if isCSV {
			file = "incidents.csv"
		}
		recs, err := parseIncidents(file, data, incidentsCatalog)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("error %v, want a *ValidationError with problems", err)
			}
			for _, p := range verr.Problems {
				if p.File != file || p.Message == "" {
					t.Errorf("problem %+v names no file or says nothing", p)
				}
			}
			return
		}
		if len(recs) == 0 {
			t.Fatal("no records and no error")
		}
		checkIncidents(t, recs)
		again, err := parseIncidents("again.csv", incidentsCSV(t, recs), incidentsCatalog)
		if err != nil {
			t.Fatalf("the records written as CSV do not read back: %v", err)
		}
		if len(again) != len(recs) {
			t.Fatalf("%d records read back as %d", len(recs), len(again))
		}
		for i := range recs {
			a, b := recs[i], again[i]
			if a.Service != b.Service || !a.Start.Equal(b.Start) || !a.End.Equal(b.End) ||
				strings.TrimSpace(a.Title) != b.Title || a.Dismissed != b.Dismissed ||
				len(a.Responders) != len(b.Responders) || !sameHours(a.OpportunityHours, b.OpportunityHours) {
				t.Errorf("record %d\n%+v\nread back as\n%+v", i, a, b)
				continue
			}
			for j := range a.Responders {
				if a.Responders[j] != b.Responders[j] {
					t.Errorf("record %d responder %d: %+v read back as %+v", i, j, a.Responders[j], b.Responders[j])
				}
			}
		}
	})
}

func sameHours(a, b *float64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func finiteNonNegative(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 }

func checkIncidents(t *testing.T, recs []IncidentRecord) {
	t.Helper()
	known := map[string]bool{}
	for _, s := range incidentsCatalog.Services {
		known[s.Name] = true
	}
	for i, r := range recs {
		if !known[r.Service] || r.Start.IsZero() || !r.End.After(r.Start) || r.Line <= 0 {
			t.Errorf("record %d: %+v", i, r)
		}
		if r.OpportunityHours != nil && !finiteNonNegative(*r.OpportunityHours) {
			t.Errorf("record %d: opportunity hours %v", i, *r.OpportunityHours)
		}
		for _, p := range r.Responders {
			if !ValidName(p.Role) || !(p.People > 0) || !finiteNonNegative(p.People) || !finiteNonNegative(p.Hours) || !finiteNonNegative(p.HourlyRate) {
				t.Errorf("record %d: responder %+v", i, p)
			}
		}
		for j := range i {
			o := recs[j]
			if o.Service == r.Service && r.Start.Before(o.End) && o.Start.Before(r.End) {
				t.Errorf("records %d and %d overlap: %+v, %+v", j, i, o, r)
			}
		}
	}
}

// incidentsCSV writes recs as a CSV incidents file.
func incidentsCSV(t *testing.T, recs []IncidentRecord) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	write := func(row ...string) {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	write(IncidentCSVHeader...)
	for _, r := range recs {
		opp := ""
		if r.OpportunityHours != nil {
			opp = num(*r.OpportunityHours)
		}
		head := []string{r.Service, r.Start.Format(time.RFC3339Nano), r.End.Format(time.RFC3339Nano), r.Title}
		if len(r.Responders) == 0 {
			write(append(head, "", "", "", "", strconv.FormatBool(r.Dismissed), opp)...)
		}
		for _, p := range r.Responders {
			write(append(head, p.Role, num(p.People), num(p.Hours), num(p.HourlyRate), strconv.FormatBool(r.Dismissed), opp)...)
		}
	}
	w.Flush()
	return b.Bytes()
}

// FuzzDuration reads a duration as a spec does and requires that what is
// accepted as a window prints as a duration that reads back the same, as
// nines prints windows in reports and PromQL ranges.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"30d", "28d", "4w", "1y", "1h30m", "5m", "1ms", "1500ms", "90500ms", "0s", "-1h", "1d2h3m4s5ms",
		"292y", "300y", "14d6h3m20s", "month", "quarter", "1e3s", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := model.ParseDuration(s)
		if err != nil {
			return
		}
		if d > 0 {
			text := formatDuration(time.Duration(d))
			back, err := model.ParseDuration(text)
			if err != nil || back != d {
				t.Fatalf("%q reads as %v, prints as %q, reads back as %v, %v", s, time.Duration(d), text, time.Duration(back), err)
			}
			if r := PromQLDuration(time.Duration(d)); wholeSeconds(d) && r != text {
				t.Errorf("%q: PromQL range %q, window %q", s, r, text)
			}
		}
		c := &fileChecker{file: "f.yaml"}
		w := checkWindow(c, path{"window"}, s, "", Window{Rolling: time.Hour, Location: time.UTC})
		if len(c.problems) > 0 {
			return
		}
		if w.Rolling <= 0 || w.Rolling%time.Second != 0 || w.Location == nil {
			t.Fatalf("window %q accepted as %+v", s, w)
		}
		back, err := model.ParseDuration(w.String())
		if err != nil || time.Duration(back) != w.Rolling {
			t.Fatalf("window %q prints as %q, reads back as %v, %v", s, w.String(), back, err)
		}
	})
}

// FuzzParsePeriod reads a period as --period and --quarter do and requires
// a period that starts before it ends, whose name reads back as itself and
// whose previous period ends where it starts.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"month", "quarter", "mtd", "qtd", "2026-Q3", "2026-q1", "2026-09", "2026-13", "0000-01", "9999-Q4", "0000-Q1", ""} {
		f.Add(s, int64(1790000000), "UTC")
	}
	f.Add("quarter", int64(-62135596800), "Europe/Berlin")
	f.Add("month", int64(253402300799), "Pacific/Kiritimati")
	f.Fuzz(func(t *testing.T, s string, unix int64, zone string) {
		loc, err := time.LoadLocation(zone)
		if err != nil || zone == "Local" {
			return
		}
		at := time.Unix(unix, 0)
		if y := at.In(loc).Year(); y < 0 || y > 9999 {
			return // beyond the four-digit years of RFC 3339 and of period names
		}
		p, err := ParsePeriod(s, at, loc)
		if err != nil {
			return
		}
		if !p.Start.Before(p.End) {
			t.Fatalf("%q: period %+v", s, p)
		}
		again, err := ParsePeriod(p.Name, at, loc)
		if err != nil || !again.Start.Equal(p.Start) || !again.End.Equal(p.End) || again.Name != p.Name {
			t.Fatalf("%q is %+v, whose name reads as %+v, %v", s, p, again, err)
		}
		if prev := p.Previous(); !prev.End.Equal(p.Start) || !prev.Start.Before(prev.End) {
			t.Fatalf("%q: %+v comes before %+v", s, prev, p)
		}
	})
}
