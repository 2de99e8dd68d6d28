package prom_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// The parser's type check walks the tree once per level: a query with many
// operators is refused before it is parsed, so that no query keeps
// `nines validate` busy.
func TestCheckQueryBoundsTheWorkBeforeParsing(t *testing.T) {
	at := func(n int) string { return "x" + strings.Repeat("+x", n) }
	if err := prom.CheckQuery(at(prom.MaxQueryOperators)); err != nil {
		t.Errorf("%d operators: %v", prom.MaxQueryOperators, err)
	}
	for _, q := range []string{
		at(prom.MaxQueryOperators + 1),
		strings.Repeat("(", prom.MaxQueryOperators+1) + "x" + strings.Repeat(")", prom.MaxQueryOperators+1),
		strings.Repeat("-", prom.MaxQueryOperators+1) + "x",
	} {
		start := time.Now()
		err := prom.CheckQuery(q)
		if err == nil || !strings.Contains(err.Error(), "more than 1000 operators and parentheses") {
			t.Errorf("%.20s...: %v", q, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%.20s... took %s", q, d)
		}
	}
	long := "x" + strings.Repeat(" ", slo.MaxQueryBytes)
	if err := prom.CheckQuery(long); err == nil || !strings.Contains(err.Error(), "more than the 16384 a query may have") {
		t.Errorf("a long query: %v", err)
	}
	// Label matchers count, strings do not.
	if err := prom.CheckQuery(`x{a="` + strings.Repeat("+", 5000) + `"}`); err != nil {
		t.Errorf("operators inside a string: %v", err)
	}
}
