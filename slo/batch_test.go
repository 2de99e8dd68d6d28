package slo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// fakeBatched answers the batched total queries of services a, b and c
// (a has 100 requests and 5 errors, b 50 and none, c no series) and the
// same queries alone; it records the owners of each query and can refuse
// batched queries.
type fakeBatched struct {
	prom.PromQL
	refuseBatched bool

	mu     sync.Mutex
	owners map[string][]string
}

func (f *fakeBatched) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	f.mu.Lock()
	if f.owners == nil {
		f.owners = map[string][]string{}
	}
	f.owners[query] = slo.QueryOwners(ctx)
	f.mu.Unlock()
	totals := map[string]float64{"a": 100, "b": 50}
	bads := map[string]float64{"a": 5}
	pick := totals
	if strings.Contains(query, "5..") {
		pick = bads
	}
	var res slo.Result
	if strings.Contains(query, "sum by (service)") {
		if f.refuseBatched {
			return res, errors.New("query processing would load too many samples into memory")
		}
		for _, v := range []string{"a", "b", "c"} {
			if x, ok := pick[v]; ok && strings.Contains(query, v) {
				res.Samples = append(res.Samples, slo.Sample{Labels: map[string]string{"service": v}, Value: x, T: at})
			}
		}
		return res, nil
	}
	for _, v := range []string{"a", "b", "c"} {
		if x, ok := pick[v]; ok && strings.Contains(query, `service="`+v+`"`) {
			res.Samples = append(res.Samples, slo.Sample{Value: x, T: at})
		}
	}
	return res, nil
}

func batchSLOs() []slo.SLO {
	var out []slo.SLO
	for _, v := range []string{"a", "b", "c"} {
		out = append(out, slo.SLO{Service: v, Name: "availability", Objective: 0.9, Window: slo.Window{Rolling: time.Hour},
			SLI: slo.SLI{Kind: slo.Events,
				Bad:   `sum(increase(x_total{service="` + v + `",code=~"5.."}[{{.window}}]))`,
				Total: `sum(increase(x_total{service="` + v + `"}[{{.window}}]))`}})
	}
	return out
}

// TestBatchSplitsAttributesAndFallsBack checks what the fake can show and
// Prometheus cannot: the batched query is sent under the owners of every
// SLO it serves; a value absent from the batched answer is no data, as its
// own empty answer is, not 0; a refused batched query is sent alone per SLO.
func TestBatchSplitsAttributesAndFallsBack(t *testing.T) {
	at := time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)
	for _, refuse := range []bool{false, true} {
		f := &fakeBatched{refuseBatched: refuse}
		evals := slo.Evaluate(t.Context(), f, batchSLOs(), slo.EvalOptions{At: at, WindowOnly: true})
		got := map[string]slo.Measurement{}
		for _, e := range evals {
			if e.Err != nil {
				t.Fatalf("refuse=%v: %v", refuse, e.Err)
			}
			got[e.SLO.Service] = e.SLI
		}
		if m := got["a"]; m.State != slo.DataOK || m.Total != 100 || m.Bad != 5 {
			t.Errorf("refuse=%v: a = %+v, want 5 errors of 100", refuse, m)
		}
		if m := got["b"]; m.State != slo.DataOK || m.Total != 50 || m.Bad != 0 {
			t.Errorf("refuse=%v: b = %+v, want 0 errors of 50", refuse, m)
		}
		if m := got["c"]; m.State != slo.NoData {
			t.Errorf("refuse=%v: c = %+v, want no data", refuse, m)
		}
		total := `sum by (service) (increase(x_total{service=~"a|b|c"}[1h]))`
		if o, ok := f.owners[total]; !ok || !slices.Equal(o, []string{"a/availability", "b/availability", "c/availability"}) {
			t.Errorf("refuse=%v: batched total sent under owners %q (sent: %v), want all three", refuse, o, ok)
		}
		alone := `sum(increase(x_total{service="b"}[1h]))`
		if o, ok := f.owners[alone]; ok != refuse || ok && !slices.Equal(o, []string{"b/availability"}) {
			t.Errorf("refuse=%v: b's own total sent %v under %q", refuse, ok, o)
		}
	}
}
