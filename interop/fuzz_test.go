package interop_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nines-sre/nines/interop"
	"github.com/nines-sre/nines/slo"
)

// FuzzImport feeds one file to both importers. Whatever the input: no
// panic; an error is either a list of problems, each in this file at a line
// it has, or a tier that cannot be chosen; a result is the same on a second
// run, byte for byte, and every note has an outcome and a line in the file.
func FuzzImport(f *testing.F) {
	for _, dir := range []string{"openslo", "sloth"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*.y*ml"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, imp := range []func([]interop.File, interop.ImportOptions) (*interop.Imported, error){interop.ImportOpenSLO, interop.ImportSloth} {
			files := []interop.File{{Name: "in.yaml", Data: data}}
			opts := interop.ImportOptions{Tier: "standard"}
			a, errA := imp(files, opts)
			b, errB := imp(files, opts)
			if (errA == nil) != (errB == nil) {
				t.Fatalf("two runs disagree: %v / %v", errA, errB)
			}
			if errA != nil {
				var verr *slo.ValidationError
				if !errors.As(errA, &verr) {
					t.Fatalf("an error without file and line: %v", errA)
				}
				for _, p := range verr.Problems {
					if p.File != "in.yaml" || p.Line < 0 || p.Line > lines || p.Message == "" {
						t.Fatalf("problem %+v is not in the file (%d lines)", p, lines)
					}
				}
				continue
			}
			if len(a.Services) != len(b.Services) || len(a.Notes) != len(b.Notes) {
				t.Fatalf("two runs differ: %d/%d services, %d/%d notes", len(a.Services), len(b.Services), len(a.Notes), len(b.Notes))
			}
			for i := range a.Services {
				ya, err := a.Services[i].YAML("fuzz")
				if err != nil {
					t.Fatal(err)
				}
				yb, _ := b.Services[i].YAML("fuzz")
				if !bytes.Equal(ya, yb) || !slo.ValidName(a.Services[i].Spec.Service) {
					t.Fatalf("service %q differs between runs or has an invalid name", a.Services[i].Spec.Service)
				}
			}
			for _, n := range a.Notes {
				if n.Outcome != interop.Exact && n.Outcome != interop.Approximated && n.Outcome != interop.Dropped {
					t.Fatalf("note without an outcome: %+v", n)
				}
				if n.File == "in.yaml" && (n.Line < 0 || n.Line > lines) {
					t.Fatalf("note %+v is not in the file (%d lines)", n, lines)
				}
			}
		}
	})
}
