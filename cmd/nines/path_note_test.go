package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nines-sre/nines/report"
)

// demoPathNote is the line under the demo's SLOs: it has no recorded
// series, so every SLO reads raw data.
const demoPathNote = "path: raw data for every SLO over 2026-Q3; the incident scan reads raw data (range queries at the detection step)."

// cost (and its what-if), report, summary and advise say which data each SLO's figures over
// the period came from, per SLO in JSON and in a line under the tables;
// verify says it reads raw data and why.
func TestPeriodCommandsSayWhichDataTheyRead(t *testing.T) {
	q3 := append([]string{"--quarter", "2026-Q3"}, demoArgs...)
	code, out, errOut := runCLI(t, "", append([]string{"cost"}, q3...)...)
	if code != exitOK {
		t.Fatalf("cost: exit %d\n%s", code, errOut)
	}
	golden(t, "cost_demo.txt", []byte(out))
	if !strings.Contains(out, demoPathNote) {
		t.Errorf("cost: no path note %q in\n%s", demoPathNote, out)
	}

	code, out, errOut = runCLI(t, "", append([]string{"cost", "-o", "json"}, q3...)...)
	if code != exitOK {
		t.Fatalf("cost -o json: exit %d\n%s", code, errOut)
	}
	var c report.CostReport
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range c.Services {
		for _, o := range s.SLOs {
			n++
			// The demo's SLIs are events, latency and probes (records
			// possible, none present) or raw (none possible): a reason either way.
			if o.Path != "raw" || o.PathReason == "" || o.RecordedAt != nil {
				t.Errorf("cost: %s/%s: path %q, reason %q, recorded_at %v; want raw with a reason", s.Service, o.SLO, o.Path, o.PathReason, o.RecordedAt)
			}
			for _, m := range o.Months {
				if m.Path != "raw" {
					t.Errorf("cost: %s/%s %s: path %q, want raw", s.Service, o.SLO, m.Month, m.Path)
				}
			}
		}
	}
	for _, m := range c.SLAMonths {
		if m.Path != "raw" {
			t.Errorf("cost: SLA month %s/%s %s: path %q, want raw", m.Service, m.SLO, m.Month, m.Path)
		}
	}
	if n == 0 || c.IncidentScanPath != "raw" {
		t.Errorf("cost: %d SLOs, incident_scan_path %q; want SLOs and raw", n, c.IncidentScanPath)
	}

	dir := t.TempDir()
	book := filepath.Join(dir, "q3.xlsx")
	if code, _, errOut := runCLI(t, dir, append([]string{"report", "-o", book}, q3...)...); code != exitOK {
		t.Fatalf("report: exit %d\n%s", code, errOut)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetServices)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || strings.Contains(strings.Join(r, " "), demoPathNote)
	}
	if !found {
		t.Errorf("report: the %s sheet has no path note %q", report.SheetServices, demoPathNote)
	}

	code, out, errOut = runCLI(t, "", append([]string{"summary", "-o", "json"}, q3...)...)
	if code != exitOK {
		t.Fatalf("summary: exit %d\n%s", code, errOut)
	}
	var s report.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	for _, svc := range s.Services {
		for _, o := range svc.SLOs {
			if o.Path != "raw" || o.PathReason == "" || o.PreviousPath != "raw" {
				t.Errorf("summary: %s/%s: path %q, reason %q, previous %q; want raw with a reason, previous raw", svc.Service, o.SLO, o.Path, o.PathReason, o.PreviousPath)
			}
		}
	}

	a := adviseDemo(t)
	for _, o := range a.SLOs {
		if o.Path != "raw" || !strings.HasPrefix(o.PathReason, "2026-Q3: ") {
			t.Errorf("advise: %s/%s: path %q, reason %q; want raw with the period's reason", o.Service, o.SLO, o.Path, o.PathReason)
		}
	}

	code, out, errOut = runCLI(t, "", append([]string{"cost", "--service", "checkout", "--what-if", "30m", "-o", "json"}, demoArgs...)...)
	if code != exitOK {
		t.Fatalf("cost --what-if: exit %d\n%s", code, errOut)
	}
	var w report.WhatIfReport
	if err := json.Unmarshal([]byte(out), &w); err != nil || len(w.SLOs) == 0 {
		t.Fatalf("cost --what-if: %v\n%s", err, out)
	}
	for _, o := range w.SLOs {
		if o.Path != "raw" || o.PathReason == "" {
			t.Errorf("cost --what-if: %s: path %q, reason %q; want raw with a reason", o.SLO, o.Path, o.PathReason)
		}
	}

	code, out, errOut = runCLI(t, "", "verify", "-o", "json", "--source", "demo", "--at", "2026-10-14T12:00:00Z",
		"--service", "checkout", "--since", "2026-10-14T11:00:00Z")
	var v report.Verification
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("verify: exit %d: %v\n%s", code, err, errOut)
	}
	if v.Path != "raw" || !strings.Contains(v.PathReason, "5m records") {
		t.Errorf("verify: path %q, reason %q; want raw, the records' grid named", v.Path, v.PathReason)
	}
}
