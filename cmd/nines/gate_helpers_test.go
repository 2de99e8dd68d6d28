package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"
)

// gateAt is the evaluation time of the gate tests that use a fake Prometheus.
var gateAt = time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)

// gateID is the decision ID of the gate tests that fix it.
const gateID = "5f0c7a4e-1b2d-4c3e-9f8a-0123456789ab"

// gateRatios gives an SLO's error ratio per window. An SLO is named
// "<service>_<slo>" and measured by the fake Prometheus as
// sum(increase(<service>_<slo>_bad_total[W])) over
// sum(increase(<service>_<slo>_total[W])).
type gateRatios map[string]func(w time.Duration) float64

// gateFlat is the same error ratio over every window.
func gateFlat(r float64) func(time.Duration) float64 { return func(time.Duration) float64 { return r } }

// gateByWindow is an error ratio per window, with def for the others.
func gateByWindow(def float64, m map[string]float64) func(time.Duration) float64 {
	return func(w time.Duration) float64 {
		if r, ok := m[model.Duration(w).String()]; ok {
			return r
		}
		return def
	}
}

var gateQueryRE = regexp.MustCompile(`([a-z][a-z0-9_]*?)(_bad)?_total\[([0-9a-z]+)\]`)

// gateEvents is how many events every window holds.
const gateEvents = 1e6

// gatePromAnswer writes a Prometheus API success response to r with a
// vector at the time r asked for, as Prometheus does.
func gatePromAnswer(w http.ResponseWriter, r *http.Request, samples []string, warnings ...string) {
	w.Header().Set("Content-Type", "application/json")
	ts := r.FormValue("time")
	if _, err := strconv.ParseFloat(ts, 64); err != nil {
		ts = strconv.FormatInt(gateAt.Unix(), 10)
	}
	result := make([]string, len(samples))
	for i, v := range samples {
		result[i] = fmt.Sprintf(`{"metric":{},"value":[%s,%q]}`, ts, v)
	}
	warn := ""
	if len(warnings) > 0 {
		b, _ := json.Marshal(warnings)
		warn = `,"warnings":` + string(b)
	}
	fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[%s]}%s}`, strings.Join(result, ","), warn)
}

// gateFakeAnswer is the value of an instant query over data; ok is false when the
// query measures an SLO that data lacks (no series).
func gateFakeAnswer(data gateRatios, query string) (value float64, ok bool, err error) {
	if strings.Contains(query, "nines:slo_") {
		return 0, false, nil // no recording rules: --recorded auto reads raw data
	}
	m := gateQueryRE.FindStringSubmatch(query)
	if m == nil {
		return 0, false, fmt.Errorf("fake Prometheus: unexpected query %q", query)
	}
	f, ok := data[m[1]]
	if !ok {
		return 0, false, nil
	}
	w, err := model.ParseDuration(m[3])
	if err != nil {
		return 0, false, fmt.Errorf("fake Prometheus: bad window in %q", query)
	}
	if m[2] == "" {
		return gateEvents, true, nil
	}
	return f(time.Duration(w)) * gateEvents, true, nil
}

// gateFakeProm answers instant queries from data, as Prometheus's HTTP API
// does.
func gateFakeProm(t *testing.T, data gateRatios, warnings ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.URL.Path != "/api/v1/query" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		v, ok, err := gateFakeAnswer(data, r.Form.Get("query"))
		if err != nil {
			t.Error(err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var samples []string
		if ok {
			samples = []string{fmt.Sprint(v)}
		}
		gatePromAnswer(w, r, samples, warnings...)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const gateTestTiers = `version: nines/v1
tiers:
  critical:
    description: Revenue path.
    objective: 99.9
    window: 30d
    no_data: block
  standard:
    objective: 99
    window: 30d
    no_data: warn
    gate:
      on_error: last_known_good
      max_staleness: 1h
      fallback: open
`

// gateServiceSpec is a service file whose SLOs the fake Prometheus measures.
func gateServiceSpec(service, tier, owner string, slos ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: nines/v1\nservice: %s\ntier: %s\n%sslos:\n", service, tier, owner)
	for _, s := range slos {
		m := service + "_" + s
		fmt.Fprintf(&b, "  - name: %s\n    sli:\n      events:\n        bad: sum(increase(%s_bad_total[{{.window}}]))\n        total: sum(increase(%s_total[{{.window}}]))\n", s, m, m)
	}
	return b.String()
}

// gateWriteSpecs writes files (name to body) into a new directory. The
// directory's name is not the test's: --specs splits its value at commas.
func gateWriteSpecs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nines-gate-specs-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// gateTestSpecs are three services: checkout burns fast and its latency
// budget runs low; search is healthy; payments has overspent its budget.
func gateTestSpecs(t *testing.T) string {
	return gateWriteSpecs(t, map[string]string{
		"tiers.yaml":    gateTestTiers,
		"checkout.yaml": gateServiceSpec("checkout", "critical", "owner: {team: payments, contact: \"#payments-oncall\"}\n", "availability", "latency"),
		"search.yaml":   gateServiceSpec("search", "standard", "owner: {team: discovery}\n", "availability"),
		"payments.yaml": gateServiceSpec("payments", "critical", "owner: {team: payments, contact: \"#payments-oncall\"}\n", "availability"),
	})
}

// gateTestData is what the fake Prometheus serves for gateTestSpecs.
func gateTestData() gateRatios {
	return gateRatios{
		// 95% of the budget left; a page alert (1h/5m) and a ticket alert
		// (3d/6h) fire.
		"checkout_availability": gateByWindow(0.0005, map[string]float64{
			"30d": 0.00005, "1h": 0.02, "5m": 0.025, "30m": 0.004, "6h": 0.003, "1d": 0.0012, "2h": 0.002, "3d": 0.0011,
		}),
		// 20% of the budget left: a warning.
		"checkout_latency": gateFlat(0.0008),
		// 90% left at 99%.
		"search_availability": gateFlat(0.001),
		// -50% left: exhausted.
		"payments_availability": gateByWindow(0.0001, map[string]float64{"30d": 0.0015}),
	}
}

// gateRun runs `nines gate args...` as run does, with the clock fixed at
// gateAt and the decision ID at gateID.
func gateRun(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	s, out, errOut := testStreams(env)
	g := &globalOptions{}
	root := &cobra.Command{Use: "nines", SilenceErrors: true, SilenceUsage: true}
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	g.addFlags(root)
	ctx := context.Background()
	root.AddCommand(newGateCmd(g, s, func(o *gateOptions) error {
		o.now = func() time.Time { return gateAt.Add(3 * time.Second) }
		o.newID = func() string { return gateID }
		return runGate(ctx, o)
	}))
	root.SetArgs(append([]string{"gate"}, args...))
	err := root.ExecuteContext(ctx)
	var ee *exitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(s.ErrOut, "nines: %s\n", err)
	}
	return exitCode(err), out.String(), errOut.String()
}
