package prom

import "github.com/prometheus/prometheus/promql/parser"

// CheckQuery checks the PromQL syntax of query with Prometheus's own parser.
func CheckQuery(query string) error {
	_, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	return err
}
