// Package archtest checks what the compiler does not: the domain packages
// stay pure, and the binary stays light.
package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
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
	for _, pkg := range []string{"slo", "budget", "cost", "gate", "rules", "interop"} {
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

// notLinked are module path prefixes the nines binary must not link (issue 8,
// "a light binary"): cloud SDKs and Kubernetes, which prometheus/tsdb dragged
// in through prometheus/config although no command talks to a cloud, and test
// libraries, which have no place in a production binary.
var notLinked = []string{
	"cloud.google.com",
	"github.com/Azure",
	"github.com/aws",
	"k8s.io",
	"github.com/stretchr/testify",
	"github.com/google/go-cmp",
	"go.uber.org/goleak",
	"github.com/prometheus/sigv4",
	"google.golang.org/api",
	"google.golang.org/grpc",
}

const (
	// maxModules bounds the modules linked into the binary. Every module is
	// code to download, audit and keep up to date; the embedded engine needs
	// promql, not the TSDB, and with the TSDB's dependencies gone nines links
	// 55 (it linked 104 with them). The limit leaves room for a few new ones
	// but fails if a heavy tree comes back.
	maxModules = 60
	// maxBinaryBytes bounds the size of the binary built with default flags
	// (DWARF and symbol table included): a smaller download and a faster
	// start. The goal is 25 MB; dropping the TSDB brings the binary
	// from 38.1 MiB to 31.2 MiB (33.2 MiB with the demo data built in), and what is left is the product's own
	// dependencies (the PromQL engine and its OpenMetrics and protobuf
	// parsers, the HTTP client config, the workbook writer, the CLI). The
	// limit keeps what was won, with room for toolchain growth, and fails if
	// the TSDB and its tree (7 MiB) are linked again. The fleets, interop,
	// adjustments, composites, advisor and verify work brought it from
	// 34.4 MiB to 35.4 MiB with no new module: the bound is 37 MiB.
	maxBinaryBytes = 37 << 20
	// maxStrippedBytes bounds the binary built as a release is, without
	// DWARF and symbol table (-ldflags="-s -w", the README's install line):
	// the light-binary issue's goal of 25 MB, read as 25 MiB, met at 24.4
	// MiB; the live workbook, machine CSV, what-if planning and incident
	// policy of the money-and-quarters issue added 0.64 MiB of nines's own
	// code (no module), so the bound was 26 MiB; the fleets (rules, fast
	// path, stats, batching, groups), OpenSLO and Sloth import and export,
	// budget adjustments, composites, the advisor and verify added 0.76 MiB
	// (25.20 to 25.96 MiB, no module), so it is 27 MiB. It holds the demo
	// data and example specs (2 MB) the quick start needs anywhere.
	maxStrippedBytes = 27 << 20
)

func TestBinaryIsLight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "nines")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/nines-sre/nines/cmd/nines").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	modules := 0
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "dep" {
			continue
		}
		modules++
		for _, bad := range notLinked {
			if f[1] == bad || strings.HasPrefix(f[1], bad+"/") || strings.HasPrefix(f[1], bad+".") {
				t.Errorf("the binary links %s; it must not link %s (see notLinked)", f[1], bad)
			}
		}
	}
	if modules == 0 {
		t.Fatalf("go version -m lists no module:\n%s", out)
	}
	if modules > maxModules {
		t.Errorf("the binary links %d modules, more than %d:\n%s", modules, maxModules, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > maxBinaryBytes {
		t.Errorf("the binary is %.1f MiB, more than %.1f MiB", float64(fi.Size())/(1<<20), float64(maxBinaryBytes)/(1<<20))
	}
	stripped := filepath.Join(t.TempDir(), "nines-stripped")
	if out, err := exec.Command("go", "build", "-ldflags=-s -w", "-o", stripped, "github.com/nines-sre/nines/cmd/nines").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sfi, err := os.Stat(stripped)
	if err != nil {
		t.Fatal(err)
	}
	if sfi.Size() > maxStrippedBytes {
		t.Errorf("the stripped binary is %.1f MiB, more than %.1f MiB", float64(sfi.Size())/(1<<20), float64(maxStrippedBytes)/(1<<20))
	}
	t.Logf("%d modules, %.1f MiB, %.1f MiB stripped", modules, float64(fi.Size())/(1<<20), float64(sfi.Size())/(1<<20))
}
