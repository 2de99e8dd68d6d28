package gate_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The gate is a domain package: the standard library, slo and budget only.
func TestGateImportsOnlyTheStandardLibrarySLOAndBudget(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	out, err := exec.Command(goTool, "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{"github.com/nines-sre/nines/slo": true, "github.com/nines-sre/nines/budget": true}
	for _, imp := range strings.Fields(string(out)) {
		first, _, _ := strings.Cut(imp, "/")
		if !allowed[imp] && strings.Contains(first, ".") {
			t.Errorf("gate imports %s", imp)
		}
	}
}
