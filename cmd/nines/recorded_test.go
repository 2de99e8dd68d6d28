package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// --recorded takes auto, always or never; anything else is a usage error.
func TestRecordedFlagIsChecked(t *testing.T) {
	code, out, errOut := runWithEnv(nil, "burn", "--source", "demo", "--recorded", "sometimes")
	if code != exitFailure || out != "" || !strings.Contains(errOut, `invalid --recorded "sometimes": use auto, always or never`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want a usage error", code, out, errOut)
	}
}

// The demo data has no recorded series: auto reads raw data and says why in
// JSON; always fails, naming the series it looked for.
func TestRecordedWithoutRecords(t *testing.T) {
	code, out, errOut := runWithEnv(nil, "burn", "--source", "demo", "--at", "2026-10-14T12:00:00Z", "-o", "json")
	if code != exitOK {
		t.Fatalf("auto: exit %d: %s", code, errOut)
	}
	var r struct {
		SLOs []struct {
			Service, SLO, Path string
			PathReason         string `json:"path_reason"`
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.SLOs) == 0 {
		t.Fatalf("auto: %v: %s", err, out)
	}
	for _, s := range r.SLOs {
		if s.Path != "raw" || s.PathReason == "" {
			t.Errorf("auto: %s/%s: path %q, reason %q; want raw with a reason", s.Service, s.SLO, s.Path, s.PathReason)
		}
	}
	code, out, errOut = runWithEnv(nil, "burn", "--source", "demo", "--at", "2026-10-14T12:00:00Z", "--recorded", "always")
	if code != exitFailure || !strings.Contains(errOut, "--recorded always, but no recorded series nines:slo_events:increase5m{service=") {
		t.Errorf("always: exit %d, stdout %q, stderr %q; want exit 1 naming the missing series", code, out, errOut)
	}
}
