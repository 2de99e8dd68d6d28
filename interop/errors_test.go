package interop_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nines-sre/nines/interop"
	"github.com/nines-sre/nines/slo"
)

func readFixture(t *testing.T, path string) interop.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return interop.File{Name: path, Data: b}
}

func TestInvalidInputIsAProblemWithFileLineAndField(t *testing.T) {
	cases := []struct {
		name   string
		tool   string
		files  []interop.File
		want   slo.Problem
		substr string
	}{
		{"an unknown OpenSLO field, with the one meant",
			"openslo", []interop.File{readFixture(t, "testdata/openslo/unknown-field.bad.yaml")},
			slo.Problem{File: "testdata/openslo/unknown-field.bad.yaml", Line: 10, Field: "spec.objectives[0].targt"}, `unknown field "targt" (did you mean "target"?)`},
		{"an unknown Sloth field",
			"sloth", []interop.File{readFixture(t, "testdata/sloth/unknown-field.bad.yml")},
			slo.Problem{File: "testdata/sloth/unknown-field.bad.yml", Line: 8, Field: "slos[0].sli.events.error_querry"}, `unknown field "error_querry" (did you mean "error_query"?)`},
		{"an unknown field in the second document of a file",
			"openslo", []interop.File{{Name: "two.yaml", Data: []byte("apiVersion: openslo/v1\nkind: Service\nmetadata: {name: a}\nspec: {}\n---\napiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: b\n  colour: red\nspec: {}\n")}},
			slo.Problem{File: "two.yaml", Line: 10, Field: "metadata.colour"}, `unknown field "colour"`},
		{"a value of the wrong type",
			"openslo", []interop.File{{Name: "t.yaml", Data: []byte("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: s\n  indicatorRef: x\n  budgetingMethod: Occurrences\n  objectives:\n    - target: high\n")}},
			slo.Problem{File: "t.yaml", Line: 9, Field: "spec.objectives[0].target"}, `must be a number, got text "high"`},
		{"an SLI reference to nothing",
			"openslo", []interop.File{{Name: "r.yaml", Data: []byte("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: s\n  indicatorRef: nowhere\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n")}},
			slo.Problem{File: "r.yaml", Line: 6, Field: "spec.indicatorRef"}, `names no SLI in the files given ("nowhere")`},
		{"an unknown time zone",
			"openslo", []interop.File{{Name: "z.yaml", Data: []byte("apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: i}\nspec:\n  ratioMetric:\n    good: {metricSource: {type: Prometheus, spec: {query: a_total}}}\n    total: {metricSource: {type: Prometheus, spec: {query: b_total}}}\n---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: s\n  indicatorRef: i\n  timeWindow:\n    - duration: 1M\n      calendar: {startTime: 2026-01-01 00:00:00, timeZone: Mars/Olympus}\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n")}},
			slo.Problem{File: "z.yaml", Line: 17, Field: "spec.timeWindow[0].calendar.timeZone"}, `unknown time zone "Mars/Olympus"`},
		{"another OpenSLO version",
			"openslo", []interop.File{{Name: "v.yaml", Data: []byte("apiVersion: openslo/v2alpha\nkind: SLO\nmetadata: {name: a}\n")}},
			slo.Problem{File: "v.yaml", Line: 1, Field: "apiVersion"}, `unsupported apiVersion "openslo/v2alpha"`},
		{"a Sloth query without the window",
			"sloth", []interop.File{{Name: "w.yml", Data: []byte("version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: 99\n    sli:\n      events:\n        error_query: sum(rate(e_total[5m]))\n        total_query: sum(rate(t_total[{{.window}}]))\n")}},
			slo.Problem{File: "w.yml", Line: 8, Field: "slos[0].sli.events.error_query"}, "no {{.window}} placeholder"},
		{"a Kubernetes Sloth spec with a snake_case field",
			"sloth", []interop.File{{Name: "k.yml", Data: []byte("apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata: {name: a}\nspec:\n  service: s\n  slos:\n    - name: a\n      objective: 99\n      sli:\n        events:\n          error_query: x\n")}},
			slo.Problem{File: "k.yml", Line: 11, Field: "spec.slos[0].sli.events.error_query"}, `unknown field "error_query" (did you mean "errorQuery"?)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.tool == "openslo" {
				_, err = interop.ImportOpenSLO(c.files, interop.ImportOptions{Tier: "standard"})
			} else {
				_, err = interop.ImportSloth(c.files, interop.ImportOptions{Tier: "standard"})
			}
			var verr *slo.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("error %v, want a *slo.ValidationError", err)
			}
			for _, p := range verr.Problems {
				if p.File == c.want.File && p.Line == c.want.Line && p.Field == c.want.Field && strings.Contains(p.Message, c.substr) {
					return
				}
			}
			t.Errorf("no problem %s:%d: %s: ...%s...; got:\n%v", c.want.File, c.want.Line, c.want.Field, c.substr, err)
		})
	}
}
