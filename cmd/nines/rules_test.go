package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/rules"
	"github.com/nines-sre/nines/slo"
)

func TestRulesFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a file and a directory", []string{"rules", "-o", "a.yaml", "--dir", "d"}, "give -o FILE or --dir DIR, not both"},
		{"no rules per group", []string{"rules", "--max-rules-per-group", "0"}, "--max-rules-per-group must be at least 1, got 0"},
		{"an argument", []string{"rules", "specs"}, `unknown command "specs" for "nines rules"`},
		{"a file in a missing directory", []string{"rules", "--source", "demo", "-o", "/nonexistent-nines/rules.yaml"},
			"could not write /nonexistent-nines/rules.yaml: no such file or directory"},
		{"an unknown service", []string{"rules", "--source", "demo", "--service", "nope"}, `unknown service "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", c.args...)
			if code != exitFailure || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", code, exitFailure, c.want, errOut)
			}
		})
	}
}

// TestRulesDemoGolden writes the rules of the example specs (the demo's),
// compares them with the golden file and has promtool check them, one file
// and a file per service alike.
func TestRulesDemoGolden(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, dir, "rules", "--source", "demo")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	golden(t, "rules_demo.yaml", []byte(out))

	file := filepath.Join(dir, "nines.yaml")
	code, _, errOut = runCLI(t, dir, "rules", "--source", "demo", "-o", file)
	if want := "wrote TMP/nines.yaml: 27 rules (9 records, 18 alerts) in 4 groups for 5 SLOs of 4 services\n"; code != exitOK || errOut != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, errOut, want)
	}
	if got, err := os.ReadFile(file); err != nil || string(got) != out {
		t.Fatalf("-o wrote other rules than stdout (%v)", err)
	}
	perService := filepath.Join(dir, "per-service")
	code, _, errOut = runCLI(t, dir, "rules", "--source", "demo", "--dir", perService, "--max-rules-per-group", "6")
	if want := "wrote TMP/per-service: 27 rules (9 records, 18 alerts) in 5 groups for 5 SLOs of 4 services, a file per service\n"; code != exitOK || errOut != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, errOut, want)
	}
	files, err := filepath.Glob(filepath.Join(perService, "*.yaml"))
	if err != nil || len(files) != 4 {
		t.Fatalf("--dir wrote %v (%v), want a file for each of the 4 services", files, err)
	}
	// promtool counts the rules it read: every one must be there.
	checked := promtest.CheckRules(t, append([]string{file}, files...)...)
	if n := strings.Count(checked, "SUCCESS"); n != 5 {
		t.Fatalf("promtool checked %d files, want 5:\n%s", n, checked)
	}
	if !strings.Contains(checked, "SUCCESS: 27 rules found") {
		t.Fatalf("promtool did not find the 27 rules in %s:\n%s", file, checked)
	}
	var total int
	for _, line := range strings.Split(checked, "\n") {
		if _, after, ok := strings.Cut(line, "SUCCESS: "); ok && !strings.Contains(line, "27 rules") {
			n, err := strconv.Atoi(strings.Fields(after)[0])
			if err != nil {
				t.Fatalf("promtool output %q: %v", line, err)
			}
			total += n
		}
	}
	if total != 27 {
		t.Fatalf("the files per service hold %d rules, want 27:\n%s", total, checked)
	}
}

func TestRulesHelpGolden(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules", "--help")
	if code != exitOK || !strings.Contains(out, "Examples:") {
		t.Fatalf("rules --help: exit %d, no examples:\n%s", code, out)
	}
	golden(t, "rules_help.txt", []byte(out))
}

// TestRulesLargeFleetPassesPromtool generates the rules of a fleet of 120
// services with every SLI kind, calendar and rolling windows, missing-error
// policies and alert windows that are no multiple of the records, packed
// at the default limit, and has promtool check them.
func TestRulesLargeFleetPassesPromtool(t *testing.T) {
	promtest.Promtool(t)
	dir := t.TempDir()
	specs := filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tiers.yaml", `version: nines/v1
tiers:
  gold: {objective: 99.95, window: 30d, min_events: 1000}
  odd:
    objective: 99.5
    window: 7d
    missing_errors: no_data
    alerts:
      - {long: 1h, short: 2m, factor: 10, severity: page, for: 2m}
      - {long: 1d, short: 90m, factor: 2, severity: ticket}
  monthly: {objective: 99, window: month, timezone: Europe/Berlin}
`)
	tiers := []string{"gold", "odd", "monthly"}
	for i := range 120 {
		name := fmt.Sprintf("svc-%03d", i)
		write(name+".yaml", fmt.Sprintf(`version: nines/v1
service: %[1]s
tier: %[2]s
owner: {team: "team {{ %[3]d }}", contact: "#oncall-%[3]d"}
slos:
  - name: availability
    description: 'Requests without 5xx, said with {{ braces }} and "quotes".'
    sli:
      events:
        bad: sum by (code) (increase(http_requests_total{service=%[1]q,code=~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service=%[1]q}[{{.window}}])) * 1
  - name: good
    sli:
      events:
        good: sum(increase(http_requests_total{service=%[1]q,code!~"5.."}[{{.window}}]))
        total: sum(increase(http_requests_total{service=%[1]q}[{{.window}}]))
  - name: latency
    objective: 99
    sli:
      latency: {metric: http_request_duration_seconds, labels: {service: %[1]q}, threshold: 1}
  - name: probe
    sli:
      probe: {metric: probe_success, labels: {instance: "https://%[1]s/(health)"}}
  - name: raw
    sli:
      raw: {error_ratio: 'sum(rate(errors_total{service=%[1]q}[{{.window}}])) / sum(rate(requests_total{service=%[1]q}[{{.window}}]))'}
`, name, tiers[i%3], i))
	}
	file := filepath.Join(dir, "fleet.yaml")
	code, _, errOut := runCLI(t, dir, "rules", "--specs", specs, "-o", file)
	// 600 SLOs: 480 with 2 records and 120 (raw) with 1; 4 alerts each in
	// gold and monthly, 2 in odd. A gold or monthly service has 29 rules in
	// 2 groups (18 and 11: an SLO's 6 rules are never split), an odd one 19
	// in 1.
	want := "wrote TMP/fleet.yaml: 3080 rules (1080 records, 2000 alerts) in 200 groups for 600 SLOs of 120 services\n" +
		"note: 200 groups, more than Mimir's default of 70 per tenant (ruler_max_rule_groups_per_tenant)\n"
	if code != exitOK || errOut != want {
		t.Fatalf("exit %d, stderr:\n%s\nwant:\n%s", code, errOut, want)
	}
	checked := promtest.CheckRules(t, file)
	if !strings.Contains(checked, "SUCCESS: 3080 rules found") {
		t.Fatalf("promtool did not find the 3080 rules:\n%s", checked)
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f rules.File
	if err := yaml.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, g := range f.Groups {
		if len(g.Rules) > rules.DefaultMaxRulesPerGroup || g.Interval != "5m" {
			t.Errorf("group %s: %d rules every %s, want at most %d every 5m", g.Name, len(g.Rules), g.Interval, rules.DefaultMaxRulesPerGroup)
		}
		for _, r := range g.Rules {
			if r.For == "2m" {
				pending++
			}
		}
	}
	// The odd tier's page alert waits 2m: one alert of each of its 200 SLOs.
	if pending != 200 {
		t.Errorf("%d alerts with for: 2m, want 200", pending)
	}
}

// The agreement of the rules with nines burn, on a fleet with known outages
// in a real Prometheus: the recording rules are evaluated over the data by
// promtool (as Prometheus's rule engine would have, at each group's
// interval and offset), then every alert's expression is evaluated as an
// instant query at a record's time, which is when Prometheus evaluates the
// alerts of the group, and compared with `nines burn -o json --at` that
// time.

// agreementT0 is the reference time of the agreement fleet.
var agreementT0 = time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)

// agreementFleet has a day of history before T0 (the longest alert window
// of agreementTiers) and four outages in the 13 hours after it.
func agreementFleet() scenario.Fleet {
	at := func(h, m int) time.Time {
		return agreementT0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	return scenario.Fleet{
		From:     agreementT0.Add(-25 * time.Hour),
		To:       at(13, 0),
		Interval: time.Minute,
		Outages: []scenario.Outage{
			{Service: "shop", SLO: "availability", Start: at(2, 0), End: at(2, 20), Ratio: 1},
			{Service: "shop", SLO: "latency", Start: at(6, 0), End: at(8, 0), Ratio: 0.2},
			{Service: "recs", SLO: "personalised", Start: at(9, 0), End: at(11, 0), Ratio: 0.5},
			{Service: "gateway", SLO: "reachability", Start: at(12, 0), End: at(12, 25), Ratio: 1},
		},
	}
}

// agreementTiers replaces the fleet's tiers: the SRE Workbook's alerts up
// to the 1d window, and its fourth pair (ticket, factor 1, 3d/6h) shortened
// to 1d/6h: the 3d window would need two more days of records, which
// promtool backfills in 2h blocks a rule at a time (40 s more), and the
// rule is the same for every pair but its ranges. So every pair's kind —
// factors 14.4, 6, 3 and 1, pages and tickets — is exercised on records
// of every SLI kind. Gold keeps min_events, so the alerts' guard on the SLO
// window's events is read.
const agreementTiers = `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 30d
    min_events: 100
    alerts:
      - {long: 1h, short: 5m, factor: 14.4, severity: page}
      - {long: 6h, short: 30m, factor: 6, severity: page}
      - {long: 1d, short: 2h, factor: 3, severity: ticket}
      - {long: 1d, short: 6h, factor: 1, severity: ticket}
  bronze:
    objective: 99
    window: 28d
    alerts:
      - {long: 6h, short: 30m, factor: 6, severity: page}
      - {long: 1d, short: 6h, factor: 1, severity: ticket}
`

// agreementTolerance is the difference allowed between an error ratio over
// w built from the records and the one nines burn measures over the raw
// data, as a share of the window's events. The records' times fall where
// the group's offset puts them, between the samples (one a minute) or,
// rarely, on them. Burn's one range holds w/1m samples spanning w-1m, and
// increase() stretches their increase to w: at an edge of the range it
// reads up to a minute's events more or less. Each 5m record stretches the
// 4 minutes its samples span to 5: where an outage starts or ends inside a
// record, it reads up to a quarter of a minute's events more or less (a
// probe sample on a record's time, if any, counts in two records in
// Prometheus 2's closed ranges: one sample in 5). So the two differ by at
// most about 1.5 minutes' events: 2 × 1m/(w-1m) of the window's events,
// times the highest error ratio of any minute in it (peak). The 5m window
// and raw SLIs are the same query on both sides and agree to float noise.
func agreementTolerance(s slo.SLO, w time.Duration, peak float64) float64 {
	if w == slo.RecordedInterval || s.SLI.Kind == slo.Raw {
		return 1e-9
	}
	return 2 * float64(time.Minute) / float64(w-time.Minute) * peak
}

// agreementPeak is the highest error ratio of any minute of the SLO's data:
// its worst outage, or 1 when it has none (a bound that always holds).
func agreementPeak(f scenario.Fleet, s slo.SLO) float64 {
	peak := 0.0
	for _, o := range f.Outages {
		if o.Service == s.Service && o.SLO == s.Name {
			peak = max(peak, o.Ratio)
		}
	}
	if peak == 0 {
		return 1
	}
	return peak
}

// agreementMargin is how far from its factor a burn rate must be, when
// the alert's other window is above it, so that a difference within the
// tolerance cannot flip the alert.
const agreementMargin = 0.05

func TestRulesAgreeWithBurn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two Prometheus servers")
	}
	fleet := agreementFleet()
	om, err := fleet.OpenMetrics()
	if err != nil {
		t.Fatal(err)
	}
	srv := promtest.Start(t, om)
	dir := t.TempDir()
	specs := filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := scenario.WriteFleetSpecs(specs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(specs, "tiers.yaml"), []byte(agreementTiers), 0o644); err != nil {
		t.Fatal(err)
	}
	rulesFile := filepath.Join(dir, "rules.yaml")
	if code, _, errOut := runCLI(t, dir, "rules", "--specs", specs, "-o", rulesFile); code != exitOK {
		t.Fatalf("nines rules: exit %d\n%s", code, errOut)
	}
	promtest.CheckRules(t, rulesFile)
	body, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	var file rules.File
	if err := yaml.Unmarshal(body, &file); err != nil {
		t.Fatal(err)
	}
	// The alerts apart, the records alone (in their groups, which set
	// their evaluation times) for promtool: Debian's promtool 2.42 also
	// evaluates every alert's expression over the whole range when the
	// file holds them (its log lists each), which costs more than the
	// records.
	alertsOf := map[string][]rules.Rule{}
	recordsOnly := rules.File{}
	for _, g := range file.Groups {
		records := g
		records.Rules = nil
		for _, r := range g.Rules {
			if r.Alert != "" {
				id := r.Labels["service"] + "/" + r.Labels["slo"]
				alertsOf[id] = append(alertsOf[id], r)
			} else {
				records.Rules = append(records.Rules, r)
			}
		}
		recordsOnly.Groups = append(recordsOnly.Groups, records)
	}
	recordsFile := filepath.Join(dir, "records.yaml")
	var buf bytes.Buffer
	if err := rules.Encode(&buf, recordsOnly); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recordsFile, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	recorded := srv.WithRecordingRules(t, recordsFile, fleet.From.Add(10*time.Minute), fleet.To)

	cat, err := slo.Load([]string{specs}, slo.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// Times after the T0 of the fleet; each is moved back to the record
	// before it, so up to 5 minutes earlier. want lists the alerts that
	// fire then (checked against both sides, so the test shows outages).
	at := func(h, m int) time.Time {
		return agreementT0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	const (
		page1   = "page 1h/5m"
		page6   = "page 6h/30m"
		ticket1 = "ticket 1d/2h"
		ticket6 = "ticket 1d/6h" // bronze's, and gold's factor 1 (the workbook's 3d/6h, shortened)
	)
	cases := []struct {
		name string
		at   time.Time
		want map[string][]string
	}{
		{"quiet", at(1, 0), map[string][]string{}},
		{"during shop's outage", at(2, 12), map[string][]string{"shop/availability": {page1, page6, ticket1, ticket6}}},
		{"after shop's outage", at(3, 0), map[string][]string{"shop/availability": {ticket1, ticket6}}},
		{"an hour into slow checkout", at(7, 15), map[string][]string{"shop/availability": {ticket6}, "shop/latency": {page1, ticket6}}},
		{"two hours of slow checkout", at(7, 58), map[string][]string{"shop/availability": {ticket6}, "shop/latency": {page1, page6, ticket6}}},
		{"during the fallbacks", at(10, 0), map[string][]string{"recs/personalised": {page6, ticket6}, "shop/latency": {ticket6}}},
		{"after the fallbacks", at(11, 50), map[string][]string{"recs/personalised": {ticket6}, "shop/latency": {ticket6}}},
		{"during the gateway's outage", at(12, 12), map[string][]string{
			"gateway/reachability": {page1, page6, ticket1, ticket6}, "recs/personalised": {ticket6}, "shop/latency": {ticket6}}},
		{"after the gateway's outage", at(12, 40), map[string][]string{
			"gateway/reachability": {page6, ticket1, ticket6}, "recs/personalised": {ticket6}, "shop/latency": {ticket6}}},
	}
	// worst is the largest difference seen per window, logged at the end.
	worst := map[string]float64{}
	defer func() { t.Logf("largest differences of the error ratios, records against burn: %v", worst) }()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := map[string][]string{}
			for _, s := range catalogSLOs(cat) {
				id := s.ID()
				record := slo.RecordedTotal
				if s.SLI.Kind == slo.Raw {
					record = rules.RecordedErrorRatio
				}
				ts := instant(t, recorded.URL, "timestamp("+record+s.RecordedSelector()+")", c.at)
				if len(ts) != 1 {
					t.Fatalf("%s: %d records before %s, want 1", id, len(ts), c.at)
				}
				evalAt := time.UnixMilli(int64(math.Round(ts[0] * 1000))).UTC()
				if d := c.at.Sub(evalAt); d < 0 || d >= slo.RecordedInterval {
					t.Fatalf("%s: the record before %s is at %s", id, c.at, evalAt)
				}

				// The rules' side: each alert's expression at the record's time.
				var fromRules []string
				for _, r := range alertsOf[id] {
					if len(instant(t, recorded.URL, r.Expr, evalAt)) > 0 {
						fromRules = append(fromRules, r.Labels["severity"]+" "+r.Labels["long"]+"/"+r.Labels["short"])
					}
				}
				// nines burn's side at the same time, over the raw data.
				st := burnAt(t, dir, specs, recorded.URL, s.Service, s.Name, evalAt)
				var fromBurn []string
				for _, a := range st.Alerts {
					if a.Firing {
						fromBurn = append(fromBurn, a.Severity+" "+a.Long+"/"+a.Short)
					}
				}
				slices.Sort(fromRules)
				slices.Sort(fromBurn)
				if !slices.Equal(fromRules, fromBurn) {
					t.Errorf("%s at %s: the rules fire %v, nines burn %v", id, evalAt.Format(time.RFC3339Nano), fromRules, fromBurn)
				}
				want := slices.Clone(c.want[id])
				slices.Sort(want)
				if !slices.Equal(fromBurn, want) {
					t.Errorf("%s at %s: nines burn fires %v, the scenario expects %v", id, evalAt.Format(time.RFC3339Nano), fromBurn, want)
				}
				if st.DataState != "ok" {
					t.Errorf("%s at %s: data state %s, want ok", id, evalAt, st.DataState)
				}

				// The numbers behind: every alert window's error ratio from
				// the records against burn's, and the premise that no alert
				// could flip: none has a window within agreementMargin of its
				// factor while the other window is above it or as near.
				byWindow := map[string]float64{}
				for _, b := range st.BurnRates {
					byWindow[b.Window] = b.ErrorRatio
				}
				for _, a := range s.Alerts {
					for _, w := range []time.Duration{a.Long, a.Short} {
						name := slo.PromQLDuration(w)
						burnRatio, ok := byWindow[name]
						if !ok {
							t.Fatalf("%s: burn has no %s window", id, name)
						}
						v := instant(t, recorded.URL, rules.ErrorRatioQuery(s, w), evalAt)
						if len(v) != 1 {
							t.Fatalf("%s: %d series for the %s error ratio", id, len(v), name)
						}
						tol := agreementTolerance(s, w, agreementPeak(fleet, s))
						if s.SLI.Kind == slo.Raw || w == slo.RecordedInterval {
							tol *= math.Abs(burnRatio) // relative
						}
						if d := math.Abs(v[0] - burnRatio); d > tol+1e-12 {
							t.Errorf("%s %s at %s: error ratio %.9g from the records, %.9g from burn: %.3g apart, more than %.3g", id, name, evalAt, v[0], burnRatio, d, tol)
						} else if d > worst[name] {
							worst[name] = d
						}
					}
					long := byWindow[slo.PromQLDuration(a.Long)] / (1 - s.Objective)
					short := byWindow[slo.PromQLDuration(a.Short)] / (1 - s.Objective)
					near := func(b float64) bool { return math.Abs(b-a.Factor) < agreementMargin*a.Factor }
					above := func(b float64) bool { return b > a.Factor*(1-agreementMargin) }
					if (near(long) && above(short)) || (near(short) && above(long)) {
						t.Errorf("%s %s %s/%s at %s: burn rates %.3g and %.3g, one within %g%% of the factor %g and the other above it: choose another time",
							id, a.Severity, slo.PromQLDuration(a.Long), slo.PromQLDuration(a.Short), evalAt, long, short, 100*agreementMargin, a.Factor)
					}
				}
				if len(fromRules) > 0 {
					got[id] = fromRules
				}
			}
			t.Logf("firing: %v", got)
		})
	}
}

// instant runs query at at on the Prometheus at base and returns the values
// of the vector it answers.
func instant(t *testing.T, base, query string, at time.Time) []float64 {
	t.Helper()
	q := url.Values{"query": {query}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}}
	resp, err := http.Get(base + "/api/v1/query?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	if r.Status != "success" || r.Data.ResultType != "vector" {
		t.Fatalf("query %q: %s %s (%s)", query, r.Status, r.Error, r.Data.ResultType)
	}
	var out []float64
	for _, s := range r.Data.Result {
		v, err := strconv.ParseFloat(fmt.Sprint(s.Value[1]), 64)
		if err != nil {
			t.Fatalf("query %q: value %v: %v", query, s.Value[1], err)
		}
		out = append(out, v)
	}
	return out
}

// burnStatus is the part of `nines burn -o json` the agreement compares.
type burnStatus struct {
	Service   string `json:"service"`
	SLO       string `json:"slo"`
	DataState string `json:"data_state"`
	BurnRates []struct {
		Window     string  `json:"window"`
		ErrorRatio float64 `json:"error_ratio"`
	} `json:"burn_rates"`
	Alerts []struct {
		Severity string `json:"severity"`
		Long     string `json:"long_window"`
		Short    string `json:"short_window"`
		Firing   bool   `json:"firing"`
	} `json:"alerts"`
}

// burnAt runs nines burn on one SLO at at and returns its JSON status.
func burnAt(t *testing.T, dir, specs, promURL, service, name string, at time.Time) burnStatus {
	t.Helper()
	code, out, errOut := runCLI(t, dir, "burn", "--specs", specs, "--prometheus.url", promURL,
		"--service", service, "--at", at.Format(time.RFC3339Nano), "-o", "json")
	if code != exitOK {
		t.Fatalf("nines burn: exit %d\n%s", code, errOut)
	}
	var rep struct {
		SLOs []burnStatus `json:"slos"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("nines burn -o json: %v\n%s", err, out)
	}
	for _, s := range rep.SLOs {
		if s.SLO == name {
			return s
		}
	}
	t.Fatalf("nines burn has no %s/%s:\n%s", service, name, out)
	return burnStatus{}
}

// catalogSLOs lists every SLO of cat.
func catalogSLOs(cat *slo.Catalog) []slo.SLO {
	var out []slo.SLO
	for _, svc := range cat.Services {
		out = append(out, svc.SLOs...)
	}
	return out
}
