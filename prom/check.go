package prom

import (
	"fmt"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/nines-sre/nines/slo"
)

// MaxQueryOperators is the number of operators (label matchers included)
// and opening parentheses a query checked by CheckQuery may have. The
// parser's type check walks the expression tree once per level, so its time
// grows with the square of the nesting: 16,000 terms take a second, 1,000 a
// few milliseconds. Real SLO queries have a few dozen.
const MaxQueryOperators = 1000

// CheckQuery checks the PromQL syntax of query with Prometheus's own parser.
// A query longer than slo.MaxQueryBytes, or with more than MaxQueryOperators
// operators and parentheses, is refused before it is parsed.
func CheckQuery(query string) error {
	if len(query) > slo.MaxQueryBytes {
		return fmt.Errorf("the query is %d bytes, more than the %d a query may have: move the logic into a recording rule and query its result", len(query), slo.MaxQueryBytes)
	}
	if n := operators(query); n > MaxQueryOperators {
		return fmt.Errorf("the query has more than %d operators and parentheses: move the logic into a recording rule and query its result", MaxQueryOperators)
	}
	_, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	return err
}

// operators counts the operator and opening parenthesis tokens of query, up
// to MaxQueryOperators+1 (the lexer's time is linear in the query). A query
// the lexer rejects is counted up to its error, which the parser reports.
func operators(query string) int {
	l := parser.Lex(query)
	n := 0
	for n <= MaxQueryOperators {
		var it parser.Item
		l.NextItem(&it)
		switch {
		case it.Typ == parser.EOF || it.Typ == parser.ERROR:
			return n
		case it.Typ.IsOperator() || it.Typ == parser.LEFT_PAREN:
			n++
		}
	}
	return n
}
