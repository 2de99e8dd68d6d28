package prom

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/nines-sre/nines/slo"
)

// PromQL rewrites queries with Prometheus's parser for slo.Evaluate: the
// raw-path batching of SLOs that differ only in one label's value, and
// grouped SLOs (docs/fast-path.md "Raw-path batching", docs/groups.md).
// HTTP and Embedded embed it, so they satisfy slo.Rewriter.
type PromQL struct{}

var _ slo.Rewriter = PromQL{}

// perSeries are the functions of one argument whose value for a series
// depends on that series alone and that keep its labels (all but the
// metric name): summing their results by a label is the same as summing
// the results of each value's own selector.
var perSeries = map[string]bool{
	"rate": true, "irate": true, "increase": true, "delta": true, "idelta": true,
	"deriv": true, "changes": true, "resets": true,
	"sum_over_time": true, "count_over_time": true, "avg_over_time": true,
	"min_over_time": true, "max_over_time": true, "last_over_time": true,
	"present_over_time": true, "stddev_over_time": true, "stdvar_over_time": true,
	"abs": true, "ceil": true, "floor": true, "exp": true, "ln": true, "log2": true,
	"log10": true, "sqrt": true, "sgn": true, "round": true, "timestamp": true,
}

// shape is a query that sums one selector's series: per-series functions
// (and subqueries) around one sum(...) without grouping, around
// per-series functions of one selector.
type shape struct {
	expr parser.Expr
	sum  *parser.AggregateExpr
	sel  *parser.VectorSelector
}

// parseShape parses query and finds its sum and its selector; ok is false
// when the query has another shape.
func parseShape(query string) (*shape, bool) {
	if len(query) > slo.MaxQueryBytes {
		return nil, false
	}
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	if err != nil {
		return nil, false
	}
	s := &shape{expr: expr}
	if !s.outer(expr) {
		return nil, false
	}
	return s, true
}

// outer walks the per-series wrappers down to the sum.
func (s *shape) outer(e parser.Expr) bool {
	switch n := e.(type) {
	case *parser.ParenExpr:
		return s.outer(n.Expr)
	case *parser.SubqueryExpr:
		return s.outer(n.Expr)
	case *parser.Call:
		return len(n.Args) == 1 && perSeries[n.Func.Name] && s.outer(n.Args[0])
	case *parser.AggregateExpr:
		if n.Op != parser.SUM || len(n.Grouping) > 0 || n.Without || n.Param != nil {
			return false
		}
		s.sum = n
		return s.inner(n.Expr)
	}
	return false
}

// inner walks the per-series functions under the sum down to the selector.
func (s *shape) inner(e parser.Expr) bool {
	switch n := e.(type) {
	case *parser.ParenExpr:
		return s.inner(n.Expr)
	case *parser.SubqueryExpr:
		return s.inner(n.Expr)
	case *parser.Call:
		return len(n.Args) == 1 && perSeries[n.Func.Name] && s.inner(n.Args[0])
	case *parser.MatrixSelector:
		return s.inner(n.VectorSelector)
	case *parser.VectorSelector:
		s.sel = n
		return true
	}
	return false
}

// BatchKeys implements slo.Rewriter: one key per label of query's selector
// that has exactly one matcher, an equality to a non-empty value (the
// metric name excepted), when query is the sum of one selector's series.
func (PromQL) BatchKeys(query string) []slo.BatchKey {
	s, ok := parseShape(query)
	if !ok {
		return nil
	}
	matchers := s.sel.LabelMatchers
	var keys []slo.BatchKey
	for i, m := range matchers {
		if m.Type != labels.MatchEqual || m.Name == labels.MetricName || m.Value == "" {
			continue
		}
		if slices.ContainsFunc(matchers, func(o *labels.Matcher) bool { return o != m && o.Name == m.Name }) {
			continue
		}
		s.sel.LabelMatchers = slices.Delete(slices.Clone(matchers), i, i+1)
		keys = append(keys, slo.BatchKey{Shape: s.expr.String(), Label: m.Name, Value: m.Value})
		s.sel.LabelMatchers = matchers
	}
	return keys
}

// BatchQuery implements slo.Rewriter: query (one of a batch) with its
// label's matcher made a regular expression of values, each matched
// literally, and its sum grouped by label.
func (PromQL) BatchQuery(query, label string, values []string) (string, error) {
	s, ok := parseShape(query)
	if !ok {
		return "", fmt.Errorf("query %q cannot be batched", query)
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		if v == "" {
			return "", fmt.Errorf("query %q: an empty value of %s cannot be batched", query, label)
		}
		quoted[i] = regexp.QuoteMeta(v)
	}
	m, err := labels.NewMatcher(labels.MatchRegexp, label, strings.Join(quoted, "|"))
	if err != nil {
		return "", fmt.Errorf("batching query %q: %w", query, err)
	}
	n := 0
	for i, o := range s.sel.LabelMatchers {
		if o.Name == label {
			s.sel.LabelMatchers[i] = m
			n++
		}
	}
	if n != 1 {
		return "", fmt.Errorf("query %q has %d matchers on %s, not one", query, n, label)
	}
	s.sum.Grouping = []string{label}
	return s.expr.String(), nil
}

// GroupQuery implements slo.Rewriter: query's sum grouped by labels.
func (PromQL) GroupQuery(query string, by []string) (string, error) {
	s, ok := parseShape(query)
	if !ok {
		return "", fmt.Errorf("query %q is not a sum(...) of one selector's series, so it cannot be grouped", query)
	}
	s.sum.Grouping = slices.Clone(by)
	return s.expr.String(), nil
}

// Narrow implements slo.Rewriter: query with equality matchers on the
// labels of match added to its selector (beside any it has: matchers are
// all met).
func (PromQL) Narrow(query string, match map[string]string) (string, error) {
	s, ok := parseShape(query)
	if !ok {
		return "", fmt.Errorf("query %q is not a sum(...) of one selector's series, so it cannot be grouped", query)
	}
	names := make([]string, 0, len(match))
	for k := range match {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		m, err := labels.NewMatcher(labels.MatchEqual, k, match[k])
		if err != nil {
			return "", fmt.Errorf("narrowing query %q: %w", query, err)
		}
		s.sel.LabelMatchers = append(s.sel.LabelMatchers, m)
	}
	return s.expr.String(), nil
}
