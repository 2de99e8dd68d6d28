package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// savingsEnd is the evaluation time of the savings test: a whole minute,
// on the records' 5m grid.
var savingsEnd = time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)

// savingsData is 26 hours of one-minute counters sv_requests_total{service,
// code} (codes 200 and 500) for the services rec, plain and ratio, and the
// records of rec's SLO every 5m (the exact 5m increases, as the rules record
// them at aligned samples): plain has no records.
func savingsData() []byte {
	start := savingsEnd.Add(-26 * time.Hour)
	n := int(26 * time.Hour / time.Minute)
	fam := omtext.Family{Name: "sv_requests", Type: omtext.Counter}
	var recBad, recTotal []float64 // rec's per-minute increments
	for _, svc := range []string{"rec", "plain", "ratio"} {
		for _, code := range []string{"200", "500"} {
			ser := omtext.Series{Labels: map[string]string{"service": svc, "code": code}}
			v := 0.0
			for i := range n + 1 {
				inc := 0.0
				if i > 0 && code == "200" {
					inc = float64(50 + i%17)
				} else if i > 0 && i%4 == 0 {
					inc = 1
				}
				v += inc
				if svc == "rec" {
					if code == "200" {
						recTotal = append(recTotal, inc)
					} else {
						recBad = append(recBad, inc)
						recTotal[i] += inc
					}
				}
				ser.Samples = append(ser.Samples, omtext.Sample{T: start.Add(time.Duration(i) * time.Minute), V: v})
			}
			fam.Series = append(fam.Series, ser)
		}
	}
	fams := []omtext.Family{fam}
	for _, r := range []struct {
		name string
		incs []float64
	}{{slo.RecordedBad, recBad}, {slo.RecordedTotal, recTotal}} {
		rf := omtext.Family{Name: r.name, Type: omtext.Gauge}
		ser := omtext.Series{Labels: map[string]string{"service": "rec", "slo": "availability", "tier": "gold"}}
		for i := 5; i <= n; i += 5 {
			ser.Samples = append(ser.Samples, omtext.Sample{T: start.Add(time.Duration(i) * time.Minute), V: r.incs[i-4] + r.incs[i-3] + r.incs[i-2] + r.incs[i-1] + r.incs[i]})
		}
		rf.Series = append(rf.Series, ser)
		fams = append(fams, rf)
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, fams); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestRulesSavingsAgainstRealPrometheus: `nines rules --savings` against
// Prometheus 2.42 counts the samples by hand. rec has its records on the
// server (its recorded cost is measured), plain has not (computed), ratio
// is a raw SLI (its raw cost on both paths).
func TestRulesSavingsAgainstRealPrometheus(t *testing.T) {
	srv := promtest.Start(t, savingsData())
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tiers.yaml", `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 1d
    alerts:
      - {long: 1h, short: 5m, factor: 14.4, severity: page}
      - {long: 6h, short: 30m, factor: 6, severity: page}
`)
	for _, svc := range []string{"rec", "plain"} {
		write(svc+".yaml", `version: nines/v1
service: `+svc+`
tier: gold
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(sv_requests_total{service="`+svc+`",code="500"}[{{.window}}]))
        total: sum(increase(sv_requests_total{service="`+svc+`"}[{{.window}}]))
`)
	}
	write("ratio.yaml", `version: nines/v1
service: ratio
tier: gold
slos:
  - name: availability
    sli:
      raw:
        error_ratio: sum(increase(sv_requests_total{service="ratio",code="500"}[{{.window}}])) / sum(increase(sv_requests_total{service="ratio"}[{{.window}}]))
`)
	rulesFile := filepath.Join(dir, "out", "nines.yaml")
	if err := os.Mkdir(filepath.Dir(rulesFile), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runWithEnv(nil, "rules", "--savings=json", "--specs", dir, "--prometheus.url", srv.URL,
		"--at", savingsEnd.Format(time.RFC3339), "-o", rulesFile)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s report.Savings
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if _, err := os.Stat(rulesFile); err != nil || !strings.Contains(errOut, "wrote "+rulesFile) {
		t.Errorf("the rules were not written to -o: %v, stderr %q", err, errOut)
	}
	by := map[string]report.SLOSavings{}
	for _, x := range s.SLOs {
		by[x.Service] = x
	}
	// Raw, by hand, per event SLO: windows of 1d, 5m, 30m, 1h and 6h (in
	// minutes 1440, 5, 30, 60, 360) at a whole minute: Prometheus 2's
	// closed range holds w+1 one-minute samples per series, 1,900 in all;
	// the bad query reads 1 series, the total 2: 5,700; and the coverage
	// subquery (min_over_time(timestamp(…)[1d:22m]): a step of 1d/64
	// truncated to the minute) counts its points (Prometheus 2.x), those
	// of the 22m grid since the epoch in [At-1d, At]; in 2 queries per
	// window and the coverage query: 11.
	step := int64(22 * 60)
	at := savingsEnd.Unix()
	points := floorDiv(at, step) - floorDiv(at-86400+step-1, step) + 1
	rawSamples, rawQueries := 3*(1441+6+31+61+361)+points, 11
	// Recorded, by hand: 288 records in the 1d window, read for the bad
	// sum, the total sum and the count, and 1 sample for the probe: 865;
	// the batch (rec and plain share their windows) sends the probe, the
	// count and a bad and a total sum per piece of the 5 windows: 12.
	const recSamples, recQueries = int64(3*288 + 1), 12
	// rec and plain differ only in the service label's value: the raw path
	// sends one batched query per window and coverage for both (docs/
	// fast-path.md, "Raw-path batching"), which reads both services'
	// series and is listed under each SLO it serves (docs/stats.md): each
	// SLO shows twice its own samples, the fleet counts them once.
	sharedRaw := 2 * rawSamples
	for _, c := range []struct {
		svc, records, basis string
	}{{"rec", report.RecordsPresent, report.BasisComputed}, {"plain", report.RecordsMissing, report.BasisComputed}} {
		x := by[c.svc]
		if x.Records != c.records || x.RecordedBasis != c.basis || x.RawQueries != rawQueries || x.RawSamples == nil || *x.RawSamples != sharedRaw ||
			x.RecordedQueries != recQueries || x.RecordedSamples == nil || *x.RecordedSamples != recSamples {
			t.Errorf("%s: %+v; want records %s, raw %d queries %d samples, recorded %d queries %d samples", c.svc, x, c.records, rawQueries, sharedRaw, recQueries, recSamples)
		}
		// The ratio is of the two exact counts: float division only.
		if want := float64(sharedRaw) / float64(recSamples); x.SamplesRatio == nil || math.Abs(*x.SamplesRatio-want) > 1e-12 {
			t.Errorf("%s: samples ratio %v, want %v", c.svc, x.SamplesRatio, want)
		}
	}
	ratio := by["ratio"]
	if ratio.Records != report.RecordsNotTaken || ratio.RecordedBasis != report.BasisRaw || ratio.RawSamples == nil || *ratio.RawSamples <= 0 ||
		*ratio.RecordedSamples != *ratio.RawSamples || ratio.RecordedQueries != ratio.RawQueries {
		t.Errorf("ratio: %+v; want its raw cost on both paths", ratio)
	}
	// The fleet: raw measured; recorded measured for rec (the server's
	// figure must be the hand count: 865), computed for plain (865), and
	// ratio's raw cost.
	f := s.Fleet
	wantRec := 2*recSamples + *ratio.RawSamples
	if f.RecordedBasis != report.BasisMixed || f.RawSamples == nil || *f.RawSamples != 2*rawSamples+*ratio.RawSamples ||
		f.RawQueries != rawQueries+ratio.RawQueries || f.RecordedSamples == nil || *f.RecordedSamples != wantRec ||
		f.RecordedQueries != recQueries+ratio.RawQueries {
		t.Errorf("fleet: %+v; want raw %d samples in %d queries, recorded %d samples in %d queries, measured and computed",
			f, 2*rawSamples+*ratio.RawSamples, rawQueries+ratio.RawQueries, wantRec, recQueries+ratio.RawQueries)
	}
	if !strings.Contains(strings.Join(s.Notes, "\n"), "measured for the 1 SLO whose records the server has, computed for the 1 SLO") {
		t.Errorf("notes: %q", s.Notes)
	}

	// A grouped SLO (a row per group, in its place) and a composite cannot
	// read records: their raw cost counts on both paths, the rows after
	// them keep their own figures, and the recorded fleet counts the fast
	// path's SLOs and the raw cost of the others once each.
	write("grp.yaml", `version: nines/v1
service: grp
tier: gold
slos:
  - name: availability
    group_by: [service]
    sli:
      events:
        bad: sum(increase(sv_requests_total{code="500"}[{{.window}}]))
        total: sum(increase(sv_requests_total[{{.window}}]))
`)
	write("both.yaml", `version: nines/v1
service: both
tier: gold
slos:
  - name: journey
    composite: {method: weighted, slos: [rec/availability, plain/availability]}
`)
	code, out, errOut = runWithEnv(nil, "rules", "--savings=json", "--specs", dir, "--prometheus.url", srv.URL, "--at", savingsEnd.Format(time.RFC3339))
	if code != exitOK {
		t.Fatalf("with a group and a composite: exit %d: %s", code, errOut)
	}
	var mixed report.Savings
	if err := json.Unmarshal([]byte(out), &mixed); err != nil {
		t.Fatal(err)
	}
	var rows []string
	notTakenRaw := int64(0)
	for _, x := range mixed.SLOs {
		rows = append(rows, x.Service+"/"+x.SLO+" "+x.Records)
		switch x.Service {
		case "rec", "plain":
			// Their raw queries now also serve the groups (one batched
			// query per window for every service value), so they list
			// more raw samples; their recorded side is their own.
			if w := by[x.Service]; x.Records != w.Records || *x.RawSamples < *w.RawSamples || *x.RecordedSamples != *w.RecordedSamples {
				t.Errorf("%s beside a group and a composite: %+v, alone %+v", x.Service, x, w)
			}
		default:
			// The composite's queries are its members' (listed under them):
			// it has none of its own.
			if x.Records != report.RecordsNotTaken || (x.RawSamples == nil) != (x.RawQueries == 0) {
				t.Errorf("%s/%s: %+v; want not_recordable with its raw cost", x.Service, x.SLO, x)
				continue
			}
			if x.RawSamples != nil {
				notTakenRaw += *x.RawSamples
			}
		}
	}
	wantRows := []string{"both/journey not_recordable", "grp/availability{service=\"plain\"} not_recordable",
		"grp/availability{service=\"ratio\"} not_recordable", "grp/availability{service=\"rec\"} not_recordable",
		"plain/availability missing", "ratio/availability not_recordable", "rec/availability present"}
	if !slices.Equal(rows, wantRows) {
		t.Errorf("rows %q, want %q", rows, wantRows)
	}
	// The rest, measured once: ratio's own queries, and the groups' (one
	// query finds them, then a bad and a total query per window and one
	// coverage query, batched over the three values): at most what their
	// rows list, since the groups' rows each list the shared queries.
	if mf := mixed.Fleet; mf.RecordedSamples == nil || *mf.RecordedSamples <= 2*recSamples+*ratio.RawSamples || *mf.RecordedSamples >= 2*recSamples+notTakenRaw {
		t.Errorf("fleet recorded samples %v, want between %d and %d (rec measured, plain computed, the rest measured once)", mf.RecordedSamples, 2*recSamples+*ratio.RawSamples, 2*recSamples+notTakenRaw)
	}

	// The table names the basis; without -o or --dir no rules are written
	// and stdout holds only the table.
	code, out, errOut = runWithEnv(nil, "rules", "--savings", "--specs", dir, "--prometheus.url", srv.URL, "--at", savingsEnd.Format(time.RFC3339))
	if code != exitOK || !strings.Contains(out, "FAST PATH SAVINGS") || !strings.Contains(out, "measured_and_computed") || strings.Contains(out, "groups:") {
		t.Errorf("table: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// floorDiv is a/b rounded down (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// --savings takes an output format; anything else is a usage error before
// any source is read.
func TestRulesSavingsFormatIsChecked(t *testing.T) {
	code, out, errOut := runWithEnv(nil, "rules", "--savings=xml", "--source", "demo")
	if code != exitFailure || out != "" || !strings.Contains(errOut, "invalid --savings=xml: use table, wide, json, csv or markdown") {
		t.Errorf("exit %d, stdout %q, stderr %q; want a usage error", code, out, errOut)
	}
}
