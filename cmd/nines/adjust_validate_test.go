package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// nines validate rejects overlapping and unbounded adjustments with the
// file, line and field of each, and exits 1.
func TestValidateRejectsOverlappingAndUnboundedAdjustments(t *testing.T) {
	dir := t.TempDir()
	tiers := adjTiers + `    adjustments:
      - reason: weekly maintenance
        every: week
        on: [sunday]
        at: "02:00"
        duration: 2h
        time_zone: Europe/Berlin
        from: 2026-10-01
        until: 2026-12-31
`
	svc := adjServiceHead + `adjustments:
  - reason: migration on a sunday night
    start: 2026-10-25T01:00:00Z
    duration: 3h
  - reason: forever
    every: day
    at: "04:00"
    duration: 1h
    from: 2026-10-01
` + adjServiceSLOs
	for name, text := range map[string]string{"tiers.yaml": tiers, "shop.yaml": svc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := runCLI(t, dir, "validate", "-o", "json", "--specs", dir)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	var rep validateReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, filepath.Base(p.File)+":"+strconv.Itoa(p.Line)+" "+p.Field+": "+p.Message)
	}
	want := []string{
		// 2026-10-25 02:00 CEST, the first 02:00 of that night, is 00:00Z.
		`shop.yaml:5 adjustments[0]: overlaps tiers.critical.adjustments[0] (TMP/tiers.yaml:11, reason "weekly maintenance") from 2026-10-25T01:00:00Z to 2026-10-25T02:00:00Z`,
		`shop.yaml:8 adjustments[1].until: missing: a recurrence needs an end, until (a date) or count`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(strings.ReplaceAll(got[i], dir, "TMP"), want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
}
