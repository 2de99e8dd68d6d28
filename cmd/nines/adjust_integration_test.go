package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// The budget-adjustment scenario: a day of one-minute samples of a shop
// with a 100-minute outage inside a planned migration, a nightly error
// burst inside a recurring Europe/Berlin adjustment, and errors inside an
// adjustment that straddles the start of the SLO window. The truth is
// summed here from the generated increments.
var (
	adjAt    = time.Date(2026, 10, 26, 12, 0, 0, 0, time.UTC)
	adjSpan  = 30 * time.Hour
	adjAfter = 10 * time.Minute
	// The intervals the specs below declare, as the expansion must find
	// them in the 1d window ending at adjAt (02:00 CET is 01:00Z).
	adjMigration = [2]time.Time{utcAt("2026-10-26T06:00:00Z"), utcAt("2026-10-26T08:00:00Z")}
	adjNightly   = [2]time.Time{utcAt("2026-10-26T01:00:00Z"), utcAt("2026-10-26T01:30:00Z")}
	adjStraddle  = [2]time.Time{utcAt("2026-10-25T11:00:00Z"), utcAt("2026-10-25T13:00:00Z")}
)

func utcAt(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// adjMinute is one generated minute: the increments of the sample at T
// (over (T-1m, T]) and the probe's value at T.
type adjMinute struct {
	T         time.Time
	Good, Bad float64
	Up        float64
}

// inside reports whether t lies in (a, b]: the samples whose increments
// increase() over [a, b] counts.
func inside(t time.Time, iv [2]time.Time) bool { return t.After(iv[0]) && !t.After(iv[1]) }

func adjData() ([]byte, []adjMinute) {
	var ms []adjMinute
	for t := adjAt.Add(-adjSpan); !t.After(adjAt.Add(adjAfter)); t = t.Add(time.Minute) {
		k := int(t.Sub(adjAt) / time.Minute)
		m := adjMinute{T: t, Good: float64(100 + ((k%13)+13)%13), Up: 1}
		if k%30 == 0 {
			m.Bad = 1 // background: one error every half hour
		}
		switch {
		case inside(t, [2]time.Time{adjMigration[0].Add(10 * time.Minute), adjMigration[1].Add(-10 * time.Minute)}):
			m.Good, m.Bad, m.Up = 60, 40, 0 // the outage, inside the migration
		case inside(t, adjNightly):
			m.Bad = 10
		case inside(t, adjStraddle):
			m.Bad = 5
		}
		ms = append(ms, m)
	}
	fam := omtext.Family{Name: "shop_requests", Type: omtext.Counter}
	up := omtext.Family{Name: "shop_up", Type: omtext.Gauge}
	good := omtext.Series{Labels: map[string]string{"code": "200"}}
	bad := omtext.Series{Labels: map[string]string{"code": "500"}}
	probe := omtext.Series{Labels: map[string]string{"target": "shop"}}
	var g, b float64
	for _, m := range ms {
		g, b = g+m.Good, b+m.Bad
		good.Samples = append(good.Samples, omtext.Sample{T: m.T, V: g})
		bad.Samples = append(bad.Samples, omtext.Sample{T: m.T, V: b})
		probe.Samples = append(probe.Samples, omtext.Sample{T: m.T, V: m.Up})
	}
	fam.Series = []omtext.Series{good, bad}
	up.Series = []omtext.Series{probe}
	var buf bytes.Buffer
	if err := omtext.Write(&buf, []omtext.Family{fam, up}); err != nil {
		panic(err)
	}
	return buf.Bytes(), ms
}

// adjTruth sums the events of the window (at-w, at] outside the excluded
// intervals (their (a, b], clipped to the window): the counts increase()
// sees. For the probe, samples in [at-w, at] outside every [a, b], as
// sum_over_time and count_over_time over closed ranges count them.
func adjTruth(ms []adjMinute, w time.Duration, excluded ...[2]time.Time) (bad, total, probeDown, probeN float64) {
	from := adjAt.Add(-w)
	for _, m := range ms {
		if m.T.Before(from) || m.T.After(adjAt) {
			continue
		}
		closedOut, openOut := false, false
		for _, iv := range excluded {
			a, b := iv[0], iv[1]
			if a.Before(from) {
				a = from
			}
			closedOut = closedOut || (!m.T.Before(a) && !m.T.After(b))
			openOut = openOut || inside(m.T, [2]time.Time{a, b})
		}
		if m.T.After(from) && !openOut {
			bad, total = bad+m.Bad, total+m.Good+m.Bad
		}
		if !closedOut {
			probeDown, probeN = probeDown+1-m.Up, probeN+1
		}
	}
	return
}

const adjTiers = `version: nines/v1
tiers:
  critical:
    objective: 99.9
    window: 1d
    alerts:
      - {long: 1h, short: 5m, factor: 14.4, severity: page}
      - {long: 6h, short: 30m, factor: 6, severity: page}
      - {long: 1d, short: 2h, factor: 3, severity: ticket}
`

const adjServiceHead = `version: nines/v1
service: shop
tier: critical
`

const adjServiceAdjustments = `adjustments:
  - reason: database migration
    start: 2026-10-26T07:00:00+01:00
    end: 2026-10-26T09:00:00+01:00
  - reason: nightly batch
    every: day
    at: "02:00"
    duration: 30m
    time_zone: Europe/Berlin
    from: 2026-10-01
    until: 2026-10-31
`

const adjServiceSLOs = `slos:
  - name: availability
    adjustments:
      - reason: load test
        start: 2026-10-25T11:00:00Z
        duration: 2h
    sli:
      events:
        bad: sum(increase(shop_requests_total{code="500"}[{{.window}}]))
        total: sum(increase(shop_requests_total[{{.window}}]))
  - name: reachability
    sli:
      probe:
        metric: shop_up
        labels: {target: shop}
`

func writeAdjSpecs(t *testing.T, adjusted bool) string {
	t.Helper()
	dir := t.TempDir()
	svc := adjServiceHead + adjServiceSLOs
	if adjusted {
		svc = adjServiceHead + adjServiceAdjustments + adjServiceSLOs
	} else {
		svc = strings.Replace(svc, `    adjustments:
      - reason: load test
        start: 2026-10-25T11:00:00Z
        duration: 2h
`, "", 1)
	}
	for name, text := range map[string]string{"tiers.yaml": adjTiers, "shop.yaml": svc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestAdjustmentsAgainstRealPrometheus evaluates the scenario with and
// without its adjustments against a real Prometheus: burn's adjusted
// figures equal the truth with the intervals removed, its raw ones the
// truth with every event; the gate blocks on the raw budget and allows on
// the adjusted one, and its audit line names the adjustments; the
// outage inside the migration is a planned interval, not an incident.
func TestAdjustmentsAgainstRealPrometheus(t *testing.T) {
	om, ms := adjData()
	srv := promtest.Start(t, om)
	adjusted, plain := writeAdjSpecs(t, true), writeAdjSpecs(t, false)
	at := adjAt.Format(time.RFC3339)

	t.Run("burn", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "burn", "-o", "json", "--specs", adjusted, "--prometheus.url", srv.URL, "--at", at)
		if code != exitOK {
			t.Fatalf("burn exit %d: %s", code, errOut)
		}
		var rep report.BurnReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		got := map[string]report.SLOStatus{}
		for _, s := range rep.SLOs {
			got[s.SLO] = s
		}
		day := 24 * time.Hour
		// The events SLO has all three adjustments; the probe the
		// service's two (the load test is the availability SLO's own).
		av, re := got["availability"], got["reachability"]
		bad, total, _, _ := adjTruth(ms, day, adjStraddle, adjNightly, adjMigration)
		rawBad, rawTotal, _, _ := adjTruth(ms, day)
		_, _, down, n := adjTruth(ms, day, adjNightly, adjMigration)
		_, _, rawDown, rawN := adjTruth(ms, day)
		// Exact to 1e-9 relative (near): samples fall on every excluded
		// interval's ends and the window's, so Prometheus 2.x's closed
		// ranges extrapolate nothing; what is left is float summation.
		checks := []struct {
			what      string
			got, want *float64
		}{
			{"availability total", av.Total, ptr(total)},
			{"availability good", av.Good, ptr(total - bad)},
			{"availability raw total", av.Raw.Total, ptr(rawTotal)},
			{"availability raw good", av.Raw.Good, ptr(rawTotal - rawBad)},
			{"availability error ratio", av.ErrorRatio, ptr(bad / total)},
			{"availability raw error ratio", av.Raw.ErrorRatio, ptr(rawBad / rawTotal)},
			{"availability budget left", av.BudgetLeft, ptr(1 - bad/total/0.001)},
			{"availability raw budget left", av.Raw.BudgetLeft, ptr(1 - rawBad/rawTotal/0.001)},
			{"reachability total", re.Total, ptr(n)},
			{"reachability good", re.Good, ptr(n - down)},
			{"reachability raw total", re.Raw.Total, ptr(rawN)},
			{"reachability raw good", re.Raw.Good, ptr(rawN - rawDown)},
		}
		for _, c := range checks {
			if c.got == nil || !near(*c.got, *c.want) {
				t.Errorf("%s: got %v, want %v (1e-9 relative)", c.what, deref(c.got), *c.want)
			}
		}
		// The 6h burn window holds the migration only; the 1h none.
		b6, t6, _, _ := adjTruth(ms, 6*time.Hour, adjMigration)
		for _, br := range av.BurnRates {
			want := b6 / t6 / 0.001
			if br.Window == "6h" && (br.BurnRate == nil || !near(*br.BurnRate, want)) {
				t.Errorf("6h burn rate %v, want %v", deref(br.BurnRate), want)
			}
		}
		wantAdj := []struct {
			reason string
			iv     [2]time.Time
		}{
			{"load test", [2]time.Time{adjAt.Add(-day), adjStraddle[1]}}, // clipped to the window
			{"nightly batch", adjNightly},
			{"database migration", adjMigration},
		}
		if len(av.Adjustments) != len(wantAdj) {
			t.Fatalf("availability adjustments %+v, want %d", av.Adjustments, len(wantAdj))
		}
		for i, w := range wantAdj {
			a := av.Adjustments[i]
			_, all, _, _ := adjTruth(ms, day)
			_, rest, _, _ := adjTruth(ms, day, w.iv)
			if a.Reason != w.reason || !a.Start.Equal(w.iv[0]) || !a.End.Equal(w.iv[1]) || a.ExcludedEvents == nil || !near(*a.ExcludedEvents, all-rest) {
				t.Errorf("adjustment %d: %s %s to %s, %v events; want %s %s to %s, %v", i, a.Reason, a.Start, a.End, deref(a.ExcludedEvents), w.reason, w.iv[0], w.iv[1], all-rest)
			}
		}
		if av.Path != "raw" || !strings.Contains(av.PathReason, "budget adjustments") {
			t.Errorf("path %q (%q): an adjusted SLO reads raw data and says why", av.Path, av.PathReason)
		}
		// The table names them under it.
		_, table, _ := runCLI(t, "", "burn", "--specs", adjusted, "--prometheus.url", srv.URL, "--at", at)
		if !strings.Contains(table, "shop/availability: budget left") || !strings.Contains(table, "excluded: load test 2026-10-25 12:00 to 13:00Z") {
			t.Errorf("burn's table does not name the adjustments:\n%s", table)
		}
	})

	t.Run("gate", func(t *testing.T) {
		audit := filepath.Join(t.TempDir(), "audit.jsonl")
		common := []string{"--service", "shop", "--prometheus.url", srv.URL, "--at", at, "--audit-log", audit}
		code, d, errOut := runGateJSON(t, nil, append(common, "--specs", plain, "--cache-dir", t.TempDir())...)
		if code != exitBlocked {
			t.Fatalf("without adjustments: exit %d (%s), want blocked: the outage exhausts the raw budget\n%s", code, reasonRules(d), errOut)
		}
		code, d, errOut = runGateJSON(t, nil, append(common, "--specs", adjusted, "--cache-dir", t.TempDir())...)
		if code != exitOK {
			t.Fatalf("with adjustments: exit %d (%s), want allowed on the adjusted budget\n%s", code, reasonRules(d), errOut)
		}
		if !strings.Contains(reasonRules(d), "allow budget_adjusted availability") {
			t.Errorf("reasons %s: want budget_adjusted", reasonRules(d))
		}
		f, err := os.Open(audit)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var lines []report.GateDecision
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l report.GateDecision
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		if len(lines) != 2 {
			t.Fatalf("%d audit lines, want 2", len(lines))
		}
		for _, s := range lines[1].SLOs {
			if len(s.Adjustments) == 0 || s.RawBudgetLeft == nil || s.BudgetLeft == nil || *s.RawBudgetLeft >= 0 || *s.BudgetLeft < 0.25 {
				t.Errorf("audit line of %s: adjustments %+v, budget left %v adjusted, %v raw: want them named, the raw budget spent and the adjusted one above the warn threshold",
					s.SLO, s.Adjustments, deref(s.BudgetLeft), deref(s.RawBudgetLeft))
			}
		}
		for _, s := range lines[0].SLOs {
			if len(s.Adjustments) != 0 || s.RawBudgetLeft != nil {
				t.Errorf("audit line without adjustments has %+v", s)
			}
		}
	})

	t.Run("incidents", func(t *testing.T) {
		cat, err := slo.Load([]string{adjusted}, slo.LoadOptions{CheckQuery: prom.CheckQuery})
		if err != nil {
			t.Fatal(err)
		}
		h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Concurrency: 4})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		scans := slo.Scan(t.Context(), h, cat.Services[0].SLOs, slo.ScanOptions{Start: adjAt.Add(-24 * time.Hour), End: adjAt})
		if len(scans) != 1 || scans[0].Err != nil {
			t.Fatalf("scan: %+v", scans)
		}
		var kinds []string
		for _, inc := range scans[0].Incidents() {
			kinds = append(kinds, fmt.Sprintf("%s %s-%s %s", inc.Kind, inc.Start.Format("15:04"), inc.End.Format("15:04"), inc.Adjustment))
			if inc.Start.Before(adjMigration[1]) && inc.End.After(adjMigration[0]) && (inc.Kind != slo.KindPlanned || inc.Adjustment != "database migration") {
				t.Errorf("the outage inside the migration is %s (%q), want planned by the migration", inc.Kind, inc.Adjustment)
			}
		}
		if !strings.Contains(strings.Join(kinds, "; "), "planned") {
			t.Errorf("no planned interval found: %v", kinds)
		}
		t.Logf("intervals: %v", kinds)
	})
}

func ptr(v float64) *float64 { return &v }
