package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nines-sre/nines/report"
)

// The interop fixtures, written from the published spec shapes.
const (
	opensloFixtures = "../../interop/testdata/openslo"
	slothFixtures   = "../../interop/testdata/sloth"
	exampleSpecs    = "../../specs"
)

func fixtureFiles(t *testing.T, dir string) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range all {
		if !strings.Contains(p, ".bad.") {
			out = append(out, p)
		}
	}
	return out
}

func TestImportWritesAFilePerServiceAndRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	args := append([]string{"import", "openslo", "--specs", exampleSpecs, "--out", dir}, fixtureFiles(t, opensloFixtures)...)
	code, out, errOut := runCLI(t, dir, args...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	for _, svc := range []string{"checkout", "search"} {
		b, err := os.ReadFile(filepath.Join(dir, svc+".yaml"))
		if err != nil || !strings.Contains(string(b), "service: "+svc) {
			t.Errorf("%s.yaml: %v\n%s", svc, err, b)
		}
	}
	if errOut != "wrote 2 service specs to TMP\n" {
		t.Errorf("stderr %q", errOut)
	}
	code, md, errOut := runCLI(t, dir, append(args, "--force", "-o", "markdown")...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	// Markdown, not the table: the temporary directory's length would pad
	// the table's columns differently on every run.
	golden(t, "import_openslo.md", []byte(strings.ReplaceAll(md, "../../interop/", "")))
	if lines := strings.Split(out, "\n"); len(lines) < 8 || !strings.HasPrefix(lines[6], "WHERE ") {
		t.Errorf("the table lacks its Mapping grid:\n%s", out)
	}
	// The mapping grid fits 120 columns (the services grid holds the
	// temporary directory's long path).
	_, mapping, _ := strings.Cut(out, "\nMapping\n")
	for _, l := range strings.Split(mapping, "\n") {
		if len(l) > 120 {
			t.Errorf("a table line is wider than 120 columns: %q", l)
		}
	}

	// The written specs load with the example tiers, as nines reads them.
	code, vout, verr := runCLI(t, dir, "validate", filepath.Join(exampleSpecs, "tiers.yaml"), filepath.Join(dir, "checkout.yaml"), filepath.Join(dir, "search.yaml"))
	if code != exitOK {
		t.Fatalf("validate of the imported specs: exit %d\n%s%s", code, vout, verr)
	}

	code, _, errOut = runCLI(t, dir, args...)
	if code != exitFailure || !strings.Contains(errOut, "TMP/checkout.yaml exists: give --force to overwrite it") {
		t.Errorf("second import without --force: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, dir, append(args, "--force")...)
	if code != exitOK {
		t.Errorf("import --force: exit %d, stderr %q", code, errOut)
	}
}

func TestImportToStdoutWritesTheSpecsThereAndTheReportOnStderr(t *testing.T) {
	args := append([]string{"import", "sloth", "--tier", "standard", "-o", "json"}, fixtureFiles(t, slothFixtures)...)
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if n := strings.Count(out, "version: nines/v1"); n != 3 || strings.Count(out, "\n---\n") != 2 {
		t.Errorf("stdout holds %d specs, want 3 separated by ---:\n%s", n, out)
	}
	var rep report.InteropReport
	if err := json.Unmarshal([]byte(errOut), &rep); err != nil {
		t.Fatalf("stderr is not the JSON report: %v\n%s", err, errOut)
	}
	if rep.Direction != "import" || rep.Format != "sloth" || len(rep.Services) != 3 || rep.Services[0].TierReason != "given with --tier" {
		t.Errorf("report header %+v", rep)
	}
	total := rep.Exact + rep.Approximated + rep.Dropped
	if total != len(rep.Mappings) || rep.Dropped == 0 {
		t.Errorf("counts %d+%d+%d for %d mappings; the plugin SLI must be dropped", rep.Exact, rep.Approximated, rep.Dropped, len(rep.Mappings))
	}
}

func TestImportErrorsNameTheFileLineAndField(t *testing.T) {
	code, _, errOut := runCLI(t, "", "import", "openslo", "--tier", "standard", filepath.Join(opensloFixtures, "unknown-field.bad.yaml"))
	want := "unknown-field.bad.yaml:10: spec.objectives[0].targt: unknown field \"targt\" (did you mean \"target\"?)"
	if code != exitFailure || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, errOut, want)
	}
	code, _, errOut = runCLI(t, "", "import", "openslo", "--specs", exampleSpecs, "--tier", "gold", filepath.Join(opensloFixtures, "slos.yaml"))
	if code != exitFailure || !strings.Contains(errOut, `unknown --tier "gold": the tiers of --specs are best-effort, critical, standard`) {
		t.Errorf("unknown tier: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "import", "sloth", "--force", filepath.Join(slothFixtures, "k8s.yml"))
	if code != exitFailure || !strings.Contains(errOut, "--force applies to --out DIR only") {
		t.Errorf("--force without --out: exit %d, stderr %q", code, errOut)
	}
}

func TestExportOpenSLOWritesTheDocumentsAndCountsWhatIsNotExpressed(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "openslo.yaml")
	code, _, errOut := runCLI(t, dir, "export", "openslo", "--specs", exampleSpecs, "--out", file)
	if code != exitOK || !strings.HasPrefix(errOut, "wrote TMP/openslo.yaml: 5 SLOs of 4 services as 11 OpenSLO documents;") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "export_openslo.yaml", b)
	// Read back by import, the tiers come from the annotations.
	code, out, errOut := runCLI(t, dir, "import", "openslo", "--specs", exampleSpecs, "-o", "json", file)
	if code != exitOK {
		t.Fatalf("import of the export: exit %d\n%s", code, errOut)
	}
	for _, s := range []string{"service: checkout\ntier: critical", "service: recommendations\ntier: best-effort", "service: search\ntier: standard"} {
		if !strings.Contains(out, s) {
			t.Errorf("the import of the export lacks %q", s)
		}
	}
}

func TestImportAndExportHelpGolden(t *testing.T) {
	for _, args := range [][]string{{"import"}, {"export", "openslo"}} {
		name := strings.Join(args, "_")
		t.Run(name, func(t *testing.T) {
			code, out, _ := runCLI(t, "", append(args, "--help")...)
			if code != exitOK || !strings.Contains(out, "Examples:") {
				t.Fatalf("exit %d, no examples:\n%s", code, out)
			}
			golden(t, name+"_help.txt", []byte(out))
		})
	}
}

func TestImportReportAsCSVIsOneRowPerMapping(t *testing.T) {
	args := append([]string{"import", "sloth", "--tier", "standard", "-o", "csv"}, fixtureFiles(t, slothFixtures)...)
	code, _, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(errOut)).ReadAll()
	if err != nil {
		t.Fatalf("stderr is not CSV: %v\n%s", err, errOut)
	}
	if strings.Join(rows[0], ",") != "direction,format,file,line,object,field,outcome,target,reason" {
		t.Errorf("header %v", rows[0])
	}
	dropped := 0
	for _, r := range rows[1:] {
		if len(r) != 9 || r[0] != "import" || r[1] != "sloth" || r[3] == "" {
			t.Errorf("row %v", r)
		}
		if r[6] == "dropped" {
			dropped++
		}
	}
	// The plugin SLI, the alerting names (3 SLOs) and home-wifi's disabled alerts.
	if dropped != 5 {
		t.Errorf("%d dropped rows, want 5:\n%s", dropped, errOut)
	}
}
