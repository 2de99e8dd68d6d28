// Package archtest checks the architecture's one rule that the compiler does
// not: the domain packages stay pure.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden are the adapters a domain package must not reach, even indirectly.
var forbidden = []string{
	"net/http",
	"github.com/spf13/cobra",
	"github.com/prometheus/client_golang",
	"github.com/prometheus/prometheus",
	"github.com/xuri/excelize",
	"github.com/olekukonko/tablewriter",
}

func TestDomainPackagesImportNoAdapters(t *testing.T) {
	for _, pkg := range []string{"slo", "budget", "cost", "gate"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "github.com/nines-sre/nines/"+pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, f := range forbidden {
					if dep == f || strings.HasPrefix(dep, f+"/") {
						t.Errorf("%s depends on %s; domain packages must stay pure (see docs/architecture.md)", pkg, dep)
					}
				}
			}
		})
	}
	// budget is arithmetic: the standard library only.
	out, err := exec.Command("go", "list", "-deps", "github.com/nines-sre/nines/budget").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, ".") && dep != "github.com/nines-sre/nines/budget" {
			t.Errorf("budget depends on %s; it may use the standard library only", dep)
		}
	}
}

// TestUseCasesLiveInApp enforces the layering of docs/architecture.md:
// pricing and deploy decisions are made in app (and the domain packages it
// calls), never in the command line or the renderers. cmd/nines may not
// import cost, gate or budget; report may not import cost or gate; and slo
// does not import cost. (Test files are exempt: they check the domain
// directly.)
func TestUseCasesLiveInApp(t *testing.T) {
	rules := map[string][]string{
		"cmd/nines": {"cost", "gate", "budget"},
		"report":    {"cost", "gate"},
		"slo":       {"cost"},
	}
	for pkg, banned := range rules {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "github.com/nines-sre/nines/"+pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, imp := range strings.Fields(string(out)) {
				for _, b := range banned {
					if imp == "github.com/nines-sre/nines/"+b {
						t.Errorf("%s imports %s: its logic belongs in app (see docs/architecture.md)", pkg, b)
					}
				}
			}
		})
	}
}
