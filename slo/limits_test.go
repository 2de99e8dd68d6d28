package slo_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

const limitsTiers = `version: nines/v1
tiers:
  critical:
    objective: 99.9
`

// loadFS loads the files of fsys (with the tiers file above added) and
// returns its problems, one a line, or the error that was not one.
func loadFS(t *testing.T, fsys fstest.MapFS) (string, error) {
	t.Helper()
	if _, ok := fsys["tiers.yaml"]; !ok {
		fsys["tiers.yaml"] = &fstest.MapFile{Data: []byte(limitsTiers)}
	}
	_, err := slo.Load([]string{"."}, slo.LoadOptions{FS: fsys, CheckQuery: prom.CheckQuery})
	var verr *slo.ValidationError
	if !errors.As(err, &verr) {
		return "", err
	}
	var b strings.Builder
	for _, p := range verr.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String(), nil
}

func service(slos string) []byte {
	return []byte("version: nines/v1\nservice: svc\ntier: critical\nslos:\n" + slos)
}

func TestASpecFileLargerThanTheLimitIsAProblemOfItsOwn(t *testing.T) {
	big := service(`  - name: a
    sli: {probe: {metric: up}}
    description: "` + strings.Repeat("x", slo.MaxSpecFileBytes) + `"
`)
	got, err := loadFS(t, fstest.MapFS{"svc.yaml": {Data: big}})
	if err != nil {
		t.Fatal(err)
	}
	want := "svc.yaml: the file is larger than 1 MiB, the most a spec file may have: split it (one file per service, the tiers in a file of their own)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMoreSLOsThanTheLimitAreRefusedBeforeDecoding(t *testing.T) {
	var b strings.Builder
	for i := range slo.MaxSLOsPerFile + 1 {
		fmt.Fprintf(&b, "  - {name: s%d, sli: {probe: {metric: up}}}\n", i)
	}
	got, err := loadFS(t, fstest.MapFS{"svc.yaml": {Data: service(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	want := "svc.yaml:4: slos: 1001 SLOs, more than the 1000 a service file may define: split the service into several, each in its own file\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The limit itself is fine.
	b.Reset()
	for i := range slo.MaxSLOsPerFile {
		fmt.Fprintf(&b, "  - {name: s%d, sli: {probe: {metric: up}}}\n", i)
	}
	if got, err := loadFS(t, fstest.MapFS{"svc.yaml": {Data: service(b.String())}}); got != "" || err != nil {
		t.Errorf("%d SLOs: %s%v", slo.MaxSLOsPerFile, got, err)
	}
}

// One 2-million-term expression kept `nines validate` busy for more than
// 10 minutes: the parser's time grows with the square of the nesting. A
// long query is refused before it is parsed, and so is a short one with
// more operators than a person writes.
func TestLongQueriesAreRefusedBeforeParsing(t *testing.T) {
	long := "sum(increase(x_total[{{.window}}]))" + strings.Repeat("+x", slo.MaxQueryBytes/2)
	many := "sum(increase(x_total[{{.window}}]))" + strings.Repeat("+x", 4000)
	deep := strings.Repeat("-", 8000) + "sum(increase(x_total[{{.window}}]))"
	slos := fmt.Sprintf(`  - name: long
    sli: {raw: {error_ratio: "%s"}}
  - name: many
    sli: {raw: {error_ratio: "%s"}}
  - name: deep
    sli: {raw: {error_ratio: "%s"}}
  - name: labels
    sli: {latency: {metric: d, threshold: 1, labels: {a: "%s"}}}
`, long, many, deep, strings.Repeat("y", slo.MaxQueryBytes))
	start := time.Now()
	got, err := loadFS(t, fstest.MapFS{"svc.yaml": {Data: service(slos)}})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s: the limits are checked before parsing", d)
	}
	want := `svc.yaml:6: slos[0].sli.raw.error_ratio: the query is 16419 bytes, more than the 16 KiB a PromQL expression in a spec may have: move the logic into a recording rule and query its result
svc.yaml:8: slos[1].sli.raw.error_ratio: invalid PromQL: the query has more than 1000 operators and parentheses: move the logic into a recording rule and query its result
svc.yaml:10: slos[2].sli.raw.error_ratio: invalid PromQL: the query has more than 1000 operators and parentheses: move the logic into a recording rule and query its result
svc.yaml:12: slos[3].sli.latency.labels: the query built from the metric and labels is 16431 bytes, more than the 16 KiB a PromQL expression may have: select the series with fewer or shorter labels
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMoreAlertsThanTheLimitAreAProblem(t *testing.T) {
	alerts := strings.Repeat("      - {long: 1h, short: 5m, factor: 14.4, severity: page}\n", slo.MaxAlerts+1)
	got, err := loadFS(t, fstest.MapFS{"svc.yaml": {Data: service("  - name: a\n    sli: {probe: {metric: up}}\n    alerts:\n" + alerts)}})
	if err != nil {
		t.Fatal(err)
	}
	want := "svc.yaml:7: slos[0].alerts: 17 alerts, more than the 16 a tier or SLO may define: each alert window is a query of every SLO; keep the alerts that page or open tickets\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSpecDirectoriesAreBoundedBeforeAnyFileIsRead(t *testing.T) {
	many := fstest.MapFS{}
	for i := range slo.MaxSpecFiles + 1 {
		many[fmt.Sprintf("specs/%04d.yaml", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	_, err := slo.Load([]string{"specs"}, slo.LoadOptions{FS: many})
	if err == nil || err.Error() != `spec path "specs" brings the spec files to more than 1000, the most one run reads: give --specs the tiers file and the service files only` {
		t.Errorf("got %v", err)
	}

	large := fstest.MapFS{}
	data := make([]byte, slo.MaxSpecFileBytes) // shared: sizes are all that is read
	for i := range slo.MaxSpecBytes/slo.MaxSpecFileBytes + 1 {
		large[fmt.Sprintf("specs/%04d.yaml", i)] = &fstest.MapFile{Data: data}
	}
	_, err = slo.Load([]string{"specs"}, slo.LoadOptions{FS: large})
	if err == nil || err.Error() != `spec path "specs" brings the spec files to more than 64 MiB together, the most one run reads: give --specs the tiers file and the service files only` {
		t.Errorf("got %v", err)
	}
}

// yaml.v3 keeps an alias once in the node tree, and refuses a decode that is
// mostly alias expansion ("billion laughs"): here a thousand SLOs, each
// with the same list of a hundred thousand alerts.
func TestAliasBombsAreRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: nines/v1\nservice: svc\ntier: critical\n")
	b.WriteString("alert: &a {long: 1h, short: 5m, factor: 1, severity: page, what: x}\n")
	b.WriteString("alerts: &as [*a" + strings.Repeat(", *a", 100_000) + "]\n")
	b.WriteString("slos:\n")
	for i := range slo.MaxSLOsPerFile {
		fmt.Fprintf(&b, "  - {name: s%d, sli: {probe: {metric: up}}, alerts: *as}\n", i)
	}
	if b.Len() > slo.MaxSpecFileBytes {
		t.Fatalf("the bomb is %d bytes, more than a spec file may have", b.Len())
	}
	start := time.Now()
	got, err := loadFS(t, fstest.MapFS{"svc.yaml": {Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if !strings.Contains(got, "excessive aliasing") || strings.Count(got, "\n") != 1 {
		t.Errorf("got\n%s\nwant excessive aliasing, and each problem once", got)
	}
}

func TestAnIncidentsFileLargerThanTheLimitIsAProblem(t *testing.T) {
	f := filepath.Join(t.TempDir(), "incidents.csv")
	data := "service,start,end\n" + strings.Repeat("#"+strings.Repeat("x", 1023)+"\n", slo.MaxIncidentsFileBytes/1024)
	if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := slo.LoadIncidents(f, &slo.Catalog{})
	var verr *slo.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || verr.Problems[0].String() != f+": the file is larger than 1 MiB, the most an incidents file may have: keep a file per quarter and give the one of the period" {
		t.Errorf("got %v", err)
	}
}

// Overlaps are found in order of start, not by comparing every pair: ten
// thousand incidents load at once.
func TestManyIncidentsLoadQuickly(t *testing.T) {
	f := filepath.Join(t.TempDir(), "incidents.csv")
	var b strings.Builder
	b.WriteString("service,start,end\n")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 10000
	for i := range n {
		s := t0.Add(time.Duration(i) * time.Hour)
		fmt.Fprintf(&b, "svc,%s,%s\n", s.Format(time.RFC3339), s.Add(30*time.Minute).Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "svc,%s,%s\n", t0.Add(10*time.Minute).Format(time.RFC3339), t0.Add(20*time.Minute).Format(time.RFC3339))
	if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := &slo.Catalog{Services: []slo.Service{{Name: "svc"}}}
	_, err := slo.LoadIncidents(f, cat)
	var verr *slo.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || verr.Problems[0].String() != f+":10002: start: overlaps the svc incident at line 2: merge them into one" {
		t.Errorf("got %v", err)
	}
}
