package scenario

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
)

// A fleet with known outages, for incident detection and cost reports. Its
// traffic is constant, so every error ratio is exact: shop serves 1,000
// requests a minute (0.02% failing, 0.2% slower than 300 ms), recs 200 a
// minute (0.2% falling back), and gateway's probe succeeds every sample.
// Each outage raises one SLI to its ratio over [Start, End); a sample at t
// carries the events of (t-Interval, t], so a sample interval that an outage
// covers in part carries the outage in proportion. A probe sample at t fails
// when t is in an outage.

// Fleet background ratios and rates.
const (
	FleetShopPerMinute  = 1000.0
	FleetShopErrors     = 0.0002
	FleetShopSlow       = 0.002
	FleetRecsPerMinute  = 200.0
	FleetRecsFallbacks  = 0.002
	fleetLatencyBucket  = "0.3"
	fleetProbeInstance  = "https://gw.example.com/health"
	fleetMetricShop     = "shop_requests"
	fleetMetricDuration = "shop_request_duration_seconds"
)

// Outage raises one SLI of the fleet: the SLO is shop's "availability"
// (errors) or "latency" (slow requests), gateway's "reachability" (failed
// probes) or recs' "personalised" (fallbacks).
type Outage struct {
	Service, SLO string
	Start, End   time.Time
	// Ratio is the error ratio during the outage; probes fail whenever it is
	// above 0.
	Ratio float64
}

// Fleet is the data to generate: samples every Interval from From to To
// inclusive, with the outages.
type Fleet struct {
	From, To time.Time
	Interval time.Duration
	Outages  []Outage
}

// ratio is the share of (a, b] that outages of service/slo cover, weighted
// by their ratios, over the background ratio for the rest.
func (f Fleet) ratio(service, slo string, background float64, a, b time.Time) float64 {
	covered, bad := 0.0, 0.0
	for _, o := range f.Outages {
		if o.Service != service || o.SLO != slo {
			continue
		}
		lo, hi := maxTime(a, o.Start), minTime(b, o.End)
		if hi.After(lo) {
			share := float64(hi.Sub(lo)) / float64(b.Sub(a))
			covered += share
			bad += share * o.Ratio
		}
	}
	return bad + (1-covered)*background
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// OpenMetrics generates the fleet's samples.
func (f Fleet) OpenMetrics() ([]byte, error) {
	if f.Interval <= 0 || !f.To.After(f.From) {
		return nil, fmt.Errorf("scenario: empty fleet %s to %s every %s", f.From, f.To, f.Interval)
	}
	n := int(f.To.Sub(f.From)/f.Interval) + 1
	mk := func(suffix string, labels map[string]string) *omtext.Series {
		return &omtext.Series{Suffix: suffix, Labels: labels, Samples: make([]omtext.Sample, 0, n)}
	}
	ok, failed := mk("", map[string]string{"code": "200"}), mk("", map[string]string{"code": "500"})
	fast, all := mk(omtext.SuffixBucket, map[string]string{"le": fleetLatencyBucket}), mk(omtext.SuffixBucket, map[string]string{"le": "+Inf"})
	count := mk(omtext.SuffixCount, nil)
	probe := mk("", map[string]string{"job": "blackbox", "instance": fleetProbeInstance})
	recsReq, recsFallback := mk("", nil), mk("", nil)
	var vOK, vFailed, vFast, vAll, vReq, vFallback float64
	minutes := f.Interval.Minutes()
	for i := range n {
		t := f.From.Add(time.Duration(i) * f.Interval)
		if i > 0 {
			a := t.Add(-f.Interval)
			shop := FleetShopPerMinute * minutes
			errs := shop * f.ratio("shop", "availability", FleetShopErrors, a, t)
			vFailed += errs
			vOK += shop - errs
			vAll += shop
			vFast += shop * (1 - f.ratio("shop", "latency", FleetShopSlow, a, t))
			recs := FleetRecsPerMinute * minutes
			vReq += recs
			vFallback += recs * f.ratio("recs", "personalised", FleetRecsFallbacks, a, t)
		}
		up := 1.0
		for _, o := range f.Outages {
			if o.Service == "gateway" && o.SLO == "reachability" && o.Ratio > 0 && !t.Before(o.Start) && t.Before(o.End) {
				up = 0
			}
		}
		for _, s := range []struct {
			s *omtext.Series
			v float64
		}{{ok, vOK}, {failed, vFailed}, {fast, vFast}, {all, vAll}, {count, vAll}, {probe, up}, {recsReq, vReq}, {recsFallback, vFallback}} {
			s.s.Samples = append(s.s.Samples, omtext.Sample{T: t, V: s.v})
		}
	}
	fams := []omtext.Family{
		{Name: fleetMetricShop, Type: omtext.Counter, Series: []omtext.Series{*ok, *failed}},
		{Name: fleetMetricDuration, Type: omtext.Histogram, Series: []omtext.Series{*fast, *all, *count}},
		{Name: "probe_success", Type: omtext.Gauge, Series: []omtext.Series{*probe}},
		{Name: "recs_requests", Type: omtext.Counter, Series: []omtext.Series{*recsReq}},
		{Name: "recs_fallback", Type: omtext.Counter, Series: []omtext.Series{*recsFallback}},
	}
	var buf bytes.Buffer
	if err := omtext.Write(&buf, fams); err != nil {
		return nil, fmt.Errorf("scenario: generated invalid OpenMetrics: %w", err)
	}
	return buf.Bytes(), nil
}

// FleetSpecs are the spec files that measure the fleet, with cost models in
// EUR, by file name.
var FleetSpecs = map[string]string{
	"tiers.yaml": `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 30d
    min_events: 100
    cost:
      currency: EUR
      revenue:
        per_year: 52594920        # 100 EUR a minute
        share: 50
        recovery: 20
      responders:
        - {role: support, people: 2, rate: 50, hours_per_incident: 1, hours_per_outage_hour: 1}
        - {role: engineering, people: 3, rate: 120, hours_per_incident: 2, hours_per_outage_hour: 1}
        - {role: management, people: 1, rate: 150, hours_per_incident: 0.5}
      sla:
        monthly_contract_value: 20000
        credits:
          - {below: 99.9, credit: 10}
          - {below: 99, credit: 25}
      opportunity: {hours_per_incident: 8, hourly_value: 150}
  bronze:
    objective: 99
    window: 28d
    alerts:
      - {long: 6h, short: 30m, factor: 6, severity: page}
      - {long: 3d, short: 6h, factor: 1, severity: ticket}
`,
	"shop.yaml": `version: nines/v1
service: shop
tier: gold
owner: {team: storefront, contact: "#storefront"}
cost:
  revenue:
    share: 80
    impact: {latency: 25}
  sla: {slo: availability}
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(shop_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(increase(shop_requests_total[{{.window}}]))
  - name: latency
    objective: 99
    sli:
      latency:
        metric: shop_request_duration_seconds
        threshold: 0.3
`,
	"gateway.yaml": `version: nines/v1
service: gateway
tier: gold
owner: {team: payments, contact: "#payments"}
cost:
  revenue: {share: 20}
slos:
  - name: reachability
    sli:
      probe:
        metric: probe_success
        labels: {job: blackbox}
`,
	"recs.yaml": `version: nines/v1
service: recs
tier: bronze
owner: {team: discovery}
cost:
  currency: EUR
  responders:
    - {role: engineering, people: 1, rate: 100, hours_per_incident: 1}
slos:
  - name: personalised
    sli:
      raw:
        error_ratio: sum(increase(recs_fallback_total[{{.window}}])) / sum(increase(recs_requests_total[{{.window}}]))
`,
}

// WriteFleetSpecs writes FleetSpecs into dir.
func WriteFleetSpecs(dir string) error {
	for name, body := range FleetSpecs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return fmt.Errorf("could not write fleet spec: %w", err)
		}
	}
	return nil
}

// QuarterFleet is the fleet over the second and third quarters of 2026
// (with an hour before and ten minutes after), sampled every five minutes,
// with outages in both quarters: in Q3 shop misses its 99.9% objective.
func QuarterFleet() Fleet {
	d := func(m time.Month, day, h, min int) time.Time { return time.Date(2026, m, day, h, min, 0, 0, time.UTC) }
	return Fleet{
		From:     d(time.April, 1, 0, 0).Add(-time.Hour),
		To:       d(time.October, 1, 0, 10),
		Interval: 5 * time.Minute,
		Outages: []Outage{
			{Service: "recs", SLO: "personalised", Start: d(time.April, 20, 12, 0), End: d(time.April, 20, 14, 0), Ratio: 0.2},
			{Service: "shop", SLO: "availability", Start: d(time.May, 6, 9, 10), End: d(time.May, 6, 9, 40), Ratio: 1},
			{Service: "gateway", SLO: "reachability", Start: d(time.June, 10, 3, 0), End: d(time.June, 10, 3, 20), Ratio: 1},
			{Service: "shop", SLO: "latency", Start: d(time.July, 15, 13, 0), End: d(time.July, 15, 16, 0), Ratio: 0.3},
			{Service: "gateway", SLO: "reachability", Start: d(time.July, 22, 1, 0), End: d(time.July, 22, 1, 45), Ratio: 1},
			{Service: "shop", SLO: "availability", Start: d(time.August, 12, 14, 20), End: d(time.August, 12, 15, 0), Ratio: 1},
			{Service: "shop", SLO: "availability", Start: d(time.September, 3, 10, 0), End: d(time.September, 3, 12, 30), Ratio: 1},
			{Service: "recs", SLO: "personalised", Start: d(time.September, 20, 8, 0), End: d(time.September, 20, 10, 0), Ratio: 0.5},
		},
	}
}

// QuarterFleetIncidents is an incidents file for the third quarter of
// QuarterFleet: it corrects shop's 2026-08-12 outage and states who
// responded, dismisses gateway's 2026-07-22 one and adds an incident the
// metrics do not show.
const QuarterFleetIncidents = `version: nines/v1
incidents:
  - service: shop
    start: 2026-08-12T14:15:00Z
    end: 2026-08-12T15:05:00Z
    title: Card payments rejected after a certificate rotation
    opportunity_hours: 24
    responders:
      - {role: engineering, people: 4, hours: 3}
      - {role: support, people: 5, hours: 2}
      - {role: legal, people: 1, hours: 1, rate: 250}
  - service: gateway
    start: 2026-07-22T00:55:00Z
    end: 2026-07-22T01:50:00Z
    title: Prober network partition
    dismissed: true
  - service: recs
    start: 2026-08-01T09:00:00Z
    end: 2026-08-01T09:30:00Z
    title: Stale model served (no errors, wrong results)
`
