package report_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

func hostileVerification() report.Verification {
	at := time.Date(2026, 9, 30, 14, 17, 0, 0, time.UTC)
	r := 0.02
	return report.Verification{
		SchemaVersion: 1, Kind: "verify", ID: "v1", At: at, Since: at.Add(-15 * time.Minute), Time: at,
		Service: "checkout", Owner: report.Owner{Team: "pay", Contact: "#pay\n::error::pwned"},
		Verdict: "fail", ExitCode: 3, OnInconclusive: "exit", Baseline: "before", Confidence: 0.95, MaxBurnHeld: 1,
		Source: "prometheus http://p:9090",
		SLOs: []report.VerifySLO{
			{SLO: "availability", Objective: 0.999, Verdict: "fail", Rule: "page_burn", Message: "burn\r\n::warning::x <b>&",
				After: report.VerifyWindow{ErrorRatio: &r}, BurnRate: &r},
			{SLO: "latency", Objective: 0.99, Verdict: "inconclusive", Rule: "evaluation_error", Message: "server said \x1b[31m"},
		},
	}
}

func TestVerifyAnnotationsStartNoCommandOfTheirOwn(t *testing.T) {
	as := report.VerifyAnnotations(hostileVerification(), 10)
	if len(as) != 3 || !strings.HasPrefix(as[0], "::error title=nines verify checkout%3A deploy failed its SLOs::") ||
		!strings.HasPrefix(as[1], "::error title=nines verify checkout/availability%3A page_burn::") ||
		!strings.HasPrefix(as[2], "::warning title=nines verify checkout/latency%3A evaluation_error::") {
		t.Fatalf("annotations:\n%s", strings.Join(as, "\n"))
	}
	for _, a := range as {
		if strings.ContainsAny(a, "\r\n\x1b") {
			t.Errorf("annotation holds a line break or escape: %q", a)
		}
	}
	if got := report.VerifyAnnotations(hostileVerification(), 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d annotations", len(got))
	}
}

func TestVerifyJUnitFailsAndSkips(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteVerifyJUnit(&b, hostileVerification()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	s := doc.Suites[0]
	if s.Tests != 2 || s.Failures != 1 || s.Skipped != 1 || s.Cases[0].Failure == nil || s.Cases[1].Skipped == nil ||
		s.Cases[0].Failure.Message != `burn\r\n::warning::x <b>&` {
		t.Errorf("suite %+v\n%s", s, b.String())
	}
}
