package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// periodT0 is where the period test's data starts; its records start a
// day later.
var periodT0 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

const periodTiers = `version: nines/v1
tiers:
  critical:
    objective: 99.5
    window: 30d
`

const periodSpec = `version: nines/v1
service: shop
tier: critical
owner: {team: web}
slos:
  - name: availability
    objective: 99.5
    window: 30d
    sli:
      events:
        bad: sum(increase(shop_requests_total{code="500"}[{{.window}}]))
        total: sum(increase(shop_requests_total[{{.window}}]))
`

// periodData is two days of one-minute counters of shop (two codes, an
// outage on the second day) and, for the second day only, the SLO's
// records on the 5m grid: each the exact increase of its 5m, the value
// Prometheus 2's rule `sum(increase(x[5m]))` records at a grid time when
// the samples fall on the grid (docs/fast-path.md). It returns the data and
// the exact bad and total events of the second day.
func periodData(t *testing.T) ([]byte, float64, float64) {
	t.Helper()
	const minutes = 2 * 24 * 60
	fam := omtext.Family{Name: "shop_requests", Type: omtext.Counter}
	counts := map[string][]float64{}
	for _, code := range []string{"200", "500"} {
		ser := omtext.Series{Labels: map[string]string{"code": code}}
		v := 0.0
		for i := range minutes + 1 {
			switch {
			case code == "200":
				v += float64(50 + (i*11)%37)
			case i > 36*60 && i < 36*60+40:
				v += 70 // the outage
			case i%7 == 0:
				v++
			}
			ser.Samples = append(ser.Samples, omtext.Sample{T: periodT0.Add(time.Duration(i) * time.Minute), V: v})
			counts[code] = append(counts[code], v)
		}
		fam.Series = append(fam.Series, ser)
	}
	fams := []omtext.Family{fam}
	total := func(i int) float64 { return counts["200"][i] + counts["500"][i] }
	bad := func(i int) float64 { return counts["500"][i] }
	for _, rec := range []struct {
		name string
		of   func(int) float64
	}{{slo.RecordedBad, bad}, {slo.RecordedTotal, total}} {
		ser := omtext.Series{Labels: map[string]string{"service": "shop", "slo": "availability", "tier": "critical"}}
		for i := 24*60 + 5; i <= minutes; i += 5 {
			ser.Samples = append(ser.Samples, omtext.Sample{T: periodT0.Add(time.Duration(i) * time.Minute), V: rec.of(i) - rec.of(i-5)})
		}
		fams = append(fams, omtext.Family{Name: rec.name, Type: omtext.Gauge, Series: []omtext.Series{ser}})
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, fams); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), bad(minutes) - bad(24*60), total(minutes) - total(24*60)
}

// costSLO runs cost -o json over [from, to] and returns the shop SLO's row.
func costSLO(t *testing.T, url, specs string, from, to time.Time, extra ...string) (report.CostReport, report.SLOCost) {
	t.Helper()
	args := append([]string{"cost", "-o", "json", "--specs", specs, "--prometheus.url", url, "--incidents", "none",
		"--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--at", to.Format(time.RFC3339)}, extra...)
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	var r report.CostReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Services) != 1 || len(r.Services[0].SLOs) != 1 {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return r, r.Services[0].SLOs[0]
}

// The measurement over a priced period reads the records where they cover
// it, with the same availability as raw data, and raw data (saying why)
// where they do not; the incident scan reads raw data either way.
func TestCostPeriodReadsRecordsWhereTheyCoverIt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Prometheus server")
	}
	data, bad, total := periodData(t)
	srv := promtest.Start(t, data)
	specs := t.TempDir()
	for name, body := range map[string]string{"shop.yaml": periodSpec, "tiers.yaml": periodTiers} {
		if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	from, to := periodT0.Add(24*time.Hour), periodT0.Add(48*time.Hour)

	rr, rec := costSLO(t, srv.URL, specs, from, to)
	_, raw := costSLO(t, srv.URL, specs, from, to, "--recorded", "never")
	if rec.Path != slo.PathRecorded || rec.PathReason != "" || rec.RecordedAt == nil || !rec.RecordedAt.Equal(to) {
		t.Errorf("auto over the second day: path %q, reason %q, recorded_at %v; want recorded, at %s", rec.Path, rec.PathReason, rec.RecordedAt, to)
	}
	if raw.Path != slo.PathRaw || raw.PathReason != "" {
		t.Errorf("never: path %q, reason %q; want raw without a reason (records were not allowed)", raw.Path, raw.PathReason)
	}
	if rr.IncidentScanPath != slo.PathRaw {
		t.Errorf("incident_scan_path %q, want raw", rr.IncidentScanPath)
	}
	// The records hold integer increments and raw increase() reads the
	// counters at the period's two ends (samples on its bounds, Prometheus
	// 2's closed range: no extrapolation), so both are exact here; 1e-9
	// relative is the bound the fast path promises at aligned times
	// (issue 11), which leaves room for the float rounding of summing 288
	// records in pieces.
	want := 1 - bad/total
	for name, s := range map[string]report.SLOCost{"recorded": rec, "raw": raw} {
		if s.Availability == nil || math.Abs(*s.Availability-want) > 1e-9*want {
			t.Errorf("%s: availability %v, want %.15f (bad %.0f of %.0f)", name, s.Availability, want, bad, total)
		}
	}
	if rec.Availability != nil && raw.Availability != nil {
		t.Logf("second day: recorded %.15f, raw %.15f, truth %.15f", *rec.Availability, *raw.Availability, want)
	}

	// From the first day's noon the records (from the second day) fall
	// short: auto reads raw data and says why; always fails.
	_, early := costSLO(t, srv.URL, specs, periodT0.Add(12*time.Hour), to)
	if early.Path != slo.PathRaw || !strings.Contains(early.PathReason, "has 288 records where its windows need 432") {
		t.Errorf("auto from noon of the first day: path %q, reason %q; want raw, 288 of 432 records", early.Path, early.PathReason)
	}
	args := []string{"cost", "--specs", specs, "--prometheus.url", srv.URL, "--incidents", "none", "--recorded", "always",
		"--from", periodT0.Add(12 * time.Hour).Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--at", to.Format(time.RFC3339)}
	if code, _, errOut := runCLI(t, "", args...); code == exitOK || !strings.Contains(errOut, "--recorded always, but") {
		t.Errorf("always from noon of the first day: exit %d, stderr %q; want an error naming --recorded always", code, errOut)
	}
}
