package rules_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/rules"
	"github.com/nines-sre/nines/slo"
)

func events(service, name string, sli slo.SLI) slo.SLO {
	return slo.SLO{
		Service: service, Name: name, Tier: "gold", Objective: 0.999,
		Window:        slo.Window{Rolling: 30 * 24 * time.Hour},
		MissingErrors: slo.MissingErrorsZero,
		MinEvents:     100,
		Alerts:        budget.DefaultAlertWindows(),
		SLI:           sli,
	}
}

var (
	badSLI  = slo.SLI{Kind: slo.Events, Bad: `sum(increase(e_total{code="5xx"}[{{.window}}]))`, Total: `increase(r_total[{{.window}}])`}
	goodSLI = slo.SLI{Kind: slo.Events, Good: `sum(increase(ok_total[{{.window}}]))`, Total: `sum(increase(r_total[{{.window}}]))`}
)

// record returns the expression of the SLO's record named name.
func record(t *testing.T, s slo.SLO, name string) string {
	t.Helper()
	set, err := rules.Generate([]slo.SLO{s}, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.File().Groups[0].Rules {
		if r.Record == name {
			return r.Expr
		}
	}
	t.Fatalf("no record %s", name)
	return ""
}

func TestRecordsPerSLIKind(t *testing.T) {
	noData := events("a", "b", badSLI)
	noData.MissingErrors = slo.MissingErrorsNoData
	cases := []struct {
		name       string
		s          slo.SLO
		bad, total string
	}{
		{"a missing bad series counts as zero errors while the total has data",
			events("a", "b", badSLI),
			`sum(increase(e_total{code="5xx"}[5m])) or 0 * sum(increase(r_total[5m]))`,
			`sum(increase(r_total[5m]))`},
		{"with missing_errors: no_data a missing bad series records nothing",
			noData,
			`sum(increase(e_total{code="5xx"}[5m]))`,
			`sum(increase(r_total[5m]))`},
		{"good events: a missing good series counts as zero good events",
			events("a", "b", goodSLI),
			`sum(increase(r_total[5m])) - (sum(increase(ok_total[5m])) or vector(0))`,
			`sum(increase(r_total[5m]))`},
		{"latency: requests over the threshold's bucket",
			events("a", "b", slo.SLI{Kind: slo.Latency, Metric: "d_seconds", Threshold: 0.3}),
			`sum(increase(d_seconds_count{}[5m])) - sum(increase(d_seconds_bucket{le="0.3"}[5m]))`,
			`sum(increase(d_seconds_count{}[5m]))`},
		{"probe: failed samples of all samples",
			events("a", "b", slo.SLI{Kind: slo.Probe, Metric: "probe_success", Labels: map[string]string{"job": "bb"}}),
			`sum(count_over_time(probe_success{job="bb"}[5m])) - sum(sum_over_time(probe_success{job="bb"}[5m]))`,
			`sum(count_over_time(probe_success{job="bb"}[5m]))`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := record(t, c.s, slo.RecordedBad); got != c.bad {
				t.Errorf("bad:\n got %s\nwant %s", got, c.bad)
			}
			if got := record(t, c.s, slo.RecordedTotal); got != c.total {
				t.Errorf("total:\n got %s\nwant %s", got, c.total)
			}
		})
	}
}

func TestRecordsAreOneSeries(t *testing.T) {
	cases := []struct{ query, want string }{
		{`sum(increase(x[{{.window}}]))`, `sum(increase(x[5m]))`},
		{`sum(increase(x{a=")"}[{{.window}}]))`, `sum(increase(x{a=")"}[5m]))`},
		{`sum(a[{{.window}}]) * sum(b[{{.window}}])`, `sum(sum(a[5m]) * sum(b[5m]))`},
		{`sum by (code) (increase(x[{{.window}}]))`, `sum(sum by (code) (increase(x[5m])))`},
		{`  increase(x[{{.window}}]) `, `sum(increase(x[5m]))`},
	}
	for _, c := range cases {
		s := events("a", "b", slo.SLI{Kind: slo.Events, Bad: c.query, Total: c.query})
		if got := record(t, s, slo.RecordedTotal); got != c.want {
			t.Errorf("%q: got %s, want %s", c.query, got, c.want)
		}
	}
}

func TestRawSLIRecordsItsRatioAndAlertsOnItsOwnQueries(t *testing.T) {
	s := events("a", "b", slo.SLI{Kind: slo.Raw, ErrorRatio: "sum(rate(e[{{.window}}])) / sum(rate(r[{{.window}}]))"})
	if got, want := record(t, s, rules.RecordedErrorRatio), "sum(rate(e[5m])) / sum(rate(r[5m]))"; got != want {
		t.Errorf("record %s, want %s", got, want)
	}
	set, err := rules.Generate([]slo.SLO{s}, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	alert := set.File().Groups[0].Rules[1]
	want := "(sum(rate(e[1h])) / sum(rate(r[1h]))) / (1 - 0.999) > 14.4\nand on ()\n(sum(rate(e[5m])) / sum(rate(r[5m]))) / (1 - 0.999) > 14.4"
	if alert.Expr != want {
		t.Errorf("alert:\n%s\nwant (no min_events guard: a raw SLI has no events):\n%s", alert.Expr, want)
	}
}

func TestAlertExpressions(t *testing.T) {
	rolling := events("svc", "avail", badSLI)
	calendar := rolling
	calendar.Window = slo.Window{Calendar: slo.Month, Location: time.UTC}
	noMin := rolling
	noMin.MinEvents = 0
	odd := rolling
	odd.Alerts = []budget.AlertWindow{{Long: time.Hour, Short: 2 * time.Minute, Factor: 10, Severity: budget.Page}}
	sel := `{service="svc",slo="avail"}`
	ratio := func(w string) string {
		return "(\n  sum_over_time(nines:slo_bad_events:increase5m" + sel + "[" + w + "])\n  /\n  sum_over_time(nines:slo_events:increase5m" + sel + "[" + w + "])\n)"
	}
	guard := "\nand on ()\nsum_over_time(nines:slo_events:increase5m" + sel + "[29d23h59m59s]) >= 100"
	page := ratio("59m59s") + " / (1 - 0.999) > 14.4\nand on ()\n" + ratio("4m59s") + " / (1 - 0.999) > 14.4"
	cases := []struct {
		name string
		s    slo.SLO
		want string
	}{
		{"both windows from the records, one second short, and the SLO window's events at least min_events", rolling, page + guard},
		{"a calendar window has no guard: its elapsed part is no fixed range", calendar, page},
		{"no min_events, no guard", noMin, page},
		{"a window that is no multiple of 5m reads the SLI's own queries",
			odd, ratio("59m59s") + " / (1 - 0.999) > 10\nand on ()\n" +
				`((sum(increase(e_total{code="5xx"}[2m])) or 0 * sum(increase(r_total[2m]))) / sum(increase(r_total[2m])))` +
				" / (1 - 0.999) > 10" + guard},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, err := rules.Generate([]slo.SLO{c.s}, rules.Options{})
			if err != nil {
				t.Fatal(err)
			}
			alert := set.File().Groups[0].Rules[2]
			if alert.Expr != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", alert.Expr, c.want)
			}
			wantLabels := map[string]string{"severity": "page", "service": "svc", "slo": "avail", "tier": "gold", "long": "1h", "short": "5m"}
			if c.s.Alerts[0].Short != 5*time.Minute {
				wantLabels["short"] = "2m"
			}
			for k, v := range wantLabels {
				if alert.Labels[k] != v {
					t.Errorf("label %s=%q, want %q", k, alert.Labels[k], v)
				}
			}
		})
	}
}

func TestAnnotations(t *testing.T) {
	s := events("checkout", "availability", badSLI)
	s.Objective = 99.95 / 100 // 0.9995000000000001 in float64
	s.Owner = slo.Owner{Team: "pay{{ments}}", Contact: "#pay"}
	s.Description = "Requests without {{ .errors }}."
	set, err := rules.Generate([]slo.SLO{s}, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := set.File().Groups[0].Rules[2]
	wantSummary := `checkout/availability burns its error budget {{ printf "%.1f" $value }} times as fast as its objective allows over the last 1h: page fires above 14.4x over both 1h and 5m (an error ratio above 0.72% for the objective of 99.95% over 30d); burning this fast for 1h spends 2% of the budget.`
	want := map[string]string{
		"summary":     wantSummary,
		"team":        `pay{{ "{{" }}ments}}`,
		"contact":     "#pay",
		"description": `Requests without {{ "{{" }} .errors }}.`,
	}
	for k, v := range want {
		if a.Annotations[k] != v {
			t.Errorf("annotation %s:\n got %s\nwant %s", k, a.Annotations[k], v)
		}
	}
	if !strings.Contains(a.Expr, "(1 - 0.9995) > 14.4") {
		t.Errorf("objective printed with its float noise:\n%s", a.Expr)
	}
}

func TestGroupsPackWholeSLOsPerService(t *testing.T) {
	var slos []slo.SLO
	for _, svc := range []string{"zeta", "alpha"} {
		for _, n := range []string{"one", "two", "three"} {
			slos = append(slos, events(svc, n, badSLI)) // 2 records + 4 alerts
		}
	}
	set, err := rules.Generate(slos, rules.Options{MaxRulesPerGroup: 13})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range set.File().Groups {
		var names []string
		for _, r := range g.Rules {
			if r.Record == slo.RecordedTotal {
				names = append(names, r.Labels["slo"])
			}
		}
		got = append(got, g.Name+"["+strings.Join(names, ",")+"]"+g.Interval)
	}
	want := "nines-alpha[one,two]5m nines-alpha-2[three]5m nines-zeta[one,two]5m nines-zeta-2[three]5m"
	if strings.Join(got, " ") != want {
		t.Errorf("groups %s, want %s", strings.Join(got, " "), want)
	}
	groups, records, alerts := set.Counts()
	if groups != 4 || records != 12 || alerts != 24 || set.SLOs != 6 {
		t.Errorf("counts %d groups, %d records, %d alerts, %d SLOs; want 4, 12, 24, 6", groups, records, alerts, set.SLOs)
	}

	_, err = rules.Generate(slos, rules.Options{MaxRulesPerGroup: 5})
	if err == nil || !strings.Contains(err.Error(), "SLO alpha/one has 6 rules (2 records, 4 alerts), more than the 5 a group may hold") {
		t.Errorf("a limit below one SLO's rules: %v", err)
	}
}

func TestEncodeIsDeterministic(t *testing.T) {
	slos := []slo.SLO{events("b", "x", badSLI), events("a", "y", goodSLI)}
	var first, second bytes.Buffer
	for _, buf := range []*bytes.Buffer{&first, &second} {
		set, err := rules.Generate(slos, rules.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := rules.Encode(buf, set.File()); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("two runs wrote different rules")
	}
	out := first.String()
	if !strings.HasPrefix(out, "# Prometheus rules written by nines rules") || strings.Index(out, "name: nines-a") > strings.Index(out, "name: nines-b") {
		t.Errorf("want the header, then services in name order:\n%s", out)
	}
}

func TestAlertForComesFromTheSpec(t *testing.T) {
	s := events("a", "b", badSLI)
	s.Alerts = []budget.AlertWindow{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page, For: 2 * time.Minute},
		{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: budget.Page},
	}
	set, err := rules.Generate([]slo.SLO{s}, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs := set.File().Groups[0].Rules
	if rs[2].For != "2m" || rs[3].For != "" {
		t.Errorf("for: %q and %q, want 2m and none", rs[2].For, rs[3].For)
	}
	var buf bytes.Buffer
	if err := rules.Encode(&buf, set.File()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "for: 2m"); n != 1 {
		t.Errorf("the file has %d for: 2m, want 1:\n%s", n, buf.String())
	}
}
