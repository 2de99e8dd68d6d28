package prom_test

import (
	"slices"
	"testing"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// shareKey reports whether a and b can be batched together: they have a
// key with the same shape and label, and different values.
func shareKey(a, b string) (slo.BatchKey, bool) {
	var p prom.PromQL
	for _, ka := range p.BatchKeys(a) {
		for _, kb := range p.BatchKeys(b) {
			if ka.Shape == kb.Shape && ka.Label == kb.Label && ka.Value != kb.Value {
				return ka, true
			}
		}
	}
	return slo.BatchKey{}, false
}

func TestBatchKeysBatchOnlyWhereExact(t *testing.T) {
	tests := []struct {
		name, a, b string
		label      string // "" when they must not batch
	}{
		{"events SLI", `sum(increase(http_requests_total{service="a",code=~"5.."}[30d]))`,
			`sum(increase(http_requests_total{service="b",code=~"5.."}[30d]))`, "service"},
		{"coverage query", `min_over_time(timestamp(sum(increase(http_requests_total{service="a"}[10m])))[30d:10m])`,
			`min_over_time(timestamp(sum(increase(http_requests_total{service="b"}[10m])))[30d:10m])`, "service"},
		{"bare selector", `sum(up{job="a"})`, `sum(up{job="b"})`, "job"},
		{"probe", `sum(count_over_time(probe_success{target="a"}[1h]))`, `sum(count_over_time(probe_success{target="b"}[1h]))`, "target"},
		{"different metric", `sum(increase(a_total{service="a"}[1h]))`, `sum(increase(b_total{service="b"}[1h]))`, ""},
		{"metric name only differs", `sum(increase(a_total{service="a"}[1h]))`, `sum(increase(b_total{service="a"}[1h]))`, ""},
		{"different window", `sum(increase(x_total{service="a"}[1h]))`, `sum(increase(x_total{service="b"}[5m]))`, ""},
		{"sum by", `sum by (code) (increase(x_total{service="a"}[1h]))`, `sum by (code) (increase(x_total{service="b"}[1h]))`, ""},
		{"sum without", `sum without (code) (increase(x_total{service="a"}[1h]))`, `sum without (code) (increase(x_total{service="b"}[1h]))`, ""},
		{"no sum", `increase(x_total{service="a"}[1h])`, `increase(x_total{service="b"}[1h])`, ""},
		{"regex on the varying label", `sum(increase(x_total{service=~"a"}[1h]))`, `sum(increase(x_total{service=~"b"}[1h]))`, ""},
		{"negative matcher", `sum(increase(x_total{service!="a"}[1h]))`, `sum(increase(x_total{service!="b"}[1h]))`, ""},
		{"empty value", `sum(increase(x_total{service=""}[1h]))`, `sum(increase(x_total{service="b"}[1h]))`, ""},
		{"two labels vary", `sum(increase(x_total{service="a",env="p"}[1h]))`, `sum(increase(x_total{service="b",env="q"}[1h]))`, ""},
		{"two matchers on the label", `sum(increase(x_total{service="a",service!="z"}[1h]))`, `sum(increase(x_total{service="b",service!="z"}[1h]))`, ""},
		{"or", `sum(increase(x_total{service="a"}[1h])) or vector(0)`, `sum(increase(x_total{service="b"}[1h])) or vector(0)`, ""},
		{"division", `sum(increase(x_total{service="a"}[1h])) / sum(increase(y_total{service="a"}[1h]))`,
			`sum(increase(x_total{service="b"}[1h])) / sum(increase(y_total{service="b"}[1h]))`, ""},
		{"binary inside the sum", `sum(increase(x_total{service="a"}[1h]) * 2)`, `sum(increase(x_total{service="b"}[1h]) * 2)`, ""},
		{"label_replace", `sum(label_replace(x{service="a"}, "service", "z", "", ""))`, `sum(label_replace(x{service="b"}, "service", "z", "", ""))`, ""},
		{"nested sum", `sum(sum(x{service="a"}))`, `sum(sum(x{service="b"}))`, ""},
		{"max", `max(x{service="a"})`, `max(x{service="b"})`, ""},
		{"absent", `sum(absent(x{service="a"}))`, `sum(absent(x{service="b"}))`, ""},
		{"not PromQL", `sum(x{service="a"`, `sum(x{service="b"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := shareKey(tt.a, tt.b)
			if ok != (tt.label != "") || ok && k.Label != tt.label {
				t.Errorf("batched on %q (%v), want %q", k.Label, ok, tt.label)
			}
		})
	}
}

func TestBatchQuery(t *testing.T) {
	var p prom.PromQL
	got, err := p.BatchQuery(`sum(increase(http_requests_total{service="a",code=~"5.."}[30d]))`, "service", []string{"a", "b.c", "d|e"})
	if err != nil {
		t.Fatal(err)
	}
	// Each value is matched literally: '.' and '|' are escaped.
	want := `sum by (service) (increase(http_requests_total{code=~"5..",service=~"a|b\\.c|d\\|e"}[30d]))`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got, err = p.BatchQuery(`min_over_time(timestamp(sum(increase(x_total{service="a"}[10m])))[30d:10m])`, "service", []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `min_over_time(timestamp(sum by (service) (increase(x_total{service=~"a|b"}[10m])))[30d:10m])`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := p.BatchQuery(`sum(x{service="a"})`, "service", []string{"a", ""}); err == nil {
		t.Error("an empty value was batched")
	}
}

func TestGroupQueryAndNarrow(t *testing.T) {
	var p prom.PromQL
	got, err := p.GroupQuery(`sum(increase(x_total{service="a"}[1h]))`, []string{"region"})
	if want := `sum by (region) (increase(x_total{service="a"}[1h]))`; err != nil || got != want {
		t.Errorf("GroupQuery = %s, %v; want %s", got, err, want)
	}
	got, err = p.Narrow(`sum(increase(x_total{service="a"}[1h]))`, map[string]string{"region": `e"u`, "az": "1"})
	if want := `sum(increase(x_total{az="1",region="e\"u",service="a"}[1h]))`; err != nil || got != want {
		t.Errorf("Narrow = %s, %v; want %s", got, err, want)
	}
	for _, q := range []string{`sum(a) / sum(b)`, `sum by (x) (a)`, `rate(a[5m])`} {
		if _, err := p.GroupQuery(q, []string{"region"}); err == nil {
			t.Errorf("GroupQuery(%s) did not fail", q)
		}
		if _, err := p.Narrow(q, map[string]string{"region": "eu"}); err == nil {
			t.Errorf("Narrow(%s) did not fail", q)
		}
	}
	// A narrowed query batches with its siblings on the group label.
	a, _ := p.Narrow(`sum(increase(x_total{service="a"}[1h]))`, map[string]string{"region": "eu"})
	b, _ := p.Narrow(`sum(increase(x_total{service="a"}[1h]))`, map[string]string{"region": "us"})
	if k, ok := shareKey(a, b); !ok || k.Label != "region" {
		t.Errorf("narrowed queries do not batch on region: %+v %v", k, ok)
	}
	if !slices.ContainsFunc(p.BatchKeys(a), func(k slo.BatchKey) bool { return k.Label == "service" }) {
		t.Errorf("BatchKeys(%s) lacks service", a)
	}
}
