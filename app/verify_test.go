package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
)

func TestFindDecisionReadsTheGatesLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	lines := []string{
		`{"id":"a1","service":"checkout","time":"2026-09-30T14:00:03Z","at":"2026-09-30T14:00:00Z","verdict":"allow","exit_code":0}`,
		`{"id":"b2","service":"search","time":"2026-09-30T15:00:03Z","at":"2026-09-30T15:00:00Z","verdict":"block","exit_code":3}`,
		// verify's line names the decision too, and has its own kind: not a gate decision.
		`{"kind":"verify","id":"v9","decision_id":"a1","service":"checkout","at":"2026-09-30T14:15:00Z"}`,
		`{"kind":"verify","id":"a1","service":"other","at":"2026-09-30T16:00:00Z"}`,
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := app.FindDecision(path, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "a1" || d.Service != "checkout" || !d.At.Equal(time.Date(2026, 9, 30, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("decision %+v, want a1 of checkout at 14:00", d)
	}
	if _, err := app.FindDecision(path, "v9"); err == nil || err.Error() != "no gate decision v9 in the audit log "+path {
		t.Errorf("a verify line is not a decision: %v", err)
	}
	if _, err := app.FindDecision("", "a1"); err == nil || !strings.Contains(err.Error(), "give --audit-log FILE or set NINES_AUDIT_LOG") {
		t.Errorf("no audit log: %v", err)
	}
}

func TestFindDecisionNamesTheBrokenLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := os.WriteFile(path, []byte("{\"id\":\"x\"}\n{\"id\":\"a1\",\"at\":\"yesterday\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := app.FindDecision(path, "a1")
	if err == nil || !strings.HasPrefix(err.Error(), "audit log "+path+": line 2: ") {
		t.Errorf("error %v, want one naming line 2", err)
	}
}
