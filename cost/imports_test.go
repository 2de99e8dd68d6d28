package cost_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsStayPure checks that the cost arithmetic imports only the
// standard library and the domain packages budget and slo (whose cost model
// types it prices): no I/O adapters, no renderers.
func TestImportsStayPure(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			first := strings.Split(p, "/")[0]
			if p != "github.com/nines-sre/nines/budget" && p != "github.com/nines-sre/nines/slo" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: package cost may import only the standard library, budget and slo", f, p)
			}
		}
	}
}
